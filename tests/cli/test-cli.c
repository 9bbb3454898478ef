/* test-cli.c: kernelscope-cli, run as a program, against the laws its output must obey
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The path of the built program comes from meson as the last argument (or $KS_CLI).
 * Every test works in a fresh temporary folder, removed at its end.
 */
#include "ks-config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ks-cka.h"
#include "ks-csv-writer.h"
#include "ks-dataset.h"
#include "ks-evidence.h"
#include "ks-linalg.h"
#include "ks-nngp.h"
#include "ks-posterior.h"
#include "ks-predict.h"
#include "ks-spread.h"
#include "ks-stack.h"

/* A first infinite layer with a bias, a ReLU, a finite bottleneck and a ReLU. */
#define RELU_STACK "dense:inf:wv=2:bv=0.1,relu,dense:6:wv=1.5,relu"
#define RELU_SW2 2.0
#define RELU_SB2 0.1
#define RELU_N_LAYERS 4

static const char *cli_path;

/* ---- running the program ---- */

typedef struct
{
  int status;     /* exit status, or -1 when killed by a signal */
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs kernelscope-cli with the NULL-terminated arguments, in folder. */
static Run
run_cli (const char *folder,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  int wait_status = 0;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) cli_path);
  va_start (args, folder);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (folder, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run.out, &run.err, &wait_status, &error);
  g_assert_no_error (error);
  run.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return run;
}

/* ---- files and folders ---- */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

typedef struct
{
  char *path;
} TempFolder;

static void
temp_folder_clear (TempFolder *folder)
{
  if (folder->path != NULL)
    remove_tree (folder->path);
  g_clear_pointer (&folder->path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TempFolder, temp_folder_clear)

static TempFolder
temp_folder_new (void)
{
  g_autoptr(GError) error = NULL;
  TempFolder folder = { g_dir_make_tmp ("kernelscope-cli-XXXXXX", &error) };

  g_assert_no_error (error);
  return folder;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in folder, sorted, joined by spaces: easy to compare and to read on failure. */
static char *
list_folder (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static char *
read_text (const char *folder,
           const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
write_text (const char *folder,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static gsl_matrix *
read_matrix (const char *folder,
             const char *name)
{
  g_autoptr(GFile) file = g_file_new_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;
  gsl_matrix *m = ks_csv_read_matrix (file, NULL, &error);

  g_assert_no_error (error);
  return m;
}

static void
write_matrix (const char       *folder,
              const char       *name,
              const gsl_matrix *m)
{
  g_autoptr(GFile) file = g_file_new_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;

  ks_csv_write_matrix (file, m, NULL, &error);
  g_assert_no_error (error);
}

static gsl_matrix *
matrix_from (guint         rows,
             guint         columns,
             const double *values)
{
  gsl_matrix *m = gsl_matrix_alloc (rows, columns);

  memcpy (m->data, values, rows * columns * sizeof (double));
  return m;
}

/* |a - b| within tolerance relative to the larger of 1 and |b|. */
static void
assert_close (double a,
              double b,
              double tolerance)
{
  if (!(fabs (a - b) <= tolerance * MAX (1.0, fabs (b))))
    g_error ("%.17g and %.17g differ by more than %g", a, b, tolerance);
}

static void
assert_matrices_close (const gsl_matrix *a,
                       const gsl_matrix *b,
                       double            tolerance)
{
  g_assert_cmpuint (a->size1, ==, b->size1);
  g_assert_cmpuint (a->size2, ==, b->size2);
  for (gsize i = 0; i < a->size1; i++)
    for (gsize j = 0; j < a->size2; j++)
      assert_close (gsl_matrix_get (a, i, j), gsl_matrix_get (b, i, j), tolerance);
}

/* ---- the data the program sees, rebuilt through the core API ---- */

/* ks_dataset_open + subsample + standardize, with the options the program had. */
static KsDataset *
prepared_data (const char *name,
               guint       n_points,
               guint64     seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) full = ks_dataset_open (name, KS_LABEL_COLUMN_LAST, NULL, n_points,
                                               seed, NULL, &error);
  g_autoptr(KsDataset) subset = NULL;

  g_assert_no_error (error);
  subset = ks_dataset_subsample (full, n_points, seed, &error);
  g_assert_no_error (error);
  return ks_dataset_standardize (subset);
}

/* K0 = X X^T / D by plain loops, independent of the library's BLAS path. */
static gsl_matrix *
input_kernel_by_hand (KsDataset *data)
{
  guint p = ks_dataset_get_n_points (data), d = ks_dataset_get_n_features (data);
  const double *x = ks_dataset_get_inputs (data);
  gsl_matrix *k0 = gsl_matrix_alloc (p, p);

  for (guint i = 0; i < p; i++)
    for (guint j = 0; j < p; j++)
      {
        double sum = 0.0;

        for (guint f = 0; f < d; f++)
          sum += x[i * d + f] * x[j * d + f];
        gsl_matrix_set (k0, i, j, sum / d);
      }
  return k0;
}

/* MATHS 1: the ReLU expectation and its derivative's, for one entry of C. */
static double
relu_nngp (double c11,
           double c22,
           double c12)
{
  double norm = sqrt (c11 * c22);
  double theta = acos (CLAMP (c12 / norm, -1.0, 1.0));

  return norm / (2.0 * G_PI) * (sin (theta) + (G_PI - theta) * cos (theta));
}

static double
relu_gdot (double c11,
           double c22,
           double c12)
{
  double theta = acos (CLAMP (c12 / sqrt (c11 * c22), -1.0, 1.0));

  return (G_PI - theta) / (2.0 * G_PI);
}

/* ---- kernels ---- */

static Run
run_relu_kernels (const char *folder,
                  const char *out,
                  const char *threads)
{
  return run_cli (folder, "kernels", "--stack", RELU_STACK, "--data", "xor",
                  "--points", "24", "--seed", "3", "--samples", "4",
                  "--threads", threads, "--quiet", "--out", out, NULL);
}

/* The files are exactly those promised, each kernel is P x P, and nothing else (no
 * staging folder) is left in the output folder. */
static void
test_kernels_files (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_relu_kernels (tmp.path, "out", "1");
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *listing = NULL;
  static const char * const stems[] = { "nngp", "ntk", "sample-mean", "sample-std" };
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");

  g_ptr_array_add (names, g_strdup ("input.csv"));
  g_ptr_array_add (names, g_strdup ("labels.csv"));
  g_ptr_array_add (names, g_strdup ("summary.json"));
  for (guint l = 1; l <= RELU_N_LAYERS; l++)
    for (guint s = 0; s < G_N_ELEMENTS (stems); s++)
      g_ptr_array_add (names, g_strdup_printf ("%s-%u.csv", stems[s], l));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (expected, "%s%s", i ? " " : "", (char *) names->pdata[i]);
  listing = list_folder (out);
  g_assert_cmpstr (listing, ==, expected->str);

  for (guint i = 0; i < names->len; i++)
    if (g_str_has_suffix (names->pdata[i], ".csv") && strcmp (names->pdata[i], "labels.csv") != 0)
      {
        g_autoptr(gsl_matrix) k = read_matrix (out, names->pdata[i]);

        g_assert_cmpuint (k->size1, ==, 24);
        g_assert_cmpuint (k->size2, ==, 24);
      }
}

/* input.csv is X X^T / D of the subsampled, standardised data (the CSV holds 17 digits,
 * so only the summation order separates the two: 1e-12). labels.csv lists the classes
 * of those points in order. */
static void
test_kernels_input_and_labels (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_relu_kernels (tmp.path, "out", "1");
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  g_autoptr(KsDataset) data = prepared_data ("xor", 24, 3);
  g_autoptr(gsl_matrix) k0 = input_kernel_by_hand (data);
  g_autoptr(gsl_matrix) input = NULL;
  g_autofree char *labels = NULL;
  g_auto(GStrv) lines = NULL;
  const int *expected = ks_dataset_get_labels (data);

  g_assert_cmpint (run.status, ==, 0);
  input = read_matrix (out, "input.csv");
  assert_matrices_close (input, k0, 1e-12);

  labels = read_text (out, "labels.csv");
  g_assert_true (g_str_has_suffix (labels, "\n"));
  lines = g_strsplit (labels, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 24 + 1);
  for (guint i = 0; i < 24; i++)
    {
      g_autofree char *label = g_strdup_printf ("%d", expected[i]);

      g_assert_cmpstr (lines[i], ==, label);
    }
}

/* MATHS 1 layer by layer on the written files: a dense layer gives sw2 * G + sb2 (and its
 * NTK starts as that), a ReLU gives the arc-cosine closed form of the previous layer's
 * entries, and its NTK is Theta_in .* Gdot. Values round-trip exactly through 17 digits,
 * so 1e-12 leaves room only for the order of floating-point operations. */
static void
test_kernels_layer_laws (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_relu_kernels (tmp.path, "out", "1");
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  g_autoptr(gsl_matrix) k0 = NULL, nngp1 = NULL, nngp2 = NULL, ntk1 = NULL, ntk2 = NULL;
  g_autoptr(gsl_matrix) nngp3 = NULL, expected1 = NULL, expected2 = NULL, expected3 = NULL;
  g_autoptr(gsl_matrix) expected_ntk2 = NULL;

  g_assert_cmpint (run.status, ==, 0);
  k0 = read_matrix (out, "input.csv");
  nngp1 = read_matrix (out, "nngp-1.csv");
  nngp2 = read_matrix (out, "nngp-2.csv");
  nngp3 = read_matrix (out, "nngp-3.csv");
  ntk1 = read_matrix (out, "ntk-1.csv");
  ntk2 = read_matrix (out, "ntk-2.csv");
  expected1 = gsl_matrix_alloc (24, 24);
  expected2 = gsl_matrix_alloc (24, 24);
  expected3 = gsl_matrix_alloc (24, 24);
  expected_ntk2 = gsl_matrix_alloc (24, 24);

  for (guint i = 0; i < 24; i++)
    for (guint j = 0; j < 24; j++)
      {
        double c11 = gsl_matrix_get (nngp1, i, i), c22 = gsl_matrix_get (nngp1, j, j);
        double c12 = gsl_matrix_get (nngp1, i, j);

        gsl_matrix_set (expected1, i, j, RELU_SW2 * gsl_matrix_get (k0, i, j) + RELU_SB2);
        gsl_matrix_set (expected2, i, j, relu_nngp (c11, c22, c12));
        gsl_matrix_set (expected3, i, j, 1.5 * gsl_matrix_get (nngp2, i, j));
        gsl_matrix_set (expected_ntk2, i, j,
                        gsl_matrix_get (ntk1, i, j) * relu_gdot (c11, c22, c12));
      }
  assert_matrices_close (nngp1, expected1, 1e-12);
  assert_matrices_close (ntk1, nngp1, 1e-12);
  assert_matrices_close (nngp2, expected2, 1e-12);
  assert_matrices_close (ntk2, expected_ntk2, 1e-12);
  assert_matrices_close (nngp3, expected3, 1e-12);
}

/* summary.json is valid JSON and names the stack in its normal form. */
static void
test_kernels_summary (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_relu_kernels (tmp.path, "out", "1");
  g_autofree char *path = g_build_filename (tmp.path, "out", "summary.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStack) stack = ks_stack_parse (RELU_STACK, &error);
  g_autofree char *spec = ks_stack_to_string (stack);
  JsonObject *root, *experiment;

  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (root, "experiment"));
  experiment = json_object_get_object_member (root, "experiment");
  g_assert_cmpstr (json_object_get_string_member (experiment, "stack"), ==, spec);
}

/* MATHS 7: the sample statistics do not depend on the number of threads, bit for bit. */
static void
test_kernels_threads (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  const char *stack = "dense:inf:wv=2,relu,dense:8:wv=2,relu,dense:5";
  static const char * const stems[] = { "sample-mean", "sample-std" };
  g_auto(Run) one = run_cli (tmp.path, "kernels", "--stack", stack, "--data", "digits",
                             "--points", "30", "--samples", "4", "--threads", "1",
                             "--out", "one", NULL);
  g_auto(Run) two = run_cli (tmp.path, "kernels", "--stack", stack, "--data", "digits",
                             "--points", "30", "--samples", "4", "--threads", "2",
                             "--out", "two", NULL);
  g_autofree char *folder_one = g_build_filename (tmp.path, "one", NULL);
  g_autofree char *folder_two = g_build_filename (tmp.path, "two", NULL);

  g_assert_cmpint (one.status, ==, 0);
  g_assert_cmpint (two.status, ==, 0);
  for (guint l = 1; l <= 5; l++)
    for (guint s = 0; s < G_N_ELEMENTS (stems); s++)
      {
        g_autofree char *name = g_strdup_printf ("%s-%u.csv", stems[s], l);
        g_autofree char *a = read_text (folder_one, name);
        g_autofree char *b = read_text (folder_two, name);

        g_assert_cmpstr (a, ==, b);
      }
}

/* Files of the same names are replaced; other files in the folder stay. */
static void
test_kernels_replaces (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  g_autoptr(gsl_matrix) nngp = NULL;
  g_autofree char *kept = NULL;

  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  write_text (out, "nngp-1.csv", "1,2\n3,4\n");
  write_text (out, "notes.txt", "mine\n");
  {
    g_auto(Run) run = run_relu_kernels (tmp.path, "out", "1");

    g_assert_cmpint (run.status, ==, 0);
  }
  nngp = read_matrix (out, "nngp-1.csv");
  g_assert_cmpuint (nngp->size1, ==, 24);
  kept = read_text (out, "notes.txt");
  g_assert_cmpstr (kept, ==, "mine\n");
}

/* When moving the files into place fails halfway (a folder is in the way of the last
 * file), every file already moved is taken back and every replaced file restored. */
static void
test_kernels_rolls_back (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  g_autofree char *blocker = g_build_filename (out, "summary.json", NULL);
  g_autofree char *listing = NULL;
  g_autofree char *old = NULL;

  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (blocker, 0755), ==, 0);
  write_text (out, "nngp-1.csv", "old\n");
  {
    g_auto(Run) run = run_relu_kernels (tmp.path, "out", "1");

    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, blocker));
  }
  listing = list_folder (out);
  g_assert_cmpstr (listing, ==, "nngp-1.csv summary.json");
  old = read_text (out, "nngp-1.csv");
  g_assert_cmpstr (old, ==, "old\n");
}

/* Whether pid has installed a handler for signal_number (the SigCgt mask of Linux). */
static gboolean
catches_signal (GPid pid,
                int  signal_number)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *caught;

  if (!g_file_get_contents (path, &status, NULL, NULL)
      || (caught = strstr (status, "SigCgt:")) == NULL)
    return FALSE;
  return (g_ascii_strtoull (caught + strlen ("SigCgt:"), NULL, 16)
          >> (signal_number - 1)) & 1;
}

