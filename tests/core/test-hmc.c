/* test-hmc.c: the exact finite-width posterior by Hamiltonian Monte Carlo: the network's log
 * density and its backward pass, the prior laws with no outputs, the approach to the deep
 * kernel machine as widths grow, and the sampler's promises (reproducibility, refusals,
 * cancellation, rejections of non-finite energies)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_erf.h>

#include "ks-activation.h"
#include "ks-error.h"
#include "ks-ess.h"
#include "ks-hmc.h"
#include "ks-linalg.h"
#include "ks-network.h"
#include "ks-rng.h"
#include "ks-sampler.h"
#include "ks-stack.h"

static gsl_matrix *
gaussian_matrix (gsize   rows,
                 gsize   cols,
                 guint64 seed)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (seed, 7, 7);
  gsl_matrix *m = gsl_matrix_alloc (rows, cols);

  ks_rng_fill_gaussian (rng, m->data, rows * cols);
  return m;
}

static KsStack *
parse_stack (const char *spec)
{
  g_autoptr(GError) error = NULL;
  KsStack *stack = ks_stack_parse (spec, &error);

  g_assert_no_error (error);
  return stack;
}

/* ---- A reference forward pass, written from the layout documented in ks-network.h ---- */

typedef struct
{
  double      log_likelihood;
  double      min_abs_pre_activation;  /* over every dense layer, for the kinks of ReLU */
  gsl_matrix *grams[16];
  guint       n_layers;
} Reference;

static void
reference_clear (Reference *ref)
{
  for (guint l = 0; l < ref->n_layers; l++)
    g_clear_pointer (&ref->grams[l], gsl_matrix_free);
}

static gsl_matrix *
reference_gram (const gsl_matrix *h)
{
  gsl_matrix *g = gsl_matrix_calloc (h->size1, h->size1);

  for (gsize i = 0; i < h->size1; i++)
    for (gsize j = 0; j < h->size1; j++)
      {
        double sum = 0.0;

        for (gsize k = 0; k < h->size2; k++)
          sum += gsl_matrix_get (h, i, k) * gsl_matrix_get (h, j, k);
        gsl_matrix_set (g, i, j, sum / h->size2);
      }
  return g;
}

/* sum over columns of log N(y; 0, K), by an LU decomposition (not the library's Cholesky). */
static double
reference_gaussian_log_likelihood (const gsl_matrix *k,
                                   const gsl_matrix *y)
{
  gsize p = k->size1;
  g_autoptr(gsl_matrix) lu = gsl_matrix_alloc (p, p);
  gsl_permutation *perm = gsl_permutation_alloc (p);
  gsl_vector *x = gsl_vector_alloc (p);
  double total = 0.0, log_det;
  int sign;

  gsl_matrix_memcpy (lu, k);
  gsl_linalg_LU_decomp (lu, perm, &sign);
  log_det = gsl_linalg_LU_lndet (lu);
  for (gsize c = 0; c < y->size2; c++)
    {
      gsl_vector_const_view column = gsl_matrix_const_column (y, c);
      double quad;

      gsl_linalg_LU_solve (lu, perm, &column.vector, x);
      gsl_blas_ddot (&column.vector, x, &quad);
      total += -0.5 * log_det - 0.5 * quad - 0.5 * p * log (2.0 * M_PI);
    }
  gsl_permutation_free (perm);
  gsl_vector_free (x);
  return total;
}

static gsl_matrix *
reference_dense (const KsLayer    *layer,
                 const gsl_matrix *h,
                 const double    **theta,
                 double           *min_abs)
{
  gsize p = h->size1, m = h->size2, n = layer->width;
  gsl_matrix *f = gsl_matrix_calloc (p, n);
  const double *z = *theta, *beta = z + m * n;

  for (gsize i = 0; i < p; i++)
    for (gsize j = 0; j < n; j++)
      {
        double sum = 0.0;

        for (gsize k = 0; k < m; k++)
          sum += gsl_matrix_get (h, i, k) * z[k * n + j];
        sum *= sqrt (layer->weight_var / m);
        if (layer->bias_var > 0.0)
          sum += sqrt (layer->bias_var) * beta[j];
        gsl_matrix_set (f, i, j, sum);
        *min_abs = MIN (*min_abs, fabs (sum));
      }
  *theta = z + m * n + (layer->bias_var > 0.0 ? n : 0);
  return f;
}

static double
reference_phi (KsLayerKind kind,
               double      x)
{
  switch (kind)
    {
    case KS_LAYER_RELU:
      return x > 0.0 ? x : 0.0;
    case KS_LAYER_ERF:
      return gsl_sf_erf (x);
    case KS_LAYER_IDENTITY:
    default:
      return x;
    }
}

