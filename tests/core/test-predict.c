/* test-predict.c: Gaussian-process prediction and the train/test split
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-predict.h"

/* Standard normal entries from the test's own generator. */
static gsl_matrix *
random_matrix (gsize         rows,
               gsize         columns,
               unsigned long seed)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_matrix *m = gsl_matrix_alloc (rows, columns);

  gsl_rng_set (rng, seed);
  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < columns; j++)
      gsl_matrix_set (m, i, j, gsl_ran_gaussian (rng, 1.0));
  gsl_rng_free (rng);
  return m;
}

/* A positive definite kernel F F^T / D from random features. */
static gsl_matrix *
random_kernel (gsize         n,
               gsize         features,
               unsigned long seed)
{
  g_autoptr(gsl_matrix) f = random_matrix (n, features, seed);
  gsl_matrix *k = gsl_matrix_alloc (n, n);

  ks_gram (f, 1.0 / features, k);
  return k;
}

static void
assert_relative (double value,
                 double expected,
                 double tolerance)
{
  if (!(fabs (value - expected) <= tolerance * MAX (fabs (expected), 1e-300)))
    g_error ("%.17g differs from %.17g by more than %g relative", value, expected, tolerance);
}

/* mean = K_*t (K_tt + s2 I)^{-1} Y_t by an LU solve, one test point and column at a time:
 * a route independent of the library's Cholesky. */
static double
direct_mean (const gsl_matrix *kernel,
             const gsl_matrix *outputs,
             const gboolean   *is_test,
             double            noise,
             gsize             test_point,
             gsize             column)
{
  gsize p = kernel->size1, n_train = 0, a = 0;
  g_autofree gsize *train = g_new (gsize, p);
  gsl_matrix *k_tt;
  gsl_vector *y_t, *solution;
  gsl_permutation *perm;
  double mean = 0.0;
  int sign;

  for (gsize i = 0; i < p; i++)
    if (!is_test[i])
      train[n_train++] = i;
  k_tt = gsl_matrix_alloc (n_train, n_train);
  y_t = gsl_vector_alloc (n_train);
  solution = gsl_vector_alloc (n_train);
  perm = gsl_permutation_alloc (n_train);
  for (a = 0; a < n_train; a++)
    {
      for (gsize b = 0; b < n_train; b++)
        gsl_matrix_set (k_tt, a, b, gsl_matrix_get (kernel, train[a], train[b])
                                    + (a == b ? noise : 0.0));
      gsl_vector_set (y_t, a, gsl_matrix_get (outputs, train[a], column));
    }
  gsl_linalg_LU_decomp (k_tt, perm, &sign);
  gsl_linalg_LU_solve (k_tt, perm, y_t, solution);
  for (a = 0; a < n_train; a++)
    mean += gsl_matrix_get (kernel, test_point, train[a]) * gsl_vector_get (solution, a);
  gsl_permutation_free (perm);
  gsl_vector_free (solution);
  gsl_vector_free (y_t);
  gsl_matrix_free (k_tt);
  return mean;
}

/* MATHS 6 on P = 9 points, 3 of them test points in scattered places, 2 output columns:
 * every entry of the predictive mean equals the direct LU solve to 1e-10 relative (both
 * exact; the kernel is well conditioned), and the rows follow the test points' order. */
static void
test_mean_direct (void)
{
  g_autoptr(gsl_matrix) kernel = random_kernel (9, 12, 1);
  g_autoptr(gsl_matrix) outputs = random_matrix (9, 2, 2);
  g_autoptr(gsl_matrix) mean = NULL;
  g_autoptr(GError) error = NULL;
  const gboolean is_test[9] = { FALSE, TRUE, FALSE, FALSE, TRUE, FALSE, FALSE, FALSE, TRUE };
  double jitter = -1.0;
  gsize row = 0;

  mean = ks_predict_mean (kernel, outputs, is_test, 0.1, &jitter, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mean->size1, ==, 3);
  g_assert_cmpuint (mean->size2, ==, 2);
  g_assert_cmpfloat (jitter, ==, 0.0);
  for (gsize i = 0; i < 9; i++)
    if (is_test[i])
      {
        for (gsize c = 0; c < 2; c++)
          assert_relative (gsl_matrix_get (mean, row, c),
                           direct_mean (kernel, outputs, is_test, 0.1, i, c), 1e-10);
        row++;
      }
}