/* Waits up to 10 s for pid to exit; its exit status, or -1 when a signal killed it. */
static int
wait_for_exit (GPid pid)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int wait_status = 0;

  while (waitpid (pid, &wait_status, WNOHANG) == 0)
    {
      if (g_get_monotonic_time () > deadline)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &wait_status, 0);
          g_error ("kernelscope-cli did not stop within 10 s of the signal");
        }
      g_usleep (10000);
    }
  g_spawn_close_pid (pid);
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

/* SIGINT or SIGTERM during a run that would take minutes: exit status 130 within the
 * core's 100 ms promise plus clean-up (10 s allows for a loaded machine), and no output
 * folder. The signal is sent once the program watches for it and has worked 0.3 s. */
static void
assert_signal_cancels (int signal_number)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  const char *argv[] = {
    cli_path, "kernels", "--stack", "dense:512,relu,dense:512,relu", "--data", "digits",
    "--points", "500", "--samples", "50000", "--threads", "1", "--out", "out", NULL
  };
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GPid pid;

  g_spawn_async (tmp.path, (char **) argv, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                 &pid, &error);
  g_assert_no_error (error);
  while (!catches_signal (pid, signal_number))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
  g_usleep (G_USEC_PER_SEC * 3 / 10);
  g_assert_cmpint (kill (pid, signal_number), ==, 0);

  g_assert_cmpint (wait_for_exit (pid), ==, 130);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_kernels_interrupt (void)
{
  assert_signal_cancels (SIGINT);
}

static void
test_kernels_terminate (void)
{
  assert_signal_cancels (SIGTERM);
}

/* ---- cka ---- */

static const double features_a[] = {
  1.0, 0.5, -0.2,
  0.3, -1.1, 0.8,
  -0.7, 0.2, 1.5,
  2.0, 0.1, -0.4,
  -1.3, 0.9, 0.0,
  0.4, -0.6, -1.2,
};
static const double features_b[] = {
  0.9, 0.1,
  0.2, -1.0,
  -0.5, 0.7,
  1.8, 0.3,
  -1.0, 0.4,
  0.1, -0.9,
};

static double
printed_value (const Run *run)
{
  char *end = NULL;
  double value;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_suffix (run->out, "\n"));
  value = g_ascii_strtod (run->out, &end);
  g_assert_cmpstr (end, ==, "\n");
  return value;
}

static double
core_cka_features (KsCkaKind kind)
{
  g_autoptr(gsl_matrix) a = matrix_from (6, 3, features_a);
  g_autoptr(gsl_matrix) b = matrix_from (6, 2, features_b);
  g_autoptr(GError) error = NULL;
  double cka = NAN;

  ks_cka_features (a, b, kind, 1.0, &cka, &error);
  g_assert_no_error (error);
  return cka;
}

/* Writes a.csv, b.csv (features), b3.csv (3.5 b) and their Gram matrices ka.csv, kb.csv. */
static void
write_cka_inputs (const char *folder)
{
  g_autoptr(gsl_matrix) a = matrix_from (6, 3, features_a);
  g_autoptr(gsl_matrix) b = matrix_from (6, 2, features_b);
  g_autoptr(gsl_matrix) ka = gsl_matrix_alloc (6, 6);
  g_autoptr(gsl_matrix) kb = gsl_matrix_alloc (6, 6);

  write_matrix (folder, "a.csv", a);
  write_matrix (folder, "b.csv", b);
  ks_gram (a, 1.0, ka);
  ks_gram (b, 1.0, kb);
  write_matrix (folder, "ka.csv", ka);
  write_matrix (folder, "kb.csv", kb);
  gsl_matrix_scale (b, 3.5);
  write_matrix (folder, "b3.csv", b);
}

/* MATHS 5: CKA(K, K) = 1, printed with all 10 significant digits. */
static void
test_cka_self (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = { 0 };

  write_cka_inputs (tmp.path);
  run = run_cli (tmp.path, "cka", "a.csv", "a.csv", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "1.000000000\n");
}

/* The printed value is the core's, to the 10 printed digits (rounding to 10 significant
 * digits moves a value by at most 5e-10 of itself: tolerance 1e-9), for every kind;
 * scaling B changes nothing (MATHS 5); --gram on X X^T and Y Y^T gives the features' value. */
static void
test_cka_values (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) linear = { 0 };
  g_auto(Run) scaled = { 0 };
  g_auto(Run) gram = { 0 };
  g_auto(Run) debiased = { 0 };
  g_auto(Run) rbf = { 0 };
  double expected = core_cka_features (KS_CKA_LINEAR);

  g_assert_cmpfloat (expected, >, 0.05);
  g_assert_cmpfloat (expected, <, 0.95);
  write_cka_inputs (tmp.path);
  linear = run_cli (tmp.path, "cka", "a.csv", "b.csv", NULL);
  assert_close (printed_value (&linear), expected, 1e-9);
  /* Ten significant digits for a value below 1: "0." and ten more. */
  g_assert_cmpuint (strlen (linear.out), ==, strlen ("0.1234567890\n"));

  scaled = run_cli (tmp.path, "cka", "a.csv", "b3.csv", NULL);
  assert_close (printed_value (&scaled), printed_value (&linear), 1e-9);
  gram = run_cli (tmp.path, "cka", "--gram", "ka.csv", "kb.csv", NULL);
  assert_close (printed_value (&gram), expected, 1e-9);
  debiased = run_cli (tmp.path, "cka", "--kind", "debiased", "a.csv", "b.csv", NULL);
  assert_close (printed_value (&debiased), core_cka_features (KS_CKA_DEBIASED), 1e-9);
  rbf = run_cli (tmp.path, "cka", "--kind", "rbf", "a.csv", "b.csv", NULL);
  assert_close (printed_value (&rbf), core_cka_features (KS_CKA_RBF), 1e-9);
}

/* Inputs that cannot be compared are refused with exit status 2 and a message saying
 * which file or option is wrong. */
static void
test_cka_bad_input (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) rows = { 0 };
  g_auto(Run) square = { 0 };
  g_auto(Run) kind = { 0 };
  g_auto(Run) tau = { 0 };
  g_auto(Run) count = { 0 };
  g_auto(Run) nan_cell = { 0 };

  write_cka_inputs (tmp.path);
  write_text (tmp.path, "short.csv", "1,2\n3,4\n5,6\n");
  write_text (tmp.path, "nan.csv", "1 2 3\n4 nan 6\n7 8 9\n1 2 3\n4 5 6\n7 8 9\n");

  rows = run_cli (tmp.path, "cka", "a.csv", "short.csv", NULL);
  g_assert_cmpint (rows.status, ==, 2);
  g_assert_nonnull (strstr (rows.err, "short.csv"));
  square = run_cli (tmp.path, "cka", "--gram", "a.csv", "ka.csv", NULL);
  g_assert_cmpint (square.status, ==, 2);
  g_assert_nonnull (strstr (square.err, "a.csv"));
  kind = run_cli (tmp.path, "cka", "--kind", "cosine", "a.csv", "b.csv", NULL);
  g_assert_cmpint (kind.status, ==, 2);
  g_assert_nonnull (strstr (kind.err, "--kind: expected linear, rbf or debiased, got 'cosine'"));
  tau = run_cli (tmp.path, "cka", "--kind", "rbf", "--tau", "-1", "a.csv", "b.csv", NULL);
  g_assert_cmpint (tau.status, ==, 2);
  g_assert_nonnull (strstr (tau.err, "--tau: expected a positive number, got '-1'"));
  count = run_cli (tmp.path, "cka", "a.csv", NULL);
  g_assert_cmpint (count.status, ==, 2);
  nan_cell = run_cli (tmp.path, "cka", "nan.csv", "a.csv", NULL);
  g_assert_cmpint (nan_cell.status, ==, 2);
  g_assert_nonnull (strstr (nan_cell.err, "nan.csv, line 2, column 2"));
  g_assert_cmpstr (nan_cell.out, ==, "");
}

