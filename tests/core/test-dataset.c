/* test-dataset.c: data sets: bundled, CSV, IDX, generators, subsampling, matrices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ks-dataset.h"
#include "ks-error.h"
#include "ks-linalg.h"

static char *tmp_dir;

/* Helpers ---------------------------------------------------------------------------------- */

static char *
write_temp (const char *basename,
            const void *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_dir, basename, NULL);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

static GBytes *
gzip_bytes (const void *data,
            gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) gzip = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

  g_output_stream_write_all (gzip, data, length, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (gzip, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static char *
write_temp_gzip (const char *basename,
                 const void *contents,
                 gsize       length)
{
  g_autoptr(GBytes) bytes = gzip_bytes (contents, length);
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);

  return write_temp (basename, data, size);
}

static KsDataset *
load_csv_path (const char *path,
               int         label_column,
               GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return ks_dataset_load_csv (file, label_column, NULL, error);
}

static KsDataset *
load_csv_text (const char *basename,
               const char *text,
               int         label_column,
               GError    **error)
{
  g_autofree char *path = write_temp (basename, text, -1);

  return load_csv_path (path, label_column, error);
}

static KsDataset *
load_idx_paths (const char *images,
                const char *labels,
                GError    **error)
{
  g_autoptr(GFile) image_file = g_file_new_for_path (images);
  g_autoptr(GFile) label_file = labels != NULL ? g_file_new_for_path (labels) : NULL;

  return ks_dataset_load_idx (image_file, label_file, NULL, error);
}

/* The error has the code and its message holds every one of the NULL-terminated words. */
static void
assert_error_mentions (const GError *error,
                       int           code,
                       ...)
{
  va_list args;

  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_error (error, KS_ERROR, code);
  va_start (args, code);
  for (const char *word = va_arg (args, const char *); word != NULL;
       word = va_arg (args, const char *))
    if (strstr (error->message, word) == NULL)
      g_error ("“%s” is missing from the message “%s”", word, error->message);
  va_end (args);
}

static void
assert_values (const KsDataset *dataset,
               const double    *expected,
               gsize            n)
{
  const double *inputs = ks_dataset_get_inputs (dataset);

  g_assert_cmpuint ((gsize) ks_dataset_get_n_points (dataset) * ks_dataset_get_n_features (dataset),
                    ==, n);
  for (gsize k = 0; k < n; k++)
    g_assert_cmpfloat (inputs[k], ==, expected[k]);
}

static void
count_classes (const KsDataset *dataset,
               guint           *counts)
{
  const int *labels = ks_dataset_get_labels (dataset);

  for (guint i = 0; i < ks_dataset_get_n_points (dataset); i++)
    counts[labels[i]]++;
}

static gboolean
labels_sorted (const KsDataset *dataset)
{
  const int *labels = ks_dataset_get_labels (dataset);

  for (guint i = 1; i < ks_dataset_get_n_points (dataset); i++)
    if (labels[i] < labels[i - 1])
      return FALSE;
  return TRUE;
}

static gboolean
same_inputs (const KsDataset *a,
             const KsDataset *b)
{
  gsize n = (gsize) ks_dataset_get_n_points (a) * ks_dataset_get_n_features (a);

  return ks_dataset_get_n_points (a) == ks_dataset_get_n_points (b)
         && ks_dataset_get_n_features (a) == ks_dataset_get_n_features (b)
         && memcmp (ks_dataset_get_inputs (a), ks_dataset_get_inputs (b), n * sizeof (double)) == 0;
}

/* Bundled sets ----------------------------------------------------------------------------- */

/* The bundled digits are the 1797 UCI 8 x 8 digits: pixel values 0..16, 10 classes of
 * 174 to 183 images each. */
static void
test_bundled_digits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) digits = ks_dataset_load_bundled ("digits", &error);
  guint counts[10] = { 0 };
  guint total = 0;
  const double *x;

  g_assert_no_error (error);
  g_assert_cmpstr (ks_dataset_get_name (digits), ==, "digits");
  g_assert_cmpuint (ks_dataset_get_n_points (digits), ==, 1797);
  g_assert_cmpuint (ks_dataset_get_n_features (digits), ==, 64);
  g_assert_true (ks_dataset_has_labels (digits));
  g_assert_cmpuint (ks_dataset_get_n_classes (digits), ==, 10);
  count_classes (digits, counts);
  for (guint k = 0; k < 10; k++)
    {
      g_assert_cmpuint (counts[k], >=, 170);
      g_assert_cmpuint (counts[k], <=, 190);
      total += counts[k];
    }
  g_assert_cmpuint (total, ==, 1797);

  x = ks_dataset_get_inputs (digits);
  for (gsize k = 0; k < 1797 * 64; k++)
    g_assert_true (x[k] >= 0 && x[k] <= 16 && x[k] == floor (x[k]));
  g_assert_null (ks_dataset_get_class_name (digits, 0));
}

/* Fisher's iris: 150 flowers, 50 per species, species named in the header; the first
 * flower measures 5.1, 3.5, 1.4, 0.2. */
static void
test_bundled_iris (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) iris = ks_dataset_load_bundled ("iris", &error);
  const double first[] = { 5.1, 3.5, 1.4, 0.2 };
  guint counts[3] = { 0 };

  g_assert_no_error (error);
  g_assert_cmpstr (ks_dataset_get_name (iris), ==, "iris");
  g_assert_cmpuint (ks_dataset_get_n_points (iris), ==, 150);
  g_assert_cmpuint (ks_dataset_get_n_features (iris), ==, 4);
  g_assert_cmpuint (ks_dataset_get_n_classes (iris), ==, 3);
  count_classes (iris, counts);
  for (guint k = 0; k < 3; k++)
    g_assert_cmpuint (counts[k], ==, 50);
  g_assert_cmpstr (ks_dataset_get_class_name (iris, 0), ==, "setosa");
  g_assert_cmpstr (ks_dataset_get_class_name (iris, 1), ==, "versicolor");
  g_assert_cmpstr (ks_dataset_get_class_name (iris, 2), ==, "virginica");
  g_assert_null (ks_dataset_get_class_name (iris, 3));
  for (guint j = 0; j < 4; j++)
    g_assert_cmpfloat (ks_dataset_get_inputs (iris)[j], ==, first[j]);
}

