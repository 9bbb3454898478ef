/* ks-activation.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Identity, ReLU and erf have closed-form kernels (MATHS section 1). tanh and GELU use a
 * tensor Gauss-Hermite rule over the 2-D Gaussian, u = sqrt(c11) z1 and
 * v = sqrt(c22) (rho z1 + sqrt(1 - rho^2) z2). Each kernel is first written as
 *   E[phi(u) phi(v)] = linear * c12 + constant + scale * E[q(u) q(v)]
 * with q odd or even (e.g. gelu(x) = x/2 + x erf(x / sqrt 2) / 2, whose cross terms have zero
 * mean), so that q(u) q(v) is even in (z1, z2) and half the grid suffices.
 *
 * The node count grows with the larger variance of the pair, since phi(sqrt(c) z) gets
 * sharper in z as c grows (tanh's poles sit at distance pi / (2 sqrt c) from the real axis).
 * The tiers below were measured against a 800-node rule over rho in [-1, 1] and variance
 * ratios 1 to 0: every count keeps the error below 5e-9 (absolute for tanh and the
 * derivative kernels, relative to max(1, variance) for GELU) up to its bound. Beyond the
 * last bound the count stays at 256 and the error grows (tanh about 4e-7 at variance 8).
 */
#include "ks-activation.h"

#include <math.h>

#include "ks-error.h"
#include "ks-hermite-rule.h"
#include "ks-linalg.h"
#include "ks-row-runner.h"

static const KsNodeTier tanh_tiers[] = {
  { 0.177, 16 }, { 0.297, 24 }, { 0.42, 32 }, { 0.707, 48 }, { 1.0, 64 },
  { 1.682, 96 }, { 2.0, 128 }, { 3.364, 192 }, { INFINITY, 256 },
};
static const KsNodeTier tanh_derivative_tiers[] = {
  { 0.125, 16 }, { 0.21, 24 }, { 0.297, 32 }, { 0.5, 48 }, { 0.707, 64 },
  { 1.189, 96 }, { 1.414, 128 }, { 2.378, 192 }, { INFINITY, 256 },
};
static const KsNodeTier gelu_tiers[] = {
  { 0.5, 16 }, { 0.841, 24 }, { 1.414, 32 }, { 2.378, 48 }, { 3.364, 64 },
  { 5.657, 96 }, { 8.0, 128 }, { 13.454, 192 }, { INFINITY, 256 },
};
static const KsNodeTier gelu_derivative_tiers[] = {
  { 0.354, 16 }, { 0.707, 24 }, { 1.0, 32 }, { 1.682, 48 }, { 2.378, 64 },
  { 4.0, 96 }, { 5.657, 128 }, { 8.0, 192 }, { INFINITY, 256 },
};

/* E[phi(u) phi(v)] = linear * c12 + constant + scale * E[q(u) q(v)]. */
typedef struct
{
  double (*q) (double x);
  double linear;
  double constant;
  double scale;
} KernelForm;

/* Per index of a covariance: what every entry of its row and column needs. */
typedef struct
{
  double variance;
  double root;      /* sqrt(variance), which scales the quadrature nodes */
} PointScale;

#define INV_SQRT_2PI 0.39894228040143267794
#define TWO_OVER_SQRT_PI 1.12837916709551257390

static double
standard_normal_cdf (double x)
{
  /* erfc keeps full relative precision in the lower tail, where 1 + erf would cancel. */
  return 0.5 * erfc (-x * M_SQRT1_2);
}

static double
standard_normal_density (double x)
{
  return INV_SQRT_2PI * exp (-0.5 * x * x);
}

