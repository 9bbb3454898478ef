/* test-activation-gradient.c: derivatives of the infinite-width nonlinearity maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ks-activation.h"
#include "ks-activation-gradient.h"
#include "ks-error.h"
#include "ks-linalg.h"

static const KsLayerKind all_kinds[] = {
  KS_LAYER_IDENTITY, KS_LAYER_RELU, KS_LAYER_ERF, KS_LAYER_TANH, KS_LAYER_GELU,
};

static gboolean
is_closed_form (KsLayerKind kind)
{
  return kind == KS_LAYER_IDENTITY || kind == KS_LAYER_RELU || kind == KS_LAYER_ERF;
}

/* The entry whose derivatives are checked. tanh and GELU use the same Gauss-Hermite
 * quadrature as ks_activation_kernel_entry but with a fixed 256-node rule, so that a
 * finite difference never straddles a change of node count (the node count of the
 * library's own rule depends on the variances); test_fixed_rule_matches_library checks
 * that both are the same function to 1e-8. */
static double
entry (KsLayerKind kind,
       double      c11,
       double      c22,
       double      c12)
{
  if (is_closed_form (kind))
    return ks_activation_kernel_entry (kind, c11, c22, c12);
  return ks_activation_kernel_entry_quadrature (kind, FALSE, c11, c22, c12, 256);
}

typedef struct
{
  double c11, c22, c12;
} Point;

/* Correlations from -0.9 to 0.95, variances 0.2 to 2. */
static const Point points[] = {
  { 1.0, 1.0, 0.3 }, { 0.5, 2.0, -0.4 }, { 1.3, 0.7, 0.9 }, { 0.35, 0.6, 0.0 },
  { 0.6, 1.3, -0.8 }, { 2.0, 1.5, 1.64 }, { 0.2, 0.25, 0.2 }, { 0.9, 0.9, -0.81 },
};

/* Central differences with h = 1e-5 have truncation error h^2 f'''/6 ~ 1e-10 and rounding
 * error eps |f| / h ~ 1e-11 here; the quadrature derivatives carry up to 1e-9 of their own.
 * 1e-7 leaves a wide margin while any wrong formula (a missing factor 2, a sign) is off by
 * more than 1e-2. */
static void
test_entry_partials (void)
{
  const double h = 1e-5, tolerance = 1e-7;

  for (guint k = 0; k < G_N_ELEMENTS (all_kinds); k++)
    for (guint p = 0; p < G_N_ELEMENTS (points); p++)
      {
        KsLayerKind kind = all_kinds[k];
        Point q = points[p];
        KsKernelEntryGradient d = ks_activation_kernel_entry_gradient (kind, q.c11, q.c22, q.c12);
        double fd11 = (entry (kind, q.c11 + h, q.c22, q.c12)
                       - entry (kind, q.c11 - h, q.c22, q.c12)) / (2 * h);
        double fd22 = (entry (kind, q.c11, q.c22 + h, q.c12)
                       - entry (kind, q.c11, q.c22 - h, q.c12)) / (2 * h);
        double fd12 = (entry (kind, q.c11, q.c22, q.c12 + h)
                       - entry (kind, q.c11, q.c22, q.c12 - h)) / (2 * h);

        g_test_message ("%s at (%g, %g, %g): d11 %.10f / %.10f, d22 %.10f / %.10f, "
                        "d12 %.10f / %.10f", ks_layer_kind_to_string (kind), q.c11, q.c22,
                        q.c12, d.d_c11, fd11, d.d_c22, fd22, d.d_c12, fd12);
        g_assert_cmpfloat_with_epsilon (d.d_c11, fd11, tolerance);
        g_assert_cmpfloat_with_epsilon (d.d_c22, fd22, tolerance);
        g_assert_cmpfloat_with_epsilon (d.d_c12, fd12, tolerance);
      }
}

/* Price's theorem: df/dc12 is the NTK's Gdot = E[phi'(u) phi'(v)], computed independently
 * by ks_activation_derivative_kernel_entry (closed forms, or the library's quadrature,
 * accurate to 5e-9). */
