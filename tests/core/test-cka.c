/* test-cka.c: centred kernel alignment (MATHS section 5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>

#include "ks-cka.h"
#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-rng.h"

static const KsCkaKind all_kinds[] = { KS_CKA_LINEAR, KS_CKA_RBF, KS_CKA_DEBIASED };

static gsl_matrix *
random_features (gsize n_points,
                 gsize n_features,
                 guint seed)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (seed, 0, 0);
  gsl_matrix *x = gsl_matrix_alloc (n_points, n_features);

  ks_rng_fill_gaussian (rng, x->data, n_points * n_features);
  return x;
}

/* A PSD Gram matrix of Gaussian features, some of them shared with the given seed's
 * neighbours so that pairs of kernels are related. */
static gsl_matrix *
random_psd (gsize n,
            guint seed)
{
  g_autoptr(gsl_matrix) x = random_features (n, 6, seed);
  g_autoptr(gsl_matrix) shared = random_features (n, 6, 1000);
  gsl_matrix *k = gsl_matrix_alloc (n, n);

  gsl_matrix_add (x, shared);
  ks_gram (x, 1.0 / 6.0, k);
  return k;
}

static double
cka_of (const gsl_matrix *k,
        const gsl_matrix *l,
        KsCkaKind         kind)
{
  g_autoptr(GError) error = NULL;
  double value = NAN;

  g_assert_true (ks_cka (k, l, kind, 1.0, &value, &error));
  g_assert_no_error (error);
  return value;
}

/* Kind names read back; an unknown one is a parse error. */
static void
test_kind_strings (void)
{
  g_autoptr(GError) error = NULL;
  KsCkaKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      g_assert_true (ks_cka_kind_from_string (ks_cka_kind_to_string (all_kinds[i]), &kind,
                                              &error));
      g_assert_no_error (error);
      g_assert_cmpint (kind, ==, all_kinds[i]);
    }
  g_assert_cmpstr (ks_cka_kind_to_string (KS_CKA_DEBIASED), ==, "debiased");
  g_assert_false (ks_cka_kind_from_string ("cosine", &kind, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_PARSE);
}

/* CKA(K, K) = 1 for every kind (rounding only: 1e-12). */
static void
test_self_similarity (void)
{
  g_autoptr(gsl_matrix) k = random_psd (30, 1);

  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    g_assert_cmpfloat_with_epsilon (cka_of (k, k, all_kinds[i]), 1.0, 1e-12);
}

/* CKA(aK, bL) = CKA(K, L) for a, b > 0; the RBF kernel of aK equals that of K because the
 * median scales with the distances. Rounding only: 1e-12. */
static void
test_scale_invariance (void)
{
  g_autoptr(gsl_matrix) k = random_psd (30, 1);
  g_autoptr(gsl_matrix) l = random_psd (30, 2);
  g_autoptr(gsl_matrix) ak = gsl_matrix_alloc (30, 30);
  g_autoptr(gsl_matrix) bl = gsl_matrix_alloc (30, 30);

  gsl_matrix_memcpy (ak, k);
  gsl_matrix_scale (ak, 3.7);
  gsl_matrix_memcpy (bl, l);
  gsl_matrix_scale (bl, 0.02);
  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    g_assert_cmpfloat_with_epsilon (cka_of (ak, bl, all_kinds[i]), cka_of (k, l, all_kinds[i]),
                                    1e-12);
}

static gsl_matrix *
random_orthogonal (gsize n,
                   guint seed)
{
  g_autoptr(gsl_matrix) a = random_features (n, n, seed);
  g_autoptr(gsl_matrix) r = gsl_matrix_alloc (n, n);
  gsl_vector *tau = gsl_vector_alloc (n);
  gsl_matrix *q = gsl_matrix_alloc (n, n);

  gsl_linalg_QR_decomp (a, tau);
  gsl_linalg_QR_unpack (a, tau, q, r);
  gsl_vector_free (tau);
  return q;
}

/* Linear CKA of features is invariant to rotating the features, X -> X Q with Q orthogonal
 * (from the QR of a Gaussian matrix); 1e-10 allows the rounding of the products. */
