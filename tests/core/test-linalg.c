/* test-linalg.c: checked Cholesky with jitter, Gram products and random streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_cblas.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-rng.h"

static gsl_matrix *
random_matrix (guint rows, guint cols, guint64 seed)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (seed, 0, 0);
  gsl_matrix *m = gsl_matrix_alloc (rows, cols);

  ks_rng_fill_gaussian (rng, m->data, (gsize) rows * cols);
  return m;
}

/* L L^T must give back the matrix (plus the reported jitter on the diagonal). */
static double
reconstruction_error (const gsl_matrix *l, const gsl_matrix *a, double jitter)
{
  g_autoptr(gsl_matrix) llt = gsl_matrix_alloc (a->size1, a->size2);
  double worst = 0.0;

  gsl_blas_dgemm (CblasNoTrans, CblasTrans, 1.0, l, l, 0.0, llt);
  for (gsize i = 0; i < a->size1; i++)
    for (gsize j = 0; j <= i; j++)
      {
        double expected = gsl_matrix_get (a, i, j) + (i == j ? jitter : 0.0);

        worst = MAX (worst, fabs (gsl_matrix_get (llt, i, j) - expected));
      }
  return worst;
}

static void
lower_only (gsl_matrix *l)
{
  for (gsize i = 0; i < l->size1; i++)
    for (gsize j = i + 1; j < l->size2; j++)
      gsl_matrix_set (l, i, j, 0.0);
}

