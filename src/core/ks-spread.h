/* ks-spread.h: the prior spread of representations (variance of kernel entries)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-stack.h"

G_BEGIN_DECLS

/* Deep linear closed form (MATHS 2): Cov(K_L,ij, K_L,kl) after layers of the given widths
 * (KS_WIDTH_INFINITE contributes nothing) with all weight variances 1, from the input
 * kernel entries. */
double       ks_spread_linear_covariance  (double       k0_ij,
                                           double       k0_kl,
                                           double       k0_ik,
                                           double       k0_jl,
                                           double       k0_il,
                                           double       k0_jk,
                                           const guint *widths,
                                           guint        n_widths);

/* Var(K_top,ij) for every entry of the top layer (the last layer before any readout), for
 * a deep linear stack; weight variances scale it by prod(sw2)^2. Other stacks: an error
 * saying why. */
gboolean     ks_spread_analytic_variance  (const KsStack    *stack,
                                           const gsl_matrix *k0,
                                           gsl_matrix       *variance,
                                           GError          **error);

typedef struct
{
  guint       n_samples;
  gsl_matrix *mean;         /* E[K_top] estimate */
  gsl_matrix *variance;     /* unbiased sample variance of each entry */
  gsl_matrix *variance_se;  /* its standard error, from the fourth central moment */
} KsSpreadEstimate;

/* Monte Carlo over n_samples prior networks (any stack) on the inputs X (P x D). */
KsSpreadEstimate *ks_spread_monte_carlo   (const KsStack    *stack,
                                           const gsl_matrix *inputs,
                                           guint             n_samples,
                                           guint64           seed,
                                           guint             n_threads,
                                           GCancellable     *cancellable,
                                           GError          **error);
void         ks_spread_estimate_free      (KsSpreadEstimate *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsSpreadEstimate, ks_spread_estimate_free)

G_END_DECLS
