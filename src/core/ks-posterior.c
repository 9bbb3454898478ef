/* ks-posterior.c: one entry point for the two ways of conditioning a stack on its outputs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-posterior.h"

#include <math.h>

#include "ks-error.h"
#include "ks-hmc.h"
#include "ks-linalg.h"

struct _KsPosterior
{
  guint          n_layers;
  gsl_matrix   **kernels;
  gsl_matrix   **standard_errors; /* HMC only */
  JsonNode      *diagnostics;
  KsDkmSolution *dkm_solution;
  double         max_jitter;
};

const char *
ks_posterior_method_to_string (KsPosteriorMethod method)
{
  return method == KS_POSTERIOR_HMC ? "hmc" : "dkm";
}

gboolean
ks_posterior_method_from_string (const char        *text,
                                 KsPosteriorMethod *method,
                                 GError           **error)
{
  if (g_strcmp0 (text, "dkm") == 0)
    *method = KS_POSTERIOR_DKM;
  else if (g_strcmp0 (text, "hmc") == 0)
    *method = KS_POSTERIOR_HMC;
  else
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "unknown posterior method '%s' (expected dkm or hmc)", text ? text : "");
      return FALSE;
    }
  return TRUE;
}

void
ks_posterior_options_init (KsPosteriorOptions *options)
{
  *options = (KsPosteriorOptions) {
    .method = KS_POSTERIOR_DKM,
    .width_scale = 1.0,
    .n_warmup = 300,
    .n_draws = 500,
    .seed = 1,
  };
}

static KsPosterior *
posterior_new (guint n_layers)
{
  KsPosterior *self = g_new0 (KsPosterior, 1);

  self->n_layers = n_layers;
  self->kernels = g_new0 (gsl_matrix *, n_layers);
  return self;
}

static void
free_layers (gsl_matrix **layers,
             guint        n_layers)
{
  if (layers == NULL)
    return;
  for (guint i = 0; i < n_layers; i++)
    g_clear_pointer (&layers[i], gsl_matrix_free);
  g_free (layers);
}

void
ks_posterior_free (KsPosterior *self)
{
  free_layers (self->kernels, self->n_layers);
  free_layers (self->standard_errors, self->n_layers);
  g_clear_pointer (&self->diagnostics, json_node_unref);
  g_clear_pointer (&self->dkm_solution, ks_dkm_solution_unref);
  g_free (self);
}

static gsl_matrix *
copy_matrix (const gsl_matrix *m)
{
  gsl_matrix *copy = gsl_matrix_alloc (m->size1, m->size2);

  gsl_matrix_memcpy (copy, m);
  return copy;
}

typedef struct
{
  KsPosteriorProgressFunc progress;
  gpointer                user_data;
  double                  tolerance;
  double                  first_norm;
} DkmProgress;

/* The gradient norm falls roughly geometrically, so progress is its log-distance from
 * the start to the tolerance. */
static void
on_dkm_iteration (guint    iteration,
                  double   objective,
                  double   gradient_norm,
                  gpointer user_data)
{
  DkmProgress *state = user_data;
  double fraction = 0.0;

  if (state->progress == NULL)
    return;
  if (iteration == 0)
    state->first_norm = gradient_norm;
  if (state->first_norm > state->tolerance && gradient_norm > 0.0)
    fraction = log (state->first_norm / gradient_norm) / log (state->first_norm / state->tolerance);
  state->progress (CLAMP (fraction, 0.0, 0.99), state->user_data);
}

