/* ks-hmc-private.h: one chain's running statistics, and the result built from them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-hmc.h"

G_BEGIN_DECLS

typedef struct _KsHmcChainStats KsHmcChainStats;

/* NULL when memory runs out. */
KsHmcChainStats *ks_hmc_chain_stats_new  (guint              n_layers,
                                          gsize              n_points,
                                          guint              n_draws);
void         ks_hmc_chain_stats_free      (KsHmcChainStats   *self);
/* Doubles the statistics of one chain hold, for memory estimates. */
double       ks_hmc_chain_stats_size      (guint              n_layers,
                                           gsize              n_points,
                                           guint              n_draws);
/* The next kept draw: its Gram matrices and log density. */
void         ks_hmc_chain_stats_add       (KsHmcChainStats   *self,
                                           gsl_matrix * const *grams,
                                           double             log_density);
void         ks_hmc_chain_stats_set_diagnostics (KsHmcChainStats *self,
                                           double             step_size,
                                           double             acceptance_sum,
                                           guint              n_divergent,
                                           guint64            n_leapfrog);

/* Merges complete chains in chain order (so the sums never depend on the threads); takes
 * nothing from chains. NULL when memory runs out. */
KsHmcResult *ks_hmc_result_new_from_chains (KsHmcChainStats * const *chains,
                                           guint              n_chains,
                                           guint              n_warmup);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsHmcChainStats, ks_hmc_chain_stats_free)

G_END_DECLS
