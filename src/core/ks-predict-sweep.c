/* ks-predict-sweep.c: test scores of the NNGP and of the deep kernel machine against the
 * width scale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-predict-sweep.h"

#include <math.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-nngp.h"
#include "ks-predict.h"

/* Of the whole sweep's progress, the NNGP's share; the solves divide the rest. */
#define NNGP_SHARE 0.05

struct _KsPredictSweep
{
  gatomicrefcount  ref_count;
  KsStack         *stack;
  KsPredictMetric  metric;
  guint            n_points;
  gboolean        *is_test;
  double           test_fraction;
  guint64          seed;
  guint            n_layers;
  guint            layer;           /* or KS_PREDICT_SWEEP_ALL_LAYERS */
  guint            n_width_scales;
  KsPredictScore  *nngp;            /* n_layers */
  KsPredictScore  *dkm;             /* n_width_scales x n_layers */
  KsPredictFit    *fits;            /* n_width_scales */
};

const char *
ks_predict_metric_to_string (KsPredictMetric metric)
{
  switch (metric)
    {
    case KS_PREDICT_ACCURACY:
      return "accuracy";
    case KS_PREDICT_RMSE:
      return "rmse";
    default:
      g_return_val_if_reached (NULL);
    }
}

void
ks_predict_sweep_options_init (KsPredictSweepOptions *options)
{
  KsDkmOptions dkm;

  g_return_if_fail (options != NULL);

  ks_dkm_options_init (&dkm);
  *options = (KsPredictSweepOptions) {
    .test_fraction = 0.2,
    .layer = KS_PREDICT_SWEEP_ALL_LAYERS,
    .metric = KS_PREDICT_ACCURACY,
    .gradient_tolerance = dkm.gradient_tolerance,
    .max_iterations = dkm.max_iterations,
  };
}

/* ---- The object ---- */

static KsPredictSweep *
predict_sweep_new (const KsStack               *stack,
                   const KsPredictSweepOptions *options,
                   guint                        n_points)
{
  KsPredictSweep *self = g_new0 (KsPredictSweep, 1);
  guint n_layers = ks_stack_get_n_layers (stack);

  g_atomic_ref_count_init (&self->ref_count);
  self->stack = ks_stack_copy (stack);
  self->metric = options->metric;
  self->n_points = n_points;
  self->test_fraction = options->test_fraction;
  self->seed = options->seed;
  self->n_layers = n_layers;
  self->layer = options->layer;
  self->n_width_scales = options->n_width_scales;
  self->nngp = g_new (KsPredictScore, n_layers);
  self->dkm = g_new (KsPredictScore, (gsize) n_layers * options->n_width_scales);
  self->fits = g_new0 (KsPredictFit, options->n_width_scales);
  for (guint l = 0; l < n_layers; l++)
    self->nngp[l] = (KsPredictScore) { NAN, 0.0 };
  for (gsize k = 0; k < (gsize) n_layers * options->n_width_scales; k++)
    self->dkm[k] = (KsPredictScore) { NAN, 0.0 };
  for (guint i = 0; i < options->n_width_scales; i++)
    self->fits[i].width_scale = options->width_scales[i];
  return self;
}

