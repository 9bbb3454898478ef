/* ks-job-controller.c: runs experiments in a worker thread, newest request first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* SCHED_IDLE */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-job-controller.h"

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "ks-boxed.h"

/* Worker threads give way to everything else: with as many workers as cores, the window
 * (and the display server drawing it) would otherwise wait for a time slice and miss
 * frames. SCHED_IDLE runs them only on otherwise idle processors; the niceness is the
 * fallback where that policy is refused. */
#define WORKER_NICENESS 19

/* One run of one experiment, shared by the worker and the main thread. */
typedef struct
{
  GWeakRef      controller;
  KsExperiment *experiment;
  guint64       generation;
  GCancellable *cancellable;
  GMainContext *context;

  /* The latest progress not yet seen by the main thread: reports coalesce, so a fast
   * worker never floods the main loop. */
  GMutex        lock;
  gboolean      dispatch_queued;
  char         *stage;
  double        fraction;
  KsResult     *partial;
} Job;

struct _KsJobController
{
  GObject       parent_instance;

  GMainContext *context;
  Job          *running;
  KsExperiment *pending;
  guint64       pending_generation;
  guint64       generation;

  KsResult     *result;
  char         *stage;
  double        fraction;
};

G_DEFINE_FINAL_TYPE (KsJobController, ks_job_controller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RESULT,
  PROP_BUSY,
  PROP_STAGE,
  PROP_FRACTION,
  PROP_GENERATION,
  N_PROPS
};

enum {
  RESULT_CHANGED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
job_clear (Job *job)
{
  g_weak_ref_clear (&job->controller);
  ks_experiment_unref (job->experiment);
  g_object_unref (job->cancellable);
  g_main_context_unref (job->context);
  g_mutex_clear (&job->lock);
  g_free (job->stage);
  g_clear_pointer (&job->partial, ks_result_unref);
}

static Job *
job_new (KsJobController *controller,
         KsExperiment    *experiment,
         guint64          generation)
{
  Job *job = g_atomic_rc_box_new0 (Job);

  g_weak_ref_init (&job->controller, controller);
  job->experiment = ks_experiment_ref (experiment);
  job->generation = generation;
  job->cancellable = g_cancellable_new ();
  job->context = g_main_context_ref (controller->context);
  g_mutex_init (&job->lock);
  return job;
}

static Job *
job_ref (Job *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
job_unref (Job *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify) job_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_unref)

KsJobController *
ks_job_controller_new (void)
{
  return g_object_new (KS_TYPE_JOB_CONTROLLER, NULL);
}

static void
set_progress (KsJobController *self,
              const char      *stage,
              double           fraction)
{
  if (g_strcmp0 (stage, self->stage) != 0)
    {
      g_free (self->stage);
      self->stage = g_strdup (stage);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
    }
  if (fraction != self->fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
}

static void
show_result (KsJobController *self,
             KsResult        *result)
{
  g_clear_pointer (&self->result, ks_result_unref);
  self->result = ks_result_ref (result);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
  g_signal_emit (self, signals[RESULT_CHANGED], 0);
}

/* A job's words count only while it is the newest request and has not been cancelled;
 * both are decided on the main thread, where this runs, so there is no race. */
static gboolean
job_is_current (KsJobController *self,
                Job             *job)
{
  return self->running == job && job->generation == self->generation
         && !g_cancellable_is_cancelled (job->cancellable);
}

static gboolean
dispatch_progress (gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(KsJobController) self = g_weak_ref_get (&job->controller);
  g_autofree char *stage = NULL;
  g_autoptr(KsResult) partial = NULL;
  double fraction;

  g_mutex_lock (&job->lock);
  job->dispatch_queued = FALSE;
  stage = g_steal_pointer (&job->stage);
  partial = g_steal_pointer (&job->partial);
  fraction = job->fraction;
  g_mutex_unlock (&job->lock);

  if (self == NULL || !job_is_current (self, job))
    return G_SOURCE_REMOVE;
  if (stage != NULL)
    set_progress (self, stage, fraction);
  if (partial != NULL)
    show_result (self, partial);
  return G_SOURCE_REMOVE;
}

/* Worker thread: keep the newest report and wake the main thread once for it. */
static void
on_progress (const KsProgress *progress,
             gpointer          user_data)
{
  Job *job = user_data;
  gboolean queue;

  g_mutex_lock (&job->lock);
  g_free (job->stage);
  job->stage = g_strdup (progress->stage);
  job->fraction = progress->fraction;
  if (progress->partial != NULL)
    {
      g_clear_pointer (&job->partial, ks_result_unref);
      job->partial = ks_result_ref (progress->partial);
    }
  queue = !job->dispatch_queued;
  job->dispatch_queued = TRUE;
  g_mutex_unlock (&job->lock);

  if (queue)
    {
      /* Always a queued source: g_main_context_invoke would run the callback right here,
       * in the worker, whenever the main thread happened not to hold its context. */
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, dispatch_progress, job_ref (job), (GDestroyNotify) job_unref);
      g_source_set_static_name (source, "[kernelscope] job progress");
      g_source_attach (source, job->context);
    }
}

/* On Linux the scheduling policy and the nice value are per thread, and the threads this
 * one starts (the sampler's, the deep kernel machine's) inherit them. */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  struct sched_param param = { 0 };
  id_t thread = (id_t) syscall (SYS_gettid);

