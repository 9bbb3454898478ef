/* ks-experiment.c: the experiment value and its single entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-experiment.h"

#include <math.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-nngp.h"
#include "ks-result-private.h"
#include "ks-sampler.h"

/* Kernels beyond this many bytes in all are refused rather than swapping the machine. */
#define KERNEL_MEMORY_LIMIT (G_GUINT64_CONSTANT (8) << 30)
#define MAX_SAMPLES 100000
/* Partial sample statistics are copied out at most this often (microseconds). */
#define PARTIAL_INTERVAL_US (150 * 1000)

struct _KsExperiment
{
  gatomicrefcount ref_count;
  KsStack *stack;
  KsDataset *data;
  guint n_points;
  guint64 seed;
  guint n_samples;
  gboolean standardize;
  KsCkaKind cka_kind;
  double cka_tau;
  guint n_threads;
  KsComputeFlags compute;
  KsPosteriorMethod posterior_method;
  double width_scale;
  guint hmc_draws;
  KsDkmSolution *warm_start;
};

KsExperiment *
ks_experiment_new (const KsStack *stack,
                   KsDataset     *data)
{
  KsExperiment *self = g_new0 (KsExperiment, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->stack = ks_stack_copy (stack);
  self->data = ks_dataset_ref (data);
  self->n_points = 200;
  self->seed = 1;
  self->n_samples = 16;
  self->standardize = TRUE;
  self->cka_kind = KS_CKA_LINEAR;
  self->cka_tau = 1.0;
  self->compute = KS_COMPUTE_ALL;
  self->posterior_method = KS_POSTERIOR_DKM;
  self->width_scale = 1.0;
  self->hmc_draws = 500;
  return self;
}

KsExperiment *
ks_experiment_ref (KsExperiment *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ks_experiment_unref (KsExperiment *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      ks_stack_unref (self->stack);
      ks_dataset_unref (self->data);
      g_clear_pointer (&self->warm_start, ks_dkm_solution_unref);
      g_free (self);
    }
}

KsExperiment *
ks_experiment_copy (const KsExperiment *self)
{
  KsExperiment *copy = g_memdup2 (self, sizeof *self);

  g_atomic_ref_count_init (&copy->ref_count);
  copy->stack = ks_stack_copy (self->stack);
  copy->data = ks_dataset_ref (self->data);
  if (self->warm_start)
    copy->warm_start = ks_dkm_solution_ref (self->warm_start);
  return copy;
}

const KsStack *
ks_experiment_get_stack (const KsExperiment *self)
{
  return self->stack;
}

KsDataset *
ks_experiment_get_data (const KsExperiment *self)
{
  return self->data;
}

void
ks_experiment_set_stack (KsExperiment  *self,
                         const KsStack *stack)
{
  g_autoptr(KsStack) old = self->stack;

  self->stack = ks_stack_copy (stack);
}

void
ks_experiment_set_n_points (KsExperiment *self,
                            guint         n_points)
{
  self->n_points = n_points;
}

guint
ks_experiment_get_n_points (const KsExperiment *self)
{
  return self->n_points;
}

void
ks_experiment_set_seed (KsExperiment *self,
                        guint64       seed)
{
  self->seed = seed;
}

guint64
ks_experiment_get_seed (const KsExperiment *self)
{
  return self->seed;
}

void
ks_experiment_set_n_samples (KsExperiment *self,
                             guint         n_samples)
{
  self->n_samples = n_samples;
}

guint
ks_experiment_get_n_samples (const KsExperiment *self)
{
  return self->n_samples;
}

void
ks_experiment_set_standardize (KsExperiment *self,
                               gboolean      standardize)
{
  self->standardize = !!standardize;
}

gboolean
ks_experiment_get_standardize (const KsExperiment *self)
{
  return self->standardize;
}

void
ks_experiment_set_cka (KsExperiment *self,
                       KsCkaKind     kind,
                       double        tau)
{
  self->cka_kind = kind;
  self->cka_tau = tau;
}

KsCkaKind
ks_experiment_get_cka_kind (const KsExperiment *self)
{
  return self->cka_kind;
}

double
ks_experiment_get_cka_tau (const KsExperiment *self)
{
  return self->cka_tau;
}

void
ks_experiment_set_n_threads (KsExperiment *self,
                             guint         n_threads)
{
  self->n_threads = n_threads;
}

guint
ks_experiment_get_n_threads (const KsExperiment *self)
{
  return self->n_threads;
}

void
ks_experiment_set_compute (KsExperiment   *self,
                           KsComputeFlags  flags)
{
  self->compute = flags;
}

KsComputeFlags
ks_experiment_get_compute (const KsExperiment *self)
{
  return self->compute;
}

void
ks_experiment_set_posterior_method (KsExperiment      *self,
                                    KsPosteriorMethod  method)
{
  self->posterior_method = method;
}

KsPosteriorMethod
ks_experiment_get_posterior_method (const KsExperiment *self)
{
  return self->posterior_method;
}

void
ks_experiment_set_width_scale (KsExperiment *self,
                               double        width_scale)
{
  self->width_scale = width_scale;
}

double
ks_experiment_get_width_scale (const KsExperiment *self)
{
  return self->width_scale;
}

void
ks_experiment_set_hmc_draws (KsExperiment *self,
                             guint         n_draws)
{
  self->hmc_draws = n_draws;
}

guint
ks_experiment_get_hmc_draws (const KsExperiment *self)
{
  return self->hmc_draws;
}

void
ks_experiment_set_warm_start (KsExperiment *self,
                              KsResult     *previous)
{
  KsDkmSolution *solution = previous ? ks_result_get_dkm_solution (previous) : NULL;

  g_clear_pointer (&self->warm_start, ks_dkm_solution_unref);
  if (solution)
    self->warm_start = ks_dkm_solution_ref (solution);
}

/* The number of points the run will use. */
static guint
effective_points (const KsExperiment *self)
{
  guint available = ks_dataset_get_n_points (self->data);

  return self->n_points == 0 ? available : MIN (self->n_points, available);
}

gboolean
ks_experiment_validate (const KsExperiment *self,
                        GError            **error)
{
  guint n_layers = ks_stack_get_n_layers (self->stack);
  guint64 p = effective_points (self);
  guint64 kernel_bytes;

  if (n_layers == 0)
    return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                        "the network has no layers: add at least one dense layer"), FALSE;
  if (p < 2)
    return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                        "at least 2 points are needed for a kernel, got %u", (guint) p), FALSE;
  if ((self->compute & KS_COMPUTE_SAMPLES) && (self->n_samples < 1 || self->n_samples > MAX_SAMPLES))
    return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                        "the number of finite-width samples must be between 1 and %u, got %u",
                        MAX_SAMPLES, self->n_samples), FALSE;
  if ((self->compute & KS_COMPUTE_POSTERIOR) &&
      !(isfinite (self->width_scale) && self->width_scale > 0.0))
    return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                        "the width scale must be a positive number, got %g", self->width_scale), FALSE;
  if ((self->compute & KS_COMPUTE_POSTERIOR) && self->posterior_method == KS_POSTERIOR_HMC &&
      (self->hmc_draws < 2 || self->hmc_draws > MAX_SAMPLES))
    return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                        "the number of HMC draws must be between 2 and %u, got %u",
                        MAX_SAMPLES, self->hmc_draws), FALSE;
  if (self->cka_kind == KS_CKA_RBF && !(isfinite (self->cka_tau) && self->cka_tau > 0.0))
    return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                        "the RBF bandwidth tau must be a positive number, got %g", self->cka_tau), FALSE;
  if (self->cka_kind == KS_CKA_DEBIASED && (self->compute & KS_COMPUTE_CKA) && p < 4)
    return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                        "debiased CKA needs at least 4 points, got %u", (guint) p), FALSE;

  /* NNGP, NTK, three sample statistics, the posterior and the input and output kernels. */
  kernel_bytes = (6 * (guint64) n_layers + 2) * p * p * sizeof (double);
  if (kernel_bytes > KERNEL_MEMORY_LIMIT)
    return g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                        "%u points with %u layers need %.1f GiB for the kernels (the limit is %.0f GiB): "
                        "use fewer points or layers", (guint) p, n_layers,
                        kernel_bytes / 1073741824.0, KERNEL_MEMORY_LIMIT / 1073741824.0), FALSE;
  return TRUE;
}

