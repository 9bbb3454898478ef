/* test-spread-sweep.c: the spread summary against width and depth, against its closed form
 * for deep linear networks, Monte Carlo laws and reproducibility
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-rng.h"
#include "ks-spread-sweep.h"
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

/* X X^T / D, written out so the test does not lean on the library's Gram routine. */
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

/* The summary of a deep linear network of depth layers of one width, from MATHS 2 written
 * per entry: with c = K0_ij^2 / (K0_ii K0_jj), A = (1 + 2/N)^L and B = (1 - 1/N)^L,
 * Var(K_ij) / (K0_ij^2 + K0_ii K0_jj) = ((2c + 1)(A - 1) + (c - 1)(B - 1)) / (3 (c + 1)).
 * The weight variances cancel between the variance and the infinite-width kernel. */
static double
closed_form_summary (const gsl_matrix *k0,
                     guint             depth,
                     guint             width)
{
  double a = pow (1.0 + 2.0 / width, depth) - 1.0;
  double b = pow (1.0 - 1.0 / width, depth) - 1.0;
  double sum = 0.0;
  gsize count = 0;

  for (gsize i = 0; i < k0->size1; i++)
    for (gsize j = i; j < k0->size1; j++)
      {
        double k_ij = gsl_matrix_get (k0, i, j);
        double c = k_ij * k_ij / (gsl_matrix_get (k0, i, i) * gsl_matrix_get (k0, j, j));

        sum += ((2 * c + 1) * a + (c - 1) * b) / (3 * (c + 1));
        count++;
      }
  return sum / count;
}

static KsSpreadSweep *
run_sweep (const KsSpreadSweepOptions *options,
           const gsl_matrix           *inputs)
{
  g_autoptr(GError) error = NULL;
  KsSpreadSweep *sweep = ks_spread_sweep_run (options, inputs, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sweep);
  return sweep;
}

/* V_ij = t (R_ij^2 + R_ii R_jj) has summary t exactly; a point whose reference row is 0
 * (denominator 0 in its row and column, diagonal included) is left out rather than
 * dividing by zero, and an all-zero reference has no summary (NAN). */
static void
test_summary_definition (void)
{
  g_autoptr(gsl_matrix) x = gaussian_inputs (5, 3, 7);
  g_autoptr(gsl_matrix) reference = input_kernel (x);
  g_autoptr(gsl_matrix) variance = gsl_matrix_alloc (5, 5);
  g_autoptr(gsl_matrix) zero = gsl_matrix_calloc (5, 5);

  for (gsize i = 0; i < 5; i++)
    for (gsize j = 0; j < 5; j++)
      {
        double r_ij = gsl_matrix_get (reference, i, j);

        gsl_matrix_set (variance, i, j, 0.37 * (r_ij * r_ij + gsl_matrix_get (reference, i, i) *
                                                gsl_matrix_get (reference, j, j)));
      }
  g_assert_cmpfloat_with_epsilon (ks_spread_summary (variance, reference), 0.37, 1e-14);

  for (gsize k = 0; k < 5; k++)
    {
      gsl_matrix_set (reference, 2, k, 0.0);
      gsl_matrix_set (reference, k, 2, 0.0);
      gsl_matrix_set (variance, 2, k, 1e300);
      gsl_matrix_set (variance, k, 2, 1e300);
    }
  g_assert_cmpfloat_with_epsilon (ks_spread_summary (variance, reference), 0.37, 1e-14);
  g_assert_true (isnan (ks_spread_summary (variance, zero)));
}

/* Deep linear blocks (dense:N, and dense:N:wv=2.5 to check that the weight variance
 * cancels): the analytic summary equals the per-entry closed form above to 1e-12
 * (relative; both are a few dozen floating-point operations per entry) at every depth and
 * width, and tends to depth / width for wide layers, with |v N / L - 1| <= L / N (the
 * second-order term is between 0.5 and 1 times (L - 1) / N). Without Monte Carlo those
 * fields are NAN. */
