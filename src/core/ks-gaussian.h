/* ks-gaussian.h: the log-likelihood of outputs whose columns are iid N(0, K)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

G_BEGIN_DECLS

/* sum over the columns y of outputs (P x N_out) of log N(y; 0, kernel), that is
 *   -N_out / 2 log|K| - 1/2 tr(K^{-1} Y Y^T) - N_out P / 2 log(2 pi),
 * by a Cholesky factorisation of a copy of the kernel (jitter only when it fails, reported
 * in *jitter_used, which may be NULL). "what" names the kernel in errors. */
gboolean     ks_gaussian_log_likelihood   (const gsl_matrix *kernel,
                                           const gsl_matrix *outputs,
                                           const char       *what,
                                           double           *log_likelihood,
                                           double           *jitter_used,
                                           GCancellable     *cancellable,
                                           GError          **error);

G_END_DECLS