static void
test_cross_partial_is_gdot (void)
{
  for (guint k = 0; k < G_N_ELEMENTS (all_kinds); k++)
    for (guint p = 0; p < G_N_ELEMENTS (points); p++)
      {
        Point q = points[p];
        KsKernelEntryGradient d = ks_activation_kernel_entry_gradient (all_kinds[k], q.c11,
                                                                       q.c22, q.c12);
        double gdot = ks_activation_derivative_kernel_entry (all_kinds[k], q.c11, q.c22, q.c12);

        g_assert_cmpfloat_with_epsilon (d.d_c12, gdot, 2e-8);
      }
}

/* A diagonal entry f(c, c, c) moves with its variance; closed forms: identity 1, ReLU 1/2
 * (f = c/2), erf (4/pi) / ((1 + 2c) sqrt(1 + 4c)). Same tolerance argument as above. */
static void
test_diagonal_derivative (void)
{
  static const double variances[] = { 0.2, 0.6, 1.0, 1.7 };
  const double h = 1e-5;

  for (guint k = 0; k < G_N_ELEMENTS (all_kinds); k++)
    for (guint i = 0; i < G_N_ELEMENTS (variances); i++)
      {
        KsLayerKind kind = all_kinds[k];
        double c = variances[i];
        double fd = (entry (kind, c + h, c + h, c + h) - entry (kind, c - h, c - h, c - h))
                    / (2 * h);

        g_assert_cmpfloat_with_epsilon (ks_activation_kernel_diagonal_derivative (kind, c), fd,
                                        1e-7);
      }
  g_assert_cmpfloat (ks_activation_kernel_diagonal_derivative (KS_LAYER_RELU, 0.7), ==, 0.5);
  g_assert_cmpfloat_with_epsilon (ks_activation_kernel_diagonal_derivative (KS_LAYER_ERF, 0.5),
                                  (4.0 / M_PI) / (2.0 * sqrt (3.0)), 1e-15);
}

static void
test_fixed_rule_matches_library (void)
{
  for (guint p = 0; p < G_N_ELEMENTS (points); p++)
    {
      Point q = points[p];

      g_assert_cmpfloat_with_epsilon (entry (KS_LAYER_TANH, q.c11, q.c22, q.c12),
                                      ks_activation_kernel_entry (KS_LAYER_TANH, q.c11, q.c22,
                                                                  q.c12), 1e-8);
      g_assert_cmpfloat_with_epsilon (entry (KS_LAYER_GELU, q.c11, q.c22, q.c12),
                                      ks_activation_kernel_entry (KS_LAYER_GELU, q.c11, q.c22,
                                                                  q.c12), 1e-8);
    }
}

/* Matrices */

static gsl_matrix *
random_covariance (GRand *rand,
                   gsize  size)
{
  g_autoptr(gsl_matrix) a = gsl_matrix_alloc (size, 2 * size);
  gsl_matrix *c = gsl_matrix_alloc (size, size);

  for (gsize i = 0; i < size; i++)
    for (gsize j = 0; j < 2 * size; j++)
      gsl_matrix_set (a, i, j, g_rand_double_range (rand, -1, 1));
  ks_gram (a, 1.0 / size, c);
  return c;
}

static gsl_matrix *
random_symmetric (GRand *rand,
                  gsize  size)
{
  gsl_matrix *m = gsl_matrix_alloc (size, size);

  for (gsize i = 0; i < size; i++)
    for (gsize j = 0; j <= i; j++)
      gsl_matrix_set (m, i, j, g_rand_double_range (rand, -1, 1));
  ks_matrix_symmetrize_from_lower (m);
  return m;
}