KsPredictSweep *
ks_predict_sweep_ref (KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ks_predict_sweep_unref (KsPredictSweep *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_pointer (&self->stack, ks_stack_unref);
  g_free (self->is_test);
  g_free (self->nngp);
  g_free (self->dkm);
  g_free (self->fits);
  g_free (self);
}

/* ---- Checks ---- */

static gboolean
check_options (const KsStack               *stack,
               const gsl_matrix            *inputs,
               const gsl_matrix            *outputs,
               const int                   *labels,
               const KsPredictSweepOptions *options,
               GError                     **error)
{
  guint n_layers = ks_stack_get_n_layers (stack);

  if (inputs->size1 != outputs->size1 || outputs->size2 == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the inputs (%zu points) and the outputs (%zu x %zu) must cover the same "
                   "points", inputs->size1, outputs->size1, outputs->size2);
      return FALSE;
    }
  if (n_layers == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the network has no layers to predict from");
      return FALSE;
    }
  if (options->layer != KS_PREDICT_SWEEP_ALL_LAYERS && options->layer >= n_layers)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "expected a layer from 1 to %u to predict from, got %u", n_layers,
                   options->layer + 1);
      return FALSE;
    }
  if (options->n_width_scales == 0 || options->width_scales == NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the sweep needs at least one width scale");
      return FALSE;
    }
  for (guint i = 0; i < options->n_width_scales; i++)
    if (!(options->width_scales[i] > 0.0) || !isfinite (options->width_scales[i]))
      {
        g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                     "width scales must be positive and finite, got %g",
                     options->width_scales[i]);
        return FALSE;
      }
  if (options->metric == KS_PREDICT_ACCURACY && labels == NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "test accuracy needs class labels; score real targets by RMSE");
      return FALSE;
    }
  return TRUE;
}

/* ---- Scoring ---- */

typedef struct
{
  const gsl_matrix *outputs;
  const int        *score_labels;  /* NULL: RMSE */
  const gboolean   *is_test;
  double            noise;
} Scoring;

static gboolean
layer_is_scored (const KsPredictSweep *self,
                 guint                 layer)
{
  return self->layer == KS_PREDICT_SWEEP_ALL_LAYERS || self->layer == layer;
}

