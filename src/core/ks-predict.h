/* ks-predict.h: Gaussian-process prediction from a kernel over training and test points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MATHS section 6. The kernel K (P x P) covers the training points t and the test points *
 * together; only the training outputs enter: mean = K_*t (K_tt + s2 I)^{-1} Y_t. For classes
 * the prediction is the argmax of the mean's row and the score the test accuracy; for real
 * targets the score is the root mean squared error over every test point and output column.
 * A split is a mask of P booleans, TRUE for a test point.
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

G_BEGIN_DECLS

/* A seeded train/test split of n_points: round(test_fraction * P) test points, divided
 * among the classes (labels >= 0, or NULL for one class) in proportion to their sizes by
 * largest remainders (ties to the lower class), each class's test points drawn without
 * replacement by a random stream of its own per (seed, class). test_fraction must lie in (0, 1) and
 * leave at least one point on each side. Returns n_points booleans (g_free). */
gboolean    *ks_predict_split             (const int     *labels,
                                           guint          n_points,
                                           double         test_fraction,
                                           guint64        seed,
                                           GError       **error);
guint        ks_predict_count_test        (const gboolean *is_test,
                                           guint           n_points);

/* The predictive mean at the test points (n_test x N_out, test points in their order)
 * from the outputs (P x N_out; the test rows are never read) with noise variance s2 >= 0.
 * K_tt + s2 I is factorised with jitter only when needed; *jitter_used may be NULL. */
gsl_matrix  *ks_predict_mean              (const gsl_matrix *kernel,
                                           const gsl_matrix *outputs,
                                           const gboolean   *is_test,
                                           double            noise_var,
                                           double           *jitter_used,
                                           GCancellable     *cancellable,
                                           GError          **error);
/* The fraction of test points whose label is the argmax of their row of mean (the first
 * column on ties). */
double       ks_predict_accuracy          (const gsl_matrix *mean,
                                           const int        *labels,
                                           const gboolean   *is_test,
                                           guint             n_points);
/* sqrt of the mean over test points and columns of (mean - outputs)^2. */
double       ks_predict_rmse              (const gsl_matrix *mean,
                                           const gsl_matrix *outputs,
                                           const gboolean   *is_test);

/* The score of a kernel: the test accuracy when labels is not NULL (then labels must lie
 * below the number of output columns, e.g. one-hot outputs), else the RMSE. */
gboolean     ks_predict_score             (const gsl_matrix *kernel,
                                           const gsl_matrix *outputs,
                                           const int        *labels,
                                           const gboolean   *is_test,
                                           double            noise_var,
                                           double           *score,
                                           double           *jitter_used,
                                           GCancellable     *cancellable,
                                           GError          **error);
/* ks_predict_score () of each of n_kernels kernels (e.g. every layer of a result) into
 * scores; *max_jitter (may be NULL) the largest jitter any needed. */
gboolean     ks_predict_score_kernels     (const gsl_matrix * const *kernels,
                                           guint                     n_kernels,
                                           const gsl_matrix         *outputs,
                                           const int                *labels,
                                           const gboolean           *is_test,
                                           double                    noise_var,
                                           double                   *scores,
                                           double                   *max_jitter,
                                           GCancellable             *cancellable,
                                           GError                  **error);

G_END_DECLS
