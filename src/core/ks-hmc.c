/* ks-hmc.c: the exact finite-width posterior over representations, by Hamiltonian Monte Carlo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The state is the network's whitened weights (ks-network.h), whose prior is N(0, I): an
 * identity mass matrix then suits every direction the data do not constrain, and a
 * trajectory of length about pi / 2 carries those directions a quarter turn, to a nearly
 * independent point. The length is drawn within +-20% at each iteration so that no
 * direction keeps returning to where it started (a fixed length near a half turn would flip
 * every weight's sign and leave the Gram matrices where they were). The step size is adapted
 * during warm-up by Hoffman and Gelman's dual averaging, which reaches a target acceptance
 * robustly from any starting step, and the number of leapfrog steps follows from it.
 * Chains are independent jobs claimed by worker threads; their statistics are merged in
 * chain order once all are done.
 */
#include "ks-hmc.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

#include "ks-error.h"
#include "ks-hmc-private.h"
#include "ks-linalg.h"
#include "ks-network.h"
#include "ks-rng.h"

/* Keeps chain streams (seed, chain, key) apart from the prior sampler's (seed, sample, layer). */
#define CHAIN_STREAM_KEY G_GUINT64_CONSTANT (0x484d43)
#define TRAJECTORY_JITTER 0.2
/* An energy error this large means the integrator has left the posterior (as in Stan). */
#define DIVERGENCE_ENERGY 1000.0
#define START_ATTEMPTS 10
#define STEP_SEARCH_MAX 60
#define MEMORY_LIMIT_GIB 8.0

/* Dual averaging constants of Hoffman and Gelman (2014), section 3.2. */
#define ADAPT_GAMMA 0.05
#define ADAPT_T0 10.0
#define ADAPT_KAPPA 0.75
#define LOG_STEP_MIN (-30.0)
#define LOG_STEP_MAX 5.0

typedef struct
{
  double mu;             /* log of ten times the first step: where the search is drawn to */
  double mean_error;     /* H bar: running mean of target - acceptance */
  double log_step_mean;  /* x bar: the weighted mean of the log steps, used after warm-up */
  double target;
  guint  count;
} DualAveraging;

typedef struct
{
  const KsStack      *stack;
  const gsl_matrix   *inputs;
  const gsl_matrix   *outputs;
  const KsHmcOptions *options;
  KsHmcProgressFunc   progress;
  gpointer            progress_data;
  GCancellable       *cancellable;
  guint               n_layers;
  gsize               n_points;
  guint               n_workers;
  KsNetwork          *probe;     /* checked the request; handed to the first worker */

  GMutex              lock;
  guint               next_chain;
  guint               done;      /* iterations over all chains */
  guint               total;
  double              acceptance_sum;
  gint                stop;      /* atomic: an error ends every chain */
  GError             *error;
  KsHmcChainStats   **chains;
} HmcRun;

/* Buffers of one worker thread, reused by each chain it runs. */
typedef struct
{
  KsNetwork   *network;
  gsize        n_params;
  double      *theta;
  double      *gradient;
  double      *proposal;
  double      *proposal_gradient;
  double      *momentum;
  gsl_matrix **grams;
  guint        n_layers;
} Worker;

typedef struct
{
  HmcRun          *run;
  Worker          *worker;
  guint            index;
  gsl_rng         *rng;
  double           log_density;
  double           step;
  gboolean         grams_current;  /* worker->grams belong to theta */
  KsHmcChainStats *stats;
  double           acceptance_sum;
  guint            n_divergent;
  guint64          n_leapfrog;
} Chain;

void
ks_hmc_options_init (KsHmcOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (KsHmcOptions) {
    .n_warmup = 500,
    .n_draws = 1000,
    .trajectory_length = M_PI / 2.0,
    .max_leapfrog = 256,
    .initial_step = 0.0,
    .target_acceptance = 0.8,
    .seed = 0,
    .n_chains = 1,
    .n_threads = 0,
  };
}

static gboolean
hmc_run_should_stop (HmcRun *run)
{
  return g_atomic_int_get (&run->stop) || g_cancellable_is_cancelled (run->cancellable);
}

/* ---- Step size adaptation ---- */

static void
dual_averaging_init (DualAveraging *adapt,
                     double         step,
                     double         target)
{
  *adapt = (DualAveraging) { .mu = log (10.0 * step), .target = target };
}

