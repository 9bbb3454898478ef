/* test-evidence.c: the model evidence, exact and estimated, against closed forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "ks-error.h"
#include "ks-evidence.h"
#include "ks-linalg.h"
#include "ks-rng.h"
#include "ks-stack.h"

/* ---- Helpers ---- */

static KsStack *
parse_stack (const char *spec)
{
  g_autoptr(GError) error = NULL;
  KsStack *stack = ks_stack_parse (spec, &error);

  g_assert_no_error (error);
  return stack;
}

static gsl_matrix *
matrix_from (gsize         rows,
             gsize         columns,
             const double *values)
{
  gsl_matrix *m = gsl_matrix_alloc (rows, columns);

  memcpy (m->data, values, rows * columns * sizeof (double));
  return m;
}

/* Standard normal entries from the test's own generator (not the library's streams). */
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

static void
assert_relative (double value,
                 double expected,
                 double tolerance)
{
  if (!(fabs (value - expected) <= tolerance * fabs (expected)))
    g_error ("%.17g differs from %.17g by more than %g relative", value, expected, tolerance);
}

/* |a - b| <= 4 sqrt(se_a^2 + se_b^2): the Monte Carlo tolerance of the project. */
static void
assert_within_4_se (double      a,
                    double      se_a,
                    double      b,
                    double      se_b,
                    const char *what)
{
  double combined = sqrt (se_a * se_a + se_b * se_b);

  g_test_message ("%s: %.6f +- %.6f against %.6f +- %.6f", what, a, se_a, b, se_b);
  g_assert_true (isfinite (combined) && combined > 0.0);
  if (!(fabs (a - b) <= 4.0 * combined))
    g_error ("%s: %.6f and %.6f differ by more than 4 standard errors (%.6f)", what, a, b,
             combined);
}

static KsEvidenceEstimate
estimate_with (const KsStack           *stack,
               const gsl_matrix        *inputs,
               const gsl_matrix        *outputs,
               const KsEvidenceOptions *options)
{
  g_autoptr(GError) error = NULL;
  KsEvidenceEstimate estimate = { 0 };

  g_assert_true (ks_evidence_estimate (stack, inputs, outputs, options, NULL, NULL, NULL,
                                       &estimate, &error));
  g_assert_no_error (error);
  return estimate;
}

/* sum_lambda log N(y_lambda; 0, K) by an LU determinant and an explicit inverse, a route
 * independent of the library's Cholesky. */
static double
direct_log_likelihood (const gsl_matrix *kernel,
                       const gsl_matrix *outputs)
{
  gsize p = kernel->size1;
  g_autoptr(gsl_matrix) lu = gsl_matrix_alloc (p, p);
  g_autoptr(gsl_matrix) inverse = gsl_matrix_alloc (p, p);
  gsl_permutation *perm = gsl_permutation_alloc (p);
  double quad = 0.0, log_det;
  int sign;

  gsl_matrix_memcpy (lu, kernel);
  gsl_linalg_LU_decomp (lu, perm, &sign);
  log_det = gsl_linalg_LU_lndet (lu);
  g_assert_cmpint (gsl_linalg_LU_sgndet (lu, sign), ==, 1);
  gsl_linalg_LU_invert (lu, perm, inverse);
  gsl_permutation_free (perm);
  for (gsize c = 0; c < outputs->size2; c++)
    for (gsize i = 0; i < p; i++)
      for (gsize j = 0; j < p; j++)
        quad += gsl_matrix_get (outputs, i, c) * gsl_matrix_get (inverse, i, j)
                * gsl_matrix_get (outputs, j, c);
  return -0.5 * outputs->size2 * (log_det + p * log (2.0 * M_PI)) - 0.5 * quad;
}

/* MATHS 1, ReLU: the expectation for one entry of C. */
static double
relu_expectation (double c11,
                  double c22,
                  double c12)
{
  double norm = sqrt (c11 * c22);
  double theta = acos (CLAMP (c12 / norm, -1.0, 1.0));

  return norm / (2.0 * M_PI) * (sin (theta) + (M_PI - theta) * cos (theta));
}

/* ---- Infinite width ---- */

/* MATHS 4: at infinite width log P(Y) is the Gaussian log-likelihood under the NNGP output
 * kernel, here written out by hand for dense:inf:wv=2:bv=0.5, relu, dense:inf:wv=1.5 and a
 * readout with noise 0.3: K = 1.5 relu(2 K0 + 0.5) + 0.3 I, and evaluated through an LU
 * factorisation. Both routes are exact, so they agree to rounding (1e-10 relative). */