/* ---- spread ---- */

typedef struct
{
  guint i, j;
  double k0, mean, analytic, variance, variance_se;
  gboolean has_analytic;
} SpreadRow;

static GArray *
parse_spread (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (SpreadRow));

  g_assert_cmpstr (lines[0], ==, "i,j,k0,mean_mc,variance_analytic,variance_mc,variance_mc_se");
  for (guint n = 1; lines[n] != NULL && *lines[n] != '\0'; n++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[n], ",", -1);
      SpreadRow row = { 0 };

      g_assert_cmpuint (g_strv_length (cells), ==, 7);
      row.i = (guint) g_ascii_strtoull (cells[0], NULL, 10);
      row.j = (guint) g_ascii_strtoull (cells[1], NULL, 10);
      row.k0 = g_ascii_strtod (cells[2], NULL);
      row.mean = g_ascii_strtod (cells[3], NULL);
      row.has_analytic = strcmp (cells[4], "NA") != 0;
      row.analytic = row.has_analytic ? g_ascii_strtod (cells[4], NULL) : NAN;
      row.variance = g_ascii_strtod (cells[5], NULL);
      row.variance_se = g_ascii_strtod (cells[6], NULL);
      g_array_append_val (rows, row);
    }
  return rows;
}

/* A deep linear stack (MATHS 2): one row per entry i <= j in order, k0 the input kernel,
 * the analytic column the core's closed form (to 1e-12, 17 printed digits) and on the
 * diagonal K0_ii^2 (prod(1 + 2/N_l) - 1); the Monte Carlo variance lies within 4 of its
 * standard errors of the exact one (fixed seed). */
static void
test_spread_deep_linear (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_cli (tmp.path, "spread", "--stack", "dense:5,dense:7", "--data", "iris",
                             "--points", "5", "--seed", "2", "--samples", "4000", NULL);
  g_autoptr(KsDataset) data = prepared_data ("iris", 5, 2);
  g_autoptr(gsl_matrix) k0 = ks_dataset_input_kernel (data);
  g_autoptr(gsl_matrix) analytic = gsl_matrix_alloc (5, 5);
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  double growth = (1.0 + 2.0 / 5.0) * (1.0 + 2.0 / 7.0) - 1.0;
  guint n = 0;

  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  stack = ks_stack_parse ("dense:5,dense:7", &error);
  g_assert_no_error (error);
  ks_spread_analytic_variance (stack, k0, analytic, &error);
  g_assert_no_error (error);

  rows = parse_spread (run.out);
  g_assert_cmpuint (rows->len, ==, 5 * 6 / 2);
  for (guint i = 0; i < 5; i++)
    for (guint j = i; j < 5; j++, n++)
      {
        const SpreadRow *row = &g_array_index (rows, SpreadRow, n);

        g_assert_cmpuint (row->i, ==, i + 1);
        g_assert_cmpuint (row->j, ==, j + 1);
        assert_close (row->k0, gsl_matrix_get (k0, i, j), 1e-12);
        g_assert_true (row->has_analytic);
        assert_close (row->analytic, gsl_matrix_get (analytic, i, j), 1e-12);
        if (i == j)
          assert_close (row->analytic, pow (gsl_matrix_get (k0, i, i), 2) * growth, 1e-12);
        g_assert_cmpfloat (row->variance_se, >, 0.0);
        g_assert_cmpfloat (fabs (row->variance - row->analytic), <=, 4.0 * row->variance_se);
      }
}

/* A stack with a ReLU has no closed form: NA in every row of that column. --out writes
 * the same text as the standard output. */
static void
test_spread_nonlinear_and_out (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) printed = run_cli (tmp.path, "spread", "--stack", "dense:inf,relu,dense:4",
                                 "--data", "blobs", "--points", "6", "--samples", "50", NULL);
  g_auto(Run) written = run_cli (tmp.path, "spread", "--stack", "dense:inf,relu,dense:4",
                                 "--data", "blobs", "--points", "6", "--samples", "50",
                                 "--out", "spread.csv", NULL);
  g_autoptr(GArray) rows = NULL;
  g_autofree char *file_text = NULL;

  g_assert_cmpint (printed.status, ==, 0);
  rows = parse_spread (printed.out);
  g_assert_cmpuint (rows->len, ==, 6 * 7 / 2);
  for (guint n = 0; n < rows->len; n++)
    g_assert_false (g_array_index (rows, SpreadRow, n).has_analytic);

  g_assert_cmpint (written.status, ==, 0);
  g_assert_cmpstr (written.out, ==, "");
  file_text = read_text (tmp.path, "spread.csv");
  g_assert_cmpstr (file_text, ==, printed.out);
}

/* ---- bad input and failures ---- */

/* Exit status 2, a message starting "kernelscope-cli: " that contains needle, nothing on
 * stdout and no output folder. */
static void
assert_bad_input (const Run  *run,
                  const char *folder,
                  const char *needle)
{
  g_autofree char *out = g_build_filename (folder, "out", NULL);

  g_assert_cmpint (run->status, ==, 2);
  g_assert_true (g_str_has_prefix (run->err, "kernelscope-cli: "));
  if (strstr (run->err, needle) == NULL)
    g_error ("expected '%s' in the message: %s", needle, run->err);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_bad_spec (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_cli (tmp.path, "kernels", "--stack", "dense:inf,relu,dense:abc",
                             "--data", "xor", "--points", "8", "--out", "out", NULL);

  assert_bad_input (&run, tmp.path, "abc");
}

/* A non-numeric cell on line 3 of a CSV data file, and a missing file: named. */
static void
test_bad_data_file (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) malformed = { 0 };
  g_auto(Run) missing = { 0 };

  write_text (tmp.path, "points.csv", "1.0,2.0,0\n0.5,1.5,1\n0.25,oops,0\n2.0,1.0,1\n");
  malformed = run_cli (tmp.path, "kernels", "--stack", "dense:inf,relu", "--data", "points.csv",
                       "--points", "4", "--out", "out", NULL);
  assert_bad_input (&malformed, tmp.path, "points.csv");
  g_assert_nonnull (strstr (malformed.err, "line 3"));
  g_assert_nonnull (strstr (malformed.err, "oops"));

  missing = run_cli (tmp.path, "kernels", "--stack", "dense:inf,relu", "--data", "absent.csv",
                     "--out", "out", NULL);
  assert_bad_input (&missing, tmp.path, "absent.csv");
}

/* The CLI's own option values: the message names the option and the value. */
static void
test_bad_values (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) points = run_cli (tmp.path, "kernels", "--stack", "dense:inf", "--points", "0",
                                "--out", "out", NULL);
  g_auto(Run) samples = run_cli (tmp.path, "kernels", "--stack", "dense:inf", "--samples", "abc",
                                 "--out", "out", NULL);
  g_auto(Run) cka = run_cli (tmp.path, "kernels", "--stack", "dense:inf", "--cka", "cosine",
                             "--out", "out", NULL);
  g_auto(Run) column = run_cli (tmp.path, "kernels", "--stack", "dense:inf", "--label-column",
                                "0", "--out", "out", NULL);
  g_auto(Run) no_out = run_cli (tmp.path, "kernels", "--stack", "dense:inf", NULL);
  g_auto(Run) spread_points = run_cli (tmp.path, "spread", "--stack", "dense:4",
                                       "--points", "-3", NULL);

  assert_bad_input (&points, tmp.path, "--points: expected a positive integer, got '0'");
  assert_bad_input (&samples, tmp.path, "--samples: expected a positive integer, got 'abc'");
  assert_bad_input (&cka, tmp.path, "--cka: expected linear, rbf or debiased, got 'cosine'");
  assert_bad_input (&column, tmp.path, "--label-column");
  assert_bad_input (&no_out, tmp.path, "--out");
  assert_bad_input (&spread_points, tmp.path, "--points");
}

/* --help of the program lists the commands; each command's --help shows its options. */
static void
test_help (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) main_help = run_cli (tmp.path, "--help", NULL);
  g_auto(Run) version = run_cli (tmp.path, "--version", NULL);
  g_auto(Run) unknown = run_cli (tmp.path, "fit", NULL);
  static const struct { const char *command; const char *options[6]; } commands[] = {
    { "kernels", { "--stack", "--data", "--label-column", "--samples", "--tau", "--out" } },
    { "cka", { "--kind", "--tau", "--gram", "A.csv", "B.csv", "Examples" } },
    { "spread", { "--stack", "--data", "--points", "--samples", "--threads", "--out" } },
  };

  g_assert_cmpint (main_help.status, ==, 0);
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      g_auto(Run) help = run_cli (tmp.path, commands[c].command, "--help", NULL);

      g_assert_nonnull (strstr (main_help.out, commands[c].command));
      g_assert_cmpint (help.status, ==, 0);
      g_assert_nonnull (strstr (help.out, "Examples"));
      for (guint o = 0; o < G_N_ELEMENTS (commands[c].options); o++)
        if (strstr (help.out, commands[c].options[o]) == NULL)
          g_error ("'%s --help' does not mention %s", commands[c].command,
                   commands[c].options[o]);
    }
  g_assert_cmpint (version.status, ==, 0);
  g_assert_nonnull (strstr (version.out, KS_VERSION));
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "fit"));
}

/* An output folder that cannot be created: exit status 1, a message naming it, and
 * nothing left behind (the blocking file unchanged, no new entry anywhere). */
static void
test_unwritable_out (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_autofree char *under_file = g_build_filename (tmp.path, "plain", "out", NULL);
  const char *under_proc = "/proc/kernelscope-cli-test/out";
  g_auto(Run) file_run = { 0 };
  g_auto(Run) proc_run = { 0 };
  g_auto(Run) spread_run = { 0 };
  g_autofree char *listing = NULL;
  g_autofree char *plain = NULL;

  write_text (tmp.path, "plain", "not a folder\n");
  file_run = run_cli (tmp.path, "kernels", "--stack", "dense:inf,relu", "--data", "xor",
                      "--points", "8", "--samples", "2", "--out", under_file, NULL);
  g_assert_cmpint (file_run.status, ==, 1);
  g_assert_nonnull (strstr (file_run.err, under_file));
  listing = list_folder (tmp.path);
  g_assert_cmpstr (listing, ==, "plain");
  plain = read_text (tmp.path, "plain");
  g_assert_cmpstr (plain, ==, "not a folder\n");

  proc_run = run_cli (tmp.path, "kernels", "--stack", "dense:inf,relu", "--data", "xor",
                      "--points", "8", "--samples", "2", "--out", under_proc, NULL);
  g_assert_cmpint (proc_run.status, ==, 1);
  g_assert_nonnull (strstr (proc_run.err, "/proc/kernelscope-cli-test"));
  g_assert_false (g_file_test ("/proc/kernelscope-cli-test", G_FILE_TEST_EXISTS));

  spread_run = run_cli (tmp.path, "spread", "--stack", "dense:4", "--data", "xor",
                        "--points", "4", "--samples", "10", "--out", "/proc/spread.csv", NULL);
  g_assert_cmpint (spread_run.status, ==, 1);
  g_assert_nonnull (strstr (spread_run.err, "/proc/spread.csv"));
  g_assert_cmpstr (spread_run.out, ==, "");
  g_assert_false (g_file_test ("/proc/spread.csv", G_FILE_TEST_EXISTS));
}

/* ---- evidence ---- */

typedef struct
{
  char *width;
  double log_evidence;
  double standard_error;
  char *estimator;
} EvidenceRow;

