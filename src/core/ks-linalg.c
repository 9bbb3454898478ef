/* ks-linalg.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-linalg.h"

#include <math.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "ks-error.h"

/* From OpenBLAS, whose own cblas.h clashes with GSL's declarations of the same API. */
extern void openblas_set_num_threads (int n_threads);

void
ks_core_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      gsl_set_error_handler_off ();
      openblas_set_num_threads (1);
      g_once_init_leave (&initialized, 1);
    }
}

guint
ks_default_n_threads (void)
{
  return MAX (1, g_get_num_processors ());
}

gboolean
ks_matrix_check_finite (const gsl_matrix *m,
                        const char       *what,
                        GError          **error)
{
  for (gsize i = 0; i < m->size1; i++)
    {
      const double *row = gsl_matrix_const_ptr (m, i, 0);

      for (gsize j = 0; j < m->size2; j++)
        if (!isfinite (row[j]))
          {
            g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
                         "%s has a non-finite value (%g) at row %zu, column %zu",
                         what, row[j], i + 1, j + 1);
            return FALSE;
          }
    }
  return TRUE;
}

static double
mean_diagonal (const gsl_matrix *a)
{
  double sum = 0.0;

  for (gsize i = 0; i < a->size1; i++)
    sum += gsl_matrix_get (a, i, i);
  return sum / (double) a->size1;
}

/* Columns per block of the factorisation: small enough that one block takes a few
 * milliseconds at any size the program accepts, large enough for level-3 BLAS speed. */
#define CHOLESKY_BLOCK 96

/* Left-looking blocked Cholesky of the lower triangle, in place. Returns FALSE with
 * *not_definite set when a pivot block is not positive definite. */
static gboolean
cholesky_blocked (gsl_matrix   *a,
                  GCancellable *cancellable,
                  gboolean     *not_definite,
                  GError      **error)
{
  gsize n = a->size1, lda = a->tda;
  double *data = a->data;

  *not_definite = FALSE;
  for (gsize j = 0; j < n; j += CHOLESKY_BLOCK)
    {
      gsize nb = MIN (CHOLESKY_BLOCK, n - j), below = n - j - nb;
      gsl_matrix_view diagonal = gsl_matrix_submatrix (a, j, j, nb, nb);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      /* A_jj -= L_j,<j L_j,<j^T, then factor the diagonal block. */
      if (j > 0)
        cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans, (int) nb, (int) j, -1.0,
                     data + j * lda, (int) lda, 1.0, data + j * lda + j, (int) lda);
      if (gsl_linalg_cholesky_decomp1 (&diagonal.matrix) != GSL_SUCCESS)
        {
          *not_definite = TRUE;
          return FALSE;
        }
      if (below == 0)
        break;
      /* A_ij -= L_i,<j L_j,<j^T, then L_ij = A_ij L_jj^-T. */
      if (j > 0)
        cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) below, (int) nb, (int) j,
                     -1.0, data + (j + nb) * lda, (int) lda, data + j * lda, (int) lda,
                     1.0, data + (j + nb) * lda + j, (int) lda);
      cblas_dtrsm (CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
                   (int) below, (int) nb, 1.0, data + j * lda + j, (int) lda,
                   data + (j + nb) * lda + j, (int) lda);
    }
  return TRUE;
}

gboolean
ks_cholesky_with_jitter_cancellable (gsl_matrix   *a,
                                     const char   *what,
                                     double       *jitter_used,
                                     GCancellable *cancellable,
                                     GError      **error)
{
  g_autoptr(gsl_matrix) original = NULL;
  gboolean not_definite;
  double scale;

  if (jitter_used)
    *jitter_used = 0.0;
  if (!ks_matrix_check_finite (a, what, error))
    return FALSE;

  original = gsl_matrix_alloc (a->size1, a->size2);
  gsl_matrix_memcpy (original, a);
  if (cholesky_blocked (a, cancellable, &not_definite, error))
    return TRUE;
  if (!not_definite)
    goto failed;

  scale = mean_diagonal (original);
  if (!(scale > 0.0))
    scale = 1.0;
  for (double jitter = 1e-10 * scale; jitter <= 1e-2 * scale * 1.0001; jitter *= 10.0)
    {
      gsl_matrix_memcpy (a, original);
      for (gsize i = 0; i < a->size1; i++)
        *gsl_matrix_ptr (a, i, i) += jitter;
      if (cholesky_blocked (a, cancellable, &not_definite, error))
        {
          if (jitter_used)
            *jitter_used = jitter;
          return TRUE;
        }
      if (!not_definite)
        goto failed;
    }

  g_set_error (error, KS_ERROR, KS_ERROR_NOT_POSITIVE_DEFINITE,
               "%s is not positive definite, even with a diagonal jitter of %g",
               what, 1e-2 * scale);
failed:
  gsl_matrix_memcpy (a, original);
  return FALSE;
}

gboolean
ks_cholesky_with_jitter (gsl_matrix *a,
                         const char *what,
                         double     *jitter_used,
                         GError    **error)
{
  return ks_cholesky_with_jitter_cancellable (a, what, jitter_used, NULL, error);
}

/* Square tiles keep both the rows read and the columns written in cache. */
#define SYMMETRIZE_TILE 64

void
ks_matrix_symmetrize_from_lower (gsl_matrix *m)
{
  gsize n = m->size1, tda = m->tda;
  double *data = m->data;

  for (gsize ib = 0; ib < n; ib += SYMMETRIZE_TILE)
    for (gsize jb = ib; jb < n; jb += SYMMETRIZE_TILE)
      {
        gsize i_end = MIN (ib + SYMMETRIZE_TILE, n), j_end = MIN (jb + SYMMETRIZE_TILE, n);

        for (gsize i = ib; i < i_end; i++)
          for (gsize j = MAX (jb, i + 1); j < j_end; j++)
            data[i * tda + j] = data[j * tda + i];
      }
}

void
ks_gram (const gsl_matrix *f,
         double            alpha,
         gsl_matrix       *g)
{
  g_return_if_fail (g->size1 == f->size1 && g->size2 == f->size1);

  cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans,
               (int) f->size1, (int) f->size2,
               alpha, f->data, (int) f->tda,
               0.0, g->data, (int) g->tda);
  ks_matrix_symmetrize_from_lower (g);
}

double
ks_cholesky_log_det (const gsl_matrix *l)
{
  double sum = 0.0;

  for (gsize i = 0; i < l->size1; i++)
    sum += log (gsl_matrix_get (l, i, i));
  return 2.0 * sum;
}

double
ks_matrix_relative_difference (const gsl_matrix *a,
                               const gsl_matrix *b)
{
  double diff = 0.0, norm = 0.0;

  g_return_val_if_fail (a->size1 == b->size1 && a->size2 == b->size2, INFINITY);
  for (gsize i = 0; i < a->size1; i++)
    for (gsize j = 0; j < a->size2; j++)
      {
        double d = gsl_matrix_get (a, i, j) - gsl_matrix_get (b, i, j);
        double v = gsl_matrix_get (b, i, j);

        diff += d * d;
        norm += v * v;
      }
  return norm > 0.0 ? sqrt (diff / norm) : sqrt (diff);
}
