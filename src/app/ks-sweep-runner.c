/* ks-sweep-runner.c: runs one long computation at a time in a worker, the newest request
 * winning
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-sweep-runner.h"

#define POLL_INTERVAL_MS 100

struct _KsSweepProgress
{
  GMutex lock;
  double fraction;
};

void
ks_sweep_progress_set (KsSweepProgress *progress,
                       double           fraction)
{
  g_mutex_lock (&progress->lock);
  progress->fraction = CLAMP (fraction, 0.0, 1.0);
  g_mutex_unlock (&progress->lock);
}

static double
progress_get (KsSweepProgress *progress)
{
  double fraction;

  g_mutex_lock (&progress->lock);
  fraction = progress->fraction;
  g_mutex_unlock (&progress->lock);
  return fraction;
}

typedef struct
{
  KsSweepFunc     func;
  gpointer        input;
  GDestroyNotify  free_input;
  GDestroyNotify  free_output;
  guint64         generation;
  GCancellable   *cancellable;
  KsSweepProgress progress;
} Request;

static void
request_free (Request *request)
{
  if (request->free_input != NULL)
    request->free_input (request->input);
  g_object_unref (request->cancellable);
  g_mutex_clear (&request->progress.lock);
  g_free (request);
}

struct _KsSweepRunner
{
  GObject   parent_instance;

  Request  *running;    /* owned by its task */
  Request  *pending;
  guint64   generation;
  guint     poll_id;
  gboolean  busy;
  double    fraction;
};

G_DEFINE_FINAL_TYPE (KsSweepRunner, ks_sweep_runner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_FRACTION,
  N_PROPS
};

enum {
  SIGNAL_FINISHED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_request (KsSweepRunner *self,
                           Request       *request);

static void
set_fraction (KsSweepRunner *self,
              double         fraction)
{
  if (fraction == self->fraction)
    return;
  self->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static gboolean
poll_progress (gpointer user_data)
{
  KsSweepRunner *self = user_data;

  if (self->running != NULL)
    set_fraction (self, progress_get (&self->running->progress));
  return G_SOURCE_CONTINUE;
}

static void
update_busy (KsSweepRunner *self)
{
  gboolean busy = self->running != NULL || self->pending != NULL;

  if (busy && self->poll_id == 0)
    self->poll_id = g_timeout_add (POLL_INTERVAL_MS, poll_progress, self);
  else if (!busy)
    g_clear_handle_id (&self->poll_id, g_source_remove);
  if (busy == self->busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  gpointer output = request->func (request->input, &request->progress, cancellable, &error);

  if (output != NULL)
    g_task_return_pointer (task, output, request->free_output);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "The computation gave nothing");
}

static void
on_done (GObject      *source_object,
         GAsyncResult *result,
         gpointer      user_data)
{
  KsSweepRunner *self = KS_SWEEP_RUNNER (source_object);
  Request *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gpointer output = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean current = request->generation == self->generation &&
                     !g_cancellable_is_cancelled (request->cancellable);

  self->running = NULL;
  if (current && output != NULL)
    {
      set_fraction (self, 1.0);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, output);
    }
  else if (current && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
  if (output != NULL && request->free_output != NULL)
    request->free_output (output);

  if (self->pending != NULL)
    start_request (self, g_steal_pointer (&self->pending));
  update_busy (self);
}

static void
start_request (KsSweepRunner *self,
               Request       *request)
{
  g_autoptr(GTask) task = g_task_new (self, request->cancellable, on_done, NULL);

  self->running = request;
  set_fraction (self, 0.0);
  g_task_set_source_tag (task, start_request);
  /* The task's own cancellable check would drop the output before on_done () could
   * free it with free_output. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, run_in_thread);
}

KsSweepRunner *
ks_sweep_runner_new (void)
{
  return g_object_new (KS_TYPE_SWEEP_RUNNER, NULL);
}

void
ks_sweep_runner_run (KsSweepRunner  *self,
                     KsSweepFunc     func,
                     gpointer        input,
                     GDestroyNotify  free_input,
                     GDestroyNotify  free_output)
{
  Request *request;

  g_return_if_fail (KS_IS_SWEEP_RUNNER (self));
  g_return_if_fail (func != NULL);

  request = g_new0 (Request, 1);
  request->func = func;
  request->input = input;
  request->free_input = free_input;
  request->free_output = free_output;
  request->generation = ++self->generation;
  request->cancellable = g_cancellable_new ();
  g_mutex_init (&request->progress.lock);

  g_clear_pointer (&self->pending, request_free);
  if (self->running != NULL)
    {
      g_cancellable_cancel (self->running->cancellable);
      self->pending = request;
    }
  else
    start_request (self, request);
  update_busy (self);
}

void
ks_sweep_runner_cancel (KsSweepRunner *self)
{
  g_return_if_fail (KS_IS_SWEEP_RUNNER (self));

  g_clear_pointer (&self->pending, request_free);
  if (self->running != NULL)
    g_cancellable_cancel (self->running->cancellable);
  update_busy (self);
}

gboolean
ks_sweep_runner_get_busy (KsSweepRunner *self)
{
  g_return_val_if_fail (KS_IS_SWEEP_RUNNER (self), FALSE);
  return self->busy;
}

double
ks_sweep_runner_get_fraction (KsSweepRunner *self)
{
  g_return_val_if_fail (KS_IS_SWEEP_RUNNER (self), 0.0);
  return self->fraction;
}

guint64
ks_sweep_runner_get_generation (KsSweepRunner *self)
{
  g_return_val_if_fail (KS_IS_SWEEP_RUNNER (self), 0);
  return self->generation;
}

static void
ks_sweep_runner_dispose (GObject *object)
{
  KsSweepRunner *self = KS_SWEEP_RUNNER (object);

  ks_sweep_runner_cancel (self);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  G_OBJECT_CLASS (ks_sweep_runner_parent_class)->dispose (object);
}

static void
ks_sweep_runner_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KsSweepRunner *self = KS_SWEEP_RUNNER (object);

  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    case PROP_FRACTION: g_value_set_double (value, self->fraction); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_sweep_runner_class_init (KsSweepRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ks_sweep_runner_dispose;
  object_class->get_property = ks_sweep_runner_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
ks_sweep_runner_init (KsSweepRunner *self)
{
}
