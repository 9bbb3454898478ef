/* test-nngp.c: infinite-width NNGP and NTK layer by layer (MATHS section 1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-nngp.h"
#include "ks-rng.h"

static KsStack *
stack_of (const KsLayer *layers,
          guint          n)
{
  KsStack *stack = ks_stack_new ();

  for (guint l = 0; l < n; l++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (ks_stack_append (stack, &layers[l], &error));
      g_assert_no_error (error);
    }
  return stack;
}

static gsl_matrix *
random_psd (gsize  n,
            guint  seed)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (seed, 0, 0);
  g_autoptr(gsl_matrix) features = gsl_matrix_alloc (n, n + 2);
  gsl_matrix *k = gsl_matrix_alloc (n, n);

  ks_rng_fill_gaussian (rng, features->data, features->size1 * features->size2);
  ks_gram (features, 1.0 / (double) features->size2, k);
  return k;
}

static void
propagate (const KsStack     *stack,
           const gsl_matrix  *k0,
           gsl_matrix       **nngp,
           gsl_matrix       **ntk)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ks_nngp_propagate (stack, k0, nngp, ntk, NULL, &error));
  g_assert_no_error (error);
}

static void
free_all (gsl_matrix **matrices,
          guint        n)
{
  for (guint l = 0; l < n; l++)
    g_clear_pointer (&matrices[l], gsl_matrix_free);
}

/* MATHS 1 written out for one 2 x 2 entry, independently of the library. */
static double
relu_by_hand (double c11, double c22, double c12)
{
  double theta = acos (c12 / sqrt (c11 * c22));

  return sqrt (c11 * c22) / (2.0 * M_PI) * (sin (theta) + (M_PI - theta) * cos (theta));
}

static double
relu_gdot_by_hand (double c11, double c22, double c12)
{
  return (M_PI - acos (c12 / sqrt (c11 * c22))) / (2.0 * M_PI);
}

typedef struct
{
  double a11, a22, a12;
} Sym2;

static Sym2
dense_by_hand (Sym2 g, double wv, double bv)
{
  return (Sym2) { wv * g.a11 + bv, wv * g.a22 + bv, wv * g.a12 + bv };
}

static Sym2
relu_layer_by_hand (Sym2 c)
{
  /* On the diagonal theta = 0 and the formula gives c11 / 2. */
  return (Sym2) { c.a11 / 2.0, c.a22 / 2.0, relu_by_hand (c.a11, c.a22, c.a12) };
}

static Sym2
relu_gdot_layer_by_hand (Sym2 c)
{
  return (Sym2) { 0.5, 0.5, relu_gdot_by_hand (c.a11, c.a22, c.a12) };
}

static Sym2
times (Sym2 a, Sym2 b)
{
  return (Sym2) { a.a11 * b.a11, a.a22 * b.a22, a.a12 * b.a12 };
}

static Sym2
plus_scaled (Sym2 a, double s, Sym2 b)
{
  return (Sym2) { a.a11 + s * b.a11, a.a22 + s * b.a22, a.a12 + s * b.a12 };
}

static void
assert_sym2 (const gsl_matrix *m, Sym2 expected, double tolerance)
{
  g_assert_cmpfloat_with_epsilon (gsl_matrix_get (m, 0, 0), expected.a11, tolerance);
  g_assert_cmpfloat_with_epsilon (gsl_matrix_get (m, 1, 1), expected.a22, tolerance);
  g_assert_cmpfloat_with_epsilon (gsl_matrix_get (m, 0, 1), expected.a12, tolerance);
  g_assert_cmpfloat_with_epsilon (gsl_matrix_get (m, 1, 0), expected.a12, tolerance);
}

/* Two points through dense(1.7, 0.2), relu, dense(2.3, 0.05), relu, with the NNGP and the
 * NTK recursion (Theta_1 = Sigma_1, Theta .* Gdot after relu, Sigma + sw2 Theta after dense)
 * computed by hand; the values are O(1), so 1e-13 allows only rounding. */
