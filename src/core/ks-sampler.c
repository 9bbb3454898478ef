/* ks-sampler.c: finite-width networks drawn from the prior, and their per-layer Gram matrices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Between layers a sample holds either features F (P x N, Gram F F^T / N) or, after an
 * infinite layer or a Wishart shortcut, only a Gram matrix. Every layer's route is planned
 * once before sampling, so a nonlinearity after a finite layer always finds features.
 * Samples run on worker threads and are merged strictly in sample order, so the statistics
 * are the same bit for bit whatever the number of threads.
 */
#include "ks-sampler.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>

#include "ks-activation.h"
#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-nngp.h"
#include "ks-rng.h"
#include "ks-running-stats.h"

/* Multiply-adds between two cancellation checks: a few ms on one core, so a cancelled
 * job stops well within 100 ms. */
#define BLOCK_WORK 3e7
#define BLOCK_COLUMNS_MAX 512
#define MEMORY_LIMIT_GIB 8.0

typedef enum
{
  ROUTE_DENSE_FROM_FEATURES,  /* F = sqrt(sw2 / M) H W + sqrt(sb2) 1 b^T */
  ROUTE_DENSE_FROM_GRAM,      /* F = chol(C) Z */
  ROUTE_DENSE_WISHART,        /* G ~ W(C / N, N) directly, no features */
  ROUTE_PHI_FEATURES,         /* phi applied to the features */
  ROUTE_INFINITE_MAP,         /* infinite dense, readout, nonlinearity of a Gram-only state */
  ROUTE_KEEP,                 /* identity */
} Route;

struct _KsSamples
{
  guint        n_samples;   /* merged so far */
  guint        n_layers;
  gsl_matrix **mean;
  gsl_matrix **m2;          /* Welford's sums of squared deviations */
  gsl_matrix **std;
  gsl_matrix **first;
  double       max_jitter;
};

/* One sample's Gram matrices, from its worker until they are merged. */
typedef struct
{
  gsl_matrix **grams;
  guint        n_layers;
  double       max_jitter;
} SampleGrams;

typedef struct
{
  const KsStack          *stack;
  const gsl_matrix       *inputs;
  const KsSamplerOptions *options;
  GCancellable           *cancellable;
  guint                   n_layers;
  gsize                   n_points;
  Route                  *routes;
  gsize                   features_width;  /* widest features a sample holds; 0: none */
  gsize                   weights_block;   /* doubles in the largest column block of W */
  gsize                   bias_width;
  gsl_matrix             *input_gram;

  GMutex        lock;
  GCond         cond;
  guint         n_workers;
  guint         window;      /* at most this many samples claimed and not yet merged */
  guint         next_claim;
  guint         next_merge;
  SampleGrams **pending;     /* window slots, indexed by sample % window */
  GPtrArray    *spare;       /* merged SampleGrams, for reuse */
  KsSamples    *samples;
  gint          stop;        /* atomic: an error or a cancellation ends every worker */
  GError       *error;
} SamplerRun;

/* Buffers of one worker thread, reused by each of its samples. */
typedef struct
{
  double     *features[2];   /* P x width each: a layer reads one and writes the other */
  double     *weights;       /* one column block of W */
  double     *bias;
  gsl_matrix *chol;          /* C, then its Cholesky factor */
  gsl_matrix *work;
} Worker;

/* What a sample holds between layers. */
typedef struct
{
  const double     *features;  /* NULL when only the Gram matrix is known */
  gsize             width;
  gsize             tda;
  int               buffer;    /* the worker buffer holding them; -1 for the inputs */
  const gsl_matrix *gram;
} SampleState;

/* Columns per block when a product over n_columns costs work_per_column multiply-adds per
 * column: blocks of equal size, none over the work limit. */
static gsize
block_columns (gsize  n_columns,
               double work_per_column)
{
  double limit = MIN (BLOCK_WORK / MAX (work_per_column, 1.0), BLOCK_COLUMNS_MAX);
  gsize max_columns = MAX ((gsize) limit, 1);
  gsize n_blocks = (n_columns + max_columns - 1) / max_columns;

  return (n_columns + n_blocks - 1) / MAX (n_blocks, 1);
}

static gboolean
sampler_run_should_stop (SamplerRun *run)
{
  return g_atomic_int_get (&run->stop) || g_cancellable_is_cancelled (run->cancellable);
}