static void
test_bundled_unknown (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) none = ks_dataset_load_bundled ("mnist", &error);

  g_assert_null (none);
  assert_error_mentions (error, KS_ERROR_INVALID, "mnist", NULL);
  g_assert_true (ks_dataset_is_builtin_name ("digits"));
  g_assert_true (ks_dataset_is_builtin_name ("spirals"));
  g_assert_false (ks_dataset_is_builtin_name ("digits.csv"));
}

/* CSV -------------------------------------------------------------------------------------- */

/* A header line (a cell that is not a number) is skipped; labels from the last column. */
static void
test_csv_header (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) data = load_csv_text ("header.csv",
                                             "x,y,class\n1.5,-2,0\n3e2,0.25,2\n",
                                             KS_LABEL_COLUMN_LAST, &error);
  const double expected[] = { 1.5, -2, 300, 0.25 };

  g_assert_no_error (error);
  g_assert_cmpstr (ks_dataset_get_name (data), ==, "header.csv");
  assert_values (data, expected, G_N_ELEMENTS (expected));
  g_assert_cmpint (ks_dataset_get_labels (data)[0], ==, 0);
  g_assert_cmpint (ks_dataset_get_labels (data)[1], ==, 2);
  g_assert_cmpuint (ks_dataset_get_n_classes (data), ==, 3);
}

/* Without a header every line is data; with no label column every column is a feature;
 * spaces around cells are allowed and the last newline is optional. */
static void
test_csv_no_header (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) data = load_csv_text ("plain.csv", "1, 2 ,3\n 4,5,6",
                                             KS_LABEL_COLUMN_NONE, &error);
  const double expected[] = { 1, 2, 3, 4, 5, 6 };

  g_assert_no_error (error);
  assert_values (data, expected, G_N_ELEMENTS (expected));
  g_assert_false (ks_dataset_has_labels (data));
  g_assert_cmpuint (ks_dataset_get_n_classes (data), ==, 0);
}

/* Runs of spaces and tabs separate cells; a label in column 0. */
static void
test_csv_whitespace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) data = load_csv_text ("spaces.txt",
                                             "  1\t0.5   -7\n0 \t 2.5e-1  8  \n",
                                             0, &error);
  const double expected[] = { 0.5, -7, 0.25, 8 };

  g_assert_no_error (error);
  assert_values (data, expected, G_N_ELEMENTS (expected));
  g_assert_cmpint (ks_dataset_get_labels (data)[0], ==, 1);
  g_assert_cmpint (ks_dataset_get_labels (data)[1], ==, 0);
}

/* Windows line ends, blank lines at the end, and a label in a middle column. */
static void
test_csv_crlf (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) data = load_csv_text ("windows.csv",
                                             "a,label,b\r\n1,1,2\r\n3,0,4\r\n\r\n  \r\n",
                                             1, &error);
  const double expected[] = { 1, 2, 3, 4 };

  g_assert_no_error (error);
  assert_values (data, expected, G_N_ELEMENTS (expected));
  g_assert_cmpint (ks_dataset_get_labels (data)[0], ==, 1);
  g_assert_cmpint (ks_dataset_get_labels (data)[1], ==, 0);
}

/* A gzip-compressed file is recognised by its content, whatever its name. */
static void
test_csv_gzip (void)
{
  const char *text = "0.125,-3,1\n4,5,0\n";
  const double expected[] = { 0.125, -3, 4, 5 };
  const char *names[] = { "packed.csv.gz", "packed-without-suffix.csv" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = write_temp_gzip (names[i], text, strlen (text));
      g_autoptr(KsDataset) data = load_csv_path (path, KS_LABEL_COLUMN_LAST, &error);

      g_assert_no_error (error);
      assert_values (data, expected, G_N_ELEMENTS (expected));
      g_assert_cmpint (ks_dataset_get_labels (data)[0], ==, 1);
    }
}

/* Numbers are read the same in any locale: under the user's locale (a comma-decimal one
 * when the machine has one) "1.5" is still one and a half. */
static void
test_csv_locale (void)
{
  const char *comma_locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "nl_NL.UTF-8", "" };
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) data = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (comma_locales); i++)
    if (setlocale (LC_ALL, comma_locales[i]) != NULL)
      break;
  g_test_message ("numeric locale: %s", setlocale (LC_NUMERIC, NULL));
  data = load_csv_text ("locale.csv", "1.5 2.25\n", KS_LABEL_COLUMN_NONE, &error);
  setlocale (LC_ALL, "C");

  g_assert_no_error (error);
  g_assert_cmpfloat (ks_dataset_get_inputs (data)[0], ==, 1.5);
  g_assert_cmpfloat (ks_dataset_get_inputs (data)[1], ==, 2.25);
}

/* Each malformed file is refused with the right code and a message naming the file, the
 * line, the column where it applies and the offending text. */
