/* ks-dataset-csv.c: points from comma or white-space separated text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per line, the same number of values on every line, an optional header line
 * (recognised by a cell that is not a number), one optional column of class labels.
 * Numbers are read with g_ascii_strtod, so the locale never changes what a file means.
 */
#include "ks-dataset-private.h"

#include <math.h>
#include <string.h>

#include "ks-csv-cells.h"
#include "ks-error.h"

typedef struct
{
  const char *display_name;
  int label_column;       /* as asked: an index, KS_LABEL_COLUMN_LAST or _NONE */
  guint line_number;      /* 1-based, of the line being read */
  guint first_blank_line; /* 0 while no blank line has been seen */
  gboolean separator_known;
  gboolean comma_separated;
  guint n_columns;        /* of every data line; 0 before the first */
  int label_index;        /* resolved column of the labels, or -1 */
  guint n_rows;
  GArray *inputs;         /* double, row-major */
  GArray *labels;         /* int, or NULL */
  GPtrArray *cells;       /* of the current line, pointing into it */
  GStrv header;
} CsvReader;

static void
csv_reader_clear (CsvReader *reader)
{
  g_clear_pointer (&reader->inputs, g_array_unref);
  g_clear_pointer (&reader->labels, g_array_unref);
  g_clear_pointer (&reader->cells, g_ptr_array_unref);
  g_clear_pointer (&reader->header, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsvReader, csv_reader_clear)

static gboolean
line_is_header (CsvReader *reader)
{
  double value;

  for (guint j = 0; j < reader->cells->len; j++)
    if (!ks_csv_parse_number (g_ptr_array_index (reader->cells, j), &value))
      return TRUE;
  return FALSE;
}

/* Fixes the shape from the first data line: its width and where the labels are. */
static gboolean
set_columns (CsvReader *reader,
             GError   **error)
{
  guint n_columns = reader->cells->len;
  guint n_features;

  if (reader->label_column == KS_LABEL_COLUMN_NONE)
    reader->label_index = -1;
  else if (reader->label_column == KS_LABEL_COLUMN_LAST)
    reader->label_index = (int) n_columns - 1;
  else if (reader->label_column >= 0 && (guint) reader->label_column < n_columns)
    reader->label_index = reader->label_column;
  else
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s, line %u: the label column %d (counted from 0) is beyond the "
                   "%u values on the line",
                   reader->display_name, reader->line_number, reader->label_column,
                   n_columns);
      return FALSE;
    }

  n_features = n_columns - (reader->label_index >= 0 ? 1 : 0);
  if (n_features == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s, line %u: only the label column, no features",
                   reader->display_name, reader->line_number);
      return FALSE;
    }
  if (n_features > KS_DATASET_MAX_FEATURES)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "%s, line %u: %u features are more than the %u this program handles",
                   reader->display_name, reader->line_number, n_features,
                   KS_DATASET_MAX_FEATURES);
      return FALSE;
    }
  reader->n_columns = n_columns;
  if (reader->label_index >= 0)
    reader->labels = g_array_new (FALSE, FALSE, sizeof (int));
  return TRUE;
}

static gboolean
read_label (CsvReader  *reader,
            const char *cell,
            guint       column,
            GError    **error)
{
  double value;
  int label;

  if (!ks_csv_parse_number (cell, &value) || !(value >= 0.0) || value != floor (value)
      || value >= KS_DATASET_MAX_CLASSES)
    {
      g_autofree char *text = ks_csv_excerpt (cell);

      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s, line %u, column %u: the label “%s” is not a class number "
                   "(an integer from 0 to %d)",
                   reader->display_name, reader->line_number, column, text,
                   KS_DATASET_MAX_CLASSES - 1);
      return FALSE;
    }
  label = (int) value;
  g_array_append_val (reader->labels, label);
  return TRUE;
}

static gboolean
read_feature (CsvReader  *reader,
              const char *cell,
              guint       column,
              GError    **error)
{
  g_autofree char *text = NULL;
  double value;

  if (ks_csv_parse_number (cell, &value) && isfinite (value))
    {
      g_array_append_val (reader->inputs, value);
      return TRUE;
    }

  text = ks_csv_excerpt (cell);
  if (ks_csv_parse_number (cell, &value))
    g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
                 "%s, line %u, column %u: “%s” is not a finite number",
                 reader->display_name, reader->line_number, column, text);
  else
    g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                 "%s, line %u, column %u: “%s” is not a number",
                 reader->display_name, reader->line_number, column, text);
  return FALSE;
}