/* ---- KsSamples ---- */

static KsSamples *
ks_samples_new (guint n_layers,
                gsize n_points)
{
  KsSamples *self = g_new0 (KsSamples, 1);

  self->n_layers = n_layers;
  self->mean = ks_matrix_array_new (n_layers, n_points);
  self->m2 = ks_matrix_array_new (n_layers, n_points);
  self->std = ks_matrix_array_new (n_layers, n_points);
  self->first = ks_matrix_array_new (n_layers, n_points);
  if (!ks_matrix_array_complete (self->mean, n_layers)
      || !ks_matrix_array_complete (self->m2, n_layers)
      || !ks_matrix_array_complete (self->std, n_layers)
      || !ks_matrix_array_complete (self->first, n_layers))
    g_clear_pointer (&self, ks_samples_free);
  return self;
}

void
ks_samples_free (KsSamples *self)
{
  if (self == NULL)
    return;
  ks_matrix_array_free (self->mean, self->n_layers);
  ks_matrix_array_free (self->m2, self->n_layers);
  ks_matrix_array_free (self->std, self->n_layers);
  ks_matrix_array_free (self->first, self->n_layers);
  g_free (self);
}

/* Welford's update of one layer by the sample that makes the count n; samples arrive one at
 * a time in sample order, so the sums never depend on which thread finished first. */
static void
ks_samples_merge_layer (KsSamples        *self,
                        guint             layer,
                        const gsl_matrix *gram,
                        guint             n)
{
  const double *restrict x = gram->data;
  double *restrict mean = self->mean[layer]->data;
  double *restrict m2 = self->m2[layer]->data;
  gsize count = gram->size1 * gram->size2;
  double inv_n = 1.0 / n;

  if (n == 1)
    {
      gsl_matrix_memcpy (self->first[layer], gram);
      gsl_matrix_memcpy (self->mean[layer], gram);
      gsl_matrix_set_zero (self->m2[layer]);
      return;
    }
  for (gsize k = 0; k < count; k++)
    {
      double delta = x[k] - mean[k];

      mean[k] += delta * inv_n;
      m2[k] += delta * (x[k] - mean[k]);
    }
}

static void
ks_samples_update_std (KsSamples *self)
{
  for (guint l = 0; l < self->n_layers; l++)
    ks_running_std (self->std[l], self->m2[l], self->n_samples);
}

guint
ks_samples_get_n_samples (const KsSamples *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_samples;
}

guint
ks_samples_get_n_layers (const KsSamples *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_layers;
}

const gsl_matrix *
ks_samples_get_mean (const KsSamples *self,
                     guint            layer)
{
  g_return_val_if_fail (self != NULL && layer < self->n_layers, NULL);
  return self->mean[layer];
}

const gsl_matrix *
ks_samples_get_std (const KsSamples *self,
                    guint            layer)
{
  g_return_val_if_fail (self != NULL && layer < self->n_layers, NULL);
  return self->std[layer];
}

const gsl_matrix *
ks_samples_get_first (const KsSamples *self,
                      guint            layer)
{
  g_return_val_if_fail (self != NULL && layer < self->n_layers, NULL);
  return self->first[layer];
}

double
ks_samples_get_max_jitter (const KsSamples *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->max_jitter;
}

/* ---- Wishart ---- */

/* Bartlett's factor A, row by row: N(0, 1) below the diagonal, A_ii = sqrt(chi2(dof - i)),
 * zeros above. */
static void
bartlett_factor_draw (gsl_rng    *rng,
                      guint       dof,
                      gsl_matrix *a)
{
  gsize p = a->size1;

  for (gsize i = 0; i < p; i++)
    {
      double *row = gsl_matrix_ptr (a, i, 0);

      ks_rng_fill_gaussian (rng, row, i);
      row[i] = sqrt (gsl_ran_chisq (rng, (double) dof - (double) i));
      memset (row + i + 1, 0, (p - i - 1) * sizeof (double));
    }
}

/* out = (L A)(L A)^T / dof, with L A formed in place of a. Written out rather than through
 * gsl_ran_wishart because both factors are lower triangular: a block of columns starting at
 * j involves only rows from j on, which saves two thirds of the work, and the blocks let a
 * cancellation through (run may be NULL). */