static void
test_csv_errors (void)
{
  const struct
  {
    const char *basename;
    const char *text;
    int label_column;
    int code;
    const char *words[4];
  } cases[] = {
    { "word.csv", "1,2,0\n3,abc,1\n", KS_LABEL_COLUMN_LAST, KS_ERROR_DATA,
      { "line 2", "column 2", "abc" } },
    { "empty-cell.csv", "1,2,0\n1,,0\n", KS_LABEL_COLUMN_LAST, KS_ERROR_DATA,
      { "line 2", "column 2", "“”" } },
    { "ragged.csv", "1,2,0\n3,4,1\n5,6\n", KS_LABEL_COLUMN_LAST, KS_ERROR_DATA,
      { "line 3 has 2 values, expected 3" } },
    { "empty.csv", "", KS_LABEL_COLUMN_LAST, KS_ERROR_DATA, { "empty" } },
    { "blank.csv", "\n  \r\n", KS_LABEL_COLUMN_LAST, KS_ERROR_DATA, { "empty", "blank" } },
    { "only-header.csv", "x,y\n\n", KS_LABEL_COLUMN_LAST, KS_ERROR_DATA,
      { "header", "no data" } },
    { "nan.csv", "1,2,0\n3,NaN,1\n", KS_LABEL_COLUMN_LAST, KS_ERROR_NON_FINITE,
      { "line 2", "column 2", "NaN", "not a finite number" } },
    { "inf.csv", "1 -inf 0\n", KS_LABEL_COLUMN_LAST, KS_ERROR_NON_FINITE,
      { "line 1", "column 2", "-inf", "not a finite number" } },
    { "overflow.csv", "1e999,1\n", KS_LABEL_COLUMN_LAST, KS_ERROR_NON_FINITE,
      { "line 1", "column 1", "1e999" } },
    { "fraction-label.csv", "1,2,0\n1,2,1.5\n", KS_LABEL_COLUMN_LAST, KS_ERROR_DATA,
      { "line 2", "column 3", "1.5", "label" } },
    { "negative-label.csv", "-1,2,3\n", 0, KS_ERROR_DATA,
      { "line 1", "column 1", "-1", "label" } },
    { "huge-label.csv", "1,5000\n", KS_LABEL_COLUMN_LAST, KS_ERROR_DATA,
      { "line 1", "5000", "label" } },
    { "far-label.csv", "x,y\n1,2\n", 5, KS_ERROR_DATA,
      { "line 2", "label column 5" } },
    { "gap.csv", "1,2\n\n3,4\n", KS_LABEL_COLUMN_LAST, KS_ERROR_DATA,
      { "line 2 is blank", "line 3" } },
    { "bad-column.csv", "1,2\n", -3, KS_ERROR_INVALID, { "-3" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = write_temp (cases[i].basename, cases[i].text, -1);
      g_autoptr(KsDataset) data = load_csv_path (path, cases[i].label_column, &error);

      g_assert_null (data);
      if (cases[i].code != KS_ERROR_INVALID)
        assert_error_mentions (error, cases[i].code, path, NULL);
      for (guint w = 0; w < G_N_ELEMENTS (cases[i].words) && cases[i].words[w] != NULL; w++)
        assert_error_mentions (error, cases[i].code, cases[i].words[w], NULL);
    }
}

static void
test_csv_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "no-such-data.csv", NULL);
  g_autoptr(KsDataset) data = load_csv_path (path, KS_LABEL_COLUMN_LAST, &error);

  g_assert_null (data);
  assert_error_mentions (error, KS_ERROR_DATA, path, "no such file", NULL);
}

/* More rows than KS_DATASET_MAX_POINTS, or more columns than KS_DATASET_MAX_FEATURES, are
 * refused as too large, naming the line where the limit was passed (2 MB files each). */
static void
test_csv_too_large (void)
{
  g_autoptr(GString) rows = g_string_new (NULL);
  g_autoptr(GString) columns = g_string_new ("1");
  g_autofree char *rows_path = NULL;
  g_autofree char *columns_path = NULL;
  g_autofree char *last_line = g_strdup_printf ("line %u", KS_DATASET_MAX_POINTS + 1);

  for (guint i = 0; i <= KS_DATASET_MAX_POINTS; i++)
    g_string_append (rows, "0\n");
  for (guint j = 0; j < KS_DATASET_MAX_FEATURES; j++)
    g_string_append (columns, ",0");
  g_string_append_c (columns, '\n');
  rows_path = write_temp ("many-rows.csv", rows->str, rows->len);
  columns_path = write_temp ("many-columns.csv", columns->str, columns->len);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KsDataset) data = load_csv_path (rows_path, KS_LABEL_COLUMN_NONE, &error);

    g_assert_null (data);
    assert_error_mentions (error, KS_ERROR_TOO_LARGE, rows_path, last_line, NULL);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KsDataset) data = load_csv_path (columns_path, KS_LABEL_COLUMN_NONE, &error);

    g_assert_null (data);
    assert_error_mentions (error, KS_ERROR_TOO_LARGE, columns_path, "line 1", "features", NULL);
  }
}

/* Damaged gzip data, found by the decompressor, is reported as such with the file name:
 * both a gzip magic followed by garbage and a valid stream cut in half. */
static void
test_csv_bad_gzip (void)
{
  const guint8 garbage[] = { 0x1f, 0x8b, 'n', 'o', 't', ' ', 'g', 'z', 'i', 'p', '\n' };
  const char *text = "1,2,0\n3,4,1\n5,6,0\n7,8,1\n";
  g_autoptr(GBytes) packed = gzip_bytes (text, strlen (text));
  g_autofree char *bad = write_temp ("garbage.csv.gz", garbage, sizeof garbage);
  g_autofree char *cut = write_temp ("cut.csv.gz", g_bytes_get_data (packed, NULL),
                                     g_bytes_get_size (packed) / 2);
  const char *paths[] = { bad, cut };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsDataset) data = load_csv_path (paths[i], KS_LABEL_COLUMN_LAST, &error);

      g_assert_null (data);
      assert_error_mentions (error, KS_ERROR_DATA, paths[i], "not valid gzip", NULL);
    }
}

/* IDX -------------------------------------------------------------------------------------- */

/* An IDX header: 00 00 type n_dims, then big-endian sizes. */
static GByteArray *
idx_header (guint8         type,
            guint          n_dims,
            const guint32 *sizes)
{
  GByteArray *bytes = g_byte_array_new ();
  const guint8 magic[] = { 0, 0, type, (guint8) n_dims };

  g_byte_array_append (bytes, magic, 4);
  for (guint d = 0; d < n_dims; d++)
    {
      guint32 be = GUINT32_TO_BE (sizes[d]);

      g_byte_array_append (bytes, (const guint8 *) &be, 4);
    }
  return bytes;
}

static char *
write_idx (const char    *basename,
           guint8         type,
           guint          n_dims,
           const guint32 *sizes,
           const void    *data,
           gsize          data_length)
{
  g_autoptr(GByteArray) bytes = idx_header (type, n_dims, sizes);

  g_byte_array_append (bytes, data, data_length);
  return write_temp (basename, bytes->data, bytes->len);
}

