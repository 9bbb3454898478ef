/* ks-cka.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Centred kernel alignment, MATHS section 5. Gram matrices are symmetric, so the Frobenius
 * inner product <K~, L~> stands for tr(K~ L~) in the batch functions. ks_cka_matrix reads
 * every kernel once: blocks of rows of all the prepared (centred, normalised) kernels are
 * laid side by side as rows of one matrix V, and one SYRK per block accumulates V V^T.
 */
#include "ks-cka.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_statistics_double.h>

#include "ks-error.h"
#include "ks-linalg.h"

/* A centred kernel this small next to the kernel itself is rounding noise of a constant. */
#define CONSTANT_KERNEL_RELATIVE_NORM 1e-12
/* Entries of every kernel processed together by one SYRK. */
#define BLOCK_ENTRIES (1u << 16)

static const char * const kind_names[] = {
  [KS_CKA_LINEAR] = "linear",
  [KS_CKA_RBF] = "rbf",
  [KS_CKA_DEBIASED] = "debiased",
};

const char *
ks_cka_kind_to_string (KsCkaKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

gboolean
ks_cka_kind_from_string (const char *text,
                         KsCkaKind  *kind,
                         GError    **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *kind = (KsCkaKind) i;
        return TRUE;
      }
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
               "Unknown CKA kind “%s” (expected linear, rbf or debiased)", text ? text : "");
  return FALSE;
}

/* Kernels */

gsl_matrix *
ks_linear_gram (const gsl_matrix *features)
{
  gsl_matrix *gram;

  g_return_val_if_fail (features != NULL, NULL);

  ks_core_init ();
  gram = gsl_matrix_alloc (features->size1, features->size1);
  if (gram != NULL)
    ks_gram (features, 1.0, gram);
  return gram;
}

static double
squared_distance (const gsl_matrix *gram,
                  gsize             i,
                  gsize             j)
{
  double d2 = gsl_matrix_get (gram, i, i) + gsl_matrix_get (gram, j, j)
              - 2.0 * gsl_matrix_get (gram, i, j);

  /* Rounding can make the distance of nearly equal points slightly negative. */
  return MAX (d2, 0.0);
}

/* The largest value below the k-th smallest, or that value itself when it repeats at rank
 * k - 1: the (k-1)-th smallest without a second selection. */
static double
previous_order_statistic (const double *values,
                          gsize         n_values,
                          gsize         k,
                          double        kth)
{
  gsize n_below = 0;
  double largest_below = -INFINITY;

  for (gsize i = 0; i < n_values; i++)
    if (values[i] < kth)
      {
        n_below++;
        largest_below = MAX (largest_below, values[i]);
      }
  return n_below <= k - 1 ? kth : largest_below;
}

/* The median of all n^2 squared distances (the lower triangle stands for the matrix): the
 * n zeros of the diagonal come first in sorted order, then every off-diagonal distance
 * twice, so only the n (n - 1) / 2 pairs are stored. */
static double
median_squared_distance (const gsl_matrix *gram)
{
  gsize n = gram->size1;
  gsize n_pairs = n * (n - 1) / 2;
  gsize upper_rank = n * n / 2;  /* the median, or the upper of the two middle values */
  g_autofree double *pairs = NULL;
  double upper, lower;
  gsize k = 0;

  if (upper_rank < n)
    return 0.0;

  pairs = g_new (double, n_pairs);
  for (gsize i = 1; i < n; i++)
    for (gsize j = 0; j < i; j++)
      pairs[k++] = squared_distance (gram, i, j);

  k = (upper_rank - n) / 2;
  upper = gsl_stats_select (pairs, 1, n_pairs, k);
  if ((n * n) % 2 == 1)
    return upper;
  /* n even: n^2/2 - n is even, so rank n^2/2 - 1 is the previous pair, or a diagonal zero
   * when it falls below n. */
  lower = upper_rank - 1 < n ? 0.0 : previous_order_statistic (pairs, n_pairs, k, upper);
  return 0.5 * (lower + upper);
}

