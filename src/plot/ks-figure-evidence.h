/* ks-figure-evidence.h: the figure of the model evidence log P(Y) against width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The estimates of ks_evidence_curve () (MATHS section 4) against width on a log x axis:
 * the finite widths as points joined by a line, with error bars of one standard error;
 * the exact infinite-width value, which a log axis cannot place, as a horizontal dashed
 * reference line across the plot. The footnote names the estimator of the finite widths
 * (annealed importance sampling with its runs and temperatures, or Monte Carlo over prior
 * samples) and the number of points and outputs.
 */
#pragma once

#include <cairo.h>

#include "ks-evidence.h"
#include "ks-figure-common.h"
#include "ks-stack.h"

G_BEGIN_DECLS

typedef struct _KsFigureEvidence KsFigureEvidence;

/* Copies the n_estimates estimates (their width fields say where they lie; the one of
 * width KS_WIDTH_INFINITE, or estimated exactly, is the reference line) and keeps a reference to template_stack, whose
 * text names the network in the title. options (may be NULL) are the ones the curve was
 * estimated with, for the footnote; n_points and n_outputs (0: unknown) too. data_name
 * (may be NULL) names the data. Fails (KS_ERROR_INVALID) without any estimate. */
KsFigureEvidence *ks_figure_evidence_new        (const KsEvidenceEstimate *estimates,
                                                 guint                     n_estimates,
                                                 const KsStack            *template_stack,
                                                 const KsEvidenceOptions  *options,
                                                 guint                     n_points,
                                                 guint                     n_outputs,
                                                 const char               *data_name,
                                                 const KsFigureStyle      *style,
                                                 const KsPlotTheme        *theme,
                                                 GError                  **error);
void         ks_figure_evidence_free            (KsFigureEvidence    *self);

/* Whether the estimates include infinite width (the reference line). */
gboolean     ks_figure_evidence_has_infinite    (KsFigureEvidence    *self);
double       ks_figure_evidence_get_infinite    (KsFigureEvidence    *self);

double       ks_figure_evidence_preferred_height (KsFigureEvidence   *self,
                                                 double               width);
void         ks_figure_evidence_draw            (KsFigureEvidence    *self,
                                                 cairo_t             *cr,
                                                 double               width,
                                                 double               height);
/* ks_figure_evidence_draw () as a KsExportDrawFunc (user_data is the figure). */
void         ks_figure_evidence_draw_func       (cairo_t             *cr,
                                                 double               width,
                                                 double               height,
                                                 gpointer             user_data);
KsRect       ks_figure_evidence_get_frame       (KsFigureEvidence    *self,
                                                 double               width,
                                                 double               height);
/* The position in a width x height figure of a (network width, log evidence) point; NAN
 * when the axes cannot show it. */
void         ks_figure_evidence_data_to_figure  (KsFigureEvidence    *self,
                                                 double               width,
                                                 double               height,
                                                 double               data_x,
                                                 double               data_y,
                                                 double              *x,
                                                 double              *y);
/* The data coordinates under (x, y) and the nearest finite-width point (hit->point its
 * index among the estimates given), or the reference line (hit->series 1), with a
 * read-out such as "width 4: log P(Y) = -123.4 ± 0.8 (ais)". */
gboolean     ks_figure_evidence_hit             (KsFigureEvidence    *self,
                                                 double               width,
                                                 double               height,
                                                 double               x,
                                                 double               y,
                                                 KsFigureHit         *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFigureEvidence, ks_figure_evidence_free)

G_END_DECLS