/* 3 images of 2 x 2 unsigned bytes and their labels come back as 3 x 4 doubles, also
 * when both files are gzip-compressed. */
static void
test_idx_ubyte (void)
{
  const guint32 image_sizes[] = { 3, 2, 2 };
  const guint32 label_sizes[] = { 3 };
  const guint8 pixels[] = { 0, 1, 2, 3, 255, 128, 7, 9, 10, 20, 30, 40 };
  const guint8 classes[] = { 7, 0, 3 };
  g_autofree char *images = write_idx ("t10k-images-idx3-ubyte", 0x08, 3, image_sizes,
                                       pixels, sizeof pixels);
  g_autofree char *labels = write_idx ("t10k-labels-idx1-ubyte", 0x08, 1, label_sizes,
                                       classes, sizeof classes);
  g_autofree char *images_gz = NULL;
  g_autofree char *labels_gz = NULL;
  double expected[G_N_ELEMENTS (pixels)];

  for (guint k = 0; k < G_N_ELEMENTS (pixels); k++)
    expected[k] = pixels[k];

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KsDataset) data = load_idx_paths (images, labels, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (ks_dataset_get_name (data), ==, "t10k-images-idx3-ubyte");
    g_assert_cmpuint (ks_dataset_get_n_features (data), ==, 4);
    assert_values (data, expected, G_N_ELEMENTS (expected));
    for (guint i = 0; i < 3; i++)
      g_assert_cmpint (ks_dataset_get_labels (data)[i], ==, classes[i]);
    g_assert_cmpuint (ks_dataset_get_n_classes (data), ==, 8);
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) raw_images = idx_header (0x08, 3, image_sizes);
    g_autoptr(GByteArray) raw_labels = idx_header (0x08, 1, label_sizes);
    g_autoptr(KsDataset) data = NULL;
    g_autoptr(KsDataset) opened = NULL;

    g_byte_array_append (raw_images, pixels, sizeof pixels);
    g_byte_array_append (raw_labels, classes, sizeof classes);
    images_gz = write_temp_gzip ("images-idx3-ubyte.gz", raw_images->data, raw_images->len);
    labels_gz = write_temp_gzip ("labels-idx1-ubyte.gz", raw_labels->data, raw_labels->len);
    data = load_idx_paths (images_gz, labels_gz, &error);
    g_assert_no_error (error);
    assert_values (data, expected, G_N_ELEMENTS (expected));
    g_assert_cmpint (ks_dataset_get_labels (data)[0], ==, 7);

    /* ks_dataset_open () picks IDX by the -ubyte.gz ending. */
    opened = ks_dataset_open (images_gz, KS_LABEL_COLUMN_LAST, labels_gz, 0, 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (same_inputs (opened, data));
  }
}

/* Each element type decodes big-endian, signs and fractions included. */
static void
test_idx_types (void)
{
  const double values[] = { -3, 1.25, 100, -0.5, 0, 7 };
  const guint32 sizes[] = { 2, 3 };
  const guint8 types[] = { 0x09, 0x0B, 0x0C, 0x0D, 0x0E };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GByteArray) data = g_byte_array_new ();
      g_autofree char *basename = g_strdup_printf ("type-%02x.idx", types[t]);
      g_autofree char *path = NULL;
      g_autoptr(KsDataset) dataset = NULL;
      gboolean integral = types[t] < 0x0D;

      for (guint k = 0; k < G_N_ELEMENTS (values); k++)
        {
          double v = integral ? trunc (values[k]) : values[k];
          gint8 i8 = (gint8) v;
          guint16 i16 = GUINT16_TO_BE ((guint16) (gint16) v);
          guint32 i32 = GUINT32_TO_BE ((guint32) (gint32) v);
          float f = (float) v;
          guint32 f32;
          guint64 f64;

          memcpy (&f32, &f, 4);
          f32 = GUINT32_TO_BE (f32);
          memcpy (&f64, &v, 8);
          f64 = GUINT64_TO_BE (f64);
          switch (types[t])
            {
            case 0x09: g_byte_array_append (data, (guint8 *) &i8, 1); break;
            case 0x0B: g_byte_array_append (data, (guint8 *) &i16, 2); break;
            case 0x0C: g_byte_array_append (data, (guint8 *) &i32, 4); break;
            case 0x0D: g_byte_array_append (data, (guint8 *) &f32, 4); break;
            default: g_byte_array_append (data, (guint8 *) &f64, 8); break;
            }
        }
      path = write_idx (basename, types[t], 2, sizes, data->data, data->len);
      dataset = load_idx_paths (path, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (ks_dataset_has_labels (dataset));
      g_assert_cmpuint (ks_dataset_get_n_points (dataset), ==, 2);
      g_assert_cmpuint (ks_dataset_get_n_features (dataset), ==, 3);
      for (guint k = 0; k < G_N_ELEMENTS (values); k++)
        g_assert_cmpfloat (ks_dataset_get_inputs (dataset)[k], ==,
                           integral ? trunc (values[k]) : values[k]);
    }
}

/* Malformed IDX files are refused naming the file and what is wrong, sizes before any
 * allocation. */
