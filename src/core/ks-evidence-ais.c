/* ks-evidence-ais.c: the evidence by annealed importance sampling over the weights
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The weights are whitened (ks-network.h), so the prior is N(0, I) and the tempered target
 * is exp(-|theta|^2 / 2 + beta log L(theta)). Each transition is Hamiltonian Monte Carlo
 * with the Gaussian part split off: the prior's harmonic motion is integrated exactly (a
 * rotation of theta and the momentum by the step angle) between half kicks by beta grad
 * log L. At beta = 0 every proposal is then accepted whatever the step, and directions the
 * data do not constrain, most of them in a wide network, turn freely; the step only has to
 * resolve the likelihood. At most a quarter turn per trajectory, which moves the prior's
 * directions to nearly independent points.
 *
 * The step sizes of the temperatures are tuned first, on pilot walkers with streams of
 * their own: each adapts its log step after every transition towards a target acceptance,
 * and the schedule is the mean of their log steps at each temperature. The runs then use
 * that schedule unchanged, so each run is a valid annealed importance sampler and the runs
 * are independent. Pilots and runs are jobs claimed by worker threads; run r writes slot r
 * and the slots are combined in order, so results do not depend on the number of threads.
 */
#include "ks-evidence-private.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-network.h"
#include "ks-rng.h"

#define PILOT_STREAM G_GUINT64_CONSTANT (0x41495350)
#define N_PILOTS 4
#define SCHEDULE_POWER 4.0
#define TARGET_ACCEPTANCE 0.75
#define ADAPT_GAIN 0.5
#define STEP_JITTER 0.2
#define STEP_MIN 1e-8

typedef struct
{
  const KsStack           *stack;
  const gsl_matrix        *inputs;
  const gsl_matrix        *outputs;
  const KsEvidenceOptions *options;
  GCancellable            *cancellable;
  KsEvidenceProgressFunc   progress;
  gpointer                 progress_data;
  KsNetwork               *probe;       /* checked the request; handed to the first worker */
  double                  *betas;       /* T + 1 inverse temperatures */
  double                  *pilot_log_steps;  /* N_PILOTS x T: log step used at beta_t */
  double                  *steps;       /* T: the runs' schedule (entry 0 unused) */
  double                  *log_weights; /* n_runs */
  double                  *acceptances; /* n_runs: mean acceptance of each run */
  double                   max_step;
  gboolean                 pilot_phase;
  guint                    n_jobs;

  GMutex                   lock;
  guint                    next_job;
  guint64                  done;        /* transitions (and starts) over every walker */
  guint64                  total;
  gint                     stop;        /* atomic: an error ends every walker */
  GError                  *error;
} AnnealRun;

/* One worker thread's network and buffers, reused by each walker it runs. */
typedef struct
{
  KsNetwork *network;
  gsize      n_params;
  double    *theta;
  double    *gradient;           /* of log L at theta */
  double    *proposal;
  double    *proposal_gradient;
  double    *momentum;
  double    *density_gradient;   /* scratch for ks_network_log_density () */
} Worker;

typedef struct
{
  AnnealRun *run;
  Worker    *worker;
  gsl_rng   *rng;
  double     log_likelihood;     /* at worker->theta */
  double     log_step;           /* pilots only: the adapted log step */
} Walker;

static gboolean
anneal_run_should_stop (AnnealRun *run)
{
  return g_atomic_int_get (&run->stop) || g_cancellable_is_cancelled (run->cancellable);
}

static void
anneal_run_fail (AnnealRun *run,
                 GError    *error)
{
  g_mutex_lock (&run->lock);
  if (error != NULL && run->error == NULL)
    run->error = g_steal_pointer (&error);
  g_clear_error (&error);
  g_atomic_int_set (&run->stop, 1);
  g_mutex_unlock (&run->lock);
}

static void
anneal_run_advance (AnnealRun *run)
{
  g_mutex_lock (&run->lock);
  run->done++;
  if (run->progress != NULL)
    run->progress ((double) run->done / run->total, run->progress_data);
  g_mutex_unlock (&run->lock);
}

/* ---- The likelihood ---- */

/* log L(theta) and its gradient: the network's log density is log L - |theta|^2 / 2. */
static gboolean
worker_log_likelihood (Worker       *w,
                       const double *theta,
                       double       *log_likelihood,
                       double       *gradient,
                       GError      **error)
{
  int n = (int) w->n_params;
  double log_density;

  if (!ks_network_log_density (w->network, theta, &log_density, w->density_gradient, error))
    return FALSE;
  *log_likelihood = log_density + 0.5 * cblas_ddot (n, theta, 1, theta, 1);
  memcpy (gradient, w->density_gradient, w->n_params * sizeof (double));
  cblas_daxpy (n, 1.0, theta, 1, gradient, 1);
  return isfinite (*log_likelihood);
}