static gboolean
wishart_from_bartlett (SamplerRun       *run,
                       const gsl_matrix *l,
                       guint             dof,
                       gsl_matrix       *a,
                       gsl_matrix       *out)
{
  gsize p = a->size1;
  gsize block = block_columns (p, (double) p * p / 2.0);

  for (gsize start = 0; start < p; start += block)
    {
      if (run != NULL && sampler_run_should_stop (run))
        return FALSE;
      cblas_dtrmm (CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
                   (int) (p - start), (int) MIN (block, p - start),
                   1.0, gsl_matrix_const_ptr (l, start, start), (int) l->tda,
                   gsl_matrix_ptr (a, start, start), (int) a->tda);
    }
  gsl_matrix_set_zero (out);
  for (gsize start = 0; start < p; start += block)
    {
      if (run != NULL && sampler_run_should_stop (run))
        return FALSE;
      cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans,
                   (int) (p - start), (int) MIN (block, p - start),
                   1.0 / dof, gsl_matrix_const_ptr (a, start, start), (int) a->tda,
                   1.0, gsl_matrix_ptr (out, start, start), (int) out->tda);
    }
  ks_matrix_symmetrize_from_lower (out);
  return TRUE;
}

void
ks_wishart_sample (gsl_rng          *rng,
                   const gsl_matrix *scale_chol,
                   guint             dof,
                   gsl_matrix       *out,
                   gsl_matrix       *work)
{
  g_return_if_fail (scale_chol->size1 == scale_chol->size2);
  g_return_if_fail (dof >= scale_chol->size1);
  g_return_if_fail (out->size1 == scale_chol->size1 && out->size2 == scale_chol->size1);
  g_return_if_fail (work->size1 == scale_chol->size1 && work->size2 == scale_chol->size1);

  ks_core_init ();
  bartlett_factor_draw (rng, dof, work);
  wishart_from_bartlett (NULL, scale_chol, dof, work, out);
}

/* ---- Planning ---- */

/* Whether a nonlinearity (other than the identity) reads the features this layer makes. */
static gboolean
features_needed_after (const KsStack *stack,
                       guint          index)
{
  for (guint i = index + 1; i < ks_stack_get_n_layers (stack); i++)
    {
      KsLayerKind kind = ks_stack_get_layer (stack, i)->kind;

      if (kind != KS_LAYER_IDENTITY)
        return ks_layer_kind_is_nonlinearity (kind);
    }
  return FALSE;
}

/* features_width: of the features the layer could read, 0 when there are none. */
static Route
plan_dense (const KsStack *stack,
            guint          index,
            gsize          n_points,
            gsize          features_width)
{
  double p = (double) n_points;
  double n = ks_stack_get_layer (stack, index)->width;

  if (n == KS_WIDTH_INFINITE)
    return ROUTE_INFINITE_MAP;
  /* Bartlett costs O(P^3), features and their Gram O(P^2 N). */
  if (!features_needed_after (stack, index) && n > p)
    return ROUTE_DENSE_WISHART;
  if (features_width > 0 && p * features_width * n <= p * p * p / 3.0 + p * p * n)
    return ROUTE_DENSE_FROM_FEATURES;
  return ROUTE_DENSE_FROM_GRAM;
}

static Route
plan_layer (const KsStack *stack,
            guint          index,
            gsize          n_points,
            gsize          features_width)
{
  switch (ks_stack_get_layer (stack, index)->kind)
    {
    case KS_LAYER_DENSE:
      return plan_dense (stack, index, n_points, features_width);
    case KS_LAYER_IDENTITY:
      return ROUTE_KEEP;
    case KS_LAYER_READOUT:
      return ROUTE_INFINITE_MAP;
    case KS_LAYER_RELU:
    case KS_LAYER_ERF:
    case KS_LAYER_TANH:
    case KS_LAYER_GELU:
    default:
      return features_width > 0 ? ROUTE_PHI_FEATURES : ROUTE_INFINITE_MAP;
    }
}