static void
test_exact_direct (void)
{
  g_autoptr(KsStack) stack = parse_stack ("dense:inf:wv=2:bv=0.5,relu,dense:inf:wv=1.5,"
                                          "readout:3:noise=0.3");
  g_autoptr(gsl_matrix) x = random_matrix (7, 3, 11);
  g_autoptr(gsl_matrix) y = random_matrix (7, 3, 12);
  g_autoptr(gsl_matrix) c = gsl_matrix_alloc (7, 7);
  g_autoptr(gsl_matrix) k = gsl_matrix_alloc (7, 7);
  g_autoptr(GError) error = NULL;
  KsEvidenceEstimate exact = { 0 }, estimated;
  KsEvidenceOptions options;

  for (gsize i = 0; i < 7; i++)
    for (gsize j = 0; j < 7; j++)
      {
        double k0 = 0.0;

        for (gsize f = 0; f < 3; f++)
          k0 += gsl_matrix_get (x, i, f) * gsl_matrix_get (x, j, f) / 3.0;
        gsl_matrix_set (c, i, j, 2.0 * k0 + 0.5);
      }
  for (gsize i = 0; i < 7; i++)
    for (gsize j = 0; j < 7; j++)
      gsl_matrix_set (k, i, j, 1.5 * relu_expectation (gsl_matrix_get (c, i, i),
                                                       gsl_matrix_get (c, j, j),
                                                       gsl_matrix_get (c, i, j))
                               + (i == j ? 0.3 : 0.0));

  g_assert_true (ks_evidence_exact (stack, x, y, &exact, NULL, &error));
  g_assert_no_error (error);
  assert_relative (exact.log_evidence, direct_log_likelihood (k, y), 1e-10);
  g_assert_cmpint (exact.estimator, ==, KS_EVIDENCE_EXACT);
  g_assert_cmpfloat (exact.standard_error, ==, 0.0);
  g_assert_cmpfloat (exact.max_jitter, ==, 0.0);

  /* The estimator entry point gives the exact value for an infinite stack, whatever the
   * options ask for. */
  ks_evidence_options_init (&options);
  options.estimator = KS_EVIDENCE_MONTE_CARLO;
  estimated = estimate_with (stack, x, y, &options);
  g_assert_cmpint (estimated.estimator, ==, KS_EVIDENCE_EXACT);
  g_assert_cmpfloat (estimated.log_evidence, ==, exact.log_evidence);
}

/* ---- A finite problem with a one-dimensional closed form ---- */

/* One input feature x (P points), one hidden layer of width N, N_out outputs: the hidden
 * Gram matrix is G = c x x^T with c = |z|^2 / N, z ~ N(0, I_N), so c N is chi-square with
 * N degrees of freedom and K_out = s2 I + c x x^T. Its log-likelihood has a closed form
 * (Sherman-Morrison), and the evidence E_c[exp(loglik(c))] is a one-dimensional integral. */
#define LINE_P 3
#define LINE_N 3
#define LINE_N_OUT 2
#define LINE_NOISE 0.5
#define LINE_STACK "dense:3,readout:2:noise=0.5"

static const double line_x[LINE_P] = { 1.2, -0.7, 0.4 };
static const double line_y[LINE_P * LINE_N_OUT] = { 1.5, 0.3, -0.8, 0.9, 0.2, -1.1 };

static double
line_log_likelihood (double c)
{
  double xx = 0.0, log_det, quad = 0.0;

  for (guint i = 0; i < LINE_P; i++)
    xx += line_x[i] * line_x[i];
  log_det = LINE_P * log (LINE_NOISE) + log1p (c * xx / LINE_NOISE);
  for (guint col = 0; col < LINE_N_OUT; col++)
    {
      double yy = 0.0, xy = 0.0;

      for (guint i = 0; i < LINE_P; i++)
        {
          yy += line_y[i * LINE_N_OUT + col] * line_y[i * LINE_N_OUT + col];
          xy += line_x[i] * line_y[i * LINE_N_OUT + col];
        }
      quad += (yy - c * xy * xy / (LINE_NOISE + c * xx)) / LINE_NOISE;
    }
  return -0.5 * LINE_N_OUT * (log_det + LINE_P * log (2.0 * M_PI)) - 0.5 * quad;
}