JsonNode *
ks_experiment_to_json (const KsExperiment *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *spec = ks_stack_to_string (self->stack);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stack");
  json_builder_add_string_value (builder, spec);
  json_builder_set_member_name (builder, "data");
  json_builder_add_string_value (builder, ks_dataset_get_name (self->data));
  json_builder_set_member_name (builder, "points");
  json_builder_add_int_value (builder, effective_points (self));
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) self->seed);
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, self->n_samples);
  json_builder_set_member_name (builder, "standardize");
  json_builder_add_boolean_value (builder, self->standardize);
  json_builder_set_member_name (builder, "cka");
  json_builder_add_string_value (builder, ks_cka_kind_to_string (self->cka_kind));
  json_builder_set_member_name (builder, "tau");
  json_builder_add_double_value (builder, self->cka_tau);
  json_builder_set_member_name (builder, "posterior");
  json_builder_add_string_value (builder, ks_posterior_method_to_string (self->posterior_method));
  json_builder_set_member_name (builder, "width_scale");
  json_builder_add_double_value (builder, self->width_scale);
  if (self->posterior_method == KS_POSTERIOR_HMC)
    {
      json_builder_set_member_name (builder, "hmc_draws");
      json_builder_add_int_value (builder, self->hmc_draws);
    }
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, self->n_threads ? self->n_threads : ks_default_n_threads ());
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