/* Routes of every layer, and the sizes of the buffers they need. */
static void
sampler_run_plan (SamplerRun *run)
{
  gsize p = run->n_points;
  gsize width = run->inputs->size2;

  run->routes = g_new (Route, run->n_layers);
  for (guint i = 0; i < run->n_layers; i++)
    {
      const KsLayer *layer = ks_stack_get_layer (run->stack, i);
      Route route = plan_layer (run->stack, i, p, width);

      run->routes[i] = route;
      switch (route)
        {
        case ROUTE_DENSE_FROM_FEATURES:
          run->weights_block = MAX (run->weights_block,
                                    width * block_columns (layer->width, (double) p * width));
          run->bias_width = MAX (run->bias_width, layer->width);
          width = layer->width;
          break;
        case ROUTE_DENSE_FROM_GRAM:
          width = layer->width;
          break;
        case ROUTE_DENSE_WISHART:
        case ROUTE_INFINITE_MAP:
          width = 0;
          break;
        case ROUTE_PHI_FEATURES:
        case ROUTE_KEEP:
        default:
          break;
        }
      if (route == ROUTE_DENSE_FROM_FEATURES || route == ROUTE_DENSE_FROM_GRAM
          || route == ROUTE_PHI_FEATURES)
        run->features_width = MAX (run->features_width, width);
    }
}

/* Everything the run will hold at once: the statistics (mean, M2, std, first per layer), the
 * Gram matrices of the samples in flight, and each worker's features and factors. */
static gboolean
sampler_run_check_memory (SamplerRun *run,
                          GError    **error)
{
  double p = (double) run->n_points;
  double per_layer = p * p;
  double shared = per_layer * (1.0 + 4.0 * run->n_layers);
  double in_flight = (double) run->window * run->n_layers * per_layer;
  double per_worker = 2.0 * p * run->features_width + run->weights_block + run->bias_width
                      + 2.0 * per_layer;
  double gib = sizeof (double) * (shared + in_flight + run->n_workers * per_worker)
               / (1024.0 * 1024.0 * 1024.0);

  if (gib <= MEMORY_LIMIT_GIB)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
               "sampling would need about %.1f GiB of memory (%zu points, features up to "
               "%zu wide, %u layers, %u threads), more than the limit of %.0f GiB: "
               "use fewer points, narrower layers or fewer threads",
               gib, run->n_points, run->features_width, run->n_layers, run->n_workers,
               MEMORY_LIMIT_GIB);
  return FALSE;
}

/* ---- One layer of one sample ---- */

/* g = alpha F F^T, by column blocks of F so that a cancellation is noticed quickly. */
static gboolean
gram_in_blocks (SamplerRun   *run,
                const double *f,
                gsize         width,
                gsize         tda,
                double        alpha,
                gsl_matrix   *g)
{
  gsize p = g->size1;
  gsize block = block_columns (width, (double) p * p / 2.0);

  for (gsize start = 0; start < width; start += block)
    {
      if (sampler_run_should_stop (run))
        return FALSE;
      cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans,
                   (int) p, (int) MIN (block, width - start),
                   alpha, f + start, (int) tda,
                   start == 0 ? 0.0 : 1.0, g->data, (int) g->tda);
    }
  ks_matrix_symmetrize_from_lower (g);
  return TRUE;
}

/* out (P x N) = sqrt(sw2 / M) H W + sqrt(sb2) 1 b^T, drawing b, then W block by block. */
static gboolean
dense_from_features (SamplerRun        *run,
                     Worker            *worker,
                     const KsLayer     *layer,
                     gsl_rng           *rng,
                     const SampleState *state,
                     double            *out)
{
  gsize p = run->n_points, m = state->width, n = layer->width;
  gsize block = block_columns (n, (double) p * m);
  double scale = sqrt (layer->weight_var / m);

  if (layer->bias_var > 0.0)
    ks_rng_fill_gaussian (rng, worker->bias, n);
  for (gsize start = 0; start < n; start += block)
    {
      gsize columns = MIN (block, n - start);

      if (sampler_run_should_stop (run))
        return FALSE;
      ks_rng_fill_gaussian (rng, worker->weights, m * columns);
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                   (int) p, (int) columns, (int) m,
                   scale, state->features, (int) state->tda,
                   worker->weights, (int) columns,
                   0.0, out + start, (int) n);
    }
  if (layer->bias_var > 0.0)
    {
      double bias_scale = sqrt (layer->bias_var);

      for (gsize i = 0; i < p; i++)
        for (gsize j = 0; j < n; j++)
          out[i * n + j] += bias_scale * worker->bias[j];
    }
  return TRUE;
}