/* sum_ij w_ij f(c_ii, c_jj, c_ij), entry by entry, at c + t d. */
static double
weighted_map (KsLayerKind       kind,
              const gsl_matrix *w,
              const gsl_matrix *c,
              const gsl_matrix *d,
              double            t)
{
  double sum = 0.0;

  for (gsize i = 0; i < c->size1; i++)
    for (gsize j = 0; j < c->size1; j++)
      sum += gsl_matrix_get (w, i, j)
             * entry (kind, gsl_matrix_get (c, i, i) + t * gsl_matrix_get (d, i, i),
                      gsl_matrix_get (c, j, j) + t * gsl_matrix_get (d, j, j),
                      gsl_matrix_get (c, i, j) + t * gsl_matrix_get (d, i, j));
  return sum;
}

static double
frobenius_inner (const gsl_matrix *a,
                 const gsl_matrix *b)
{
  double sum = 0.0;

  for (gsize i = 0; i < a->size1; i++)
    for (gsize j = 0; j < a->size2; j++)
      sum += gsl_matrix_get (a, i, j) * gsl_matrix_get (b, i, j);
  return sum;
}

/* The backward map is the adjoint of the map's derivative: for L = <g_bar, f(C)>, the
 * derivative along a symmetric direction D is <c_bar, D>. The directional central
 * difference (h = 1e-5) is accurate to ~1e-9 here, so 1e-6 relative catches any error in
 * the assembly (the factor 2 of off-diagonal pairs on the diagonal, a transposition). */
static void
test_backward_matches_finite_difference (void)
{
  GRand *rand = g_rand_new_with_seed (11);
  const gsize size = 6;
  const double h = 1e-5;

  for (guint k = 0; k < G_N_ELEMENTS (all_kinds); k++)
    {
      KsLayerKind kind = all_kinds[k];
      g_autoptr(gsl_matrix) c = random_covariance (rand, size);
      g_autoptr(gsl_matrix) g_bar = random_symmetric (rand, size);
      g_autoptr(gsl_matrix) d = random_symmetric (rand, size);
      g_autoptr(gsl_matrix) c_bar = gsl_matrix_alloc (size, size);
      g_autoptr(GError) error = NULL;
      double analytic, fd;

      g_assert_true (ks_activation_kernel_backward (kind, c, g_bar, c_bar, NULL, &error));
      g_assert_no_error (error);
      analytic = frobenius_inner (c_bar, d);
      fd = (weighted_map (kind, g_bar, c, d, h) - weighted_map (kind, g_bar, c, d, -h))
           / (2 * h);
      g_test_message ("%s: analytic %.12f, finite difference %.12f",
                      ks_layer_kind_to_string (kind), analytic, fd);
      g_assert_cmpfloat (fabs (analytic - fd), <=, 1e-6 * fabs (fd) + 1e-10);
      /* c_bar is symmetric, as the convention requires. */
      for (gsize i = 0; i < size; i++)
        for (gsize j = 0; j < i; j++)
          g_assert_cmpfloat (gsl_matrix_get (c_bar, i, j), ==, gsl_matrix_get (c_bar, j, i));
    }
  g_rand_free (rand);
}

/* The same check against the library's matrix map itself, for the closed forms (whose
 * map has no node count that could change between the two evaluations). */
static void
test_backward_matches_matrix_map (void)
{
  static const KsLayerKind kinds[] = { KS_LAYER_IDENTITY, KS_LAYER_RELU, KS_LAYER_ERF };
  GRand *rand = g_rand_new_with_seed (5);
  const gsize size = 9;
  const double h = 1e-5;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(gsl_matrix) c = random_covariance (rand, size);
      g_autoptr(gsl_matrix) g_bar = random_symmetric (rand, size);
      g_autoptr(gsl_matrix) d = random_symmetric (rand, size);
      g_autoptr(gsl_matrix) c_bar = gsl_matrix_alloc (size, size);
      g_autoptr(gsl_matrix) shifted = gsl_matrix_alloc (size, size);
      g_autoptr(gsl_matrix) g = gsl_matrix_alloc (size, size);
      double sides[2];

      g_assert_true (ks_activation_kernel_backward (kinds[k], c, g_bar, c_bar, NULL, NULL));
      for (int side = 0; side < 2; side++)
        {
          gsl_matrix_memcpy (shifted, d);
          gsl_matrix_scale (shifted, side == 0 ? h : -h);
          gsl_matrix_add (shifted, c);
          g_assert_true (ks_activation_kernel (kinds[k], shifted, g, NULL, NULL, NULL));
          sides[side] = frobenius_inner (g_bar, g);
        }
      g_assert_cmpfloat (fabs (frobenius_inner (c_bar, d) - (sides[0] - sides[1]) / (2 * h)),
                         <=, 1e-6 * fabs (frobenius_inner (c_bar, d)));
    }
  g_rand_free (rand);
}

