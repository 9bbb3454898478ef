/* ks-figure-common.h: what Kernelscope's figures share: their names, style options and
 * the read-out under a pointer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each figure (ks-figure-kernels.h, ks-figure-cka-matrix.h, ks-figure-cka-depth.h,
 * ks-figure-spread.h, ks-figure-evidence.h, ks-figure-predict.h) is built once from a result, then drawn at any size (in points)
 * onto any cairo_t: the window's views and every exported file call the same routine, and
 * the hit tests answer for the same size. A figure adapts its layout to the size it is
 * asked about, so one figure is used from one thread at a time.
 */
#pragma once

#include <cairo.h>

#include "ks-colormap.h"
#include "ks-plot-theme.h"
#include "ks-plot-types.h"

G_BEGIN_DECLS

typedef enum
{
  KS_FIGURE_KERNELS,
  KS_FIGURE_CKA_MATRIX,
  KS_FIGURE_CKA_DEPTH,
  KS_FIGURE_SPREAD,
  KS_FIGURE_EVIDENCE,
  KS_FIGURE_PREDICT,
  KS_N_FIGURES,
} KsFigureKind;

/* "kernels", "cka-matrix", "cka-depth", "spread", "evidence", "predict". */
const char  *ks_figure_kind_to_string     (KsFigureKind   kind);
/* One line saying what the figure shows, for --list and menus. */
const char  *ks_figure_kind_describe      (KsFigureKind   kind);
/* The error (KS_ERROR_PARSE) lists the known names. */
gboolean     ks_figure_kind_from_string   (const char    *name,
                                           KsFigureKind  *kind,
                                           GError       **error);
/* The width a figure gets when none is asked for, in points: a full page width (180 mm)
 * for the grids, a column and a half for the single plot. */
double       ks_figure_kind_default_width (KsFigureKind   kind);

/* At most this many layer columns are chosen automatically (see
 * ks_figure_choose_layers ()). */
#define KS_FIGURE_MAX_AUTO_LAYERS 12

/* How the heatmaps of a grid share colour ranges. */
typedef enum
{
  KS_FIGURE_RANGES_ROW,    /* one range per row (a colour means one value across layers) */
  KS_FIGURE_RANGES_PANEL,  /* each panel its own range, shown under it: the contrast of
                            * every layer, at the cost of comparing colours across them */
} KsFigureRanges;

/* "row", "panel". */
const char  *ks_figure_ranges_to_string   (KsFigureRanges  ranges);
gboolean     ks_figure_ranges_from_string (const char     *name,
                                           KsFigureRanges *ranges,
                                           GError        **error);

typedef struct
{
  KsColormap    colormap;       /* of the heatmaps */
  /* NULL: the figure's own title (or footnote); "": none. */
  const char   *title;
  const char   *footnote;
  /* (a), (b), ... on the panels of the figures with few panels (not on the kernel grid,
   * whose rows and columns are labelled instead). */
  gboolean      panel_letters;
  /* The layers shown (0-based, in stack order) by the kernel grid; NULL: chosen by
   * ks_figure_choose_layers (). */
  const guint  *layers;
  guint         n_layers;
  /* The kernel grid: how its heatmaps share colour ranges, and whether it shows the
   * posterior row when the result has posterior kernels. */
  KsFigureRanges ranges;
  gboolean      show_posterior;
} KsFigureStyle;

/* viridis, the figures' own title and footnote, panel letters, layers chosen, ranges
 * per row, the posterior shown. */
void         ks_figure_style_init         (KsFigureStyle *style);

/* Every layer when there are at most KS_FIGURE_MAX_AUTO_LAYERS; otherwise every k-th
 * layer counted back from the last, k the smallest step that keeps at most that many
 * (for stacks of dense, nonlinearity blocks this keeps layers of one kind, and always the
 * top one). Returns the count; layers (KS_FIGURE_MAX_AUTO_LAYERS entries) gets them in
 * ascending order. */
guint        ks_figure_choose_layers      (guint          n_layers,
                                           guint         *layers);
/* "1,4,8" (1-based, as the headings number them) or "all"; each from 1 to n_layers, no
 * repeats. Returns a new array of 0-based indices, or NULL with an error naming the bad
 * entry. */
guint       *ks_figure_parse_layers       (const char    *text,
                                           guint          n_layers,
                                           guint         *n_chosen,
                                           GError       **error);

/* What lies under a point of a figure. */
typedef struct
{
  int     panel;         /* -1 when the point is in no panel */
  guint   row;           /* of the panel in the figure's grid */
  guint   column;

  /* Heatmaps: the cell, its value and the rectangle it is drawn in. */
  gboolean in_cells;
  gsize   i;
  gsize   j;
  double  value;
  KsRect  cell;
  int     class_i;       /* the classes of points i and j, -1 without labels */
  int     class_j;

  /* Line plots: the data coordinates under the point, and the nearest data point within
   * a few points' distance (series -1 when none). */
  gboolean in_frame;
  double  x;
  double  y;
  int     series;
  int     point;
  double  point_x;
  double  point_y;
  double  point_error;

  /* A one-line read-out, e.g. "one finite-width sample, layer 3 (dense 16): row 12
   * (class 3), column 87 (class 8): 0.412"; empty when there is nothing to say. */
  char    readout[256];
} KsFigureHit;

void         ks_figure_hit_init           (KsFigureHit   *hit);

G_END_DECLS