gsl_matrix *
ks_rbf_from_gram (const gsl_matrix *gram,
                  double            tau,
                  GError          **error)
{
  gsl_matrix *rbf;
  double median, factor;

  g_return_val_if_fail (gram != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ks_core_init ();
  if (!(isfinite (tau) && tau > 0.0))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The RBF bandwidth tau must be a positive number, got %g", tau);
      return NULL;
    }
  if (gram->size1 != gram->size2)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "A Gram matrix must be square, not %zu x %zu", gram->size1, gram->size2);
      return NULL;
    }
  if (!ks_matrix_check_finite (gram, "The Gram matrix", error))
    return NULL;

  median = median_squared_distance (gram);
  if (!(median > 0.0))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The median squared distance between the %zu points is 0 (most points "
                   "coincide), so the RBF kernel has no length scale", gram->size1);
      return NULL;
    }

  factor = -1.0 / (2.0 * tau * tau * median);
  rbf = gsl_matrix_alloc (gram->size1, gram->size1);
  for (gsize i = 0; i < gram->size1; i++)
    for (gsize j = 0; j <= i; j++)
      gsl_matrix_set (rbf, i, j, exp (factor * squared_distance (gram, i, j)));
  ks_matrix_symmetrize_from_lower (rbf);
  return rbf;
}

/* Centring */

static void
compute_means (const gsl_matrix *k,
               double           *row_means,
               double           *column_means,
               double           *grand_mean)
{
  gsize n = k->size1;
  double total = 0.0;

  memset (column_means, 0, n * sizeof (double));
  for (gsize i = 0; i < n; i++)
    {
      const double *row = gsl_matrix_const_ptr (k, i, 0);
      double sum = 0.0;

      for (gsize j = 0; j < n; j++)
        {
          sum += row[j];
          column_means[j] += row[j];
        }
      row_means[i] = sum / (double) n;
      total += sum;
    }
  for (gsize j = 0; j < n; j++)
    column_means[j] /= (double) n;
  *grand_mean = total / ((double) n * (double) n);
}

/* (H K H)_ij = K_ij - row mean_i - column mean_j + grand mean */
gsl_matrix *
ks_center (const gsl_matrix *k)
{
  gsize n;
  g_autofree double *row_means = NULL;
  g_autofree double *column_means = NULL;
  double grand_mean;
  gsl_matrix *centred;

  g_return_val_if_fail (k != NULL && k->size1 == k->size2, NULL);

  n = k->size1;
  row_means = g_new (double, n);
  column_means = g_new (double, n);
  compute_means (k, row_means, column_means, &grand_mean);

  centred = gsl_matrix_alloc (n, n);
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      gsl_matrix_set (centred, i, j,
                      gsl_matrix_get (k, i, j) - row_means[i] - column_means[j] + grand_mean);
  return centred;
}

/* Debiased HSIC */

/* Row and column sums of the zero-diagonal K~ and their total. */
static void
compute_offdiagonal_sums (const gsl_matrix *k,
                          double           *row_sums,
                          double           *column_sums,
                          double           *total)
{
  gsize n = k->size1;

  *total = 0.0;
  memset (column_sums, 0, n * sizeof (double));
  for (gsize i = 0; i < n; i++)
    {
      const double *row = gsl_matrix_const_ptr (k, i, 0);
      double sum = 0.0;

      for (gsize j = 0; j < n; j++)
        if (j != i)
          {
            sum += row[j];
            column_sums[j] += row[j];
          }
      row_sums[i] = sum;
      *total += sum;
    }
}

/* MATHS 5 from tr(K~ L~), 1^T K~ 1, 1^T L~ 1 and 1^T K~ L~ 1. */
static double
hsic_from_parts (double trace_product,
                 double sum_k,
                 double sum_l,
                 double sum_product,
                 gsize  n)
{
  double m = (double) n;

  return (trace_product + sum_k * sum_l / ((m - 1.0) * (m - 2.0))
          - 2.0 / (m - 2.0) * sum_product) / (m * (m - 3.0));
}

double
ks_hsic_debiased (const gsl_matrix *k,
                  const gsl_matrix *l)
{
  gsize n;
  g_autofree double *k_rows = NULL, *k_columns = NULL;
  g_autofree double *l_rows = NULL, *l_columns = NULL;
  double k_total, l_total, trace_product = 0.0, sum_product = 0.0;

  g_return_val_if_fail (k != NULL && l != NULL, NAN);
  g_return_val_if_fail (k->size1 == k->size2 && l->size1 == l->size2, NAN);
  g_return_val_if_fail (k->size1 == l->size1, NAN);

  n = k->size1;
  if (n < 4)
    return NAN;

  k_rows = g_new (double, n);
  k_columns = g_new (double, n);
  l_rows = g_new (double, n);
  l_columns = g_new (double, n);
  compute_offdiagonal_sums (k, k_rows, k_columns, &k_total);
  compute_offdiagonal_sums (l, l_rows, l_columns, &l_total);

  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      if (j != i)
        trace_product += gsl_matrix_get (k, i, j) * gsl_matrix_get (l, j, i);
  /* 1^T K~ L~ 1 = sum_m (column sum m of K~) (row sum m of L~) */
  for (gsize m = 0; m < n; m++)
    sum_product += k_columns[m] * l_rows[m];

  return hsic_from_parts (trace_product, k_total, l_total, sum_product, n);
}

