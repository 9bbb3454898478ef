/* ks-predict.c: Gaussian-process prediction from a kernel over training and test points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-predict.h"

#include <math.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>

#include "ks-dataset.h"
#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-rng.h"

/* Keeps the split's streams (seed, class, key) apart from the samplers'. */
#define SPLIT_STREAM G_GUINT64_CONSTANT (0x53504c4954)

/* ---- Split ---- */

static gboolean
count_classes (const int *labels,
               guint      n_points,
               guint     *n_classes,
               GError   **error)
{
  *n_classes = 1;
  for (guint i = 0; labels != NULL && i < n_points; i++)
    {
      if (labels[i] < 0 || labels[i] >= KS_DATASET_MAX_CLASSES)
        {
          g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                       "the label of point %u is %d, outside 0..%d", i + 1, labels[i],
                       KS_DATASET_MAX_CLASSES - 1);
          return FALSE;
        }
      *n_classes = MAX (*n_classes, (guint) labels[i] + 1);
    }
  return TRUE;
}

static gboolean
test_count (guint    n_points,
            double   test_fraction,
            guint   *n_test,
            GError **error)
{
  double rounded = floor (test_fraction * n_points + 0.5);

  if (!(test_fraction > 0.0 && test_fraction < 1.0))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the test fraction must lie strictly between 0 and 1, got %g",
                   test_fraction);
      return FALSE;
    }
  if (rounded < 1.0 || rounded > n_points - 1.0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "a test fraction of %g of %u points leaves no %s point", test_fraction,
                   n_points, rounded < 1.0 ? "test" : "training");
      return FALSE;
    }
  *n_test = (guint) rounded;
  return TRUE;
}

/* Each class's share of the n_test test points, proportional to its size, the leftover
 * points to the largest remainders. */
static void
allocate_test_points (const guint *class_sizes,
                      guint        n_classes,
                      guint        n_points,
                      guint        n_test,
                      guint       *class_tests)
{
  g_autofree double *remainders = g_new (double, n_classes);
  guint assigned = 0;

  for (guint c = 0; c < n_classes; c++)
    {
      double quota = (double) n_test * class_sizes[c] / n_points;

      class_tests[c] = (guint) floor (quota);
      remainders[c] = quota - class_tests[c];
      assigned += class_tests[c];
    }
  for (; assigned < n_test; assigned++)
    {
      guint best = n_classes;

      for (guint c = 0; c < n_classes; c++)
        if (class_tests[c] < class_sizes[c]
            && (best == n_classes || remainders[c] > remainders[best]))
          best = c;
      class_tests[best]++;
      remainders[best] = -1.0;
    }
}

static void
draw_class_tests (const int *labels,
                  guint      n_points,
                  guint      klass,
                  guint      n_class_tests,
                  guint64    seed,
                  gboolean  *is_test)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (seed, klass, SPLIT_STREAM);
  g_autofree guint *members = g_new (guint, n_points);
  guint n_members = 0;

  for (guint i = 0; i < n_points; i++)
    if (labels == NULL || (guint) labels[i] == klass)
      members[n_members++] = i;
  gsl_ran_shuffle (rng, members, n_members, sizeof (guint));
  for (guint k = 0; k < n_class_tests; k++)
    is_test[members[k]] = TRUE;
}

gboolean *
ks_predict_split (const int *labels,
                  guint      n_points,
                  double     test_fraction,
                  guint64    seed,
                  GError   **error)
{
  g_autofree gboolean *is_test = NULL;
  g_autofree guint *class_sizes = NULL;
  g_autofree guint *class_tests = NULL;
  guint n_classes, n_test;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!test_count (n_points, test_fraction, &n_test, error)
      || !count_classes (labels, n_points, &n_classes, error))
    return NULL;
  class_sizes = g_new0 (guint, n_classes);
  class_tests = g_new0 (guint, n_classes);
  for (guint i = 0; i < n_points; i++)
    class_sizes[labels != NULL ? labels[i] : 0]++;
  allocate_test_points (class_sizes, n_classes, n_points, n_test, class_tests);

  is_test = g_new0 (gboolean, n_points);
  for (guint c = 0; c < n_classes; c++)
    if (class_tests[c] > 0)
      draw_class_tests (labels, n_points, c, class_tests[c], seed, is_test);
  return g_steal_pointer (&is_test);
}

