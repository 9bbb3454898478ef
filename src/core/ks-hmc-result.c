/* ks-hmc-result.c: running statistics of the kept draws, per chain, and their merge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per chain and layer: Welford's mean and sum of squared deviations of every Gram entry,
 * and the same over the means of consecutive batches of draws (for the standard error of
 * the mean by batch means, which accounts for autocorrelation entry by entry without
 * storing the draws). A few scalars per draw (traces, chosen entries, log density) are
 * stored whole for their effective sample sizes. Chains merge by Chan et al.'s pairwise
 * update, in chain order.
 */
#include "ks-hmc-private.h"

#include <math.h>
#include <string.h>

#include "ks-ess.h"
#include "ks-linalg.h"
#include "ks-running-stats.h"

#define MAX_ESS_ENTRIES 3

typedef struct
{
  gsl_matrix *mean;
  gsl_matrix *m2;
  gsl_matrix *batch_sum;   /* of the batch being filled */
  gsl_matrix *batch_mean;  /* over completed batches */
  gsl_matrix *batch_m2;
} LayerStats;

/* The off-diagonal entries whose draws are kept for effective sample sizes. */
typedef struct
{
  guint n_entries;
  guint rows[MAX_ESS_ENTRIES];
  guint columns[MAX_ESS_ENTRIES];
} EssEntries;

struct _KsHmcChainStats
{
  guint       n_layers;
  gsize       n_points;
  guint       n_draws;     /* expected */
  guint       n_added;
  guint       batch_size;
  guint       n_batches;   /* planned */
  guint       n_completed_batches;
  LayerStats *layers;
  EssEntries  entries;
  double     *traces;      /* [layer][statistic][draw], statistic 0 the trace */
  double     *log_density; /* [draw] */

  double      step_size;
  double      acceptance_sum;
  guint       n_divergent;
  guint64     n_leapfrog;
};

struct _KsHmcResult
{
  guint        n_layers;
  guint        n_chains;
  guint        n_draws;
  guint        n_warmup;
  guint        n_batches;   /* over all chains */
  gsl_matrix **mean;
  gsl_matrix **std;
  gsl_matrix **standard_error;
  double      *step_sizes;
  double       acceptance_rate;
  guint        n_divergent;
  guint64      n_leapfrog;
  EssEntries   entries;
  double      *ess;         /* [layer][statistic] */
  double       log_density_ess;
  double       min_ess;
};

/* (0, 1), (0, P - 1) and (P/2 - 1, P/2): neighbours, the farthest pair and a pair in the
 * middle, without repeats. */
static void
ess_entries_plan (EssEntries *entries,
                  gsize       n_points)
{
  guint candidates[MAX_ESS_ENTRIES][2] = {
    { 0, 1 }, { 0, (guint) n_points - 1 }, { (guint) n_points / 2 - 1, (guint) n_points / 2 },
  };

  entries->n_entries = 0;
  if (n_points < 2)
    return;
  for (guint k = 0; k < MAX_ESS_ENTRIES; k++)
    {
      gboolean repeated = FALSE;

      for (guint e = 0; e < entries->n_entries; e++)
        repeated |= entries->rows[e] == candidates[k][0]
                    && entries->columns[e] == candidates[k][1];
      if (repeated)
        continue;
      entries->rows[entries->n_entries] = candidates[k][0];
      entries->columns[entries->n_entries++] = candidates[k][1];
    }
}

static guint
batches_per_chain (guint n_draws)
{
  guint batches = (guint) floor (sqrt ((double) n_draws));

  return MIN (MAX (batches, 2u), n_draws);
}

/* ---- One chain ---- */

static gboolean
layer_stats_init (LayerStats *layer,
                  gsize       n_points)
{
  layer->mean = gsl_matrix_calloc (n_points, n_points);
  layer->m2 = gsl_matrix_calloc (n_points, n_points);
  layer->batch_sum = gsl_matrix_calloc (n_points, n_points);
  layer->batch_mean = gsl_matrix_calloc (n_points, n_points);
  layer->batch_m2 = gsl_matrix_calloc (n_points, n_points);
  return layer->mean != NULL && layer->m2 != NULL && layer->batch_sum != NULL
         && layer->batch_mean != NULL && layer->batch_m2 != NULL;
}

static void
layer_stats_clear (LayerStats *layer)
{
  g_clear_pointer (&layer->mean, gsl_matrix_free);
  g_clear_pointer (&layer->m2, gsl_matrix_free);
  g_clear_pointer (&layer->batch_sum, gsl_matrix_free);
  g_clear_pointer (&layer->batch_mean, gsl_matrix_free);
  g_clear_pointer (&layer->batch_m2, gsl_matrix_free);
}

