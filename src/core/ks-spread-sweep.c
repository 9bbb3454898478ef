/* ks-spread-sweep.c: the prior spread of the top-layer kernel against width, for several
 * depths, summarised as one dimensionless number per (depth, width)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Monte Carlo summary is a weighted mean of per-entry sample variances, and those are
 * strongly correlated across entries (every entry comes from the same network), so its
 * standard error cannot be put together from per-entry standard errors. Each network's
 * top-layer entries are kept instead, and the error comes from the jackknife over
 * networks, which for a sum of sample variances has a closed form in per-network values.
 */
#include "ks-spread-sweep.h"

#include <math.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-nngp.h"
#include "ks-sampler.h"
#include "ks-spread.h"

/* The kept entries of every network: refuse more than this rather than swap. */
#define DRAWS_MEMORY_LIMIT_BYTES (1024.0 * 1024.0 * 1024.0)

struct _KsSpreadSweep
{
  gatomicrefcount     ref_count;
  KsStack            *block;
  guint               n_depths;
  guint               n_widths;
  guint               n_points;
  guint               n_samples;
  gboolean            has_analytic;
  KsSpreadSweepPoint *points;    /* n_depths x n_widths, depth by depth */
};

/* ---- the summary ---- */

static double
summary_denominator (const gsl_matrix *reference,
                     gsize             i,
                     gsize             j)
{
  double r_ij = gsl_matrix_get (reference, i, j);

  return r_ij * r_ij + gsl_matrix_get (reference, i, i) * gsl_matrix_get (reference, j, j);
}

double
ks_spread_summary (const gsl_matrix *variance,
                   const gsl_matrix *reference)
{
  double sum = 0.0;
  gsize count = 0;

  g_return_val_if_fail (variance != NULL && reference != NULL, NAN);
  g_return_val_if_fail (variance->size1 == reference->size1 &&
                        variance->size2 == reference->size2 &&
                        reference->size1 == reference->size2, NAN);

  for (gsize i = 0; i < reference->size1; i++)
    for (gsize j = i; j < reference->size1; j++)
      {
        double denominator = summary_denominator (reference, i, j);

        if (!(denominator > 0.0))
          continue;
        sum += gsl_matrix_get (variance, i, j) / denominator;
        count++;
      }
  return count > 0 ? sum / count : NAN;
}

/* ---- the networks ---- */

static gboolean
block_has_finite_dense (const KsStack *block)
{
  for (guint i = 0; i < ks_stack_get_n_layers (block); i++)
    {
      const KsLayer *layer = ks_stack_get_layer (block, i);

      if (layer->kind == KS_LAYER_DENSE && layer->width != KS_WIDTH_INFINITE)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_block (const KsStack  *block,
             GError        **error)
{
  if (ks_stack_get_n_layers (block) == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the block repeated at each depth has no layers");
      return FALSE;
    }
  if (ks_stack_get_readout (block) != NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the block repeated at each depth must not end in a readout: the "
                           "spread is measured on the top hidden layer");
      return FALSE;
    }
  if (!block_has_finite_dense (block))
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the block repeated at each depth has no finite dense layer whose "
                           "width could vary, e.g. dense:N or dense:N:wv=2,relu");
      return FALSE;
    }
  return TRUE;
}

KsStack *
ks_spread_sweep_build_stack (const KsStack  *block,
                             guint           depth,
                             guint           width,
                             GError        **error)
{
  g_autoptr(KsStack) stack = NULL;

  g_return_val_if_fail (block != NULL, NULL);

  if (!check_block (block, error))
    return NULL;
  if (depth == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "a depth must be at least 1 block");
      return NULL;
    }
  stack = ks_stack_new ();
  for (guint d = 0; d < depth; d++)
    for (guint i = 0; i < ks_stack_get_n_layers (block); i++)
      {
        KsLayer layer = *ks_stack_get_layer (block, i);

        if (layer.kind == KS_LAYER_DENSE && layer.width != KS_WIDTH_INFINITE)
          layer.width = width;
        if (!ks_stack_append (stack, &layer, error))
          return NULL;
      }
  return g_steal_pointer (&stack);
}

static KsStack *
default_block (void)
{
  KsStack *block = ks_stack_new ();
  KsLayer dense = ks_layer_dense (1, 1.0, 0.0);

  ks_stack_append (block, &dense, NULL);
  return block;
}

/* ---- checking the request ---- */

