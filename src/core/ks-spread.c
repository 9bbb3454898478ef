/* ks-spread.c: the prior spread of representations (variance of kernel entries)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-spread.h"

#include <math.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-sampler.h"

/* Written as x0 plus deviations from it: (x0 + y0)/3 + (2 x0 - y0)/3 = x0, so the
 * covariance is a sum of terms in prod(...) - 1, which stays accurate for wide layers and
 * is exactly 0 when every layer is infinite. */
double
ks_spread_linear_covariance (double       k0_ij,
                             double       k0_kl,
                             double       k0_ik,
                             double       k0_jl,
                             double       k0_il,
                             double       k0_jk,
                             const guint *widths,
                             guint        n_widths)
{
  double x0 = k0_ij * k0_kl;
  double y0 = k0_ik * k0_jl + k0_il * k0_jk;
  double log_grow = 0.0, log_shrink = 0.0;

  for (guint l = 0; l < n_widths; l++)
    {
      if (widths[l] == KS_WIDTH_INFINITE)
        continue;
      log_grow += log1p (2.0 / widths[l]);
      log_shrink += log1p (-1.0 / widths[l]);
    }
  return (x0 + y0) / 3.0 * expm1 (log_grow) + (2.0 * x0 - y0) / 3.0 * expm1 (log_shrink);
}

/* The last layer before any readout: the readout adds a constant and no variance. */
static guint
top_layer_count (const KsStack *stack)
{
  guint n_layers = ks_stack_get_n_layers (stack);

  return ks_stack_get_readout (stack) != NULL ? n_layers - 1 : n_layers;
}

static gboolean
check_deep_linear (const KsStack *stack,
                   GError       **error)
{
  if (ks_stack_is_deep_linear (stack))
    return TRUE;
  for (guint i = 0; i < ks_stack_get_n_layers (stack); i++)
    {
      const KsLayer *layer = ks_stack_get_layer (stack, i);
      g_autofree char *name = ks_layer_describe (layer);

      if ((layer->kind == KS_LAYER_DENSE && layer->bias_var != 0.0)
          || (ks_layer_kind_is_nonlinearity (layer->kind) && layer->kind != KS_LAYER_IDENTITY))
        {
          g_set_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
                       "the closed form of the prior spread needs a deep linear stack "
                       "(identity nonlinearities, no biases), but layer %u (%s) %s: "
                       "use the Monte Carlo estimate instead",
                       i + 1, name,
                       layer->kind == KS_LAYER_DENSE ? "has a bias" : "is nonlinear");
          return FALSE;
        }
    }
  g_set_error_literal (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
                       "the closed form of the prior spread needs a deep linear stack "
                       "(identity nonlinearities, no biases)");
  return FALSE;
}

gboolean
ks_spread_analytic_variance (const KsStack    *stack,
                             const gsl_matrix *k0,
                             gsl_matrix       *variance,
                             GError          **error)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (guint));
  guint top = top_layer_count (stack);
  double weight_scale = 1.0;

  g_return_val_if_fail (stack != NULL && k0 != NULL && variance != NULL, FALSE);

  if (k0->size1 != k0->size2 || variance->size1 != k0->size1 || variance->size2 != k0->size1)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the input kernel must be square and match the variance matrix, got "
                   "%zu x %zu and %zu x %zu",
                   k0->size1, k0->size2, variance->size1, variance->size2);
      return FALSE;
    }
  if (!check_deep_linear (stack, error) || !ks_matrix_check_finite (k0, "the input kernel", error))
    return FALSE;

  for (guint i = 0; i < top; i++)
    {
      const KsLayer *layer = ks_stack_get_layer (stack, i);

      if (layer->kind != KS_LAYER_DENSE)
        continue;
      g_array_append_val (widths, layer->width);
      weight_scale *= layer->weight_var;
    }

  /* Var(K_ij) is Cov(K_ij, K_kl) at k = i, l = j; weight variances scale K_top linearly. */
  for (gsize i = 0; i < k0->size1; i++)
    for (gsize j = 0; j < k0->size1; j++)
      {
        double k_ij = gsl_matrix_get (k0, i, j);
        double k_ii = gsl_matrix_get (k0, i, i);
        double k_jj = gsl_matrix_get (k0, j, j);
        double k_ji = gsl_matrix_get (k0, j, i);
        double cov = ks_spread_linear_covariance (k_ij, k_ij, k_ii, k_jj, k_ij, k_ji,
                                                  (const guint *) widths->data, widths->len);

        gsl_matrix_set (variance, i, j, weight_scale * weight_scale * cov);
      }
  return ks_matrix_check_finite (variance, "the prior variance of the top kernel", error);
}

/* Per-entry sums of the first four central moments, updated one sample at a time in sample
 * order (the higher-moment form of Welford's update), so the result is deterministic. */
