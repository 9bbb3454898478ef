/* test-document.c: the document, its data loading, its "changed" signal and its files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The document is the single source of truth of the window. These tests check what the
 * window relies on: data load in the background and never half-apply, "changed" comes
 * once per burst of changes and never while data load, the experiment built from the
 * document carries every setting, and experiment files read back to the same settings
 * while malformed ones are refused with the file and the member named.
 */
#include <glib/gstdio.h>

#include "app-test-util.h"
#include "ks-document.h"
#include "ks-experiment-file.h"

/* Loading digits and a 200-point generator takes well under a second; 20 s leaves room
 * for a machine busy with other builds. */
#define LOAD_TIMEOUT 20.0

typedef struct
{
  guint      n_changed;
  guint      n_failed;
  GError    *last_error;
  /* The data set as it was when "changed" was last emitted. */
  guint      points_at_changed;
} Counters;

static void
on_changed (KsDocument *document,
            Counters   *counters)
{
  KsDataset *data = ks_document_get_dataset (document);

  counters->n_changed++;
  counters->points_at_changed = data ? ks_dataset_get_n_points (data) : 0;
}

static void
on_load_failed (KsDocument   *document,
                const GError *error,
                Counters     *counters)
{
  counters->n_failed++;
  g_clear_error (&counters->last_error);
  counters->last_error = g_error_copy (error);
}

static KsDocument *
document_new_watched (Counters *counters)
{
  KsDocument *document = ks_document_new ();

  *counters = (Counters) { 0 };
  g_signal_connect (document, "changed", G_CALLBACK (on_changed), counters);
  g_signal_connect (document, "load-failed", G_CALLBACK (on_load_failed), counters);
  return document;
}

static gboolean
changed_at_least (gpointer user_data)
{
  Counters *counters = user_data;
  return counters->n_changed > 0;
}

static gboolean
failed_at_least (gpointer user_data)
{
  Counters *counters = user_data;
  return counters->n_failed > 0;
}

/* Waits for the first "changed" and lets any idle work settle. */
static void
wait_changed (Counters *counters)
{
  g_assert_true (ks_test_wait_until (changed_at_least, counters, LOAD_TIMEOUT));
  ks_test_run_for (0.05);
}

