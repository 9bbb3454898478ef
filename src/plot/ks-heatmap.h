/* ks-heatmap.h: a matrix drawn as crisp square cells with a colour map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "ks-colormap.h"
#include "ks-plot-theme.h"
#include "ks-plot-types.h"

G_BEGIN_DECLS

typedef struct
{
  KsColormap          colormap;
  /* The values at the two ends of the colour map; NAN takes them from the data. Pass the
   * same pair to several heatmaps to give them one shared range. */
  double              vmin;
  double              vmax;
  /* A range taken from the data is made symmetric about 0 (for signed data). */
  gboolean            diverging;
  /* Class of each row and each column (NULL for none), sorted so that each class is one
   * block: thin lines separate the blocks and the class names label them. */
  const int          *row_classes;
  const int          *col_classes;
  /* The name of class c is class_names[c] when c < n_class_names, else the number c. */
  const char * const *class_names;
  guint               n_class_names;
  gboolean            show_separators;
  /* Class names left of the rows and below the columns (when the classes are given). */
  gboolean            show_row_labels;
  gboolean            show_col_labels;
  /* Keep the labels' room even where they are not shown, so that panels of a grid that
   * label only the outer rows and columns still have cells of one size, aligned. */
  gboolean            reserve_label_space;
  const char         *title;           /* above the cells; NULL for none */
} KsHeatmapStyle;

/* Where a heatmap's cells fall inside the rectangle it was given. */
typedef struct
{
  KsRect cells;       /* the matrix, square cells, centred */
  double cell_size;   /* side of one cell */
  gsize  rows;
  gsize  cols;
  double row_label_width;  /* room left of the cells for class names */
} KsHeatmapLayout;

/* viridis, range from the data, no classes, no title. */
void      ks_heatmap_style_init       (KsHeatmapStyle       *style);

void      ks_heatmap_draw             (cairo_t              *cr,
                                       const KsRect         *rect,
                                       const KsMatrixView   *matrix,
                                       const KsHeatmapStyle *style,
                                       const KsPlotTheme    *theme);

/* The layout ks_heatmap_draw () uses for the same arguments (it needs no cairo_t, so a
 * widget can answer pointer motion with it). */
void      ks_heatmap_layout           (const KsRect         *rect,
                                       gsize                 rows,
                                       gsize                 cols,
                                       const KsHeatmapStyle *style,
                                       const KsPlotTheme    *theme,
                                       KsHeatmapLayout      *layout);
/* The cell under the point (x, y): its row, column and, when matrix is not NULL, its
 * value. FALSE when the point is outside the cells. */
gboolean  ks_heatmap_hit              (const KsHeatmapLayout *layout,
                                       const KsMatrixView    *matrix,
                                       double                 x,
                                       double                 y,
                                       gsize                 *row,
                                       gsize                 *col,
                                       double                *value);

/* Widens range to hold the finite values of matrix. */
void      ks_heatmap_range_include    (KsRange              *range,
                                       const KsMatrixView   *matrix);
/* Makes range usable as vmin..vmax: symmetric about 0 when diverging, never empty or
 * zero-width (a constant matrix gets a small range around its value). */
void      ks_heatmap_range_settle     (KsRange              *range,
                                       gboolean              diverging);
/* The vmin..vmax that ks_heatmap_draw () uses for matrix and style. */
KsRange   ks_heatmap_resolve_range    (const KsMatrixView   *matrix,
                                       const KsHeatmapStyle *style);

/* The cells as a rows x cols ARGB32 image, one pixel per cell, coloured from the colour
 * map's 256-entry table (NaN cells in the missing colour). For widgets that cache. */
cairo_surface_t *
          ks_heatmap_render_cells     (const KsMatrixView   *matrix,
                                       KsColormap            colormap,
                                       double                vmin,
                                       double                vmax,
                                       const KsColor        *missing);

/* Paints an image into rect, one image pixel per cell. Where a cell covers a device pixel
 * or more, and on vector surfaces (PDF, SVG), the filter is nearest-neighbour: crisp cells
 * at every zoom and small files. Where cells are smaller than the pixels of a raster
 * target (a 500 x 500 matrix in 200 pixels), neighbouring cells are averaged instead, so
 * that one-cell structures such as the diagonal are not dropped by sampling. */
void      ks_paint_image_cells        (cairo_t              *cr,
                                       cairo_surface_t      *image,
                                       const KsRect         *rect);

G_END_DECLS
