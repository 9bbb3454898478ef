/* ks-evidence.c: the model evidence log P(Y) of a stack, exact or estimated, against width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-evidence.h"

#include <math.h>
#include <string.h>

#include "ks-error.h"
#include "ks-evidence-private.h"
#include "ks-gaussian.h"
#include "ks-linalg.h"
#include "ks-nngp.h"

static const char * const estimator_names[] = {
  [KS_EVIDENCE_AUTO] = "auto",
  [KS_EVIDENCE_EXACT] = "exact",
  [KS_EVIDENCE_MONTE_CARLO] = "mc",
  [KS_EVIDENCE_AIS] = "ais",
};

void
ks_evidence_options_init (KsEvidenceOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (KsEvidenceOptions) {
    .estimator = KS_EVIDENCE_AUTO,
    .n_samples = 2000,
    .n_runs = 16,
    .n_temperatures = 400,
    .n_leapfrog = 10,
    .seed = 0,
    .n_threads = 0,
  };
}

const char *
ks_evidence_estimator_to_string (KsEvidenceEstimator estimator)
{
  g_return_val_if_fail ((guint) estimator < G_N_ELEMENTS (estimator_names), NULL);
  return estimator_names[estimator];
}

gboolean
ks_evidence_estimator_from_string (const char          *name,
                                   KsEvidenceEstimator *estimator)
{
  g_return_val_if_fail (estimator != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (estimator_names); i++)
    if (g_strcmp0 (name, estimator_names[i]) == 0)
      {
        *estimator = (KsEvidenceEstimator) i;
        return TRUE;
      }
  return FALSE;
}

/* The layers whose network ks-network.h can sample. */
static gboolean
stack_has_weights_everywhere (const KsStack *stack)
{
  for (guint i = 0; i < ks_stack_get_n_layers (stack); i++)
    {
      const KsLayer *layer = ks_stack_get_layer (stack, i);

      switch (layer->kind)
        {
        case KS_LAYER_DENSE:
          if (layer->width == KS_WIDTH_INFINITE)
            return FALSE;
          break;
        case KS_LAYER_IDENTITY:
        case KS_LAYER_RELU:
        case KS_LAYER_ERF:
        case KS_LAYER_READOUT:
          break;
        case KS_LAYER_TANH:
        case KS_LAYER_GELU:
        default:
          return FALSE;
        }
    }
  return TRUE;
}

/* AIS wherever the weights can be sampled: simple Monte Carlo needs the prior itself to
 * land where the likelihood is, which fails as soon as the outputs pin the kernel down. */
KsEvidenceEstimator
ks_evidence_default_estimator (const KsStack *stack)
{
  g_return_val_if_fail (stack != NULL, KS_EVIDENCE_EXACT);

  if (!ks_stack_has_finite_layer (stack))
    return KS_EVIDENCE_EXACT;
  return stack_has_weights_everywhere (stack) ? KS_EVIDENCE_AIS : KS_EVIDENCE_MONTE_CARLO;
}

double
ks_log_mean_exp (const double *values,
                 gsize         n,
                 double       *standard_error)
{
  double largest = -INFINITY, mean = 0.0, squares = 0.0;

  if (standard_error != NULL)
    *standard_error = INFINITY;
  for (gsize i = 0; i < n; i++)
    largest = MAX (largest, values[i]);
  if (n == 0 || !isfinite (largest))
    return n == 0 ? NAN : largest;

  /* Relative to the largest weight, every w_i lies in [0, 1] and one of them is 1, so
   * neither the mean nor its deviations can overflow or vanish. */
  for (gsize i = 0; i < n; i++)
    mean += exp (values[i] - largest);
  mean /= n;
  for (gsize i = 0; i < n; i++)
    {
      double deviation = exp (values[i] - largest) - mean;

      squares += deviation * deviation;
    }
  if (standard_error != NULL && n >= 2)
    *standard_error = sqrt (squares / (n - 1) / n) / mean;
  return largest + log (mean);
}

/* ---- Checks ---- */