typedef struct
{
  KsExperiment  *experiment;
  KsResult      *result;
  KsProgressFunc progress;
  gpointer       user_data;
  GCancellable  *cancellable;
  double         fraction;     /* where the current stage starts */
  double         stage_span;   /* how much of the whole it takes */
  gint64         stage_start;
  gint64         last_partial;
} Run;

static void
report (Run        *run,
        const char *stage,
        double      within_stage,
        gboolean    with_partial)
{
  g_autoptr(KsResult) partial = NULL;
  KsProgress progress;

  if (run->progress == NULL)
    return;
  if (with_partial)
    partial = ks_result_snapshot (run->result);
  progress.stage = stage;
  progress.fraction = CLAMP (run->fraction + run->stage_span * within_stage, 0.0, 1.0);
  progress.partial = partial;
  run->progress (&progress, run->user_data);
}

static void
begin_stage (Run        *run,
             const char *stage,
             double      span)
{
  run->stage_start = g_get_monotonic_time ();
  run->stage_span = span;
  report (run, stage, 0.0, FALSE);
}

static void
end_stage (Run        *run,
           const char *stage,
           gboolean    with_partial)
{
  ks_result_set_seconds (run->result, stage,
                         (g_get_monotonic_time () - run->stage_start) / 1e6);
  run->fraction += run->stage_span;
  run->stage_span = 0.0;
  report (run, stage, 0.0, with_partial);
}

/* Subsample, sort by class and standardise as the experiment asks. */
static KsDataset *
prepare_data (const KsExperiment *self,
              GError            **error)
{
  g_autoptr(KsDataset) subset = ks_dataset_subsample (self->data, effective_points (self),
                                                      self->seed, error);

  if (subset == NULL)
    return NULL;
  if (!self->standardize)
    return g_steal_pointer (&subset);
  return ks_dataset_standardize (subset);
}

