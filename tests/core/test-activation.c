/* test-activation.c: nonlinearities and their infinite-width kernels (MATHS section 1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_integration.h>

#include "ks-activation.h"
#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-rng.h"

static const KsLayerKind nonlinearities[] = {
  KS_LAYER_IDENTITY, KS_LAYER_RELU, KS_LAYER_ERF, KS_LAYER_TANH, KS_LAYER_GELU,
};

/* An independent reference: E[f(u) f(v)] by nested adaptive integration over z1 and z2 */

typedef struct
{
  double (*f) (double);
  double root1, root2, rho, complement;
  double z1;
  gsl_integration_workspace *inner_workspace;
} NestedIntegral;

static double
density (double z)
{
  return exp (-0.5 * z * z) / sqrt (2.0 * M_PI);
}

static double
inner_integrand (double z2, void *data)
{
  NestedIntegral *n = data;

  return density (z2) * n->f (n->root2 * (n->rho * n->z1 + n->complement * z2));
}

static double
outer_integrand (double z1, void *data)
{
  NestedIntegral *n = data;
  gsl_function inner = { inner_integrand, n };
  double value, abserr;
  int status;

  n->z1 = z1;
  status = gsl_integration_qagi (&inner, 1e-14, 1e-12, 1000, n->inner_workspace,
                                 &value, &abserr);
  g_assert_cmpint (status, ==, 0);
  return density (z1) * n->f (n->root1 * z1) * value;
}

static double
nested_reference (double (*f) (double), double c11, double c22, double c12)
{
  NestedIntegral n = { f, sqrt (c11), sqrt (c22), 0.0, 1.0, 0.0, NULL };
  gsl_integration_workspace *outer_workspace = gsl_integration_workspace_alloc (1000);
  gsl_function outer = { outer_integrand, &n };
  double value, abserr;
  int status;

  if (c11 > 0.0 && c22 > 0.0)
    n.rho = c12 / sqrt (c11 * c22);
  n.complement = sqrt (1.0 - n.rho * n.rho);
  n.inner_workspace = gsl_integration_workspace_alloc (1000);
  status = gsl_integration_qagi (&outer, 1e-13, 1e-11, 1000, outer_workspace, &value, &abserr);
  g_assert_cmpint (status, ==, 0);
  gsl_integration_workspace_free (n.inner_workspace);
  gsl_integration_workspace_free (outer_workspace);
  return value;
}

static double
gelu (double x)
{
  return x * 0.5 * erfc (-x / M_SQRT2);
}

static double
gelu_derivative (double x)
{
  return 0.5 * erfc (-x / M_SQRT2) + x * density (x);
}

static double
tanh_derivative (double x)
{
  return 1.0 - tanh (x) * tanh (x);
}

static double
erf_derivative (double x)
{
  return 2.0 / sqrt (M_PI) * exp (-x * x);
}

/* Pointwise values: GELU against printed values of x Phi(x); every derivative against a
 * central difference with h = 1e-5 (truncation h^2 f''' / 6 ~ 1e-11, rounding 1e-16 / h). */
static void
test_pointwise (void)
{
  const double xs[] = { -2.5, -1.0, -0.3, 0.2, 0.7, 1.9 };

  g_assert_cmpfloat_with_epsilon (ks_activation_apply (KS_LAYER_GELU, 1.0),
                                  0.8413447460685429, 1e-15);
  g_assert_cmpfloat_with_epsilon (ks_activation_apply (KS_LAYER_GELU, -1.0),
                                  -0.15865525393145707, 1e-15);
  g_assert_cmpfloat (ks_activation_apply (KS_LAYER_RELU, -0.5), ==, 0.0);
  g_assert_cmpfloat (ks_activation_apply (KS_LAYER_RELU, 0.5), ==, 0.5);
  g_assert_cmpfloat (ks_activation_apply (KS_LAYER_IDENTITY, -3.25), ==, -3.25);
  g_assert_cmpfloat (ks_activation_apply (KS_LAYER_ERF, 0.4), ==, erf (0.4));
  g_assert_cmpfloat (ks_activation_apply (KS_LAYER_TANH, 0.4), ==, tanh (0.4));
  g_assert_cmpfloat (ks_activation_derivative (KS_LAYER_RELU, 0.0), ==, 0.0);
  g_assert_cmpfloat (ks_activation_derivative (KS_LAYER_RELU, 2.0), ==, 1.0);

  for (guint k = 0; k < G_N_ELEMENTS (nonlinearities); k++)
    for (guint i = 0; i < G_N_ELEMENTS (xs); i++)
      {
        KsLayerKind kind = nonlinearities[k];
        double h = 1e-5, x = xs[i];
        double difference = (ks_activation_apply (kind, x + h)
                             - ks_activation_apply (kind, x - h)) / (2.0 * h);

        g_assert_cmpfloat_with_epsilon (ks_activation_derivative (kind, x), difference, 1e-8);
      }
}