/* worker->chol = the lower Cholesky factor of C = sw2 G + sb2 1 1^T. */
static gboolean
dense_covariance_factor (SamplerRun        *run,
                         Worker            *worker,
                         const KsLayer     *layer,
                         const SampleState *state,
                         double            *jitter,
                         GError           **error)
{
  if (!ks_layer_forward_infinite (layer, state->gram, worker->chol, run->cancellable, error))
    return FALSE;
  return ks_cholesky_with_jitter_cancellable (worker->chol, "the pre-activation covariance",
                                              jitter, run->cancellable, error);
}

/* out (P x N) = L Z: Z is drawn row by row within each column block, then multiplied in place. */
static gboolean
dense_from_gram (SamplerRun        *run,
                 Worker            *worker,
                 const KsLayer     *layer,
                 gsl_rng           *rng,
                 const SampleState *state,
                 double            *out,
                 double            *jitter,
                 GError           **error)
{
  gsize p = run->n_points, n = layer->width;
  gsize block = block_columns (n, (double) p * p / 2.0);

  if (!dense_covariance_factor (run, worker, layer, state, jitter, error))
    return FALSE;
  for (gsize start = 0; start < n; start += block)
    {
      gsize columns = MIN (block, n - start);

      if (sampler_run_should_stop (run))
        return FALSE;
      for (gsize i = 0; i < p; i++)
        ks_rng_fill_gaussian (rng, out + i * n + start, columns);
      cblas_dtrmm (CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
                   (int) p, (int) columns, 1.0, worker->chol->data, (int) worker->chol->tda,
                   out + start, (int) n);
    }
  return TRUE;
}

static void
apply_nonlinearity (KsLayerKind        kind,
                    const SampleState *state,
                    gsize              n_points,
                    double            *out)
{
  for (gsize i = 0; i < n_points; i++)
    {
      const double *row = state->features + i * state->tda;
      double *out_row = out + i * state->width;

      for (gsize j = 0; j < state->width; j++)
        out_row[j] = ks_activation_apply (kind, row[j]);
    }
}

static void
sample_state_set_features (SampleState *state,
                           double      *features,
                           gsize        width,
                           int          buffer)
{
  state->features = features;
  state->width = width;
  state->tda = width;
  state->buffer = buffer;
}

/* Features, when the route makes them, go to the buffer the state is not reading. */
static gboolean
sample_layer (SamplerRun  *run,
              Worker      *worker,
              guint        sample,
              guint        index,
              SampleState *state,
              gsl_matrix  *gram,
              double      *jitter,
              GError     **error)
{
  const KsLayer *layer = ks_stack_get_layer (run->stack, index);
  int target = state->buffer == 0 ? 1 : 0;
  double *out = worker->features[target];
  g_autoptr(gsl_rng) rng = NULL;

  switch (run->routes[index])
    {
    case ROUTE_DENSE_FROM_FEATURES:
      rng = ks_rng_new_stream (run->options->seed, sample, index);
      if (!dense_from_features (run, worker, layer, rng, state, out))
        return FALSE;
      sample_state_set_features (state, out, layer->width, target);
      return gram_in_blocks (run, out, layer->width, layer->width, 1.0 / layer->width, gram);

    case ROUTE_DENSE_FROM_GRAM:
      rng = ks_rng_new_stream (run->options->seed, sample, index);
      if (!dense_from_gram (run, worker, layer, rng, state, out, jitter, error))
        return FALSE;
      sample_state_set_features (state, out, layer->width, target);
      return gram_in_blocks (run, out, layer->width, layer->width, 1.0 / layer->width, gram);

    case ROUTE_DENSE_WISHART:
      rng = ks_rng_new_stream (run->options->seed, sample, index);
      if (!dense_covariance_factor (run, worker, layer, state, jitter, error))
        return FALSE;
      bartlett_factor_draw (rng, layer->width, worker->work);
      state->features = NULL;
      return wishart_from_bartlett (run, worker->chol, layer->width, worker->work, gram);

    case ROUTE_PHI_FEATURES:
      /* In place, unless the features are the caller's inputs. */
      if (state->buffer >= 0)
        target = state->buffer;
      out = worker->features[target];
      apply_nonlinearity (layer->kind, state, run->n_points, out);
      sample_state_set_features (state, out, state->width, target);
      return gram_in_blocks (run, out, state->width, state->width, 1.0 / state->width, gram);

    case ROUTE_INFINITE_MAP:
      state->features = NULL;
      return ks_layer_forward_infinite (layer, state->gram, gram, run->cancellable, error);

    case ROUTE_KEEP:
    default:
      gsl_matrix_memcpy (gram, state->gram);
      return TRUE;
    }
}