static void
evidence_row_clear (gpointer data)
{
  EvidenceRow *row = data;

  g_free (row->width);
  g_free (row->estimator);
}

static GArray *
parse_evidence (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (EvidenceRow));

  g_array_set_clear_func (rows, evidence_row_clear);
  g_assert_cmpstr (lines[0], ==, "width,log_evidence,standard_error,estimator");
  for (guint n = 1; lines[n] != NULL && *lines[n] != '\0'; n++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[n], ",", -1);
      EvidenceRow row = { 0 };

      g_assert_cmpuint (g_strv_length (cells), ==, 4);
      row.width = g_strdup (cells[0]);
      row.log_evidence = g_ascii_strtod (cells[1], NULL);
      row.standard_error = g_ascii_strtod (cells[2], NULL);
      row.estimator = g_strdup (cells[3]);
      g_array_append_val (rows, row);
    }
  return rows;
}

static double
exact_evidence (const char       *spec,
                const gsl_matrix *inputs,
                const gsl_matrix *outputs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStack) stack = ks_stack_parse (spec, &error);
  KsEvidenceEstimate exact = { 0 };

  g_assert_no_error (error);
  ks_evidence_exact (stack, inputs, outputs, &exact, NULL, &error);
  g_assert_no_error (error);
  return exact.log_evidence;
}

/* One-hot outputs of the 3 iris classes: a readout:3 with the default noise 0.1 is
 * appended; the rows follow --widths, the finite one by AIS (the default for a ReLU stack,
 * with a positive standard error), the infinite one exact: equal to the core's exact
 * evidence on the same points to the 17 printed digits (1e-12 relative), with a standard
 * error of 0. --out writes the same text. */
static void
test_evidence_labels (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_cli (tmp.path, "evidence", "--stack", "dense:2,relu,dense:2",
                             "--data", "iris", "--points", "12", "--seed", "2",
                             "--widths", "2,inf", "--runs", "4", "--temperatures", "20",
                             "--quiet", NULL);
  g_auto(Run) written = run_cli (tmp.path, "evidence", "--stack", "dense:2,relu,dense:2",
                                 "--data", "iris", "--points", "12", "--seed", "2",
                                 "--widths", "2,inf", "--runs", "4", "--temperatures", "20",
                                 "--out", "evidence.csv", NULL);
  g_autoptr(KsDataset) data = prepared_data ("iris", 12, 2);
  g_autoptr(gsl_matrix) inputs = ks_dataset_input_matrix (data);
  g_autoptr(gsl_matrix) outputs = ks_dataset_output_matrix (data);
  g_autoptr(GArray) rows = NULL;
  g_autofree char *file_text = NULL;
  const EvidenceRow *finite, *infinite;

  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  rows = parse_evidence (run.out);
  g_assert_cmpuint (rows->len, ==, 2);
  finite = &g_array_index (rows, EvidenceRow, 0);
  infinite = &g_array_index (rows, EvidenceRow, 1);
  g_assert_cmpstr (finite->width, ==, "2");
  g_assert_cmpstr (finite->estimator, ==, "ais");
  g_assert_true (isfinite (finite->log_evidence));
  g_assert_cmpfloat (finite->standard_error, >, 0.0);
  g_assert_cmpstr (infinite->width, ==, "inf");
  g_assert_cmpstr (infinite->estimator, ==, "exact");
  g_assert_cmpfloat (infinite->standard_error, ==, 0.0);
  assert_close (infinite->log_evidence,
                exact_evidence ("dense:inf,relu,dense:inf,readout:3:noise=0.1", inputs, outputs),
                1e-12);

  g_assert_cmpint (written.status, ==, 0);
  g_assert_cmpstr (written.out, ==, "");
  file_text = read_text (tmp.path, "evidence.csv");
  g_assert_cmpstr (file_text, ==, run.out);
}

/* Real targets given for the 150 iris points in the file's order: --points 12 draws a
 * subsample (sorted by class) that must carry the targets along, so the infinite row
 * equals the core's exact evidence of the targets of the same 12 points (1e-12 relative);
 * the appended readout has 2 channels and --noise 0.2; --estimator mc shows in its column. */
static void
test_evidence_targets (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) full = ks_dataset_open ("iris", KS_LABEL_COLUMN_LAST, NULL, 12, 3,
                                               NULL, &error);
  g_autoptr(KsDataset) subset = NULL;
  g_autoptr(KsDataset) data = NULL;
  g_autoptr(gsl_matrix) targets = gsl_matrix_alloc (150, 2);
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;
  g_autoptr(GArray) rows = NULL;
  g_auto(Run) run = { 0 };

  g_assert_no_error (error);
  g_assert_cmpuint (ks_dataset_get_n_points (full), ==, 150);
  for (guint i = 0; i < 150; i++)
    {
      gsl_matrix_set (targets, i, 0, sin (0.7 * i));
      gsl_matrix_set (targets, i, 1, 0.01 * i - 0.5);
    }
  write_matrix (tmp.path, "y.csv", targets);
  run = run_cli (tmp.path, "evidence", "--stack", "dense:3", "--data", "iris", "--points",
                 "12", "--seed", "3", "--targets", "y.csv", "--noise", "0.2",
                 "--estimator", "mc", "--samples", "300", "--widths", "3,inf", NULL);

  ks_dataset_set_targets (full, 2, targets->data, &error);
  g_assert_no_error (error);
  subset = ks_dataset_subsample (full, 12, 3, &error);
  g_assert_no_error (error);
  data = ks_dataset_standardize (subset);
  inputs = ks_dataset_input_matrix (data);
  outputs = ks_dataset_output_matrix (data);
  g_assert_cmpuint (outputs->size1, ==, 12);
  g_assert_cmpuint (outputs->size2, ==, 2);

  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  rows = parse_evidence (run.out);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (g_array_index (rows, EvidenceRow, 0).width, ==, "3");
  g_assert_cmpstr (g_array_index (rows, EvidenceRow, 0).estimator, ==, "mc");
  g_assert_cmpstr (g_array_index (rows, EvidenceRow, 1).estimator, ==, "exact");
  assert_close (g_array_index (rows, EvidenceRow, 1).log_evidence,
                exact_evidence ("dense:inf,readout:2:noise=0.2", inputs, outputs), 1e-12);
}

/* Malformed --widths (a word, a zero, nothing), a readout whose channels differ from the
 * outputs' columns (labels or targets), and a targets file of the wrong length: exit
 * status 2 with a message naming the value or the file, and nothing written. */
static void
test_evidence_bad_input (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) word = run_cli (tmp.path, "evidence", "--stack", "dense:1", "--widths", "1,x,3",
                              "--out", "out", NULL);
  g_auto(Run) zero = run_cli (tmp.path, "evidence", "--stack", "dense:1", "--widths", "0",
                              "--out", "out", NULL);
  g_auto(Run) empty = run_cli (tmp.path, "evidence", "--stack", "dense:1", "--widths", "",
                               "--out", "out", NULL);
  g_auto(Run) labels = run_cli (tmp.path, "evidence", "--stack", "dense:2,readout:3",
                                "--data", "digits", "--points", "20", "--out", "out", NULL);
  g_auto(Run) targets = { 0 };
  g_auto(Run) short_targets = { 0 };
  g_auto(Run) estimator = run_cli (tmp.path, "evidence", "--stack", "dense:1", "--estimator",
                                   "exact", "--out", "out", NULL);

  write_text (tmp.path, "y.csv", "1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n");
  write_text (tmp.path, "short.csv", "1\n2\n");
  targets = run_cli (tmp.path, "evidence", "--stack", "dense:2,readout:1", "--data", "xor",
                     "--points", "6", "--targets", "y.csv", "--out", "out", NULL);
  short_targets = run_cli (tmp.path, "evidence", "--stack", "dense:2", "--data", "xor",
                           "--points", "6", "--targets", "short.csv", "--out", "out", NULL);

  assert_bad_input (&word, tmp.path, "--widths");
  g_assert_nonnull (strstr (word.err, "'x'"));
  assert_bad_input (&zero, tmp.path, "--widths");
  g_assert_nonnull (strstr (zero.err, "'0'"));
  assert_bad_input (&empty, tmp.path, "--widths");
  assert_bad_input (&labels, tmp.path, "readout has 3 output channels");
  g_assert_nonnull (strstr (labels.err, "10 columns"));
  assert_bad_input (&targets, tmp.path, "readout has 1 output channels");
  g_assert_nonnull (strstr (targets.err, "y.csv"));
  assert_bad_input (&short_targets, tmp.path, "short.csv");
  assert_bad_input (&estimator, tmp.path, "--estimator");
}

/* The program's help lists the command; its own help shows its options and examples. */
static void
test_evidence_help (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) main_help = run_cli (tmp.path, "--help", NULL);
  g_auto(Run) help = run_cli (tmp.path, "evidence", "--help", NULL);
  const char *options[] = { "--stack", "--widths", "--estimator", "--samples", "--targets",
                            "--noise", "--threads", "--out", "--data", "Examples" };

  g_assert_cmpint (main_help.status, ==, 0);
  g_assert_nonnull (strstr (main_help.out, "evidence"));
  g_assert_cmpint (help.status, ==, 0);
  for (guint o = 0; o < G_N_ELEMENTS (options); o++)
    if (strstr (help.out, options[o]) == NULL)
      g_error ("'evidence --help' does not mention %s", options[o]);
}

/* ---- posterior ---- */

/* RELU_STACK with a readout of its own, so that kernels and posterior number the same
 * layers. */
#define POSTERIOR_STACK RELU_STACK ",readout:2:noise=0.1"
#define POSTERIOR_N_LAYERS (RELU_N_LAYERS + 1)

static JsonParser *
load_json (const char *folder,
           const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return parser;
}

/* The "posterior" member of a summary.json. */
static JsonObject *
summary_posterior (JsonParser *parser)
{
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));

  g_assert_true (json_object_has_member (root, "posterior"));
  return json_object_get_object_member (root, "posterior");
}

static char *
expected_listing (const char *stem,
                  guint       n_layers,
                  gboolean    with_labels)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *listing = g_string_new (NULL);

  g_ptr_array_add (names, g_strdup ("input.csv"));
  if (with_labels)
    g_ptr_array_add (names, g_strdup ("labels.csv"));
  g_ptr_array_add (names, g_strdup ("summary.json"));
  for (guint l = 1; l <= n_layers; l++)
    g_ptr_array_add (names, g_strdup_printf ("%s-%u.csv", stem, l));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (listing, "%s%s", i ? " " : "", (char *) names->pdata[i]);
  return g_string_free (listing, FALSE);
}

/* A stack without a readout gets one (2 channels for the 2 xor classes): the files are
 * exactly posterior-1..5.csv, input.csv, labels.csv and summary.json, every kernel P x P
 * and symmetric, and nothing else (no staging folder). */
static void
test_posterior_files (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_cli (tmp.path, "posterior", "--stack", RELU_STACK, "--data", "xor",
                             "--points", "24", "--seed", "3", "--quiet", "--out", "out", NULL);
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  g_autofree char *expected = expected_listing ("posterior", RELU_N_LAYERS + 1, TRUE);
  g_autofree char *listing = NULL;

  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");
  listing = list_folder (out);
  g_assert_cmpstr (listing, ==, expected);
  for (guint l = 1; l <= RELU_N_LAYERS + 1; l++)
    {
      g_autofree char *name = g_strdup_printf ("posterior-%u.csv", l);
      g_autoptr(gsl_matrix) k = read_matrix (out, name);

      g_assert_cmpuint (k->size1, ==, 24);
      g_assert_cmpuint (k->size2, ==, 24);
      for (guint i = 0; i < 24; i++)
        for (guint j = 0; j < i; j++)
          g_assert_cmpfloat (gsl_matrix_get (k, i, j), ==, gsl_matrix_get (k, j, i));
    }
}