double
ks_activation_apply (KsLayerKind kind,
                     double      x)
{
  switch (kind)
    {
    case KS_LAYER_IDENTITY:
      return x;
    case KS_LAYER_RELU:
      return x > 0.0 ? x : 0.0;
    case KS_LAYER_ERF:
      return erf (x);
    case KS_LAYER_TANH:
      return tanh (x);
    case KS_LAYER_GELU:
      return x * standard_normal_cdf (x);
    case KS_LAYER_DENSE:
    case KS_LAYER_READOUT:
    default:
      g_return_val_if_reached (NAN);
    }
}

/* ReLU'(0) = 0, the subgradient autodiff frameworks use. */
double
ks_activation_derivative (KsLayerKind kind,
                          double      x)
{
  switch (kind)
    {
    case KS_LAYER_IDENTITY:
      return 1.0;
    case KS_LAYER_RELU:
      return x > 0.0 ? 1.0 : 0.0;
    case KS_LAYER_ERF:
      return TWO_OVER_SQRT_PI * exp (-x * x);
    case KS_LAYER_TANH:
      {
        double c = cosh (x);

        return 1.0 / (c * c);
      }
    case KS_LAYER_GELU:
      return standard_normal_cdf (x) + x * standard_normal_density (x);
    case KS_LAYER_DENSE:
    case KS_LAYER_READOUT:
    default:
      g_return_val_if_reached (NAN);
    }
}

/* The odd or even parts q of each form. */

static double
q_identity (double x)
{
  return x;
}

static double
q_abs (double x)
{
  return fabs (x);
}

static double
q_sign (double x)
{
  return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0);
}

static double
q_erf (double x)
{
  return erf (x);
}

static double
q_erf_derivative (double x)
{
  return TWO_OVER_SQRT_PI * exp (-x * x);
}

/* tanh and sech^2 through one exp (about twice as fast as libm's tanh in the quadrature's
 * inner loop), with an absolute error of a few 1e-16, far below the rule's. */
static double
q_tanh (double x)
{
  double e = exp (-2.0 * fabs (x));

  return copysign ((1.0 - e) / (1.0 + e), x);
}

static double
q_tanh_derivative (double x)
{
  double e = exp (-2.0 * fabs (x));

  return 4.0 * e / ((1.0 + e) * (1.0 + e));
}

/* 2 gelu(x) - x */
static double
q_gelu_even (double x)
{
  return x * erf (x * M_SQRT1_2);
}

/* gelu'(x) - 1/2 */
static double
q_gelu_derivative_odd (double x)
{
  return 0.5 * erf (x * M_SQRT1_2) + x * standard_normal_density (x);
}

static KernelForm
kernel_form (KsLayerKind kind,
             gboolean    derivative)
{
  switch (kind)
    {
    case KS_LAYER_IDENTITY:
      return derivative ? (KernelForm) { NULL, 0.0, 1.0, 0.0 }
                        : (KernelForm) { q_identity, 0.0, 0.0, 1.0 };
    case KS_LAYER_RELU:
      /* relu = (x + |x|) / 2, step = (1 + sign) / 2 */
      return derivative ? (KernelForm) { q_sign, 0.0, 0.25, 0.25 }
                        : (KernelForm) { q_abs, 0.25, 0.0, 0.25 };
    case KS_LAYER_ERF:
      return derivative ? (KernelForm) { q_erf_derivative, 0.0, 0.0, 1.0 }
                        : (KernelForm) { q_erf, 0.0, 0.0, 1.0 };
    case KS_LAYER_TANH:
      return derivative ? (KernelForm) { q_tanh_derivative, 0.0, 0.0, 1.0 }
                        : (KernelForm) { q_tanh, 0.0, 0.0, 1.0 };
    case KS_LAYER_GELU:
      return derivative ? (KernelForm) { q_gelu_derivative_odd, 0.0, 0.25, 1.0 }
                        : (KernelForm) { q_gelu_even, 0.25, 0.0, 0.25 };
    case KS_LAYER_DENSE:
    case KS_LAYER_READOUT:
    default:
      g_return_val_if_reached (((KernelForm) { NULL, NAN, NAN, NAN }));
    }
}