static void
test_two_points_by_hand (void)
{
  const KsLayer layers[] = {
    ks_layer_dense (KS_WIDTH_INFINITE, 1.7, 0.2), ks_layer_nonlinearity (KS_LAYER_RELU),
    ks_layer_dense (KS_WIDTH_INFINITE, 2.3, 0.05), ks_layer_nonlinearity (KS_LAYER_RELU),
  };
  g_autoptr(KsStack) stack = stack_of (layers, G_N_ELEMENTS (layers));
  g_autoptr(gsl_matrix) k0 = gsl_matrix_alloc (2, 2);
  gsl_matrix *nngp[4], *ntk[4];
  Sym2 input = { 1.2, 0.8, 0.3 };
  Sym2 c1, g1, c2, g2, theta1, theta2, theta3, theta4;

  gsl_matrix_set (k0, 0, 0, input.a11);
  gsl_matrix_set (k0, 1, 1, input.a22);
  gsl_matrix_set (k0, 0, 1, input.a12);
  gsl_matrix_set (k0, 1, 0, input.a12);
  propagate (stack, k0, nngp, ntk);

  c1 = dense_by_hand (input, 1.7, 0.2);
  g1 = relu_layer_by_hand (c1);
  c2 = dense_by_hand (g1, 2.3, 0.05);
  g2 = relu_layer_by_hand (c2);
  theta1 = c1;
  theta2 = times (theta1, relu_gdot_layer_by_hand (c1));
  theta3 = plus_scaled (c2, 2.3, theta2);
  theta4 = times (theta3, relu_gdot_layer_by_hand (c2));

  assert_sym2 (nngp[0], c1, 1e-13);
  assert_sym2 (nngp[1], g1, 1e-13);
  assert_sym2 (nngp[2], c2, 1e-13);
  assert_sym2 (nngp[3], g2, 1e-13);
  assert_sym2 (ntk[0], theta1, 1e-13);
  assert_sym2 (ntk[1], theta2, 1e-13);
  assert_sym2 (ntk[2], theta3, 1e-13);
  assert_sym2 (ntk[3], theta4, 1e-13);
  free_all (nngp, 4);
  free_all (ntk, 4);
}

/* Dense layers only: Theta_L = sum_l Sigma_l prod_{m > l} sw2_m, which unrolls the
 * recursion Theta_l = Sigma_l + sw2_l Theta_{l-1}. Relative 1e-13: a few roundings. */
static void
test_dense_ntk_sum (void)
{
  const double wv[] = { 0.9, 1.6, 2.2, 0.7 };
  const double bv[] = { 0.1, 0.0, 0.35, 0.02 };
  KsLayer layers[G_N_ELEMENTS (wv)];
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(gsl_matrix) k0 = random_psd (6, 11);
  g_autoptr(gsl_matrix) expected = gsl_matrix_calloc (6, 6);
  guint n = G_N_ELEMENTS (wv);
  gsl_matrix *nngp[G_N_ELEMENTS (wv)], *ntk[G_N_ELEMENTS (wv)];

  for (guint l = 0; l < n; l++)
    layers[l] = ks_layer_dense (KS_WIDTH_INFINITE, wv[l], bv[l]);
  stack = stack_of (layers, n);
  propagate (stack, k0, nngp, ntk);

  for (guint l = 0; l < n; l++)
    {
      g_autoptr(gsl_matrix) term = gsl_matrix_alloc (6, 6);
      double factor = 1.0;

      for (guint m = l + 1; m < n; m++)
        factor *= wv[m];
      gsl_matrix_memcpy (term, nngp[l]);
      gsl_matrix_scale (term, factor);
      gsl_matrix_add (expected, term);
    }
  g_assert_cmpfloat (ks_matrix_relative_difference (ntk[n - 1], expected), <, 1e-13);
  free_all (nngp, n);
  free_all (ntk, n);
}

/* A deep linear stack with no biases scales K0 by prod sw2 at every depth (relative 1e-13). */
static void
test_deep_identity (void)
{
  const double wv[] = { 1.3, 0.6, 2.0, 1.1, 0.85 };
  KsLayer layers[2 * G_N_ELEMENTS (wv)];
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(gsl_matrix) k0 = random_psd (7, 3);
  g_autoptr(gsl_matrix) expected = gsl_matrix_alloc (7, 7);
  guint n = 2 * G_N_ELEMENTS (wv);
  gsl_matrix *nngp[2 * G_N_ELEMENTS (wv)];
  double product = 1.0;

  for (guint l = 0; l < G_N_ELEMENTS (wv); l++)
    {
      layers[2 * l] = ks_layer_dense (KS_WIDTH_INFINITE, wv[l], 0.0);
      layers[2 * l + 1] = ks_layer_nonlinearity (KS_LAYER_IDENTITY);
    }
  stack = stack_of (layers, n);
  propagate (stack, k0, nngp, NULL);

  for (guint l = 0; l < G_N_ELEMENTS (wv); l++)
    {
      product *= wv[l];
      gsl_matrix_memcpy (expected, k0);
      gsl_matrix_scale (expected, product);
      g_assert_cmpfloat (ks_matrix_relative_difference (nngp[2 * l + 1], expected), <, 1e-13);
    }
  free_all (nngp, n);
}

/* The readout adds s2 on the diagonal only (exactly) and leaves the NTK unchanged. */
static void
test_readout (void)
{
  const KsLayer layers[] = {
    ks_layer_dense (KS_WIDTH_INFINITE, 2.0, 0.1), ks_layer_nonlinearity (KS_LAYER_ERF),
    ks_layer_readout (3, 0.3),
  };
  g_autoptr(KsStack) stack = stack_of (layers, G_N_ELEMENTS (layers));
  g_autoptr(gsl_matrix) k0 = random_psd (5, 8);
  gsl_matrix *nngp[3], *ntk[3];

  propagate (stack, k0, nngp, ntk);
  for (gsize i = 0; i < 5; i++)
    for (gsize j = 0; j < 5; j++)
      {
        double added = i == j ? 0.3 : 0.0;

        g_assert_cmpfloat (gsl_matrix_get (nngp[2], i, j), ==,
                           gsl_matrix_get (nngp[1], i, j) + added);
        g_assert_cmpfloat (gsl_matrix_get (ntk[2], i, j), ==, gsl_matrix_get (ntk[1], i, j));
      }
  free_all (nngp, 3);
  free_all (ntk, 3);
}