static void
reference_forward (const KsStack    *stack,
                   const gsl_matrix *x,
                   const gsl_matrix *y,
                   const double     *theta,
                   Reference        *ref)
{
  g_autoptr(gsl_matrix) h = gsl_matrix_alloc (x->size1, x->size2);

  gsl_matrix_memcpy (h, x);
  ref->n_layers = ks_stack_get_n_layers (stack);
  ref->min_abs_pre_activation = INFINITY;
  ref->log_likelihood = 0.0;
  for (guint l = 0; l < ref->n_layers; l++)
    {
      const KsLayer *layer = ks_stack_get_layer (stack, l);

      if (layer->kind == KS_LAYER_DENSE)
        {
          gsl_matrix *f = reference_dense (layer, h, &theta, &ref->min_abs_pre_activation);

          gsl_matrix_free (h);
          h = f;
        }
      else if (layer->kind == KS_LAYER_READOUT)
        {
          ref->grams[l] = reference_gram (h);
          for (gsize i = 0; i < h->size1; i++)
            *gsl_matrix_ptr (ref->grams[l], i, i) += layer->noise_var;
          if (y != NULL)
            ref->log_likelihood = reference_gaussian_log_likelihood (ref->grams[l], y);
          continue;
        }
      else
        for (gsize k = 0; k < h->size1 * h->size2; k++)
          h->data[k] = reference_phi (layer->kind, h->data[k]);
      ref->grams[l] = reference_gram (h);
    }
}

/* ---- The log density and its gradient ---- */

static double
squared_norm (const double *v,
              gsize         n)
{
  double sum = 0.0;

  for (gsize k = 0; k < n; k++)
    sum += v[k] * v[k];
  return sum;
}

/* The likelihood part of the log density (the prior part, -|theta|^2 / 2, is removed so that
 * the check is not dominated by it). */
static double
likelihood_part (KsNetwork    *network,
                 const double *theta)
{
  g_autoptr(GError) error = NULL;
  double value;

  g_assert_true (ks_network_log_density (network, theta, &value, NULL, &error));
  g_assert_no_error (error);
  return value + 0.5 * squared_norm (theta, ks_network_get_n_params (network));
}

/* Law: the backward pass is the derivative of the forward pass, and the forward pass is the
 * documented model. The log density must equal an independent loop-and-LU implementation to
 * 1e-10 relative (round-off of O(P^3) operations), every layer's Gram matrix likewise, and
 * the analytic gradient of the likelihood must equal a central difference to 1e-6 relative:
 * with step h = 1e-5 the difference's truncation error is O(h^2 f''') ~ 1e-10 and its
 * round-off O(1e-16 |f| / h) ~ 1e-10, so 1e-6 leaves room while catching any wrong term.
 * ReLU points are checked to lie 1e-3 away from any kink, far beyond the step's reach. */