static void
test_analytic_closed_form (void)
{
  static const guint depths[] = { 1, 2, 5, 8 };
  static const guint widths[] = { 1, 2, 3, 7, 64, 1024 };
  static const char *blocks[] = { "dense:1", "dense:1:wv=2.5" };
  g_autoptr(gsl_matrix) x = gaussian_inputs (7, 4, 3);
  g_autoptr(gsl_matrix) k0 = input_kernel (x);

  for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
    {
      g_autoptr(KsStack) block = parse_stack (blocks[b]);
      KsSpreadSweepOptions options = {
        .block = block,
        .depths = depths,
        .n_depths = G_N_ELEMENTS (depths),
        .widths = widths,
        .n_widths = G_N_ELEMENTS (widths),
      };
      g_autoptr(KsSpreadSweep) sweep = run_sweep (&options, x);

      g_assert_true (ks_spread_sweep_has_analytic (sweep));
      g_assert_cmpuint (ks_spread_sweep_get_n_points (sweep), ==, 7);
      for (guint d = 0; d < G_N_ELEMENTS (depths); d++)
        for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
          {
            const KsSpreadSweepPoint *point = ks_spread_sweep_get_point (sweep, d, w);
            double expected = closed_form_summary (k0, depths[d], widths[w]);

            g_assert_cmpuint (point->depth, ==, depths[d]);
            g_assert_cmpuint (point->width, ==, widths[w]);
            g_assert_cmpfloat (fabs (point->analytic - expected), <=, 1e-12 * expected);
            g_assert_true (isnan (point->monte_carlo) && isnan (point->monte_carlo_se));
            if (widths[w] >= 64)
              g_assert_cmpfloat (fabs (point->analytic * widths[w] / depths[d] - 1.0), <=,
                                 (double) depths[d] / widths[w]);
          }
    }
}

/* Deep linear, P = 6, depths 1 and 3, widths 4 and 16, 3000 networks each: the Monte Carlo
 * summary lies within 4 of its (jackknife) standard errors of the closed form. The
 * standard error must also be useful, under a quarter of the value (for Gaussian entries
 * it is about sqrt(2 / S) of it), so a huge error cannot pass the first check. */
static void
test_monte_carlo_within_errors (void)
{
  static const guint depths[] = { 1, 3 };
  static const guint widths[] = { 4, 16 };
  g_autoptr(gsl_matrix) x = gaussian_inputs (6, 5, 11);
  g_autoptr(gsl_matrix) k0 = input_kernel (x);
  KsSpreadSweepOptions options = {
    .depths = depths,
    .n_depths = G_N_ELEMENTS (depths),
    .widths = widths,
    .n_widths = G_N_ELEMENTS (widths),
    .n_samples = 3000,
    .seed = 2024,
  };
  g_autoptr(KsSpreadSweep) sweep = run_sweep (&options, x);

  for (guint d = 0; d < G_N_ELEMENTS (depths); d++)
    for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
      {
        const KsSpreadSweepPoint *point = ks_spread_sweep_get_point (sweep, d, w);
        double expected = closed_form_summary (k0, depths[d], widths[w]);

        g_test_message ("depth %u width %u: Monte Carlo %g +- %g, closed form %g",
                        depths[d], widths[w], point->monte_carlo, point->monte_carlo_se,
                        expected);
        g_assert_cmpfloat (point->monte_carlo_se, >, 0.0);
        g_assert_cmpfloat (point->monte_carlo_se, <, 0.25 * expected);
        if (fabs (point->monte_carlo - expected) > 4 * point->monte_carlo_se)
          g_error ("depth %u width %u: Monte Carlo %g +- %g, closed form %g", depths[d],
                   widths[w], point->monte_carlo, point->monte_carlo_se, expected);
      }
}