/* ---- One transition ---- */

/* The Hamiltonian of the tempered target with unit masses. */
static double
energy (const Worker *w,
        const double *theta,
        double        beta,
        double        log_likelihood)
{
  int n = (int) w->n_params;

  return 0.5 * cblas_ddot (n, theta, 1, theta, 1) - beta * log_likelihood
         + 0.5 * cblas_ddot (n, w->momentum, 1, w->momentum, 1);
}

/* theta, momentum <- the prior oscillator's exact motion over the angle step. */
static void
rotate (double *theta,
        double *momentum,
        gsize   n,
        double  step)
{
  double c = cos (step), s = sin (step);

  for (gsize k = 0; k < n; k++)
    {
      double x = theta[k], p = momentum[k];

      theta[k] = c * x + s * p;
      momentum[k] = c * p - s * x;
    }
}

/* From theta with fresh momentum, the split leapfrog trajectory into proposal; returns the
 * acceptance probability (0 when the likelihood stopped being finite), or -1 when the run
 * was stopped. */
static double
walker_trajectory (Walker *walker,
                   double  beta,
                   double  step,
                   double *proposal_log_likelihood)
{
  Worker *w = walker->worker;
  guint n_steps = walker->run->options->n_leapfrog;
  int n = (int) w->n_params;
  double start, change;

  ks_rng_fill_gaussian (walker->rng, w->momentum, w->n_params);
  start = energy (w, w->theta, beta, walker->log_likelihood);
  memcpy (w->proposal, w->theta, w->n_params * sizeof (double));
  memcpy (w->proposal_gradient, w->gradient, w->n_params * sizeof (double));
  for (guint s = 0; s < n_steps; s++)
    {
      if (anneal_run_should_stop (walker->run))
        return -1.0;
      cblas_daxpy (n, 0.5 * step * beta, w->proposal_gradient, 1, w->momentum, 1);
      rotate (w->proposal, w->momentum, w->n_params, step);
      if (!worker_log_likelihood (w, w->proposal, proposal_log_likelihood,
                                  w->proposal_gradient, NULL))
        return 0.0;
      cblas_daxpy (n, 0.5 * step * beta, w->proposal_gradient, 1, w->momentum, 1);
    }
  change = energy (w, w->proposal, beta, *proposal_log_likelihood) - start;
  if (!isfinite (change))
    return 0.0;
  return change <= 0.0 ? 1.0 : exp (-change);
}

static void
swap_pointers (double **a,
               double **b)
{
  double *t = *a;

  *a = *b;
  *b = t;
}

/* One Metropolis-corrected trajectory at beta; -1 when the run was stopped. */
static double
walker_transition (Walker *walker,
                   double  beta,
                   double  step)
{
  Worker *w = walker->worker;
  double proposal_log_likelihood = 0.0;
  double acceptance = walker_trajectory (walker, beta, step, &proposal_log_likelihood);

  if (acceptance < 0.0)
    return acceptance;
  if (gsl_rng_uniform (walker->rng) < acceptance)
    {
      swap_pointers (&w->theta, &w->proposal);
      swap_pointers (&w->gradient, &w->proposal_gradient);
      walker->log_likelihood = proposal_log_likelihood;
    }
  return acceptance;
}

/* ---- One walker through every temperature ---- */

static gboolean
walker_start (Walker  *walker,
              guint    index,
              GError **error)
{
  Worker *w = walker->worker;
  GError *local_error = NULL;

  ks_rng_fill_gaussian (walker->rng, w->theta, w->n_params);
  if (worker_log_likelihood (w, w->theta, &walker->log_likelihood, w->gradient, &local_error))
    return TRUE;
  if (local_error == NULL)
    g_set_error_literal (&local_error, KS_ERROR, KS_ERROR_NON_FINITE,
                         "the log-likelihood is not finite");
  g_propagate_prefixed_error (error, local_error,
                              "%s %u: the likelihood of its prior draw of the weights: ",
                              walker->run->pilot_phase ? "pilot run" : "run", index + 1);
  return FALSE;
}

/* The step at temperature t: a pilot's adapted one, or the schedule's, jittered so that
 * no direction keeps returning to where it started. */