typedef struct
{
  guint       top;
  guint       n;
  gsl_matrix *mean;
  gsl_matrix *m2;
  gsl_matrix *m3;
  gsl_matrix *m4;
} MomentSums;

static void
moment_sums_add (MomentSums       *sums,
                 const gsl_matrix *x)
{
  double n = (double) ++sums->n;
  gsize count = x->size1 * x->size2;

  for (gsize k = 0; k < count; k++)
    {
      double delta = x->data[k] - sums->mean->data[k];
      double delta_n = delta / n;
      double delta_n2 = delta_n * delta_n;
      double term = delta * delta_n * (n - 1.0);
      double m2 = sums->m2->data[k], m3 = sums->m3->data[k];

      sums->mean->data[k] += delta_n;
      sums->m4->data[k] += term * delta_n2 * (n * n - 3.0 * n + 3.0)
                           + 6.0 * delta_n2 * m2 - 4.0 * delta_n * m3;
      sums->m3->data[k] += term * delta_n * (n - 2.0) - 3.0 * delta_n * m2;
      sums->m2->data[k] += term;
    }
}

static void
moment_sums_visit (guint              sample,
                   gsl_matrix * const *grams,
                   guint              n_layers,
                   const KsSamples   *partial,
                   gpointer           user_data)
{
  MomentSums *sums = user_data;

  moment_sums_add (sums, grams[sums->top]);
}

/* Unbiased variance s^2 = M2 / (n - 1) and its standard error
 * sqrt((m4 - s^4 (n - 3) / (n - 1)) / n), with m4 = M4 / n the fourth central moment. */
static KsSpreadEstimate *
moment_sums_estimate (MomentSums *sums)
{
  KsSpreadEstimate *self = g_new0 (KsSpreadEstimate, 1);
  gsize p = sums->mean->size1;
  double n = sums->n;

  self->n_samples = sums->n;
  self->mean = g_steal_pointer (&sums->mean);
  self->variance = gsl_matrix_alloc (p, p);
  self->variance_se = gsl_matrix_alloc (p, p);
  for (gsize k = 0; k < p * p; k++)
    {
      double s2 = sums->m2->data[k] / (n - 1.0);
      double m4 = sums->m4->data[k] / n;
      double se2 = (m4 - s2 * s2 * (n - 3.0) / (n - 1.0)) / n;

      self->variance->data[k] = s2;
      self->variance_se->data[k] = sqrt (MAX (se2, 0.0));
    }
  return self;
}

static void
moment_sums_clear (MomentSums *sums)
{
  g_clear_pointer (&sums->mean, gsl_matrix_free);
  g_clear_pointer (&sums->m2, gsl_matrix_free);
  g_clear_pointer (&sums->m3, gsl_matrix_free);
  g_clear_pointer (&sums->m4, gsl_matrix_free);
}

KsSpreadEstimate *
ks_spread_monte_carlo (const KsStack    *stack,
                       const gsl_matrix *inputs,
                       guint             n_samples,
                       guint64           seed,
                       guint             n_threads,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr(KsSamples) samples = NULL;
  MomentSums sums = { 0 };
  KsSpreadEstimate *estimate;
  KsSamplerOptions options = {
    .n_samples = n_samples,
    .seed = seed,
    .n_threads = n_threads,
    .visit = moment_sums_visit,
    .visit_data = &sums,
  };
  gsize p;

  g_return_val_if_fail (stack != NULL && inputs != NULL, NULL);

  if (n_samples < 2)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "a variance needs at least 2 samples, got %u", n_samples);
      return NULL;
    }
  if (top_layer_count (stack) == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the stack has no layer before the readout");
      return NULL;
    }

  p = inputs->size1;
  if (p == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID, "the inputs have no points");
      return NULL;
    }
  sums.top = top_layer_count (stack) - 1;
  sums.mean = gsl_matrix_calloc (p, p);
  sums.m2 = gsl_matrix_calloc (p, p);
  sums.m3 = gsl_matrix_calloc (p, p);
  sums.m4 = gsl_matrix_calloc (p, p);
  if (sums.mean == NULL || sums.m2 == NULL || sums.m3 == NULL || sums.m4 == NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "the moments of %zu x %zu kernel entries do not fit in memory", p, p);
      moment_sums_clear (&sums);
      return NULL;
    }
  samples = ks_sample_prior (stack, inputs, &options, cancellable, error);
  if (samples == NULL)
    {
      moment_sums_clear (&sums);
      return NULL;
    }
  estimate = moment_sums_estimate (&sums);
  moment_sums_clear (&sums);
  return estimate;
}

void
ks_spread_estimate_free (KsSpreadEstimate *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->mean, gsl_matrix_free);
  g_clear_pointer (&self->variance, gsl_matrix_free);
  g_clear_pointer (&self->variance_se, gsl_matrix_free);
  g_free (self);
}
