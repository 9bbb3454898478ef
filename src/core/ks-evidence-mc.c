/* ks-evidence-mc.c: the evidence by simple Monte Carlo over prior samples of the kernels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The prior sampler hands over every sample's layer Gram matrices, in sample order; the
 * readout's is K_out = G_top + s2 I, whose Gaussian log-likelihood is kept per sample. A
 * failure inside the visit cannot return through the sampler, so it is recorded and the
 * sampler is stopped through a cancellable of this run's own, chained to the caller's.
 */
#include "ks-evidence-private.h"

#include <math.h>

#include "ks-error.h"
#include "ks-gaussian.h"
#include "ks-sampler.h"

typedef struct
{
  const gsl_matrix      *outputs;
  double                *log_likelihoods;
  guint                  n_samples;
  double                 max_jitter;
  GCancellable          *stop;
  GError                *error;
  KsEvidenceProgressFunc progress;
  gpointer               progress_data;
} MonteCarloRun;

static void
visit_sample (guint               sample,
              gsl_matrix * const *grams,
              guint               n_layers,
              const KsSamples    *partial,
              gpointer            user_data)
{
  MonteCarloRun *run = user_data;
  GError *local_error = NULL;
  double jitter = 0.0;

  if (run->error != NULL)
    return;
  if (!ks_gaussian_log_likelihood (grams[n_layers - 1], run->outputs,
                                   "the output kernel of a prior sample",
                                   &run->log_likelihoods[sample], &jitter, NULL, &local_error))
    {
      g_propagate_prefixed_error (&run->error, local_error, "sample %u: ", sample + 1);
      g_cancellable_cancel (run->stop);
      return;
    }
  run->max_jitter = MAX (run->max_jitter, jitter);
  if (run->progress != NULL)
    run->progress ((sample + 1.0) / run->n_samples, run->progress_data);
}

static void
forward_cancellation (GCancellable *cancellable,
                      gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

gboolean
ks_evidence_monte_carlo (const KsStack           *stack,
                         const gsl_matrix        *inputs,
                         const gsl_matrix        *outputs,
                         const KsEvidenceOptions *options,
                         KsEvidenceProgressFunc   progress,
                         gpointer                 progress_data,
                         GCancellable            *cancellable,
                         KsEvidenceEstimate      *estimate,
                         GError                 **error)
{
  g_autoptr(GCancellable) stop = g_cancellable_new ();
  g_autofree double *log_likelihoods = g_new0 (double, options->n_samples);
  g_autoptr(KsSamples) samples = NULL;
  MonteCarloRun run = {
    .outputs = outputs,
    .log_likelihoods = log_likelihoods,
    .n_samples = options->n_samples,
    .stop = stop,
    .progress = progress,
    .progress_data = progress_data,
  };
  KsSamplerOptions sampler_options = {
    .n_samples = options->n_samples,
    .seed = options->seed,
    .n_threads = options->n_threads,
    .visit = visit_sample,
    .visit_data = &run,
  };
  GError *local_error = NULL;
  gulong handler = 0;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancellation),
                                     g_object_ref (stop), g_object_unref);
  samples = ks_sample_prior (stack, inputs, &sampler_options, stop, &local_error);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);

  if (run.error != NULL)
    {
      g_clear_error (&local_error);
      g_propagate_error (error, run.error);
      return FALSE;
    }
  if (samples == NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  *estimate = (KsEvidenceEstimate) {
    .estimator = KS_EVIDENCE_MONTE_CARLO,
    .n_samples = options->n_samples,
    .max_jitter = MAX (run.max_jitter, ks_samples_get_max_jitter (samples)),
    .acceptance = NAN,
  };
  estimate->log_evidence = ks_log_mean_exp (log_likelihoods, options->n_samples,
                                            &estimate->standard_error);
  return TRUE;
}
