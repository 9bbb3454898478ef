/* ks-cli-job.c: one command's work in a worker thread, cancelled by SIGINT or SIGTERM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signals are watched by a GMainLoop in the main thread (g_unix_signal_add), never by a
 * raw handler, so cancelling is an ordinary GCancellable call and the worker cleans up
 * after itself before the command exits.
 */
#include "ks-cli-job.h"

#include <signal.h>
#include <stdio.h>
#include <glib-unix.h>

#define PROGRESS_INTERVAL_MS 100

struct _KsCliJob
{
  KsCliJobFunc func;
  gpointer user_data;
  GCancellable *cancellable;
  GMainLoop *loop;

  GMutex mutex;          /* guards stage and fraction, written by the worker */
  char *stage;
  double fraction;

  char *drawn;           /* the progress line on stderr, or NULL; main thread only */
  gboolean succeeded;
  GError *error;
};

GCancellable *
ks_cli_job_get_cancellable (KsCliJob *self)
{
  return self->cancellable;
}

void
ks_cli_job_set_progress (KsCliJob   *self,
                         const char *stage,
                         double      fraction)
{
  g_mutex_lock (&self->mutex);
  if (g_strcmp0 (self->stage, stage) != 0)
    {
      g_free (self->stage);
      self->stage = g_strdup (stage);
    }
  self->fraction = CLAMP (fraction, 0.0, 1.0);
  g_mutex_unlock (&self->mutex);
}

static gboolean
on_redraw_progress (gpointer data)
{
  KsCliJob *self = data;
  g_autofree char *line = NULL;

  g_mutex_lock (&self->mutex);
  if (self->stage != NULL)
    line = g_strdup_printf ("%s: %3.0f%%", self->stage, 100.0 * self->fraction);
  g_mutex_unlock (&self->mutex);

  if (line != NULL && g_strcmp0 (line, self->drawn) != 0)
    {
      /* \033[K erases what a longer previous line left behind. */
      fprintf (stderr, "\r%s\033[K", line);
      fflush (stderr);
      g_free (self->drawn);
      self->drawn = g_steal_pointer (&line);
    }
  return G_SOURCE_CONTINUE;
}

static void
clear_progress (KsCliJob *self)
{
  if (self->drawn == NULL)
    return;
  fputs ("\r\033[K", stderr);
  fflush (stderr);
}

static gboolean
on_signal (gpointer data)
{
  KsCliJob *self = data;

  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_job_finished (gpointer data)
{
  KsCliJob *self = data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
run_in_worker (gpointer data)
{
  KsCliJob *self = data;

  self->succeeded = self->func (self, self->user_data, &self->error);
  /* An idle, not g_main_loop_quit (): it works even before the loop has started. */
  g_idle_add (on_job_finished, self);
  return NULL;
}

gboolean
ks_cli_job_run (KsCliJobFunc  func,
                gpointer      user_data,
                gboolean      show_progress,
                GError      **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  KsCliJob self = {
    .func = func,
    .user_data = user_data,
    .cancellable = cancellable,
    .loop = loop,
  };
  guint interrupt_id, terminate_id, redraw_id = 0;
  GThread *worker;

  g_mutex_init (&self.mutex);
  interrupt_id = g_unix_signal_add (SIGINT, on_signal, &self);
  terminate_id = g_unix_signal_add (SIGTERM, on_signal, &self);
  if (show_progress)
    redraw_id = g_timeout_add (PROGRESS_INTERVAL_MS, on_redraw_progress, &self);

  worker = g_thread_new ("kernelscope-cli job", run_in_worker, &self);
  g_main_loop_run (loop);
  g_thread_join (worker);

  g_source_remove (interrupt_id);
  g_source_remove (terminate_id);
  if (redraw_id != 0)
    g_source_remove (redraw_id);
  clear_progress (&self);
  g_free (self.stage);
  g_free (self.drawn);
  g_mutex_clear (&self.mutex);

  if (!self.succeeded)
    {
      g_propagate_error (error, self.error);
      return FALSE;
    }
  g_clear_error (&self.error);
  return TRUE;
}
