/* ks-figure-cka-depth.h: the figure of each layer's CKA to the input and to the output
 * against depth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two panels: (a) CKA of each layer's kernel to the input kernel K0, (b) to the output
 * kernel Y Y^T, against the layer's depth, with depth 0 the input itself. One curve per
 * kind of kernel: the infinite network (NNGP), which cannot learn a representation; one
 * finite-width network drawn from the prior; and, once computed, the posterior, which
 * has learnt from the outputs. Layers of finite width are shaded.
 */
#pragma once

#include <cairo.h>

#include "ks-figure-common.h"
#include "ks-result.h"

G_BEGIN_DECLS

typedef enum
{
  KS_CKA_DEPTH_TO_INPUT,
  KS_CKA_DEPTH_TO_OUTPUT,
  KS_CKA_DEPTH_N_PANELS,
} KsCkaDepthPanel;

typedef struct _KsFigureCkaDepth KsFigureCkaDepth;

/* Holds a reference to result. Fails (KS_ERROR_INVALID) when the result has no CKA to
 * the input yet. Without outputs (no labels or targets) panel (b) says so. */
KsFigureCkaDepth *ks_figure_cka_depth_new       (KsResult            *result,
                                                 const KsFigureStyle *style,
                                                 const KsPlotTheme   *theme,
                                                 GError             **error);
void         ks_figure_cka_depth_free           (KsFigureCkaDepth    *self);

/* The curves of a panel: one per kind, n_layers + 1 points each (depth 0 is the input). */
guint        ks_figure_cka_depth_get_n_curves   (KsFigureCkaDepth    *self,
                                                 KsCkaDepthPanel      panel);
KsKernelKind ks_figure_cka_depth_get_curve_kind (KsFigureCkaDepth    *self,
                                                 KsCkaDepthPanel      panel,
                                                 guint                curve);
/* Value of a curve at depth (0 = the input, l = layer l counted from 1); NAN if none. */
double       ks_figure_cka_depth_get_value      (KsFigureCkaDepth    *self,
                                                 KsCkaDepthPanel      panel,
                                                 guint                curve,
                                                 guint                depth);

double       ks_figure_cka_depth_preferred_height (KsFigureCkaDepth  *self,
                                                 double               width);
void         ks_figure_cka_depth_draw           (KsFigureCkaDepth    *self,
                                                 cairo_t             *cr,
                                                 double               width,
                                                 double               height);
void         ks_figure_cka_depth_draw_func      (cairo_t             *cr,
                                                 double               width,
                                                 double               height,
                                                 gpointer             user_data);
/* The frame (axes box) of a panel in a width x height figure. */
KsRect       ks_figure_cka_depth_get_frame      (KsFigureCkaDepth    *self,
                                                 double               width,
                                                 double               height,
                                                 KsCkaDepthPanel      panel);
/* The position in a width x height figure of the data point (depth, cka) of a panel. */
void         ks_figure_cka_depth_data_to_figure (KsFigureCkaDepth  *self,
                                                 double               width,
                                                 double               height,
                                                 KsCkaDepthPanel      panel,
                                                 double               data_x,
                                                 double               data_y,
                                                 double              *x,
                                                 double              *y);
/* The data coordinates under (x, y) and the nearest curve point (hit->series is the
 * curve, hit->point the depth). */
gboolean     ks_figure_cka_depth_hit            (KsFigureCkaDepth    *self,
                                                 double               width,
                                                 double               height,
                                                 double               x,
                                                 double               y,
                                                 KsFigureHit         *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFigureCkaDepth, ks_figure_cka_depth_free)

G_END_DECLS