  if (pthread_setschedparam (pthread_self (), SCHED_IDLE, &param) == 0)
    return;
  if (getpriority (PRIO_PROCESS, thread) < WORKER_NICENESS)
    setpriority (PRIO_PROCESS, thread, WORKER_NICENESS);
#endif
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  KsResult *result;

  lower_thread_priority ();
  result = ks_experiment_run (job->experiment, on_progress, job, cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) ks_result_unref);
}

static void start_job (KsJobController *self,
                       KsExperiment    *experiment,
                       guint64          generation);

static void
on_job_done (GObject      *source_object,
             GAsyncResult *async_result,
             gpointer      user_data)
{
  KsJobController *self = KS_JOB_CONTROLLER (source_object);
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsResult) result = g_task_propagate_pointer (G_TASK (async_result), &error);
  gboolean current = job_is_current (self, job);
  g_autoptr(KsExperiment) pending = g_steal_pointer (&self->pending);

  if (self->running == job)
    g_clear_pointer (&self->running, job_unref);

  if (current && result != NULL)
    show_result (self, result);
  else if (current && error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[FAILED], 0, error);

  if (pending != NULL)
    {
      start_job (self, pending, self->pending_generation);
      return;
    }
  set_progress (self, NULL, 0.0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
start_job (KsJobController *self,
           KsExperiment    *experiment,
           guint64          generation)
{
  Job *job = job_new (self, experiment, generation);
  g_autoptr(GTask) task = g_task_new (self, job->cancellable, on_job_done, job_ref (job));

  self->running = job;
  set_progress (self, "starting", 0.0);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job_ref (job), (GDestroyNotify) job_unref);
  g_task_run_in_thread (task, run_in_thread);
}

void
ks_job_controller_submit (KsJobController *self,
                          KsExperiment    *experiment)
{
  gboolean was_busy;

  g_return_if_fail (KS_IS_JOB_CONTROLLER (self));
  g_return_if_fail (experiment != NULL);

  was_busy = ks_job_controller_get_busy (self);
  self->generation++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GENERATION]);
  if (self->running != NULL)
    {
      g_cancellable_cancel (self->running->cancellable);
      g_clear_pointer (&self->pending, ks_experiment_unref);
      self->pending = ks_experiment_ref (experiment);
      self->pending_generation = self->generation;
      return;
    }
  start_job (self, experiment, self->generation);
  if (!was_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
ks_job_controller_cancel (KsJobController *self)
{
  g_return_if_fail (KS_IS_JOB_CONTROLLER (self));

  g_clear_pointer (&self->pending, ks_experiment_unref);
  if (self->running != NULL)
    {
      g_cancellable_cancel (self->running->cancellable);
      set_progress (self, "cancelling", self->fraction);
    }
}

KsResult *
ks_job_controller_get_result (KsJobController *self)
{
  g_return_val_if_fail (KS_IS_JOB_CONTROLLER (self), NULL);
  return self->result;
}

gboolean
ks_job_controller_get_busy (KsJobController *self)
{
  g_return_val_if_fail (KS_IS_JOB_CONTROLLER (self), FALSE);
  return self->running != NULL || self->pending != NULL;
}

const char *
ks_job_controller_get_stage (KsJobController *self)
{
  g_return_val_if_fail (KS_IS_JOB_CONTROLLER (self), NULL);
  return self->stage;
}

double
ks_job_controller_get_fraction (KsJobController *self)
{
  g_return_val_if_fail (KS_IS_JOB_CONTROLLER (self), 0.0);
  return self->fraction;
}

guint64
ks_job_controller_get_generation (KsJobController *self)
{
  g_return_val_if_fail (KS_IS_JOB_CONTROLLER (self), 0);
  return self->generation;
}

static void
ks_job_controller_dispose (GObject *object)
{
  KsJobController *self = KS_JOB_CONTROLLER (object);

  /* The running task holds a reference to us, so this only runs once it is done. */
  g_clear_pointer (&self->pending, ks_experiment_unref);
  g_clear_pointer (&self->result, ks_result_unref);
  G_OBJECT_CLASS (ks_job_controller_parent_class)->dispose (object);
}

static void
ks_job_controller_finalize (GObject *object)
{
  KsJobController *self = KS_JOB_CONTROLLER (object);

  g_clear_pointer (&self->stage, g_free);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (ks_job_controller_parent_class)->finalize (object);
}

static void
ks_job_controller_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KsJobController *self = KS_JOB_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_RESULT: g_value_set_boxed (value, self->result); break;
    case PROP_BUSY: g_value_set_boolean (value, ks_job_controller_get_busy (self)); break;
    case PROP_STAGE: g_value_set_string (value, self->stage); break;
    case PROP_FRACTION: g_value_set_double (value, self->fraction); break;
    case PROP_GENERATION: g_value_set_uint64 (value, self->generation); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_job_controller_class_init (KsJobControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ks_job_controller_dispose;
  object_class->finalize = ks_job_controller_finalize;
  object_class->get_property = ks_job_controller_get_property;

  properties[PROP_RESULT] = g_param_spec_boxed ("result", NULL, NULL, KS_TYPE_RESULT, ro);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  properties[PROP_STAGE] = g_param_spec_string ("stage", NULL, NULL, NULL, ro);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0, ro);
  properties[PROP_GENERATION] =
    g_param_spec_uint64 ("generation", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RESULT_CHANGED] = g_signal_new ("result-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
ks_job_controller_init (KsJobController *self)
{
  self->context = g_main_context_ref_thread_default ();
}
