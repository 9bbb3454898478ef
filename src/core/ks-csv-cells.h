/* ks-csv-cells.h: the cells of a line of comma or white-space separated text, shared by
 * the matrix and data set readers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Handles one line of text (without its newline), length bytes long, which it may change. */
typedef gboolean (*KsCsvLineFunc) (char      *line,
                                   gsize      length,
                                   gpointer   user_data,
                                   GError   **error);

/* Hands every line of stream to line_func in turn, counting them in *line_number, until
 * the end, a read error (its message naming display_name) or line_func fails. */
gboolean  ks_csv_read_lines   (GInputStream  *stream,
                               const char    *display_name,
                               guint         *line_number,
                               KsCsvLineFunc  line_func,
                               gpointer       user_data,
                               GCancellable  *cancellable,
                               GError       **error);
/* Drops a trailing carriage return (files written on Windows) from line, of length bytes;
 * FALSE with an error naming the file and line when it holds a NUL byte. */
gboolean  ks_csv_line_check   (char        *line,
                               gsize        length,
                               const char  *display_name,
                               guint        line_number,
                               GError     **error);
gboolean  ks_csv_is_blank     (const char  *line);
/* Splits line in place into cells (emptied first), pointers into line: at commas, each
 * stripped of surrounding white space, or else at runs of white space. */
void      ks_csv_split_cells  (char        *line,
                               gboolean     comma_separated,
                               GPtrArray   *cells);
/* TRUE when the whole cell is one number (NaN and infinities included). */
gboolean  ks_csv_parse_number (const char  *cell,
                               double      *value);
/* The offending text as it may appear in a message: valid UTF-8, not a whole line. */
char     *ks_csv_excerpt      (const char  *text);

G_END_DECLS
