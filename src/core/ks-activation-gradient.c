/* ks-activation-gradient.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For an entry f(c11, c22, c12) = E[phi(u) phi(v)] of the infinite-width map:
 *   df/dc12 = E[phi'(u) phi'(v)]        (Price's theorem)
 *   df/dc11 = E[phi''(u) phi(v)] / 2    (the Gaussian heat equation)
 * Identity, ReLU and erf differentiate their closed forms (MATHS section 1). tanh and GELU
 * take all three expectations from one tensor Gauss-Hermite grid, u = sqrt(c11) z1 and
 * v = sqrt(c22) (rho z1 + sqrt(1 - rho^2) z2), written with parts A, B, C of fixed parity
 * so that every product is even in (z1, z2) and half of the grid suffices:
 *   tanh: A = phi (odd), B = phi' (even), C = phi'' (odd);
 *   GELU: phi = x/2 + A/2 with A = x erf(x / sqrt 2) (even), phi' = 1/2 + B (B odd),
 *         C = phi'' = N(x) (2 - x^2) (even); the cross terms with x/2 and 1/2 vanish.
 */
#include "ks-activation-gradient.h"

#include <math.h>

#include "ks-activation.h"
#include "ks-error.h"
#include "ks-hermite-rule.h"
#include "ks-linalg.h"
#include "ks-row-runner.h"

#define INV_SQRT_2PI 0.39894228040143267794

typedef struct
{
  double variance;
  double root;      /* sqrt(variance) */
  double erf_base;  /* 1 + 2 variance */
} PointScale;

/* Measured against a 512-node rule over rho in [-1, 1] and variance ratios 1 to 0.01:
 * each count keeps the error of all three expectations below 1e-9 up to its bound
 * (relative to max(1, variance) for GELU). Beyond the last bound 256 nodes are used and
 * the error grows: tanh 2e-8 at variance 4, 1e-5 at 8; GELU 2e-9 at 16, 4e-6 at 32. */
static const KsNodeTier tanh_tiers[] = {
  { 0.125, 24 }, { 0.25, 32 }, { 0.5, 64 }, { 1.0, 96 }, { 2.0, 192 }, { INFINITY, 256 },
};
static const KsNodeTier gelu_tiers[] = {
  { 0.5, 24 }, { 1.0, 32 }, { 2.0, 48 }, { 4.0, 96 }, { 8.0, 192 }, { INFINITY, 256 },
};

static guint
node_count (KsLayerKind kind,
            double      max_variance)
{
  return ks_node_tier_count (kind == KS_LAYER_GELU ? gelu_tiers : tanh_tiers, max_variance);
}

/* Quadrature for tanh and GELU */

typedef struct
{
  double a;
  double b;
  double c;
} ParityParts;

static ParityParts
tanh_parts (double x)
{
  double t = tanh (x);
  double s = 1.0 - t * t;

  return (ParityParts) { t, s, -2.0 * t * s };
}

static ParityParts
gelu_parts (double x)
{
  double e = erf (x * M_SQRT1_2);
  double density = INV_SQRT_2PI * exp (-0.5 * x * x);

  return (ParityParts) { x * e, 0.5 * e + x * density, density * (2.0 - x * x) };
}

/* E[B(u) B(v)], E[C(u) A(v)] and E[A(u) C(v)] over the half grid (doubled). */
static ParityParts
parity_expectations (const KsHermiteRule *rule,
                     ParityParts   (*parts) (double),
                     double          root1,
                     double          root2,
                     double          rho)
{
  double complement = sqrt ((1.0 - rho) * (1.0 + rho));
  ParityParts total = { 0.0, 0.0, 0.0 };

  for (guint i = 0; i < rule->n_half; i++)
    {
      ParityParts outer = parts (root1 * rule->nodes[i]);
      double shift = root2 * rho * rule->nodes[i];
      ParityParts inner = { 0.0, 0.0, 0.0 };

      for (guint k = 0; k < rule->n_half; k++)
        {
          double spread = root2 * complement * rule->nodes[k];
          ParityParts plus = parts (shift + spread), minus = parts (shift - spread);
          double w = rule->weights[k];

          inner.a += w * (plus.a + minus.a);
          inner.b += w * (plus.b + minus.b);
          inner.c += w * (plus.c + minus.c);
        }
      total.a += rule->weights[i] * outer.b * inner.b;
      total.b += rule->weights[i] * outer.c * inner.a;
      total.c += rule->weights[i] * outer.a * inner.c;
    }
  return (ParityParts) { 2.0 * total.a, 2.0 * total.b, 2.0 * total.c };
}