/* sqrt(a b) rather than sqrt(a) sqrt(b): on the diagonal it is exactly a, so the cosine is
 * exactly 1 there (acos is ill-conditioned at 1). The product of two roots only serves when
 * a b would overflow or underflow. */
static double
sqrt_product (double a,
              double b)
{
  double product = a * b;

  return isnormal (product) ? sqrt (product) : sqrt (a) * sqrt (b);
}

static guint
quadrature_node_count (KsLayerKind kind,
                       gboolean    derivative,
                       double      max_variance)
{
  if (kind == KS_LAYER_GELU)
    return ks_node_tier_count (derivative ? gelu_derivative_tiers : gelu_tiers, max_variance);
  return ks_node_tier_count (derivative ? tanh_derivative_tiers : tanh_tiers, max_variance);
}

/* E[q(u) q(v)] over the 2-D rule. q(u) q(v) is even in (z1, z2), so the sum over all node
 * pairs is twice the sum over positive z1 nodes (with z2 of both signs). */
static double
hermite_expectation (const KsHermiteRule *rule,
                     double           (*q) (double),
                     double             root1,
                     double             root2,
                     double             rho)
{
  double complement = sqrt ((1.0 - rho) * (1.0 + rho));
  double total = 0.0;

  for (guint a = 0; a < rule->n_half; a++)
    {
      double shift = root2 * rho * rule->nodes[a];
      double inner = 0.0;

      for (guint b = 0; b < rule->n_half; b++)
        {
          double spread = root2 * complement * rule->nodes[b];

          inner += rule->weights[b] * (q (shift + spread) + q (shift - spread));
        }
      total += rule->weights[a] * q (root1 * rule->nodes[a]) * inner;
    }
  return 2.0 * total;
}

/* c12 / sqrt(c11 c22) clipped to [-1, 1]; 0 when a variance is 0 (that input is then the
 * constant 0, independent of the other). */
static double
clipped_correlation (const PointScale *p1,
                     const PointScale *p2,
                     double            c12)
{
  double product = sqrt_product (p1->variance, p2->variance);

  if (!(product > 0.0))
    return 0.0;
  return CLAMP (c12 / product, -1.0, 1.0);
}

static double
quadrature_entry (KsLayerKind        kind,
                  gboolean           derivative,
                  const KsHermiteRule *rule,
                  const PointScale  *p1,
                  const PointScale  *p2,
                  double             c12)
{
  KernelForm form = kernel_form (kind, derivative);
  double rho = clipped_correlation (p1, p2, c12);
  double value = form.constant;

  if (form.linear != 0.0)
    value += form.linear * rho * sqrt_product (p1->variance, p2->variance);
  if (form.q != NULL)
    value += form.scale * hermite_expectation (rule, form.q, p1->root, p2->root, rho);
  return value;
}

/* Closed forms */

static double
relu_entry (double c11,
            double c22,
            double c12)
{
  double product = sqrt_product (c11, c22);
  double cosine, theta, value;

  if (!(product > 0.0))
    return 0.0;
  cosine = CLAMP (c12 / product, -1.0, 1.0);
  if (cosine == 1.0)
    return 0.5 * product;
  if (cosine == -1.0)
    return 0.0;
  /* sin(acos c) = sqrt(1 - c^2), exact and cheaper than sin () */
  theta = acos (cosine);
  value = product / (2.0 * M_PI)
          * (sqrt ((1.0 - cosine) * (1.0 + cosine)) + (M_PI - theta) * cosine);
  /* Near-opposite inputs cancel to a rounding error that may be negative; the mean of a
   * product of two non-negative outputs is not. */
  return value < 0.0 ? 0.0 : value;
}