static void
test_idx_errors (void)
{
  const guint8 not_idx[] = { 0x01, 0x02, 0x08, 0x03, 0, 0, 0, 1 };
  const guint8 cut_header[] = { 0, 0, 0x08, 0x03, 0, 0 };
  const guint32 sizes[] = { 3, 2, 2 };
  const guint32 four[] = { 4 };
  const guint32 absurd_points[] = { 0x80000000u, 2 };
  const guint32 absurd_features[] = { 2, 65536, 65536 };
  const guint8 pixels[13] = { 0 };
  g_autofree char *magic = write_temp ("magic-ubyte", not_idx, sizeof not_idx);
  g_autofree char *header = write_temp ("header-ubyte", cut_header, sizeof cut_header);
  g_autofree char *truncated = write_idx ("short-ubyte", 0x08, 3, sizes, pixels, 7);
  g_autofree char *longer = write_idx ("long-ubyte", 0x08, 3, sizes, pixels, 13);
  g_autofree char *images = write_idx ("images-ubyte", 0x08, 3, sizes, pixels, 12);
  g_autofree char *labels = write_idx ("labels-ubyte", 0x08, 1, four, pixels, 4);
  g_autofree char *huge_p = write_idx ("huge-points-ubyte", 0x08, 2, absurd_points, NULL, 0);
  g_autofree char *huge_d = write_idx ("huge-features-ubyte", 0x08, 3, absurd_features, NULL, 0);
  g_autofree char *one_dim = write_idx ("one-dim-ubyte", 0x08, 1, four, pixels, 4);
  const guint32 three[] = { 3 };
  const guint8 signed_labels[] = { 1, 0xff, 2 };
  g_autofree char *negative = write_idx ("negative-labels.idx", 0x09, 1, three,
                                         signed_labels, sizeof signed_labels);
  const guint32 one_by_one[] = { 1, 1 };
  const guint8 nan_be[] = { 0x7f, 0xf8, 0, 0, 0, 0, 0, 0 };
  g_autofree char *nan = write_idx ("nan.idx", 0x0E, 2, one_by_one, nan_be, sizeof nan_be);
  const struct
  {
    const char *images;
    const char *labels;
    int code;
    const char *words[3];
  } cases[] = {
    { magic, NULL, KS_ERROR_DATA, { magic, "not an IDX file", "01 02" } },
    { header, NULL, KS_ERROR_DATA, { header, "cut short", "3 dimensions" } },
    { truncated, NULL, KS_ERROR_DATA, { truncated, "expected 12 bytes of data, found 7" } },
    { longer, NULL, KS_ERROR_DATA, { longer, "expected 12 bytes" } },
    { images, labels, KS_ERROR_DATA, { labels, "4 labels", "3 points" } },
    { huge_p, NULL, KS_ERROR_TOO_LARGE, { huge_p, "2147483648 points" } },
    { huge_d, NULL, KS_ERROR_TOO_LARGE, { huge_d, "features" } },
    { one_dim, NULL, KS_ERROR_DATA, { one_dim, "one dimension" } },
    { images, negative, KS_ERROR_DATA, { negative, "point 2", "-1" } },
    { nan, NULL, KS_ERROR_NON_FINITE, { nan, "point 1", "not a finite number" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsDataset) data = load_idx_paths (cases[i].images, cases[i].labels, &error);

      g_assert_null (data);
      for (guint w = 0; w < G_N_ELEMENTS (cases[i].words) && cases[i].words[w] != NULL; w++)
        assert_error_mentions (error, cases[i].code, cases[i].words[w], NULL);
    }
}

/* Generators ------------------------------------------------------------------------------- */

/* Every generator gives n x 2 points with the documented classes, each class present and
 * grouped in order; the same seed gives the same points bit for bit, another seed others. */
static void
test_generators_shapes (void)
{
  const struct
  {
    const char *name;
    guint n_classes;
  } cases[] = { { "ring", 4 }, { "spirals", 2 }, { "blobs", 3 }, { "xor", 2 } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsDataset) a = ks_dataset_generate (cases[i].name, 101, 7, &error);
      g_autoptr(KsDataset) b = ks_dataset_generate (cases[i].name, 101, 7, &error);
      g_autoptr(KsDataset) c = ks_dataset_generate (cases[i].name, 101, 8, &error);
      guint counts[4] = { 0 };

      g_assert_no_error (error);
      g_assert_cmpstr (ks_dataset_get_name (a), ==, cases[i].name);
      g_assert_cmpuint (ks_dataset_get_n_points (a), ==, 101);
      g_assert_cmpuint (ks_dataset_get_n_features (a), ==, 2);
      g_assert_cmpuint (ks_dataset_get_n_classes (a), ==, cases[i].n_classes);
      count_classes (a, counts);
      for (guint k = 0; k < cases[i].n_classes; k++)
        g_assert_cmpuint (counts[k], >=, 101 / cases[i].n_classes);
      g_assert_true (labels_sorted (a));
      g_assert_true (same_inputs (a, b));
      g_assert_false (same_inputs (a, c));
      g_assert_cmpmem (ks_dataset_get_labels (a), 101 * sizeof (int),
                       ks_dataset_get_labels (b), 101 * sizeof (int));
    }
}

/* The defining law of each generator: xor's class is sign(x) xor sign(y) for every point;
 * ring points lie within 8 noise deviations (0.05 each) of the unit circle; a blob's mean
 * lies within 4 standard errors (0.5 / sqrt(n_k) per coordinate) of its centre on the
 * circle of radius 2 (a fixed seed, so this holds or fails deterministically). */
static void
test_generators_laws (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) xor = ks_dataset_generate ("xor", 400, 3, &error);
  g_autoptr(KsDataset) ring = ks_dataset_generate ("ring", 400, 3, &error);
  g_autoptr(KsDataset) blobs = ks_dataset_generate ("blobs", 900, 3, &error);
  const double *x;
  double sums[3][2] = { { 0 } };
  guint counts[3] = { 0 };

  g_assert_no_error (error);
  x = ks_dataset_get_inputs (xor);
  for (guint i = 0; i < 400; i++)
    g_assert_cmpint (ks_dataset_get_labels (xor)[i], ==, (x[2 * i] < 0) != (x[2 * i + 1] < 0));

  x = ks_dataset_get_inputs (ring);
  for (guint i = 0; i < 400; i++)
    g_assert_cmpfloat (fabs (hypot (x[2 * i], x[2 * i + 1]) - 1.0), <, 8 * 0.05);

  x = ks_dataset_get_inputs (blobs);
  for (guint i = 0; i < 900; i++)
    {
      int k = ks_dataset_get_labels (blobs)[i];

      sums[k][0] += x[2 * i];
      sums[k][1] += x[2 * i + 1];
      counts[k]++;
    }
  for (guint k = 0; k < 3; k++)
    {
      double angle = G_PI / 2 + 2 * G_PI * k / 3;
      double tolerance = 4 * 0.5 / sqrt (counts[k]);

      g_assert_cmpfloat (fabs (sums[k][0] / counts[k] - 2 * cos (angle)), <, tolerance);
      g_assert_cmpfloat (fabs (sums[k][1] / counts[k] - 2 * sin (angle)), <, tolerance);
    }
}