static KsKernelEntryGradient
quadrature_gradient (KsLayerKind       kind,
                     const PointScale *p1,
                     const PointScale *p2,
                     double            rho)
{
  guint n_nodes = node_count (kind, MAX (p1->variance, p2->variance));
  const KsHermiteRule *rule = ks_hermite_rule_cached (n_nodes);
  ParityParts e;

  if (kind == KS_LAYER_TANH)
    {
      e = parity_expectations (rule, tanh_parts, p1->root, p2->root, rho);
      return (KsKernelEntryGradient) { 0.5 * e.b, 0.5 * e.c, e.a };
    }
  e = parity_expectations (rule, gelu_parts, p1->root, p2->root, rho);
  return (KsKernelEntryGradient) { 0.25 * e.b, 0.25 * e.c, 0.25 + e.a };
}

/* Closed forms */

static KsKernelEntryGradient
relu_gradient (const PointScale *p1,
               const PointScale *p2,
               double            c12)
{
  double product = p1->root * p2->root;
  double cosine, sine;

  /* f grows like sqrt(c11) from a zero variance: no finite derivative there. */
  if (!(product > 0.0))
    return (KsKernelEntryGradient) { 0.0, 0.0, 0.0 };
  cosine = CLAMP (c12 / product, -1.0, 1.0);
  sine = sqrt ((1.0 - cosine) * (1.0 + cosine));
  return (KsKernelEntryGradient) {
    p2->root * sine / (4.0 * M_PI * p1->root),
    p1->root * sine / (4.0 * M_PI * p2->root),
    (M_PI - acos (cosine)) / (2.0 * M_PI),
  };
}

static KsKernelEntryGradient
erf_gradient (const PointScale *p1,
              const PointScale *p2,
              double            c12)
{
  double bound = p1->root * p2->root;
  double c = CLAMP (c12, -bound, bound);
  double root = sqrt (p1->erf_base * p2->erf_base - 4.0 * c * c);
  double scale = (4.0 / M_PI) / root;

  return (KsKernelEntryGradient) {
    -scale * c / p1->erf_base,
    -scale * c / p2->erf_base,
    scale,
  };
}

static double
clipped_correlation (const PointScale *p1,
                     const PointScale *p2,
                     double            c12)
{
  double product = p1->root * p2->root;

  if (!(product > 0.0))
    return 0.0;
  return CLAMP (c12 / product, -1.0, 1.0);
}

static PointScale
point_scale (double variance)
{
  return (PointScale) { variance, sqrt (variance), 1.0 + 2.0 * variance };
}

static KsKernelEntryGradient
gradient_from_scales (KsLayerKind       kind,
                      const PointScale *p1,
                      const PointScale *p2,
                      double            c12)
{
  if (!(p1->variance >= 0.0 && p2->variance >= 0.0))
    return (KsKernelEntryGradient) { NAN, NAN, NAN };

  switch (kind)
    {
    case KS_LAYER_IDENTITY:
      return (KsKernelEntryGradient) { 0.0, 0.0, 1.0 };
    case KS_LAYER_RELU:
      return relu_gradient (p1, p2, c12);
    case KS_LAYER_ERF:
      return erf_gradient (p1, p2, c12);
    case KS_LAYER_TANH:
    case KS_LAYER_GELU:
      return quadrature_gradient (kind, p1, p2, clipped_correlation (p1, p2, c12));
    case KS_LAYER_DENSE:
    case KS_LAYER_READOUT:
    default:
      g_return_val_if_reached (((KsKernelEntryGradient) { NAN, NAN, NAN }));
    }
}

