/* ks-sweep-runner.h: runs one long computation at a time in a worker, the newest request
 * winning
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where a computation reports how far it got; callable from any thread. */
typedef struct _KsSweepProgress KsSweepProgress;

void         ks_sweep_progress_set    (KsSweepProgress *progress,
                                       double           fraction);

/* Runs in a worker thread: the output for input, or NULL with error set (cancellation
 * reported as G_IO_ERROR_CANCELLED). */
typedef gpointer (*KsSweepFunc) (gpointer          input,
                                 KsSweepProgress  *progress,
                                 GCancellable     *cancellable,
                                 GError          **error);

#define KS_TYPE_SWEEP_RUNNER (ks_sweep_runner_get_type ())

G_DECLARE_FINAL_TYPE (KsSweepRunner, ks_sweep_runner, KS, SWEEP_RUNNER, GObject)

/* At most one computation runs. A request while one runs cancels it and waits as the
 * single pending request (a newer one replaces it), started once the running one has
 * ended: two computations of one runner never overlap, and a stale one never reports.
 *
 * Signals, on the main context the runner was made in: "finished" (gpointer output, owned
 * by the runner and freed after the emission: take a reference to keep it) and "failed"
 * (GError *), for the newest request only; never for a cancelled one. Properties "busy"
 * and "fraction" (polled from the worker every 100 ms while busy). */
KsSweepRunner *ks_sweep_runner_new      (void);
/* Takes over input (freed with free_input once the computation ended or was dropped);
 * outputs are freed with free_output. */
void         ks_sweep_runner_run        (KsSweepRunner  *self,
                                         KsSweepFunc     func,
                                         gpointer        input,
                                         GDestroyNotify  free_input,
                                         GDestroyNotify  free_output);
/* Cancels the running computation and drops the pending one. */
void         ks_sweep_runner_cancel     (KsSweepRunner  *self);
gboolean     ks_sweep_runner_get_busy   (KsSweepRunner  *self);
double       ks_sweep_runner_get_fraction (KsSweepRunner *self);
/* Requests made so far: each run () counts one. */
guint64      ks_sweep_runner_get_generation (KsSweepRunner *self);

G_END_DECLS