static double
relu_derivative_entry (double c11,
                       double c22,
                       double c12)
{
  double product = sqrt_product (c11, c22);
  double cosine;

  /* An input with zero variance is the constant 0, where ReLU' = 0. */
  if (!(product > 0.0))
    return 0.0;
  cosine = CLAMP (c12 / product, -1.0, 1.0);
  return (M_PI - acos (cosine)) / (2.0 * M_PI);
}

/* Both ReLU entries from one angle, for the NNGP and NTK computed together. */
static double
relu_entry_with_derivative (double  c11,
                            double  c22,
                            double  c12,
                            double *derivative)
{
  double product = sqrt_product (c11, c22);
  double cosine, theta, value;

  *derivative = 0.0;
  if (!(product > 0.0))
    return 0.0;
  cosine = CLAMP (c12 / product, -1.0, 1.0);
  theta = acos (cosine);
  *derivative = (M_PI - theta) / (2.0 * M_PI);
  if (cosine == 1.0)
    return 0.5 * product;
  if (cosine == -1.0)
    return 0.0;
  value = product / (2.0 * M_PI)
          * (sqrt ((1.0 - cosine) * (1.0 + cosine)) + (M_PI - theta) * cosine);
  return value < 0.0 ? 0.0 : value;
}

static double
erf_entry (double c11,
           double c22,
           double c12)
{
  double argument = 2.0 * c12 / sqrt_product (1.0 + 2.0 * c11, 1.0 + 2.0 * c22);

  return M_2_PI * asin (CLAMP (argument, -1.0, 1.0));
}

static double
erf_derivative_entry (double c11,
                      double c22,
                      double c12)
{
  double bound = sqrt_product (c11, c22);
  double c = CLAMP (c12, -bound, bound);

  return (4.0 / M_PI) / sqrt ((1.0 + 2.0 * c11) * (1.0 + 2.0 * c22) - 4.0 * c * c);
}

static PointScale
point_scale (double variance)
{
  PointScale p = { variance, sqrt (variance) };

  return p;
}

static double
entry_from_scales (KsLayerKind        kind,
                   gboolean           derivative,
                   const PointScale  *p1,
                   const PointScale  *p2,
                   double             c12)
{
  if (!(p1->variance >= 0.0 && p2->variance >= 0.0))
    return NAN;

  switch (kind)
    {
    case KS_LAYER_IDENTITY:
      return derivative ? 1.0 : c12;
    case KS_LAYER_RELU:
      return derivative ? relu_derivative_entry (p1->variance, p2->variance, c12)
                        : relu_entry (p1->variance, p2->variance, c12);
    case KS_LAYER_ERF:
      return derivative ? erf_derivative_entry (p1->variance, p2->variance, c12)
                        : erf_entry (p1->variance, p2->variance, c12);
    case KS_LAYER_TANH:
    case KS_LAYER_GELU:
      {
        guint n = quadrature_node_count (kind, derivative,
                                         MAX (p1->variance, p2->variance));

        return quadrature_entry (kind, derivative, ks_hermite_rule_cached (n), p1, p2, c12);
      }
    case KS_LAYER_DENSE:
    case KS_LAYER_READOUT:
    default:
      g_return_val_if_reached (NAN);
    }
}

double
ks_activation_kernel_entry (KsLayerKind kind,
                            double      c11,
                            double      c22,
                            double      c12)
{
  PointScale p1 = point_scale (c11), p2 = point_scale (c22);

  return entry_from_scales (kind, FALSE, &p1, &p2, c12);
}

double
ks_activation_derivative_kernel_entry (KsLayerKind kind,
                                       double      c11,
                                       double      c22,
                                       double      c12)
{
  PointScale p1 = point_scale (c11), p2 = point_scale (c22);

  return entry_from_scales (kind, TRUE, &p1, &p2, c12);
}