/* One member of the diagnostics object being built. */
static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static JsonNode *
dkm_diagnostics (const KsDkmSolution *solution,
                 double               width_scale)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "method", "dkm");
  add_double (builder, "width_scale", width_scale);
  add_string (builder, "status", ks_dkm_status_to_string (ks_dkm_solution_get_status (solution)));
  add_boolean (builder, "converged", ks_dkm_solution_get_converged (solution));
  add_int (builder, "iterations", ks_dkm_solution_get_n_iterations (solution));
  add_int (builder, "evaluations", ks_dkm_solution_get_n_evaluations (solution));
  add_double (builder, "objective", ks_dkm_solution_get_objective (solution));
  add_double (builder, "relative_gradient_norm", ks_dkm_solution_get_gradient_norm (solution));
  add_double (builder, "seconds", ks_dkm_solution_get_seconds (solution));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static KsPosterior *
compute_dkm (const KsStack            *stack,
             const gsl_matrix         *k0,
             const gsl_matrix         *outputs,
             const KsPosteriorOptions *options,
             KsPosteriorProgressFunc   progress,
             gpointer                  user_data,
             GCancellable             *cancellable,
             GError                  **error)
{
  KsDkmOptions dkm_options;
  g_autoptr(KsDkmProblem) problem = NULL;
  g_autoptr(KsDkmSolution) solution = NULL;
  DkmProgress state = { progress, user_data, 0.0, 0.0 };
  KsPosterior *self;
  const KsDkmSolution *warm_start = options->warm_start;

  ks_dkm_options_init (&dkm_options);
  dkm_options.width_scale = options->width_scale;
  dkm_options.n_threads = options->n_threads;
  dkm_options.train_mask = options->train_mask;
  state.tolerance = dkm_options.gradient_tolerance;
  problem = ks_dkm_problem_new (stack, k0, outputs, &dkm_options, error);
  if (problem == NULL)
    return NULL;
  /* A previous solution only helps when it has the same shape. */
  if (warm_start != NULL &&
      (ks_dkm_solution_get_n_points (warm_start) != ks_dkm_problem_get_n_points (problem) ||
       ks_dkm_solution_get_n_variables (warm_start) != ks_dkm_problem_get_n_variables (problem)))
    warm_start = NULL;
  solution = ks_dkm_solve (problem, warm_start, on_dkm_iteration, &state, cancellable, error);
  if (solution == NULL)
    return NULL;

  self = posterior_new (ks_dkm_solution_get_n_layers (solution));
  for (guint i = 0; i < self->n_layers; i++)
    self->kernels[i] = copy_matrix (ks_dkm_solution_get_kernel (solution, i));
  self->diagnostics = dkm_diagnostics (solution, options->width_scale);
  self->max_jitter = ks_dkm_solution_get_max_jitter (solution);
  self->dkm_solution = g_steal_pointer (&solution);
  return self;
}

typedef struct
{
  KsPosteriorProgressFunc progress;
  gpointer                user_data;
} HmcProgress;

static void
on_hmc_iteration (guint    done,
                  guint    total,
                  double   acceptance,
                  gpointer user_data)
{
  HmcProgress *state = user_data;

  if (state->progress != NULL && total > 0)
    state->progress ((double) done / total, state->user_data);
}

static JsonNode *
hmc_diagnostics (const KsHmcResult *hmc)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "method", "hmc");
  add_int (builder, "chains", ks_hmc_result_get_n_chains (hmc));
  add_int (builder, "warmup", ks_hmc_result_get_n_warmup (hmc));
  add_int (builder, "draws", ks_hmc_result_get_n_draws (hmc));
  add_double (builder, "acceptance_rate", ks_hmc_result_get_acceptance_rate (hmc));
  add_double (builder, "step_size", ks_hmc_result_get_step_size (hmc, 0));
  add_int (builder, "divergent", ks_hmc_result_get_n_divergent (hmc));
  add_double (builder, "min_effective_sample_size", ks_hmc_result_get_min_ess (hmc));
  add_double (builder, "log_density_effective_sample_size",
              ks_hmc_result_get_log_density_ess (hmc));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static KsPosterior *
