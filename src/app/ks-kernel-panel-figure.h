/* ks-kernel-panel-figure.h: one panel of the kernel grid, enlarged, with its colour bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-figure-area.h"
#include "ks-figure-kernels.h"

G_BEGIN_DECLS

/* Which panel: a kind of kernel at a layer of a result. */
typedef struct _KsKernelPanel KsKernelPanel;

KsKernelPanel *ks_kernel_panel_new        (KsResult      *result,
                                           KsKernelKind   kind,
                                           guint          layer);
KsKernelPanel *ks_kernel_panel_ref        (KsKernelPanel *self);
void         ks_kernel_panel_unref        (KsKernelPanel *self);
KsResult    *ks_kernel_panel_get_result   (KsKernelPanel *self);
KsKernelKind ks_kernel_panel_get_kind     (KsKernelPanel *self);
guint        ks_kernel_panel_get_layer    (KsKernelPanel *self);

/* A KsFigureArea source of KsKernelPanel. The figure takes the colour range the kernel
 * grid drawn with the same style gives the panel, so that a colour means the same value
 * enlarged as in the grid. */
extern const KsFigureFuncs ks_kernel_panel_figure_funcs;

typedef struct _KsKernelPanelFigure KsKernelPanelFigure;

/* The range the colours span. */
KsRange      ks_kernel_panel_figure_get_range (KsKernelPanelFigure *self);
/* Where the cells fall in a width x height figure. */
void         ks_kernel_panel_figure_get_layout (KsKernelPanelFigure *self,
                                                double               width,
                                                double               height,
                                                KsHeatmapLayout     *layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsKernelPanel, ks_kernel_panel_unref)

G_END_DECLS
