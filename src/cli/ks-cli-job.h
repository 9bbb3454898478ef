/* ks-cli-job.h: one command's work in a worker thread, cancelled by SIGINT or SIGTERM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _KsCliJob KsCliJob;

/* Runs in the worker thread; returns FALSE with error set on failure. */
typedef gboolean (*KsCliJobFunc) (KsCliJob *job,
                                  gpointer  user_data,
                                  GError  **error);

/* Runs func in a worker thread while the calling thread waits in a main loop that turns
 * SIGINT and SIGTERM into cancellation (the job then fails with G_IO_ERROR_CANCELLED).
 * With show_progress, the stage and percentage the job reports stay on one line of
 * stderr, cleared at the end. */
gboolean      ks_cli_job_run              (KsCliJobFunc  func,
                                           gpointer      user_data,
                                           gboolean      show_progress,
                                           GError      **error);

GCancellable *ks_cli_job_get_cancellable  (KsCliJob     *self);
/* Thread-safe: may be called from the worker at any rate; drawn a few times a second. */
void          ks_cli_job_set_progress     (KsCliJob     *self,
                                           const char   *stage,
                                           double        fraction);

G_END_DECLS