double
ks_activation_kernel_entry_quadrature (KsLayerKind kind,
                                       gboolean    derivative,
                                       double      c11,
                                       double      c22,
                                       double      c12,
                                       guint       n_nodes)
{
  PointScale p1 = point_scale (c11), p2 = point_scale (c22);
  const KsHermiteRule *rule;
  KsHermiteRule own = { 0, NULL, NULL };
  double value;

  g_return_val_if_fail (ks_layer_kind_is_nonlinearity (kind), NAN);
  g_return_val_if_fail (n_nodes >= 2 && n_nodes <= 1024 && n_nodes % 2 == 0, NAN);

  if (!(c11 >= 0.0 && c22 >= 0.0))
    return NAN;
  rule = ks_hermite_rule_cached (n_nodes);
  if (rule == NULL)
    {
      ks_core_init ();
      if (!ks_hermite_rule_init (&own, n_nodes))
        return NAN;
      rule = &own;
    }
  value = quadrature_entry (kind, derivative, rule, &p1, &p2, c12);
  ks_hermite_rule_clear (&own);
  return value;
}

/* The matrix map */

typedef struct
{
  KsLayerKind       kind;
  const PointScale *scales;
  const gsl_matrix *c;
  gsl_matrix       *g;
  gsl_matrix       *gdot;
  GCancellable     *cancellable;
  gint              saw_non_finite;  /* atomic: some worker wrote a NaN or infinity */
} KernelMapJob;

/* Entries [first, last) of row i, with the loop specialised per kind so that the closed
 * forms inline. Each entry is read before it is written, so c may even be g or gdot. */
static void
map_row_range (KernelMapJob       *job,
               gsize               i,
               gsize               first,
               gsize               last)
{
  const double *c_row = gsl_matrix_const_ptr (job->c, i, 0);
  double *g_row = gsl_matrix_ptr (job->g, i, 0);
  double *gdot_row = job->gdot ? gsl_matrix_ptr (job->gdot, i, 0) : NULL;
  const PointScale *scales = job->scales;
  double c11 = scales[i].variance;
  gboolean finite = TRUE;

  for (gsize j = first; j < last; j++)
    {
      double c12 = c_row[j], c22 = scales[j].variance;
      double value, derivative = 0.0;

      switch (job->kind)
        {
        case KS_LAYER_IDENTITY:
          value = c12;
          derivative = 1.0;
          break;
        case KS_LAYER_RELU:
          if (gdot_row)
            value = relu_entry_with_derivative (c11, c22, c12, &derivative);
          else
            value = relu_entry (c11, c22, c12);
          break;
        case KS_LAYER_ERF:
          value = erf_entry (c11, c22, c12);
          if (gdot_row)
            derivative = erf_derivative_entry (c11, c22, c12);
          break;
        case KS_LAYER_TANH:
        case KS_LAYER_GELU:
        case KS_LAYER_DENSE:
        case KS_LAYER_READOUT:
        default:
          value = entry_from_scales (job->kind, FALSE, &scales[i], &scales[j], c12);
          if (gdot_row)
            derivative = entry_from_scales (job->kind, TRUE, &scales[i], &scales[j], c12);
          break;
        }
      g_row[j] = value;
      if (gdot_row)
        gdot_row[j] = derivative;
      finite &= isfinite (value) && isfinite (derivative);
    }
  /* Checked while the row is in cache, so the result needs no second pass when clean. */
  if (!finite)
    g_atomic_int_set (&job->saw_non_finite, TRUE);
}

/* A closed-form row takes microseconds, but one quadrature entry can take a millisecond:
 * those rows are checked for cancellation every few entries. */
#define QUADRATURE_ENTRIES_PER_CANCEL_CHECK 16

/* The runner checks for cancellation before each row; quadrature rows also between
 * chunks. */