/* Names the layer and the sample in an error, which a cancellation does not need. */
static void
propagate_layer_error (SamplerRun *run,
                       guint       sample,
                       guint       index,
                       GError     *layer_error,
                       GError    **error)
{
  g_autofree char *name = ks_layer_describe (ks_stack_get_layer (run->stack, index));

  if (g_error_matches (layer_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, layer_error);
      return;
    }
  g_propagate_prefixed_error (error, layer_error, "layer %u (%s), sample %u of %u: ",
                              index + 1, name, sample + 1, run->options->n_samples);
}

/* FALSE without an error when the run was stopped. */
static gboolean
sample_network (SamplerRun  *run,
                Worker      *worker,
                guint        sample,
                SampleGrams *out,
                GError     **error)
{
  SampleState state = {
    .features = run->inputs->data,
    .width = run->inputs->size2,
    .tda = run->inputs->tda,
    .buffer = -1,
    .gram = run->input_gram,
  };

  out->max_jitter = 0.0;
  for (guint i = 0; i < run->n_layers; i++)
    {
      GError *layer_error = NULL;
      double jitter = 0.0;

      if (sampler_run_should_stop (run))
        return FALSE;
      if (!sample_layer (run, worker, sample, i, &state, out->grams[i], &jitter, &layer_error)
          || !ks_matrix_check_finite (out->grams[i], "the Gram matrix", &layer_error))
        {
          if (layer_error != NULL)
            propagate_layer_error (run, sample, i, layer_error, error);
          return FALSE;
        }
      out->max_jitter = MAX (out->max_jitter, jitter);
      state.gram = out->grams[i];
    }
  return TRUE;
}

/* ---- Workers ---- */

static void
sample_grams_free (SampleGrams *self)
{
  if (self == NULL)
    return;
  ks_matrix_array_free (self->grams, self->n_layers);
  g_free (self);
}

static SampleGrams *
sample_grams_new (guint n_layers,
                  gsize n_points)
{
  SampleGrams *self = g_new0 (SampleGrams, 1);

  self->n_layers = n_layers;
  self->grams = ks_matrix_array_new (n_layers, n_points);
  if (!ks_matrix_array_complete (self->grams, n_layers))
    g_clear_pointer (&self, sample_grams_free);
  return self;
}

static void
worker_free (Worker *self)
{
  if (self == NULL)
    return;
  g_free (self->features[0]);
  g_free (self->features[1]);
  g_free (self->weights);
  g_free (self->bias);
  g_clear_pointer (&self->chol, gsl_matrix_free);
  g_clear_pointer (&self->work, gsl_matrix_free);
  g_free (self);
}

/* NULL when memory runs out. */
static Worker *
worker_new (const SamplerRun *run)
{
  Worker *self = g_new0 (Worker, 1);
  gsize features = run->n_points * run->features_width;
  gboolean ok = TRUE;

  if (features > 0)
    {
      self->features[0] = g_try_new (double, features);
      self->features[1] = g_try_new (double, features);
      ok = self->features[0] != NULL && self->features[1] != NULL;
    }
  if (run->weights_block > 0)
    ok = ok && (self->weights = g_try_new (double, run->weights_block)) != NULL;
  if (run->bias_width > 0)
    ok = ok && (self->bias = g_try_new (double, run->bias_width)) != NULL;
  ok = ok && (self->chol = gsl_matrix_alloc (run->n_points, run->n_points)) != NULL;
  ok = ok && (self->work = gsl_matrix_alloc (run->n_points, run->n_points)) != NULL;
  if (!ok)
    g_clear_pointer (&self, worker_free);
  return self;
}

static void
set_out_of_memory (GError **error)
{
  g_set_error_literal (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                       "the sampler ran out of memory: use fewer points or narrower layers");
}

/* Ends the run for every worker; the first real error is kept, a cancellation is reported
 * by the caller. */
