/* ks-gaussian.c: the log-likelihood of outputs whose columns are iid N(0, K)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-gaussian.h"

#include <math.h>
#include <gsl/gsl_cblas.h>

#include "ks-error.h"
#include "ks-linalg.h"

gboolean
ks_gaussian_log_likelihood (const gsl_matrix *kernel,
                            const gsl_matrix *outputs,
                            const char       *what,
                            double           *log_likelihood,
                            double           *jitter_used,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(gsl_matrix) chol = NULL;
  g_autoptr(gsl_matrix) whitened = NULL;
  gsize p = kernel->size1, n_out = outputs->size2;
  double quad = 0.0, value;

  g_return_val_if_fail (kernel->size2 == p && outputs->size1 == p, FALSE);

  ks_core_init ();
  chol = gsl_matrix_alloc (p, p);
  whitened = gsl_matrix_alloc (p, n_out);
  gsl_matrix_memcpy (chol, kernel);
  gsl_matrix_memcpy (whitened, outputs);
  if (!ks_cholesky_with_jitter_cancellable (chol, what, jitter_used, cancellable, error))
    return FALSE;
  /* tr(K^{-1} Y Y^T) = ||L^{-1} Y||_F^2 with K = L L^T. */
  cblas_dtrsm (CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int) p,
               (int) n_out, 1.0, chol->data, (int) chol->tda, whitened->data,
               (int) whitened->tda);
  for (gsize i = 0; i < p; i++)
    for (gsize j = 0; j < n_out; j++)
      quad += gsl_matrix_get (whitened, i, j) * gsl_matrix_get (whitened, i, j);
  value = -0.5 * n_out * ks_cholesky_log_det (chol) - 0.5 * quad
          - 0.5 * n_out * p * log (2.0 * M_PI);
  if (!isfinite (value))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
                   "the Gaussian log-likelihood under %s is not finite (%g)", what, value);
      return FALSE;
    }
  *log_likelihood = value;
  return TRUE;
}