/* Failures name the layer (1-based, with its kind) and leave no matrices behind. */
static void
test_errors_name_the_layer (void)
{
  const KsLayer overflowing[] = {
    ks_layer_dense (KS_WIDTH_INFINITE, 1.0, 0.0), ks_layer_nonlinearity (KS_LAYER_RELU),
    ks_layer_dense (KS_WIDTH_INFINITE, 1e10, 0.0),
  };
  const KsLayer relu_first[] = { ks_layer_nonlinearity (KS_LAYER_RELU) };
  g_autoptr(KsStack) stack = stack_of (overflowing, G_N_ELEMENTS (overflowing));
  g_autoptr(KsStack) relu_stack = stack_of (relu_first, 1);
  g_autoptr(gsl_matrix) k0 = gsl_matrix_alloc (2, 2);
  g_autoptr(GError) error = NULL;
  gsl_matrix *nngp[3], *ntk[3];

  gsl_matrix_set (k0, 0, 0, 1e300);
  gsl_matrix_set (k0, 1, 1, 1e300);
  gsl_matrix_set (k0, 0, 1, 0.5e300);
  gsl_matrix_set (k0, 1, 0, 0.5e300);
  g_assert_false (ks_nngp_propagate (stack, k0, nngp, ntk, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
  g_assert_true (g_str_has_prefix (error->message, "layer 3 (dense): "));
  for (guint l = 0; l < 3; l++)
    {
      g_assert_null (nngp[l]);
      g_assert_null (ntk[l]);
    }
  g_clear_error (&error);

  gsl_matrix_set_identity (k0);
  gsl_matrix_set (k0, 1, 1, -1.0);
  g_assert_false (ks_nngp_propagate (relu_stack, k0, nngp, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "layer 1 (relu): "));
  g_clear_error (&error);

  gsl_matrix_set (k0, 1, 1, NAN);
  g_assert_false (ks_nngp_propagate (relu_stack, k0, nngp, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
}

/* A cancelled cancellable stops the propagation with G_IO_ERROR_CANCELLED. */
static void
test_cancelled (void)
{
  const KsLayer layers[] = {
    ks_layer_dense (KS_WIDTH_INFINITE, 1.0, 0.0), ks_layer_nonlinearity (KS_LAYER_TANH),
  };
  g_autoptr(KsStack) stack = stack_of (layers, G_N_ELEMENTS (layers));
  g_autoptr(gsl_matrix) k0 = random_psd (4, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gsl_matrix *nngp[2];

  g_cancellable_cancel (cancellable);
  g_assert_false (ks_nngp_propagate (stack, k0, nngp, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* One layer at a time agrees with the propagation (exactly: same arithmetic), and a size
 * mismatch is an error. */
static void
test_forward_infinite (void)
{
  const KsLayer layers[] = {
    ks_layer_dense (KS_WIDTH_INFINITE, 1.4, 0.2), ks_layer_nonlinearity (KS_LAYER_GELU),
    ks_layer_readout (1, 0.05),
  };
  g_autoptr(KsStack) stack = stack_of (layers, G_N_ELEMENTS (layers));
  g_autoptr(gsl_matrix) k0 = random_psd (6, 5);
  g_autoptr(gsl_matrix) current = gsl_matrix_alloc (6, 6);
  g_autoptr(gsl_matrix) next = gsl_matrix_alloc (6, 6);
  g_autoptr(gsl_matrix) wrong = gsl_matrix_alloc (5, 5);
  g_autoptr(GError) error = NULL;
  gsl_matrix *nngp[3];

  propagate (stack, k0, nngp, NULL);
  gsl_matrix_memcpy (current, k0);
  for (guint l = 0; l < G_N_ELEMENTS (layers); l++)
    {
      g_assert_true (ks_layer_forward_infinite (&layers[l], current, next, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (ks_matrix_relative_difference (next, nngp[l]), ==, 0.0);
      gsl_matrix_swap (current, next);
    }
  g_assert_false (ks_layer_forward_infinite (&layers[0], k0, wrong, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  free_all (nngp, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ks_core_init ();

  g_test_add_func ("/nngp/two-points-by-hand", test_two_points_by_hand);
  g_test_add_func ("/nngp/dense-ntk-sum", test_dense_ntk_sum);
  g_test_add_func ("/nngp/deep-identity", test_deep_identity);
  g_test_add_func ("/nngp/readout", test_readout);
  g_test_add_func ("/nngp/errors-name-the-layer", test_errors_name_the_layer);
  g_test_add_func ("/nngp/cancelled", test_cancelled);
  g_test_add_func ("/nngp/forward-infinite", test_forward_infinite);

  return g_test_run ();
}