static void
test_generators_errors (void)
{
  const guint bad_sizes[] = { 0, 3, KS_DATASET_MAX_POINTS + 1 };

  for (guint i = 0; i < G_N_ELEMENTS (bad_sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsDataset) data = ks_dataset_generate ("spirals", bad_sizes[i], 1, &error);
      g_autofree char *size = g_strdup_printf ("not %u", bad_sizes[i]);

      g_assert_null (data);
      assert_error_mentions (error, KS_ERROR_INVALID, "spirals", size, NULL);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KsDataset) data = ks_dataset_generate ("moons", 100, 1, &error);

    g_assert_null (data);
    assert_error_mentions (error, KS_ERROR_INVALID, "moons", NULL);
  }
}

/* Subsampling ------------------------------------------------------------------------------ */

/* 200 of the 1797 digits: each class keeps its share 200 * n_k / 1797 (19.4 to 20.4), so
 * 18..22 after rounding; sorted by class; every row is a real digit of that class; the same
 * seed gives the same subset and another seed a different one. */
static void
test_subsample_digits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) digits = ks_dataset_load_bundled ("digits", &error);
  g_autoptr(KsDataset) a = ks_dataset_subsample (digits, 200, 11, &error);
  g_autoptr(KsDataset) b = ks_dataset_subsample (digits, 200, 11, &error);
  g_autoptr(KsDataset) c = ks_dataset_subsample (digits, 200, 12, &error);
  guint counts[10] = { 0 };

  g_assert_no_error (error);
  g_assert_cmpuint (ks_dataset_get_n_points (a), ==, 200);
  g_assert_cmpuint (ks_dataset_get_n_features (a), ==, 64);
  count_classes (a, counts);
  for (guint k = 0; k < 10; k++)
    {
      g_assert_cmpuint (counts[k], >=, 18);
      g_assert_cmpuint (counts[k], <=, 22);
    }
  g_assert_true (labels_sorted (a));
  g_assert_true (same_inputs (a, b));
  g_assert_false (same_inputs (a, c));

  for (guint i = 0; i < 200; i++)
    {
      const double *row = ks_dataset_get_inputs (a) + 64 * i;
      gboolean found = FALSE;

      for (guint r = 0; r < 1797 && !found; r++)
        found = ks_dataset_get_labels (digits)[r] == ks_dataset_get_labels (a)[i]
                && memcmp (ks_dataset_get_inputs (digits) + 64 * r, row, 64 * sizeof (double)) == 0;
      g_assert_true (found);
    }
}

/* A small set whose first feature is the row number, so order can be checked.
 * labels: class 0 three times, class 1 twice, class 2 five times, interleaved. */
static KsDataset *
numbered_set (void)
{
  const int labels[] = { 2, 0, 1, 0, 2, 2, 1, 0, 2, 2 };
  double inputs[20];
  double targets[10];
  KsDataset *data;
  const char * const names[] = { "zero", "one", "two", NULL };

  for (guint i = 0; i < 10; i++)
    {
      inputs[2 * i] = i;
      inputs[2 * i + 1] = 10.0 * i;
      targets[i] = -1.0 * i;
    }
  data = ks_dataset_new ("numbered", 10, 2, inputs, labels, 1, targets);
  ks_dataset_set_class_names (data, names);
  return data;
}

/* Largest remainders: 5 of (3, 2, 5) points are exactly (1.5, 1, 2.5); the two halves go
 * to the lower class, giving (2, 1, 2). Rows come sorted by class, in original order
 * within a class, with their targets and the class names. */
static void
test_subsample_shares (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) data = numbered_set ();
  g_autoptr(KsDataset) half = ks_dataset_subsample (data, 5, 4, &error);
  const guint expected[] = { 2, 1, 2 };
  guint counts[3] = { 0 };
  const double *x;

  g_assert_no_error (error);
  count_classes (half, counts);
  for (guint k = 0; k < 3; k++)
    g_assert_cmpuint (counts[k], ==, expected[k]);
  g_assert_true (labels_sorted (half));
  x = ks_dataset_get_inputs (half);
  for (guint i = 0; i < 5; i++)
    {
      guint row = (guint) x[2 * i];

      g_assert_cmpint (ks_dataset_get_labels (half)[i], ==, ks_dataset_get_labels (data)[row]);
      g_assert_cmpfloat (x[2 * i + 1], ==, 10.0 * row);
      g_assert_cmpfloat (ks_dataset_get_targets (half)[i], ==, -1.0 * row);
      if (i > 0 && ks_dataset_get_labels (half)[i] == ks_dataset_get_labels (half)[i - 1])
        g_assert_cmpfloat (x[2 * i], >, x[2 * (i - 1)]);
    }
  g_assert_cmpuint (ks_dataset_get_n_targets (half), ==, 1);
  g_assert_cmpstr (ks_dataset_get_class_name (half, 2), ==, "two");
}

/* Classes of 1, 1 and 98 points, 3 drawn: proportional shares would be (0, 0, 3), but
 * every class present keeps one point. With 2 drawn (fewer than the classes) the
 * proportional shares stand: both go to the large class. */
static void
test_subsample_minimum_one (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) data = NULL;
  g_autoptr(KsDataset) three = NULL;
  g_autoptr(KsDataset) two = NULL;
  double inputs[100];
  int labels[100];

  for (guint i = 0; i < 100; i++)
    {
      inputs[i] = i;
      labels[i] = i == 40 ? 0 : i == 70 ? 1 : 2;
    }
  data = ks_dataset_new ("skewed", 100, 1, inputs, labels, 0, NULL);
  three = ks_dataset_subsample (data, 3, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ks_dataset_get_labels (three)[0], ==, 0);
  g_assert_cmpint (ks_dataset_get_labels (three)[1], ==, 1);
  g_assert_cmpint (ks_dataset_get_labels (three)[2], ==, 2);
  g_assert_cmpfloat (ks_dataset_get_inputs (three)[0], ==, 40);

  two = ks_dataset_subsample (data, 2, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ks_dataset_get_labels (two)[0], ==, 2);
  g_assert_cmpint (ks_dataset_get_labels (two)[1], ==, 2);
}