/* A ReLU block (dense:N:wv=2, relu) has no closed form (NAN) but a Monte Carlo summary,
 * which shrinks with width: at width 4 it exceeds that at width 64 by more than 4
 * combined standard errors. */
static void
test_nonlinear_block (void)
{
  static const guint depths[] = { 2 };
  static const guint widths[] = { 4, 64 };
  g_autoptr(KsStack) block = parse_stack ("dense:1:wv=2,relu");
  g_autoptr(gsl_matrix) x = gaussian_inputs (5, 4, 5);
  KsSpreadSweepOptions options = {
    .block = block,
    .depths = depths,
    .n_depths = 1,
    .widths = widths,
    .n_widths = 2,
    .n_samples = 400,
    .seed = 9,
  };
  g_autoptr(KsSpreadSweep) sweep = run_sweep (&options, x);
  const KsSpreadSweepPoint *narrow = ks_spread_sweep_get_point (sweep, 0, 0);
  const KsSpreadSweepPoint *wide = ks_spread_sweep_get_point (sweep, 0, 1);

  g_assert_false (ks_spread_sweep_has_analytic (sweep));
  g_assert_true (isnan (narrow->analytic) && isnan (wide->analytic));
  g_assert_true (isfinite (narrow->monte_carlo) && isfinite (wide->monte_carlo));
  g_assert_cmpfloat (narrow->monte_carlo - wide->monte_carlo, >,
                     4 * hypot (narrow->monte_carlo_se, wide->monte_carlo_se));
}

static gboolean
points_identical (const KsSpreadSweepPoint *a,
                  const KsSpreadSweepPoint *b)
{
  return memcmp (&a->monte_carlo, &b->monte_carlo, sizeof (double)) == 0 &&
         memcmp (&a->monte_carlo_se, &b->monte_carlo_se, sizeof (double)) == 0 &&
         memcmp (&a->analytic, &b->analytic, sizeof (double)) == 0;
}

/* One, two and three threads give the same numbers bit for bit; so does a sweep listing
 * its depths in another order, since each (depth, width) pair draws from its own
 * streams. */
static void
test_reproducible (void)
{
  static const guint depths[] = { 1, 2 };
  static const guint reversed[] = { 2, 1 };
  static const guint widths[] = { 3, 8 };
  g_autoptr(gsl_matrix) x = gaussian_inputs (6, 4, 13);
  KsSpreadSweepOptions options = {
    .depths = depths,
    .n_depths = 2,
    .widths = widths,
    .n_widths = 2,
    .n_samples = 60,
    .seed = 77,
    .n_threads = 1,
  };
  g_autoptr(KsSpreadSweep) one = run_sweep (&options, x);
  g_autoptr(KsSpreadSweep) two = NULL;
  g_autoptr(KsSpreadSweep) three = NULL;
  g_autoptr(KsSpreadSweep) other_order = NULL;

  options.n_threads = 2;
  two = run_sweep (&options, x);
  options.n_threads = 3;
  three = run_sweep (&options, x);
  options.depths = reversed;
  other_order = run_sweep (&options, x);
  for (guint d = 0; d < 2; d++)
    for (guint w = 0; w < 2; w++)
      {
        const KsSpreadSweepPoint *point = ks_spread_sweep_get_point (one, d, w);

        g_assert_true (points_identical (point, ks_spread_sweep_get_point (two, d, w)));
        g_assert_true (points_identical (point, ks_spread_sweep_get_point (three, d, w)));
        g_assert_true (points_identical (point, ks_spread_sweep_get_point (other_order,
                                                                           1 - d, w)));
      }
}

typedef struct
{
  double last;
  guint  calls;
  gboolean monotone;
  GCancellable *cancel_after;  /* cancelled once progress passes a third */
} ProgressLog;

static void
log_progress (double   fraction,
              gpointer user_data)
{
  ProgressLog *log = user_data;

  log->monotone = log->monotone && fraction >= log->last - 1e-12 && fraction <= 1.0 + 1e-12;
  log->last = fraction;
  log->calls++;
  if (log->cancel_after != NULL && fraction > 1.0 / 3.0)
    g_cancellable_cancel (log->cancel_after);
}

