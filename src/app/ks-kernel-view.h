/* ks-kernel-view.h: the Kernels tab: every layer's kernels as heatmaps, or as numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-document.h"
#include "ks-figure-area.h"
#include "ks-result.h"

G_BEGIN_DECLS

#define KS_TYPE_KERNEL_VIEW (ks_kernel_view_get_type ())

G_DECLARE_FINAL_TYPE (KsKernelView, ks_kernel_view, KS, KERNEL_VIEW, GtkWidget)

/* The grid of ks-figure-kernels.h (a column per layer, a row per kind of kernel) fitted
 * to the tab, with the entry under the pointer read out below it; a click on a panel
 * enlarges it (the action kernel-view.back, or Escape, returns). Actions: kernel-view.back,
 * kernel-view.per-panel-ranges (the property "per-panel-ranges") and kernel-view.page
 * ("heatmaps" or "table": the per-layer table of ks-result-summary.h). */
void          ks_kernel_view_set_document  (KsKernelView *self,
                                            KsDocument   *document);
/* Shows result (complete or partial); NULL shows nothing. */
void          ks_kernel_view_set_result    (KsKernelView *self,
                                            KsResult     *result);
KsResult     *ks_kernel_view_get_result    (KsKernelView *self);

/* Enlarges the panel of kind at layer (0-based), as a click on it does. */
void          ks_kernel_view_enlarge       (KsKernelView *self,
                                            KsKernelKind  kind,
                                            guint         layer);
gboolean      ks_kernel_view_is_enlarged   (KsKernelView *self);
gboolean      ks_kernel_view_get_per_panel_ranges (KsKernelView *self);
void          ks_kernel_view_set_per_panel_ranges (KsKernelView *self,
                                            gboolean      per_panel);

KsFigureArea *ks_kernel_view_get_grid_area (KsKernelView *self);
KsFigureArea *ks_kernel_view_get_panel_area (KsKernelView *self);
/* The area on screen: the enlarged panel's or the grid's. */
KsFigureArea *ks_kernel_view_get_visible_area (KsKernelView *self);
/* The line under the figure: the read-out under the pointer, or a hint. */
const char   *ks_kernel_view_get_status    (KsKernelView *self);

/* The grid as a KsFigureArea draws it (source KsResult). */
extern const KsFigureFuncs ks_kernels_figure_funcs;

G_END_DECLS