static void
check_gradient (const char *spec,
                guint64     seed)
{
  g_autoptr(KsStack) stack = parse_stack (spec);
  const KsLayer *readout = ks_stack_get_readout (stack);
  g_autoptr(gsl_matrix) x = gaussian_matrix (5, 3, seed);
  g_autoptr(gsl_matrix) y = gaussian_matrix (5, readout->width, seed + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsNetwork) network = ks_network_new (stack, x, y, &error);
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (seed, 1, 1);
  g_autofree double *theta = NULL, *gradient = NULL, *shifted = NULL;
  gsl_matrix *grams[16];
  Reference ref = { 0 };
  double value, h = 1e-5, diff2 = 0.0, norm2 = 0.0, worst = 0.0;
  gsize n;

  g_assert_no_error (error);
  n = ks_network_get_n_params (network);
  theta = g_new (double, n);
  gradient = g_new (double, n);
  shifted = g_new (double, n);
  ks_rng_fill_gaussian (rng, theta, n);

  reference_forward (stack, x, y, theta, &ref);
  g_assert_cmpfloat (ref.min_abs_pre_activation, >, 1e-3);
  g_assert_true (ks_network_log_density (network, theta, &value, gradient, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (value - (ref.log_likelihood - 0.5 * squared_norm (theta, n))), <=,
                     1e-10 * fabs (value));
  for (guint l = 0; l < ref.n_layers; l++)
    grams[l] = gsl_matrix_alloc (5, 5);
  g_assert_true (ks_network_layer_grams (network, theta, grams, &error));
  g_assert_no_error (error);
  for (guint l = 0; l < ref.n_layers; l++)
    {
      g_assert_cmpfloat (ks_matrix_relative_difference (grams[l], ref.grams[l]), <=, 1e-10);
      gsl_matrix_free (grams[l]);
    }

  for (gsize k = 0; k < n; k++)
    {
      double plus, minus, numeric, analytic = gradient[k] + theta[k];

      memcpy (shifted, theta, n * sizeof (double));
      shifted[k] = theta[k] + h;
      plus = likelihood_part (network, shifted);
      shifted[k] = theta[k] - h;
      minus = likelihood_part (network, shifted);
      numeric = (plus - minus) / (2.0 * h);
      diff2 += (numeric - analytic) * (numeric - analytic);
      norm2 += analytic * analytic;
      worst = MAX (worst, fabs (numeric - analytic) / MAX (fabs (analytic), 1e-2));
    }
  g_test_message ("%s: %zu weights, relative gradient error %.2e (worst entry %.2e)", spec, n,
                  sqrt (diff2 / norm2), worst);
  g_assert_cmpfloat (sqrt (diff2 / norm2), <=, 1e-6);
  g_assert_cmpfloat (worst, <=, 1e-6);
  reference_clear (&ref);
}

static void
test_gradient_identity (void)
{
  check_gradient ("dense:6:wv=1.5:bv=0.3,dense:4:wv=2:bv=0.1,identity,readout:3:noise=0.2", 11);
}

static void
test_gradient_relu (void)
{
  check_gradient ("dense:6:wv=1.5:bv=0.3,relu,dense:4:wv=2:bv=0.1,relu,readout:3:noise=0.2", 12);
}

/* Also an erf applied to the inputs, below every dense layer (no weights of its own). */
static void
test_gradient_erf (void)
{
  check_gradient ("erf,dense:6:wv=1.5:bv=0.3,erf,dense:4:wv=2:bv=0.1,erf,readout:3:noise=0.2",
                  13);
}

/* ---- The prior: Wishart laws ---- */

/* Every draw of every layer's Gram matrix, in order. */
typedef struct
{
  guint   n_layers;
  gsize   n_points;
  GArray *draws;   /* doubles: draw after draw, layer after layer, P x P each */
  guint   n_draws;
} Collector;

static void
collect_draw (guint              chain,
              guint              draw,
              gsl_matrix * const *grams,
              guint              n_layers,
              gpointer           user_data)
{
  Collector *collector = user_data;

  g_assert_cmpuint (draw, ==, collector->n_draws);
  for (guint l = 0; l < n_layers; l++)
    g_array_append_vals (collector->draws, grams[l]->data, grams[l]->size1 * grams[l]->size2);
  collector->n_draws++;
}

static double
collected_entry (const Collector *collector,
                 guint            draw,
                 guint            layer,
                 gsize            i,
                 gsize            j)
{
  gsize p = collector->n_points;
  gsize index = ((gsize) draw * collector->n_layers + layer) * p * p + i * p + j;

  return g_array_index (collector->draws, double, index);
}

/* Mean of a series and its standard error sd / sqrt(ESS). */
static void
series_mean_and_error (const double *series,
                       gsize         n,
                       double       *mean,
                       double       *error)
{
  double sum = 0.0, squares = 0.0;

  for (gsize t = 0; t < n; t++)
    sum += series[t];
  *mean = sum / n;
  for (gsize t = 0; t < n; t++)
    squares += (series[t] - *mean) * (series[t] - *mean);
  *error = sqrt (squares / (n - 1) / ks_effective_sample_size (series, 1, n));
}

/* sw2 K0 + sb2 1 1^T with K0 = X X^T / D, written out. */
static gsl_matrix *
dense_covariance (const gsl_matrix *x,
                  double            weight_var,
                  double            bias_var)
{
  gsl_matrix *c = reference_gram (x);

  for (gsize k = 0; k < c->size1 * c->size2; k++)
    c->data[k] = weight_var * c->data[k] + bias_var;
  return c;
}

/* Law: with no outputs the target is the prior, so a dense layer's Gram matrix is Wishart,
 * G ~ W(C / N, N) with C = sw2 K0 + sb2 1 1^T: mean C and Var(G_ij) = (C_ij^2 + C_ii C_jj) / N
 * (MATHS section 2); the ReLU layer above it has mean E[relu(u) relu(v)] under N(0, C), the
 * closed form of MATHS section 1, exactly at any width; the readout adds s2 I. Each mean is
 * checked within 4 of the sampler's own standard errors (batch means, which account for the
 * autocorrelation), each variance within 4 standard errors of the sample variance, computed
 * from the squared deviations with their effective sample size. */
static void
test_prior_wishart (void)
{
  const guint width = 8, n_draws = 12000;
  g_autoptr(KsStack) stack = parse_stack ("dense:8:wv=1.5:bv=0.2,relu,readout:2:noise=0.3");
  g_autoptr(gsl_matrix) x = gaussian_matrix (4, 3, 21);
  g_autoptr(gsl_matrix) c = dense_covariance (x, 1.5, 0.2);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsHmcResult) result = NULL;
  g_autofree double *deviations = g_new (double, n_draws);
  Collector collector = { 3, 4, g_array_new (FALSE, FALSE, sizeof (double)), 0 };
  KsHmcOptions options;
  double worst_mean = 0.0, worst_var = 0.0;

  ks_hmc_options_init (&options);
  options.n_warmup = 300;
  options.n_draws = n_draws;
  options.seed = 5;
  options.visit = collect_draw;
  options.visit_data = &collector;
  result = ks_hmc_sample (stack, x, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (collector.n_draws, ==, n_draws);

  for (gsize i = 0; i < 4; i++)
    for (gsize j = 0; j < 4; j++)
      {
        double cij = gsl_matrix_get (c, i, j), cii = gsl_matrix_get (c, i, i);
        double cjj = gsl_matrix_get (c, j, j);
        double relu = ks_activation_kernel_entry (KS_LAYER_RELU, cii, cjj, cij);
        double expected_var = (cij * cij + cii * cjj) / width;
        double mean = gsl_matrix_get (ks_hmc_result_get_mean (result, 0), i, j);
        double se = gsl_matrix_get (ks_hmc_result_get_standard_error (result, 0), i, j);
        double relu_mean = gsl_matrix_get (ks_hmc_result_get_mean (result, 1), i, j);
        double relu_se = gsl_matrix_get (ks_hmc_result_get_standard_error (result, 1), i, j);
        double readout_mean = gsl_matrix_get (ks_hmc_result_get_mean (result, 2), i, j);
        double var, var_se;

        g_assert_cmpfloat (fabs (mean - cij), <=, 4.0 * se);
        g_assert_cmpfloat (fabs (relu_mean - relu), <=, 4.0 * relu_se);
        g_assert_cmpfloat_with_epsilon (readout_mean, relu_mean + (i == j ? 0.3 : 0.0), 1e-12);
        for (guint t = 0; t < n_draws; t++)
          {
            double d = collected_entry (&collector, t, 0, i, j) - mean;

            deviations[t] = d * d * n_draws / (n_draws - 1.0);
          }
        series_mean_and_error (deviations, n_draws, &var, &var_se);
        g_assert_cmpfloat (fabs (var - expected_var), <=, 4.0 * var_se);
        worst_mean = MAX (worst_mean, fabs (mean - cij) / se);
        worst_var = MAX (worst_var, fabs (var - expected_var) / var_se);
      }
  g_test_message ("worst deviations: mean %.2f SE, variance %.2f SE; acceptance %.3f, step %.3f,"
                  " trace ESS %.0f of %u, log density ESS %.0f", worst_mean, worst_var,
                  ks_hmc_result_get_acceptance_rate (result),
                  ks_hmc_result_get_step_size (result, 0), ks_hmc_result_get_ess (result, 0, 0),
                  n_draws, ks_hmc_result_get_log_density_ess (result));
  g_array_unref (collector.draws);
}

/* ---- The posterior of a small nonlinear network, by importance sampling ---- */

/* Self-normalised importance sums over prior draws, weighted by the likelihood of y. */
typedef struct
{
  const gsl_matrix *y;
  guint             n_layers;
  double            max_log_weight;  /* the first draw's, a fixed shift against overflow */
  double            weight_sum;
  double            weight_square_sum;
  double            sums[3][9];      /* sum_s w_s G_s per layer and entry (P = 3) */
  GArray           *weights;
  GArray           *draws;           /* every draw's Gram entries, 3 layers x 9 */
} ImportanceSums;

static void
importance_visit (guint              sample,
                  gsl_matrix * const *grams,
                  guint              n_layers,
                  const KsSamples   *partial,
                  gpointer           user_data)
{
  ImportanceSums *sums = user_data;
  double log_weight = reference_gaussian_log_likelihood (grams[n_layers - 1], sums->y);
  double weight;

  if (sample == 0)
    sums->max_log_weight = log_weight;
  weight = exp (log_weight - sums->max_log_weight);
  sums->weight_sum += weight;
  sums->weight_square_sum += weight * weight;
  g_array_append_val (sums->weights, weight);
  for (guint l = 0; l < n_layers; l++)
    {
      for (gsize k = 0; k < 9; k++)
        sums->sums[l][k] += weight * grams[l]->data[k];
      g_array_append_vals (sums->draws, grams[l]->data, 9);
    }
}

/* Law (Bayes): the posterior mean of any layer's Gram matrix is E_prior[G L] / E_prior[L]
 * with L the likelihood of the outputs, which independent prior draws (the prior sampler)
 * estimate by self-normalised importance sampling. The sampler's posterior means must agree
 * with it within 4 combined standard errors: the sampler's batch-means error and the
 * importance estimate's delta-method error sqrt(sum w^2 (G - mean)^2) / sum w. The network
 * is small and the noise large so that the importance weights stay tame (the test reports
 * their effective sample size). */
static void
test_posterior_importance (void)
{
  const guint n_prior = 200000;
  g_autoptr(KsStack) stack = parse_stack ("dense:3:wv=1.5:bv=0.2,relu,readout:2:noise=0.5");
  g_autoptr(gsl_matrix) x = gaussian_matrix (3, 2, 95);
  g_autoptr(gsl_matrix) y = gaussian_matrix (3, 2, 96);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSamples) prior = NULL;
  g_autoptr(KsHmcResult) result = NULL;
  ImportanceSums sums = { y, 3, 0.0, 0.0, 0.0, { { 0 } },
                          g_array_new (FALSE, FALSE, sizeof (double)),
                          g_array_new (FALSE, FALSE, sizeof (double)) };
  KsSamplerOptions prior_options = { n_prior, 17, 1, importance_visit, &sums };
  KsHmcOptions options;
  double worst = 0.0;

  prior = ks_sample_prior (stack, x, &prior_options, NULL, &error);
  g_assert_no_error (error);
  ks_hmc_options_init (&options);
  options.n_warmup = 300;
  options.n_draws = 20000;
  options.seed = 18;
  result = ks_hmc_sample (stack, x, y, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint l = 0; l < 3; l++)
    for (gsize k = 0; k < 9; k++)
      {
        double estimate = sums.sums[l][k] / sums.weight_sum, spread = 0.0, se_is, z;
        double mean = ks_hmc_result_get_mean (result, l)->data[k];
        double se = ks_hmc_result_get_standard_error (result, l)->data[k];

        for (guint s = 0; s < n_prior; s++)
          {
            double w = g_array_index (sums.weights, double, s);
            double d = g_array_index (sums.draws, double, (gsize) s * 27 + l * 9 + k) - estimate;

            spread += w * w * d * d;
          }
        se_is = sqrt (spread) / sums.weight_sum;
        z = fabs (mean - estimate) / hypot (se, se_is);
        worst = MAX (worst, z);
        g_assert_cmpfloat (z, <=, 4.0);
      }
  g_test_message ("worst deviation %.2f SE; importance ESS %.0f of %u; acceptance %.3f",
                  worst, sums.weight_sum * sums.weight_sum / sums.weight_square_sum, n_prior,
                  ks_hmc_result_get_acceptance_rate (result));
  g_array_unref (sums.weights);
  g_array_unref (sums.draws);
}