/* d f(c, c, c) / dc = df/dc11 + df/dc22 + df/dc12 at the diagonal, taken at correlation
 * exactly 1 (c / (sqrt c sqrt c) may round below it). */
static double
diagonal_from_scale (KsLayerKind       kind,
                     const PointScale *p)
{
  if (!(p->variance >= 0.0))
    return NAN;

  switch (kind)
    {
    case KS_LAYER_IDENTITY:
      return 1.0;
    case KS_LAYER_RELU:
      return 0.5;
    case KS_LAYER_ERF:
      return (4.0 / M_PI) / (p->erf_base * sqrt (1.0 + 4.0 * p->variance));
    case KS_LAYER_TANH:
    case KS_LAYER_GELU:
      {
        KsKernelEntryGradient d = quadrature_gradient (kind, p, p, 1.0);

        return d.d_c11 + d.d_c22 + d.d_c12;
      }
    case KS_LAYER_DENSE:
    case KS_LAYER_READOUT:
    default:
      g_return_val_if_reached (NAN);
    }
}

KsKernelEntryGradient
ks_activation_kernel_entry_gradient (KsLayerKind kind,
                                     double      c11,
                                     double      c22,
                                     double      c12)
{
  PointScale p1 = point_scale (c11), p2 = point_scale (c22);

  return gradient_from_scales (kind, &p1, &p2, c12);
}

double
ks_activation_kernel_diagonal_derivative (KsLayerKind kind,
                                          double      c)
{
  PointScale p = point_scale (c);

  return diagonal_from_scale (kind, &p);
}

/* The matrix map */

typedef struct
{
  KsLayerKind       kind;
  const PointScale *scales;
  const gsl_matrix *c;
  const gsl_matrix *g_bar;
  gsl_matrix       *c_bar;
  /* Row i of diagonal_terms holds every contribution to c_bar_ii, so that summing rows in
   * a fixed order makes the result independent of the number of threads. */
  gsl_matrix       *diagonal_terms;
  GCancellable     *cancellable;
} BackwardJob;

#define ENTRIES_PER_CANCEL_CHECK 16

/* dL = sum_ij g_bar_ij (f11 dc_ii + f22 dc_jj + f12 dc_ij) over both orders of each pair,
 * so an off-diagonal pair sends 2 g_bar_ij f11 to c_bar_ii and 2 g_bar_ij f22 to c_bar_jj. */
static gboolean
backward_row (gsize    i,
              gpointer data)
{
  BackwardJob *job = data;
  const double *c_row = gsl_matrix_const_ptr (job->c, i, 0);
  const double *g_bar_row = gsl_matrix_const_ptr (job->g_bar, i, 0);
  double *c_bar_row = gsl_matrix_ptr (job->c_bar, i, 0);
  double *terms_row = gsl_matrix_ptr (job->diagonal_terms, i, 0);
  guint since_check = 0;

  for (gsize j = 0; j < i; j++)
    {
      KsKernelEntryGradient d;

      if (++since_check == ENTRIES_PER_CANCEL_CHECK)
        {
          since_check = 0;
          if (g_cancellable_is_cancelled (job->cancellable))
            return FALSE;
        }
      d = gradient_from_scales (job->kind, &job->scales[i], &job->scales[j], c_row[j]);
      c_bar_row[j] = g_bar_row[j] * d.d_c12;
      terms_row[j] = 2.0 * g_bar_row[j] * d.d_c11;
      gsl_matrix_set (job->diagonal_terms, j, i, 2.0 * g_bar_row[j] * d.d_c22);
    }
  terms_row[i] = g_bar_row[i] * diagonal_from_scale (job->kind, &job->scales[i]);
  return TRUE;
}