static double
line_integrand (double   u,
                void    *data)
{
  double shift = *(double *) data;

  return gsl_ran_chisq_pdf (u, LINE_N) * exp (line_log_likelihood (u / LINE_N) - shift);
}

/* log E_c[exp(loglik(c))] by adaptive quadrature to 1e-10 relative. */
static double
line_exact_log_evidence (void)
{
  gsl_integration_workspace *workspace = gsl_integration_workspace_alloc (1000);
  double shift = line_log_likelihood (1.0), value, abserr;
  gsl_function f = { line_integrand, &shift };

  g_assert_cmpint (gsl_integration_qagiu (&f, 0.0, 0.0, 1e-10, 1000, workspace, &value,
                                          &abserr), ==, 0);
  gsl_integration_workspace_free (workspace);
  return shift + log (value);
}

static void
line_data (gsl_matrix **x,
           gsl_matrix **y)
{
  *x = matrix_from (LINE_P, 1, line_x);
  *y = matrix_from (LINE_P, LINE_N_OUT, line_y);
}

/* Simple Monte Carlo over 20000 prior networks lies within 4 of its own standard errors
 * of the quadrature (whose error, 1e-10, is negligible). The standard error must be small
 * enough (< 0.02) for the check to mean something. */
static void
test_monte_carlo_closed_form (void)
{
  g_autoptr(KsStack) stack = parse_stack (LINE_STACK);
  g_autoptr(gsl_matrix) x = NULL;
  g_autoptr(gsl_matrix) y = NULL;
  KsEvidenceOptions options;
  KsEvidenceEstimate mc;
  double exact = line_exact_log_evidence ();

  line_data (&x, &y);
  ks_evidence_options_init (&options);
  options.estimator = KS_EVIDENCE_MONTE_CARLO;
  options.n_samples = 20000;
  options.seed = 3;
  mc = estimate_with (stack, x, y, &options);
  g_assert_cmpint (mc.estimator, ==, KS_EVIDENCE_MONTE_CARLO);
  g_assert_cmpuint (mc.n_samples, ==, 20000);
  g_assert_cmpfloat (mc.standard_error, <, 0.02);
  assert_within_4_se (mc.log_evidence, mc.standard_error, exact, 0.0, "mc against quadrature");
}

/* AIS (64 runs, 100 temperatures) on the same problem: within 4 standard errors of the
 * quadrature and of simple Monte Carlo. */
static void
test_ais_closed_form (void)
{
  g_autoptr(KsStack) stack = parse_stack (LINE_STACK);
  g_autoptr(gsl_matrix) x = NULL;
  g_autoptr(gsl_matrix) y = NULL;
  KsEvidenceOptions options;
  KsEvidenceEstimate ais, mc;
  double exact = line_exact_log_evidence ();

  line_data (&x, &y);
  ks_evidence_options_init (&options);
  g_assert_cmpint (ks_evidence_default_estimator (stack), ==, KS_EVIDENCE_AIS);
  options.n_runs = 64;
  options.n_temperatures = 100;
  options.seed = 4;
  ais = estimate_with (stack, x, y, &options);
  g_assert_cmpint (ais.estimator, ==, KS_EVIDENCE_AIS);
  g_assert_cmpuint (ais.n_samples, ==, 64);
  g_assert_cmpfloat (ais.acceptance, >, 0.3);
  g_assert_cmpfloat (ais.standard_error, <, 0.05);
  assert_within_4_se (ais.log_evidence, ais.standard_error, exact, 0.0,
                      "ais against quadrature");

  options.estimator = KS_EVIDENCE_MONTE_CARLO;
  options.n_samples = 20000;
  mc = estimate_with (stack, x, y, &options);
  assert_within_4_se (ais.log_evidence, ais.standard_error, mc.log_evidence,
                      mc.standard_error, "ais against mc");
}

/* A network with biases, a ReLU and two finite layers has no closed form, but simple Monte
 * Carlo over the sampler's Gram matrices and AIS over the weights estimate the same
 * evidence: they agree within 4 combined standard errors. */
