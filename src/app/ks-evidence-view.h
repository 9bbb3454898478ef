/* ks-evidence-view.h: the Evidence tab: the log evidence of the data against width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-sweep-view.h"

G_BEGIN_DECLS

#define KS_TYPE_EVIDENCE_VIEW (ks_evidence_view_get_type ())

G_DECLARE_FINAL_TYPE (KsEvidenceView, ks_evidence_view, KS, EVIDENCE_VIEW, KsSweepView)

/* ks_evidence_curve () of the document's network (every dense layer set to each width in
 * turn: 1, 2, 4, ..., 128, and infinite) on up to 40 of the document's points, by the
 * estimator ks_evidence_default_estimator () picks, with a budget that keeps the tab
 * interactive: annealed importance sampling with 8 runs of 50 temperatures, or 400
 * prior samples for Monte Carlo. */
GtkWidget   *ks_evidence_view_new          (void);

G_END_DECLS