guint
ks_predict_count_test (const gboolean *is_test,
                       guint           n_points)
{
  guint n = 0;

  for (guint i = 0; i < n_points; i++)
    n += is_test[i] ? 1 : 0;
  return n;
}

/* ---- Predictive mean ---- */

static gboolean
check_mean_arguments (const gsl_matrix *kernel,
                      const gsl_matrix *outputs,
                      const gboolean   *is_test,
                      double            noise_var,
                      GError          **error)
{
  guint n_points = kernel->size1, n_test;

  if (kernel->size2 != n_points || outputs->size1 != n_points || outputs->size2 == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the kernel (%zu x %zu) and the outputs (%zu x %zu) must cover the same "
                   "points", kernel->size1, kernel->size2, outputs->size1, outputs->size2);
      return FALSE;
    }
  n_test = ks_predict_count_test (is_test, n_points);
  if (n_test == 0 || n_test == n_points)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the split of the %u points has no %s point", n_points,
                   n_test == 0 ? "test" : "training");
      return FALSE;
    }
  if (!(noise_var >= 0.0) || !isfinite (noise_var))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the noise variance must be a finite number >= 0, got %g", noise_var);
      return FALSE;
    }
  return ks_matrix_check_finite (kernel, "the kernel", error)
         && ks_matrix_check_finite (outputs, "the output matrix", error);
}

/* The indices of the test points (want_test) or of the training points, in order. */
static guint *
split_indices (const gboolean *is_test,
               guint           n_points,
               gboolean        want_test,
               guint          *n_indices)
{
  guint *indices = g_new (guint, n_points);

  *n_indices = 0;
  for (guint i = 0; i < n_points; i++)
    if (!is_test[i] == !want_test)
      indices[(*n_indices)++] = i;
  return indices;
}

/* m's entries at the given rows and columns; columns NULL takes every column. */
static gsl_matrix *
gather (const gsl_matrix *m,
        const guint      *rows,
        guint             n_rows,
        const guint      *columns,
        guint             n_columns)
{
  gsl_matrix *block = gsl_matrix_alloc (n_rows, columns != NULL ? n_columns : m->size2);

  for (guint r = 0; r < n_rows; r++)
    for (gsize c = 0; c < block->size2; c++)
      {
        gsize column = columns != NULL ? columns[c] : c;

        gsl_matrix_set (block, r, c, gsl_matrix_get (m, rows[r], column));
      }
  return block;
}

gsl_matrix *
ks_predict_mean (const gsl_matrix *kernel,
                 const gsl_matrix *outputs,
                 const gboolean   *is_test,
                 double            noise_var,
                 double           *jitter_used,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_autoptr(gsl_matrix) train_kernel = NULL;
  g_autoptr(gsl_matrix) cross_kernel = NULL;
  g_autoptr(gsl_matrix) weights = NULL;
  g_autofree guint *train = NULL;
  g_autofree guint *test = NULL;
  gsl_matrix *mean;
  guint n_test, n_train, n_out;

  g_return_val_if_fail (kernel != NULL && outputs != NULL && is_test != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ks_core_init ();
  if (!check_mean_arguments (kernel, outputs, is_test, noise_var, error))
    return NULL;
  train = split_indices (is_test, kernel->size1, FALSE, &n_train);
  test = split_indices (is_test, kernel->size1, TRUE, &n_test);
  n_out = outputs->size2;

  train_kernel = gather (kernel, train, n_train, train, n_train);
  cross_kernel = gather (kernel, test, n_test, train, n_train);
  weights = gather (outputs, train, n_train, NULL, 0);
  for (guint i = 0; i < n_train; i++)
    *gsl_matrix_ptr (train_kernel, i, i) += noise_var;
  if (!ks_cholesky_with_jitter_cancellable (train_kernel,
                                            "the training kernel K_tt + s2 I",
                                            jitter_used, cancellable, error))
    return NULL;
  /* weights = (L L^T)^{-1} Y_t by two triangular solves. */
  cblas_dtrsm (CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int) n_train,
               (int) n_out, 1.0, train_kernel->data, (int) train_kernel->tda, weights->data,
               (int) weights->tda);
  cblas_dtrsm (CblasRowMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, (int) n_train,
               (int) n_out, 1.0, train_kernel->data, (int) train_kernel->tda, weights->data,
               (int) weights->tda);
  mean = gsl_matrix_alloc (n_test, n_out);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) n_test, (int) n_out,
               (int) n_train, 1.0, cross_kernel->data, (int) cross_kernel->tda, weights->data,
               (int) weights->tda, 0.0, mean->data, (int) mean->tda);
  if (!ks_matrix_check_finite (mean, "the predictive mean", error))
    g_clear_pointer (&mean, gsl_matrix_free);
  return mean;
}