static void
sampler_run_fail (SamplerRun  *run,
                  SampleGrams *grams,
                  GError      *error)
{
  g_mutex_lock (&run->lock);
  if (error != NULL && run->error == NULL
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    run->error = g_steal_pointer (&error);
  g_clear_error (&error);
  g_atomic_int_set (&run->stop, 1);
  if (grams != NULL)
    g_ptr_array_add (run->spare, grams);
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);
}

/* The next sample to compute, waiting while the window of unmerged samples is full. */
static gboolean
sampler_run_claim (SamplerRun   *run,
                   guint        *sample,
                   SampleGrams **grams)
{
  guint n_samples = run->options->n_samples;
  GError *error = NULL;

  g_mutex_lock (&run->lock);
  while (!sampler_run_should_stop (run) && run->next_claim < n_samples
         && run->next_claim >= run->next_merge + run->window)
    g_cond_wait (&run->cond, &run->lock);
  if (sampler_run_should_stop (run) || run->next_claim >= n_samples)
    {
      g_mutex_unlock (&run->lock);
      return FALSE;
    }
  *sample = run->next_claim++;
  *grams = run->spare->len > 0
           ? g_ptr_array_steal_index_fast (run->spare, run->spare->len - 1)
           : NULL;
  g_mutex_unlock (&run->lock);

  if (*grams == NULL && (*grams = sample_grams_new (run->n_layers, run->n_points)) == NULL)
    {
      set_out_of_memory (&error);
      sampler_run_fail (run, NULL, error);
      return FALSE;
    }
  return TRUE;
}

/* One finished sample into the statistics; FALSE when the run stopped half way, which leaves
 * statistics that are discarded anyway. */
static gboolean
sampler_run_merge (SamplerRun        *run,
                   const SampleGrams *grams)
{
  KsSamples *samples = run->samples;
  guint n = samples->n_samples + 1;

  for (guint l = 0; l < run->n_layers; l++)
    {
      if (sampler_run_should_stop (run))
        return FALSE;
      ks_samples_merge_layer (samples, l, grams->grams[l], n);
    }
  samples->n_samples = n;
  samples->max_jitter = MAX (samples->max_jitter, grams->max_jitter);
  return TRUE;
}

/* Merges, under the lock, every finished sample whose predecessors are all merged. */
static void
sampler_run_merge_ready (SamplerRun *run)
{
  while (run->next_merge < run->options->n_samples)
    {
      guint slot = run->next_merge % run->window;
      SampleGrams *grams = run->pending[slot];

      if (grams == NULL)
        break;
      run->pending[slot] = NULL;
      g_ptr_array_add (run->spare, grams);
      if (!sampler_run_merge (run, grams))
        break;
      if (run->options->visit != NULL)
        {
          ks_samples_update_std (run->samples);
          run->options->visit (run->next_merge, (gsl_matrix * const *) grams->grams,
                               run->n_layers, run->samples, run->options->visit_data);
        }
      run->next_merge++;
    }
  g_cond_broadcast (&run->cond);
}

static void
sampler_run_finish_sample (SamplerRun  *run,
                           guint        sample,
                           SampleGrams *grams)
{
  g_mutex_lock (&run->lock);
  run->pending[sample % run->window] = grams;
  sampler_run_merge_ready (run);
  g_mutex_unlock (&run->lock);
}

static gpointer
sampler_worker (gpointer data)
{
  SamplerRun *run = data;
  Worker *worker = worker_new (run);
  SampleGrams *grams;
  guint sample;

  if (worker == NULL)
    {
      GError *error = NULL;

      set_out_of_memory (&error);
      sampler_run_fail (run, NULL, error);
      return NULL;
    }
  while (sampler_run_claim (run, &sample, &grams))
    {
      GError *error = NULL;

      if (!sample_network (run, worker, sample, grams, &error))
        {
          sampler_run_fail (run, grams, error);
          break;
        }
      sampler_run_finish_sample (run, sample, grams);
    }
  worker_free (worker);
  return NULL;
}

/* Runs the workers, one of them on the calling thread, until every sample is merged or the
 * run stops. */
static void
sampler_run_workers (SamplerRun *run)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  for (guint i = 1; i < run->n_workers; i++)
    {
      GThread *thread = g_thread_try_new ("ks-sampler", sampler_worker, run, NULL);

      /* Fewer threads change only the speed, never the result. */
      if (thread != NULL)
        g_ptr_array_add (threads, thread);
    }
  sampler_worker (run);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
}