/* 0 points, or as many as the set has, keep every point, sorted by class with ties in
 * original order (a stable sort). */
static void
test_subsample_everything (void)
{
  const guint sizes[] = { 0, 10, 50 };
  g_autoptr(KsDataset) data = numbered_set ();
  const double expected_rows[] = { 1, 3, 7, 2, 6, 0, 4, 5, 8, 9 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsDataset) all = ks_dataset_subsample (data, sizes[s], 1, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (ks_dataset_get_n_points (all), ==, 10);
      for (guint i = 0; i < 10; i++)
        g_assert_cmpfloat (ks_dataset_get_inputs (all)[2 * i], ==, expected_rows[i]);
    }
}

/* Without labels: a subset in original order, and uniform: over 2000 seeds each of 10
 * rows is kept with frequency 3/10, within 4 binomial standard errors
 * (sqrt(0.3 * 0.7 / 2000) = 0.010). */
static void
test_subsample_unlabelled (void)
{
  double inputs[10];
  g_autoptr(KsDataset) data = NULL;
  guint hits[10] = { 0 };
  const guint n_seeds = 2000;
  double tolerance = 4 * sqrt (0.3 * 0.7 / n_seeds);

  for (guint i = 0; i < 10; i++)
    inputs[i] = i;
  data = ks_dataset_new ("unlabelled", 10, 1, inputs, NULL, 0, NULL);
  for (guint seed = 0; seed < n_seeds; seed++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsDataset) subset = ks_dataset_subsample (data, 3, seed, &error);
      const double *x;

      g_assert_no_error (error);
      g_assert_false (ks_dataset_has_labels (subset));
      g_assert_cmpuint (ks_dataset_get_n_points (subset), ==, 3);
      x = ks_dataset_get_inputs (subset);
      g_assert_true (x[0] < x[1] && x[1] < x[2]);
      for (guint i = 0; i < 3; i++)
        hits[(guint) x[i]]++;
    }
  for (guint i = 0; i < 10; i++)
    g_assert_cmpfloat (fabs ((double) hits[i] / n_seeds - 0.3), <, tolerance);
}

/* Standardising and matrices --------------------------------------------------------------- */

/* Each feature gets mean 0 and population variance 1 (to 1e-12, far above the rounding of
 * sums over 150 values); constant features, including a repeated 0.1 whose rounded mean is
 * not exactly 0.1, become exactly 0; a feature of tiny values is scaled like any other. */
static void
test_standardize (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) iris = ks_dataset_load_bundled ("iris", &error);
  guint p = ks_dataset_get_n_points (iris);
  g_autofree double *inputs = g_new (double, (gsize) p * 7);
  g_autoptr(KsDataset) wide = NULL;
  g_autoptr(KsDataset) standard = NULL;
  const double *z;

  g_assert_no_error (error);
  for (guint i = 0; i < p; i++)
    {
      memcpy (inputs + 7 * i, ks_dataset_get_inputs (iris) + 4 * i, 4 * sizeof (double));
      inputs[7 * i + 4] = 0.1;
      inputs[7 * i + 5] = 1e-200 * (i % 3);
      inputs[7 * i + 6] = -42.0;
    }
  wide = ks_dataset_new ("wide", p, 7, inputs, ks_dataset_get_labels (iris), 0, NULL);
  standard = ks_dataset_standardize (wide);
  z = ks_dataset_get_inputs (standard);

  for (guint j = 0; j < 7; j++)
    {
      double mean = 0.0;
      double variance = 0.0;

      for (guint i = 0; i < p; i++)
        mean += z[7 * i + j];
      mean /= p;
      for (guint i = 0; i < p; i++)
        variance += (z[7 * i + j] - mean) * (z[7 * i + j] - mean);
      variance /= p;
      if (j == 4 || j == 6)
        {
          for (guint i = 0; i < p; i++)
            g_assert_cmpfloat (z[7 * i + j], ==, 0.0);
          continue;
        }
      g_assert_cmpfloat (fabs (mean), <, 1e-12);
      g_assert_cmpfloat (fabs (variance - 1.0), <, 1e-12);
    }
  g_assert_cmpmem (ks_dataset_get_labels (standard), p * sizeof (int),
                   ks_dataset_get_labels (iris), p * sizeof (int));
}

/* K0 = X X^T / D, against the sums written out, to 1e-12 relative to the largest entry. */
static void
test_input_kernel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) iris = ks_dataset_load_bundled ("iris", &error);
  g_autoptr(gsl_matrix) x = ks_dataset_input_matrix (iris);
  g_autoptr(gsl_matrix) k0 = ks_dataset_input_kernel (iris);
  const double *inputs = ks_dataset_get_inputs (iris);
  double largest = gsl_matrix_max (k0);

  g_assert_no_error (error);
  g_assert_cmpuint (x->size1, ==, 150);
  g_assert_cmpuint (x->size2, ==, 4);
  g_assert_cmpfloat (gsl_matrix_get (x, 149, 3), ==, inputs[149 * 4 + 3]);
  g_assert_cmpuint (k0->size1, ==, 150);
  g_assert_cmpuint (k0->size2, ==, 150);
  for (guint i = 0; i < 150; i++)
    for (guint j = 0; j < 150; j++)
      {
        double dot = 0.0;

        for (guint d = 0; d < 4; d++)
          dot += inputs[4 * i + d] * inputs[4 * j + d];
        g_assert_cmpfloat (fabs (gsl_matrix_get (k0, i, j) - dot / 4), <, 1e-12 * largest);
      }
}

/* Y is one-hot in the label's column without targets, the targets once set, and absent
 * with neither. */