/* The next step size after an iteration with this acceptance probability. */
static double
dual_averaging_update (DualAveraging *adapt,
                       double         acceptance)
{
  double m = ++adapt->count;
  double eta = 1.0 / (m + ADAPT_T0);
  double weight = pow (m, -ADAPT_KAPPA);
  double log_step;

  adapt->mean_error = (1.0 - eta) * adapt->mean_error + eta * (adapt->target - acceptance);
  log_step = CLAMP (adapt->mu - sqrt (m) / ADAPT_GAMMA * adapt->mean_error, LOG_STEP_MIN,
                    LOG_STEP_MAX);
  adapt->log_step_mean = weight * log_step + (1.0 - weight) * adapt->log_step_mean;
  return exp (log_step);
}

static double
dual_averaging_final_step (const DualAveraging *adapt)
{
  return exp (adapt->log_step_mean);
}

/* ---- Trajectories ---- */

static double
acceptance_probability (double energy_change)
{
  if (!isfinite (energy_change))
    return 0.0;
  return energy_change <= 0.0 ? 1.0 : exp (-energy_change);
}

/* From theta with fresh momentum, n_steps leapfrog steps into proposal; *energy_change is
 * H(end) - H(start), infinite when the log density stopped being finite. FALSE when the run
 * was stopped. */
static gboolean
chain_trajectory (Chain  *chain,
                  double  step,
                  guint   n_steps,
                  double *energy_change,
                  double *proposal_log_density)
{
  Worker *w = chain->worker;
  int n = (int) w->n_params;
  double log_density = chain->log_density, start;

  ks_rng_fill_gaussian (chain->rng, w->momentum, w->n_params);
  memcpy (w->proposal, w->theta, w->n_params * sizeof (double));
  memcpy (w->proposal_gradient, w->gradient, w->n_params * sizeof (double));
  start = -log_density + 0.5 * cblas_ddot (n, w->momentum, 1, w->momentum, 1);
  for (guint s = 0; s < n_steps; s++)
    {
      if (hmc_run_should_stop (chain->run))
        return FALSE;
      chain->n_leapfrog++;
      cblas_daxpy (n, 0.5 * step, w->proposal_gradient, 1, w->momentum, 1);
      cblas_daxpy (n, step, w->momentum, 1, w->proposal, 1);
      if (!ks_network_log_density (w->network, w->proposal, &log_density,
                                   w->proposal_gradient, NULL))
        {
          *energy_change = INFINITY;
          return TRUE;
        }
      cblas_daxpy (n, 0.5 * step, w->proposal_gradient, 1, w->momentum, 1);
    }
  *energy_change = -log_density + 0.5 * cblas_ddot (n, w->momentum, 1, w->momentum, 1) - start;
  *proposal_log_density = log_density;
  return TRUE;
}

static guint
trajectory_steps (Chain *chain)
{
  const KsHmcOptions *options = chain->run->options;
  double jitter = 1.0 + TRAJECTORY_JITTER * (2.0 * gsl_rng_uniform (chain->rng) - 1.0);
  double steps = ceil (options->trajectory_length * jitter / chain->step);

  if (!(steps >= 1.0))
    return 1;
  return steps >= options->max_leapfrog ? options->max_leapfrog : (guint) steps;
}

static void
swap_pointers (double **a,
               double **b)
{
  double *t = *a;

  *a = *b;
  *b = t;
}

/* One Metropolis-corrected trajectory. FALSE when the run was stopped. */
static gboolean
chain_transition (Chain    *chain,
                  double   *acceptance,
                  gboolean *divergent)
{
  Worker *w = chain->worker;
  guint n_steps = trajectory_steps (chain);
  double energy_change, proposal_log_density = 0.0;

  if (!chain_trajectory (chain, chain->step, n_steps, &energy_change, &proposal_log_density))
    return FALSE;
  *acceptance = acceptance_probability (energy_change);
  *divergent = !isfinite (energy_change) || energy_change > DIVERGENCE_ENERGY;
  if (gsl_rng_uniform (chain->rng) < *acceptance)
    {
      swap_pointers (&w->theta, &w->proposal);
      swap_pointers (&w->gradient, &w->proposal_gradient);
      chain->log_density = proposal_log_density;
      chain->grams_current = FALSE;
    }
  return TRUE;
}

/* Hoffman and Gelman's heuristic: from step 1, double or halve until the acceptance
 * probability of a single step crosses 1/2, so that warm-up starts at the right scale. */