/* ---- Entry point ---- */

static gboolean
check_request (const KsStack          *stack,
               const gsl_matrix       *inputs,
               const KsSamplerOptions *options,
               GError                **error)
{
  if (ks_stack_get_n_layers (stack) == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID, "the stack has no layers");
      return FALSE;
    }
  if (options->n_samples == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the number of samples must be at least 1");
      return FALSE;
    }
  if (inputs->size1 == 0 || inputs->size2 == 0 || inputs->size1 > G_MAXINT
      || inputs->size2 > G_MAXINT)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the inputs must have between 1 and %d rows and columns, got %zu x %zu",
                   G_MAXINT, inputs->size1, inputs->size2);
      return FALSE;
    }
  return ks_matrix_check_finite (inputs, "the input matrix", error);
}

static void
sampler_run_clear (SamplerRun *run)
{
  if (run->pending != NULL)
    for (guint i = 0; i < run->window; i++)
      sample_grams_free (run->pending[i]);
  g_free (run->pending);
  g_clear_pointer (&run->spare, g_ptr_array_unref);
  g_clear_pointer (&run->samples, ks_samples_free);
  g_clear_pointer (&run->input_gram, gsl_matrix_free);
  g_clear_error (&run->error);
  g_free (run->routes);
  g_mutex_clear (&run->lock);
  g_cond_clear (&run->cond);
}

/* Allocations shared by every worker; FALSE when memory runs out or on cancellation. */
static gboolean
sampler_run_prepare (SamplerRun *run,
                     GError    **error)
{
  const gsl_matrix *x = run->inputs;

  run->pending = g_new0 (SampleGrams *, run->window);
  run->spare = g_ptr_array_new_with_free_func ((GDestroyNotify) sample_grams_free);
  run->samples = ks_samples_new (run->n_layers, run->n_points);
  run->input_gram = gsl_matrix_alloc (run->n_points, run->n_points);
  if (run->samples == NULL || run->input_gram == NULL)
    {
      set_out_of_memory (error);
      return FALSE;
    }
  if (!gram_in_blocks (run, x->data, x->size2, x->tda, 1.0 / x->size2, run->input_gram))
    {
      g_cancellable_set_error_if_cancelled (run->cancellable, error);
      return FALSE;
    }
  return TRUE;
}

static KsSamples *
sampler_run_take_result (SamplerRun *run,
                         GError    **error)
{
  if (run->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&run->error));
      return NULL;
    }
  if (run->next_merge < run->options->n_samples)
    {
      if (!g_cancellable_set_error_if_cancelled (run->cancellable, error))
        g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                             "sampling stopped before every sample was drawn");
      return NULL;
    }
  ks_samples_update_std (run->samples);
  /* The sums of squares only served the merging. */
  ks_matrix_array_free (run->samples->m2, run->samples->n_layers);
  run->samples->m2 = NULL;
  return g_steal_pointer (&run->samples);
}

KsSamples *
ks_sample_prior (const KsStack          *stack,
                 const gsl_matrix       *inputs,
                 const KsSamplerOptions *options,
                 GCancellable           *cancellable,
                 GError                **error)
{
  SamplerRun run = { 0 };
  KsSamples *result = NULL;

  g_return_val_if_fail (stack != NULL && inputs != NULL && options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ks_core_init ();
  if (!check_request (stack, inputs, options, error))
    return NULL;

  g_mutex_init (&run.lock);
  g_cond_init (&run.cond);
  run.stack = stack;
  run.inputs = inputs;
  run.options = options;
  run.cancellable = cancellable;
  run.n_layers = ks_stack_get_n_layers (stack);
  run.n_points = inputs->size1;
  run.n_workers = MIN (options->n_threads > 0 ? options->n_threads : ks_default_n_threads (),
                       options->n_samples);
  run.window = 2 * run.n_workers;
  sampler_run_plan (&run);

  if (sampler_run_check_memory (&run, error) && sampler_run_prepare (&run, error))
    {
      sampler_run_workers (&run);
      result = sampler_run_take_result (&run, error);
    }
  sampler_run_clear (&run);
  return result;
}