/* ---- The posterior approaches the deep kernel machine ---- */

/* V diag(lambda^power) V^T of a symmetric positive definite a. */
static gsl_matrix *
symmetric_power (const gsl_matrix *a,
                 double            power)
{
  gsize p = a->size1;
  g_autoptr(gsl_matrix) work = gsl_matrix_alloc (p, p);
  g_autoptr(gsl_matrix) vectors = gsl_matrix_alloc (p, p);
  gsl_vector *values = gsl_vector_alloc (p);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc (p);
  gsl_matrix *result = gsl_matrix_calloc (p, p);

  gsl_matrix_memcpy (work, a);
  gsl_eigen_symmv (work, values, vectors, ws);
  for (gsize i = 0; i < p; i++)
    for (gsize j = 0; j < p; j++)
      {
        double sum = 0.0;

        for (gsize k = 0; k < p; k++)
          sum += gsl_matrix_get (vectors, i, k) * pow (gsl_vector_get (values, k), power)
                 * gsl_matrix_get (vectors, j, k);
        gsl_matrix_set (result, i, j, sum);
      }
  gsl_eigen_symmv_free (ws);
  gsl_vector_free (values);
  return result;
}

static gsl_matrix *
product3 (const gsl_matrix *a,
          const gsl_matrix *b,
          const gsl_matrix *c)
{
  g_autoptr(gsl_matrix) ab = gsl_matrix_alloc (a->size1, b->size2);
  gsl_matrix *abc = gsl_matrix_alloc (a->size1, c->size2);

  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, a, b, 0.0, ab);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, ab, c, 0.0, abc);
  return abc;
}