static char *
write_temp_file (const char *folder,
                 const char *name,
                 const char *contents)
{
  char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* A new document loads the bundled digits in the background and only then says it changed,
 * once; until then there is no experiment to build. */
static void
test_default_loads (void)
{
  Counters counters;
  g_autoptr(KsDocument) document = document_new_watched (&counters);
  g_autoptr(KsExperiment) experiment = NULL;
  const KsLayer *readout;

  g_assert_true (ks_document_get_loading (document));
  g_assert_null (ks_document_get_dataset (document));
  g_assert_null (ks_document_build_experiment (document));

  wait_changed (&counters);
  g_assert_cmpuint (counters.n_changed, ==, 1);
  g_assert_false (ks_document_get_loading (document));
  g_assert_cmpuint (ks_dataset_get_n_points (ks_document_get_dataset (document)), ==, 1797);
  g_assert_cmpstr (ks_document_get_title (document), ==, "digits, ReLU with a bottleneck");

  experiment = ks_document_build_experiment (document);
  g_assert_nonnull (experiment);
  g_assert_cmpuint (ks_experiment_get_n_points (experiment), ==, 200);
  g_assert_cmpuint (ks_experiment_get_seed (experiment), ==, 1);
  g_assert_cmpuint (ks_experiment_get_n_samples (experiment), ==, 16);
  readout = ks_stack_get_readout (ks_experiment_get_stack (experiment));
  g_assert_nonnull (readout);
  g_assert_cmpuint (readout->width, ==, 10);
  g_assert_cmpfloat (readout->noise_var, ==, 0.1);
}

/* A burst of setter calls without the main loop running gives one "changed"; a colour map
 * change redraws but computes nothing, so it gives none. */
static void
test_changed_coalesces (void)
{
  Counters counters;
  g_autoptr(KsDocument) document = document_new_watched (&counters);

  wait_changed (&counters);
  counters.n_changed = 0;

  ks_document_set_n_points (document, 120);
  ks_document_set_seed (document, 7);
  ks_document_set_n_samples (document, 4);
  ks_document_set_cka_kind (document, KS_CKA_DEBIASED);
  wait_changed (&counters);
  g_assert_cmpuint (counters.n_changed, ==, 1);

  counters.n_changed = 0;
  ks_document_set_colormap (document, "magma");
  ks_test_run_for (0.1);
  g_assert_cmpuint (counters.n_changed, ==, 0);
  g_assert_cmpstr (ks_document_get_colormap (document), ==, "magma");

  /* Equal values are no change at all. */
  ks_document_set_n_points (document, 120);
  ks_test_run_for (0.1);
  g_assert_cmpuint (counters.n_changed, ==, 0);
}

/* The readout of the experiment follows "n-outputs" and "noise", whether or not the
 * document's stack ends in one. */
static void
test_readout_follows_settings (void)
{
  Counters counters;
  g_autoptr(KsDocument) document = document_new_watched (&counters);
  g_autoptr(KsStack) bare = ks_stack_parse ("dense:8,relu,dense:8", NULL);
  g_autoptr(KsExperiment) first = NULL;
  g_autoptr(KsExperiment) second = NULL;
  const KsStack *stack;

  wait_changed (&counters);
  ks_document_set_n_outputs (document, 3);
  ks_document_set_noise (document, 0.5);
  first = ks_document_build_experiment (document);
  stack = ks_experiment_get_stack (first);
  g_assert_cmpuint (ks_stack_get_n_layers (stack), ==, 7);
  g_assert_cmpuint (ks_stack_get_readout (stack)->width, ==, 3);
  g_assert_cmpfloat (ks_stack_get_readout (stack)->noise_var, ==, 0.5);

  ks_document_set_stack (document, bare);
  g_assert_cmpstr (ks_document_get_title (document), ==, "digits, ReLU, width 8");
  second = ks_document_build_experiment (document);
  stack = ks_experiment_get_stack (second);
  g_assert_cmpuint (ks_stack_get_n_layers (stack), ==, 4);
  g_assert_cmpuint (ks_stack_get_readout (stack)->width, ==, 3);
}

/* Generated data depend on P and the seed: a change makes them again, and "changed" waits
 * for the new points, so an experiment never pairs the new P with the old data. */
static void
test_generated_data_follow_points (void)
{
  Counters counters;
  g_autoptr(KsDocument) document = document_new_watched (&counters);

  wait_changed (&counters);
  counters.n_changed = 0;
  ks_document_set_data_source (document, "ring");
  g_assert_cmpstr (ks_document_get_data_source (document), ==, "digits");
  wait_changed (&counters);
  g_assert_cmpstr (ks_document_get_data_source (document), ==, "ring");
  g_assert_cmpuint (counters.points_at_changed, ==, 200);
  g_assert_cmpstr (ks_document_get_title (document), ==, "ring, ReLU with a bottleneck");

  counters.n_changed = 0;
  ks_document_set_n_points (document, 150);
  wait_changed (&counters);
  g_assert_cmpuint (counters.n_changed, ==, 1);
  g_assert_cmpuint (counters.points_at_changed, ==, 150);
}

/* A file that is not data is refused with its name in the message; the document keeps its
 * source and the very same data set. */
static void
test_malformed_data_keeps_old (void)
{
  Counters counters;
  g_autoptr(KsDocument) document = document_new_watched (&counters);
  g_autofree char *folder = g_dir_make_tmp ("kernelscope-test-XXXXXX", NULL);
  g_autofree char *path = write_temp_file (folder, "broken.csv", "1,2,0\n3,oops,1\n");
  KsDataset *before;

  wait_changed (&counters);
  before = ks_document_get_dataset (document);
  counters.n_changed = 0;

  ks_document_set_data_source (document, path);
  g_assert_true (ks_test_wait_until (failed_at_least, &counters, LOAD_TIMEOUT));
  g_assert_nonnull (counters.last_error);
  g_assert_nonnull (strstr (counters.last_error->message, "broken.csv"));
  g_assert_cmpstr (ks_document_get_data_source (document), ==, "digits");
  g_assert_true (ks_document_get_dataset (document) == before);
  g_assert_false (ks_document_get_loading (document));
  ks_test_run_for (0.1);
  g_assert_cmpuint (counters.n_changed, ==, 0);

  g_clear_error (&counters.last_error);
  g_unlink (path);
  g_rmdir (folder);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} AsyncResult;

static void
on_file_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncResult *async = user_data;
  gboolean (*finish) (KsDocument *, GAsyncResult *, GError **) =
    g_task_get_source_tag (G_TASK (result)) == ks_document_save_file_async
    ? ks_document_save_file_finish : ks_document_load_file_finish;

  async->ok = finish (KS_DOCUMENT (source), result, &async->error);
  async->done = TRUE;
}