static void
test_orthogonal_invariance (void)
{
  g_autoptr(gsl_matrix) x = random_features (25, 8, 4);
  g_autoptr(gsl_matrix) y = random_features (25, 3, 5);
  g_autoptr(gsl_matrix) q = random_orthogonal (8, 6);
  g_autoptr(gsl_matrix) xq = gsl_matrix_alloc (25, 8);
  g_autoptr(GError) error = NULL;
  double plain, rotated, self;

  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, x, q, 0.0, xq);
  g_assert_true (ks_cka_features (x, y, KS_CKA_LINEAR, 1.0, &plain, &error));
  g_assert_true (ks_cka_features (xq, y, KS_CKA_LINEAR, 1.0, &rotated, &error));
  g_assert_true (ks_cka_features (x, xq, KS_CKA_LINEAR, 1.0, &self, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (plain, rotated, 1e-10);
  g_assert_cmpfloat_with_epsilon (self, 1.0, 1e-10);
}

static gsl_matrix *
centring_matrix (gsize n)
{
  gsl_matrix *h = gsl_matrix_alloc (n, n);

  gsl_matrix_set_all (h, -1.0 / (double) n);
  for (gsize i = 0; i < n; i++)
    *gsl_matrix_ptr (h, i, i) += 1.0;
  return h;
}

static gsl_matrix *
centre_by_products (const gsl_matrix *k)
{
  gsize n = k->size1;
  g_autoptr(gsl_matrix) h = centring_matrix (n);
  g_autoptr(gsl_matrix) hk = gsl_matrix_alloc (n, n);
  gsl_matrix *hkh = gsl_matrix_alloc (n, n);

  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, h, k, 0.0, hk);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, hk, h, 0.0, hkh);
  return hkh;
}

/* The O(n^2) centring equals H K H by explicit products, also for a non-symmetric K
 * (entries O(1): 1e-12 absolute). */
static void
test_centre (void)
{
  g_autoptr(gsl_matrix) k = random_psd (17, 3);
  g_autoptr(gsl_matrix) nonsymmetric = random_features (9, 9, 8);
  const gsl_matrix *cases[] = { k, nonsymmetric };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(gsl_matrix) fast = ks_center (cases[c]);
      g_autoptr(gsl_matrix) slow = centre_by_products (cases[c]);

      for (gsize i = 0; i < fast->size1; i++)
        for (gsize j = 0; j < fast->size2; j++)
          g_assert_cmpfloat_with_epsilon (gsl_matrix_get (fast, i, j),
                                          gsl_matrix_get (slow, i, j), 1e-12);
    }
}

/* HSIC_u as the average over ordered distinct index quadruples (i, j, q, r) of
 * k_ij l_ij + k_ij l_qr - 2 k_ij l_iq, the U-statistic whose closed form MATHS 5 gives. */
static double
hsic_by_quadruples (const gsl_matrix *k,
                    const gsl_matrix *l)
{
  gsize n = k->size1;
  double sum = 0.0, count = 0.0;

  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      for (gsize q = 0; q < n; q++)
        for (gsize r = 0; r < n; r++)
          {
            double kij;

            if (i == j || i == q || i == r || j == q || j == r || q == r)
              continue;
            kij = gsl_matrix_get (k, i, j);
            sum += kij * gsl_matrix_get (l, i, j) + kij * gsl_matrix_get (l, q, r)
                   - 2.0 * kij * gsl_matrix_get (l, i, q);
            count += 1.0;
          }
  return sum / count;
}

/* MATHS 5 transcribed with explicit matrices: K~ L~ by a product, traces and sums by loops. */
static double
hsic_by_matrices (const gsl_matrix *k,
                  const gsl_matrix *l)
{
  gsize n = k->size1;
  double m = (double) n;
  g_autoptr(gsl_matrix) kt = gsl_matrix_alloc (n, n);
  g_autoptr(gsl_matrix) lt = gsl_matrix_alloc (n, n);
  g_autoptr(gsl_matrix) product = gsl_matrix_alloc (n, n);
  double trace = 0.0, sum_k = 0.0, sum_l = 0.0, sum_product = 0.0;

  gsl_matrix_memcpy (kt, k);
  gsl_matrix_memcpy (lt, l);
  for (gsize i = 0; i < n; i++)
    {
      gsl_matrix_set (kt, i, i, 0.0);
      gsl_matrix_set (lt, i, i, 0.0);
    }
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, kt, lt, 0.0, product);
  for (gsize i = 0; i < n; i++)
    {
      trace += gsl_matrix_get (product, i, i);
      for (gsize j = 0; j < n; j++)
        {
          sum_k += gsl_matrix_get (kt, i, j);
          sum_l += gsl_matrix_get (lt, i, j);
          sum_product += gsl_matrix_get (product, i, j);
        }
    }
  return (trace + sum_k * sum_l / ((m - 1.0) * (m - 2.0)) - 2.0 / (m - 2.0) * sum_product)
         / (m * (m - 3.0));
}

/* The O(n^2) HSIC_u equals the definition by index quadruples and the formula by explicit
 * matrices at n = 8 (values O(1): 1e-10 absolute). */