/* Rows are shared among threads, but every entry is computed and summed in the same order
 * whatever their number: the results agree bit for bit. */
static void
test_backward_thread_independent (void)
{
  GRand *rand = g_rand_new_with_seed (3);
  static const struct { KsLayerKind kind; gsize size; } cases[] = {
    { KS_LAYER_RELU, 200 }, { KS_LAYER_TANH, 24 }, { KS_LAYER_GELU, 24 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(gsl_matrix) c = random_covariance (rand, cases[k].size);
      g_autoptr(gsl_matrix) g_bar = random_symmetric (rand, cases[k].size);
      g_autoptr(gsl_matrix) one = gsl_matrix_alloc (cases[k].size, cases[k].size);
      g_autoptr(gsl_matrix) three = gsl_matrix_alloc (cases[k].size, cases[k].size);

      g_assert_true (ks_activation_kernel_backward_full (cases[k].kind, c, g_bar, one, 1,
                                                         NULL, NULL));
      g_assert_true (ks_activation_kernel_backward_full (cases[k].kind, c, g_bar, three, 3,
                                                         NULL, NULL));
      g_assert_true (gsl_matrix_equal (one, three));
    }
  g_rand_free (rand);
}

static void
test_backward_errors (void)
{
  g_autoptr(gsl_matrix) c = gsl_matrix_calloc (3, 3);
  g_autoptr(gsl_matrix) g_bar = gsl_matrix_calloc (3, 3);
  g_autoptr(gsl_matrix) c_bar = gsl_matrix_alloc (3, 3);
  g_autoptr(gsl_matrix) wrong = gsl_matrix_alloc (2, 2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GError *error = NULL;

  gsl_matrix_set_identity (c);
  g_assert_false (ks_activation_kernel_backward (KS_LAYER_DENSE, c, g_bar, c_bar, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (ks_activation_kernel_backward (KS_LAYER_RELU, c, g_bar, wrong, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  gsl_matrix_set (c, 1, 1, -0.5);
  g_assert_false (ks_activation_kernel_backward (KS_LAYER_ERF, c, g_bar, c_bar, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "row 2"));
  g_clear_error (&error);

  gsl_matrix_set (c, 1, 1, NAN);
  g_assert_false (ks_activation_kernel_backward (KS_LAYER_ERF, c, g_bar, c_bar, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
  g_clear_error (&error);

  gsl_matrix_set (c, 1, 1, 1.0);
  g_cancellable_cancel (cancellable);
  g_assert_false (ks_activation_kernel_backward (KS_LAYER_TANH, c, g_bar, c_bar, cancellable,
                                                 &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/activation-gradient/entry-partials", test_entry_partials);
  g_test_add_func ("/activation-gradient/cross-partial-is-gdot", test_cross_partial_is_gdot);
  g_test_add_func ("/activation-gradient/diagonal-derivative", test_diagonal_derivative);
  g_test_add_func ("/activation-gradient/fixed-rule-matches-library",
                   test_fixed_rule_matches_library);
  g_test_add_func ("/activation-gradient/backward-finite-difference",
                   test_backward_matches_finite_difference);
  g_test_add_func ("/activation-gradient/backward-matrix-map", test_backward_matches_matrix_map);
  g_test_add_func ("/activation-gradient/backward-thread-independent",
                   test_backward_thread_independent);
  g_test_add_func ("/activation-gradient/backward-errors", test_backward_errors);
  return g_test_run ();
}