/* MATHS 3: nu_l -> infinity gives back the NNGP. At width scale 1e8 the bottleneck's
 * weight is 6e8 against nu_out = 2, so the posterior differs from the NNGP by about
 * nu_out / nu ~ 3e-9 relative: every posterior-L.csv equals the nngp-L.csv of kernels on
 * the same points to 1e-6 (Frobenius, relative). */
static void
test_posterior_large_width_is_nngp (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) kernels = run_cli (tmp.path, "kernels", "--stack", POSTERIOR_STACK, "--data",
                                 "xor", "--points", "24", "--seed", "3", "--samples", "1",
                                 "--quiet", "--out", "prior", NULL);
  g_auto(Run) posterior = run_cli (tmp.path, "posterior", "--stack", POSTERIOR_STACK, "--data",
                                   "xor", "--points", "24", "--seed", "3", "--width-scale",
                                   "1e8", "--quiet", "--out", "wide", NULL);
  g_autofree char *prior = g_build_filename (tmp.path, "prior", NULL);
  g_autofree char *wide = g_build_filename (tmp.path, "wide", NULL);

  g_assert_cmpint (kernels.status, ==, 0);
  g_assert_cmpstr (posterior.err, ==, "");
  g_assert_cmpint (posterior.status, ==, 0);
  for (guint l = 1; l <= POSTERIOR_N_LAYERS; l++)
    {
      g_autofree char *nngp_name = g_strdup_printf ("nngp-%u.csv", l);
      g_autofree char *posterior_name = g_strdup_printf ("posterior-%u.csv", l);
      g_autoptr(gsl_matrix) nngp = read_matrix (prior, nngp_name);
      g_autoptr(gsl_matrix) learned = read_matrix (wide, posterior_name);

      g_assert_cmpfloat (ks_matrix_relative_difference (learned, nngp), <=, 1e-6);
    }
}

/* summary.json carries the deep kernel machine's diagnostics: converged, with a relative
 * gradient norm at most the default tolerance 1e-6, after at least one iteration (the
 * labels move the bottleneck away from its NNGP start), and a finite objective. */
static void
test_posterior_summary (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_cli (tmp.path, "posterior", "--stack", POSTERIOR_STACK, "--data", "xor",
                             "--points", "24", "--seed", "3", "--quiet", "--out", "out", NULL);
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *diagnostics;

  g_assert_cmpint (run.status, ==, 0);
  parser = load_json (out, "summary.json");
  diagnostics = summary_posterior (parser);
  g_assert_cmpstr (json_object_get_string_member (diagnostics, "method"), ==, "dkm");
  g_assert_cmpstr (json_object_get_string_member (diagnostics, "status"), ==, "converged");
  g_assert_true (json_object_get_boolean_member (diagnostics, "converged"));
  g_assert_cmpint (json_object_get_int_member (diagnostics, "iterations"), >=, 1);
  g_assert_true (isfinite (json_object_get_double_member (diagnostics, "objective")));
  g_assert_cmpfloat (json_object_get_double_member (diagnostics, "relative_gradient_norm"),
                     <=, 1e-6);
}

/* Real targets for the 150 iris points, in the file's order: the subsample of 12 carries
 * them along, and the appended readout takes --output-channels 5 (the weight nu_out) and
 * --noise 0.2. The files equal the core's posterior of the same points, outputs and stack
 * to 1e-12 relative (the CSV holds 17 digits; the solver is deterministic). */
static void
test_posterior_targets (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) full = ks_dataset_open ("iris", KS_LABEL_COLUMN_LAST, NULL, 12, 3,
                                               NULL, &error);
  g_autoptr(KsDataset) subset = NULL;
  g_autoptr(KsDataset) data = NULL;
  g_autoptr(gsl_matrix) targets = gsl_matrix_alloc (150, 2);
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(gsl_matrix) k0 = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;
  g_autoptr(KsStack) stack = ks_stack_parse ("dense:3,relu,dense:2,readout:5:noise=0.2", NULL);
  g_autoptr(KsPosterior) posterior = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  g_autofree char *spec = ks_stack_to_string (stack);
  JsonObject *experiment;
  KsPosteriorOptions options;
  g_auto(Run) run = { 0 };

  g_assert_no_error (error);
  for (guint i = 0; i < 150; i++)
    {
      gsl_matrix_set (targets, i, 0, cos (0.3 * i));
      gsl_matrix_set (targets, i, 1, 0.02 * i - 1.0);
    }
  write_matrix (tmp.path, "y.csv", targets);
  run = run_cli (tmp.path, "posterior", "--stack", "dense:3,relu,dense:2", "--data", "iris",
                 "--points", "12", "--seed", "3", "--targets", "y.csv", "--noise", "0.2",
                 "--output-channels", "5", "--quiet", "--out", "out", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  ks_dataset_set_targets (full, 2, targets->data, &error);
  g_assert_no_error (error);
  subset = ks_dataset_subsample (full, 12, 3, &error);
  g_assert_no_error (error);
  data = ks_dataset_standardize (subset);
  inputs = ks_dataset_input_matrix (data);
  k0 = ks_dataset_input_kernel (data);
  outputs = ks_dataset_output_matrix (data);
  ks_posterior_options_init (&options);
  posterior = ks_posterior_compute (stack, inputs, k0, outputs, &options, NULL, NULL, NULL,
                                    &error);
  g_assert_no_error (error);
  for (guint l = 1; l <= 4; l++)
    {
      g_autofree char *name = g_strdup_printf ("posterior-%u.csv", l);
      g_autoptr(gsl_matrix) written = read_matrix (out, name);

      assert_matrices_close (written, ks_posterior_get_kernel (posterior, l - 1), 1e-12);
    }

  parser = load_json (out, "summary.json");
  experiment = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                              "experiment");
  g_assert_cmpstr (json_object_get_string_member (experiment, "stack"), ==, spec);
}

/* Exact finite-width sampling on an all-finite stack: the files are there, summary.json
 * has the sampler's diagnostics (draws as asked, an acceptance rate in (0, 1], a positive
 * step size and effective sample size), and the readout's file is the top layer's plus
 * s2 I (MATHS 3: K_out = G_top + s2 I, draw by draw, so to rounding: 1e-12). A stack with
 * an infinite layer exits 2 with the sampler's own reason. */
static void
test_posterior_hmc (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_cli (tmp.path, "posterior", "--stack", "dense:6,relu,dense:6,relu",
                             "--data", "xor", "--points", "16", "--method", "hmc", "--draws",
                             "30", "--quiet", "--out", "out", NULL);
  g_auto(Run) infinite = run_cli (tmp.path, "posterior", "--stack", "dense:inf,relu,dense:6",
                                  "--data", "xor", "--points", "16", "--method", "hmc",
                                  "--draws", "30", "--out", "bad", NULL);
  g_autofree char *out = g_build_filename (tmp.path, "out", NULL);
  g_autofree char *bad = g_build_filename (tmp.path, "bad", NULL);
  g_autofree char *expected = expected_listing ("posterior", 5, TRUE);
  g_autofree char *listing = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(gsl_matrix) top = NULL;
  g_autoptr(gsl_matrix) readout = NULL;
  JsonObject *diagnostics;
  double acceptance;

  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  listing = list_folder (out);
  g_assert_cmpstr (listing, ==, expected);
  parser = load_json (out, "summary.json");
  diagnostics = summary_posterior (parser);
  g_assert_cmpstr (json_object_get_string_member (diagnostics, "method"), ==, "hmc");
  g_assert_cmpint (json_object_get_int_member (diagnostics, "draws"), ==, 30);
  acceptance = json_object_get_double_member (diagnostics, "acceptance_rate");
  g_assert_cmpfloat (acceptance, >, 0.0);
  g_assert_cmpfloat (acceptance, <=, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (diagnostics, "step_size"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (diagnostics, "min_effective_sample_size"),
                     >, 0.0);

  top = read_matrix (out, "posterior-4.csv");
  readout = read_matrix (out, "posterior-5.csv");
  for (guint i = 0; i < 16; i++)
    *gsl_matrix_ptr (top, i, i) += 0.1;
  assert_matrices_close (readout, top, 1e-12);

  g_assert_cmpint (infinite.status, ==, 2);
  g_assert_nonnull (strstr (infinite.err, "infinitely wide"));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
}

/* A targets file of the wrong length, an unknown method, zero draws, and settings of the
 * other method: exit status 2, a message naming the value or file, and no folder. */
static void
test_posterior_bad_input (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) short_targets = { 0 };
  g_auto(Run) method = run_cli (tmp.path, "posterior", "--stack", "dense:4", "--method", "bogus",
                                "--out", "out", NULL);
  g_auto(Run) draws = run_cli (tmp.path, "posterior", "--stack", "dense:4", "--method", "hmc",
                               "--draws", "0", "--out", "out", NULL);
  g_auto(Run) draws_dkm = run_cli (tmp.path, "posterior", "--stack", "dense:4", "--draws", "40",
                                   "--out", "out", NULL);
  g_auto(Run) scale_hmc = run_cli (tmp.path, "posterior", "--stack", "dense:4", "--method",
                                   "hmc", "--width-scale", "2", "--out", "out", NULL);
  g_auto(Run) no_outputs = { 0 };

  write_text (tmp.path, "short.csv", "1\n2\n3\n");
  write_text (tmp.path, "points.csv", "1,2\n3,4\n5,7\n");
  short_targets = run_cli (tmp.path, "posterior", "--stack", "dense:4", "--data", "xor",
                           "--points", "10", "--targets", "short.csv", "--out", "out", NULL);
  no_outputs = run_cli (tmp.path, "posterior", "--stack", "dense:4", "--data", "points.csv",
                        "--label-column", "none", "--out", "out", NULL);

  assert_bad_input (&short_targets, tmp.path, "short.csv");
  g_assert_nonnull (strstr (short_targets.err, "3 rows"));
  assert_bad_input (&method, tmp.path, "--method");
  g_assert_nonnull (strstr (method.err, "'bogus'"));
  assert_bad_input (&draws, tmp.path, "--draws");
  g_assert_nonnull (strstr (draws.err, "'0'"));
  assert_bad_input (&draws_dkm, tmp.path, "--draws");
  assert_bad_input (&scale_hmc, tmp.path, "--width-scale");
  assert_bad_input (&no_outputs, tmp.path, "--targets");
}

/* ---- predict ---- */

typedef struct
{
  char *width_scale;
  char *kernel;
  guint layer;
  char *metric;
  double score;
} PredictRow;

static void
predict_row_clear (gpointer data)
{
  PredictRow *row = data;

  g_free (row->width_scale);
  g_free (row->kernel);
  g_free (row->metric);
}