/* ---- Scores ---- */

static gsize
row_argmax (const gsl_matrix *m,
            gsize             row)
{
  gsize best = 0;

  for (gsize j = 1; j < m->size2; j++)
    if (gsl_matrix_get (m, row, j) > gsl_matrix_get (m, row, best))
      best = j;
  return best;
}

double
ks_predict_accuracy (const gsl_matrix *mean,
                     const int        *labels,
                     const gboolean   *is_test,
                     guint             n_points)
{
  guint row = 0, correct = 0;

  g_return_val_if_fail (mean != NULL && labels != NULL && is_test != NULL, NAN);

  for (guint i = 0; i < n_points; i++)
    if (is_test[i])
      {
        if (labels[i] >= 0 && row_argmax (mean, row) == (gsize) labels[i])
          correct++;
        row++;
      }
  g_return_val_if_fail (row == mean->size1, NAN);
  return row > 0 ? (double) correct / row : NAN;
}

double
ks_predict_rmse (const gsl_matrix *mean,
                 const gsl_matrix *outputs,
                 const gboolean   *is_test)
{
  double sum = 0.0;
  gsize row = 0;

  g_return_val_if_fail (mean != NULL && outputs != NULL && is_test != NULL, NAN);
  g_return_val_if_fail (mean->size2 == outputs->size2, NAN);

  for (gsize i = 0; i < outputs->size1; i++)
    if (is_test[i])
      {
        for (gsize j = 0; j < outputs->size2; j++)
          {
            double error = gsl_matrix_get (mean, row, j) - gsl_matrix_get (outputs, i, j);

            sum += error * error;
          }
        row++;
      }
  g_return_val_if_fail (row == mean->size1 && row > 0, NAN);
  return sqrt (sum / (row * outputs->size2));
}

static gboolean
check_labels (const int        *labels,
              const gsl_matrix *outputs,
              GError          **error)
{
  for (gsize i = 0; labels != NULL && i < outputs->size1; i++)
    if (labels[i] < 0 || (gsize) labels[i] >= outputs->size2)
      {
        g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                     "the label of point %zu is %d, but the outputs have %zu columns (one "
                     "per class)", i + 1, labels[i], outputs->size2);
        return FALSE;
      }
  return TRUE;
}

gboolean
ks_predict_score (const gsl_matrix *kernel,
                  const gsl_matrix *outputs,
                  const int        *labels,
                  const gboolean   *is_test,
                  double            noise_var,
                  double           *score,
                  double           *jitter_used,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(gsl_matrix) mean = NULL;

  g_return_val_if_fail (kernel != NULL && outputs != NULL && is_test != NULL, FALSE);
  g_return_val_if_fail (score != NULL, FALSE);

  if (!check_labels (labels, outputs, error))
    return FALSE;
  mean = ks_predict_mean (kernel, outputs, is_test, noise_var, jitter_used, cancellable, error);
  if (mean == NULL)
    return FALSE;
  *score = labels != NULL ? ks_predict_accuracy (mean, labels, is_test, kernel->size1)
                          : ks_predict_rmse (mean, outputs, is_test);
  return TRUE;
}

gboolean
ks_predict_score_kernels (const gsl_matrix * const *kernels,
                          guint                     n_kernels,
                          const gsl_matrix         *outputs,
                          const int                *labels,
                          const gboolean           *is_test,
                          double                    noise_var,
                          double                   *scores,
                          double                   *max_jitter,
                          GCancellable             *cancellable,
                          GError                  **error)
{
  g_return_val_if_fail (kernels != NULL && scores != NULL, FALSE);

  if (max_jitter != NULL)
    *max_jitter = 0.0;
  for (guint l = 0; l < n_kernels; l++)
    {
      GError *local_error = NULL;
      double jitter = 0.0;

      if (!ks_predict_score (kernels[l], outputs, labels, is_test, noise_var, &scores[l],
                             &jitter, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, local_error);
          else
            g_propagate_prefixed_error (error, local_error, "layer %u: ", l + 1);
          return FALSE;
        }
      if (max_jitter != NULL)
        *max_jitter = MAX (*max_jitter, jitter);
    }
  return TRUE;
}