/* The test outputs never enter: changing them leaves the mean unchanged bit for bit. */
static void
test_mean_ignores_test_outputs (void)
{
  g_autoptr(gsl_matrix) kernel = random_kernel (6, 8, 3);
  g_autoptr(gsl_matrix) outputs = random_matrix (6, 1, 4);
  g_autoptr(gsl_matrix) before = NULL;
  g_autoptr(gsl_matrix) after = NULL;
  const gboolean is_test[6] = { TRUE, FALSE, FALSE, TRUE, FALSE, FALSE };

  before = ks_predict_mean (kernel, outputs, is_test, 0.05, NULL, NULL, NULL);
  gsl_matrix_set (outputs, 0, 0, 1e6);
  gsl_matrix_set (outputs, 3, 0, -1e6);
  after = ks_predict_mean (kernel, outputs, is_test, 0.05, NULL, NULL, NULL);
  g_assert_nonnull (before);
  g_assert_nonnull (after);
  g_assert_true (gsl_matrix_equal (before, after));
}

/* A perfect kernel, Y Y^T + 1e-6 I for one-hot Y of 4 classes, predicts every test point's
 * class: it only links points of the same class, so the mean of a test point is the mean
 * of its class's training one-hots shrunk a little, largest in the right column. */
static void
test_perfect_kernel_accuracy (void)
{
  const int labels[12] = { 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3 };
  g_autoptr(gsl_matrix) outputs = gsl_matrix_calloc (12, 4);
  g_autoptr(gsl_matrix) kernel = gsl_matrix_alloc (12, 12);
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *is_test = NULL;
  double score = -1.0;

  for (guint i = 0; i < 12; i++)
    gsl_matrix_set (outputs, i, labels[i], 1.0);
  ks_gram (outputs, 1.0, kernel);
  for (guint i = 0; i < 12; i++)
    *gsl_matrix_ptr (kernel, i, i) += 1e-6;
  is_test = ks_predict_split (labels, 12, 0.25, 5, &error);
  g_assert_no_error (error);
  g_assert_true (ks_predict_score (kernel, outputs, labels, is_test, 1e-3, &score, NULL, NULL,
                                   &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (score, ==, 1.0);

  /* The split holds out one point of each of classes 0, 1 and 2 (3 of 12 points, quotas
   * of 0.75 per class, ties to the lower classes). A kernel that ignores the inputs (all
   * ones) gives every test point the same mean, which favours class 3, the one with the
   * most training points: no test point is right. */
  for (guint i = 0; i < 12; i++)
    g_assert_true (!is_test[i] || labels[i] < 3);
  g_assert_cmpuint (ks_predict_count_test (is_test, 12), ==, 3);
  gsl_matrix_set_all (kernel, 1.0);
  g_assert_true (ks_predict_score (kernel, outputs, labels, is_test, 1e-3, &score, NULL, NULL,
                                   &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (score, ==, 0.0);
}

/* RMSE over every test entry, checked against the predictive mean by hand. */
static void
test_rmse_direct (void)
{
  g_autoptr(gsl_matrix) kernel = random_kernel (8, 10, 6);
  g_autoptr(gsl_matrix) outputs = random_matrix (8, 3, 7);
  g_autoptr(GError) error = NULL;
  const gboolean is_test[8] = { FALSE, FALSE, TRUE, FALSE, TRUE, FALSE, FALSE, FALSE };
  double score = -1.0, sum = 0.0;

  g_assert_true (ks_predict_score (kernel, outputs, NULL, is_test, 0.2, &score, NULL, NULL,
                                   &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < 8; i++)
    for (gsize c = 0; is_test[i] && c < 3; c++)
      {
        double e = direct_mean (kernel, outputs, is_test, 0.2, i, c)
                   - gsl_matrix_get (outputs, i, c);

        sum += e * e;
      }
  assert_relative (score, sqrt (sum / 6.0), 1e-10);
}

/* Scoring several kernels gives each one's own score, in order. */
static void
test_score_kernels (void)
{
  g_autoptr(gsl_matrix) a = random_kernel (7, 9, 8);
  g_autoptr(gsl_matrix) b = random_kernel (7, 3, 9);
  g_autoptr(gsl_matrix) outputs = random_matrix (7, 2, 10);
  g_autoptr(GError) error = NULL;
  const gsl_matrix *kernels[2] = { a, b };
  const gboolean is_test[7] = { TRUE, FALSE, FALSE, TRUE, FALSE, FALSE, FALSE };
  double scores[2], single, max_jitter = -1.0;

  g_assert_true (ks_predict_score_kernels (kernels, 2, outputs, NULL, is_test, 0.1, scores,
                                           &max_jitter, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (max_jitter, >=, 0.0);
  for (guint k = 0; k < 2; k++)
    {
      g_assert_true (ks_predict_score (kernels[k], outputs, NULL, is_test, 0.1, &single, NULL,
                                       NULL, &error));
      g_assert_cmpfloat (scores[k], ==, single);
    }
}

/* ---- Split ---- */

/* Classes of 10, 20 and 30 points, 20% held out: exactly 2, 4 and 6 test points per class
 * (stratified), the same mask for the same seed, another for another seed. Classes of 3, 3
 * and 4 points with 50% held out: 5 test points split by largest remainders (1.5, 1.5, 2 ->
 * 2, 1, 2: the tie goes to the lower class). */
static void
test_split_stratified (void)
{
  int labels[60];
  int small[10] = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 2 };
  guint per_class[3] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *mask = NULL;
  g_autofree gboolean *again = NULL;
  g_autofree gboolean *other = NULL;
  g_autofree gboolean *small_mask = NULL;

  for (guint i = 0; i < 60; i++)
    labels[i] = i < 10 ? 0 : (i < 30 ? 1 : 2);
  mask = ks_predict_split (labels, 60, 0.2, 11, &error);
  g_assert_no_error (error);
  again = ks_predict_split (labels, 60, 0.2, 11, &error);
  other = ks_predict_split (labels, 60, 0.2, 12, &error);
  for (guint i = 0; i < 60; i++)
    per_class[labels[i]] += mask[i] ? 1 : 0;
  g_assert_cmpuint (per_class[0], ==, 2);
  g_assert_cmpuint (per_class[1], ==, 4);
  g_assert_cmpuint (per_class[2], ==, 6);
  g_assert_cmpmem (mask, 60 * sizeof (gboolean), again, 60 * sizeof (gboolean));
  g_assert_true (memcmp (mask, other, 60 * sizeof (gboolean)) != 0);
  g_assert_cmpuint (ks_predict_count_test (other, 60), ==, 12);

  small_mask = ks_predict_split (small, 10, 0.5, 13, &error);
  g_assert_no_error (error);
  memset (per_class, 0, sizeof per_class);
  for (guint i = 0; i < 10; i++)
    per_class[small[i]] += small_mask[i] ? 1 : 0;
  g_assert_cmpuint (per_class[0], ==, 2);
  g_assert_cmpuint (per_class[1], ==, 1);
  g_assert_cmpuint (per_class[2], ==, 2);
}

/* Without labels: round(f P) test points; every point is drawn by some seed. */
static void
test_split_unlabelled (void)
{
  guint hits[7] = { 0 };

  for (guint64 seed = 0; seed < 40; seed++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gboolean *mask = ks_predict_split (NULL, 7, 0.3, seed, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (ks_predict_count_test (mask, 7), ==, 2);
      for (guint i = 0; i < 7; i++)
        hits[i] += mask[i] ? 1 : 0;
    }
  for (guint i = 0; i < 7; i++)
    g_assert_cmpuint (hits[i], >, 0);
}

/* Fractions of 0, 1, outside (0, 1), NaN, or rounding to an empty side are refused with
 * KS_ERROR_INVALID; so are negative labels and a split with no training point. */
static void
test_split_refusals (void)
{
  const double bad_fractions[] = { 0.0, 1.0, -0.2, 1.5, NAN, 0.1, 0.9 };
  const int negative[4] = { 0, 1, -1, 0 };
  const gboolean all_test[3] = { TRUE, TRUE, TRUE };
  g_autoptr(gsl_matrix) kernel = random_kernel (3, 4, 14);
  g_autoptr(gsl_matrix) outputs = random_matrix (3, 1, 15);

  /* 0.1 of 4 points rounds to 0 test points, 0.9 to 4 of 4. */
  for (guint k = 0; k < G_N_ELEMENTS (bad_fractions); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gboolean *mask = ks_predict_split (NULL, 4, bad_fractions[k], 1, &error);

      g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
      g_assert_null (mask);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree gboolean *mask = ks_predict_split (negative, 4, 0.5, 1, &error);
    g_autoptr(gsl_matrix) mean = NULL;

    g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
    g_assert_null (mask);
    g_clear_error (&error);
    mean = ks_predict_mean (kernel, outputs, all_test, 0.1, NULL, NULL, &error);
    g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
    g_assert_null (mean);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/predict/mean/direct", test_mean_direct);
  g_test_add_func ("/predict/mean/ignores-test-outputs", test_mean_ignores_test_outputs);
  g_test_add_func ("/predict/score/perfect-kernel", test_perfect_kernel_accuracy);
  g_test_add_func ("/predict/score/rmse", test_rmse_direct);
  g_test_add_func ("/predict/score/kernels", test_score_kernels);
  g_test_add_func ("/predict/split/stratified", test_split_stratified);
  g_test_add_func ("/predict/split/unlabelled", test_split_unlabelled);
  g_test_add_func ("/predict/split/refusals", test_split_refusals);

  return g_test_run ();
}