static GArray *
parse_predict (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (PredictRow));

  g_array_set_clear_func (rows, predict_row_clear);
  g_assert_cmpstr (lines[0], ==, "width_scale,kernel,layer,metric,score");
  for (guint n = 1; lines[n] != NULL && *lines[n] != '\0'; n++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[n], ",", -1);
      PredictRow row = { 0 };
      char *end = NULL;

      g_assert_cmpuint (g_strv_length (cells), ==, 5);
      row.width_scale = g_strdup (cells[0]);
      row.kernel = g_strdup (cells[1]);
      row.layer = (guint) g_ascii_strtoull (cells[2], NULL, 10);
      row.metric = g_strdup (cells[3]);
      row.score = g_ascii_strtod (cells[4], &end);
      g_assert_true (end != cells[4] && *end == '\0');
      g_array_append_val (rows, row);
    }
  return rows;
}

typedef struct
{
  const char       *spec;           /* with its readout */
  guint             layer;          /* 0-based */
  const gsl_matrix *train_outputs;  /* what the program was given */
  const gsl_matrix *score_outputs;  /* what the RMSE is measured against */
  const int        *labels;         /* accuracy; NULL: RMSE */
  const gboolean   *is_test;
  const double     *scales;
  guint             n_scales;
} PredictCase;

static double
expected_score (const PredictCase *c,
                const gsl_matrix  *kernel,
                double             noise)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(gsl_matrix) mean = NULL;
  double score = NAN;

  if (c->labels != NULL)
    {
      ks_predict_score (kernel, c->train_outputs, c->labels, c->is_test, noise, &score, NULL,
                        NULL, &error);
      g_assert_no_error (error);
      return score;
    }
  mean = ks_predict_mean (kernel, c->train_outputs, c->is_test, noise, NULL, NULL, &error);
  g_assert_no_error (error);
  return ks_predict_rmse (mean, c->score_outputs, c->is_test);
}

/* The scores predict must print, from the core on the same points: the NNGP's, then the
 * deep kernel machine's at each width scale in order, each started from the previous
 * solution and conditioned on the training rows only. */
static double *
expected_predict_scores (const PredictCase *c,
                         KsDataset         *points)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStack) stack = ks_stack_parse (c->spec, &error);
  guint n_layers = ks_stack_get_n_layers (stack), n_points = ks_dataset_get_n_points (points);
  double noise = ks_stack_get_readout (stack)->noise_var;
  g_autoptr(gsl_matrix) inputs = ks_dataset_input_matrix (points);
  g_autoptr(gsl_matrix) k0 = ks_dataset_input_kernel (points);
  g_autofree gsl_matrix **nngp = g_new0 (gsl_matrix *, n_layers);
  g_autofree gboolean *train_mask = g_new (gboolean, n_points);
  g_autoptr(KsDkmSolution) previous = NULL;
  double *scores = g_new (double, c->n_scales + 1);

  g_assert_no_error (error);
  ks_nngp_propagate (stack, k0, nngp, NULL, NULL, &error);
  g_assert_no_error (error);
  scores[0] = expected_score (c, nngp[c->layer], noise);
  for (guint l = 0; l < n_layers; l++)
    gsl_matrix_free (nngp[l]);
  for (guint i = 0; i < n_points; i++)
    train_mask[i] = !c->is_test[i];
  for (guint s = 0; s < c->n_scales; s++)
    {
      g_autoptr(KsPosterior) posterior = NULL;
      KsPosteriorOptions options;

      ks_posterior_options_init (&options);
      options.width_scale = c->scales[s];
      options.warm_start = previous;
      options.train_mask = train_mask;
      posterior = ks_posterior_compute (stack, inputs, k0, c->train_outputs, &options, NULL,
                                        NULL, NULL, &error);
      g_assert_no_error (error);
      scores[s + 1] = expected_score (c, ks_posterior_get_kernel (posterior, c->layer), noise);
      g_clear_pointer (&previous, ks_dkm_solution_unref);
      previous = ks_dkm_solution_ref (ks_posterior_get_dkm_solution (posterior));
    }
  return scores;
}

/* Digits (60 points, 10 classes, 12 held out): one nngp row at width scale inf and one dkm
 * row per width scale, in order, at layer 4 (the last before the appended readout), with
 * accuracies in [0, 1]; each equals, exactly (the table prints numbers that read back to
 * the same bits), the score recomputed here through the core from the same split, kernels
 * and training outputs. The same command prints the same table again, and --out writes it. */
static void
test_predict_table (void)
{
  static const double scales[] = { 0.5, 2.0 };
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_cli (tmp.path, "predict", "--stack", "dense:inf:wv=2,relu,dense:4:wv=2,relu",
                             "--data", "digits", "--points", "60", "--seed", "2",
                             "--width-scales", "0.5,2", "--quiet", NULL);
  g_auto(Run) again = run_cli (tmp.path, "predict", "--stack", "dense:inf:wv=2,relu,dense:4:wv=2,relu",
                               "--data", "digits", "--points", "60", "--seed", "2",
                               "--width-scales", "0.5,2", "--threads", "1", "--out",
                               "scores.csv", NULL);
  g_autoptr(KsDataset) points = prepared_data ("digits", 60, 2);
  g_autoptr(gsl_matrix) outputs = ks_dataset_output_matrix (points);
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *is_test = ks_predict_split (ks_dataset_get_labels (points), 60, 0.2, 2,
                                                   &error);
  PredictCase c = {
    .spec = "dense:inf:wv=2,relu,dense:4:wv=2,relu,readout:10:noise=0.1",
    .layer = 3,
    .train_outputs = outputs,
    .labels = ks_dataset_get_labels (points),
    .is_test = is_test,
    .scales = scales,
    .n_scales = G_N_ELEMENTS (scales),
  };
  g_autofree double *expected = NULL;
  g_autofree char *written = NULL;
  g_autoptr(GArray) rows = NULL;
  static const char * const width_scales[] = { "inf", "0.5", "2" };

  g_assert_no_error (error);
  g_assert_cmpuint (ks_predict_count_test (is_test, 60), ==, 12);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  rows = parse_predict (run.out);
  g_assert_cmpuint (rows->len, ==, 3);
  expected = expected_predict_scores (&c, points);
  for (guint r = 0; r < rows->len; r++)
    {
      const PredictRow *row = &g_array_index (rows, PredictRow, r);

      g_assert_cmpstr (row->width_scale, ==, width_scales[r]);
      g_assert_cmpstr (row->kernel, ==, r == 0 ? "nngp" : "dkm");
      g_assert_cmpuint (row->layer, ==, 4);
      g_assert_cmpstr (row->metric, ==, "accuracy");
      g_assert_cmpfloat (row->score, >=, 0.0);
      g_assert_cmpfloat (row->score, <=, 1.0);
      g_assert_cmpfloat (row->score, ==, expected[r]);
    }

  g_assert_cmpint (again.status, ==, 0);
  g_assert_cmpstr (again.out, ==, "");
  written = read_text (tmp.path, "scores.csv");
  g_assert_cmpstr (written, ==, run.out);
}

/* Real targets for 30 unlabelled points (a CSV without a label column keeps its order),
 * 6 held out. Giving other targets on the held-out rows changes the printed RMSEs (they
 * are measured there) but nothing on the training side: each printed score equals,
 * exactly, the RMSE against the new test targets of the predictions made here from the
 * original targets (NNGP, and posteriors conditioned on the original training rows). */
static void
test_predict_test_outputs_unused (void)
{
  static const double scales[] = { 1.0, 0.2 };
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_autoptr(GString) features = g_string_new (NULL);
  g_autoptr(gsl_matrix) targets = gsl_matrix_alloc (30, 2);
  g_autoptr(gsl_matrix) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(KsDataset) full = NULL;
  g_autoptr(KsDataset) points = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;
  g_autoptr(gsl_matrix) changed_outputs = NULL;
  g_autofree gboolean *is_test = ks_predict_split (NULL, 30, 0.2, 4, &error);
  g_autofree double *expected = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GArray) original_rows = NULL;
  g_auto(Run) original = { 0 };
  g_auto(Run) run = { 0 };
  PredictCase c = {
    .spec = "dense:inf:wv=2,relu,dense:3:wv=2,relu,readout:2:noise=0.1",
    .layer = 3,
    .is_test = is_test,
    .scales = scales,
    .n_scales = G_N_ELEMENTS (scales),
  };

  g_assert_no_error (error);
  for (guint i = 0; i < 30; i++)
    {
      double a = sin (0.9 * i), b = cos (1.7 * i + 0.3), d = 0.05 * i;

      g_string_append_printf (features, "%.6f,%.6f,%.6f\n", a, b, d);
      gsl_matrix_set (targets, i, 0, a * b);
      gsl_matrix_set (targets, i, 1, a - d);
    }
  write_text (tmp.path, "points.csv", features->str);
  write_matrix (tmp.path, "y.csv", targets);
  changed = gsl_matrix_alloc (30, 2);
  gsl_matrix_memcpy (changed, targets);
  for (guint i = 0; i < 30; i++)
    if (is_test[i])
      {
        gsl_matrix_set (changed, i, 0, 3.0 + i);
        gsl_matrix_set (changed, i, 1, -2.0);
      }
  write_matrix (tmp.path, "changed.csv", changed);

  original = run_cli (tmp.path, "predict", "--stack", "dense:inf:wv=2,relu,dense:3:wv=2,relu",
                      "--data", "points.csv", "--label-column", "none", "--points", "30",
                      "--seed", "4", "--targets", "y.csv", "--width-scales", "1,0.2",
                      "--quiet", NULL);
  run = run_cli (tmp.path, "predict", "--stack", "dense:inf:wv=2,relu,dense:3:wv=2,relu",
                 "--data", "points.csv", "--label-column", "none", "--points", "30",
                 "--seed", "4", "--targets", "changed.csv", "--width-scales", "1,0.2",
                 "--quiet", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpint (original.status, ==, 0);

  file = g_file_new_build_filename (tmp.path, "points.csv", NULL);
  full = ks_dataset_load_csv (file, KS_LABEL_COLUMN_NONE, NULL, &error);
  g_assert_no_error (error);
  points = ks_dataset_standardize (full);
  ks_dataset_set_targets (points, 2, targets->data, &error);
  g_assert_no_error (error);
  outputs = ks_dataset_output_matrix (points);
  ks_dataset_set_targets (points, 2, changed->data, &error);
  g_assert_no_error (error);
  changed_outputs = ks_dataset_output_matrix (points);
  c.train_outputs = outputs;
  c.score_outputs = changed_outputs;
  expected = expected_predict_scores (&c, points);

  rows = parse_predict (run.out);
  original_rows = parse_predict (original.out);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpuint (original_rows->len, ==, 3);
  for (guint r = 0; r < rows->len; r++)
    {
      const PredictRow *row = &g_array_index (rows, PredictRow, r);

      g_assert_cmpstr (row->metric, ==, "rmse");
      g_assert_cmpfloat (row->score, ==, expected[r]);
      g_assert_cmpfloat (row->score, !=, g_array_index (original_rows, PredictRow, r).score);
    }
}

/* A test fraction of 0 or 1 leaves one side empty; HMC cannot hold points out; a layer
 * beyond the stack: exit status 2 with a message naming the option. */
