/* ks-hmc.h: the exact finite-width posterior over representations, by Hamiltonian Monte Carlo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-stack.h"

G_BEGIN_DECLS

typedef struct _KsHmcResult KsHmcResult;

/* Called after every iteration of every chain (warm-up included), serialised under the
 * sampler's lock, from the thread running that chain: done of total iterations over all
 * chains, acceptance the mean Metropolis acceptance probability of the iterations so far.
 * Do not block. */
typedef void (*KsHmcProgressFunc) (guint    done,
                                   guint    total,
                                   double   acceptance,
                                   gpointer user_data);

/* Called for every kept draw, serialised under the sampler's lock, in draw order within a
 * chain (chains interleave when they run on several threads): the n_layers Gram matrices
 * of that draw. Copy what you keep. */
typedef void (*KsHmcDrawFunc) (guint              chain,
                               guint              draw,
                               gsl_matrix * const *grams,
                               guint              n_layers,
                               gpointer           user_data);

typedef struct
{
  guint         n_warmup;           /* iterations that adapt the step size, then discarded */
  guint         n_draws;            /* kept iterations per chain, at least 1 */
  double        trajectory_length;  /* steps x step size, in whitened units, > 0; each
                                     * iteration draws it uniformly within +-20% */
  guint         max_leapfrog;       /* steps per trajectory at most, at least 1 */
  double        initial_step;       /* > 0, or 0: found by doubling or halving one step */
  double        target_acceptance;  /* of the warm-up's step size adaptation, in (0, 1) */
  guint64       seed;
  guint         n_chains;           /* independent chains, at least 1 */
  guint         n_threads;          /* chains run in parallel; 0: one thread per core */
  KsHmcDrawFunc visit;              /* may be NULL */
  gpointer      visit_data;
} KsHmcOptions;

/* 500 warm-up iterations, 1000 draws, trajectory length pi / 2 (a quarter turn of the
 * prior's oscillator, which turns the position into the independent momentum), at most
 * 256 leapfrog steps, step found automatically, target acceptance 0.8, seed 0, one chain,
 * threads 0. */
void         ks_hmc_options_init          (KsHmcOptions *options);

/* Samples the weights of the finite network of stack (all dense layers finite; identity,
 * ReLU or erf; see ks-network.h for the parametrisation and the refusals) on the inputs
 * (P x D), conditioned on the outputs (P x N_out, as many columns as the readout has
 * channels), or from the prior when outputs is NULL. The readout weights are integrated out
 * analytically. Every chain starts at a prior draw, adapts its step size during warm-up by
 * dual averaging (Hoffman and Gelman 2014) towards target_acceptance, then keeps its step
 * size fixed. Each chain draws from its own stream (seed, chain), and chains are merged in
 * chain order, so the result is identical bit for bit for any n_threads. A proposal whose
 * energy is not finite is rejected (and counted as divergent). Cancellation is checked at
 * every leapfrog step. */
KsHmcResult *ks_hmc_sample                (const KsStack      *stack,
                                           const gsl_matrix   *inputs,
                                           const gsl_matrix   *outputs,
                                           const KsHmcOptions *options,
                                           KsHmcProgressFunc   progress,
                                           gpointer            progress_data,
                                           GCancellable       *cancellable,
                                           GError            **error);

void         ks_hmc_result_free           (KsHmcResult       *self);
/* As the stack numbers them, readout included (as G_top + s2 I). */
guint        ks_hmc_result_get_n_layers   (const KsHmcResult *self);
guint        ks_hmc_result_get_n_chains   (const KsHmcResult *self);
/* Kept draws per chain, and warm-up iterations per chain. */
guint        ks_hmc_result_get_n_draws    (const KsHmcResult *self);
guint        ks_hmc_result_get_n_warmup   (const KsHmcResult *self);
/* Posterior mean of the layer's Gram matrix over every kept draw of every chain. */
const gsl_matrix *ks_hmc_result_get_mean  (const KsHmcResult *self,
                                           guint              layer);
/* Posterior standard deviation of each entry over the draws (divisor draws - 1). */
const gsl_matrix *ks_hmc_result_get_std   (const KsHmcResult *self,
                                           guint              layer);
/* Monte Carlo standard error of each entry of the mean, by batch means: each chain's draws
 * are cut into floor(sqrt(n_draws)) (at least 2) consecutive batches of equal size (a
 * remainder of fewer draws than batches is left out of the batches), and the error is the
 * standard deviation of all chains' batch means over the square root of their number.
 * Infinite when there are fewer than 2 batches. */
const gsl_matrix *ks_hmc_result_get_standard_error (const KsHmcResult *self,
                                           guint              layer);
guint        ks_hmc_result_get_n_batches  (const KsHmcResult *self);
/* Mean Metropolis acceptance probability over the kept draws of every chain. */
double       ks_hmc_result_get_acceptance_rate (const KsHmcResult *self);
/* The step size chain used after warm-up. */
double       ks_hmc_result_get_step_size  (const KsHmcResult *self,
                                           guint              chain);
/* Kept iterations whose trajectory diverged (non-finite energy, or an energy error above
 * 1000), summed over chains. */
guint        ks_hmc_result_get_n_divergent (const KsHmcResult *self);
/* Leapfrog steps of the whole run (warm-up included), each one gradient evaluation. */
guint64      ks_hmc_result_get_n_leapfrog (const KsHmcResult *self);

/* Effective sample sizes (ks-ess.h, over all chains) of a few scalars of every layer's
 * Gram matrix: statistic 0 is the trace, statistics 1, 2, ... fixed off-diagonal entries
 * (as many as P allows, up to 3). */
guint        ks_hmc_result_get_n_ess_statistics (const KsHmcResult *self);
/* The entry (row, column; 0-based, row < column) of a statistic; FALSE for the trace. */
gboolean     ks_hmc_result_get_ess_entry  (const KsHmcResult *self,
                                           guint              statistic,
                                           guint             *row,
                                           guint             *column);
double       ks_hmc_result_get_ess        (const KsHmcResult *self,
                                           guint              layer,
                                           guint              statistic);
/* Of the log density (log prior + log likelihood) along the chains. */
double       ks_hmc_result_get_log_density_ess (const KsHmcResult *self);
/* The smallest of all the effective sample sizes above. */
double       ks_hmc_result_get_min_ess    (const KsHmcResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsHmcResult, ks_hmc_result_free)

G_END_DECLS
