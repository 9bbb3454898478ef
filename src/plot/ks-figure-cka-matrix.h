/* ks-figure-cka-matrix.h: the figure of CKA similarity between every pair of layers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One heatmap per kind of kernel whose CKA the result holds, side by side: infinite
 * width (NNGP), one finite-width sample, and the posterior once computed. Layers are
 * named along the rows and numbered along the columns; one colour bar from 0 to 1 serves
 * every panel; values are written in the cells when they fit.
 */
#pragma once

#include <cairo.h>

#include "ks-figure-common.h"
#include "ks-heatmap.h"
#include "ks-result.h"

G_BEGIN_DECLS

typedef struct _KsFigureCkaMatrix KsFigureCkaMatrix;

/* Holds a reference to result. style->layers, when set, keeps those layers only (in
 * that order). Fails (KS_ERROR_INVALID) when the result has no CKA tables. */
KsFigureCkaMatrix *ks_figure_cka_matrix_new      (KsResult            *result,
                                                  const KsFigureStyle *style,
                                                  const KsPlotTheme   *theme,
                                                  GError             **error);
void         ks_figure_cka_matrix_free           (KsFigureCkaMatrix   *self);

guint        ks_figure_cka_matrix_get_n_panels   (KsFigureCkaMatrix   *self);
KsKernelKind ks_figure_cka_matrix_get_panel_kind (KsFigureCkaMatrix   *self,
                                                  guint                panel);
/* The matrix a panel draws (the chosen layers' rows and columns). */
const gsl_matrix *
             ks_figure_cka_matrix_get_matrix     (KsFigureCkaMatrix   *self,
                                                  guint                panel);

double       ks_figure_cka_matrix_preferred_height (KsFigureCkaMatrix *self,
                                                  double               width);
void         ks_figure_cka_matrix_draw           (KsFigureCkaMatrix   *self,
                                                  cairo_t             *cr,
                                                  double               width,
                                                  double               height);
void         ks_figure_cka_matrix_draw_func      (cairo_t             *cr,
                                                  double               width,
                                                  double               height,
                                                  gpointer             user_data);
void         ks_figure_cka_matrix_get_panel_layout (KsFigureCkaMatrix *self,
                                                  double               width,
                                                  double               height,
                                                  guint                panel,
                                                  KsHeatmapLayout     *layout);
/* hit->i and hit->j are rows and columns of the drawn matrix; the read-out names the
 * layers. */
gboolean     ks_figure_cka_matrix_hit            (KsFigureCkaMatrix   *self,
                                                  double               width,
                                                  double               height,
                                                  double               x,
                                                  double               y,
                                                  KsFigureHit         *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFigureCkaMatrix, ks_figure_cka_matrix_free)

G_END_DECLS