static gboolean
run_infinite_width (Run              *run,
                    const gsl_matrix *k0,
                    GError          **error)
{
  const KsStack *stack = run->experiment->stack;
  guint n_layers = ks_stack_get_n_layers (stack);
  gboolean with_ntk = (run->experiment->compute & KS_COMPUTE_NTK) != 0;
  g_autofree gsl_matrix **nngp = g_new0 (gsl_matrix *, n_layers);
  g_autofree gsl_matrix **ntk = g_new0 (gsl_matrix *, n_layers);

  begin_stage (run, "nngp", 0.1);
  if (!ks_nngp_propagate (stack, k0, nngp, with_ntk ? ntk : NULL, run->cancellable, error))
    {
      for (guint i = 0; i < n_layers; i++)
        {
          g_clear_pointer (&nngp[i], gsl_matrix_free);
          g_clear_pointer (&ntk[i], gsl_matrix_free);
        }
      return FALSE;
    }
  ks_result_take_kernels (run->result, KS_KERNEL_NNGP, nngp);
  if (with_ntk)
    ks_result_take_kernels (run->result, KS_KERNEL_NTK, ntk);
  end_stage (run, "nngp", TRUE);
  return TRUE;
}

static gsl_matrix **
copy_sample_layers (const KsSamples *samples,
                    const gsl_matrix *(*get) (const KsSamples *, guint))
{
  guint n_layers = ks_samples_get_n_layers (samples);
  gsl_matrix **copies = g_new0 (gsl_matrix *, n_layers);

  for (guint i = 0; i < n_layers; i++)
    {
      const gsl_matrix *m = get (samples, i);

      copies[i] = gsl_matrix_alloc (m->size1, m->size2);
      gsl_matrix_memcpy (copies[i], m);
    }
  return copies;
}

static void
store_samples (KsResult        *result,
               const KsSamples *samples,
               guint            total)
{
  g_autofree gsl_matrix **first = copy_sample_layers (samples, ks_samples_get_first);
  g_autofree gsl_matrix **mean = copy_sample_layers (samples, ks_samples_get_mean);
  g_autofree gsl_matrix **std = copy_sample_layers (samples, ks_samples_get_std);

  ks_result_take_kernels (result, KS_KERNEL_SAMPLE, first);
  ks_result_take_kernels (result, KS_KERNEL_SAMPLE_MEAN, mean);
  ks_result_take_kernels (result, KS_KERNEL_SAMPLE_STD, std);
  ks_result_set_n_samples (result, ks_samples_get_n_samples (samples), total);
  ks_result_note_jitter (result, ks_samples_get_max_jitter (samples));
}

/* Runs under the sampler's lock, in sample order. Partial results carry what the views
 * draw while sampling goes on: sample 0 once, then the running mean now and then (the
 * standard deviations only come with the final result, to keep the copies cheap). */
static void
on_sample (guint              sample,
           gsl_matrix * const *grams,
           guint              n_layers,
           const KsSamples   *partial,
           gpointer           user_data)
{
  Run *run = user_data;
  guint total = run->experiment->n_samples;
  gint64 now = g_get_monotonic_time ();
  gboolean refresh;

  if (run->progress == NULL)
    return;
  refresh = sample == 0 || now - run->last_partial >= PARTIAL_INTERVAL_US;
  if (sample == 0)
    {
      g_autofree gsl_matrix **first = copy_sample_layers (partial, ks_samples_get_first);

      ks_result_take_kernels (run->result, KS_KERNEL_SAMPLE, first);
    }
  if (refresh)
    {
      g_autofree gsl_matrix **mean = copy_sample_layers (partial, ks_samples_get_mean);

      ks_result_take_kernels (run->result, KS_KERNEL_SAMPLE_MEAN, mean);
      ks_result_set_n_samples (run->result, sample + 1, total);
      run->last_partial = now;
    }
  report (run, "samples", (sample + 1.0) / total, refresh);
}