/* The deep kernel machine of a deep linear network with equal widths and no noise (MATHS
 * section 3): G_l = K0^{1/2} (K0^{-1/2} Yhat K0^{-1/2})^{l / (L + 1)} K0^{1/2}. */
static gsl_matrix *
dkm_deep_linear (const gsl_matrix *k0,
                 const gsl_matrix *yhat,
                 guint             layer,
                 guint             n_layers)
{
  g_autoptr(gsl_matrix) root = symmetric_power (k0, 0.5);
  g_autoptr(gsl_matrix) inverse_root = symmetric_power (k0, -0.5);
  g_autoptr(gsl_matrix) whitened = product3 (inverse_root, yhat, inverse_root);
  g_autoptr(gsl_matrix) powered = symmetric_power (whitened, (double) layer / (n_layers + 1));

  return product3 (root, powered, root);
}

/* Y (P x n_out) with Y Y^T / n_out = yhat exactly, for n_out a multiple of P: the columns of
 * sqrt(P) chol(yhat), repeated. */
static gsl_matrix *
outputs_with_yhat (const gsl_matrix *yhat,
                   guint             n_out)
{
  gsize p = yhat->size1;
  g_autoptr(gsl_matrix) chol = gsl_matrix_alloc (p, p);
  gsl_matrix *y = gsl_matrix_alloc (p, n_out);

  g_assert_cmpuint (n_out % p, ==, 0);
  gsl_matrix_memcpy (chol, yhat);
  g_assert_cmpint (gsl_linalg_cholesky_decomp1 (chol), ==, GSL_SUCCESS);
  for (gsize i = 0; i < p; i++)
    for (guint c = 0; c < n_out; c++)
      gsl_matrix_set (y, i, c, (c % p <= i) ? sqrt ((double) p) * gsl_matrix_get (chol, i, c % p)
                                             : 0.0);
  return y;
}

typedef struct
{
  double error;     /* relative Frobenius distance of the posterior means to the DKM */
  double error_se;  /* its Monte Carlo standard error */
} DkmDistance;

/* Posterior of dense:N, dense:N, readout:N (noise 0) against the DKM solution, over both
 * hidden layers at once. The standard error of the distance e = |M - G*| / |G*| is that of
 * its linearisation <u, M> / |G*| (u the unit direction of M - G*), from the series of
 * <u, G_t> over the draws and its effective sample size. */
static DkmDistance
dkm_distance (guint             width,
              const gsl_matrix *x,
              const gsl_matrix *yhat,
              gsl_matrix *const dkm[2])
{
  g_autofree char *spec = g_strdup_printf ("dense:%u,dense:%u,readout:%u", width, width, width);
  g_autoptr(KsStack) stack = parse_stack (spec);
  g_autoptr(gsl_matrix) y = outputs_with_yhat (yhat, width);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsHmcResult) result = NULL;
  Collector collector = { 3, 4, g_array_new (FALSE, FALSE, sizeof (double)), 0 };
  KsHmcOptions options;
  double diff2 = 0.0, norm2 = 0.0, projection_mean, projection_se;
  g_autofree double *projection = NULL;
  DkmDistance distance;

  ks_hmc_options_init (&options);
  options.n_warmup = 500;
  options.n_draws = 6000;
  options.seed = 100 + width;
  options.visit = collect_draw;
  options.visit_data = &collector;
  result = ks_hmc_sample (stack, x, y, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint l = 0; l < 2; l++)
    for (gsize k = 0; k < 16; k++)
      {
        double d = ks_hmc_result_get_mean (result, l)->data[k] - dkm[l]->data[k];

        diff2 += d * d;
        norm2 += dkm[l]->data[k] * dkm[l]->data[k];
      }
  projection = g_new0 (double, options.n_draws);
  for (guint t = 0; t < options.n_draws; t++)
    for (guint l = 0; l < 2; l++)
      for (gsize k = 0; k < 16; k++)
        {
          double u = (ks_hmc_result_get_mean (result, l)->data[k] - dkm[l]->data[k]) / sqrt (diff2);

          projection[t] += u * collected_entry (&collector, t, l, k / 4, k % 4);
        }
  series_mean_and_error (projection, options.n_draws, &projection_mean, &projection_se);
  distance.error = sqrt (diff2 / norm2);
  distance.error_se = projection_se / sqrt (norm2);
  g_test_message ("width %u: distance to the DKM %.4f +- %.4f; acceptance %.3f, step %.3f, "
                  "min ESS %.0f of %u, divergent %u", width, distance.error, distance.error_se,
                  ks_hmc_result_get_acceptance_rate (result),
                  ks_hmc_result_get_step_size (result, 0), ks_hmc_result_get_min_ess (result),
                  options.n_draws, ks_hmc_result_get_n_divergent (result));
  g_array_unref (collector.draws);
  return distance;
}

