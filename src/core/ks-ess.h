/* ks-ess.h: effective sample size of Markov chain draws
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The effective sample size of a scalar recorded by n_chains chains of n_draws draws each,
 * stored chain after chain (draws[c * n_draws + t]). The autocorrelations are combined over
 * chains (within-chain autocovariances against the pooled variance, as in Gelman et al.,
 * Bayesian Data Analysis, 3rd ed., section 11.5) and summed by Geyer's initial monotone
 * sequence; the result is at most N log10 N for N = n_chains n_draws (antithetic chains).
 * Returns N itself when the draws are constant or a chain has fewer than 4 draws, where no
 * autocorrelation can be estimated. */
double       ks_effective_sample_size     (const double *draws,
                                           guint         n_chains,
                                           gsize         n_draws);

G_END_DECLS
