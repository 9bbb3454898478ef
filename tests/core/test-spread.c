/* test-spread.c: the deep linear closed form of the prior spread against Monte Carlo and
 * against its own limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-rng.h"
#include "ks-spread.h"
#include "ks-stack.h"

static gsl_matrix *
gaussian_inputs (gsize   n_points,
                 gsize   dim,
                 guint64 seed)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (seed, 0, 0);
  gsl_matrix *x = gsl_matrix_alloc (n_points, dim);

  ks_rng_fill_gaussian (rng, x->data, n_points * dim);
  return x;
}

/* X X^T / D, written out so the test does not lean on the library's own Gram routine. */
static gsl_matrix *
input_kernel (const gsl_matrix *x)
{
  gsl_matrix *k = gsl_matrix_calloc (x->size1, x->size1);

  for (gsize i = 0; i < x->size1; i++)
    for (gsize j = 0; j < x->size1; j++)
      {
        double sum = 0.0;

        for (gsize d = 0; d < x->size2; d++)
          sum += gsl_matrix_get (x, i, d) * gsl_matrix_get (x, j, d);
        gsl_matrix_set (k, i, j, sum / x->size2);
      }
  return k;
}

static KsStack *
parse_stack (const char *spec)
{
  g_autoptr(GError) error = NULL;
  KsStack *stack = ks_stack_parse (spec, &error);

  g_assert_no_error (error);
  return stack;
}

static gsl_matrix *
analytic_variance (const char       *spec,
                   const gsl_matrix *k0)
{
  g_autoptr(KsStack) stack = parse_stack (spec);
  g_autoptr(GError) error = NULL;
  gsl_matrix *variance = gsl_matrix_alloc (k0->size1, k0->size2);

  g_assert_true (ks_spread_analytic_variance (stack, k0, variance, &error));
  g_assert_no_error (error);
  return variance;
}

/* Three layers of widths 4, 8, 16 (weight variances 1.5, 0.8, 2; a readout on top, which
 * adds no variance) at P = 4 over 20000 prior networks: each entry's Monte Carlo variance
 * lies within 4 of its standard errors (from the fourth central moment) of the closed form,
 * and each Monte Carlo mean within 4 standard errors (sqrt(variance / S)) of
 * prod(sw2) K0, the exact prior mean. */
static void
test_analytic_matches_monte_carlo (void)
{
  const char *spec = "dense:4:wv=1.5,dense:8:wv=0.8,dense:16:wv=2,readout:1:noise=0.3";
  g_autoptr(KsStack) stack = parse_stack (spec);
  g_autoptr(gsl_matrix) x = gaussian_inputs (4, 3, 1);
  g_autoptr(gsl_matrix) k0 = input_kernel (x);
  g_autoptr(gsl_matrix) variance = analytic_variance (spec, k0);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSpreadEstimate) estimate = ks_spread_monte_carlo (stack, x, 20000, 9, 2, NULL,
                                                                &error);
  double scale = 1.5 * 0.8 * 2.0;

  g_assert_no_error (error);
  g_assert_cmpuint (estimate->n_samples, ==, 20000);
  for (gsize i = 0; i < 4; i++)
    for (gsize j = 0; j < 4; j++)
      {
        double mc_var = gsl_matrix_get (estimate->variance, i, j);
        double se_var = gsl_matrix_get (estimate->variance_se, i, j);
        double mean_se = sqrt (mc_var / estimate->n_samples);

        g_test_message ("entry (%zu, %zu): variance %.5f +- %.5f, closed form %.5f",
                        i, j, mc_var, se_var, gsl_matrix_get (variance, i, j));
        g_assert_cmpfloat (se_var, >, 0.0);
        g_assert_cmpfloat (fabs (mc_var - gsl_matrix_get (variance, i, j)), <=, 4.0 * se_var);
        g_assert_cmpfloat (fabs (gsl_matrix_get (estimate->mean, i, j)
                                 - scale * gsl_matrix_get (k0, i, j)),
                           <=, 4.0 * mean_se);
      }
}

/* Var(K_L,ii) = K0_ii^2 (prod(1 + 2/N_l) - 1), and one layer reduces to the Wishart
 * covariance (S_ik S_jl + S_il S_jk) / N; both are algebraic identities, so the tolerance
 * is a few rounding errors (1e-12 relative). */
