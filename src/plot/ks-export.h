/* ks-export.h: a figure written to SVG, PDF or PNG, atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "ks-svg-text.h"

G_BEGIN_DECLS

/* Draws a whole figure of width x height points at the origin of cr: the same function
 * draws the window's view and every exported file. */
typedef void (*KsExportDrawFunc) (cairo_t *cr,
                                  double   width_pt,
                                  double   height_pt,
                                  gpointer user_data);

typedef enum
{
  KS_EXPORT_FORMAT_AUTO,   /* from the file name's extension */
  KS_EXPORT_FORMAT_SVG,
  KS_EXPORT_FORMAT_PDF,
  KS_EXPORT_FORMAT_PNG,
} KsExportFormat;

#define KS_EXPORT_DEFAULT_DPI 300.0

typedef struct
{
  KsExportFormat format;
  double         width_pt;
  double         height_pt;
  double         dpi;            /* PNG: pixels per inch; the size in pixels is rounded */
  const char    *title;          /* PDF Title and SVG <title>; NULL for none */
  const char    *creator;        /* NULL: "Kernelscope <version>" */
  KsSvgTextMode  svg_text;
} KsExportOptions;

/* Format from the extension, 300 dpi, no title, text as outlines plus searchable text. */
void            ks_export_options_init     (KsExportOptions       *options,
                                            double                 width_pt,
                                            double                 height_pt);

/* .svg, .pdf or .png, in any case; otherwise KS_ERROR_INVALID naming the file. */
gboolean        ks_export_format_from_path (const char            *path,
                                            KsExportFormat        *format,
                                            GError               **error);
const char     *ks_export_format_to_string (KsExportFormat         format);

/* The pixel size of a PNG export: the size in inches times the dpi, rounded. */
void            ks_export_png_size         (const KsExportOptions *options,
                                            int                   *width_px,
                                            int                   *height_px);

/* Draws the figure with draw and writes it to file (a local file). The file is written
 * under a temporary name in the same folder, synced and renamed into place: after a
 * failure (no such folder, no permission, a full disk, a drawing error) the old file, or
 * none, is left and error names the file and the reason. A PNG whose every pixel is
 * opaque (any figure on the paper or screen theme) is written as RGB, else as RGBA. */
gboolean        ks_export                  (GFile                 *file,
                                            const KsExportOptions *options,
                                            KsExportDrawFunc       draw,
                                            gpointer               user_data,
                                            GError               **error);

G_END_DECLS