static gboolean
check_options (const KsSpreadSweepOptions *options,
               const gsl_matrix           *inputs,
               GError                    **error)
{
  if (options->n_depths == 0 || options->n_widths == 0 || options->depths == NULL ||
      options->widths == NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "a spread sweep needs at least one depth and one width");
      return FALSE;
    }
  if ((guint64) options->n_depths * options->n_widths > KS_SPREAD_SWEEP_MAX_POINTS)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "%u depths x %u widths is more than the %u points a sweep may have",
                   options->n_depths, options->n_widths, KS_SPREAD_SWEEP_MAX_POINTS);
      return FALSE;
    }
  for (guint d = 0; d < options->n_depths; d++)
    if (options->depths[d] == 0)
      {
        g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                             "a depth must be at least 1 block, got 0");
        return FALSE;
      }
  for (guint w = 0; w < options->n_widths; w++)
    if (options->widths[w] == KS_WIDTH_INFINITE || options->widths[w] > KS_WIDTH_MAX)
      {
        g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                     "the widths of a spread sweep must be finite, from 1 to %u, got %u "
                     "(infinite width has no spread: its summary is 0)",
                     KS_WIDTH_MAX, options->widths[w]);
        return FALSE;
      }
  if (options->n_samples > 0 && options->n_samples < 3)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the Monte Carlo summary and its standard error need at least 3 networks, "
                   "got %u", options->n_samples);
      return FALSE;
    }
  if (inputs->size1 == 0 || inputs->size2 == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the inputs have %zu points and %zu features; a sweep needs both",
                   inputs->size1, inputs->size2);
      return FALSE;
    }
  return ks_matrix_check_finite (inputs, "the inputs of the spread sweep", error);
}

/* ---- one (depth, width) ---- */

typedef struct
{
  KsSpreadSweepProgressFunc progress;
  gpointer                  user_data;
  double                    done;   /* fraction of the sweep before this point */
  double                    share;  /* this point's part of the sweep */
} Progress;

static void
report (const Progress *progress,
        double          within)
{
  if (progress->progress != NULL)
    progress->progress (progress->done + progress->share * CLAMP (within, 0.0, 1.0),
                        progress->user_data);
}

/* The top-layer entries i <= j of every network, network by network. */
typedef struct
{
  guint     top;
  gsize     n_points;
  gsize     n_entries;
  guint     n_samples;
  double   *values;     /* n_samples x n_entries */
  Progress *progress;
} Draws;

static void
draws_visit (guint               sample,
             gsl_matrix * const *grams,
             guint               n_layers,
             const KsSamples    *partial,
             gpointer            user_data)
{
  Draws *draws = user_data;
  const gsl_matrix *top = grams[draws->top];
  double *row = draws->values + (gsize) sample * draws->n_entries;

  for (gsize i = 0, e = 0; i < draws->n_points; i++)
    for (gsize j = i; j < draws->n_points; j++, e++)
      row[e] = gsl_matrix_get (top, i, j);
  report (draws->progress, (sample + 1.0) / draws->n_samples);
}

/* The infinite network's top-layer kernel: the denominators of the summary. */
static gsl_matrix *
reference_kernel (const KsStack     *block,
                  guint              depth,
                  const gsl_matrix  *k0,
                  GCancellable      *cancellable,
                  GError           **error)
{
  g_autoptr(KsStack) stack = ks_spread_sweep_build_stack (block, depth, KS_WIDTH_INFINITE,
                                                          error);
  g_autofree gsl_matrix **nngp = NULL;
  gsl_matrix *top;
  guint n_layers;

  if (stack == NULL)
    return NULL;
  n_layers = ks_stack_get_n_layers (stack);
  nngp = g_new0 (gsl_matrix *, n_layers);
  if (!ks_nngp_propagate (stack, k0, nngp, NULL, cancellable, error))
    {
      for (guint l = 0; l < n_layers; l++)
        g_clear_pointer (&nngp[l], gsl_matrix_free);
      return NULL;
    }
  top = nngp[n_layers - 1];
  for (guint l = 0; l + 1 < n_layers; l++)
    gsl_matrix_free (nngp[l]);
  return top;
}

static gboolean
analytic_summary (const KsStack     *stack,
                  const gsl_matrix  *k0,
                  const gsl_matrix  *reference,
                  double            *summary,
                  GError           **error)
{
  g_autoptr(gsl_matrix) variance = gsl_matrix_alloc (k0->size1, k0->size1);

  if (!ks_spread_analytic_variance (stack, k0, variance, error))
    return FALSE;
  *summary = ks_spread_summary (variance, reference);
  return TRUE;
}

/* With q_s = mean over entries of (x_se - mean_e)^2 / denominator_e for network s, the
 * estimate is sum_s q_s / (n - 1), and leaving network s out changes it to
 * ((n - 1) v - n q_s / (n - 1)) / (n - 2); the jackknife variance of those n values is
 * n sd(q)^2 / (n - 2)^2, sd with divisor n - 1. */