/* The scored layers of kernels (one per stack layer) into scores. */
static gboolean
score_layers (KsPredictSweep      *self,
              const Scoring       *scoring,
              gsl_matrix * const  *kernels,
              KsPredictScore      *scores,
              GCancellable        *cancellable,
              GError             **error)
{
  for (guint l = 0; l < self->n_layers; l++)
    {
      if (!layer_is_scored (self, l))
        continue;
      if (!ks_predict_score (kernels[l], scoring->outputs, scoring->score_labels,
                             scoring->is_test, scoring->noise, &scores[l].score,
                             &scores[l].jitter, cancellable, error))
        {
          if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_prefix_error (error, "layer %u: ", l + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static void
free_kernels (gsl_matrix **kernels,
              guint        n_layers)
{
  for (guint l = 0; l < n_layers; l++)
    g_clear_pointer (&kernels[l], gsl_matrix_free);
  g_free (kernels);
}

static gboolean
score_nngp (KsPredictSweep    *self,
            const Scoring     *scoring,
            const gsl_matrix  *k0,
            GCancellable      *cancellable,
            GError           **error)
{
  gsl_matrix **nngp = g_new0 (gsl_matrix *, self->n_layers);
  gboolean ok;

  ok = ks_nngp_propagate (self->stack, k0, nngp, NULL, cancellable, error)
       && score_layers (self, scoring, nngp, self->nngp, cancellable, error);
  free_kernels (nngp, self->n_layers);
  return ok;
}

/* ---- The deep kernel machine ---- */

typedef struct
{
  KsPredictSweepProgressFunc progress;
  gpointer                   user_data;
  double                     start;       /* of this solve's share of the sweep */
  double                     span;
  double                     tolerance;
  double                     first_norm;
  double                     reached;     /* the furthest fraction reported */
} SolveProgress;

/* The gradient norm falls roughly geometrically, so a solve's progress is its
 * log-distance from the start to the tolerance (never reported backwards when the norm
 * rises for an iteration). */
static void
on_dkm_iteration (guint    iteration,
                  double   objective,
                  double   gradient_norm,
                  gpointer user_data)
{
  SolveProgress *state = user_data;
  double fraction = 0.0;

  if (iteration == 0)
    state->first_norm = gradient_norm;
  if (state->first_norm > state->tolerance && gradient_norm > 0.0 && state->tolerance > 0.0)
    fraction = log (state->first_norm / gradient_norm)
               / log (state->first_norm / state->tolerance);
  state->reached = MAX (state->reached, CLAMP (fraction, 0.0, 0.99));
  state->progress (state->start + state->span * state->reached, state->user_data);
}

static KsDkmSolution *
solve_at (KsPredictSweep              *self,
          const KsPredictSweepOptions *options,
          guint                        index,
          const gsl_matrix            *k0,
          const gsl_matrix            *outputs,
          const KsDkmSolution         *warm_start,
          SolveProgress               *progress,
          GCancellable                *cancellable,
          GError                     **error)
{
  g_autoptr(KsDkmProblem) problem = NULL;
  g_autofree gboolean *train_mask = g_new (gboolean, self->n_points);
  KsDkmOptions dkm;

  for (guint i = 0; i < self->n_points; i++)
    train_mask[i] = !self->is_test[i];
  ks_dkm_options_init (&dkm);
  dkm.width_scale = options->width_scales[index];
  dkm.gradient_tolerance = options->gradient_tolerance;
  dkm.max_iterations = options->max_iterations;
  dkm.n_threads = options->n_threads;
  dkm.train_mask = train_mask;
  problem = ks_dkm_problem_new (self->stack, k0, outputs, &dkm, error);
  if (problem == NULL)
    return NULL;
  progress->tolerance = dkm.gradient_tolerance;
  return ks_dkm_solve (problem, warm_start, progress->progress != NULL ? on_dkm_iteration
                                                                      : NULL,
                       progress, cancellable, error);
}

static void
record_fit (KsPredictFit        *fit,
            const KsDkmSolution *solution)
{
  fit->status = ks_dkm_solution_get_status (solution);
  fit->gradient_norm = ks_dkm_solution_get_gradient_norm (solution);
  fit->n_iterations = ks_dkm_solution_get_n_iterations (solution);
  fit->seconds = ks_dkm_solution_get_seconds (solution);
}

static gboolean
score_solution (KsPredictSweep      *self,
                const Scoring       *scoring,
                const KsDkmSolution *solution,
                guint                index,
                GCancellable        *cancellable,
                GError             **error)
{
  /* score_layers reads the kernels only; the solution keeps them. */
  g_autofree gsl_matrix **kernels = g_new (gsl_matrix *, self->n_layers);

  for (guint l = 0; l < self->n_layers; l++)
    kernels[l] = (gsl_matrix *) ks_dkm_solution_get_kernel (solution, l);
  return score_layers (self, scoring, kernels, &self->dkm[(gsize) index * self->n_layers],
                       cancellable, error);
}

/* The solves in the order given, each started from the previous solution. */
static gboolean
score_width_scales (KsPredictSweep              *self,
                    const KsPredictSweepOptions *options,
                    const Scoring               *scoring,
                    const gsl_matrix            *k0,
                    KsPredictSweepProgressFunc   progress,
                    gpointer                     user_data,
                    GCancellable                *cancellable,
                    GError                     **error)
{
  g_autoptr(KsDkmSolution) previous = NULL;
  double span = (1.0 - NNGP_SHARE) / self->n_width_scales;

  for (guint i = 0; i < self->n_width_scales; i++)
    {
      SolveProgress state = { progress, user_data, NNGP_SHARE + span * i, span, 0.0, 0.0,
                               0.0 };
      g_autoptr(KsDkmSolution) solution = NULL;

      solution = solve_at (self, options, i, k0, scoring->outputs, previous, &state,
                           cancellable, error);
      if (solution == NULL
          || !score_solution (self, scoring, solution, i, cancellable, error))
        {
          if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_prefix_error (error, "at width scale %g: ", options->width_scales[i]);
          return FALSE;
        }
      record_fit (&self->fits[i], solution);
      g_clear_pointer (&previous, ks_dkm_solution_unref);
      previous = g_steal_pointer (&solution);
    }
  return TRUE;
}

KsPredictSweep *
ks_predict_sweep_run (const KsStack               *stack,
                      const gsl_matrix            *inputs,
                      const gsl_matrix            *outputs,
                      const int                   *labels,
                      const KsPredictSweepOptions *options,
                      KsPredictSweepProgressFunc   progress,
                      gpointer                     user_data,
                      GCancellable                *cancellable,
                      GError                     **error)
{
  g_autoptr(KsPredictSweep) self = NULL;
  g_autoptr(gsl_matrix) k0 = NULL;
  const KsLayer *readout;
  Scoring scoring;

  g_return_val_if_fail (stack != NULL && inputs != NULL && outputs != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ks_core_init ();
  if (!check_options (stack, inputs, outputs, labels, options, error))
    return NULL;
  self = predict_sweep_new (stack, options, (guint) inputs->size1);
  self->is_test = ks_predict_split (labels, self->n_points, options->test_fraction,
                                    options->seed, error);
  if (self->is_test == NULL)
    return NULL;
  readout = ks_stack_get_readout (stack);
  scoring = (Scoring) {
    .outputs = outputs,
    .score_labels = options->metric == KS_PREDICT_ACCURACY ? labels : NULL,
    .is_test = self->is_test,
    .noise = readout != NULL ? readout->noise_var : 0.0,
  };
  k0 = gsl_matrix_alloc (inputs->size1, inputs->size1);
  ks_gram (inputs, 1.0 / inputs->size2, k0);

  if (progress != NULL)
    progress (0.0, user_data);
  if (!score_nngp (self, &scoring, k0, cancellable, error))
    return NULL;
  if (progress != NULL)
    progress (NNGP_SHARE, user_data);
  if (!score_width_scales (self, options, &scoring, k0, progress, user_data, cancellable,
                           error))
    return NULL;
  if (progress != NULL)
    progress (1.0, user_data);
  return g_steal_pointer (&self);
}

/* ---- Getters ---- */

const KsStack *
ks_predict_sweep_get_stack (const KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->stack;
}

KsPredictMetric
ks_predict_sweep_get_metric (const KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, KS_PREDICT_ACCURACY);
  return self->metric;
}

guint
ks_predict_sweep_get_n_points (const KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_points;
}

guint
ks_predict_sweep_get_n_test (const KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return ks_predict_count_test (self->is_test, self->n_points);
}

const gboolean *
ks_predict_sweep_get_is_test (const KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->is_test;
}

double
ks_predict_sweep_get_test_fraction (const KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, NAN);
  return self->test_fraction;
}

guint64
ks_predict_sweep_get_seed (const KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->seed;
}

guint
ks_predict_sweep_get_n_layers (const KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_layers;
}

gboolean
ks_predict_sweep_has_layer (const KsPredictSweep *self,
                            guint                 layer)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return layer < self->n_layers && layer_is_scored (self, layer);
}

guint
ks_predict_sweep_get_n_width_scales (const KsPredictSweep *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_width_scales;
}

double
ks_predict_sweep_get_width_scale (const KsPredictSweep *self,
                                  guint                 index)
{
  g_return_val_if_fail (self != NULL && index < self->n_width_scales, NAN);
  return self->fits[index].width_scale;
}

const KsPredictScore *
ks_predict_sweep_get_nngp (const KsPredictSweep *self,
                           guint                 layer)
{
  g_return_val_if_fail (self != NULL && layer < self->n_layers, NULL);
  return &self->nngp[layer];
}

const KsPredictScore *
ks_predict_sweep_get_dkm (const KsPredictSweep *self,
                          guint                 index,
                          guint                 layer)
{
  g_return_val_if_fail (self != NULL && index < self->n_width_scales, NULL);
  g_return_val_if_fail (layer < self->n_layers, NULL);
  return &self->dkm[(gsize) index * self->n_layers + layer];
}

const KsPredictFit *
ks_predict_sweep_get_fit (const KsPredictSweep *self,
                          guint                 index)
{
  g_return_val_if_fail (self != NULL && index < self->n_width_scales, NULL);
  return &self->fits[index];
}