/* Progress only grows, stays in [0, 1] and ends at 1; cancelling from the progress
 * callback a third of the way in ends the sweep with G_IO_ERROR_CANCELLED and no
 * result. */
static void
test_progress_and_cancel (void)
{
  static const guint depths[] = { 1, 2, 4 };
  static const guint widths[] = { 2, 8, 32 };
  g_autoptr(gsl_matrix) x = gaussian_inputs (5, 3, 17);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  KsSpreadSweepOptions options = {
    .depths = depths,
    .n_depths = 3,
    .widths = widths,
    .n_widths = 3,
    .n_samples = 50,
    .seed = 1,
  };
  ProgressLog log = { .monotone = TRUE };
  g_autoptr(KsSpreadSweep) done = NULL;
  KsSpreadSweep *cancelled;

  done = ks_spread_sweep_run (&options, x, log_progress, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (log.monotone);
  g_assert_cmpuint (log.calls, >=, 9 * 50);
  g_assert_cmpfloat_with_epsilon (log.last, 1.0, 1e-9);

  log = (ProgressLog) { .monotone = TRUE, .cancel_after = cancellable };
  cancelled = ks_spread_sweep_run (&options, x, log_progress, &log, cancellable, &error);
  g_assert_null (cancelled);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (log.last, <, 1.0);
}

static void
assert_sweep_fails (const KsSpreadSweepOptions *options,
                    const gsl_matrix           *x,
                    const char                 *fragment)
{
  g_autoptr(GError) error = NULL;
  KsSpreadSweep *sweep = ks_spread_sweep_run (options, x, NULL, NULL, NULL, &error);

  g_assert_null (sweep);
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("expected an error about '%s', got: %s", fragment, error->message);
}

/* Requests a sweep cannot honour are refused with a message saying why: an infinite
 * width, a depth of 0, fewer than 3 networks, a block with a readout or without a finite
 * dense layer. */
static void
test_bad_requests (void)
{
  static const guint depths[] = { 1 };
  static const guint zero_depth[] = { 0 };
  static const guint widths[] = { 4 };
  static const guint infinite[] = { KS_WIDTH_INFINITE };
  g_autoptr(gsl_matrix) x = gaussian_inputs (4, 3, 1);
  g_autoptr(KsStack) readout = parse_stack ("dense:1,readout:1");
  g_autoptr(KsStack) all_infinite = parse_stack ("dense:inf,relu");
  KsSpreadSweepOptions options = {
    .depths = depths, .n_depths = 1, .widths = infinite, .n_widths = 1,
  };

  assert_sweep_fails (&options, x, "finite");
  options.widths = widths;
  options.depths = zero_depth;
  assert_sweep_fails (&options, x, "depth");
  options.depths = depths;
  options.n_samples = 2;
  assert_sweep_fails (&options, x, "at least 3");
  options.n_samples = 0;
  options.block = readout;
  assert_sweep_fails (&options, x, "readout");
  options.block = all_infinite;
  assert_sweep_fails (&options, x, "finite dense");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ks_core_init ();

  g_test_add_func ("/spread-sweep/summary-definition", test_summary_definition);
  g_test_add_func ("/spread-sweep/analytic-closed-form", test_analytic_closed_form);
  g_test_add_func ("/spread-sweep/monte-carlo", test_monte_carlo_within_errors);
  g_test_add_func ("/spread-sweep/nonlinear-block", test_nonlinear_block);
  g_test_add_func ("/spread-sweep/reproducible", test_reproducible);
  g_test_add_func ("/spread-sweep/progress-and-cancel", test_progress_and_cancel);
  g_test_add_func ("/spread-sweep/bad-requests", test_bad_requests);

  return g_test_run ();
}
