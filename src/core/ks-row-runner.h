/* ks-row-runner.h: the rows of a lower triangle shared among worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ks-stack.h"

G_BEGIN_DECLS

/* Does row `row` of the lower triangle; FALSE when it stopped on cancellation. */
typedef gboolean (*KsRowFunc) (gsize    row,
                               gpointer user_data);

/* Runs func on rows 0 .. n_rows - 1, worker k taking rows k, k + n_workers, ... (which
 * gives every worker about the same share of the triangle); the calling thread is worker
 * 0. Each row is written by one worker only, so the result does not depend on n_workers.
 * A worker stops at the first row after cancellation. */
void   ks_row_runner_run              (gsize         n_rows,
                                       guint         n_workers,
                                       const char   *thread_name,
                                       GCancellable *cancellable,
                                       KsRowFunc     func,
                                       gpointer      user_data);

/* How many workers a kernel map of kind over size points deserves: n_threads when given,
 * one per core for the quadrature kinds (tanh, GELU), else enough that each does a good
 * share of closed-form entries; never more than the rows. */
guint  ks_row_runner_choose_n_workers (KsLayerKind   kind,
                                       gsize         size,
                                       guint         n_threads);

G_END_DECLS