compute_hmc (const KsStack            *stack,
             const gsl_matrix         *inputs,
             const gsl_matrix         *outputs,
             const KsPosteriorOptions *options,
             KsPosteriorProgressFunc   progress,
             gpointer                  user_data,
             GCancellable             *cancellable,
             GError                  **error)
{
  KsHmcOptions hmc_options;
  g_autoptr(KsHmcResult) hmc = NULL;
  HmcProgress state = { progress, user_data };
  KsPosterior *self;

  ks_hmc_options_init (&hmc_options);
  hmc_options.n_warmup = options->n_warmup;
  hmc_options.n_draws = options->n_draws;
  hmc_options.seed = options->seed;
  hmc_options.n_threads = options->n_threads;
  hmc = ks_hmc_sample (stack, inputs, outputs, &hmc_options, on_hmc_iteration, &state,
                       cancellable, error);
  if (hmc == NULL)
    return NULL;

  self = posterior_new (ks_hmc_result_get_n_layers (hmc));
  self->standard_errors = g_new0 (gsl_matrix *, self->n_layers);
  for (guint i = 0; i < self->n_layers; i++)
    {
      self->kernels[i] = copy_matrix (ks_hmc_result_get_mean (hmc, i));
      self->standard_errors[i] = copy_matrix (ks_hmc_result_get_standard_error (hmc, i));
    }
  self->diagnostics = hmc_diagnostics (hmc);
  return self;
}

/* The sampler's likelihood spans every point's outputs; restricting it to a training
 * block is not implemented, so a mask that holds points out is refused rather than
 * silently ignored. */
static gboolean
check_hmc_mask (const gboolean *train_mask,
                guint           n_points,
                GError        **error)
{
  guint n_held_out = 0;

  for (guint i = 0; train_mask != NULL && i < n_points; i++)
    n_held_out += !train_mask[i];
  if (n_held_out == 0)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
               "HMC conditions on the outputs of every point and cannot hold %u of the %u "
               "points out of the likelihood: use the deep kernel machine (dkm) for "
               "predictions on held-out points", n_held_out, n_points);
  return FALSE;
}

KsPosterior *
ks_posterior_compute (const KsStack            *stack,
                      const gsl_matrix         *inputs,
                      const gsl_matrix         *k0,
                      const gsl_matrix         *outputs,
                      const KsPosteriorOptions *options,
                      KsPosteriorProgressFunc   progress,
                      gpointer                  user_data,
                      GCancellable             *cancellable,
                      GError                  **error)
{
  g_return_val_if_fail (outputs != NULL, NULL);

  ks_core_init ();
  if (!(isfinite (options->width_scale) && options->width_scale > 0.0))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the width scale must be a positive number, got %g", options->width_scale);
      return NULL;
    }
  if (options->method == KS_POSTERIOR_HMC && !check_hmc_mask (options->train_mask,
                                                               (guint) outputs->size1, error))
    return NULL;
  if (options->method == KS_POSTERIOR_HMC)
    return compute_hmc (stack, inputs, outputs, options, progress, user_data, cancellable, error);
  return compute_dkm (stack, k0, outputs, options, progress, user_data, cancellable, error);
}

guint
ks_posterior_get_n_layers (const KsPosterior *self)
{
  return self->n_layers;
}

const gsl_matrix *
ks_posterior_get_kernel (const KsPosterior *self,
                         guint              layer)
{
  g_return_val_if_fail (layer < self->n_layers, NULL);
  return self->kernels[layer];
}

const gsl_matrix *
ks_posterior_get_standard_error (const KsPosterior *self,
                                 guint              layer)
{
  g_return_val_if_fail (layer < self->n_layers, NULL);
  return self->standard_errors ? self->standard_errors[layer] : NULL;
}

JsonNode *
ks_posterior_get_diagnostics (const KsPosterior *self)
{
  return self->diagnostics;
}

KsDkmSolution *
ks_posterior_get_dkm_solution (const KsPosterior *self)
{
  return self->dkm_solution;
}

double
ks_posterior_get_max_jitter (const KsPosterior *self)
{
  return self->max_jitter;
}