static gboolean
check_data (const KsStack    *stack,
            const gsl_matrix *inputs,
            const gsl_matrix *outputs,
            GError          **error)
{
  const KsLayer *readout = ks_stack_get_readout (stack);

  if (readout == NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the evidence needs a stack that ends in a readout (e.g. "
                           "readout:N_OUT:noise=0.1) to explain the outputs");
      return FALSE;
    }
  if (inputs->size1 == 0 || inputs->size2 == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the evidence needs at least one data point with one feature");
      return FALSE;
    }
  if (outputs->size1 != inputs->size1 || outputs->size2 != readout->width)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the outputs are %zu x %zu, but there are %zu data points and the readout "
                   "has %u output channels", outputs->size1, outputs->size2, inputs->size1,
                   readout->width);
      return FALSE;
    }
  return ks_matrix_check_finite (inputs, "the input matrix", error)
         && ks_matrix_check_finite (outputs, "the output matrix", error);
}

static gboolean
check_options (const KsEvidenceOptions *options,
               KsEvidenceEstimator      estimator,
               GError                 **error)
{
  if (estimator == KS_EVIDENCE_MONTE_CARLO && options->n_samples < 2)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the Monte Carlo evidence needs at least 2 samples for its standard error, "
                   "got %u", options->n_samples);
      return FALSE;
    }
  if (estimator == KS_EVIDENCE_AIS
      && (options->n_runs < 2 || options->n_temperatures < 1 || options->n_leapfrog < 1))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "annealed importance sampling needs at least 2 runs, 1 temperature and 1 "
                   "leapfrog step, got %u, %u and %u", options->n_runs,
                   options->n_temperatures, options->n_leapfrog);
      return FALSE;
    }
  return TRUE;
}

/* ---- Exact evidence ---- */

static void
matrix_array_free (gsl_matrix **array,
                   guint        n)
{
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&array[i], gsl_matrix_free);
  g_free (array);
}

static gboolean
exact_log_evidence (const KsStack    *stack,
                    const gsl_matrix *inputs,
                    const gsl_matrix *outputs,
                    double           *log_evidence,
                    double           *jitter,
                    GCancellable     *cancellable,
                    GError          **error)
{
  guint n_layers = ks_stack_get_n_layers (stack);
  gsl_matrix **nngp = g_new0 (gsl_matrix *, n_layers);
  g_autoptr(gsl_matrix) k0 = gsl_matrix_alloc (inputs->size1, inputs->size1);
  gboolean ok;

  ks_gram (inputs, 1.0 / inputs->size2, k0);
  ok = ks_nngp_propagate (stack, k0, nngp, NULL, cancellable, error)
       && ks_gaussian_log_likelihood (nngp[n_layers - 1], outputs,
                                      "the output kernel of the infinite network",
                                      log_evidence, jitter, cancellable, error);
  matrix_array_free (nngp, n_layers);
  return ok;
}

gboolean
ks_evidence_exact (const KsStack      *stack,
                   const gsl_matrix   *inputs,
                   const gsl_matrix   *outputs,
                   KsEvidenceEstimate *estimate,
                   GCancellable       *cancellable,
                   GError            **error)
{
  KsEvidenceEstimate result = {
    .estimator = KS_EVIDENCE_EXACT,
    .width = KS_WIDTH_INFINITE,
    .acceptance = NAN,
  };

  g_return_val_if_fail (stack != NULL && inputs != NULL && outputs != NULL, FALSE);
  g_return_val_if_fail (estimate != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ks_core_init ();
  if (!check_data (stack, inputs, outputs, error))
    return FALSE;
  if (ks_stack_has_finite_layer (stack))
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
                           "the evidence is exact only when every dense layer is infinitely "
                           "wide: estimate it (mc or ais) for finite layers");
      return FALSE;
    }
  if (!exact_log_evidence (stack, inputs, outputs, &result.log_evidence, &result.max_jitter,
                           cancellable, error))
    return FALSE;
  *estimate = result;
  return TRUE;
}

/* ---- Estimates ---- */