/* CKA of one pair */

static double
frobenius_product (const gsl_matrix *a,
                   const gsl_matrix *b)
{
  double sum = 0.0;

  for (gsize i = 0; i < a->size1; i++)
    {
      const double *a_row = gsl_matrix_const_ptr (a, i, 0);
      const double *b_row = gsl_matrix_const_ptr (b, i, 0);

      for (gsize j = 0; j < a->size2; j++)
        sum += a_row[j] * b_row[j];
    }
  return sum;
}

static gboolean
check_kernel (const gsl_matrix *k,
              gsize             size,
              const char       *name,
              GError          **error)
{
  if (k == NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID, "The %s is missing", name);
      return FALSE;
    }
  if (k->size1 != k->size2 || k->size1 != size)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The %s is %zu x %zu, but the kernels must all be %zu x %zu",
                   name, k->size1, k->size2, size, size);
      return FALSE;
    }
  if (size == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID, "The %s is empty", name);
      return FALSE;
    }
  return ks_matrix_check_finite (k, name, error);
}

static gboolean
check_debiased_size (gsize    size,
                     GError **error)
{
  if (size < 4)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "Debiased CKA needs at least 4 points, got %zu", size);
      return FALSE;
    }
  return TRUE;
}

static void
set_constant_kernel_error (GError    **error,
                           const char *name)
{
  g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
               "The %s is constant after centring (no variation between points), "
               "so its CKA is undefined", name);
}

static gboolean
centred_is_constant (const gsl_matrix *k,
                     double            centred_norm)
{
  double norm = sqrt (frobenius_product (k, k));

  return !(centred_norm > CONSTANT_KERNEL_RELATIVE_NORM * norm);
}

static gboolean
cka_linear (const gsl_matrix *k,
            const gsl_matrix *l,
            double           *cka,
            GError          **error)
{
  g_autoptr(gsl_matrix) hkh = ks_center (k);
  g_autoptr(gsl_matrix) hlh = ks_center (l);
  double norm_k = sqrt (frobenius_product (hkh, hkh));
  double norm_l = sqrt (frobenius_product (hlh, hlh));

  if (centred_is_constant (k, norm_k))
    return set_constant_kernel_error (error, "first kernel"), FALSE;
  if (centred_is_constant (l, norm_l))
    return set_constant_kernel_error (error, "second kernel"), FALSE;

  *cka = CLAMP (frobenius_product (hkh, hlh) / (norm_k * norm_l), -1.0, 1.0);
  return TRUE;
}

static gboolean
check_self_hsic (double      hsic,
                 const char *name,
                 GError    **error)
{
  if (!(hsic > 0.0))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The debiased HSIC of the %s with itself is %g, not positive, "
                   "so its debiased CKA is undefined", name, hsic);
      return FALSE;
    }
  return TRUE;
}

static gboolean
cka_debiased (const gsl_matrix *k,
              const gsl_matrix *l,
              double           *cka,
              GError          **error)
{
  double hsic_kk, hsic_ll;

  if (!check_debiased_size (k->size1, error))
    return FALSE;
  hsic_kk = ks_hsic_debiased (k, k);
  hsic_ll = ks_hsic_debiased (l, l);
  if (!check_self_hsic (hsic_kk, "first kernel", error)
      || !check_self_hsic (hsic_ll, "second kernel", error))
    return FALSE;

  *cka = CLAMP (ks_hsic_debiased (k, l) / sqrt (hsic_kk * hsic_ll), -1.0, 1.0);
  return TRUE;
}

static gboolean
cka_rbf (const gsl_matrix *k,
         const gsl_matrix *l,
         double            tau,
         double           *cka,
         GError          **error)
{
  g_autoptr(gsl_matrix) rbf_k = NULL;
  g_autoptr(gsl_matrix) rbf_l = NULL;

  rbf_k = ks_rbf_from_gram (k, tau, error);
  if (rbf_k == NULL)
    return g_prefix_error (error, "first kernel: "), FALSE;
  rbf_l = ks_rbf_from_gram (l, tau, error);
  if (rbf_l == NULL)
    return g_prefix_error (error, "second kernel: "), FALSE;
  return cka_linear (rbf_k, rbf_l, cka, error);
}

