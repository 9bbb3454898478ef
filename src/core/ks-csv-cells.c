/* ks-csv-cells.c: the cells of a line of comma or white-space separated text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Numbers are read with g_ascii_strtod, so the locale never changes what a file means.
 */
#include "ks-csv-cells.h"

#include <string.h>

#include "ks-dataset-private.h"
#include "ks-error.h"

gboolean
ks_csv_read_lines (GInputStream  *stream,
                   const char    *display_name,
                   guint         *line_number,
                   KsCsvLineFunc  line_func,
                   gpointer       user_data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (stream);

  g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
  for (;;)
    {
      g_autoptr(GError) read_error = NULL;
      g_autofree char *line = NULL;
      gsize length = 0;

      line = g_data_input_stream_read_line (lines, &length, cancellable, &read_error);
      if (read_error != NULL)
        {
          ks_dataset_propagate_read_error (error, g_steal_pointer (&read_error), stream,
                                           display_name);
          return FALSE;
        }
      if (line == NULL)
        return TRUE;
      (*line_number)++;
      if (!line_func (line, length, user_data, error))
        return FALSE;
    }
}

gboolean
ks_csv_line_check (char        *line,
                   gsize        length,
                   const char  *display_name,
                   guint        line_number,
                   GError     **error)
{
  if (length > 0 && line[length - 1] == '\r')
    line[--length] = '\0';
  if (strlen (line) != length)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s, line %u: a NUL byte, so this is not a text file",
                   display_name, line_number);
      return FALSE;
    }
  return TRUE;
}

gboolean
ks_csv_is_blank (const char *line)
{
  for (; *line != '\0'; line++)
    if (!g_ascii_isspace (*line))
      return FALSE;
  return TRUE;
}

void
ks_csv_split_cells (char      *line,
                    gboolean   comma_separated,
                    GPtrArray *cells)
{
  g_ptr_array_set_size (cells, 0);
  if (comma_separated)
    {
      for (char *cell = line, *comma; cell != NULL; cell = comma)
        {
          comma = strchr (cell, ',');
          if (comma != NULL)
            *comma++ = '\0';
          g_ptr_array_add (cells, g_strstrip (cell));
        }
      return;
    }
  for (char *p = line; *p != '\0';)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;
      g_ptr_array_add (cells, p);
      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      if (*p != '\0')
        *p++ = '\0';
    }
}

gboolean
ks_csv_parse_number (const char *cell,
                     double     *value)
{
  char *end = NULL;

  *value = g_ascii_strtod (cell, &end);
  return end != cell && *end == '\0';
}

char *
ks_csv_excerpt (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  if (g_utf8_strlen (valid, -1) <= 40)
    return g_steal_pointer (&valid);
  *g_utf8_offset_to_pointer (valid, 40) = '\0';
  return g_strconcat (valid, "…", NULL);
}