static void
collect_diagonal (BackwardJob *job)
{
  for (gsize i = 0; i < job->c->size1; i++)
    {
      const double *terms_row = gsl_matrix_const_ptr (job->diagonal_terms, i, 0);
      double sum = 0.0;

      for (gsize j = 0; j < job->c->size1; j++)
        sum += terms_row[j];
      gsl_matrix_set (job->c_bar, i, i, sum);
    }
  ks_matrix_symmetrize_from_lower (job->c_bar);
}

static gboolean
check_backward_arguments (KsLayerKind       kind,
                          const gsl_matrix *c,
                          const gsl_matrix *g_bar,
                          const gsl_matrix *c_bar,
                          GError          **error)
{
  if (!ks_layer_kind_is_nonlinearity (kind))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "A %s layer is not a nonlinearity", ks_layer_kind_to_string (kind));
      return FALSE;
    }
  if (c->size1 != c->size2
      || g_bar->size1 != c->size1 || g_bar->size2 != c->size1
      || c_bar->size1 != c->size1 || c_bar->size2 != c->size1)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The covariance (%zu x %zu) and the gradients of the %s map must be "
                   "square and of the same size", c->size1, c->size2,
                   ks_layer_kind_to_string (kind));
      return FALSE;
    }
  for (gsize i = 0; i < c->size1; i++)
    {
      double variance = gsl_matrix_get (c, i, i);

      if (!(variance >= 0.0) || !isfinite (variance))
        {
          g_set_error (error, KS_ERROR, isfinite (variance) ? KS_ERROR_INVALID
                                                            : KS_ERROR_NON_FINITE,
                       "The covariance has an invalid variance (%g) at row %zu",
                       variance, i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
ks_activation_kernel_backward_full (KsLayerKind       kind,
                                    const gsl_matrix *c,
                                    const gsl_matrix *g_bar,
                                    gsl_matrix       *c_bar,
                                    guint             n_threads,
                                    GCancellable     *cancellable,
                                    GError          **error)
{
  g_autofree PointScale *scales = NULL;
  g_autoptr(gsl_matrix) diagonal_terms = NULL;
  g_autofree char *what = NULL;
  BackwardJob job;

  g_return_val_if_fail (c != NULL && g_bar != NULL && c_bar != NULL, FALSE);
  g_return_val_if_fail (c_bar != c && c_bar != g_bar, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ks_core_init ();
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!check_backward_arguments (kind, c, g_bar, c_bar, error))
    return FALSE;
  if (c->size1 == 0)
    return TRUE;

  scales = g_new (PointScale, c->size1);
  for (gsize i = 0; i < c->size1; i++)
    scales[i] = point_scale (gsl_matrix_get (c, i, i));
  diagonal_terms = gsl_matrix_alloc (c->size1, c->size1);

  job = (BackwardJob) {
    .kind = kind,
    .scales = scales,
    .c = c,
    .g_bar = g_bar,
    .c_bar = c_bar,
    .diagonal_terms = diagonal_terms,
    .cancellable = cancellable,
  };
  ks_row_runner_run (c->size1, ks_row_runner_choose_n_workers (kind, c->size1, n_threads),
                     "ks-activation-grad", cancellable, backward_row, &job);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  collect_diagonal (&job);

  what = g_strdup_printf ("The gradient through the %s kernel", ks_layer_kind_to_string (kind));
  return ks_matrix_check_finite (c_bar, what, error);
}

gboolean
ks_activation_kernel_backward (KsLayerKind       kind,
                               const gsl_matrix *c,
                               const gsl_matrix *g_bar,
                               gsl_matrix       *c_bar,
                               GCancellable     *cancellable,
                               GError          **error)
{
  return ks_activation_kernel_backward_full (kind, c, g_bar, c_bar, 0, cancellable, error);
}
