/* ks-csv-writer.h: matrices and tables to CSV, written atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

G_BEGIN_DECLS

/* One row per matrix row, values with 17 significant digits (they read back exactly).
 * The file is replaced atomically: on failure the old file (or none) remains. */
gboolean     ks_csv_write_matrix          (GFile            *file,
                                           const gsl_matrix *m,
                                           GCancellable     *cancellable,
                                           GError          **error);
/* Formats m as CSV text into a new string. */
char        *ks_csv_format_matrix         (const gsl_matrix *m);
/* Replaces file with contents atomically (write to a temporary, fsync, rename). */
gboolean     ks_file_replace_contents     (GFile            *file,
                                           const char       *contents,
                                           gsize             length,
                                           GCancellable     *cancellable,
                                           GError          **error);
/* Reads a CSV of numbers as a matrix (every row the same length); errors name the file,
 * line and value. */
gsl_matrix  *ks_csv_read_matrix           (GFile            *file,
                                           GCancellable     *cancellable,
                                           GError          **error);

G_END_DECLS