/* Law (MATHS section 3): as every width grows together (N_out = N), the posterior over the
 * Gram matrices concentrates on the deep kernel machine's maximiser, so the distance of the
 * posterior mean to the closed-form DKM solution must fall from width to width, each step
 * by more than 4 combined Monte Carlo standard errors. */
static void
test_posterior_dkm_limit (void)
{
  static const guint widths[] = { 4, 8, 16, 32 };
  g_autoptr(gsl_matrix) x = gaussian_matrix (4, 8, 31);
  g_autoptr(gsl_matrix) a = gaussian_matrix (4, 8, 32);
  g_autoptr(gsl_matrix) k0 = reference_gram (x);
  g_autoptr(gsl_matrix) yhat = reference_gram (a);
  g_autoptr(gsl_matrix) g1 = dkm_deep_linear (k0, yhat, 1, 2);
  g_autoptr(gsl_matrix) g2 = dkm_deep_linear (k0, yhat, 2, 2);
  gsl_matrix *dkm[2] = { g1, g2 };
  DkmDistance previous = { 0 };

  for (gsize w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      DkmDistance distance = dkm_distance (widths[w], x, yhat, dkm);

      if (w > 0)
        g_assert_cmpfloat (previous.error - distance.error, >,
                           4.0 * hypot (previous.error_se, distance.error_se));
      previous = distance;
    }
}

/* ---- The sampler's promises ---- */

static KsHmcResult *
run_small (const char *spec,
           guint64     seed,
           guint       n_chains,
           guint       n_threads)
{
  g_autoptr(KsStack) stack = parse_stack (spec);
  g_autoptr(gsl_matrix) x = gaussian_matrix (5, 3, 41);
  g_autoptr(gsl_matrix) y = gaussian_matrix (5, 2, 42);
  g_autoptr(GError) error = NULL;
  KsHmcOptions options;
  KsHmcResult *result;

  ks_hmc_options_init (&options);
  options.n_warmup = 100;
  options.n_draws = 200;
  options.seed = seed;
  options.n_chains = n_chains;
  options.n_threads = n_threads;
  result = ks_hmc_sample (stack, x, y, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return result;
}

static gboolean
results_identical (const KsHmcResult *a,
                   const KsHmcResult *b)
{
  gboolean same = ks_hmc_result_get_n_layers (a) == ks_hmc_result_get_n_layers (b)
                  && ks_hmc_result_get_acceptance_rate (a) == ks_hmc_result_get_acceptance_rate (b)
                  && ks_hmc_result_get_n_leapfrog (a) == ks_hmc_result_get_n_leapfrog (b)
                  && ks_hmc_result_get_min_ess (a) == ks_hmc_result_get_min_ess (b);

  for (guint c = 0; same && c < ks_hmc_result_get_n_chains (a); c++)
    same = ks_hmc_result_get_step_size (a, c) == ks_hmc_result_get_step_size (b, c);
  for (guint l = 0; same && l < ks_hmc_result_get_n_layers (a); l++)
    {
      const gsl_matrix *ma = ks_hmc_result_get_mean (a, l), *mb = ks_hmc_result_get_mean (b, l);
      const gsl_matrix *sa = ks_hmc_result_get_standard_error (a, l);
      const gsl_matrix *sb = ks_hmc_result_get_standard_error (b, l);
      gsize bytes = ma->size1 * ma->size2 * sizeof (double);

      same = memcmp (ma->data, mb->data, bytes) == 0 && memcmp (sa->data, sb->data, bytes) == 0;
    }
  return same;
}

/* Law (MATHS section 7): every draw comes from a stream keyed by (seed, chain), so the same
 * seed gives the same result bit for bit, another seed another result, and the thread count
 * only changes which thread runs which chain. */
static void
test_reproducibility (void)
{
  const char *spec = "dense:6:bv=0.1,relu,dense:5,erf,readout:2:noise=0.1";
  g_autoptr(KsHmcResult) first = run_small (spec, 3, 3, 1);
  g_autoptr(KsHmcResult) again = run_small (spec, 3, 3, 1);
  g_autoptr(KsHmcResult) threaded = run_small (spec, 3, 3, 3);
  g_autoptr(KsHmcResult) other = run_small (spec, 4, 3, 1);

  g_assert_true (results_identical (first, again));
  g_assert_true (results_identical (first, threaded));
  g_assert_false (results_identical (first, other));
  g_assert_cmpuint (ks_hmc_result_get_n_chains (first), ==, 3);
  g_assert_cmpuint (ks_hmc_result_get_n_draws (first), ==, 200);
  g_assert_cmpuint (ks_hmc_result_get_n_warmup (first), ==, 100);
}

static void
expect_refusal (const char       *spec,
                const gsl_matrix *y,
                KsHmcOptions     *options,
                gint              code,
                const char       *fragment)
{
  g_autoptr(KsStack) stack = parse_stack (spec);
  g_autoptr(gsl_matrix) x = gaussian_matrix (5, 3, 51);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsHmcResult) result = NULL;
  KsHmcOptions defaults;

  if (options == NULL)
    {
      ks_hmc_options_init (&defaults);
      options = &defaults;
    }
  result = ks_hmc_sample (stack, x, y, options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, KS_ERROR, code);
  g_test_message ("%s: %s", spec, error->message);
  g_assert_nonnull (strstr (error->message, fragment));
}