static gboolean
chain_find_initial_step (Chain *chain)
{
  double change, unused, acceptance;
  int direction;

  chain->step = 1.0;
  if (!chain_trajectory (chain, chain->step, 1, &change, &unused))
    return FALSE;
  acceptance = acceptance_probability (change);
  direction = acceptance > 0.5 ? 1 : -1;
  for (guint i = 0; i < STEP_SEARCH_MAX; i++)
    {
      double next = direction > 0 ? 2.0 * chain->step : 0.5 * chain->step;

      if (!chain_trajectory (chain, next, 1, &change, &unused))
        return FALSE;
      acceptance = acceptance_probability (change);
      if ((direction > 0) != (acceptance > 0.5))
        break;
      chain->step = next;
    }
  return TRUE;
}

/* ---- One chain ---- */

static void
hmc_run_fail (HmcRun *run,
              GError *error)
{
  g_mutex_lock (&run->lock);
  if (error != NULL && run->error == NULL)
    run->error = g_steal_pointer (&error);
  g_clear_error (&error);
  g_atomic_int_set (&run->stop, 1);
  g_mutex_unlock (&run->lock);
}

static void
hmc_run_report_iteration (HmcRun *run,
                          double  acceptance)
{
  g_mutex_lock (&run->lock);
  run->done++;
  run->acceptance_sum += acceptance;
  if (run->progress != NULL)
    run->progress (run->done, run->total, run->acceptance_sum / run->done, run->progress_data);
  g_mutex_unlock (&run->lock);
}

/* A prior draw with a finite log density (a ReLU network may start with a singular output
 * kernel, so a few draws are tried). */
static gboolean
chain_start (Chain   *chain,
             GError **error)
{
  Worker *w = chain->worker;
  GError *last_error = NULL;

  for (guint attempt = 0; attempt < START_ATTEMPTS; attempt++)
    {
      g_clear_error (&last_error);
      ks_rng_fill_gaussian (chain->rng, w->theta, w->n_params);
      if (ks_network_log_density (w->network, w->theta, &chain->log_density, w->gradient,
                                  &last_error))
        return TRUE;
    }
  g_propagate_prefixed_error (error, last_error,
                              "chain %u: none of %u prior draws of the weights has a finite "
                              "log density; the last: ", chain->index + 1, START_ATTEMPTS);
  return FALSE;
}

static gboolean
chain_record_draw (Chain   *chain,
                   guint    draw,
                   GError **error)
{
  HmcRun *run = chain->run;
  Worker *w = chain->worker;
  GError *local_error = NULL;

  if (!chain->grams_current)
    {
      if (!ks_network_layer_grams (w->network, w->theta, w->grams, &local_error))
        {
          g_propagate_prefixed_error (error, local_error, "chain %u, draw %u: ",
                                      chain->index + 1, draw + 1);
          return FALSE;
        }
      chain->grams_current = TRUE;
    }
  ks_hmc_chain_stats_add (chain->stats, w->grams, chain->log_density);
  if (run->options->visit != NULL)
    {
      g_mutex_lock (&run->lock);
      run->options->visit (chain->index, draw, (gsl_matrix * const *) w->grams, w->n_layers,
                           run->options->visit_data);
      g_mutex_unlock (&run->lock);
    }
  return TRUE;
}

/* Warm-up then draws. FALSE without an error when the run was stopped. */
static gboolean
chain_iterate (Chain   *chain,
               GError **error)
{
  const KsHmcOptions *options = chain->run->options;
  DualAveraging adapt;

  dual_averaging_init (&adapt, chain->step, options->target_acceptance);
  for (guint it = 0; it < options->n_warmup + options->n_draws; it++)
    {
      double acceptance;
      gboolean divergent;

      if (!chain_transition (chain, &acceptance, &divergent))
        return FALSE;
      if (it < options->n_warmup)
        {
          chain->step = dual_averaging_update (&adapt, acceptance);
          if (it + 1 == options->n_warmup)
            chain->step = dual_averaging_final_step (&adapt);
        }
      else
        {
          chain->acceptance_sum += acceptance;
          chain->n_divergent += divergent ? 1 : 0;
          if (!chain_record_draw (chain, it - options->n_warmup, error))
            return FALSE;
        }
      hmc_run_report_iteration (chain->run, acceptance);
    }
  return TRUE;
}

static gboolean
chain_run (Chain   *chain,
           GError **error)
{
  const KsHmcOptions *options = chain->run->options;

  if (!chain_start (chain, error))
    return FALSE;
  if (options->initial_step > 0.0)
    chain->step = options->initial_step;
  else if (!chain_find_initial_step (chain))
    return FALSE;
  if (!chain_iterate (chain, error))
    return FALSE;
  ks_hmc_chain_stats_set_diagnostics (chain->stats, chain->step, chain->acceptance_sum,
                                      chain->n_divergent, chain->n_leapfrog);
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
  if (self->grams != NULL)
    for (guint l = 0; l < self->n_layers; l++)
      g_clear_pointer (&self->grams[l], gsl_matrix_free);
  g_free (self->grams);
  g_free (self);
}