/* MATHS 1, ReLU: unit orthogonal inputs give 1/(2 pi) (exact up to rounding: 1e-12; the
 * printed 0.159155 has 6 digits: 5e-7), c12 = 0.5 gives 0.30450 (printed to 5 digits),
 * and the diagonal is exactly c11 / 2. */
static void
test_relu_values (void)
{
  const double variances[] = { 1e-3, 0.1, 0.3, 1.0, 2.7, 1e4 };

  g_assert_cmpfloat_with_epsilon (ks_activation_kernel_entry (KS_LAYER_RELU, 1.0, 1.0, 0.0),
                                  1.0 / (2.0 * M_PI), 1e-12);
  g_assert_cmpfloat_with_epsilon (ks_activation_kernel_entry (KS_LAYER_RELU, 1.0, 1.0, 0.0),
                                  0.159155, 5e-7);
  g_assert_cmpfloat_with_epsilon (ks_activation_kernel_entry (KS_LAYER_RELU, 1.0, 1.0, 0.5),
                                  0.30450, 5e-6);
  for (guint i = 0; i < G_N_ELEMENTS (variances); i++)
    {
      double c = variances[i];

      g_assert_cmpfloat (ks_activation_kernel_entry (KS_LAYER_RELU, c, c, c), ==, c / 2.0);
    }
  /* Anti-parallel inputs never both fire. */
  g_assert_cmpfloat (ks_activation_kernel_entry (KS_LAYER_RELU, 2.0, 0.5, -1.0), ==, 0.0);
}

/* MATHS 1, erf: parallel unit inputs give (2/pi) asin(2/3) = 0.464559 (6 digits: 5e-7). */
static void
test_erf_values (void)
{
  g_assert_cmpfloat_with_epsilon (ks_activation_kernel_entry (KS_LAYER_ERF, 1.0, 1.0, 1.0),
                                  0.464559, 5e-7);
  g_assert_cmpfloat_with_epsilon (ks_activation_kernel_entry (KS_LAYER_ERF, 0.5, 2.0, 0.3),
                                  M_2_PI * asin (0.6 / sqrt (2.0 * 5.0)), 1e-15);
}

/* The identity's kernel is the covariance itself and its Gdot is 1 (exact). */
static void
test_identity (void)
{
  g_assert_cmpfloat (ks_activation_kernel_entry (KS_LAYER_IDENTITY, 1.3, 0.4, -0.25), ==, -0.25);
  g_assert_cmpfloat (ks_activation_derivative_kernel_entry (KS_LAYER_IDENTITY, 1.3, 0.4, -0.25),
                     ==, 1.0);
}

/* NTK Gdot: ReLU (pi - theta)/(2 pi) is 1/4 at orthogonal and 1/2 at parallel inputs
 * (exact up to rounding); erf's closed form against the adaptive 2-D integral of
 * erf'(u) erf'(v), whose requested accuracy is 1e-11. */
static void
test_gdot (void)
{
  const double cases[][3] = { { 1.0, 1.0, 0.0 }, { 1.0, 1.0, 1.0 }, { 0.4, 2.0, -0.5 },
                              { 1.5, 0.7, 0.9 } };

  g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_RELU,
                                                                         1.0, 1.0, 0.0),
                                  0.25, 1e-15);
  g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_RELU,
                                                                         2.0, 3.0, sqrt (6.0)),
                                  0.5, 1e-15);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const double *c = cases[i];

      g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_ERF,
                                                                             c[0], c[1], c[2]),
                                      nested_reference (erf_derivative, c[0], c[1], c[2]),
                                      1e-10);
    }
}