/* The exact sampler applies to all-finite stacks of identity, ReLU and erf; anything else is
 * refused with a message naming the layer or the value, never sampled wrongly. */
static void
test_refusals (void)
{
  g_autoptr(gsl_matrix) y2 = gaussian_matrix (5, 2, 52);
  g_autoptr(gsl_matrix) y3 = gaussian_matrix (5, 3, 53);
  KsHmcOptions options;

  expect_refusal ("dense:4,relu,dense:inf,relu,readout:2", NULL, NULL, KS_ERROR_UNSUPPORTED,
                  "layer 3 (dense");
  expect_refusal ("dense:4,tanh,readout:2", NULL, NULL, KS_ERROR_UNSUPPORTED, "layer 2 (tanh)");
  expect_refusal ("dense:4,gelu,readout:2", NULL, NULL, KS_ERROR_UNSUPPORTED, "gelu");
  expect_refusal ("dense:inf,relu,readout:2", NULL, NULL, KS_ERROR_UNSUPPORTED,
                  "no finite dense layer");
  expect_refusal ("dense:4,relu,readout:2", y3, NULL, KS_ERROR_INVALID, "2 output channels");
  expect_refusal ("dense:4,relu", y2, NULL, KS_ERROR_INVALID, "no readout");
  expect_refusal ("dense:4,relu,readout:2", y2, NULL, KS_ERROR_UNSUPPORTED, "add readout noise");

  ks_hmc_options_init (&options);
  options.n_draws = 0;
  expect_refusal ("dense:4,relu,readout:2", NULL, &options, KS_ERROR_INVALID, "draws");
  ks_hmc_options_init (&options);
  options.target_acceptance = 1.0;
  expect_refusal ("dense:4,relu,readout:2", NULL, &options, KS_ERROR_INVALID, "acceptance");
}

/* Non-finite inputs are an error naming the matrix and the entry. */
static void
test_non_finite_inputs (void)
{
  g_autoptr(KsStack) stack = parse_stack ("dense:4,relu,readout:1");
  g_autoptr(gsl_matrix) x = gaussian_matrix (5, 3, 61);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsHmcResult) result = NULL;
  KsHmcOptions options;

  ks_hmc_options_init (&options);
  gsl_matrix_set (x, 2, 1, NAN);
  result = ks_hmc_sample (stack, x, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
  g_assert_nonnull (strstr (error->message, "input"));
}

/* A step so large that every proposal overflows: every energy is infinite, so every
 * proposal must be rejected and counted as divergent, and the chain stays at its start
 * (every draw the same: zero spread), with no crash and no NaN in the result. */
static void
test_non_finite_energy_rejected (void)
{
  g_autoptr(KsStack) stack = parse_stack ("dense:4:bv=0.1,relu,readout:2:noise=0.1");
  g_autoptr(gsl_matrix) x = gaussian_matrix (5, 3, 71);
  g_autoptr(gsl_matrix) y = gaussian_matrix (5, 2, 72);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsHmcResult) result = NULL;
  KsHmcOptions options;

  ks_hmc_options_init (&options);
  options.n_warmup = 0;
  options.n_draws = 10;
  options.initial_step = 1e200;
  options.trajectory_length = 1e200;
  result = ks_hmc_sample (stack, x, y, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ks_hmc_result_get_acceptance_rate (result), ==, 0.0);
  g_assert_cmpuint (ks_hmc_result_get_n_divergent (result), ==, 10);
  for (guint l = 0; l < 3; l++)
    {
      g_assert_true (ks_matrix_check_finite (ks_hmc_result_get_mean (result, l), "mean", NULL));
      g_assert_cmpfloat (gsl_matrix_max (ks_hmc_result_get_std (result, l)), ==, 0.0);
    }
}

typedef struct
{
  guint  calls;
  guint  last_done;
  guint  total;
  double last_acceptance;
} ProgressLog;

static void
log_progress (guint    done,
              guint    total,
              double   acceptance,
              gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpuint (done, ==, log->last_done + 1);
  g_assert_cmpfloat (acceptance, >=, 0.0);
  g_assert_cmpfloat (acceptance, <=, 1.0);
  log->calls++;
  log->last_done = done;
  log->total = total;
  log->last_acceptance = acceptance;
}