static gboolean
map_row (gsize    i,
         gpointer data)
{
  KernelMapJob *job = data;
  gboolean quadrature = job->kind == KS_LAYER_TANH || job->kind == KS_LAYER_GELU;
  gsize chunk = quadrature ? QUADRATURE_ENTRIES_PER_CANCEL_CHECK : job->c->size1;

  for (gsize first = 0; first <= i; first += chunk)
    {
      if (first > 0 && g_cancellable_is_cancelled (job->cancellable))
        return FALSE;
      map_row_range (job, i, first, MIN (first + chunk, i + 1));
    }
  return TRUE;
}

static gboolean
check_variances (const gsl_matrix *c,
                 GError          **error)
{
  for (gsize i = 0; i < c->size1; i++)
    {
      double variance = gsl_matrix_get (c, i, i);

      if (!isfinite (variance))
        {
          g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
                       "The covariance has a non-finite variance (%g) at row %zu",
                       variance, i + 1);
          return FALSE;
        }
      if (variance < 0.0)
        {
          g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                       "The covariance has a negative variance (%g) at row %zu",
                       variance, i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_shapes (KsLayerKind       kind,
              const gsl_matrix *c,
              const gsl_matrix *g,
              const gsl_matrix *gdot,
              GError          **error)
{
  if (!ks_layer_kind_is_nonlinearity (kind))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "A %s layer is not a nonlinearity", ks_layer_kind_to_string (kind));
      return FALSE;
    }
  if (c->size1 != c->size2
      || g->size1 != c->size1 || g->size2 != c->size2
      || (gdot != NULL && (gdot->size1 != c->size1 || gdot->size2 != c->size2)))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The covariance (%zu x %zu) and the kernels it maps to must be square "
                   "and of the same size", c->size1, c->size2);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_results (KsLayerKind       kind,
               const gsl_matrix *g,
               const gsl_matrix *gdot,
               GError          **error)
{
  g_autofree char *what = g_strdup_printf ("The %s kernel", ks_layer_kind_to_string (kind));
  g_autofree char *what_derivative = NULL;

  if (!ks_matrix_check_finite (g, what, error))
    return FALSE;
  if (gdot == NULL)
    return TRUE;
  what_derivative = g_strdup_printf ("The %s derivative kernel", ks_layer_kind_to_string (kind));
  return ks_matrix_check_finite (gdot, what_derivative, error);
}

gboolean
ks_activation_kernel_full (KsLayerKind       kind,
                           const gsl_matrix *c,
                           gsl_matrix       *g,
                           gsl_matrix       *gdot,
                           guint             n_threads,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autofree PointScale *scales = NULL;
  KernelMapJob job;

  g_return_val_if_fail (c != NULL && g != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ks_core_init ();
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!check_shapes (kind, c, g, gdot, error) || !check_variances (c, error))
    return FALSE;

  scales = g_new (PointScale, c->size1);
  for (gsize i = 0; i < c->size1; i++)
    scales[i] = point_scale (gsl_matrix_get (c, i, i));
  if (kind == KS_LAYER_TANH || kind == KS_LAYER_GELU)
    ks_hermite_rules_prepare ();

  job = (KernelMapJob) {
    .kind = kind,
    .scales = scales,
    .c = c,
    .g = g,
    .gdot = gdot,
    .cancellable = cancellable,
  };
  ks_row_runner_run (c->size1, ks_row_runner_choose_n_workers (kind, c->size1, n_threads),
                     "ks-activation", cancellable, map_row, &job);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  ks_matrix_symmetrize_from_lower (g);
  if (gdot != NULL)
    ks_matrix_symmetrize_from_lower (gdot);
  /* The full scan only runs to say where the problem is. */
  return !g_atomic_int_get (&job.saw_non_finite) || check_results (kind, g, gdot, error);
}

gboolean
ks_activation_kernel (KsLayerKind       kind,
                      const gsl_matrix *c,
                      gsl_matrix       *g,
                      gsl_matrix       *gdot,
                      GCancellable     *cancellable,
                      GError          **error)
{
  return ks_activation_kernel_full (kind, c, g, gdot, 0, cancellable, error);
}