/* Takes network (NULL: makes one). NULL with an error when memory runs out. */
static Worker *
worker_new (HmcRun    *run,
            KsNetwork *network,
            GError   **error)
{
  Worker *self = g_new0 (Worker, 1);
  gboolean ok;

  self->network = network != NULL ? network
                                  : ks_network_new (run->stack, run->inputs, run->outputs, error);
  if (self->network == NULL)
    {
      worker_free (self);
      return NULL;
    }
  self->n_params = ks_network_get_n_params (self->network);
  self->n_layers = run->n_layers;
  self->theta = g_try_new (double, self->n_params);
  self->gradient = g_try_new (double, self->n_params);
  self->proposal = g_try_new (double, self->n_params);
  self->proposal_gradient = g_try_new (double, self->n_params);
  self->momentum = g_try_new (double, self->n_params);
  self->grams = g_new0 (gsl_matrix *, run->n_layers);
  ok = self->theta != NULL && self->gradient != NULL && self->proposal != NULL
       && self->proposal_gradient != NULL && self->momentum != NULL;
  for (guint l = 0; ok && l < run->n_layers; l++)
    ok = (self->grams[l] = gsl_matrix_alloc (run->n_points, run->n_points)) != NULL;
  if (!ok)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                           "the weights sampler ran out of memory: use fewer points or "
                           "narrower layers");
      g_clear_pointer (&self, worker_free);
    }
  return self;
}

static gboolean
hmc_run_claim (HmcRun *run,
               guint  *chain)
{
  gboolean claimed;

  g_mutex_lock (&run->lock);
  claimed = !g_atomic_int_get (&run->stop) && run->next_chain < run->options->n_chains;
  if (claimed)
    *chain = run->next_chain++;
  g_mutex_unlock (&run->lock);
  return claimed;
}

/* Runs chain index on the worker; the statistics go to run->chains[index]. */
static gboolean
worker_run_chain (HmcRun  *run,
                  Worker  *worker,
                  guint    index,
                  GError **error)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (run->options->seed, index, CHAIN_STREAM_KEY);
  Chain chain = {
    .run = run,
    .worker = worker,
    .index = index,
    .rng = rng,
  };

  chain.stats = ks_hmc_chain_stats_new (run->n_layers, run->n_points, run->options->n_draws);
  if (chain.stats == NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                           "the weights sampler ran out of memory for its statistics: use "
                           "fewer points or draws");
      return FALSE;
    }
  if (!chain_run (&chain, error))
    {
      ks_hmc_chain_stats_free (chain.stats);
      return FALSE;
    }
  g_mutex_lock (&run->lock);
  run->chains[index] = chain.stats;
  g_mutex_unlock (&run->lock);
  return TRUE;
}

static gpointer
hmc_worker (gpointer data)
{
  HmcRun *run = data;
  GError *error = NULL;
  KsNetwork *network;
  Worker *worker;
  guint index;

  g_mutex_lock (&run->lock);
  network = g_steal_pointer (&run->probe);
  g_mutex_unlock (&run->lock);
  if ((worker = worker_new (run, network, &error)) == NULL)
    {
      hmc_run_fail (run, error);
      return NULL;
    }
  while (hmc_run_claim (run, &index))
    if (!worker_run_chain (run, worker, index, &error))
      {
        hmc_run_fail (run, error);
        break;
      }
  worker_free (worker);
  return NULL;
}

/* One worker on the calling thread, the others on new threads; fewer threads than asked
 * change only the speed. */
static void
hmc_run_workers (HmcRun *run)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  for (guint i = 1; i < run->n_workers; i++)
    {
      GThread *thread = g_thread_try_new ("ks-hmc", hmc_worker, run, NULL);

      if (thread != NULL)
        g_ptr_array_add (threads, thread);
    }
  hmc_worker (run);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
}

/* ---- Entry point ---- */

