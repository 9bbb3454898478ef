/* ks-result-summary.h: a table of each layer's kernel scale and CKA, until the heatmaps come
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ks-result.h"

G_BEGIN_DECLS

#define KS_TYPE_RESULT_SUMMARY (ks_result_summary_get_type ())

G_DECLARE_FINAL_TYPE (KsResultSummary, ks_result_summary, KS, RESULT_SUMMARY, GtkWidget)

KsResult    *ks_result_summary_get_result (KsResultSummary *self);
/* Shows result (complete or partial), or nothing for NULL. */
void         ks_result_summary_set_result (KsResultSummary *self,
                                           KsResult        *result);
/* The mean of the diagonal of a square matrix: the average squared length of the layer's
 * features, i.e. the scale of the kernel. */
double       ks_kernel_mean_diagonal      (const gsl_matrix *kernel);

G_END_DECLS