static gboolean
run_samples (Run              *run,
             const gsl_matrix *inputs,
             GError          **error)
{
  KsSamplerOptions options = {
    .n_samples = run->experiment->n_samples,
    .seed = run->experiment->seed,
    .n_threads = run->experiment->n_threads,
    .visit = on_sample,
    .visit_data = run,
  };
  g_autoptr(KsSamples) samples = NULL;

  begin_stage (run, "samples", (run->experiment->compute & KS_COMPUTE_POSTERIOR) ? 0.5 : 0.8);
  run->last_partial = 0;
  samples = ks_sample_prior (run->experiment->stack, inputs, &options, run->cancellable, error);
  if (samples == NULL)
    return FALSE;
  store_samples (run->result, samples, options.n_samples);
  end_stage (run, "samples", TRUE);
  return TRUE;
}

static void
on_posterior_progress (double   fraction,
                       gpointer user_data)
{
  report (user_data, "posterior", fraction, FALSE);
}

static gboolean
run_posterior (Run              *run,
               const gsl_matrix *inputs,
               GError          **error)
{
  KsExperiment *experiment = run->experiment;
  KsDataset *data = ks_result_get_dataset (run->result);
  g_autoptr(gsl_matrix) outputs = ks_dataset_output_matrix (data);
  g_autoptr(KsPosterior) posterior = NULL;
  g_autofree gsl_matrix **kernels = NULL;
  KsPosteriorOptions options;
  guint n_layers;

  ks_posterior_options_init (&options);
  options.method = experiment->posterior_method;
  options.width_scale = experiment->width_scale;
  options.n_draws = experiment->hmc_draws;
  options.n_warmup = MIN (experiment->hmc_draws, 300);
  options.seed = experiment->seed;
  options.n_threads = experiment->n_threads;
  options.warm_start = experiment->warm_start;

  begin_stage (run, "posterior", 0.3);
  posterior = ks_posterior_compute (experiment->stack, inputs, ks_result_get_input_kernel (run->result),
                                    outputs, &options, on_posterior_progress, run,
                                    run->cancellable, error);
  if (posterior == NULL)
    return FALSE;
  n_layers = ks_posterior_get_n_layers (posterior);
  kernels = g_new0 (gsl_matrix *, n_layers);
  for (guint i = 0; i < n_layers; i++)
    {
      const gsl_matrix *kernel = ks_posterior_get_kernel (posterior, i);

      kernels[i] = gsl_matrix_alloc (kernel->size1, kernel->size2);
      gsl_matrix_memcpy (kernels[i], kernel);
    }
  ks_result_take_kernels (run->result, KS_KERNEL_POSTERIOR, kernels);
  ks_result_take_posterior_info (run->result,
                                 json_node_ref (ks_posterior_get_diagnostics (posterior)),
                                 ks_posterior_get_dkm_solution (posterior));
  ks_result_note_jitter (run->result, ks_posterior_get_max_jitter (posterior));
  end_stage (run, "posterior", TRUE);
  return TRUE;
}

static gboolean
cka_for_kind (Run          *run,
              KsKernelKind  kind,
              GError      **error)
{
  KsResult *result = run->result;
  KsCkaKind cka_kind = run->experiment->cka_kind;
  double tau = run->experiment->cka_tau;
  guint n_layers = ks_result_get_n_layers (result);
  const gsl_matrix *output = ks_result_get_output_kernel (result);
  g_autofree gsl_matrix **grams = g_new0 (gsl_matrix *, n_layers);
  g_autoptr(gsl_matrix) matrix = NULL;
  g_autofree double *to_input = g_new0 (double, n_layers);
  g_autofree double *to_output = NULL;

  if (!ks_result_has_kernels (result, kind))
    return TRUE;
  for (guint i = 0; i < n_layers; i++)
    grams[i] = (gsl_matrix *) ks_result_get_kernel (result, kind, i);

  matrix = ks_cka_matrix (grams, n_layers, cka_kind, tau, run->cancellable, error);
  if (matrix == NULL)
    return FALSE;
  if (!ks_cka_to_reference (grams, n_layers, ks_result_get_input_kernel (result),
                            cka_kind, tau, to_input, run->cancellable, error))
    return FALSE;
  if (output != NULL)
    {
      to_output = g_new0 (double, n_layers);
      if (!ks_cka_to_reference (grams, n_layers, output, cka_kind, tau, to_output,
                                run->cancellable, error))
        return FALSE;
    }
  ks_result_take_cka (result, kind, cka_kind, g_steal_pointer (&matrix),
                      g_steal_pointer (&to_input), g_steal_pointer (&to_output));
  return TRUE;
}