static gboolean
check_options (const KsHmcOptions *options,
               GError            **error)
{
  const char *problem = NULL;

  if (options->n_draws == 0)
    problem = "the number of draws must be at least 1";
  else if (options->n_chains == 0)
    problem = "the number of chains must be at least 1";
  else if (options->max_leapfrog == 0)
    problem = "the number of leapfrog steps must be at least 1";
  else if (!(options->trajectory_length > 0.0) || !isfinite (options->trajectory_length))
    problem = "the trajectory length must be positive and finite";
  else if (!(options->initial_step >= 0.0) || !isfinite (options->initial_step))
    problem = "the initial step size must be positive and finite, or 0 to find one";
  else if (!(options->target_acceptance > 0.0 && options->target_acceptance < 1.0))
    problem = "the target acceptance rate must lie strictly between 0 and 1";
  else if ((guint64) options->n_chains * ((guint64) options->n_warmup + options->n_draws)
           > G_MAXUINT)
    problem = "too many iterations: chains x (warm-up + draws) must stay below 2^32";
  if (problem == NULL)
    return TRUE;
  g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID, problem);
  return FALSE;
}

/* Every worker's network and vectors, every chain's statistics, and the merged result. */
static gboolean
hmc_run_check_memory (HmcRun  *run,
                      GError **error)
{
  double p2 = (double) run->n_points * run->n_points;
  double per_worker = ks_network_get_workspace_size (run->probe)
                      + 5.0 * ks_network_get_n_params (run->probe) + run->n_layers * p2;
  double per_chain = ks_hmc_chain_stats_size (run->n_layers, run->n_points,
                                              run->options->n_draws);
  double result = 6.0 * run->n_layers * p2 + (double) run->options->n_chains
                                             * run->options->n_draws;
  double gib = sizeof (double)
               * (run->n_workers * per_worker + run->options->n_chains * per_chain + result)
               / (1024.0 * 1024.0 * 1024.0);

  if (gib <= MEMORY_LIMIT_GIB)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
               "sampling the weights would need about %.1f GiB of memory (%zu points, %zu "
               "weights, %u chains of %u draws, %u threads), more than the limit of %.0f GiB: "
               "use fewer points, narrower layers, fewer chains or draws",
               gib, run->n_points, ks_network_get_n_params (run->probe),
               run->options->n_chains, run->options->n_draws, run->n_workers,
               MEMORY_LIMIT_GIB);
  return FALSE;
}

static KsHmcResult *
hmc_run_take_result (HmcRun  *run,
                     GError **error)
{
  KsHmcResult *result;

  if (run->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&run->error));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return NULL;
  for (guint c = 0; c < run->options->n_chains; c++)
    if (run->chains[c] == NULL)
      {
        g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                             "sampling stopped before every chain finished");
        return NULL;
      }
  result = ks_hmc_result_new_from_chains (run->chains, run->options->n_chains,
                                          run->options->n_warmup);
  if (result == NULL)
    g_set_error_literal (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                         "the weights sampler ran out of memory merging its chains");
  return result;
}

static void
hmc_run_clear (HmcRun *run)
{
  if (run->chains != NULL)
    for (guint c = 0; c < run->options->n_chains; c++)
      ks_hmc_chain_stats_free (run->chains[c]);
  g_free (run->chains);
  g_clear_pointer (&run->probe, ks_network_free);
  g_clear_error (&run->error);
  g_mutex_clear (&run->lock);
}

KsHmcResult *
ks_hmc_sample (const KsStack      *stack,
               const gsl_matrix   *inputs,
               const gsl_matrix   *outputs,
               const KsHmcOptions *options,
               KsHmcProgressFunc   progress,
               gpointer            progress_data,
               GCancellable       *cancellable,
               GError            **error)
{
  HmcRun run = { 0 };
  KsHmcResult *result = NULL;
  guint n_threads;

  g_return_val_if_fail (stack != NULL && inputs != NULL && options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ks_core_init ();
  if (!check_options (options, error))
    return NULL;
  if ((run.probe = ks_network_new (stack, inputs, outputs, error)) == NULL)
    return NULL;

  g_mutex_init (&run.lock);
  run.stack = stack;
  run.inputs = inputs;
  run.outputs = outputs;
  run.options = options;
  run.progress = progress;
  run.progress_data = progress_data;
  run.cancellable = cancellable;
  run.n_layers = ks_network_get_n_layers (run.probe);
  run.n_points = ks_network_get_n_points (run.probe);
  n_threads = options->n_threads > 0 ? options->n_threads : ks_default_n_threads ();
  run.n_workers = MIN (n_threads, options->n_chains);
  run.total = options->n_chains * (options->n_warmup + options->n_draws);
  run.chains = g_new0 (KsHmcChainStats *, options->n_chains);

  if (hmc_run_check_memory (&run, error))
    {
      hmc_run_workers (&run);
      result = hmc_run_take_result (&run, error);
    }
  hmc_run_clear (&run);
  return result;
}