static void
test_hsic_debiased (void)
{
  g_autoptr(gsl_matrix) k = random_psd (8, 21);
  g_autoptr(gsl_matrix) l = random_psd (8, 22);
  double fast = ks_hsic_debiased (k, l);

  g_assert_cmpfloat_with_epsilon (fast, hsic_by_quadruples (k, l), 1e-10);
  g_assert_cmpfloat_with_epsilon (fast, hsic_by_matrices (k, l), 1e-10);
  g_assert_cmpfloat_with_epsilon (ks_hsic_debiased (k, k), hsic_by_quadruples (k, k), 1e-10);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The RBF kernel of MATHS 5 straight from the features: squared distances, their median
 * over all n^2 entries by sorting. */
static gsl_matrix *
rbf_by_features (const gsl_matrix *x,
                 double            tau)
{
  gsize n = x->size1;
  g_autofree double *sorted = g_new (double, n * n);
  gsl_matrix *k = gsl_matrix_alloc (n, n);
  double median;

  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      {
        double d2 = 0.0;

        for (gsize f = 0; f < x->size2; f++)
          {
            double d = gsl_matrix_get (x, i, f) - gsl_matrix_get (x, j, f);

            d2 += d * d;
          }
        gsl_matrix_set (k, i, j, d2);
        sorted[i * n + j] = d2;
      }
  qsort (sorted, n * n, sizeof (double), compare_doubles);
  median = (n * n) % 2 ? sorted[(n * n) / 2]
                       : 0.5 * (sorted[(n * n) / 2 - 1] + sorted[(n * n) / 2]);
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      gsl_matrix_set (k, i, j, exp (-gsl_matrix_get (k, i, j) / (2.0 * tau * tau * median)));
  return k;
}

static double
linear_cka_by_products (const gsl_matrix *k,
                        const gsl_matrix *l)
{
  g_autoptr(gsl_matrix) hkh = centre_by_products (k);
  g_autoptr(gsl_matrix) hlh = centre_by_products (l);
  double kl = 0.0, kk = 0.0, ll = 0.0;

  for (gsize i = 0; i < k->size1; i++)
    for (gsize j = 0; j < k->size2; j++)
      {
        double a = gsl_matrix_get (hkh, i, j), b = gsl_matrix_get (hlh, i, j);

        kl += a * b;
        kk += a * a;
        ll += b * b;
      }
  return kl / sqrt (kk * ll);
}

/* RBF from features (odd and even n, so both median rules run) against the direct
 * computation: the kernels differ only by the rounding of d2 through the Gram matrix
 * (relative 1e-12), and so do the CKAs (1e-12). */
static void
test_rbf_direct (void)
{
  const gsize sizes[] = { 20, 21 };
  const double taus[] = { 0.5, 1.0, 2.0 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint t = 0; t < G_N_ELEMENTS (taus); t++)
      {
        g_autoptr(gsl_matrix) x = random_features (sizes[s], 5, 31);
        g_autoptr(gsl_matrix) y = random_features (sizes[s], 4, 32);
        g_autoptr(gsl_matrix) kx = rbf_by_features (x, taus[t]);
        g_autoptr(gsl_matrix) ky = rbf_by_features (y, taus[t]);
        g_autoptr(gsl_matrix) gram = ks_linear_gram (x);
        g_autoptr(gsl_matrix) rbf = NULL;
        g_autoptr(GError) error = NULL;
        double cka;

        /* Related features, so that the CKA is not near 0 */
        gsl_matrix_view shared = gsl_matrix_submatrix (x, 0, 0, sizes[s], 4);
        gsl_matrix_add (y, &shared.matrix);
        g_clear_pointer (&ky, gsl_matrix_free);
        ky = rbf_by_features (y, taus[t]);

        rbf = ks_rbf_from_gram (gram, taus[t], &error);
        g_assert_no_error (error);
        g_assert_cmpfloat (ks_matrix_relative_difference (rbf, kx), <, 1e-12);

        g_assert_true (ks_cka_features (x, y, KS_CKA_RBF, taus[t], &cka, &error));
        g_assert_no_error (error);
        g_assert_cmpfloat_with_epsilon (cka, linear_cka_by_products (kx, ky), 1e-12);
      }
}

/* For PSD kernels linear and RBF CKA lie in [0, 1]. */
static void
test_range (void)
{
  for (guint seed = 40; seed < 50; seed++)
    {
      g_autoptr(gsl_matrix) k = random_psd (15, seed);
      g_autoptr(gsl_matrix) l = random_psd (15, seed + 100);

      for (guint i = 0; i < 2; i++)
        {
          double value = cka_of (k, l, all_kinds[i]);

          g_assert_cmpfloat (value, >=, 0.0);
          g_assert_cmpfloat (value, <=, 1.0);
        }
    }
}

/* The batch functions agree with ks_cka pair by pair (1e-12: different summation order),
 * the matrix is symmetric with a unit diagonal. */
static void
test_batches_match_pairs (void)
{
  const guint n = 5;
  gsl_matrix *grams[5];
  g_autoptr(gsl_matrix) reference = random_psd (25, 99);

  for (guint a = 0; a < n; a++)
    grams[a] = random_psd (25, 60 + a);

  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      KsCkaKind kind = all_kinds[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(gsl_matrix) matrix = ks_cka_matrix (grams, n, kind, 1.0, NULL, &error);
      double to_reference[5];

      g_assert_no_error (error);
      g_assert_true (ks_cka_to_reference (grams, n, reference, kind, 1.0, to_reference, NULL,
                                          &error));
      g_assert_no_error (error);
      for (guint a = 0; a < n; a++)
        {
          g_assert_cmpfloat (gsl_matrix_get (matrix, a, a), ==, 1.0);
          g_assert_cmpfloat_with_epsilon (to_reference[a], cka_of (grams[a], reference, kind),
                                          1e-12);
          for (guint b = 0; b < n; b++)
            {
              g_assert_cmpfloat (gsl_matrix_get (matrix, a, b), ==, gsl_matrix_get (matrix, b, a));
              g_assert_cmpfloat_with_epsilon (gsl_matrix_get (matrix, a, b),
                                              cka_of (grams[a], grams[b], kind), 1e-12);
            }
        }
    }
  for (guint a = 0; a < n; a++)
    gsl_matrix_free (grams[a]);
}

/* Undefined CKAs are errors that say why and which kernel. */
static void
test_errors (void)
{
  g_autoptr(gsl_matrix) k = random_psd (10, 1);
  g_autoptr(gsl_matrix) small = random_psd (3, 2);
  g_autoptr(gsl_matrix) other_size = random_psd (9, 2);
  g_autoptr(gsl_matrix) constant = gsl_matrix_alloc (10, 10);
  g_autoptr(gsl_matrix) batch = NULL;
  g_autoptr(GError) error = NULL;
  gsl_matrix *grams[3] = { k, constant, k };
  double value;

  g_assert_false (ks_cka (small, small, KS_CKA_DEBIASED, 1.0, &value, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  gsl_matrix_set_all (constant, 0.7);
  g_assert_false (ks_cka (k, constant, KS_CKA_LINEAR, 1.0, &value, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "second kernel"));
  g_clear_error (&error);

  batch = ks_cka_matrix (grams, 3, KS_CKA_LINEAR, 1.0, NULL, &error);
  g_assert_null (batch);
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "kernel 2 of 3"));
  g_clear_error (&error);

  /* A constant kernel has zero debiased self-HSIC. */
  batch = ks_cka_matrix (grams, 3, KS_CKA_DEBIASED, 1.0, NULL, &error);
  g_assert_null (batch);
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "kernel 2 of 3"));
  g_clear_error (&error);

  g_assert_false (ks_cka (k, k, KS_CKA_RBF, 0.0, &value, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ks_cka (k, k, KS_CKA_RBF, -1.0, &value, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  /* All points identical: every distance, hence the median, is 0. */
  g_assert_null (ks_rbf_from_gram (constant, 1.0, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (ks_cka (k, other_size, KS_CKA_LINEAR, 1.0, &value, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  gsl_matrix_set (constant, 2, 3, NAN);
  g_assert_false (ks_cka (k, constant, KS_CKA_LINEAR, 1.0, &value, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
}

/* A cancelled cancellable stops the batch. */
static void
test_cancelled (void)
{
  g_autoptr(gsl_matrix) k = random_psd (10, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gsl_matrix *grams[2] = { k, k };

  g_cancellable_cancel (cancellable);
  g_assert_null (ks_cka_matrix (grams, 2, KS_CKA_LINEAR, 1.0, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ks_core_init ();

  g_test_add_func ("/cka/kind-strings", test_kind_strings);
  g_test_add_func ("/cka/self-similarity", test_self_similarity);
  g_test_add_func ("/cka/scale-invariance", test_scale_invariance);
  g_test_add_func ("/cka/orthogonal-invariance", test_orthogonal_invariance);
  g_test_add_func ("/cka/centre", test_centre);
  g_test_add_func ("/cka/hsic-debiased", test_hsic_debiased);
  g_test_add_func ("/cka/rbf-direct", test_rbf_direct);
  g_test_add_func ("/cka/range", test_range);
  g_test_add_func ("/cka/batches-match-pairs", test_batches_match_pairs);
  g_test_add_func ("/cka/errors", test_errors);
  g_test_add_func ("/cka/cancelled", test_cancelled);

  return g_test_run ();
}