static void
test_predict_bad_input (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) zero = run_cli (tmp.path, "predict", "--stack", "dense:4", "--test-fraction", "0",
                              NULL);
  g_auto(Run) one = run_cli (tmp.path, "predict", "--stack", "dense:4", "--test-fraction", "1",
                             NULL);
  g_auto(Run) hmc = run_cli (tmp.path, "predict", "--stack", "dense:4", "--method", "hmc", NULL);
  g_auto(Run) layer = run_cli (tmp.path, "predict", "--stack", "dense:4", "--data", "iris",
                               "--points", "20", "--layer", "3", NULL);
  g_auto(Run) scales = run_cli (tmp.path, "predict", "--stack", "dense:4", "--width-scales",
                                "1,-2", NULL);

  assert_bad_input (&zero, tmp.path, "--test-fraction");
  g_assert_nonnull (strstr (zero.err, "'0'"));
  assert_bad_input (&one, tmp.path, "--test-fraction");
  g_assert_nonnull (strstr (one.err, "'1'"));
  assert_bad_input (&hmc, tmp.path, "--method");
  assert_bad_input (&layer, tmp.path, "--layer");
  assert_bad_input (&scales, tmp.path, "--width-scales");
}

/* The program's help lists both commands; their own help shows their options. */
static void
test_posterior_predict_help (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) main_help = run_cli (tmp.path, "--help", NULL);
  static const struct { const char *command; const char *options[9]; } commands[] = {
    { "posterior", { "--stack", "--targets", "--method", "--output-channels", "--noise",
                     "--width-scale", "--draws", "--out", "Examples" } },
    { "predict", { "--stack", "--targets", "--test-fraction", "--width-scales", "--layer",
                   "--method", "--noise", "--out", "Examples" } },
  };

  g_assert_cmpint (main_help.status, ==, 0);
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      g_auto(Run) help = run_cli (tmp.path, commands[c].command, "--help", NULL);

      g_assert_nonnull (strstr (main_help.out, commands[c].command));
      g_assert_cmpint (help.status, ==, 0);
      for (guint o = 0; o < G_N_ELEMENTS (commands[c].options); o++)
        if (strstr (help.out, commands[c].options[o]) == NULL)
          g_error ("'%s --help' does not mention %s", commands[c].command,
                   commands[c].options[o]);
    }
}

/* ---- figure ---- */

/* Runs "figure" with the small experiment every figure test uses (digits, P = 40, S = 4)
 * and the given arguments; NULL-terminated. */
static Run
run_figure (const char *folder,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *base[] = { "figure", "--points", "40", "--samples", "4", "--quiet" };
  Run run = { 0 };
  int wait_status = 0;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) cli_path);
  for (guint i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (argv, (char *) base[i]);
  va_start (args, folder);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (folder, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run.out, &run.err, &wait_status, &error);
  g_assert_no_error (error);
  run.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return run;
}

/* "figure --list" names the six figures, one a line, each line starting with its
 * name, in this order. */
