/* ks-evidence-private.h: the estimators behind ks_evidence_estimate ()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-evidence.h"

G_BEGIN_DECLS

/* Both take checked arguments: a stack ending in a readout whose channels match the
 * columns of outputs, and valid options. */
gboolean     ks_evidence_monte_carlo      (const KsStack            *stack,
                                           const gsl_matrix         *inputs,
                                           const gsl_matrix         *outputs,
                                           const KsEvidenceOptions  *options,
                                           KsEvidenceProgressFunc    progress,
                                           gpointer                  progress_data,
                                           GCancellable             *cancellable,
                                           KsEvidenceEstimate       *estimate,
                                           GError                  **error);
gboolean     ks_evidence_annealed         (const KsStack            *stack,
                                           const gsl_matrix         *inputs,
                                           const gsl_matrix         *outputs,
                                           const KsEvidenceOptions  *options,
                                           KsEvidenceProgressFunc    progress,
                                           gpointer                  progress_data,
                                           GCancellable             *cancellable,
                                           KsEvidenceEstimate       *estimate,
                                           GError                  **error);

G_END_DECLS