static void
test_special_cases (void)
{
  g_autoptr(gsl_matrix) x = gaussian_inputs (5, 3, 2);
  g_autoptr(gsl_matrix) k0 = input_kernel (x);
  g_autoptr(gsl_matrix) variance = analytic_variance ("dense:3,identity,dense:7,dense:2", k0);
  const guint widths[] = { 3, 7, 2 };
  const guint one_width[] = { 6 };
  double grow = (1.0 + 2.0 / 3.0) * (1.0 + 2.0 / 7.0) * (1.0 + 2.0 / 2.0) - 1.0;

  for (gsize i = 0; i < 5; i++)
    {
      double k_ii = gsl_matrix_get (k0, i, i);

      g_assert_cmpfloat_with_epsilon (gsl_matrix_get (variance, i, i), k_ii * k_ii * grow,
                                      1e-12 * k_ii * k_ii * grow);
    }

  /* An arbitrary 4-index covariance, one layer. */
  {
    double s_ij = 0.3, s_kl = -0.2, s_ik = 0.5, s_jl = 1.1, s_il = 0.7, s_jk = -0.4;
    double expected = (s_ik * s_jl + s_il * s_jk) / 6.0;
    double cov = ks_spread_linear_covariance (s_ij, s_kl, s_ik, s_jl, s_il, s_jk, one_width, 1);

    g_assert_cmpfloat_with_epsilon (cov, expected, 1e-12 * fabs (expected));
  }
  /* The diagonal special case through the 4-index form as well. */
  {
    double k = 1.7;
    double cov = ks_spread_linear_covariance (k, k, k, k, k, k, widths, 3);

    g_assert_cmpfloat_with_epsilon (cov, k * k * grow, 1e-12 * k * k * grow);
  }
}

/* Weight variances scale K_top by prod(sw2), hence its variance by prod(sw2)^2 (exact up to
 * rounding). */
static void
test_weight_variance_scaling (void)
{
  g_autoptr(gsl_matrix) x = gaussian_inputs (4, 6, 3);
  g_autoptr(gsl_matrix) k0 = input_kernel (x);
  g_autoptr(gsl_matrix) unit = analytic_variance ("dense:5,dense:9", k0);
  g_autoptr(gsl_matrix) scaled = analytic_variance ("dense:5:wv=2.5,dense:9:wv=0.3", k0);
  double factor = (2.5 * 0.3) * (2.5 * 0.3);

  for (gsize i = 0; i < 4; i++)
    for (gsize j = 0; j < 4; j++)
      {
        double expected = factor * gsl_matrix_get (unit, i, j);

        g_assert_cmpfloat (gsl_matrix_get (unit, i, j), >, 0.0);
        g_assert_cmpfloat_with_epsilon (gsl_matrix_get (scaled, i, j), expected,
                                        1e-12 * expected);
      }
}

/* Infinite layers contribute nothing: inserting one leaves the variance unchanged, a wholly
 * infinite stack has exactly zero variance, and Monte Carlo agrees exactly (every sample is
 * the same deterministic kernel). */
static void
test_infinite_layers (void)
{
  g_autoptr(gsl_matrix) x = gaussian_inputs (4, 3, 4);
  g_autoptr(gsl_matrix) k0 = input_kernel (x);
  g_autoptr(gsl_matrix) finite = analytic_variance ("dense:4,dense:8", k0);
  g_autoptr(gsl_matrix) mixed = analytic_variance ("dense:4,dense:inf,dense:8,dense:inf", k0);
  g_autoptr(gsl_matrix) infinite = analytic_variance ("dense:inf,dense:inf:wv=3", k0);
  g_autoptr(KsStack) stack = parse_stack ("dense:inf,identity,dense:inf:wv=3");
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSpreadEstimate) estimate = ks_spread_monte_carlo (stack, x, 10, 1, 2, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpmem (finite->data, 16 * sizeof (double), mixed->data, 16 * sizeof (double));
  for (gsize e = 0; e < 16; e++)
    {
      g_assert_cmpfloat (infinite->data[e], ==, 0.0);
      g_assert_cmpfloat (estimate->variance->data[e], ==, 0.0);
      g_assert_cmpfloat (estimate->variance_se->data[e], ==, 0.0);
    }
}

/* For wide layers the variance grows like sum 1/N_l: Var(K_ij) = a y0 + e2 + O(a^3) with
 * a = sum 1/N_l, y0 = K_ii K_jj + K_ij^2 and the second-order term
 * e2 = (2 x0 + y0) sum_{l<m} 1/(N_l N_m), x0 = K_ij^2 (from expanding both products). So the
 * first-order expression must miss by e2 up to a relative O(a) = a few 1e-3: checked as
 * |Var - a y0 - e2| <= 0.01 e2 for 1 to 6 layers of widths 500..3000. */
