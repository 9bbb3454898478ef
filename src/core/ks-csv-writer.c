/* ks-csv-writer.c: matrices to CSV text and back, files replaced atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Numbers go through g_ascii_formatd and g_ascii_strtod, so a file written under one
 * locale reads back identically under any other.
 */
#include "ks-csv-writer.h"

#include <math.h>
#include <string.h>

#include "ks-atomic-file.h"
#include "ks-csv-cells.h"
#include "ks-dataset-private.h"
#include "ks-error.h"

/* 17 significant digits identify every double exactly. */
#define VALUE_FORMAT "%.17g"

char *
ks_csv_format_matrix (const gsl_matrix *m)
{
  GString *text;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (m != NULL, NULL);

  text = g_string_sized_new (m->size1 * m->size2 * 24 + 1);
  for (gsize i = 0; i < m->size1; i++)
    {
      for (gsize j = 0; j < m->size2; j++)
        {
          if (j > 0)
            g_string_append_c (text, ',');
          g_string_append (text, g_ascii_formatd (buffer, sizeof buffer, VALUE_FORMAT,
                                                  gsl_matrix_get (m, i, j)));
        }
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/* Bytes written between two cancellation checks. */
#define WRITE_CHUNK (1 << 20)

gboolean
ks_file_replace_contents (GFile        *file,
                          const char   *contents,
                          gsize         length,
                          GCancellable *cancellable,
                          GError      **error)
{
  g_autofree char *path = NULL;
  g_autoptr(KsAtomicFile) out = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Cannot write %s: only local files can be written", name);
      return FALSE;
    }
  /* A temporary in the same folder, renamed over the file only once complete: a full disk
   * or a cancel leaves the old file (or none), never a partial one. */
  out = ks_atomic_file_open (path, error);
  if (out == NULL)
    return FALSE;
  for (gsize done = 0; done < length; done += WRITE_CHUNK)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!ks_atomic_file_write (out, contents + done, MIN (WRITE_CHUNK, length - done)))
        {
          g_propagate_error (error, g_error_copy (ks_atomic_file_get_error (out)));
          return FALSE;
        }
    }
  return ks_atomic_file_commit (out, error);
}

gboolean
ks_csv_write_matrix (GFile            *file,
                     const gsl_matrix *m,
                     GCancellable     *cancellable,
                     GError          **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (m != NULL, FALSE);

  text = ks_csv_format_matrix (m);
  return ks_file_replace_contents (file, text, strlen (text), cancellable, error);
}

typedef struct
{
  const char *display_name;
  guint line_number;        /* 1-based, of the line being read */
  guint first_blank_line;   /* 0 while no blank line has been seen */
  guint n_columns;          /* of every row; 0 before the first */
  guint n_rows;
  GArray *values;           /* double, row-major */
} MatrixReader;

static void
matrix_reader_clear (MatrixReader *reader)
{
  g_clear_pointer (&reader->values, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MatrixReader, matrix_reader_clear)

static gboolean
read_value (MatrixReader *reader,
            const char   *cell,
            guint         column,
            GError      **error)
{
  g_autofree char *text = NULL;
  double value;
  gboolean whole = ks_csv_parse_number (cell, &value);

  if (whole && isfinite (value))
    {
      g_array_append_val (reader->values, value);
      return TRUE;
    }

  text = ks_csv_excerpt (cell);
  if (whole)
    g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
                 "%s, line %u, column %u: “%s” is not a finite number",
                 reader->display_name, reader->line_number, column, text);
  else if (*cell == '\0')
    g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                 "%s, line %u, column %u: the value is missing",
                 reader->display_name, reader->line_number, column);
  else
    g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                 "%s, line %u, column %u: “%s” is not a number",
                 reader->display_name, reader->line_number, column, text);
  return FALSE;
}

static gboolean
read_row (MatrixReader *reader,
          char         *line,
          GError      **error)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();

  /* At commas when the line has any, else at white space. */
  ks_csv_split_cells (line, strchr (line, ',') != NULL, cells);

  if (reader->n_columns == 0)
    reader->n_columns = cells->len;
  if (cells->len != reader->n_columns)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s: line %u has %u values, expected %u like the lines above",
                   reader->display_name, reader->line_number, cells->len,
                   reader->n_columns);
      return FALSE;
    }
  if (reader->n_rows == KS_DATASET_MAX_POINTS)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "%s, line %u: more than %u rows, which this program does not handle",
                   reader->display_name, reader->line_number, KS_DATASET_MAX_POINTS);
      return FALSE;
    }

  for (guint j = 0; j < cells->len; j++)
    if (!read_value (reader, g_ptr_array_index (cells, j), j + 1, error))
      return FALSE;
  reader->n_rows++;
  return TRUE;
}

static gboolean
read_line (char      *line,
           gsize      length,
           gpointer   user_data,
           GError   **error)
{
  MatrixReader *reader = user_data;

  if (!ks_csv_line_check (line, length, reader->display_name, reader->line_number, error))
    return FALSE;
  if (ks_csv_is_blank (line))
    {
      if (reader->first_blank_line == 0)
        reader->first_blank_line = reader->line_number;
      return TRUE;
    }
  /* Blank lines may trail the matrix, but a gap inside it is probably a damaged file. */
  if (reader->first_blank_line != 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s: line %u is blank but numbers follow on line %u",
                   reader->display_name, reader->first_blank_line, reader->line_number);
      return FALSE;
    }
  return read_row (reader, line, error);
}

static gsl_matrix *
finish (MatrixReader *reader,
        GError      **error)
{
  gsl_matrix *m;

  if (reader->n_rows == 0)
    {
      if (reader->line_number == 0)
        g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                     "%s is empty", reader->display_name);
      else
        g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                     "%s has no numbers on any of its %u lines",
                     reader->display_name, reader->line_number);
      return NULL;
    }
  m = gsl_matrix_alloc (reader->n_rows, reader->n_columns);
  memcpy (m->data, reader->values->data, reader->values->len * sizeof (double));
  return m;
}

gsl_matrix *
ks_csv_read_matrix (GFile        *file,
                    GCancellable *cancellable,
                    GError      **error)
{
  g_autofree char *display_name = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_auto(MatrixReader) reader = { 0 };

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  display_name = ks_dataset_display_name (file);
  stream = ks_dataset_open_file_stream (file, cancellable, error);
  if (stream == NULL)
    return NULL;
  reader.display_name = display_name;
  reader.values = g_array_new (FALSE, FALSE, sizeof (double));

  if (!ks_csv_read_lines (stream, display_name, &reader.line_number, read_line, &reader,
                          cancellable, error))
    return NULL;
  return finish (&reader, error);
}