static void
summarise_draws (const Draws      *draws,
                 const gsl_matrix *reference,
                 double           *estimate,
                 double           *standard_error)
{
  g_autofree double *means = g_new0 (double, draws->n_entries);
  g_autofree double *weights = g_new0 (double, draws->n_entries);
  g_autofree double *q = g_new0 (double, draws->n_samples);
  double n = draws->n_samples;
  double q_sum = 0.0, q_mean, q_ss = 0.0;
  gsize counted = 0;

  for (gsize i = 0, e = 0; i < draws->n_points; i++)
    for (gsize j = i; j < draws->n_points; j++, e++)
      {
        double denominator = summary_denominator (reference, i, j);

        weights[e] = denominator > 0.0 ? 1.0 / denominator : 0.0;
        counted += denominator > 0.0;
      }
  if (counted == 0)
    {
      *estimate = *standard_error = NAN;
      return;
    }

  for (guint s = 0; s < draws->n_samples; s++)
    for (gsize e = 0; e < draws->n_entries; e++)
      means[e] += draws->values[(gsize) s * draws->n_entries + e];
  for (gsize e = 0; e < draws->n_entries; e++)
    means[e] /= n;

  for (guint s = 0; s < draws->n_samples; s++)
    {
      const double *row = draws->values + (gsize) s * draws->n_entries;
      double sum = 0.0;

      for (gsize e = 0; e < draws->n_entries; e++)
        {
          double d = row[e] - means[e];

          sum += weights[e] * d * d;
        }
      q[s] = sum / counted;
      q_sum += q[s];
    }
  q_mean = q_sum / n;
  for (guint s = 0; s < draws->n_samples; s++)
    q_ss += (q[s] - q_mean) * (q[s] - q_mean);

  *estimate = q_sum / (n - 1.0);
  *standard_error = sqrt (n * (q_ss / (n - 1.0))) / (n - 2.0);
}

static gboolean
monte_carlo_summary (const KsStack              *stack,
                     const gsl_matrix           *inputs,
                     const gsl_matrix           *reference,
                     const KsSpreadSweepOptions *options,
                     guint64                     seed,
                     Progress                   *progress,
                     KsSpreadSweepPoint         *point,
                     GCancellable               *cancellable,
                     GError                    **error)
{
  g_autoptr(KsSamples) samples = NULL;
  g_autofree double *values = NULL;
  gsize p = inputs->size1;
  gsize n_entries = p * (p + 1) / 2;
  double bytes = (double) n_entries * options->n_samples * sizeof (double);
  Draws draws = {
    .top = ks_stack_get_n_layers (stack) - 1,
    .n_points = p,
    .n_entries = n_entries,
    .n_samples = options->n_samples,
    .progress = progress,
  };
  KsSamplerOptions sampler = {
    .n_samples = options->n_samples,
    .seed = seed,
    .n_threads = options->n_threads,
    .visit = draws_visit,
    .visit_data = &draws,
  };

  if (bytes > DRAWS_MEMORY_LIMIT_BYTES ||
      (values = g_try_malloc_n (n_entries, options->n_samples * sizeof (double))) == NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "the spread summary keeps the %zu kernel entries of each of %u networks "
                   "(%.1f GB); use fewer points or networks", n_entries, options->n_samples,
                   bytes / 1e9);
      return FALSE;
    }
  draws.values = values;
  samples = ks_sample_prior (stack, inputs, &sampler, cancellable, error);
  if (samples == NULL)
    return FALSE;
  summarise_draws (&draws, reference, &point->monte_carlo, &point->monte_carlo_se);
  return TRUE;
}

/* Streams of one (depth, width) pair, apart from every other pair's: splitmix64 of the
 * seed and the pair. */