static void
test_figure_list (void)
{
  static const char *names[] = { "kernels", "cka-matrix", "cka-depth", "spread", "evidence",
                                 "predict" };
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) list = run_cli (tmp.path, "figure", "--list", NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (list.status, ==, 0);
  lines = g_strsplit (g_strchomp (list.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (g_str_has_prefix (lines[i], names[i]));
      g_assert_true (lines[i][strlen (names[i])] == ' ');
    }
}

/* The kernels figure as PDF: the file (and nothing else) appears, starts with %PDF-, and
 * pdftotext finds the row headings, a column heading and the title as text. */
static void
test_figure_pdf (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_figure (tmp.path, "kernels", "--layers", "1,2", "--output", "k.pdf",
                                NULL);
  g_autofree char *path = g_build_filename (tmp.path, "k.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", path, "-", NULL };
  static const char *expected[] = {
    "infinite width (NNGP)", "one finite-width sample", "mean of 4 samples", "2 relu",
    "Kernels layer by layer",
  };
  int status;

  g_assert_cmpint (run.status, ==, 0);
  listing = list_folder (tmp.path);
  g_assert_cmpstr (listing, ==, "k.pdf");
  contents = read_text (tmp.path, "k.pdf");
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &text, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("pdftotext does not find '%s' in the kernels figure:\n%s", expected[i], text);
}

typedef struct
{
  gboolean  root_is_svg;
  int       text_depth;
  GString  *text;
} SvgText;

static void
svg_text_start (GMarkupParseContext  *context,
                const char           *element,
                const char          **names,
                const char          **values,
                gpointer              user_data,
                GError              **error)
{
  SvgText *scan = user_data;

  if (g_markup_parse_context_get_element_stack (context)->next == NULL)
    scan->root_is_svg = g_strcmp0 (element, "svg") == 0;
  if (g_strcmp0 (element, "text") == 0 || scan->text_depth > 0)
    scan->text_depth++;
}

static void
svg_text_end (GMarkupParseContext  *context,
              const char           *element,
              gpointer              user_data,
              GError              **error)
{
  SvgText *scan = user_data;

  if (scan->text_depth > 0)
    {
      scan->text_depth--;
      if (scan->text_depth == 0)
        g_string_append_c (scan->text, '\n');
    }
}

static void
svg_text_text (GMarkupParseContext  *context,
               const char           *text,
               gsize                 length,
               gpointer              user_data,
               GError              **error)
{
  SvgText *scan = user_data;

  if (scan->text_depth > 0)
    g_string_append_len (scan->text, text, length);
}

/* The text of the <text> elements of an SVG file, after checking that it parses as XML
 * (GMarkup takes only well-formed documents) with <svg> at the root. */
static char *
svg_text_of (const char *folder,
             const char *name)
{
  static const GMarkupParser parser = { svg_text_start, svg_text_end, svg_text_text, NULL, NULL };
  g_autofree char *contents = read_text (folder, name);
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  SvgText scan = { FALSE, 0, g_string_new (NULL) };
  const char *body;

  /* GMarkup does not take the XML declaration; everything after it must parse. */
  g_assert_true (g_str_has_prefix (contents, "<?xml"));
  body = strstr (contents, "?>") + 2;
  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &scan, NULL);
  g_assert_true (g_markup_parse_context_parse (context, body, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_true (scan.root_is_svg);
  return g_string_free (scan.text, FALSE);
}

/* The CKA-against-depth figure as SVG with a title of its own: well-formed XML whose
 * text holds the title (with its & intact), both panels' headings and the axis title. */
static void
test_figure_svg (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_figure (tmp.path, "cka-depth", "--title", "Depth & similarity",
                                "--theme", "screen", "--output", "c.svg", NULL);
  g_autofree char *text = NULL;

  g_assert_cmpint (run.status, ==, 0);
  text = svg_text_of (tmp.path, "c.svg");
  g_assert_nonnull (strstr (text, "Depth & similarity\n"));
  g_assert_nonnull (strstr (text, "CKA to the input kernel"));
  g_assert_nonnull (strstr (text, "CKA to the output kernel"));
  g_assert_nonnull (strstr (text, "linear CKA"));
}

static guint32
read_be32 (const guint8 *bytes)
{
  return (guint32) bytes[0] << 24 | (guint32) bytes[1] << 16 | (guint32) bytes[2] << 8 |
         bytes[3];
}

/* The CKA matrix as PNG of 100 x 60 mm at 150 dpi: a PNG whose IHDR says 591 x 354
 * pixels (100 / 25.4 x 150 = 590.55 and 60 / 25.4 x 150 = 354.33, rounded). */
static void
test_figure_png (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_figure (tmp.path, "cka-matrix", "--width-mm", "100", "--height-mm", "60",
                                "--dpi", "150", "--colormap", "cividis", "--output", "m.png",
                                NULL);
  g_autofree char *path = g_build_filename (tmp.path, "m.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 24);
  g_assert_true (memcmp (contents, "\x89PNG\r\n\x1a\n", 8) == 0);
  g_assert_true (memcmp (contents + 12, "IHDR", 4) == 0);
  g_assert_cmpuint (read_be32 ((const guint8 *) contents + 16), ==, 591);
  g_assert_cmpuint (read_be32 ((const guint8 *) contents + 20), ==, 354);
}

/* The spread figure of a small deep linear sweep: SVG text with a legend entry per
 * depth, the width axis and the Monte Carlo key. */
static void
test_figure_spread (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_cli (tmp.path, "figure", "spread", "--points", "6", "--samples", "20",
                             "--depths", "1,3", "--widths", "4,16,64", "--output", "s.svg",
                             NULL);
  g_autofree char *text = NULL;

  g_assert_cmpint (run.status, ==, 0);
  text = svg_text_of (tmp.path, "s.svg");
  g_assert_nonnull (strstr (text, "depth 1\n"));
  g_assert_nonnull (strstr (text, "depth 3\n"));
  g_assert_nonnull (strstr (text, "width N of each finite layer"));
  g_assert_nonnull (strstr (text, "Monte Carlo ± 1 SE"));
}

/* Runs a figure command that must fail with status and a message holding fragment,
 * leaving the folder empty. */
static void
assert_figure_fails (const char  *folder,
                     int          status,
                     const char  *fragment,
                     const char **arguments)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_auto(Run) run = { 0 };
  int wait_status = 0;

  g_ptr_array_add (argv, (char *) cli_path);
  g_ptr_array_add (argv, (char *) "figure");
  for (guint i = 0; arguments[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) arguments[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (folder, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run.out, &run.err, &wait_status, &error);
  g_assert_no_error (error);
  run.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  if (run.status != status || strstr (run.err, fragment) == NULL)
    g_error ("expected status %d and a message with '%s', got %d: %s", status, fragment,
             run.status, run.err);
  listing = list_folder (folder);
  g_assert_cmpstr (listing, ==, "");
}

/* Mistakes in the options: status 2 and a message naming the mistake, before any
 * computing, and no file. Folders that cannot take the file: status 1 naming the
 * file, and no file (nor a temporary) anywhere. */
static void
test_figure_bad_input (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  const char *name[] = { "heatmap", "--output", "x.pdf", NULL };
  const char *colormap[] = { "kernels", "--colormap", "rainbow", "--output", "x.pdf", NULL };
  const char *theme[] = { "kernels", "--theme", "neon", "--output", "x.pdf", NULL };
  const char *missing_name[] = { "--output", "x.pdf", NULL };
  const char *missing_output[] = { "kernels", NULL };
  const char *extension[] = { "kernels", "--output", "x.jpg", NULL };
  const char *layer[] = { "kernels", "--layers", "9", "--output", "x.pdf", NULL };
  const char *block[] = { "kernels", "--block", "dense:N", "--output", "x.pdf", NULL };
  const char *stack[] = { "spread", "--stack", "dense:3", "--output", "x.pdf", NULL };
  const char *width[] = { "kernels", "--width-mm", "-4", "--output", "x.pdf", NULL };
  const char *depth[] = { "spread", "--depths", "1,0", "--output", "x.pdf", NULL };
  const char *proc[] = { "kernels", "--output", "/proc/kernelscope-figure.pdf", NULL };
  const char *no_folder[] = { "cka-depth", "--output", "missing/x.png", NULL };

  assert_figure_fails (tmp.path, 2, "heatmap", name);
  assert_figure_fails (tmp.path, 2, "--colormap", colormap);
  assert_figure_fails (tmp.path, 2, "rainbow", colormap);
  assert_figure_fails (tmp.path, 2, "--theme", theme);
  assert_figure_fails (tmp.path, 2, "figure --list", missing_name);
  assert_figure_fails (tmp.path, 2, "--output", missing_output);
  assert_figure_fails (tmp.path, 2, ".pdf, .svg or .png", extension);
  assert_figure_fails (tmp.path, 2, "no layer 9", layer);
  assert_figure_fails (tmp.path, 2, "--block", block);
  assert_figure_fails (tmp.path, 2, "--stack", stack);
  assert_figure_fails (tmp.path, 2, "--width-mm", width);
  assert_figure_fails (tmp.path, 2, "--depths", depth);
  assert_figure_fails (tmp.path, 1, "/proc/kernelscope-figure.pdf", proc);
  g_assert_false (g_file_test ("/proc/kernelscope-figure.pdf", G_FILE_TEST_EXISTS));
  assert_figure_fails (tmp.path, 1, "missing/x.png", no_folder);
}

/* The evidence figure of a small ReLU stack on iris (P = 20, widths 1, 2 and inf, 4 AIS
 * runs of 20 temperatures): SVG whose text holds the axis titles, a legend naming AIS,
 * the infinite width's reference line and the estimator in the footnote. */
static void
test_figure_evidence (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) run = run_cli (tmp.path, "figure", "evidence", "--data", "iris", "--points", "20",
                             "--widths", "1,2,inf", "--runs", "4", "--temperatures", "20",
                             "--quiet", "--output", "e.svg", NULL);
  g_autofree char *text = NULL;

  g_assert_cmpint (run.status, ==, 0);
  text = svg_text_of (tmp.path, "e.svg");
  g_assert_nonnull (strstr (text, "log evidence log P(Y)"));
  g_assert_nonnull (strstr (text, "width N of every dense layer"));
  g_assert_nonnull (strstr (text, "finite width, AIS ± 1 SE"));
  g_assert_nonnull (strstr (text, "infinite width (exact)"));
  g_assert_nonnull (strstr (text, "annealed importance sampling"));
}

/* The predict figure (digits, P = 40, two width scales): SVG whose text holds the
 * accuracy axis, the curve's layer and the NNGP reference; with --targets the axis is
 * the RMSE instead. */
static void
test_figure_predict (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_autofree char *targets = NULL;
  g_auto(Run) run = run_cli (tmp.path, "figure", "predict", "--points", "40",
                             "--width-scales", "0.3,3", "--quiet", "--output", "p.svg", NULL);
  g_auto(Run) rmse = { 0 };
  g_autofree char *text = NULL;
  g_autofree char *rmse_text = NULL;
  GString *rows = g_string_new (NULL);

  g_assert_cmpint (run.status, ==, 0);
  text = svg_text_of (tmp.path, "p.svg");
  g_assert_nonnull (strstr (text, "test accuracy (%)"));
  g_assert_nonnull (strstr (text, "width scale ν"));
  g_assert_nonnull (strstr (text, "deep kernel machine, layer 6 relu"));
  g_assert_nonnull (strstr (text, "NNGP (infinite width)"));

  /* One real target per iris point, rising with its index. */
  for (guint i = 0; i < 150; i++)
    g_string_append_printf (rows, "%g\n", 0.01 * i);
  targets = g_build_filename (tmp.path, "y.csv", NULL);
  g_assert_true (g_file_set_contents (targets, rows->str, -1, NULL));
  g_string_free (rows, TRUE);
  rmse = run_cli (tmp.path, "figure", "predict", "--stack", "dense:4,relu,dense:4",
                  "--data", "iris", "--points", "30", "--targets", "y.csv",
                  "--width-scales", "1", "--quiet", "--output", "r.svg", NULL);
  g_assert_cmpint (rmse.status, ==, 0);
  rmse_text = svg_text_of (tmp.path, "r.svg");
  g_assert_nonnull (strstr (rmse_text, "test RMSE"));
}

/* The posterior row and curves come by default when the data has labels, and
 * --no-posterior leaves them out; --ranges panel writes each panel's range above it and
 * says so in the footnote. */
static void
test_figure_posterior_and_ranges (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) with = run_figure (tmp.path, "kernels", "--ranges", "panel", "--output",
                                 "k.svg", NULL);
  g_auto(Run) without = run_figure (tmp.path, "kernels", "--no-posterior", "--output",
                                    "n.svg", NULL);
  g_auto(Run) depth = run_figure (tmp.path, "cka-depth", "--output", "c.svg", NULL);
  g_autofree char *with_text = NULL;
  g_autofree char *without_text = NULL;
  g_autofree char *depth_text = NULL;

  g_assert_cmpint (with.status, ==, 0);
  g_assert_cmpint (without.status, ==, 0);
  g_assert_cmpint (depth.status, ==, 0);
  with_text = svg_text_of (tmp.path, "k.svg");
  without_text = svg_text_of (tmp.path, "n.svg");
  depth_text = svg_text_of (tmp.path, "c.svg");
  g_assert_nonnull (strstr (with_text, "deep kernel machine"));
  g_assert_nonnull (strstr (with_text, "Each panel has its own colour range"));
  g_assert_nonnull (strstr (with_text, " … "));
  g_assert_null (strstr (without_text, "deep kernel machine"));
  g_assert_null (strstr (without_text, " … "));
  g_assert_nonnull (strstr (depth_text, "posterior, deep kernel machine"));
  g_assert_nonnull (strstr (depth_text, "one finite-width network from the prior"));
}

/* Options of the new figures are refused elsewhere, and their values are checked:
 * status 2, a message naming the option, no file. */
static void
test_figure_new_options_bad (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  const char *estimator[] = { "kernels", "--estimator", "ais", "--output", "x.pdf", NULL };
  const char *scales[] = { "predict", "--width-scales", "1,0", "--output", "x.pdf", NULL };
  const char *fraction[] = { "predict", "--test-fraction", "1", "--output", "x.pdf", NULL };
  const char *ranges[] = { "kernels", "--ranges", "column", "--output", "x.pdf", NULL };
  const char *ranges_elsewhere[] = { "cka-depth", "--ranges", "panel", "--output", "x.pdf",
                                     NULL };
  const char *both[] = { "kernels", "--posterior", "--no-posterior", "--output", "x.pdf", NULL };
  const char *widths[] = { "evidence", "--widths", "2,x", "--output", "x.pdf", NULL };
  const char *bad_estimator[] = { "evidence", "--estimator", "exact", "--output", "x.pdf",
                                  NULL };
  const char *layer[] = { "predict", "--layer", "99", "--points", "20", "--output", "x.pdf",
                          NULL };

  assert_figure_fails (tmp.path, 2, "--estimator", estimator);
  assert_figure_fails (tmp.path, 2, "--width-scales", scales);
  assert_figure_fails (tmp.path, 2, "--test-fraction", fraction);
  assert_figure_fails (tmp.path, 2, "--ranges", ranges);
  assert_figure_fails (tmp.path, 2, "--ranges", ranges_elsewhere);
  assert_figure_fails (tmp.path, 2, "--no-posterior", both);
  assert_figure_fails (tmp.path, 2, "--widths", widths);
  assert_figure_fails (tmp.path, 2, "--estimator", bad_estimator);
  assert_figure_fails (tmp.path, 2, "--layer", layer);
}

/* "figure --help" explains the options and gives examples. */
static void
test_figure_help (void)
{
  g_auto(TempFolder) tmp = temp_folder_new ();
  g_auto(Run) main_help = run_cli (tmp.path, "--help", NULL);
  g_auto(Run) help = run_cli (tmp.path, "figure", "--help", NULL);
  const char *options[] = { "--output", "--list", "--width-mm", "--height-mm", "--dpi",
                            "--colormap", "--theme", "--title", "--layers", "--depths",
                            "--widths", "--block", "--stack", "--data", "Examples" };

  g_assert_cmpint (main_help.status, ==, 0);
  g_assert_nonnull (strstr (main_help.out, "figure"));
  g_assert_cmpint (help.status, ==, 0);
  for (guint o = 0; o < G_N_ELEMENTS (options); o++)
    if (strstr (help.out, options[o]) == NULL)
      g_error ("'figure --help' does not mention %s", options[o]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  cli_path = argc > 1 ? argv[argc - 1] : g_getenv ("KS_CLI");
  if (cli_path == NULL || !g_file_test (cli_path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("give the path of kernelscope-cli as the last argument or in $KS_CLI");

  g_test_add_func ("/cli/kernels/files", test_kernels_files);
  g_test_add_func ("/cli/kernels/input-and-labels", test_kernels_input_and_labels);
  g_test_add_func ("/cli/kernels/layer-laws", test_kernels_layer_laws);
  g_test_add_func ("/cli/kernels/summary", test_kernels_summary);
  g_test_add_func ("/cli/kernels/threads", test_kernels_threads);
  g_test_add_func ("/cli/kernels/replaces", test_kernels_replaces);
  g_test_add_func ("/cli/kernels/rolls-back", test_kernels_rolls_back);
  g_test_add_func ("/cli/kernels/interrupt", test_kernels_interrupt);
  g_test_add_func ("/cli/kernels/terminate", test_kernels_terminate);
  g_test_add_func ("/cli/cka/self", test_cka_self);
  g_test_add_func ("/cli/cka/values", test_cka_values);
  g_test_add_func ("/cli/cka/bad-input", test_cka_bad_input);
  g_test_add_func ("/cli/spread/deep-linear", test_spread_deep_linear);
  g_test_add_func ("/cli/spread/nonlinear-and-out", test_spread_nonlinear_and_out);
  g_test_add_func ("/cli/errors/spec", test_bad_spec);
  g_test_add_func ("/cli/errors/data-file", test_bad_data_file);
  g_test_add_func ("/cli/errors/values", test_bad_values);
  g_test_add_func ("/cli/errors/unwritable-out", test_unwritable_out);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/evidence/labels", test_evidence_labels);
  g_test_add_func ("/cli/evidence/targets", test_evidence_targets);
  g_test_add_func ("/cli/evidence/bad-input", test_evidence_bad_input);
  g_test_add_func ("/cli/evidence/help", test_evidence_help);
  g_test_add_func ("/cli/posterior/files", test_posterior_files);
  g_test_add_func ("/cli/posterior/large-width-is-nngp", test_posterior_large_width_is_nngp);
  g_test_add_func ("/cli/posterior/summary", test_posterior_summary);
  g_test_add_func ("/cli/posterior/targets", test_posterior_targets);
  g_test_add_func ("/cli/posterior/hmc", test_posterior_hmc);
  g_test_add_func ("/cli/posterior/bad-input", test_posterior_bad_input);
  g_test_add_func ("/cli/predict/table", test_predict_table);
  g_test_add_func ("/cli/predict/test-outputs-unused", test_predict_test_outputs_unused);
  g_test_add_func ("/cli/predict/bad-input", test_predict_bad_input);
  g_test_add_func ("/cli/posterior-predict/help", test_posterior_predict_help);
  g_test_add_func ("/cli/figure/list", test_figure_list);
  g_test_add_func ("/cli/figure/evidence", test_figure_evidence);
  g_test_add_func ("/cli/figure/predict", test_figure_predict);
  g_test_add_func ("/cli/figure/posterior-and-ranges", test_figure_posterior_and_ranges);
  g_test_add_func ("/cli/figure/new-options-bad", test_figure_new_options_bad);
  g_test_add_func ("/cli/figure/pdf", test_figure_pdf);
  g_test_add_func ("/cli/figure/svg", test_figure_svg);
  g_test_add_func ("/cli/figure/png", test_figure_png);
  g_test_add_func ("/cli/figure/spread", test_figure_spread);
  g_test_add_func ("/cli/figure/bad-input", test_figure_bad_input);
  g_test_add_func ("/cli/figure/help", test_figure_help);

  return g_test_run ();
}
