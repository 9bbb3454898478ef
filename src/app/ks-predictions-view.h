/* ks-predictions-view.h: the Predictions tab: test accuracy against the width scale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-sweep-view.h"

G_BEGIN_DECLS

#define KS_TYPE_PREDICTIONS_VIEW (ks_predictions_view_get_type ())

G_DECLARE_FINAL_TYPE (KsPredictionsView, ks_predictions_view, KS, PREDICTIONS_VIEW, KsSweepView)

/* ks_predict_sweep_run () of the document's network on its P points (a fifth held out
 * for testing, split with the document's seed) at width scales 1/16, 1/8, ..., 64: the
 * test accuracy (or the RMSE of real targets) of the deep kernel machine's kernel at the
 * last layer before the readout, against the NNGP's. */
GtkWidget   *ks_predictions_view_new       (void);

G_END_DECLS