gboolean
ks_cka (const gsl_matrix *k,
        const gsl_matrix *l,
        KsCkaKind         kind,
        double            tau,
        double           *cka,
        GError          **error)
{
  g_return_val_if_fail (k != NULL && l != NULL && cka != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ks_core_init ();
  if (!check_kernel (k, k->size1, "first kernel", error)
      || !check_kernel (l, k->size1, "second kernel", error))
    return FALSE;

  switch (kind)
    {
    case KS_CKA_LINEAR:
      return cka_linear (k, l, cka, error);
    case KS_CKA_RBF:
      return cka_rbf (k, l, tau, cka, error);
    case KS_CKA_DEBIASED:
      return cka_debiased (k, l, cka, error);
    default:
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID, "Unknown CKA kind %d", kind);
      return FALSE;
    }
}

gboolean
ks_cka_features (const gsl_matrix *x,
                 const gsl_matrix *y,
                 KsCkaKind         kind,
                 double            tau,
                 double           *cka,
                 GError          **error)
{
  g_autoptr(gsl_matrix) gram_x = NULL;
  g_autoptr(gsl_matrix) gram_y = NULL;

  g_return_val_if_fail (x != NULL && y != NULL && cka != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (x->size1 != y->size1)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The two feature matrices describe different numbers of points (%zu and %zu)",
                   x->size1, y->size1);
      return FALSE;
    }
  gram_x = ks_linear_gram (x);
  gram_y = ks_linear_gram (y);
  return ks_cka (gram_x, gram_y, kind, tau, cka, error);
}

/* Many kernels at once: each is prepared once and streamed once. */

typedef struct
{
  const gsl_matrix *source;       /* the Gram matrix, or its RBF kernel */
  gsl_matrix       *rbf;          /* owned RBF kernel */
  double           *row_stats;    /* row means (linear, rbf) or sums of K~ (debiased) */
  double           *column_stats;
  double            grand_stat;   /* grand mean, or the total of K~ */
  double            scale;        /* 1 / ||HKH||_F (linear, rbf) */
} PreparedKernel;

static void
prepared_kernel_clear (PreparedKernel *p)
{
  g_clear_pointer (&p->rbf, gsl_matrix_free);
  g_clear_pointer (&p->row_stats, g_free);
  g_clear_pointer (&p->column_stats, g_free);
}

static double
centred_norm (const PreparedKernel *p)
{
  gsize n = p->source->size1;
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      const double *row = gsl_matrix_const_ptr (p->source, i, 0);

      for (gsize j = 0; j < n; j++)
        {
          double centred = row[j] - p->row_stats[i] - p->column_stats[j] + p->grand_stat;

          sum += centred * centred;
        }
    }
  return sqrt (sum);
}

static gboolean
prepare_kernel (PreparedKernel   *p,
                const gsl_matrix *gram,
                KsCkaKind         kind,
                double            tau,
                const char       *name,
                GError          **error)
{
  gsize n = gram->size1;
  double norm;

  p->source = gram;
  p->row_stats = g_new (double, n);
  p->column_stats = g_new (double, n);
  if (kind == KS_CKA_DEBIASED)
    {
      compute_offdiagonal_sums (gram, p->row_stats, p->column_stats, &p->grand_stat);
      return TRUE;
    }

  if (kind == KS_CKA_RBF)
    {
      p->rbf = ks_rbf_from_gram (gram, tau, error);
      if (p->rbf == NULL)
        return g_prefix_error (error, "%s: ", name), FALSE;
      p->source = p->rbf;
    }
  compute_means (p->source, p->row_stats, p->column_stats, &p->grand_stat);
  norm = centred_norm (p);
  if (centred_is_constant (p->source, norm))
    return set_constant_kernel_error (error, name), FALSE;
  p->scale = 1.0 / norm;
  return TRUE;
}

/* Rows [first_row, first_row + n_rows) of the prepared kernel, flattened into out. */
static void
fill_prepared_rows (const PreparedKernel *p,
                    KsCkaKind             kind,
                    gsize                 first_row,
                    gsize                 n_rows,
                    double               *out)
{
  gsize n = p->source->size1;

  for (gsize r = 0; r < n_rows; r++)
    {
      gsize i = first_row + r;
      const double *row = gsl_matrix_const_ptr (p->source, i, 0);
      double *dest = out + r * n;

      if (kind == KS_CKA_DEBIASED)
        {
          memcpy (dest, row, n * sizeof (double));
          dest[i] = 0.0;
          continue;
        }
      for (gsize j = 0; j < n; j++)
        dest[j] = (row[j] - p->row_stats[i] - p->column_stats[j] + p->grand_stat) * p->scale;
    }
}