static void
test_cholesky_no_jitter_when_definite (void)
{
  g_autoptr(gsl_matrix) f = random_matrix (6, 20, 1);
  g_autoptr(gsl_matrix) a = gsl_matrix_alloc (6, 6);
  g_autoptr(gsl_matrix) l = gsl_matrix_alloc (6, 6);
  g_autoptr(GError) error = NULL;
  double jitter = -1.0;

  ks_gram (f, 1.0 / 20, a);
  gsl_matrix_memcpy (l, a);
  g_assert_true (ks_cholesky_with_jitter (l, "test kernel", &jitter, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (jitter, ==, 0.0);
  lower_only (l);
  g_assert_cmpfloat (reconstruction_error (l, a, 0.0), <, 1e-12);
}

/* A rank-2 Gram matrix of 6 points is singular: the factorisation needs jitter, reports
 * the smallest tried amount that works, and that amount is at least 1e-10 * mean(diag). */
static void
test_cholesky_jitter_when_singular (void)
{
  g_autoptr(gsl_matrix) f = random_matrix (6, 2, 2);
  g_autoptr(gsl_matrix) a = gsl_matrix_alloc (6, 6);
  g_autoptr(gsl_matrix) l = gsl_matrix_alloc (6, 6);
  g_autoptr(GError) error = NULL;
  double jitter = 0.0, mean_diag = 0.0;

  ks_gram (f, 1.0, a);
  for (guint i = 0; i < 6; i++)
    mean_diag += gsl_matrix_get (a, i, i) / 6;
  gsl_matrix_memcpy (l, a);
  g_assert_true (ks_cholesky_with_jitter (l, "test kernel", &jitter, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (jitter, >=, 1e-10 * mean_diag * 0.999);
  g_assert_cmpfloat (jitter, <=, 1e-2 * mean_diag * 1.001);
  lower_only (l);
  g_assert_cmpfloat (reconstruction_error (l, a, jitter), <, 1e-9 * mean_diag);
}

static void
test_cholesky_refuses_indefinite (void)
{
  g_autoptr(gsl_matrix) a = gsl_matrix_calloc (3, 3);
  g_autoptr(GError) error = NULL;

  gsl_matrix_set (a, 0, 0, 1.0);
  gsl_matrix_set (a, 1, 1, -1.0);
  gsl_matrix_set (a, 2, 2, 1.0);
  g_assert_false (ks_cholesky_with_jitter (a, "layer 2 kernel", NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NOT_POSITIVE_DEFINITE);
  g_assert_nonnull (strstr (error->message, "layer 2 kernel"));
  /* The input is left as it was. */
  g_assert_cmpfloat (gsl_matrix_get (a, 1, 1), ==, -1.0);
}

static void
test_non_finite_named (void)
{
  g_autoptr(gsl_matrix) a = gsl_matrix_calloc (3, 3);
  g_autoptr(GError) error = NULL;

  gsl_matrix_set (a, 1, 2, NAN);
  g_assert_false (ks_matrix_check_finite (a, "NNGP of layer 4", &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
  g_assert_nonnull (strstr (error->message, "NNGP of layer 4"));
  g_assert_nonnull (strstr (error->message, "row 2, column 3"));
  g_clear_error (&error);
  gsl_matrix_set (a, 1, 2, 1.0);
  gsl_matrix_set (a, 0, 0, -INFINITY);
  g_assert_false (ks_cholesky_with_jitter (a, "kernel", NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
}

static void
test_gram_equals_product (void)
{
  g_autoptr(gsl_matrix) f = random_matrix (7, 5, 3);
  g_autoptr(gsl_matrix) g = gsl_matrix_alloc (7, 7);

  ks_gram (f, 0.5, g);
  for (guint i = 0; i < 7; i++)
    for (guint j = 0; j < 7; j++)
      {
        double direct = 0.0;

        for (guint k = 0; k < 5; k++)
          direct += gsl_matrix_get (f, i, k) * gsl_matrix_get (f, j, k);
        g_assert_cmpfloat (fabs (gsl_matrix_get (g, i, j) - 0.5 * direct), <, 1e-13);
      }
}

/* Streams: the same keys repeat exactly, any change of key gives another sequence, and
 * the draws are standard normal: mean and variance within 4 standard errors. */
static void
test_streams (void)
{
  enum { N = 200000 };
  g_autofree double *a = g_new (double, N);
  g_autofree double *b = g_new (double, N);
  g_autofree double *c = g_new (double, N);
  g_autoptr(gsl_rng) r1 = ks_rng_new_stream (5, 1, 2);
  g_autoptr(gsl_rng) r2 = ks_rng_new_stream (5, 1, 2);
  double mean = 0.0, var = 0.0, fourth = 0.0, corr = 0.0;

  ks_rng_fill_gaussian (r1, a, N);
  ks_rng_fill_gaussian (r2, b, N);
  g_assert_cmpmem (a, N * sizeof (double), b, N * sizeof (double));
  for (guint64 key = 0; key < 3; key++)
    {
      g_autoptr(gsl_rng) other = ks_rng_new_stream (key == 0 ? 6 : 5, key == 1 ? 2 : 1,
                                                   key == 2 ? 3 : 2);

      ks_rng_fill_gaussian (other, c, N);
      g_assert_true (memcmp (a, c, N * sizeof (double)) != 0);
    }
  for (guint i = 0; i < N; i++)
    mean += a[i] / N;
  for (guint i = 0; i < N; i++)
    {
      double d = a[i] - mean;

      var += d * d / (N - 1);
      fourth += d * d * d * d / N;
      corr += a[i] * c[i] / N;
    }
  g_assert_cmpfloat (fabs (mean), <, 4.0 / sqrt (N));
  g_assert_cmpfloat (fabs (var - 1.0), <, 4.0 * sqrt ((fourth - var * var) / N));
  /* Neighbouring streams are uncorrelated: the sample correlation has SE 1/sqrt(N). */
  g_assert_cmpfloat (fabs (corr), <, 4.0 / sqrt (N));
}

/* GSL's matrix products run on OpenBLAS, not on GSL's reference CBLAS (which Debian's
 * libgsl still pulls in as a dependency): the symbol the program calls lives in OpenBLAS. */
static void
test_cblas_is_openblas (void)
{
  Dl_info info = { 0 };

  g_assert_cmpint (dladdr ((void *) cblas_dgemm, &info), !=, 0);
  g_test_message ("cblas_dgemm comes from %s", info.dli_fname);
  g_assert_nonnull (strstr (info.dli_fname, "openblas"));
}

int
main (int argc, char **argv)
{
  ks_core_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/linalg/cholesky/definite", test_cholesky_no_jitter_when_definite);
  g_test_add_func ("/linalg/cholesky/jitter", test_cholesky_jitter_when_singular);
  g_test_add_func ("/linalg/cholesky/indefinite", test_cholesky_refuses_indefinite);
  g_test_add_func ("/linalg/non-finite", test_non_finite_named);
  g_test_add_func ("/linalg/gram", test_gram_equals_product);
  g_test_add_func ("/rng/streams", test_streams);
  g_test_add_func ("/linalg/cblas-is-openblas", test_cblas_is_openblas);
  return g_test_run ();
}