static guint64
point_seed (guint64 seed,
            guint   depth,
            guint   width)
{
  guint64 z = seed ^ (0x9e3779b97f4a7c15ull * ((((guint64) depth) << 32) | width));

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static gboolean
run_point (KsSpreadSweep              *self,
           const KsSpreadSweepOptions *options,
           const gsl_matrix           *inputs,
           const gsl_matrix           *k0,
           const gsl_matrix           *reference,
           KsSpreadSweepPoint         *point,
           Progress                   *progress,
           GCancellable               *cancellable,
           GError                    **error)
{
  g_autoptr(KsStack) stack = ks_spread_sweep_build_stack (self->block, point->depth,
                                                          point->width, error);

  if (stack == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (self->has_analytic && !analytic_summary (stack, k0, reference, &point->analytic, error))
    return FALSE;
  if (options->n_samples > 0 &&
      !monte_carlo_summary (stack, inputs, reference, options,
                            point_seed (options->seed, point->depth, point->width),
                            progress, point, cancellable, error))
    return FALSE;
  report (progress, 1.0);
  return TRUE;
}

/* Networks cost about depth x width each: the progress of a point is weighted so. */
static double
point_cost (guint depth,
            guint width)
{
  return (double) depth * (width + 16.0);
}

static gboolean
run_depth (KsSpreadSweep              *self,
           const KsSpreadSweepOptions *options,
           guint                       d,
           const gsl_matrix           *inputs,
           const gsl_matrix           *k0,
           Progress                   *progress,
           double                      total_cost,
           GCancellable               *cancellable,
           GError                    **error)
{
  g_autoptr(gsl_matrix) reference = reference_kernel (self->block, options->depths[d], k0,
                                                      cancellable, error);

  if (reference == NULL)
    return FALSE;
  for (guint w = 0; w < options->n_widths; w++)
    {
      KsSpreadSweepPoint *point = &self->points[d * options->n_widths + w];

      progress->share = point_cost (point->depth, point->width) / total_cost;
      if (!run_point (self, options, inputs, k0, reference, point, progress,
                      cancellable, error))
        {
          g_prefix_error (error, "depth %u, width %u: ", point->depth, point->width);
          return FALSE;
        }
      progress->done += progress->share;
    }
  return TRUE;
}

static KsSpreadSweep *
sweep_new (const KsSpreadSweepOptions *options,
           guint                       n_points)
{
  KsSpreadSweep *self = g_new0 (KsSpreadSweep, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->block = options->block != NULL ? ks_stack_copy (options->block) : default_block ();
  self->n_depths = options->n_depths;
  self->n_widths = options->n_widths;
  self->n_points = n_points;
  self->n_samples = options->n_samples;
  self->has_analytic = ks_stack_is_deep_linear (self->block);
  self->points = g_new0 (KsSpreadSweepPoint, options->n_depths * options->n_widths);
  for (guint d = 0; d < options->n_depths; d++)
    for (guint w = 0; w < options->n_widths; w++)
      self->points[d * options->n_widths + w] = (KsSpreadSweepPoint) {
        .depth = options->depths[d],
        .width = options->widths[w],
        .analytic = NAN,
        .monte_carlo = NAN,
        .monte_carlo_se = NAN,
      };
  return self;
}

KsSpreadSweep *
ks_spread_sweep_run (const KsSpreadSweepOptions *options,
                     const gsl_matrix           *inputs,
                     KsSpreadSweepProgressFunc   progress,
                     gpointer                    user_data,
                     GCancellable               *cancellable,
                     GError                    **error)
{
  g_autoptr(KsSpreadSweep) self = NULL;
  g_autoptr(gsl_matrix) k0 = NULL;
  Progress state = { progress, user_data, 0.0, 0.0 };
  double total_cost = 0.0;

  g_return_val_if_fail (options != NULL && inputs != NULL, NULL);

  ks_core_init ();
  if (!check_options (options, inputs, error) ||
      (options->block != NULL && !check_block (options->block, error)))
    return NULL;

  self = sweep_new (options, inputs->size1);
  k0 = gsl_matrix_alloc (inputs->size1, inputs->size1);
  ks_gram (inputs, 1.0 / inputs->size2, k0);
  for (guint d = 0; d < options->n_depths; d++)
    for (guint w = 0; w < options->n_widths; w++)
      total_cost += point_cost (options->depths[d], options->widths[w]);

  for (guint d = 0; d < options->n_depths; d++)
    if (!run_depth (self, options, d, inputs, k0, &state, total_cost, cancellable, error))
      return NULL;
  return g_steal_pointer (&self);
}

KsSpreadSweep *
ks_spread_sweep_ref (KsSpreadSweep *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ks_spread_sweep_unref (KsSpreadSweep *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  ks_stack_unref (self->block);
  g_free (self->points);
  g_free (self);
}

const KsStack *
ks_spread_sweep_get_block (const KsSpreadSweep *self)
{
  return self->block;
}

guint
ks_spread_sweep_get_n_depths (const KsSpreadSweep *self)
{
  return self->n_depths;
}

guint
ks_spread_sweep_get_n_widths (const KsSpreadSweep *self)
{
  return self->n_widths;
}

guint
ks_spread_sweep_get_n_points (const KsSpreadSweep *self)
{
  return self->n_points;
}

guint
ks_spread_sweep_get_n_samples (const KsSpreadSweep *self)
{
  return self->n_samples;
}

gboolean
ks_spread_sweep_has_analytic (const KsSpreadSweep *self)
{
  return self->has_analytic;
}

const KsSpreadSweepPoint *
ks_spread_sweep_get_point (const KsSpreadSweep *self,
                           guint                depth_index,
                           guint                width_index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (depth_index < self->n_depths && width_index < self->n_widths, NULL);

  return &self->points[depth_index * self->n_widths + width_index];
}