static gboolean
async_done (gpointer user_data)
{
  return ((AsyncResult *) user_data)->done;
}

static void
save_file (KsDocument *document,
           GFile      *file)
{
  AsyncResult async = { 0 };

  ks_document_save_file_async (document, file, NULL, on_file_done, &async);
  g_assert_true (ks_test_wait_until (async_done, &async, LOAD_TIMEOUT));
  g_assert_no_error (async.error);
  g_assert_true (async.ok);
}

static gboolean
load_file (KsDocument *document,
           GFile      *file,
           GError    **error)
{
  AsyncResult async = { 0 };

  ks_document_load_file_async (document, file, NULL, on_file_done, &async);
  g_assert_true (ks_test_wait_until (async_done, &async, LOAD_TIMEOUT));
  if (async.error != NULL)
    g_propagate_error (error, async.error);
  return async.ok;
}

static void
assert_same_state (KsDocument *a,
                   KsDocument *b)
{
  KsDocumentState sa, sb;

  ks_document_get_state (a, &sa);
  ks_document_get_state (b, &sb);
  g_assert_true (ks_stack_equal (sa.stack, sb.stack));
  g_assert_cmpstr (sa.data_source, ==, sb.data_source);
  g_assert_cmpuint (sa.n_points, ==, sb.n_points);
  g_assert_cmpuint (sa.seed, ==, sb.seed);
  g_assert_cmpuint (sa.n_outputs, ==, sb.n_outputs);
  g_assert_cmpfloat (sa.noise, ==, sb.noise);
  g_assert_cmpuint (sa.n_samples, ==, sb.n_samples);
  g_assert_cmpint (sa.posterior_method, ==, sb.posterior_method);
  g_assert_cmpfloat (sa.width_scale, ==, sb.width_scale);
  g_assert_cmpint (sa.cka_kind, ==, sb.cka_kind);
  g_assert_cmpfloat (sa.cka_tau, ==, sb.cka_tau);
  g_assert_cmpstr (sa.colormap, ==, sb.colormap);
  ks_document_state_clear (&sa);
  ks_document_state_clear (&sb);
}

/* Every setting survives a save and a load exactly (doubles included), and a data file
 * beside the experiment is stored by a relative name. */
static void
test_file_round_trip (void)
{
  Counters counters_a, counters_b;
  g_autoptr(KsDocument) saved = document_new_watched (&counters_a);
  g_autoptr(KsDocument) loaded = document_new_watched (&counters_b);
  g_autofree char *folder = g_dir_make_tmp ("kernelscope-test-XXXXXX", NULL);
  g_autofree char *data_path = write_temp_file (folder, "points.csv",
                                                "0,0,0\n1,0,1\n0,1,1\n1,1,0\n2,1,0\n1,2,1\n");
  g_autofree char *path = g_build_filename (folder, "experiment.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(KsStack) stack = ks_stack_parse ("dense:5:wv=1.3:bv=0.01,erf,dense:inf,readout:2:noise=0.2", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  wait_changed (&counters_a);
  wait_changed (&counters_b);
  counters_a.n_changed = 0;
  ks_document_set_data_source (saved, data_path);
  wait_changed (&counters_a);
  ks_document_set_stack (saved, stack);
  ks_document_set_n_points (saved, 10);
  ks_document_set_seed (saved, 123456789);
  ks_document_set_n_outputs (saved, 2);
  ks_document_set_noise (saved, 0.0123);
  ks_document_set_n_samples (saved, 33);
  ks_document_set_posterior_method (saved, KS_POSTERIOR_HMC);
  ks_document_set_width_scale (saved, 2.5);
  ks_document_set_cka_kind (saved, KS_CKA_RBF);
  ks_document_set_cka_tau (saved, 0.7);
  ks_document_set_colormap (saved, "cividis");

  save_file (saved, file);
  g_assert_true (ks_document_get_file (saved) != NULL && g_file_equal (ks_document_get_file (saved), file));
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\"kernelscope-experiment\""));
  g_assert_nonnull (strstr (text, "\"data\" : \"points.csv\""));

  counters_b.n_changed = 0;
  g_assert_true (load_file (loaded, file, &error));
  g_assert_no_error (error);
  wait_changed (&counters_b);
  g_assert_false (ks_document_get_loading (loaded));
  assert_same_state (saved, loaded);
  g_assert_cmpstr (ks_document_get_title (loaded), ==, "points.csv, erf with finite layers");

  g_unlink (path);
  g_unlink (data_path);
  g_rmdir (folder);
}

