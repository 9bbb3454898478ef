/* ks-linalg.h: checked factorisations and the few matrix helpers the core shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

G_BEGIN_DECLS

/* Once per process: GSL errors become return codes (never abort) and OpenBLAS runs
 * one thread per caller, since the core parallelises across samples and rows itself. */
void         ks_core_init                 (void);
/* Worker threads to use when the caller asks for 0 (one per core). */
guint        ks_default_n_threads         (void);

/* Error naming the first NaN or infinity in m, with "what" (e.g. "NNGP of layer 3, relu"). */
gboolean     ks_matrix_check_finite       (const gsl_matrix *m,
                                           const char       *what,
                                           GError          **error);
/* In place: the lower Cholesky factor of the symmetric a. Jitter is added to the diagonal only
 * when the factorisation fails, starting from 1e-10 * mean(diag) and growing tenfold up to
 * 1e-2 * mean(diag); *jitter_used (may be NULL) is 0 when none was needed. */
gboolean     ks_cholesky_with_jitter      (gsl_matrix       *a,
                                           const char       *what,
                                           double           *jitter_used,
                                           GError          **error);
/* The same, checking the cancellable between blocks of the factorisation, so that a large
 * kernel gives way within milliseconds (G_IO_ERROR_CANCELLED). */
gboolean     ks_cholesky_with_jitter_cancellable (gsl_matrix   *a,
                                           const char       *what,
                                           double           *jitter_used,
                                           GCancellable     *cancellable,
                                           GError          **error);
/* g = alpha * F F^T (full symmetric result) through one SYRK. */
void         ks_gram                      (const gsl_matrix *f,
                                           double            alpha,
                                           gsl_matrix       *g);
/* Copies the lower triangle onto the upper. */
void         ks_matrix_symmetrize_from_lower (gsl_matrix    *m);
/* log det from a Cholesky factor. */
double       ks_cholesky_log_det          (const gsl_matrix *l);
/* Frobenius norm of a - b, relative to that of b. */
double       ks_matrix_relative_difference (const gsl_matrix *a,
                                           const gsl_matrix *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_matrix, gsl_matrix_free)

G_END_DECLS