gboolean
ks_evidence_estimate (const KsStack           *stack,
                      const gsl_matrix        *inputs,
                      const gsl_matrix        *outputs,
                      const KsEvidenceOptions *options,
                      KsEvidenceProgressFunc   progress,
                      gpointer                 progress_data,
                      GCancellable            *cancellable,
                      KsEvidenceEstimate      *estimate,
                      GError                 **error)
{
  KsEvidenceEstimator estimator;

  g_return_val_if_fail (stack != NULL && inputs != NULL && outputs != NULL, FALSE);
  g_return_val_if_fail (options != NULL && estimate != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ks_core_init ();
  if (!ks_stack_has_finite_layer (stack))
    return ks_evidence_exact (stack, inputs, outputs, estimate, cancellable, error);

  estimator = options->estimator;
  if (estimator == KS_EVIDENCE_AUTO)
    estimator = ks_evidence_default_estimator (stack);
  if (!check_data (stack, inputs, outputs, error) || !check_options (options, estimator, error))
    return FALSE;
  switch (estimator)
    {
    case KS_EVIDENCE_MONTE_CARLO:
      return ks_evidence_monte_carlo (stack, inputs, outputs, options, progress, progress_data,
                                      cancellable, estimate, error);
    case KS_EVIDENCE_AIS:
      return ks_evidence_annealed (stack, inputs, outputs, options, progress, progress_data,
                                   cancellable, estimate, error);
    case KS_EVIDENCE_EXACT:
      g_set_error_literal (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
                           "the evidence is exact only when every dense layer is infinitely "
                           "wide: estimate it (mc or ais) for finite layers");
      return FALSE;
    case KS_EVIDENCE_AUTO:
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* ---- Against width ---- */

KsStack *
ks_evidence_stack_at_width (const KsStack *template_stack,
                            guint          width,
                            GError       **error)
{
  g_autoptr(KsStack) stack = NULL;
  gboolean has_dense = FALSE;

  g_return_val_if_fail (template_stack != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width > KS_WIDTH_MAX)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "a width of %u is more than the %u a layer may have", width, KS_WIDTH_MAX);
      return NULL;
    }
  stack = ks_stack_copy (template_stack);
  for (guint i = 0; i < ks_stack_get_n_layers (stack); i++)
    {
      KsLayer layer = *ks_stack_get_layer (stack, i);

      if (layer.kind != KS_LAYER_DENSE)
        continue;
      has_dense = TRUE;
      layer.width = width;
      if (!ks_stack_replace (stack, i, &layer, error))
        return NULL;
    }
  if (!has_dense)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the stack has no dense layer whose width could vary");
      return NULL;
    }
  return g_steal_pointer (&stack);
}

/* Turns the fraction of one width's estimate into that of the whole curve. */
typedef struct
{
  KsEvidenceProgressFunc progress;
  gpointer               progress_data;
  guint                  index;
  guint                  n_widths;
} CurveProgress;

static void
curve_progress (double   fraction,
                gpointer user_data)
{
  CurveProgress *curve = user_data;

  curve->progress ((curve->index + CLAMP (fraction, 0.0, 1.0)) / curve->n_widths,
                   curve->progress_data);
}

static char *
describe_width (guint width)
{
  return width == KS_WIDTH_INFINITE ? g_strdup ("infinite") : g_strdup_printf ("%u", width);
}

KsEvidenceEstimate *
ks_evidence_curve (const KsStack           *template_stack,
                   const gsl_matrix        *inputs,
                   const gsl_matrix        *outputs,
                   const guint             *widths,
                   guint                    n_widths,
                   const KsEvidenceOptions *options,
                   KsEvidenceProgressFunc   progress,
                   gpointer                 progress_data,
                   GCancellable            *cancellable,
                   GError                 **error)
{
  g_autofree KsEvidenceEstimate *curve = NULL;
  CurveProgress forward = { progress, progress_data, 0, n_widths };

  g_return_val_if_fail (template_stack != NULL && inputs != NULL && outputs != NULL, NULL);
  g_return_val_if_fail (widths != NULL && n_widths > 0 && options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  curve = g_new0 (KsEvidenceEstimate, n_widths);
  for (guint i = 0; i < n_widths; i++)
    {
      g_autoptr(KsStack) stack = ks_evidence_stack_at_width (template_stack, widths[i], error);
      GError *local_error = NULL;

      if (stack == NULL)
        return NULL;
      forward.index = i;
      if (!ks_evidence_estimate (stack, inputs, outputs, options,
                                 progress != NULL ? curve_progress : NULL, &forward,
                                 cancellable, &curve[i], &local_error))
        {
          g_autofree char *name = describe_width (widths[i]);

          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, local_error);
          else
            g_propagate_prefixed_error (error, local_error, "width %s: ", name);
          return NULL;
        }
      curve[i].width = widths[i];
      if (progress != NULL)
        progress ((i + 1.0) / n_widths, progress_data);
    }
  return g_steal_pointer (&curve);
}