static gboolean
run_cka (Run     *run,
         GError **error)
{
  static const KsKernelKind kinds[] = { KS_KERNEL_NNGP, KS_KERNEL_SAMPLE, KS_KERNEL_POSTERIOR };

  begin_stage (run, "cka", 1.0 - run->fraction);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!cka_for_kind (run, kinds[i], &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "CKA of the %s kernels: ",
                                      ks_kernel_kind_to_string (kinds[i]));
          return FALSE;
        }
    }
  end_stage (run, "cka", FALSE);
  return TRUE;
}

static gboolean
run_data (Run        *run,
          KsDataset **prepared,
          gsl_matrix **inputs,
          GError    **error)
{
  g_autoptr(JsonNode) json = ks_experiment_to_json (run->experiment);
  gint64 start = g_get_monotonic_time ();
  gsl_matrix *k0;

  *prepared = prepare_data (run->experiment, error);
  if (*prepared == NULL)
    return FALSE;
  *inputs = ks_dataset_input_matrix (*prepared);
  if (!ks_matrix_check_finite (*inputs, "the input data", error))
    return FALSE;
  k0 = ks_dataset_input_kernel (*prepared);
  if (!ks_matrix_check_finite (k0, "the input kernel X X^T / D", error))
    {
      gsl_matrix_free (k0);
      return FALSE;
    }
  run->result = ks_result_new (run->experiment->stack, *prepared, json);
  ks_result_take_input_kernel (run->result, k0);
  if (ks_dataset_get_n_classes (*prepared) > 0 || ks_dataset_get_n_targets (*prepared) > 0)
    {
      g_autoptr(gsl_matrix) y = ks_dataset_output_matrix (*prepared);
      gsl_matrix *yyt = gsl_matrix_alloc (y->size1, y->size1);

      ks_gram (y, 1.0, yyt);
      ks_result_take_output_kernel (run->result, yyt);
    }
  ks_result_set_seconds (run->result, "data", (g_get_monotonic_time () - start) / 1e6);
  return TRUE;
}

static gboolean
run_stages (Run     *run,
            GError **error)
{
  g_autoptr(KsDataset) prepared = NULL;
  g_autoptr(gsl_matrix) inputs = NULL;
  KsComputeFlags compute = run->experiment->compute;

  if (!run_data (run, &prepared, &inputs, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return FALSE;
  run->fraction = 0.02;
  if ((compute & (KS_COMPUTE_NNGP | KS_COMPUTE_NTK)) && !run_infinite_width (run, ks_result_get_input_kernel (run->result), error))
    return FALSE;
  if ((compute & KS_COMPUTE_SAMPLES) && !run_samples (run, inputs, error))
    return FALSE;
  if ((compute & KS_COMPUTE_POSTERIOR) && ks_result_get_output_kernel (run->result) != NULL &&
      !run_posterior (run, inputs, error))
    return FALSE;
  if ((compute & KS_COMPUTE_CKA) && !run_cka (run, error))
    return FALSE;
  return TRUE;
}

KsResult *
ks_experiment_run (KsExperiment  *self,
                   KsProgressFunc progress,
                   gpointer       user_data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(KsExperiment) experiment = ks_experiment_copy (self);
  Run run = {
    .experiment = experiment,
    .progress = progress,
    .user_data = user_data,
    .cancellable = cancellable,
  };

  ks_core_init ();
  if (!ks_experiment_validate (experiment, error))
    return NULL;
  if (!run_stages (&run, error))
    {
      g_clear_pointer (&run.result, ks_result_unref);
      return NULL;
    }
  ks_result_set_complete (run.result);
  run.fraction = 1.0;
  report (&run, "done", 0.0, FALSE);
  return run.result;
}