double
ks_hmc_chain_stats_size (guint n_layers,
                         gsize n_points,
                         guint n_draws)
{
  double per_layer = 5.0 * n_points * n_points + (1.0 + MAX_ESS_ENTRIES) * n_draws;

  return n_layers * per_layer + n_draws;
}

KsHmcChainStats *
ks_hmc_chain_stats_new (guint n_layers,
                        gsize n_points,
                        guint n_draws)
{
  g_autoptr(KsHmcChainStats) self = g_new0 (KsHmcChainStats, 1);
  gsize n_statistics;

  self->n_layers = n_layers;
  self->n_points = n_points;
  self->n_draws = n_draws;
  self->n_batches = batches_per_chain (n_draws);
  self->batch_size = n_draws / self->n_batches;
  ess_entries_plan (&self->entries, n_points);
  n_statistics = 1 + self->entries.n_entries;
  self->layers = g_new0 (LayerStats, n_layers);
  for (guint l = 0; l < n_layers; l++)
    if (!layer_stats_init (&self->layers[l], n_points))
      return NULL;
  self->traces = g_try_new (double, (gsize) n_layers * n_statistics * n_draws);
  self->log_density = g_try_new (double, n_draws);
  if (self->traces == NULL || self->log_density == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
ks_hmc_chain_stats_free (KsHmcChainStats *self)
{
  if (self == NULL)
    return;
  if (self->layers != NULL)
    for (guint l = 0; l < self->n_layers; l++)
      layer_stats_clear (&self->layers[l]);
  g_free (self->layers);
  g_free (self->traces);
  g_free (self->log_density);
  g_free (self);
}

/* Welford's update of (mean, m2) by value x, the count-th value. */
static inline void
welford_add (double *mean,
             double *m2,
             double  x,
             double  count)
{
  double delta = x - *mean;

  *mean += delta / count;
  *m2 += delta * (x - *mean);
}

static void
layer_stats_add (LayerStats       *layer,
                 const gsl_matrix *gram,
                 double            count,
                 double            batch_size,
                 double            batch_count)
{
  gsize n = gram->size1 * gram->size2;

  for (gsize k = 0; k < n; k++)
    {
      double x = gram->data[k];

      welford_add (&layer->mean->data[k], &layer->m2->data[k], x, count);
      layer->batch_sum->data[k] += x;
      if (batch_count > 0.0)
        {
          welford_add (&layer->batch_mean->data[k], &layer->batch_m2->data[k],
                       layer->batch_sum->data[k] / batch_size, batch_count);
          layer->batch_sum->data[k] = 0.0;
        }
    }
}

static void
record_traces (KsHmcChainStats   *self,
               guint              layer,
               const gsl_matrix  *gram,
               guint              draw)
{
  gsize n_statistics = 1 + self->entries.n_entries;
  double *trace = self->traces + (layer * n_statistics) * self->n_draws;
  double sum = 0.0;

  for (gsize i = 0; i < self->n_points; i++)
    sum += gsl_matrix_get (gram, i, i);
  trace[draw] = sum;
  for (guint e = 0; e < self->entries.n_entries; e++)
    trace[(e + 1) * self->n_draws + draw] = gsl_matrix_get (gram, self->entries.rows[e],
                                                            self->entries.columns[e]);
}

void
ks_hmc_chain_stats_add (KsHmcChainStats   *self,
                        gsl_matrix * const *grams,
                        double             log_density)
{
  guint draw = self->n_added;
  gboolean batch_ends = (draw + 1) % self->batch_size == 0
                        && self->n_completed_batches < self->n_batches;
  double batch_count;

  g_return_if_fail (draw < self->n_draws);

  self->n_added++;
  if (batch_ends)
    self->n_completed_batches++;
  batch_count = batch_ends ? self->n_completed_batches : 0.0;
  for (guint l = 0; l < self->n_layers; l++)
    {
      layer_stats_add (&self->layers[l], grams[l], self->n_added, self->batch_size,
                       batch_count);
      record_traces (self, l, grams[l], draw);
    }
  self->log_density[draw] = log_density;
}

void
ks_hmc_chain_stats_set_diagnostics (KsHmcChainStats *self,
                                    double           step_size,
                                    double           acceptance_sum,
                                    guint            n_divergent,
                                    guint64          n_leapfrog)
{
  self->step_size = step_size;
  self->acceptance_sum = acceptance_sum;
  self->n_divergent = n_divergent;
  self->n_leapfrog = n_leapfrog;
}

/* ---- Merge ---- */

/* Chan et al.: (mean, m2) of count_a values absorbs (mean_b, m2_b) of count_b more. */
static void
merge_moments (gsl_matrix       *mean,
               gsl_matrix       *m2,
               double            count_a,
               const gsl_matrix *mean_b,
               const gsl_matrix *m2_b,
               double            count_b)
{
  double total = count_a + count_b;
  gsize n = mean->size1 * mean->size2;

  for (gsize k = 0; k < n; k++)
    {
      double delta = mean_b->data[k] - mean->data[k];

      mean->data[k] += delta * count_b / total;
      m2->data[k] += m2_b->data[k] + delta * delta * count_a * count_b / total;
    }
}

/* The Welford sums of one layer over every chain; mean and m2 of the draws, batch_mean and
 * batch_m2 of the batch means. */
static void
merge_layer (KsHmcChainStats * const *chains,
             guint                    n_chains,
             guint                    layer,
             gsl_matrix              *mean,
             gsl_matrix              *m2,
             gsl_matrix              *batch_mean,
             gsl_matrix              *batch_m2)
{
  const KsHmcChainStats *first = chains[0];

  gsl_matrix_memcpy (mean, first->layers[layer].mean);
  gsl_matrix_memcpy (m2, first->layers[layer].m2);
  gsl_matrix_memcpy (batch_mean, first->layers[layer].batch_mean);
  gsl_matrix_memcpy (batch_m2, first->layers[layer].batch_m2);
  for (guint c = 1; c < n_chains; c++)
    {
      const LayerStats *other = &chains[c]->layers[layer];

      merge_moments (mean, m2, (double) c * first->n_draws, other->mean, other->m2,
                     first->n_draws);
      merge_moments (batch_mean, batch_m2, (double) c * first->n_batches, other->batch_mean,
                     other->batch_m2, first->n_batches);
    }
}

static void
finish_layer (KsHmcResult      *self,
              guint             layer,
              const gsl_matrix *m2,
              const gsl_matrix *batch_m2)
{
  double n = (double) self->n_chains * self->n_draws, k = self->n_batches;
  gsize count = m2->size1 * m2->size2;

  ks_running_std (self->std[layer], m2, n);
  for (gsize e = 0; e < count; e++)
    self->standard_error[layer]->data[e] = k > 1 ? sqrt (batch_m2->data[e] / (k - 1) / k)
                                                 : INFINITY;
}

static gboolean
merge_moments_all (KsHmcResult             *self,
                   KsHmcChainStats * const *chains)
{
  gsize p = chains[0]->n_points;
  g_autoptr(gsl_matrix) m2 = gsl_matrix_alloc (p, p);
  g_autoptr(gsl_matrix) batch_mean = gsl_matrix_alloc (p, p);
  g_autoptr(gsl_matrix) batch_m2 = gsl_matrix_alloc (p, p);

  if (m2 == NULL || batch_mean == NULL || batch_m2 == NULL)
    return FALSE;
  for (guint l = 0; l < self->n_layers; l++)
    {
      merge_layer (chains, self->n_chains, l, self->mean[l], m2, batch_mean, batch_m2);
      finish_layer (self, l, m2, batch_m2);
    }
  return TRUE;
}

/* One scalar's draws from every chain, chain after chain, for ks_effective_sample_size. */
static double
pooled_ess (KsHmcChainStats * const *chains,
            guint                    n_chains,
            double                  *buffer,
            gsize                    offset,
            gboolean                 log_density)
{
  guint n_draws = chains[0]->n_draws;

  for (guint c = 0; c < n_chains; c++)
    {
      const double *source = log_density ? chains[c]->log_density : chains[c]->traces + offset;

      memcpy (buffer + (gsize) c * n_draws, source, n_draws * sizeof (double));
    }
  return ks_effective_sample_size (buffer, n_chains, n_draws);
}

static gboolean
compute_ess_all (KsHmcResult             *self,
                 KsHmcChainStats * const *chains)
{
  guint n_statistics = 1 + self->entries.n_entries, n_draws = self->n_draws;
  g_autofree double *buffer = g_try_new (double, (gsize) self->n_chains * n_draws);

  if (buffer == NULL)
    return FALSE;
  self->ess = g_new (double, self->n_layers * n_statistics);
  self->log_density_ess = pooled_ess (chains, self->n_chains, buffer, 0, TRUE);
  self->min_ess = self->log_density_ess;
  for (guint l = 0; l < self->n_layers; l++)
    for (guint s = 0; s < n_statistics; s++)
      {
        gsize offset = ((gsize) l * n_statistics + s) * n_draws;
        double ess = pooled_ess (chains, self->n_chains, buffer, offset, FALSE);

        self->ess[l * n_statistics + s] = ess;
        self->min_ess = MIN (self->min_ess, ess);
      }
  return TRUE;
}

static void
gather_diagnostics (KsHmcResult             *self,
                    KsHmcChainStats * const *chains)
{
  double acceptance_sum = 0.0;

  self->step_sizes = g_new (double, self->n_chains);
  for (guint c = 0; c < self->n_chains; c++)
    {
      self->step_sizes[c] = chains[c]->step_size;
      acceptance_sum += chains[c]->acceptance_sum;
      self->n_divergent += chains[c]->n_divergent;
      self->n_leapfrog += chains[c]->n_leapfrog;
    }
  self->acceptance_rate = acceptance_sum / ((double) self->n_chains * self->n_draws);
}

KsHmcResult *
ks_hmc_result_new_from_chains (KsHmcChainStats * const *chains,
                               guint                    n_chains,
                               guint                    n_warmup)
{
  g_autoptr(KsHmcResult) self = g_new0 (KsHmcResult, 1);
  gsize p;

  g_return_val_if_fail (chains != NULL && n_chains > 0, NULL);
  for (guint c = 0; c < n_chains; c++)
    g_return_val_if_fail (chains[c]->n_added == chains[c]->n_draws, NULL);

  p = chains[0]->n_points;
  self->n_layers = chains[0]->n_layers;
  self->n_chains = n_chains;
  self->n_draws = chains[0]->n_draws;
  self->n_warmup = n_warmup;
  self->n_batches = n_chains * chains[0]->n_batches;
  self->entries = chains[0]->entries;
  self->mean = ks_matrix_array_new (self->n_layers, p);
  self->std = ks_matrix_array_new (self->n_layers, p);
  self->standard_error = ks_matrix_array_new (self->n_layers, p);
  if (self->standard_error[self->n_layers - 1] == NULL || self->std[self->n_layers - 1] == NULL
      || self->mean[self->n_layers - 1] == NULL || !merge_moments_all (self, chains)
      || !compute_ess_all (self, chains))
    return NULL;
  gather_diagnostics (self, chains);
  return g_steal_pointer (&self);
}

void
ks_hmc_result_free (KsHmcResult *self)
{
  if (self == NULL)
    return;
  ks_matrix_array_free (self->mean, self->n_layers);
  ks_matrix_array_free (self->std, self->n_layers);
  ks_matrix_array_free (self->standard_error, self->n_layers);
  g_free (self->step_sizes);
  g_free (self->ess);
  g_free (self);
}

/* ---- Accessors ---- */

guint
ks_hmc_result_get_n_layers (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_layers;
}

guint
ks_hmc_result_get_n_chains (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_chains;
}

guint
ks_hmc_result_get_n_draws (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_draws;
}

guint
ks_hmc_result_get_n_warmup (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_warmup;
}

const gsl_matrix *
ks_hmc_result_get_mean (const KsHmcResult *self,
                        guint              layer)
{
  g_return_val_if_fail (self != NULL && layer < self->n_layers, NULL);
  return self->mean[layer];
}

const gsl_matrix *
ks_hmc_result_get_std (const KsHmcResult *self,
                       guint              layer)
{
  g_return_val_if_fail (self != NULL && layer < self->n_layers, NULL);
  return self->std[layer];
}

const gsl_matrix *
ks_hmc_result_get_standard_error (const KsHmcResult *self,
                                  guint              layer)
{
  g_return_val_if_fail (self != NULL && layer < self->n_layers, NULL);
  return self->standard_error[layer];
}

guint
ks_hmc_result_get_n_batches (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_batches;
}

double
ks_hmc_result_get_acceptance_rate (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->acceptance_rate;
}

double
ks_hmc_result_get_step_size (const KsHmcResult *self,
                             guint              chain)
{
  g_return_val_if_fail (self != NULL && chain < self->n_chains, 0.0);
  return self->step_sizes[chain];
}

guint
ks_hmc_result_get_n_divergent (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_divergent;
}

guint64
ks_hmc_result_get_n_leapfrog (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_leapfrog;
}

guint
ks_hmc_result_get_n_ess_statistics (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return 1 + self->entries.n_entries;
}

gboolean
ks_hmc_result_get_ess_entry (const KsHmcResult *self,
                             guint              statistic,
                             guint             *row,
                             guint             *column)
{
  g_return_val_if_fail (self != NULL && statistic <= self->entries.n_entries, FALSE);
  if (statistic == 0)
    return FALSE;
  if (row != NULL)
    *row = self->entries.rows[statistic - 1];
  if (column != NULL)
    *column = self->entries.columns[statistic - 1];
  return TRUE;
}

double
ks_hmc_result_get_ess (const KsHmcResult *self,
                       guint              layer,
                       guint              statistic)
{
  g_return_val_if_fail (self != NULL && layer < self->n_layers, 0.0);
  g_return_val_if_fail (statistic <= self->entries.n_entries, 0.0);
  return self->ess[layer * (1 + self->entries.n_entries) + statistic];
}

double
ks_hmc_result_get_log_density_ess (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->log_density_ess;
}

double
ks_hmc_result_get_min_ess (const KsHmcResult *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->min_ess;
}