static void
test_ais_agrees_with_monte_carlo (void)
{
  g_autoptr(KsStack) stack = parse_stack ("dense:3:wv=2:bv=0.1,relu,dense:4,"
                                          "readout:2:noise=0.3");
  g_autoptr(gsl_matrix) x = random_matrix (4, 2, 21);
  g_autoptr(gsl_matrix) y = random_matrix (4, 2, 22);
  KsEvidenceOptions options;
  KsEvidenceEstimate ais, mc;

  ks_evidence_options_init (&options);
  options.n_runs = 64;
  options.n_temperatures = 100;
  options.seed = 5;
  ais = estimate_with (stack, x, y, &options);
  g_assert_cmpint (ais.estimator, ==, KS_EVIDENCE_AIS);

  options.estimator = KS_EVIDENCE_MONTE_CARLO;
  options.n_samples = 20000;
  mc = estimate_with (stack, x, y, &options);
  g_assert_cmpint (mc.estimator, ==, KS_EVIDENCE_MONTE_CARLO);
  g_assert_cmpfloat (ais.standard_error, <, 0.05);
  g_assert_cmpfloat (mc.standard_error, <, 0.05);
  assert_within_4_se (ais.log_evidence, ais.standard_error, mc.log_evidence,
                      mc.standard_error, "relu network, ais against mc");
}

/* With one temperature (beta 0 -> 1 in one step) a run's log weight is the log-likelihood
 * of its prior draw: AIS is simple Monte Carlo over the weights. Rebuilt here from the
 * documented streams and the closed-form likelihood (c = |z|^2 / N for the N whitened
 * weights z of the line problem), it matches to rounding (1e-12 relative); and over 20000
 * runs it lies within 4 standard errors of the quadrature. */
static void
test_ais_one_temperature (void)
{
  g_autoptr(KsStack) stack = parse_stack (LINE_STACK);
  g_autoptr(gsl_matrix) x = NULL;
  g_autoptr(gsl_matrix) y = NULL;
  g_autofree double *log_likelihoods = g_new (double, 20000);
  KsEvidenceOptions options;
  KsEvidenceEstimate ais;
  double expected, expected_se;

  line_data (&x, &y);
  ks_evidence_options_init (&options);
  options.estimator = KS_EVIDENCE_AIS;
  options.n_temperatures = 1;
  options.n_runs = 20000;
  options.seed = 6;
  ais = estimate_with (stack, x, y, &options);

  for (guint r = 0; r < options.n_runs; r++)
    {
      g_autoptr(gsl_rng) rng = ks_rng_new_stream (options.seed, r, KS_EVIDENCE_AIS_STREAM);
      double z[LINE_N], squares = 0.0;

      ks_rng_fill_gaussian (rng, z, LINE_N);
      for (guint k = 0; k < LINE_N; k++)
        squares += z[k] * z[k];
      log_likelihoods[r] = line_log_likelihood (squares / LINE_N);
    }
  expected = ks_log_mean_exp (log_likelihoods, options.n_runs, &expected_se);
  assert_relative (ais.log_evidence, expected, 1e-12);
  assert_relative (ais.standard_error, expected_se, 1e-9);
  assert_within_4_se (ais.log_evidence, ais.standard_error, line_exact_log_evidence (), 0.0,
                      "one-temperature ais against quadrature");
}

/* ---- Against width ---- */

/* Teacher: a linear network 4 -> 2 -> 10 with standard normal weights in the NNGP
 * scaling (W1 sqrt(1/4), readout sqrt(1/2)) and noise 0.1 on P = 10 standard normal
 * inputs. Student: a "2-layer" linear network, meaning two weight layers: one hidden dense
 * layer of width N and the readout (integrated out) with the teacher's noise,
 * dense:N,readout:10:noise=0.1, so that the teacher is a draw from the student's prior at
 * N = 2. The outputs lie near a 2-dimensional subspace, which the infinite network (kernel
 * K0 + s2 I, every direction of the inputs alike) cannot express.
 * Checks (AIS, 16 runs x 200 temperatures; exact at infinite width):
 *  - the best finite width is small (<= 4), never the largest;
 *  - its evidence beats the infinite network's by more than 4 standard errors;
 *  - from width 16 on, |log P_N - log P_inf| shrinks at every step (each step by more than
 *    2 combined standard errors), and at N = 1024 it is below 2% of the peak's advantage. */