/* Called with each block: n_kernels rows of n_entries values, row stride `stride`. */
typedef void (*BlockFunc) (const double *block,
                           gsize         n_kernels,
                           gsize         n_entries,
                           gsize         stride,
                           gpointer      user_data);

static gboolean
stream_prepared_kernels (const PreparedKernel *prepared,
                         guint                 n_kernels,
                         KsCkaKind             kind,
                         BlockFunc             func,
                         gpointer              user_data,
                         GCancellable         *cancellable,
                         GError              **error)
{
  gsize size = prepared[0].source->size1;
  gsize rows_per_block = MAX (1, BLOCK_ENTRIES / size);
  gsize stride = rows_per_block * size;
  g_autofree double *block = g_try_new (double, stride * n_kernels);

  if (block == NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "Not enough memory to compare %u kernels of %zu points", n_kernels, size);
      return FALSE;
    }
  for (gsize first = 0; first < size; first += rows_per_block)
    {
      gsize n_rows = MIN (rows_per_block, size - first);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      for (guint a = 0; a < n_kernels; a++)
        fill_prepared_rows (&prepared[a], kind, first, n_rows, block + a * stride);
      func (block, n_kernels, n_rows * size, stride, user_data);
    }
  return TRUE;
}

/* products += V V^T (lower triangle) */
static void
accumulate_all_pairs (const double *block,
                      gsize         n_kernels,
                      gsize         n_entries,
                      gsize         stride,
                      gpointer      user_data)
{
  gsl_matrix *products = user_data;

  cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans,
               (int) n_kernels, (int) n_entries,
               1.0, block, (int) stride,
               1.0, products->data, (int) products->tda);
}

/* For the last row r (the reference) and every other row a: products[a] += <a, r>,
 * self[a] += <a, a>, and self[last] += <r, r>. */
typedef struct
{
  double *products;
  double *self;
} ReferenceProducts;

static void
accumulate_against_reference (const double *block,
                              gsize         n_kernels,
                              gsize         n_entries,
                              gsize         stride,
                              gpointer      user_data)
{
  ReferenceProducts *sums = user_data;
  const double *reference = block + (n_kernels - 1) * stride;

  for (gsize a = 0; a < n_kernels; a++)
    {
      const double *row = block + a * stride;

      sums->products[a] += cblas_ddot ((int) n_entries, row, 1, reference, 1);
      sums->self[a] += cblas_ddot ((int) n_entries, row, 1, row, 1);
    }
}

/* The CKA of prepared kernels a and b from their streamed inner products. */
static double
cka_from_products (const PreparedKernel *a,
                   const PreparedKernel *b,
                   KsCkaKind             kind,
                   double                product,
                   double                hsic_aa,
                   double                hsic_bb)
{
  gsize n = a->source->size1;
  double sum_product = 0.0, hsic_ab;

  if (kind != KS_CKA_DEBIASED)
    return CLAMP (product, -1.0, 1.0);

  for (gsize m = 0; m < n; m++)
    sum_product += a->column_stats[m] * b->row_stats[m];
  hsic_ab = hsic_from_parts (product, a->grand_stat, b->grand_stat, sum_product, n);
  return CLAMP (hsic_ab / sqrt (hsic_aa * hsic_bb), -1.0, 1.0);
}

static double
self_hsic (const PreparedKernel *p,
           double                self_product)
{
  gsize n = p->source->size1;
  double sum_product = 0.0;

  for (gsize m = 0; m < n; m++)
    sum_product += p->column_stats[m] * p->row_stats[m];
  return hsic_from_parts (self_product, p->grand_stat, p->grand_stat, sum_product, n);
}