static void
test_output_matrix (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) blobs = ks_dataset_generate ("blobs", 30, 1, &error);
  g_autoptr(gsl_matrix) one_hot = ks_dataset_output_matrix (blobs);
  g_autoptr(gsl_matrix) y = NULL;
  g_autoptr(KsDataset) bare = NULL;
  double targets[60];

  g_assert_no_error (error);
  g_assert_cmpuint (one_hot->size1, ==, 30);
  g_assert_cmpuint (one_hot->size2, ==, 3);
  for (guint i = 0; i < 30; i++)
    for (guint k = 0; k < 3; k++)
      g_assert_cmpfloat (gsl_matrix_get (one_hot, i, k), ==,
                         (int) k == ks_dataset_get_labels (blobs)[i] ? 1.0 : 0.0);

  for (guint k = 0; k < 60; k++)
    targets[k] = 0.5 * k - 3;
  g_assert_true (ks_dataset_set_targets (blobs, 2, targets, &error));
  g_assert_no_error (error);
  y = ks_dataset_output_matrix (blobs);
  g_assert_cmpuint (y->size2, ==, 2);
  g_assert_cmpfloat (gsl_matrix_get (y, 29, 1), ==, targets[59]);

  targets[17] = NAN;
  g_assert_false (ks_dataset_set_targets (blobs, 2, targets, &error));
  assert_error_mentions (error, KS_ERROR_NON_FINITE, "point 9", NULL);
  g_assert_cmpfloat (ks_dataset_get_targets (blobs)[17], ==, 0.5 * 17 - 3);

  bare = ks_dataset_new ("bare", 30, 2, targets, NULL, 0, NULL);
  g_assert_null (ks_dataset_output_matrix (bare));
}

/* ks_dataset_new copies its arrays: changing them afterwards changes nothing. */
static void
test_new_copies (void)
{
  double inputs[] = { 1, 2, 3, 4 };
  int labels[] = { 0, 5 };
  g_autoptr(KsDataset) data = ks_dataset_new ("copy", 2, 2, inputs, labels, 0, NULL);
  KsDataset *again = ks_dataset_ref (data);

  inputs[0] = 99;
  labels[1] = 1;
  g_assert_cmpfloat (ks_dataset_get_inputs (data)[0], ==, 1);
  g_assert_cmpint (ks_dataset_get_labels (data)[1], ==, 5);
  g_assert_cmpuint (ks_dataset_get_n_classes (data), ==, 6);
  ks_dataset_unref (again);
  g_assert_cmpstr (ks_dataset_get_name (data), ==, "copy");
}

/* ks_dataset_open: names of bundled sets and generators first, else a file (CSV unless
 * the name says IDX); a labels file given with CSV is refused. */
static void
test_open (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) iris = ks_dataset_open ("iris", KS_LABEL_COLUMN_LAST, NULL, 0, 0, NULL, &error);
  g_autoptr(KsDataset) xor = ks_dataset_open ("xor", KS_LABEL_COLUMN_LAST, NULL, 40, 9, NULL, &error);
  g_autofree char *path = write_temp ("open.csv", "1 2 1\n3 4 0\n", -1);
  g_autoptr(KsDataset) csv = ks_dataset_open (path, KS_LABEL_COLUMN_LAST, NULL, 0, 0, NULL, &error);
  g_autoptr(KsDataset) refused = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ks_dataset_get_n_points (iris), ==, 150);
  g_assert_cmpuint (ks_dataset_get_n_points (xor), ==, 40);
  g_assert_cmpuint (ks_dataset_get_n_points (csv), ==, 2);
  g_assert_cmpstr (ks_dataset_get_name (csv), ==, "open.csv");

  refused = ks_dataset_open (path, KS_LABEL_COLUMN_LAST, "labels-idx1-ubyte", 0, 0, NULL, &error);
  g_assert_null (refused);
  assert_error_mentions (error, KS_ERROR_INVALID, path, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("test-dataset-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/dataset/bundled/digits", test_bundled_digits);
  g_test_add_func ("/dataset/bundled/iris", test_bundled_iris);
  g_test_add_func ("/dataset/bundled/unknown", test_bundled_unknown);
  g_test_add_func ("/dataset/csv/header", test_csv_header);
  g_test_add_func ("/dataset/csv/no-header", test_csv_no_header);
  g_test_add_func ("/dataset/csv/whitespace", test_csv_whitespace);
  g_test_add_func ("/dataset/csv/crlf", test_csv_crlf);
  g_test_add_func ("/dataset/csv/gzip", test_csv_gzip);
  g_test_add_func ("/dataset/csv/locale", test_csv_locale);
  g_test_add_func ("/dataset/csv/errors", test_csv_errors);
  g_test_add_func ("/dataset/csv/missing-file", test_csv_missing_file);
  g_test_add_func ("/dataset/csv/too-large", test_csv_too_large);
  g_test_add_func ("/dataset/csv/bad-gzip", test_csv_bad_gzip);
  g_test_add_func ("/dataset/idx/ubyte", test_idx_ubyte);
  g_test_add_func ("/dataset/idx/types", test_idx_types);
  g_test_add_func ("/dataset/idx/errors", test_idx_errors);
  g_test_add_func ("/dataset/generators/shapes", test_generators_shapes);
  g_test_add_func ("/dataset/generators/laws", test_generators_laws);
  g_test_add_func ("/dataset/generators/errors", test_generators_errors);
  g_test_add_func ("/dataset/subsample/digits", test_subsample_digits);
  g_test_add_func ("/dataset/subsample/shares", test_subsample_shares);
  g_test_add_func ("/dataset/subsample/minimum-one", test_subsample_minimum_one);
  g_test_add_func ("/dataset/subsample/everything", test_subsample_everything);
  g_test_add_func ("/dataset/subsample/unlabelled", test_subsample_unlabelled);
  g_test_add_func ("/dataset/standardize", test_standardize);
  g_test_add_func ("/dataset/input-kernel", test_input_kernel);
  g_test_add_func ("/dataset/output-matrix", test_output_matrix);
  g_test_add_func ("/dataset/new-copies", test_new_copies);
  g_test_add_func ("/dataset/open", test_open);

  status = g_test_run ();

  /* The temporary files, then their folder. */
  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *entry;

    while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_dir, entry, NULL);

        g_unlink (path);
      }
    g_rmdir (tmp_dir);
  }
  g_free (tmp_dir);
  return status;
}