static void
test_curve_finite_beats_infinite (void)
{
  static const guint widths[] = { 1, 2, 3, 4, 8, 16, 64, 256, 1024, KS_WIDTH_INFINITE };
  guint n_widths = G_N_ELEMENTS (widths), best = 0, first_wide = 5;
  g_autoptr(KsStack) stack = parse_stack ("dense:1,readout:10:noise=0.1");
  g_autoptr(gsl_matrix) x = random_matrix (10, 4, 31);
  g_autoptr(gsl_matrix) w1 = random_matrix (4, 2, 32);
  g_autoptr(gsl_matrix) w2 = random_matrix (2, 10, 33);
  g_autoptr(gsl_matrix) noise = random_matrix (10, 10, 34);
  g_autoptr(gsl_matrix) y = gsl_matrix_calloc (10, 10);
  g_autoptr(GError) error = NULL;
  g_autofree KsEvidenceEstimate *curve = NULL;
  const KsEvidenceEstimate *infinite;
  KsEvidenceOptions options;
  double advantage;

  for (gsize i = 0; i < 10; i++)
    for (gsize o = 0; o < 10; o++)
      {
        double value = sqrt (0.1) * gsl_matrix_get (noise, i, o);

        for (gsize h = 0; h < 2; h++)
          {
            double hidden = 0.0;

            for (gsize f = 0; f < 4; f++)
              hidden += gsl_matrix_get (x, i, f) * gsl_matrix_get (w1, f, h) / sqrt (4.0);
            value += hidden * gsl_matrix_get (w2, h, o) / sqrt (2.0);
          }
        gsl_matrix_set (y, i, o, value);
      }

  ks_evidence_options_init (&options);
  options.n_runs = 16;
  options.n_temperatures = 200;
  options.seed = 7;
  curve = ks_evidence_curve (stack, x, y, widths, n_widths, &options, NULL, NULL, NULL,
                             &error);
  g_assert_no_error (error);
  infinite = &curve[n_widths - 1];

  g_test_message ("width,log_evidence,standard_error,estimator");
  for (guint i = 0; i < n_widths; i++)
    {
      g_assert_cmpuint (curve[i].width, ==, widths[i]);
      g_assert_cmpint (curve[i].estimator, ==,
                       i + 1 < n_widths ? KS_EVIDENCE_AIS : KS_EVIDENCE_EXACT);
      g_test_message ("%u,%.4f,%.4f,%s", widths[i], curve[i].log_evidence,
                      curve[i].standard_error,
                      ks_evidence_estimator_to_string (curve[i].estimator));
      if (i + 1 < n_widths && curve[i].log_evidence > curve[best].log_evidence)
        best = i;
    }
  g_assert_cmpuint (widths[best], <=, 4);
  advantage = curve[best].log_evidence - infinite->log_evidence;
  g_assert_cmpfloat (advantage, >, 4.0 * curve[best].standard_error);

  for (guint i = first_wide; i + 2 < n_widths; i++)
    {
      double gap = fabs (curve[i].log_evidence - infinite->log_evidence);
      double next_gap = fabs (curve[i + 1].log_evidence - infinite->log_evidence);
      double se = hypot (curve[i].standard_error, curve[i + 1].standard_error);

      g_assert_cmpfloat (gap - next_gap, >, 2.0 * se);
    }
  g_assert_cmpfloat (fabs (curve[n_widths - 2].log_evidence - infinite->log_evidence), <,
                     0.02 * advantage);
}

/* The same numbers bit for bit whatever the number of threads, for both estimators; a
 * different seed gives different numbers. */
static void
test_threads_and_seed (void)
{
  g_autoptr(KsStack) stack = parse_stack ("dense:5,relu,dense:3,readout:2:noise=0.2");
  g_autoptr(gsl_matrix) x = random_matrix (5, 3, 41);
  g_autoptr(gsl_matrix) y = random_matrix (5, 2, 42);
  static const KsEvidenceEstimator estimators[] = { KS_EVIDENCE_MONTE_CARLO, KS_EVIDENCE_AIS };

  for (guint e = 0; e < G_N_ELEMENTS (estimators); e++)
    {
      KsEvidenceOptions options;
      KsEvidenceEstimate one, two, other_seed;

      ks_evidence_options_init (&options);
      options.estimator = estimators[e];
      options.n_samples = 200;
      options.n_runs = 6;
      options.n_temperatures = 20;
      options.seed = 8;
      options.n_threads = 1;
      one = estimate_with (stack, x, y, &options);
      options.n_threads = 2;
      two = estimate_with (stack, x, y, &options);
      options.seed = 9;
      other_seed = estimate_with (stack, x, y, &options);

      g_assert_cmpint (one.estimator, ==, estimators[e]);
      g_assert_cmpfloat (one.log_evidence, ==, two.log_evidence);
      g_assert_cmpfloat (one.standard_error, ==, two.standard_error);
      g_assert_cmpfloat (one.log_evidence, !=, other_seed.log_evidence);
    }
}

