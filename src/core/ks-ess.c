/* ks-ess.c: effective sample size of Markov chain draws
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With chain means m_c, within-chain variances s_c^2 (divisor n - 1), W their mean and
 * B / n the variance of the chain means, the pooled variance is var+ = (n - 1) / n W + B / n
 * and the combined autocorrelation at lag t is rho_t = 1 - (W - mean_c acov_c(t)) / var+,
 * acov_c(t) with divisor n. Geyer: the sums of adjacent pairs rho_2k + rho_2k+1 are positive
 * and decreasing for a reversible chain, so the sum stops at the first negative pair and each
 * pair is capped by the one before; tau = -1 + 2 sum_k (rho_2k + rho_2k+1), ESS = N / tau.
 * Autocovariances are summed directly, lag by lag, only as far as the sequence reaches.
 */
#include "ks-ess.h"

#include <math.h>

typedef struct
{
  const double *draws;
  guint         n_chains;
  gsize         n_draws;
  double       *means;
  double        within;    /* W */
  double        pooled;    /* var+ */
} ChainMoments;

static void
chain_moments_compute (ChainMoments *moments)
{
  gsize n = moments->n_draws;
  guint m = moments->n_chains;
  double grand = 0.0, between = 0.0;

  moments->within = 0.0;
  for (guint c = 0; c < m; c++)
    {
      const double *x = moments->draws + c * n;
      double mean = 0.0, squares = 0.0;

      for (gsize t = 0; t < n; t++)
        mean += x[t];
      mean /= n;
      for (gsize t = 0; t < n; t++)
        squares += (x[t] - mean) * (x[t] - mean);
      moments->means[c] = mean;
      moments->within += squares / (n - 1) / m;
      grand += mean / m;
    }
  for (guint c = 0; c < m && m > 1; c++)
    between += (moments->means[c] - grand) * (moments->means[c] - grand) / (m - 1);
  moments->pooled = (n - 1.0) / n * moments->within + between;
}

static double
combined_autocorrelation (const ChainMoments *moments,
                          gsize               lag)
{
  gsize n = moments->n_draws;
  double mean_acov = 0.0;

  for (guint c = 0; c < moments->n_chains; c++)
    {
      const double *x = moments->draws + c * n;
      double mean = moments->means[c], sum = 0.0;

      for (gsize t = 0; t + lag < n; t++)
        sum += (x[t] - mean) * (x[t + lag] - mean);
      mean_acov += sum / n / moments->n_chains;
    }
  return 1.0 - (moments->within - mean_acov) / moments->pooled;
}

double
ks_effective_sample_size (const double *draws,
                          guint         n_chains,
                          gsize         n_draws)
{
  g_autofree double *means = NULL;
  ChainMoments moments = { draws, n_chains, n_draws, NULL, 0.0, 0.0 };
  double total = (double) n_chains * n_draws;
  double pair_sum = 0.0, previous_pair = INFINITY, tau;

  g_return_val_if_fail (draws != NULL || total == 0, 0.0);
  if (n_chains == 0 || n_draws < 4)
    return total;

  moments.means = means = g_new (double, n_chains);
  chain_moments_compute (&moments);
  if (!(moments.pooled > 0.0) || !(moments.within > 0.0))
    return total;

  /* rho_0 is 1 by definition; the pairs start at (rho_0, rho_1). */
  for (gsize lag = 0; lag + 1 < n_draws; lag += 2)
    {
      double even = lag == 0 ? 1.0 : combined_autocorrelation (&moments, lag);
      double pair = even + combined_autocorrelation (&moments, lag + 1);

      if (!(pair > 0.0))
        break;
      pair = MIN (pair, previous_pair);
      pair_sum += pair;
      previous_pair = pair;
    }
  tau = MAX (-1.0 + 2.0 * pair_sum, 1.0 / log10 (total));
  return total / tau;
}