/* Each malformed experiment file is refused with a message naming the file and the member
 * at fault, and the document stays exactly as it was. */
static void
test_file_malformed (void)
{
  static const struct { const char *contents; const char *named; } cases[] = {
    { "{ not json", "not valid JSON" },
    { "[1, 2]", "JSON object" },
    { "{\"format\": \"other\", \"version\": 1}", "\"format\"" },
    { "{\"format\": \"kernelscope-experiment\", \"version\": 9, \"stack\": \"relu\", \"data\": \"iris\"}", "\"version\"" },
    { "{\"format\": \"kernelscope-experiment\", \"version\": 1, \"data\": \"iris\"}", "\"stack\"" },
    { "{\"format\": \"kernelscope-experiment\", \"version\": 1, \"stack\": \"dense:oops\", \"data\": \"iris\"}", "\"stack\"" },
    { "{\"format\": \"kernelscope-experiment\", \"version\": 1, \"stack\": \"relu\", \"data\": \"iris\", \"points\": \"many\"}", "\"points\"" },
    { "{\"format\": \"kernelscope-experiment\", \"version\": 1, \"stack\": \"relu\", \"data\": \"iris\", \"points\": 50000}", "\"points\"" },
    { "{\"format\": \"kernelscope-experiment\", \"version\": 1, \"stack\": \"relu\", \"data\": \"iris\", \"noise\": -1}", "\"noise\"" },
    { "{\"format\": \"kernelscope-experiment\", \"version\": 1, \"stack\": \"relu\", \"data\": \"iris\", \"posterior\": \"vi\"}", "\"posterior\"" },
    { "{\"format\": \"kernelscope-experiment\", \"version\": 1, \"stack\": \"relu\", \"data\": \"iris\", \"colormap\": \"jet\"}", "\"colormap\"" },
  };
  Counters counters, reference_counters;
  g_autoptr(KsDocument) document = document_new_watched (&counters);
  g_autoptr(KsDocument) reference = document_new_watched (&reference_counters);
  g_autofree char *folder = g_dir_make_tmp ("kernelscope-test-XXXXXX", NULL);

  wait_changed (&counters);
  wait_changed (&reference_counters);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("bad-%u.json", i);
      g_autofree char *path = write_temp_file (folder, name, cases[i].contents);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;

      g_assert_false (load_file (document, file, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, name));
      g_assert_nonnull (strstr (error->message, cases[i].named));
      assert_same_state (document, reference);
      g_assert_null (ks_document_get_file (document));
      g_unlink (path);
    }
  g_rmdir (folder);
}

int
main (int   argc,
      char *argv[])
{
  ks_test_init (&argc, &argv);

  g_test_add_func ("/document/default-loads", test_default_loads);
  g_test_add_func ("/document/changed-coalesces", test_changed_coalesces);
  g_test_add_func ("/document/readout-follows-settings", test_readout_follows_settings);
  g_test_add_func ("/document/generated-data-follow-points", test_generated_data_follow_points);
  g_test_add_func ("/document/malformed-data-keeps-old", test_malformed_data_keeps_old);
  g_test_add_func ("/document/file-round-trip", test_file_round_trip);
  g_test_add_func ("/document/file-malformed", test_file_malformed);
  return g_test_run ();
}