/* ---- Cancellation, progress and errors ---- */

typedef struct
{
  GCancellable *cancellable;
  double        last;
  guint         calls;
  gboolean      cancel;
} ProgressLog;

static void
log_progress (double   fraction,
              gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpfloat (fraction, >=, log->last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  log->last = fraction;
  log->calls++;
  if (log->cancel && fraction > 0.1)
    g_cancellable_cancel (log->cancellable);
}

/* A cancellation from the progress callback ends both estimators, and the curve, with
 * G_IO_ERROR_CANCELLED before the work is done; without it the progress climbs to 1. */
static void
test_cancel_and_progress (void)
{
  static const guint widths[] = { 4, 64, KS_WIDTH_INFINITE };
  static const KsEvidenceEstimator estimators[] = { KS_EVIDENCE_MONTE_CARLO, KS_EVIDENCE_AIS };
  g_autoptr(KsStack) stack = parse_stack ("dense:1,relu,dense:1,readout:2:noise=0.2");
  g_autoptr(gsl_matrix) x = random_matrix (6, 3, 51);
  g_autoptr(gsl_matrix) y = random_matrix (6, 2, 52);

  for (guint e = 0; e < G_N_ELEMENTS (estimators); e++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GError) error = NULL;
      g_autofree KsEvidenceEstimate *curve = NULL;
      ProgressLog log = { cancellable, 0.0, 0, FALSE };
      KsEvidenceOptions options;

      ks_evidence_options_init (&options);
      options.estimator = estimators[e];
      options.n_samples = 400;
      options.n_runs = 4;
      options.n_temperatures = 40;
      curve = ks_evidence_curve (stack, x, y, widths, G_N_ELEMENTS (widths), &options,
                                 log_progress, &log, cancellable, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (log.last, ==, 1.0);
      g_assert_cmpuint (log.calls, >, 10);
      g_clear_pointer (&curve, g_free);

      log = (ProgressLog) { cancellable, 0.0, 0, TRUE };
      curve = ks_evidence_curve (stack, x, y, widths, G_N_ELEMENTS (widths), &options,
                                 log_progress, &log, cancellable, &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_null (curve);
      g_assert_cmpfloat (log.last, <, 0.5);
    }
}

/* Requests that cannot be answered are errors that say why, never numbers. */
static void
test_errors (void)
{
  g_autoptr(gsl_matrix) x = random_matrix (4, 2, 61);
  g_autoptr(gsl_matrix) y = random_matrix (4, 2, 62);
  g_autoptr(gsl_matrix) y_wide = random_matrix (4, 3, 63);
  g_autoptr(KsStack) no_readout = parse_stack ("dense:4,relu");
  g_autoptr(KsStack) finite = parse_stack ("dense:4,readout:2:noise=0.1");
  g_autoptr(KsStack) tanh_stack = parse_stack ("dense:4,tanh,readout:2:noise=0.1");
  g_autoptr(GError) error = NULL;
  KsEvidenceEstimate estimate;
  KsEvidenceOptions options;

  ks_evidence_options_init (&options);
  g_assert_false (ks_evidence_estimate (no_readout, x, y, &options, NULL, NULL, NULL,
                                        &estimate, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "readout"));
  g_clear_error (&error);

  g_assert_false (ks_evidence_estimate (finite, x, y_wide, &options, NULL, NULL, NULL,
                                        &estimate, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "2 output channels"));
  g_clear_error (&error);

  g_assert_false (ks_evidence_exact (finite, x, y, &estimate, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* tanh networks have no weight sampler: AIS refuses, and the default is Monte Carlo. */
  options.estimator = KS_EVIDENCE_AIS;
  g_assert_false (ks_evidence_estimate (tanh_stack, x, y, &options, NULL, NULL, NULL,
                                        &estimate, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_cmpint (ks_evidence_default_estimator (tanh_stack), ==, KS_EVIDENCE_MONTE_CARLO);

  options.estimator = KS_EVIDENCE_MONTE_CARLO;
  options.n_samples = 1;
  g_assert_false (ks_evidence_estimate (finite, x, y, &options, NULL, NULL, NULL, &estimate,
                                        &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
}

/* Every dense layer, finite or infinite, takes the curve's width; nothing else changes. */
static void
test_stack_at_width (void)
{
  g_autoptr(KsStack) template_stack = parse_stack ("dense:inf:wv=2,relu,dense:16:bv=0.1,"
                                                   "readout:3:noise=0.2");
  g_autoptr(KsStack) expected = parse_stack ("dense:8:wv=2,relu,dense:8:bv=0.1,"
                                             "readout:3:noise=0.2");
  g_autoptr(KsStack) expected_infinite = parse_stack ("dense:inf:wv=2,relu,dense:inf:bv=0.1,"
                                                      "readout:3:noise=0.2");
  g_autoptr(KsStack) no_dense = parse_stack ("relu,readout:3");
  g_autoptr(KsStack) at_8 = NULL;
  g_autoptr(KsStack) at_infinity = NULL;
  g_autoptr(KsStack) refused = NULL;
  g_autoptr(GError) error = NULL;

  at_8 = ks_evidence_stack_at_width (template_stack, 8, &error);
  g_assert_no_error (error);
  g_assert_true (ks_stack_equal (at_8, expected));
  at_infinity = ks_evidence_stack_at_width (template_stack, KS_WIDTH_INFINITE, &error);
  g_assert_no_error (error);
  g_assert_true (ks_stack_equal (at_infinity, expected_infinite));

  refused = ks_evidence_stack_at_width (template_stack, KS_WIDTH_MAX + 1, &error);
  g_assert_error (error, KS_ERROR, KS_ERROR_TOO_LARGE);
  g_assert_null (refused);
  g_clear_error (&error);
  refused = ks_evidence_stack_at_width (no_dense, 8, &error);
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_null (refused);
}

/* log-mean-exp far below exp's range equals log((1 + e^-1 + e^-2) / 3) - 1000, and the
 * delta-method standard error s_w / (sqrt(n) mean w) computed from the weights by hand; the
 * names of the estimators read back. */
static void
test_log_mean_exp_and_names (void)
{
  const double values[] = { -1000.0, -1001.0, -1002.0 };
  const double all_zero[] = { -INFINITY, -INFINITY };
  double w[] = { 1.0, exp (-1.0), exp (-2.0) };
  double mean = (w[0] + w[1] + w[2]) / 3.0, squares = 0.0, se;
  KsEvidenceEstimator estimator;

  for (guint i = 0; i < 3; i++)
    squares += (w[i] - mean) * (w[i] - mean);
  assert_relative (ks_log_mean_exp (values, 3, &se), -1000.0 + log (mean), 1e-15);
  assert_relative (se, sqrt (squares / 2.0 / 3.0) / mean, 1e-14);
  g_assert_cmpfloat (ks_log_mean_exp (all_zero, 2, &se), ==, -INFINITY);
  ks_log_mean_exp (values, 1, &se);
  g_assert_cmpfloat (se, ==, INFINITY);

  for (guint e = KS_EVIDENCE_AUTO; e <= KS_EVIDENCE_AIS; e++)
    {
      g_assert_true (ks_evidence_estimator_from_string (ks_evidence_estimator_to_string (e),
                                                        &estimator));
      g_assert_cmpint (estimator, ==, e);
    }
  g_assert_cmpstr (ks_evidence_estimator_to_string (KS_EVIDENCE_MONTE_CARLO), ==, "mc");
  g_assert_false (ks_evidence_estimator_from_string ("nested", &estimator));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evidence/exact/direct", test_exact_direct);
  g_test_add_func ("/evidence/mc/closed-form", test_monte_carlo_closed_form);
  g_test_add_func ("/evidence/ais/closed-form", test_ais_closed_form);
  g_test_add_func ("/evidence/ais/agrees-with-mc", test_ais_agrees_with_monte_carlo);
  g_test_add_func ("/evidence/ais/one-temperature", test_ais_one_temperature);
  g_test_add_func ("/evidence/curve/finite-beats-infinite", test_curve_finite_beats_infinite);
  g_test_add_func ("/evidence/threads-and-seed", test_threads_and_seed);
  g_test_add_func ("/evidence/cancel-and-progress", test_cancel_and_progress);
  g_test_add_func ("/evidence/errors", test_errors);
  g_test_add_func ("/evidence/stack-at-width", test_stack_at_width);
  g_test_add_func ("/evidence/log-mean-exp-and-names", test_log_mean_exp_and_names);

  return g_test_run ();
}