static gboolean
check_and_prepare_all (gsl_matrix * const *grams,
                       guint               n,
                       const gsl_matrix   *reference,
                       KsCkaKind           kind,
                       double              tau,
                       PreparedKernel     *prepared,
                       GError            **error)
{
  gsize size = grams[0] != NULL ? grams[0]->size1 : 0;
  guint n_all = n + (reference != NULL ? 1 : 0);

  if ((guint) kind >= G_N_ELEMENTS (kind_names))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID, "Unknown CKA kind %d", kind);
      return FALSE;
    }
  if (kind == KS_CKA_DEBIASED && !check_debiased_size (size, error))
    return FALSE;

  for (guint a = 0; a < n_all; a++)
    {
      const gsl_matrix *k = a < n ? grams[a] : reference;
      g_autofree char *name = a < n ? g_strdup_printf ("kernel %u of %u", a + 1, n)
                                    : g_strdup ("reference kernel");

      if (!check_kernel (k, size, name, error)
          || !prepare_kernel (&prepared[a], k, kind, tau, name, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_self_hsics (const PreparedKernel *prepared,
                  const double         *self_products,
                  guint                 n_all,
                  guint                 n,
                  double               *hsics,
                  GError              **error)
{
  for (guint a = 0; a < n_all; a++)
    {
      g_autofree char *name = a < n ? g_strdup_printf ("kernel %u of %u", a + 1, n)
                                    : g_strdup ("reference kernel");

      hsics[a] = self_hsic (&prepared[a], self_products[a]);
      if (!check_self_hsic (hsics[a], name, error))
        return FALSE;
    }
  return TRUE;
}

static void
free_prepared (PreparedKernel *prepared,
               guint           n)
{
  for (guint a = 0; a < n; a++)
    prepared_kernel_clear (&prepared[a]);
  g_free (prepared);
}

gsl_matrix *
ks_cka_matrix (gsl_matrix * const *grams,
               guint               n,
               KsCkaKind           kind,
               double              tau,
               GCancellable       *cancellable,
               GError            **error)
{
  PreparedKernel *prepared;
  g_autoptr(gsl_matrix) products = NULL;
  g_autofree double *diagonal = NULL;
  g_autofree double *hsics = NULL;
  gsl_matrix *cka;

  g_return_val_if_fail (grams != NULL && n > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ks_core_init ();
  prepared = g_new0 (PreparedKernel, n);
  products = gsl_matrix_calloc (n, n);
  if (!check_and_prepare_all (grams, n, NULL, kind, tau, prepared, error)
      || !stream_prepared_kernels (prepared, n, kind, accumulate_all_pairs, products,
                                   cancellable, error))
    return free_prepared (prepared, n), NULL;

  diagonal = g_new (double, n);
  hsics = g_new (double, n);
  for (guint a = 0; a < n; a++)
    diagonal[a] = gsl_matrix_get (products, a, a);
  if (kind == KS_CKA_DEBIASED && !check_self_hsics (prepared, diagonal, n, n, hsics, error))
    return free_prepared (prepared, n), NULL;

  cka = gsl_matrix_alloc (n, n);
  for (guint a = 0; a < n; a++)
    {
      gsl_matrix_set (cka, a, a, 1.0);
      for (guint b = 0; b < a; b++)
        {
          double value = cka_from_products (&prepared[a], &prepared[b], kind,
                                            gsl_matrix_get (products, a, b),
                                            hsics[a], hsics[b]);

          gsl_matrix_set (cka, a, b, value);
          gsl_matrix_set (cka, b, a, value);
        }
    }
  free_prepared (prepared, n);
  return cka;
}

gboolean
ks_cka_to_reference (gsl_matrix * const *grams,
                     guint               n,
                     const gsl_matrix   *reference,
                     KsCkaKind           kind,
                     double              tau,
                     double             *out,
                     GCancellable       *cancellable,
                     GError            **error)
{
  PreparedKernel *prepared;
  g_autofree double *products = NULL;
  g_autofree double *self = NULL;
  g_autofree double *hsics = NULL;
  ReferenceProducts sums;

  g_return_val_if_fail (grams != NULL && n > 0 && reference != NULL && out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ks_core_init ();
  prepared = g_new0 (PreparedKernel, n + 1);
  products = g_new0 (double, n + 1);
  self = g_new0 (double, n + 1);
  hsics = g_new0 (double, n + 1);
  sums = (ReferenceProducts) { products, self };
  if (!check_and_prepare_all (grams, n, reference, kind, tau, prepared, error)
      || !stream_prepared_kernels (prepared, n + 1, kind, accumulate_against_reference, &sums,
                                   cancellable, error)
      || (kind == KS_CKA_DEBIASED
          && !check_self_hsics (prepared, self, n + 1, n, hsics, error)))
    return free_prepared (prepared, n + 1), FALSE;

  for (guint a = 0; a < n; a++)
    out[a] = cka_from_products (&prepared[a], &prepared[n], kind, products[a],
                                hsics[a], hsics[n]);
  free_prepared (prepared, n + 1);
  return TRUE;
}