/* tanh and GELU kernels (and their Gdot) against the independent adaptive integral: the
 * node counts are chosen for about 1e-8 (absolute; relative to the variance for GELU,
 * whose kernel grows with it), over variances from 0.05 to 4. */
static void
test_quadrature_against_reference (void)
{
  const double cases[][3] = {
    { 1.0, 1.0, 0.5 }, { 1.0, 1.0, 1.0 }, { 0.3, 2.5, -0.6 }, { 2.0, 2.0, 1.8 },
    { 0.05, 0.1, 0.06 }, { 4.0, 3.0, 3.2 }, { 1.5, 0.2, 0.5 }, { 0.8, 0.8, -0.79 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const double *c = cases[i];
      double scale = MAX (1.0, MAX (c[0], c[1]));

      g_assert_cmpfloat_with_epsilon (ks_activation_kernel_entry (KS_LAYER_TANH, c[0], c[1], c[2]),
                                      nested_reference (tanh, c[0], c[1], c[2]), 1e-8);
      g_assert_cmpfloat_with_epsilon (ks_activation_kernel_entry (KS_LAYER_GELU, c[0], c[1], c[2]),
                                      nested_reference (gelu, c[0], c[1], c[2]), 1e-8 * scale);
      g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_TANH,
                                                                             c[0], c[1], c[2]),
                                      nested_reference (tanh_derivative, c[0], c[1], c[2]),
                                      1e-8);
      g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_GELU,
                                                                             c[0], c[1], c[2]),
                                      nested_reference (gelu_derivative, c[0], c[1], c[2]),
                                      1e-8);
    }
}

/* The quadrature route itself on kinds with closed forms. erf and erf' are entire, so 96
 * nodes reach rounding level (1e-12); the identity is a degree-2 polynomial, exact for any
 * rule (1e-14). ReLU's kink limits Gauss-Hermite to first order: the error must be below
 * 0.25 / n at n = 1024 nodes (measured errors are about half that bound). */
static void
test_quadrature_against_closed_forms (void)
{
  const double cases[][3] = { { 1.0, 1.0, 0.5 }, { 1.0, 1.0, 0.0 }, { 2.0, 0.5, -0.3 },
                              { 1.0, 1.0, 0.99 }, { 0.6, 0.6, 0.6 } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const double *c = cases[i];

      for (int derivative = 0; derivative <= 1; derivative++)
        {
          double (*entry) (KsLayerKind, double, double, double) =
            derivative ? ks_activation_derivative_kernel_entry : ks_activation_kernel_entry;

          g_assert_cmpfloat_with_epsilon (
            ks_activation_kernel_entry_quadrature (KS_LAYER_ERF, derivative, c[0], c[1], c[2], 96),
            entry (KS_LAYER_ERF, c[0], c[1], c[2]), 1e-12);
          g_assert_cmpfloat_with_epsilon (
            ks_activation_kernel_entry_quadrature (KS_LAYER_IDENTITY, derivative,
                                                   c[0], c[1], c[2], 8),
            entry (KS_LAYER_IDENTITY, c[0], c[1], c[2]), 1e-14);
        }
      g_assert_cmpfloat_with_epsilon (
        ks_activation_kernel_entry_quadrature (KS_LAYER_RELU, FALSE, c[0], c[1], c[2], 1024),
        ks_activation_kernel_entry (KS_LAYER_RELU, c[0], c[1], c[2]), 0.25 / 1024);
    }
}

/* E[phi(u) phi(v)] is symmetric in (u, v): exact for the closed forms (1e-15), within the
 * quadrature accuracy (two errors of about 5e-9) for tanh and GELU. */
static void
test_symmetry (void)
{
  const double cases[][3] = { { 0.3, 2.5, -0.6 }, { 1.5, 0.2, 0.5 }, { 0.0, 1.0, 0.0 } };

  for (guint k = 0; k < G_N_ELEMENTS (nonlinearities); k++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        KsLayerKind kind = nonlinearities[k];
        const double *c = cases[i];
        double tolerance = (kind == KS_LAYER_TANH || kind == KS_LAYER_GELU) ? 1e-8 : 1e-15;

        g_assert_cmpfloat_with_epsilon (ks_activation_kernel_entry (kind, c[0], c[1], c[2]),
                                        ks_activation_kernel_entry (kind, c[1], c[0], c[2]),
                                        tolerance);
        g_assert_cmpfloat_with_epsilon (
          ks_activation_derivative_kernel_entry (kind, c[0], c[1], c[2]),
          ks_activation_derivative_kernel_entry (kind, c[1], c[0], c[2]), tolerance);
      }
}

