/* ks-figure-kernels.h: the figure of every layer's kernels, one row per kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One column per layer (headed "3 dense 16"), one row per kind of kernel the result has:
 * "infinite width (NNGP)", "one finite-width sample", "mean of S samples", and "posterior"
 * once the result has posterior kernels. Points are sorted by class, with class
 * separators, and class names along the outer panels. Every heatmap of a row shares one
 * colour range, so that a colour means one value across the layers; when the rows'
 * ranges are compatible (each covers at least 70 % of their union, as the infinite, the
 * sampled and the mean kernels do) one colour bar serves the whole figure, so that
 * infinite and finite width can be compared by colour too; otherwise each row has its own
 * bar, lest one row's range wash out another's contrast. When a few extreme entries (points
 * of unusually large norm, typically) stretch a row's range more than 1.5-fold beyond its
 * central 99 %, the colours span that central 99 % and saturate beyond it; the colour bar
 * says so and the footnote gives the full range.
 *
 * With style->ranges KS_FIGURE_RANGES_PANEL every panel spans its own range instead (by
 * the same rule), written above its cells ("−0.66 … 3.04", a star when saturated), and
 * one colour bar maps positions within a panel's range: each layer shows its structure,
 * at the cost of comparing colours across panels. The posterior row (when the result has
 * posterior kernels) is left out when style->show_posterior is FALSE.
 */
#pragma once

#include <cairo.h>

#include "ks-figure-common.h"
#include "ks-heatmap.h"
#include "ks-result.h"

G_BEGIN_DECLS

typedef struct _KsFigureKernels KsFigureKernels;

/* Holds a reference to result; style and theme are copied. Fails (KS_ERROR_INVALID) when
 * the result has no kernels to show or style->layers names a layer it does not have. */
KsFigureKernels *ks_figure_kernels_new        (KsResult            *result,
                                               const KsFigureStyle *style,
                                               const KsPlotTheme   *theme,
                                               GError             **error);
void         ks_figure_kernels_free           (KsFigureKernels     *self);

guint        ks_figure_kernels_get_n_rows     (KsFigureKernels     *self);
guint        ks_figure_kernels_get_n_columns  (KsFigureKernels     *self);
KsKernelKind ks_figure_kernels_get_row_kind   (KsFigureKernels     *self,
                                               guint                row);
/* The layer (0-based) of a column. */
guint        ks_figure_kernels_get_column_layer (KsFigureKernels   *self,
                                               guint                column);
/* The colour range every heatmap of the row uses (KS_FIGURE_RANGES_ROW). */
KsRange      ks_figure_kernels_get_row_range  (KsFigureKernels     *self,
                                               guint                row);
/* The colour range of one panel: its row's, or its own (KS_FIGURE_RANGES_PANEL). */
KsRange      ks_figure_kernels_get_panel_range (KsFigureKernels    *self,
                                               guint                row,
                                               guint                column);
/* Whether one colour bar serves every row: one range, or (per-panel ranges) a bar of
 * positions within each panel's range. */
gboolean     ks_figure_kernels_has_shared_range (KsFigureKernels   *self);
KsFigureRanges ks_figure_kernels_get_ranges   (KsFigureKernels     *self);
/* The matrix drawn in a panel. */
const gsl_matrix *
             ks_figure_kernels_get_matrix     (KsFigureKernels     *self,
                                               guint                row,
                                               guint                column);

/* The height at which a figure of this width shows its heatmaps as large as the width
 * allows, with no empty bands. */
double       ks_figure_kernels_preferred_height (KsFigureKernels   *self,
                                               double               width);
void         ks_figure_kernels_draw           (KsFigureKernels     *self,
                                               cairo_t             *cr,
                                               double               width,
                                               double               height);
/* ks_figure_kernels_draw () as a KsExportDrawFunc (user_data is the figure). */
void         ks_figure_kernels_draw_func      (cairo_t             *cr,
                                               double               width,
                                               double               height,
                                               gpointer             user_data);
/* Where the heatmap of a panel falls in a width x height figure. */
void         ks_figure_kernels_get_panel_layout (KsFigureKernels   *self,
                                               double               width,
                                               double               height,
                                               guint                row,
                                               guint                column,
                                               KsHeatmapLayout     *layout);
/* What lies under (x, y) of a width x height figure; FALSE outside every heatmap's cells
 * (hit->panel still says which panel, if any). */
gboolean     ks_figure_kernels_hit            (KsFigureKernels     *self,
                                               double               width,
                                               double               height,
                                               double               x,
                                               double               y,
                                               KsFigureHit         *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFigureKernels, ks_figure_kernels_free)

G_END_DECLS
