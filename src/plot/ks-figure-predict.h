/* ks-figure-predict.h: the figure of the test score of the deep kernel machine against
 * the width scale, with the NNGP as reference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scores of a ks-predict-sweep.h sweep (MATHS section 6) against the width scale nu on
 * a log x axis: the test accuracy (or the RMSE of real targets) of the deep kernel
 * machine's posterior kernel, as points joined by a line, one curve per scored layer (at
 * most a few; the sweep's last scored layers beyond them are left out), and the NNGP's
 * score of the same layer as a horizontal dotted reference line of the same colour (named
 * in the legend), which the curve approaches as nu grows. Accuracy is a percentage on a
 * fixed 0..100 % axis when the scores spread widely, else on an axis fitted to them; the
 * footnote gives the split (training and test points, seed), what one test point is
 * worth, and any width scale whose solve did not converge.
 */
#pragma once

#include <cairo.h>

#include "ks-figure-common.h"
#include "ks-predict-sweep.h"

G_BEGIN_DECLS

/* Curves the figure draws at most; a sweep of every layer shows its last ones. */
#define KS_FIGURE_PREDICT_MAX_CURVES 6

typedef struct _KsFigurePredict KsFigurePredict;

/* Holds a reference to sweep. data_name (may be NULL) names the data in the title. Fails
 * (KS_ERROR_INVALID) when the sweep scored no layer. */
KsFigurePredict *ks_figure_predict_new          (KsPredictSweep      *sweep,
                                                 const char          *data_name,
                                                 const KsFigureStyle *style,
                                                 const KsPlotTheme   *theme,
                                                 GError             **error);
void         ks_figure_predict_free             (KsFigurePredict     *self);

/* The curves drawn, and the layer (0-based) of each. */
guint        ks_figure_predict_get_n_curves     (KsFigurePredict     *self);
guint        ks_figure_predict_get_curve_layer  (KsFigurePredict     *self,
                                                 guint                curve);

double       ks_figure_predict_preferred_height (KsFigurePredict     *self,
                                                 double               width);
void         ks_figure_predict_draw             (KsFigurePredict     *self,
                                                 cairo_t             *cr,
                                                 double               width,
                                                 double               height);
/* ks_figure_predict_draw () as a KsExportDrawFunc (user_data is the figure). */
void         ks_figure_predict_draw_func        (cairo_t             *cr,
                                                 double               width,
                                                 double               height,
                                                 gpointer             user_data);
KsRect       ks_figure_predict_get_frame        (KsFigurePredict     *self,
                                                 double               width,
                                                 double               height);
/* The position in a width x height figure of a (width scale, score) point, the score as
 * the sweep gives it (a fraction for accuracy); NAN when the axes cannot show it. */
void         ks_figure_predict_data_to_figure   (KsFigurePredict     *self,
                                                 double               width,
                                                 double               height,
                                                 double               data_x,
                                                 double               data_y,
                                                 double              *x,
                                                 double              *y);
/* The data coordinates under (x, y) and the nearest point (hit->series the curve,
 * hit->point the width scale's index) with a read-out such as "layer 4 (relu), width
 * scale 0.3: test accuracy 91.5 % (NNGP 89.0 %)". */
gboolean     ks_figure_predict_hit              (KsFigurePredict     *self,
                                                 double               width,
                                                 double               height,
                                                 double               x,
                                                 double               y,
                                                 KsFigureHit         *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFigurePredict, ks_figure_predict_free)

G_END_DECLS