/* A covariance a rounding error past Cauchy-Schwarz is clipped: finite, and within 1e-6 of
 * the value at the bound (the kernels are continuous there; the first-order change from a
 * 1e-12 relative excess is far smaller). */
static void
test_clipping (void)
{
  const double c11 = 0.7, c22 = 1.9;
  double bound = sqrt (c11 * c22);

  for (guint k = 0; k < G_N_ELEMENTS (nonlinearities); k++)
    for (int sign = -1; sign <= 1; sign += 2)
      {
        KsLayerKind kind = nonlinearities[k];
        double past = sign * bound * (1.0 + 1e-12);
        double value = ks_activation_kernel_entry (kind, c11, c22, past);
        double derivative = ks_activation_derivative_kernel_entry (kind, c11, c22, past);

        g_assert_true (isfinite (value));
        g_assert_true (isfinite (derivative));
        g_assert_cmpfloat_with_epsilon (value,
                                        ks_activation_kernel_entry (kind, c11, c22, sign * bound),
                                        1e-6);
      }
}

/* A zero variance makes that input the constant 0: E[phi(0) phi(v)] = 0 for every kind
 * here (phi(0) = 0), and Gdot = phi'(0) E[phi'(v)]: identity 1, ReLU 0 (ReLU'(0) = 0),
 * erf (4/pi) / sqrt(1 + 2 c22), GELU 1/2 * 1/2 (GELU' - 1/2 is odd), tanh E[tanh'(v)]
 * (adaptive 1-D integral, 1e-8 as for the other quadratures). */
static void
test_zero_variance (void)
{
  const double c22 = 1.3;

  for (guint k = 0; k < G_N_ELEMENTS (nonlinearities); k++)
    {
      KsLayerKind kind = nonlinearities[k];

      g_assert_cmpfloat (ks_activation_kernel_entry (kind, 0.0, c22, 0.0), ==, 0.0);
      g_assert_cmpfloat (ks_activation_kernel_entry (kind, 0.0, 0.0, 0.0), ==, 0.0);
    }
  g_assert_cmpfloat (ks_activation_derivative_kernel_entry (KS_LAYER_IDENTITY, 0.0, c22, 0.0),
                     ==, 1.0);
  g_assert_cmpfloat (ks_activation_derivative_kernel_entry (KS_LAYER_RELU, 0.0, c22, 0.0),
                     ==, 0.0);
  g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_ERF,
                                                                         0.0, c22, 0.0),
                                  4.0 / M_PI / sqrt (1.0 + 2.0 * c22), 1e-15);
  g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_GELU,
                                                                         0.0, c22, 0.0),
                                  0.25, 1e-15);
  g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_TANH,
                                                                         0.0, c22, 0.0),
                                  nested_reference (tanh_derivative, 0.0, c22, 0.0), 1e-8);
  /* Both zero: phi'(0)^2 */
  g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_ERF,
                                                                         0.0, 0.0, 0.0),
                                  4.0 / M_PI, 1e-15);
  g_assert_cmpfloat_with_epsilon (ks_activation_derivative_kernel_entry (KS_LAYER_TANH,
                                                                         0.0, 0.0, 0.0),
                                  1.0, 1e-15);
}

/* Monte Carlo law: the mean of tanh(u) tanh(v) over 200000 draws (fixed seed) lies within
 * 4 standard errors, estimated from the same draws, of the quadrature. */