/* Progress comes once per iteration of every chain, counting up to the total. */
static void
test_progress (void)
{
  g_autoptr(KsStack) stack = parse_stack ("dense:5,relu,readout:2:noise=0.1");
  g_autoptr(gsl_matrix) x = gaussian_matrix (5, 3, 81);
  g_autoptr(gsl_matrix) y = gaussian_matrix (5, 2, 82);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsHmcResult) result = NULL;
  ProgressLog log = { 0 };
  KsHmcOptions options;

  ks_hmc_options_init (&options);
  options.n_warmup = 30;
  options.n_draws = 50;
  options.n_chains = 2;
  options.n_threads = 2;
  result = ks_hmc_sample (stack, x, y, &options, log_progress, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log.calls, ==, 160);
  g_assert_cmpuint (log.total, ==, 160);
  g_assert_cmpuint (log.last_done, ==, 160);
}

typedef struct
{
  GCancellable *cancellable;
  gint64        cancelled_at;
} Canceller;

static gpointer
cancel_soon (gpointer data)
{
  Canceller *canceller = data;

  g_usleep (100 * 1000);
  canceller->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (canceller->cancellable);
  return NULL;
}

/* The spec asks for a stop within 100 ms of the cancel; 50 ms more allow for scheduling on a
 * loaded machine. A cancellable cancelled before the start stops the run at once. */
static void
test_cancellation (void)
{
  g_autoptr(KsStack) stack = parse_stack ("dense:64,relu,dense:64,relu,readout:4:noise=0.1");
  g_autoptr(gsl_matrix) x = gaussian_matrix (60, 10, 91);
  g_autoptr(gsl_matrix) y = gaussian_matrix (60, 4, 92);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsHmcResult) result = NULL;
  Canceller canceller = { cancellable, 0 };
  KsHmcOptions options;
  GThread *thread;
  double delay_ms;

  ks_hmc_options_init (&options);
  options.n_warmup = 100000;
  options.n_chains = 2;
  options.n_threads = 2;
  thread = g_thread_new ("canceller", cancel_soon, &canceller);
  result = ks_hmc_sample (stack, x, y, &options, NULL, NULL, cancellable, &error);
  delay_ms = (g_get_monotonic_time () - canceller.cancelled_at) / 1000.0;
  g_thread_join (thread);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("returned %.1f ms after the cancel", delay_ms);
  g_assert_cmpfloat (delay_ms, <, 150.0);

  g_clear_error (&error);
  result = ks_hmc_sample (stack, x, y, &options, NULL, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- Effective sample size ---- */

/* Law: an AR(1) series x_t = phi x_{t-1} + e_t has integrated autocorrelation time
 * (1 + phi) / (1 - phi), so ESS = n (1 - phi) / (1 + phi); independent draws have ESS = n.
 * The estimate's relative spread at n = 10^5 is about 2%, so 10% is a safe tolerance.
 * Two chains started apart (a different mean per chain) must lose ESS: the pooled variance
 * sees the disagreement. */
static void
test_ess (void)
{
  const gsize n = 100000;
  const double phi = 0.6;
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (1, 2, 3);
  g_autofree double *ar = g_new (double, n), *iid = g_new (double, n);
  g_autofree double *apart = g_new (double, 2 * 1000);
  double expected = n * (1.0 - phi) / (1.0 + phi), previous = 0.0;

  ks_rng_fill_gaussian (rng, iid, n);
  for (gsize t = 0; t < n; t++)
    ar[t] = previous = phi * previous + sqrt (1.0 - phi * phi) * iid[t];
  g_assert_cmpfloat (fabs (ks_effective_sample_size (ar, 1, n) / expected - 1.0), <, 0.1);
  g_assert_cmpfloat (fabs (ks_effective_sample_size (iid, 1, n) / n - 1.0), <, 0.1);
  g_assert_cmpfloat (fabs (ks_effective_sample_size (ar, 2, n / 2) / expected - 1.0), <, 0.1);

  for (gsize t = 0; t < 2000; t++)
    apart[t] = iid[t] + (t < 1000 ? 0.0 : 3.0);
  g_assert_cmpfloat (ks_effective_sample_size (apart, 2, 1000), <, 100.0);
  /* Constant draws carry no autocorrelation to estimate: their ESS is their count. */
  memset (apart, 0, 2000 * sizeof (double));
  g_assert_cmpfloat (ks_effective_sample_size (apart, 2, 1000), ==, 2000.0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hmc/gradient/identity", test_gradient_identity);
  g_test_add_func ("/hmc/gradient/relu", test_gradient_relu);
  g_test_add_func ("/hmc/gradient/erf", test_gradient_erf);
  g_test_add_func ("/hmc/ess", test_ess);
  g_test_add_func ("/hmc/prior/wishart", test_prior_wishart);
  g_test_add_func ("/hmc/posterior/importance", test_posterior_importance);
  g_test_add_func ("/hmc/posterior/dkm-limit", test_posterior_dkm_limit);
  g_test_add_func ("/hmc/reproducibility", test_reproducibility);
  g_test_add_func ("/hmc/refusals", test_refusals);
  g_test_add_func ("/hmc/non-finite-inputs", test_non_finite_inputs);
  g_test_add_func ("/hmc/non-finite-energy", test_non_finite_energy_rejected);
  g_test_add_func ("/hmc/progress", test_progress);
  g_test_add_func ("/hmc/cancellation", test_cancellation);

  return g_test_run ();
}