static double
walker_step (Walker *walker,
             guint   t,
             guint   pilot)
{
  AnnealRun *run = walker->run;
  double jitter = 1.0 + STEP_JITTER * (2.0 * gsl_rng_uniform (walker->rng) - 1.0);

  if (run->pilot_phase)
    {
      run->pilot_log_steps[(gsize) pilot * run->options->n_temperatures + t] = walker->log_step;
      return exp (walker->log_step) * jitter;
    }
  return run->steps[t] * jitter;
}

/* Accumulates the log weight along the path; FALSE without an error when stopped. */
static gboolean
walker_anneal (Walker  *walker,
               guint    index,
               double  *log_weight,
               double  *acceptance,
               GError **error)
{
  AnnealRun *run = walker->run;
  guint n_temperatures = run->options->n_temperatures;
  double sum_acceptance = 0.0;

  if (!walker_start (walker, index, error))
    return FALSE;
  walker->log_step = log (run->max_step);
  *log_weight = 0.0;
  for (guint t = 1; t <= n_temperatures; t++)
    {
      double a;

      *log_weight += (run->betas[t] - run->betas[t - 1]) * walker->log_likelihood;
      if (t == n_temperatures)
        break;
      a = walker_transition (walker, run->betas[t], walker_step (walker, t, index));
      if (a < 0.0)
        return FALSE;
      sum_acceptance += a;
      if (run->pilot_phase)
        walker->log_step = CLAMP (walker->log_step + ADAPT_GAIN * (a - TARGET_ACCEPTANCE),
                                  log (STEP_MIN), log (run->max_step));
      anneal_run_advance (run);
    }
  *acceptance = n_temperatures > 1 ? sum_acceptance / (n_temperatures - 1) : NAN;
  anneal_run_advance (run);
  return TRUE;
}

/* ---- Workers ---- */

static void
worker_free (Worker *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->network, ks_network_free);
  g_free (self->theta);
  g_free (self->gradient);
  g_free (self->proposal);
  g_free (self->proposal_gradient);
  g_free (self->momentum);
  g_free (self->density_gradient);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Worker, worker_free)

static Worker *
worker_new (AnnealRun *run,
            GError   **error)
{
  g_autoptr(Worker) self = g_new0 (Worker, 1);
  gsize n;

  g_mutex_lock (&run->lock);
  self->network = g_steal_pointer (&run->probe);
  g_mutex_unlock (&run->lock);
  if (self->network == NULL)
    self->network = ks_network_new (run->stack, run->inputs, run->outputs, error);
  if (self->network == NULL)
    return NULL;
  n = self->n_params = ks_network_get_n_params (self->network);
  self->theta = g_try_new (double, n);
  self->gradient = g_try_new (double, n);
  self->proposal = g_try_new (double, n);
  self->proposal_gradient = g_try_new (double, n);
  self->momentum = g_try_new (double, n);
  self->density_gradient = g_try_new (double, n);
  if (self->theta == NULL || self->gradient == NULL || self->proposal == NULL
      || self->proposal_gradient == NULL || self->momentum == NULL
      || self->density_gradient == NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                           "the weights of the network do not fit in memory");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static gboolean
anneal_run_claim (AnnealRun *run,
                  guint     *job)
{
  gboolean claimed;

  g_mutex_lock (&run->lock);
  claimed = run->next_job < run->n_jobs && !anneal_run_should_stop (run);
  if (claimed)
    *job = run->next_job++;
  g_mutex_unlock (&run->lock);
  return claimed;
}

static gboolean
worker_run_job (AnnealRun *run,
                Worker    *worker,
                guint      job,
                GError   **error)
{
  guint64 key = run->pilot_phase ? PILOT_STREAM : KS_EVIDENCE_AIS_STREAM;
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (run->options->seed, job, key);
  Walker walker = { run, worker, rng, 0.0, 0.0 };
  double log_weight = 0.0, acceptance = NAN;

  if (!walker_anneal (&walker, job, &log_weight, &acceptance, error))
    return FALSE;
  if (!run->pilot_phase)
    {
      run->log_weights[job] = log_weight;
      run->acceptances[job] = acceptance;
    }
  return TRUE;
}

static gpointer
anneal_worker (gpointer data)
{
  AnnealRun *run = data;
  g_autoptr(Worker) worker = NULL;
  GError *error = NULL;
  guint job;

  ks_core_init ();
  if (!anneal_run_claim (run, &job))
    return NULL;
  worker = worker_new (run, &error);
  if (worker == NULL)
    {
      anneal_run_fail (run, error);
      return NULL;
    }
  do
    {
      if (!worker_run_job (run, worker, job, &error))
        {
          anneal_run_fail (run, error);
          return NULL;
        }
    }
  while (anneal_run_claim (run, &job));
  return NULL;
}

/* Runs n_jobs walkers of the current phase on up to n_threads threads. */
static void
anneal_run_phase (AnnealRun *run,
                  guint      n_jobs,
                  guint      n_threads)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  guint n_workers = MIN (n_threads, n_jobs);

  run->n_jobs = n_jobs;
  run->next_job = 0;
  for (guint i = 1; i < n_workers; i++)
    {
      GThread *thread = g_thread_try_new ("ks-evidence", anneal_worker, run, NULL);

      if (thread != NULL)
        g_ptr_array_add (threads, thread);
    }
  anneal_worker (run);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
}

