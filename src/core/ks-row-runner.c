/* ks-row-runner.c: the rows of a lower triangle shared among worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-row-runner.h"

#include "ks-linalg.h"

typedef struct
{
  gsize         n_rows;
  guint         n_workers;
  GCancellable *cancellable;
  KsRowFunc     func;
  gpointer      user_data;
} RowJob;

typedef struct
{
  const RowJob *job;
  guint         first_row;
} RowWorker;

static gpointer
row_worker (gpointer data)
{
  RowWorker *worker = data;
  const RowJob *job = worker->job;

  for (gsize i = worker->first_row; i < job->n_rows; i += job->n_workers)
    if (g_cancellable_is_cancelled (job->cancellable) || !job->func (i, job->user_data))
      return NULL;
  return NULL;
}

void
ks_row_runner_run (gsize         n_rows,
                   guint         n_workers,
                   const char   *thread_name,
                   GCancellable *cancellable,
                   KsRowFunc     func,
                   gpointer      user_data)
{
  RowJob job = { n_rows, MAX (n_workers, 1), cancellable, func, user_data };
  g_autofree RowWorker *workers = g_new0 (RowWorker, job.n_workers);
  g_autofree GThread **threads = g_new0 (GThread *, job.n_workers);

  for (guint k = 0; k < job.n_workers; k++)
    {
      workers[k].job = &job;
      workers[k].first_row = k;
    }
  for (guint k = 1; k < job.n_workers; k++)
    threads[k] = g_thread_try_new (thread_name, row_worker, &workers[k], NULL);

  row_worker (&workers[0]);
  for (guint k = 1; k < job.n_workers; k++)
    {
      /* A thread that could not start has its rows done here instead. */
      if (threads[k] != NULL)
        g_thread_join (threads[k]);
      else
        row_worker (&workers[k]);
    }
}

/* Below this many lower-triangle entries of closed-form work, extra threads cost more
 * than they save. */
#define MIN_ENTRIES_PER_THREAD 20000

guint
ks_row_runner_choose_n_workers (KsLayerKind kind,
                                gsize       size,
                                guint       n_threads)
{
  gsize entries = size * (size + 1) / 2;
  guint n;

  if (n_threads != 0)
    n = n_threads;
  else if (kind == KS_LAYER_TANH || kind == KS_LAYER_GELU)
    n = ks_default_n_threads ();
  else
    n = (guint) MIN ((gsize) ks_default_n_threads (),
                     MAX (entries / MIN_ENTRIES_PER_THREAD, 1));
  return (guint) MAX (1, MIN ((gsize) n, MAX (size, 1)));
}