static void
test_monte_carlo_tanh (void)
{
  const double c11 = 1.0, c22 = 1.5, c12 = 0.7;
  const guint n = 200000;
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (20240601, 0, 0);
  double rho = c12 / sqrt (c11 * c22);
  double sum = 0.0, sum_squares = 0.0, mean, standard_error;

  for (guint i = 0; i < n; i++)
    {
      double z[2], u, v, product;

      ks_rng_fill_gaussian (rng, z, 2);
      u = sqrt (c11) * z[0];
      v = sqrt (c22) * (rho * z[0] + sqrt (1.0 - rho * rho) * z[1]);
      product = tanh (u) * tanh (v);
      sum += product;
      sum_squares += product * product;
    }
  mean = sum / n;
  standard_error = sqrt ((sum_squares / n - mean * mean) / (n - 1));
  g_assert_cmpfloat (fabs (mean - ks_activation_kernel_entry (KS_LAYER_TANH, c11, c22, c12)),
                     <, 4.0 * standard_error);
}

/* A covariance F F^T / 5 of 40 points, one of them 0 (zero variance) and one repeated
 * (correlation exactly 1 off the diagonal). */
static gsl_matrix *
random_covariance (gsize n_points)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (7, 0, 0);
  g_autoptr(gsl_matrix) features = gsl_matrix_alloc (n_points, 5);
  gsl_matrix *c = gsl_matrix_alloc (n_points, n_points);

  ks_rng_fill_gaussian (rng, features->data, n_points * 5);
  for (gsize j = 0; j < 5; j++)
    {
      gsl_matrix_set (features, 3, j, 0.0);
      gsl_matrix_set (features, 9, j, gsl_matrix_get (features, 4, j));
    }
  ks_gram (features, 1.0 / 5.0, c);
  return c;
}

static gsl_matrix *
map_with_threads (KsLayerKind       kind,
                  const gsl_matrix *c,
                  guint             n_threads,
                  gsl_matrix      **gdot)
{
  g_autoptr(GError) error = NULL;
  gsl_matrix *g = gsl_matrix_alloc (c->size1, c->size1);

  *gdot = gsl_matrix_alloc (c->size1, c->size1);
  g_assert_true (ks_activation_kernel_full (kind, c, g, *gdot, n_threads, NULL, &error));
  g_assert_no_error (error);
  return g;
}

static void
assert_matrices_identical (const gsl_matrix *a,
                           const gsl_matrix *b)
{
  for (gsize i = 0; i < a->size1; i++)
    for (gsize j = 0; j < a->size2; j++)
      g_assert_cmpfloat (gsl_matrix_get (a, i, j), ==, gsl_matrix_get (b, i, j));
}

/* The map equals the entry functions exactly on and below the diagonal (same arithmetic),
 * is exactly symmetric, stays within the quadrature accuracy (1e-8 times the scale) of the
 * entry function above the diagonal, and is identical for 1, 2 and 3 threads. */
static void
test_matrix_map (void)
{
  g_autoptr(gsl_matrix) c = random_covariance (40);

  for (guint k = 0; k < G_N_ELEMENTS (nonlinearities); k++)
    {
      KsLayerKind kind = nonlinearities[k];
      g_autoptr(gsl_matrix) gdot = NULL, gdot2 = NULL, gdot3 = NULL;
      g_autoptr(gsl_matrix) g = map_with_threads (kind, c, 1, &gdot);
      g_autoptr(gsl_matrix) g2 = map_with_threads (kind, c, 2, &gdot2);
      g_autoptr(gsl_matrix) g3 = map_with_threads (kind, c, 3, &gdot3);

      for (gsize i = 0; i < c->size1; i++)
        for (gsize j = 0; j < c->size1; j++)
          {
            double c11 = gsl_matrix_get (c, i, i), c22 = gsl_matrix_get (c, j, j);
            double c12 = gsl_matrix_get (c, i, j);
            double value = ks_activation_kernel_entry (kind, c11, c22, c12);
            double derivative = ks_activation_derivative_kernel_entry (kind, c11, c22, c12);

            g_assert_cmpfloat (gsl_matrix_get (g, i, j), ==, gsl_matrix_get (g, j, i));
            g_assert_cmpfloat (gsl_matrix_get (gdot, i, j), ==, gsl_matrix_get (gdot, j, i));
            if (j <= i)
              {
                g_assert_cmpfloat (gsl_matrix_get (g, i, j), ==, value);
                g_assert_cmpfloat (gsl_matrix_get (gdot, i, j), ==, derivative);
              }
            else
              {
                double scale = MAX (1.0, MAX (c11, c22));

                g_assert_cmpfloat_with_epsilon (gsl_matrix_get (g, i, j), value, 1e-8 * scale);
                g_assert_cmpfloat_with_epsilon (gsl_matrix_get (gdot, i, j), derivative, 1e-8);
              }
          }
      assert_matrices_identical (g, g2);
      assert_matrices_identical (g, g3);
      assert_matrices_identical (gdot, gdot2);
      assert_matrices_identical (gdot, gdot3);
    }
}

