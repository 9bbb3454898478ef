/* test-csv-writer.c: the CSV files every command writes and reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "ks-csv-writer.h"
#include "ks-error.h"
#include "ks-linalg.h"

typedef struct
{
  char *folder;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp ("kernelscope-csv-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->folder, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->folder);
  g_free (fixture->folder);
}

static GFile *
fixture_file (Fixture    *fixture,
              const char *name)
{
  return g_file_new_build_filename (fixture->folder, name, NULL);
}

static GFile *
fixture_file_with (Fixture    *fixture,
                   const char *name,
                   const char *contents)
{
  GFile *file = fixture_file (fixture, name);
  g_autoptr(GError) error = NULL;

  g_file_replace_contents (file, contents, strlen (contents), NULL, FALSE,
                           G_FILE_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
  return file;
}

/* 17 significant digits identify every double, so a written matrix reads back bit for
 * bit, including subnormals, the largest double and negative zero. */
static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  const double values[] = {
    1.0 / 3.0, -2.5e-310, DBL_MAX, -0.0,
    123456789.123456789, 1e-17, G_PI, -DBL_MIN,
  };
  g_autoptr(gsl_matrix) m = gsl_matrix_alloc (2, 4);
  g_autoptr(gsl_matrix) back = NULL;
  g_autoptr(GFile) file = fixture_file (fixture, "m.csv");
  g_autoptr(GError) error = NULL;

  memcpy (m->data, values, sizeof values);
  ks_csv_write_matrix (file, m, NULL, &error);
  g_assert_no_error (error);
  back = ks_csv_read_matrix (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->size1, ==, 2);
  g_assert_cmpuint (back->size2, ==, 4);
  g_assert_cmpmem (back->data, sizeof values, values, sizeof values);
}

/* The text form: commas between values, one line per row, shortest exact digits. */
static void
test_format (void)
{
  const double values[] = { 1.0, 0.5, 2.0, -3.0 };
  g_autoptr(gsl_matrix) m = gsl_matrix_alloc (2, 2);
  g_autofree char *text = NULL;

  memcpy (m->data, values, sizeof values);
  text = ks_csv_format_matrix (m);
  g_assert_cmpstr (text, ==, "1,0.5\n2,-3\n");
}

/* White space separates as well as commas; CR LF line ends and trailing blank lines
 * are accepted. */
static void
test_whitespace (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GFile) file = fixture_file_with (fixture, "w.csv", "1 2\t3\r\n 4  5 6e0\n\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(gsl_matrix) m = ks_csv_read_matrix (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (m->size1, ==, 2);
  g_assert_cmpuint (m->size2, ==, 3);
  for (guint k = 0; k < 6; k++)
    g_assert_cmpfloat (m->data[k], ==, k + 1.0);
}

/* Each malformed file is refused with the error kind and a message naming the file, the
 * line and (for a bad cell) the column and the value. */
static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  static const struct
  {
    const char *contents;
    int code;
    const char *needles[2];
  } cases[] = {
    { "1,2,3\n4,5,x7\n", KS_ERROR_DATA, { "line 2, column 3", "x7" } },
    { "1 2\n3 inf\n", KS_ERROR_NON_FINITE, { "line 2, column 2", "inf" } },
    { "1,2\nnan,4\n", KS_ERROR_NON_FINITE, { "line 2, column 1", "nan" } },
    { "1,2\n3,4\n5\n", KS_ERROR_DATA, { "line 3", "expected 2" } },
    { "1,2\n\n3,4\n", KS_ERROR_DATA, { "line 2", "line 3" } },
    { "1,,2\n", KS_ERROR_DATA, { "line 1, column 2", "missing" } },
    { "", KS_ERROR_DATA, { "empty", "bad.csv" } },
    { "1,2\n3,1e999\n", KS_ERROR_NON_FINITE, { "line 2, column 2", "1e999" } },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GFile) file = fixture_file_with (fixture, "bad.csv", cases[c].contents);
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      g_autoptr(gsl_matrix) m = ks_csv_read_matrix (file, NULL, &error);

      g_assert_null (m);
      g_assert_error (error, KS_ERROR, cases[c].code);
      g_assert_nonnull (strstr (error->message, path));
      for (guint n = 0; n < G_N_ELEMENTS (cases[c].needles); n++)
        if (strstr (error->message, cases[c].needles[n]) == NULL)
          g_error ("case %u: expected '%s' in: %s", c, cases[c].needles[n], error->message);
    }
}

static void
test_missing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GFile) file = fixture_file (fixture, "absent.csv");
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(gsl_matrix) m = ks_csv_read_matrix (file, NULL, &error);

  g_assert_null (m);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
}

/* Replacing is all or nothing: new contents replace old ones; a cancelled write or one
 * into a missing folder leaves the old file (or none) and names the path. */
static void
test_replace (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GFile) file = fixture_file_with (fixture, "r.txt", "old\n");
  g_autoptr(GFile) nowhere = g_file_new_build_filename (fixture->folder, "no", "r.txt", NULL);
  g_autofree char *nowhere_path = g_file_get_path (nowhere);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  ks_file_replace_contents (file, "new\n", 4, NULL, &error);
  g_assert_no_error (error);
  g_file_load_contents (file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "new\n");
  g_clear_pointer (&contents, g_free);

  g_cancellable_cancel (cancelled);
  g_assert_false (ks_file_replace_contents (file, "lost\n", 5, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_file_load_contents (file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "new\n");

  g_assert_false (ks_file_replace_contents (nowhere, "x", 1, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, nowhere_path));
  g_assert_false (g_file_query_exists (nowhere, NULL));
}

/* A disk that fills up mid-write (a 4 KiB file-size limit in a child process): the write
 * fails naming the path and the reason, and leaves neither a partial file nor a temporary. */
static void
test_disk_full (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GFile) file = fixture_file (fixture, "big.csv");
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *contents = g_strnfill (64 * 1024, 'x');
  struct rlimit limit = { 4096, 4096 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_false (ks_file_replace_contents (file, contents, strlen (contents), NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  dir = g_dir_open (fixture->folder, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ks_core_init ();

  g_test_add ("/csv/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add_func ("/csv/format", test_format);
  g_test_add ("/csv/whitespace", Fixture, NULL, fixture_set_up, test_whitespace,
              fixture_tear_down);
  g_test_add ("/csv/errors", Fixture, NULL, fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/csv/missing", Fixture, NULL, fixture_set_up, test_missing, fixture_tear_down);
  g_test_add ("/csv/replace", Fixture, NULL, fixture_set_up, test_replace, fixture_tear_down);
  g_test_add ("/csv/disk-full", Fixture, NULL, fixture_set_up, test_disk_full, fixture_tear_down);

  return g_test_run ();
}