static gboolean
read_data_line (CsvReader *reader,
                GError   **error)
{
  if (reader->n_columns == 0 && !set_columns (reader, error))
    return FALSE;

  if (reader->cells->len != reader->n_columns)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s: line %u has %u values, expected %u like the lines above",
                   reader->display_name, reader->line_number, reader->cells->len,
                   reader->n_columns);
      return FALSE;
    }
  if (reader->n_rows == KS_DATASET_MAX_POINTS)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "%s, line %u: more than %u points, which this program does not handle",
                   reader->display_name, reader->line_number, KS_DATASET_MAX_POINTS);
      return FALSE;
    }

  for (guint j = 0; j < reader->n_columns; j++)
    {
      const char *cell = g_ptr_array_index (reader->cells, j);
      gboolean ok = (int) j == reader->label_index
                      ? read_label (reader, cell, j + 1, error)
                      : read_feature (reader, cell, j + 1, error);

      if (!ok)
        return FALSE;
    }
  reader->n_rows++;
  return TRUE;
}

static GStrv
cells_to_strv (GPtrArray *cells)
{
  GStrv strv = g_new0 (char *, cells->len + 1);

  for (guint j = 0; j < cells->len; j++)
    strv[j] = g_strdup (g_ptr_array_index (cells, j));
  return strv;
}

static gboolean
read_line (char      *line,
           gsize      length,
           gpointer   user_data,
           GError   **error)
{
  CsvReader *reader = user_data;
  gboolean may_be_header = !reader->separator_known && reader->header == NULL;

  if (!ks_csv_line_check (line, length, reader->display_name, reader->line_number, error))
    return FALSE;
  if (ks_csv_is_blank (line))
    {
      if (reader->first_blank_line == 0)
        reader->first_blank_line = reader->line_number;
      return TRUE;
    }
  if (reader->first_blank_line != 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s: line %u is blank but data follows on line %u",
                   reader->display_name, reader->first_blank_line, reader->line_number);
      return FALSE;
    }

  /* The separator is decided by the first data line: a header may be a single word. */
  if (!reader->separator_known)
    reader->comma_separated = strchr (line, ',') != NULL;
  ks_csv_split_cells (line, reader->comma_separated, reader->cells);
  if (may_be_header && line_is_header (reader))
    {
      reader->header = cells_to_strv (reader->cells);
      return TRUE;
    }
  reader->separator_known = TRUE;
  return read_data_line (reader, error);
}

static KsDataset *
finish (CsvReader  *reader,
        const char *name,
        GError    **error)
{
  guint n_features;

  if (reader->n_rows == 0)
    {
      if (reader->header != NULL)
        g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                     "%s has a header line but no data after it (the file ends at line %u)",
                     reader->display_name, reader->line_number);
      else if (reader->line_number == 0)
        g_set_error (error, KS_ERROR, KS_ERROR_DATA, "%s is empty", reader->display_name);
      else
        g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                     "%s is empty: its %u lines are all blank",
                     reader->display_name, reader->line_number);
      return NULL;
    }

  n_features = reader->n_columns - (reader->label_index >= 0 ? 1 : 0);
  return ks_dataset_new_take (name, reader->n_rows, n_features,
                              (double *) (void *) g_array_free (g_steal_pointer (&reader->inputs), FALSE),
                              reader->labels != NULL
                                ? (int *) (void *) g_array_free (g_steal_pointer (&reader->labels), FALSE)
                                : NULL,
                              0, NULL);
}

KsDataset *
ks_dataset_read_csv_stream (GInputStream *stream,
                            const char   *display_name,
                            const char   *name,
                            int           label_column,
                            GStrv        *header,
                            GCancellable *cancellable,
                            GError      **error)
{
  g_auto(CsvReader) reader = {
    .display_name = display_name,
    .label_column = label_column,
  };
  KsDataset *dataset;

  if (label_column < KS_LABEL_COLUMN_NONE)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "%d is not a label column: give a column counted from 0", label_column);
      return NULL;
    }

  reader.inputs = g_array_new (FALSE, FALSE, sizeof (double));
  reader.cells = g_ptr_array_new ();

  if (!ks_csv_read_lines (stream, display_name, &reader.line_number, read_line, &reader,
                          cancellable, error))
    return NULL;

  dataset = finish (&reader, name, error);
  if (dataset != NULL && header != NULL)
    *header = g_steal_pointer (&reader.header);
  return dataset;
}

KsDataset *
ks_dataset_load_csv (GFile        *file,
                     int           label_column,
                     GCancellable *cancellable,
                     GError      **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GInputStream) stream = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  display_name = ks_dataset_display_name (file);
  name = g_file_get_basename (file);
  stream = ks_dataset_open_file_stream (file, cancellable, error);
  if (stream == NULL)
    return NULL;
  return ks_dataset_read_csv_stream (stream, display_name, name, label_column, NULL,
                                     cancellable, error);
}