/* A cancelled cancellable stops the map before it starts. */
static void
test_cancelled_before (void)
{
  g_autoptr(gsl_matrix) c = random_covariance (40);
  g_autoptr(gsl_matrix) g = gsl_matrix_alloc (40, 40);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (ks_activation_kernel (KS_LAYER_RELU, c, g, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gpointer
cancel_after_delay (gpointer data)
{
  g_usleep (50 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

/* Cancelling from another thread during a long GELU map (P = 2000 at variance 3, tens of
 * seconds of work) returns G_IO_ERROR_CANCELLED promptly. The design asks for 100 ms; the
 * bound here is 1 s so that a busy shared machine does not make the test flaky. */
static void
test_cancelled_during (void)
{
  const gsize n = 2000;
  g_autoptr(gsl_matrix) c = gsl_matrix_alloc (n, n);
  g_autoptr(gsl_matrix) g = gsl_matrix_alloc (n, n);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *canceller;
  gint64 start, cancelled_after;

  gsl_matrix_set_all (c, 1.0);
  for (gsize i = 0; i < n; i++)
    gsl_matrix_set (c, i, i, 3.0);

  canceller = g_thread_new ("canceller", cancel_after_delay, cancellable);
  start = g_get_monotonic_time ();
  g_assert_false (ks_activation_kernel (KS_LAYER_GELU, c, g, NULL, cancellable, &error));
  cancelled_after = g_get_monotonic_time () - start - 50 * G_TIME_SPAN_MILLISECOND;
  g_thread_join (canceller);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancelled_after, <, G_TIME_SPAN_SECOND);
}

/* Bad covariances are errors that say what is wrong, never NaN kernels. */
static void
test_errors (void)
{
  g_autoptr(gsl_matrix) c = random_covariance (10);
  g_autoptr(gsl_matrix) g = gsl_matrix_alloc (10, 10);
  g_autoptr(gsl_matrix) small = gsl_matrix_alloc (9, 9);
  g_autoptr(GError) error = NULL;

  gsl_matrix_set (c, 2, 2, -0.5);
  g_assert_false (ks_activation_kernel (KS_LAYER_TANH, c, g, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "row 3"));
  g_clear_error (&error);

  gsl_matrix_set (c, 2, 2, 1.0);
  gsl_matrix_set (c, 5, 1, NAN);
  g_assert_false (ks_activation_kernel (KS_LAYER_RELU, c, g, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
  g_clear_error (&error);

  gsl_matrix_set (c, 5, 1, 0.0);
  g_assert_false (ks_activation_kernel (KS_LAYER_DENSE, c, g, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (ks_activation_kernel (KS_LAYER_ERF, c, small, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ks_core_init ();

  g_test_add_func ("/activation/pointwise", test_pointwise);
  g_test_add_func ("/activation/relu-values", test_relu_values);
  g_test_add_func ("/activation/erf-values", test_erf_values);
  g_test_add_func ("/activation/identity", test_identity);
  g_test_add_func ("/activation/gdot", test_gdot);
  g_test_add_func ("/activation/quadrature-reference", test_quadrature_against_reference);
  g_test_add_func ("/activation/quadrature-closed-forms", test_quadrature_against_closed_forms);
  g_test_add_func ("/activation/symmetry", test_symmetry);
  g_test_add_func ("/activation/clipping", test_clipping);
  g_test_add_func ("/activation/zero-variance", test_zero_variance);
  g_test_add_func ("/activation/monte-carlo-tanh", test_monte_carlo_tanh);
  g_test_add_func ("/activation/matrix-map", test_matrix_map);
  g_test_add_func ("/activation/cancelled-before", test_cancelled_before);
  g_test_add_func ("/activation/cancelled-during", test_cancelled_during);
  g_test_add_func ("/activation/errors", test_errors);

  return g_test_run ();
}