/* The runs' step at each temperature: the geometric mean of the pilots' steps. */
static void
anneal_run_set_schedule (AnnealRun *run)
{
  guint n_temperatures = run->options->n_temperatures;

  for (guint t = 1; t < n_temperatures; t++)
    {
      double sum = 0.0;

      for (guint pilot = 0; pilot < N_PILOTS; pilot++)
        sum += run->pilot_log_steps[(gsize) pilot * n_temperatures + t];
      run->steps[t] = exp (sum / N_PILOTS);
    }
}

static void
anneal_run_clear (AnnealRun *run)
{
  g_clear_pointer (&run->probe, ks_network_free);
  g_free (run->betas);
  g_free (run->pilot_log_steps);
  g_free (run->steps);
  g_free (run->log_weights);
  g_free (run->acceptances);
  g_clear_error (&run->error);
  g_mutex_clear (&run->lock);
}

static gboolean
anneal_run_finish_phase (AnnealRun *run,
                         GError   **error)
{
  if (run->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&run->error));
      return FALSE;
    }
  return !g_cancellable_set_error_if_cancelled (run->cancellable, error);
}

static double
mean_acceptance (const double *acceptances,
                 guint         n)
{
  double sum = 0.0;

  for (guint i = 0; i < n; i++)
    sum += acceptances[i];
  return sum / n;
}

gboolean
ks_evidence_annealed (const KsStack           *stack,
                      const gsl_matrix        *inputs,
                      const gsl_matrix        *outputs,
                      const KsEvidenceOptions *options,
                      KsEvidenceProgressFunc   progress,
                      gpointer                 progress_data,
                      GCancellable            *cancellable,
                      KsEvidenceEstimate      *estimate,
                      GError                 **error)
{
  AnnealRun run = {
    .stack = stack,
    .inputs = inputs,
    .outputs = outputs,
    .options = options,
    .cancellable = cancellable,
    .progress = progress,
    .progress_data = progress_data,
    .max_step = M_PI / 2.0 / options->n_leapfrog,
  };
  guint n_temperatures = options->n_temperatures, n_runs = options->n_runs;
  guint n_threads = options->n_threads > 0 ? options->n_threads : ks_default_n_threads ();
  gboolean needs_pilots = n_temperatures > 1;
  gboolean ok = FALSE;

  g_mutex_init (&run.lock);
  run.probe = ks_network_new (stack, inputs, outputs, error);
  if (run.probe == NULL)
    goto out;
  run.betas = g_new (double, n_temperatures + 1);
  for (guint t = 0; t <= n_temperatures; t++)
    run.betas[t] = pow ((double) t / n_temperatures, SCHEDULE_POWER);
  run.pilot_log_steps = g_new0 (double, (gsize) N_PILOTS * n_temperatures);
  run.steps = g_new0 (double, n_temperatures);
  run.log_weights = g_new0 (double, n_runs);
  run.acceptances = g_new0 (double, n_runs);
  run.total = (guint64) (n_runs + (needs_pilots ? N_PILOTS : 0)) * n_temperatures;

  if (needs_pilots)
    {
      run.pilot_phase = TRUE;
      anneal_run_phase (&run, N_PILOTS, n_threads);
      if (!anneal_run_finish_phase (&run, error))
        goto out;
      anneal_run_set_schedule (&run);
    }
  run.pilot_phase = FALSE;
  anneal_run_phase (&run, n_runs, n_threads);
  if (!anneal_run_finish_phase (&run, error))
    goto out;

  *estimate = (KsEvidenceEstimate) {
    .estimator = KS_EVIDENCE_AIS,
    .n_samples = n_runs,
    .acceptance = needs_pilots ? mean_acceptance (run.acceptances, n_runs) : NAN,
  };
  estimate->log_evidence = ks_log_mean_exp (run.log_weights, n_runs,
                                            &estimate->standard_error);
  ok = TRUE;
out:
  anneal_run_clear (&run);
  return ok;
}