static void
test_depth_law (void)
{
  const guint widths[] = { 1000, 500, 2000, 3000, 800, 1500 };
  g_autoptr(gsl_matrix) x = gaussian_inputs (3, 4, 5);
  g_autoptr(gsl_matrix) k0 = input_kernel (x);
  double k_ii = gsl_matrix_get (k0, 0, 0), k_jj = gsl_matrix_get (k0, 1, 1);
  double k_ij = gsl_matrix_get (k0, 0, 1);
  double x0 = k_ij * k_ij, y0 = k_ii * k_jj + k_ij * k_ij;

  for (guint depth = 1; depth <= G_N_ELEMENTS (widths); depth++)
    {
      double a = 0.0, pairs = 0.0, cov, e2;

      for (guint l = 0; l < depth; l++)
        {
          for (guint m = l + 1; m < depth; m++)
            pairs += 1.0 / ((double) widths[l] * widths[m]);
          a += 1.0 / widths[l];
        }
      cov = ks_spread_linear_covariance (k_ij, k_ij, k_ii, k_jj, k_ij, k_ij, widths, depth);
      e2 = (2.0 * x0 + y0) * pairs;
      g_test_message ("depth %u: variance %.6g, first order %.6g", depth, cov, a * y0);
      g_assert_cmpfloat (fabs (cov - a * y0) / (a * y0), <, 2.0 * a);
      if (depth > 1)
        g_assert_cmpfloat (fabs (cov - a * y0 - e2), <=, 0.01 * e2);
    }
}

/* The closed form exists only for deep linear stacks: a nonlinearity or a bias is refused
 * with KS_ERROR_UNSUPPORTED and a reason, while Monte Carlo still works for them. */
static void
test_unsupported (void)
{
  const char *specs[] = { "dense:4,relu,dense:4", "dense:4:bv=0.1,dense:8" };
  g_autoptr(gsl_matrix) x = gaussian_inputs (4, 3, 6);
  g_autoptr(gsl_matrix) k0 = input_kernel (x);
  g_autoptr(gsl_matrix) variance = gsl_matrix_alloc (4, 4);

  for (guint s = 0; s < G_N_ELEMENTS (specs); s++)
    {
      g_autoptr(KsStack) stack = parse_stack (specs[s]);
      g_autoptr(GError) error = NULL;
      g_autoptr(KsSpreadEstimate) estimate = NULL;

      g_assert_false (ks_spread_analytic_variance (stack, k0, variance, &error));
      g_assert_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "deep linear"));
      g_clear_error (&error);

      estimate = ks_spread_monte_carlo (stack, x, 50, 1, 2, NULL, &error);
      g_assert_no_error (error);
      for (gsize e = 0; e < 16; e++)
        g_assert_true (isfinite (estimate->variance->data[e]) && estimate->variance->data[e] >= 0.0);
      g_assert_cmpfloat (gsl_matrix_max (estimate->variance), >, 0.0);
    }
}

/* The Monte Carlo moments are accumulated in sample order: identical for 1 and 3 threads. */
static void
test_monte_carlo_reproducible (void)
{
  g_autoptr(KsStack) stack = parse_stack ("dense:6,relu,dense:12,dense:3");
  g_autoptr(gsl_matrix) x = gaussian_inputs (5, 3, 7);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSpreadEstimate) one = ks_spread_monte_carlo (stack, x, 30, 4, 1, NULL, &error);
  g_autoptr(KsSpreadEstimate) three = ks_spread_monte_carlo (stack, x, 30, 4, 3, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpmem (one->mean->data, 25 * sizeof (double), three->mean->data, 25 * sizeof (double));
  g_assert_cmpmem (one->variance->data, 25 * sizeof (double),
                   three->variance->data, 25 * sizeof (double));
  g_assert_cmpmem (one->variance_se->data, 25 * sizeof (double),
                   three->variance_se->data, 25 * sizeof (double));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/spread/analytic-vs-monte-carlo", test_analytic_matches_monte_carlo);
  g_test_add_func ("/spread/special-cases", test_special_cases);
  g_test_add_func ("/spread/weight-variance-scaling", test_weight_variance_scaling);
  g_test_add_func ("/spread/infinite-layers", test_infinite_layers);
  g_test_add_func ("/spread/depth-law", test_depth_law);
  g_test_add_func ("/spread/unsupported", test_unsupported);
  g_test_add_func ("/spread/monte-carlo-reproducible", test_monte_carlo_reproducible);

  return g_test_run ();
}
