/* ks-network.c: a finite network's log posterior over its weights, with the gradient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Forward: each dense layer maps features H (P x M) to F = sqrt(sw2 / M) H Z + sqrt(sb2) 1 beta^T,
 * each nonlinearity applies phi elementwise. The readout's weights are integrated out
 * (MATHS section 3), leaving
 *   log N(Y; 0, K) = -N_out / 2 log|K| - 1/2 tr(K^{-1} Y Y^T) - N_out P / 2 log(2 pi),
 * K = H H^T / N + s2 I. Backward: dlog/dK = 1/2 (A A^T - N_out K^{-1}) with A = K^{-1} Y,
 * dlog/dH = 2 (dlog/dK) H / N, then reverse mode through the nonlinearities (times phi'(F))
 * and dense layers (dZ = a H^T dF, dbeta = c 1^T dF, dH = a dF Z^T). Layers below the
 * first dense layer have no parameters: their features are computed once.
 */
#include "ks-network.h"

#include <math.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "ks-activation.h"
#include "ks-error.h"
#include "ks-linalg.h"

typedef struct
{
  KsLayerKind kind;
  gsize       width;         /* of the features the layer puts out */
  gsize       fan_in;        /* dense: width of the features it reads */
  gsize       offset;        /* dense: where its Z starts in theta; beta follows Z */
  double      weight_scale;  /* dense: sqrt(sw2 / fan_in) */
  double      bias_scale;    /* dense: sqrt(sb2); 0 means no bias parameters */
  double     *features;      /* P x width, row-major; an identity shares its input's */
  gboolean    owns_features;
} NetworkLayer;

struct _KsNetwork
{
  KsStack      *stack;
  guint         n_layers;     /* readout included */
  guint         n_hidden;     /* layers before the readout */
  guint         first_dense;
  gsize         n_points;
  gsize         n_params;
  gsize         max_width;    /* of the features above the first dense layer */
  gsl_matrix   *inputs;
  gsl_matrix   *outputs;      /* NULL: the prior alone */
  double        noise_var;
  NetworkLayer *layers;       /* n_hidden */

  gsl_matrix   *kernel;       /* K_out, then its Cholesky factor, then K_out^{-1} */
  gsl_matrix   *solved;       /* K_out^{-1} Y */
  gsl_matrix   *kernel_grad;  /* dlog/dK_out */
  double       *feature_grad[2];
};

/* ---- Construction ---- */

static gboolean
check_layer (const KsStack *stack,
             guint          index,
             GError       **error)
{
  const KsLayer *layer = ks_stack_get_layer (stack, index);
  g_autofree char *name = ks_layer_describe (layer);

  switch (layer->kind)
    {
    case KS_LAYER_DENSE:
      if (layer->width != KS_WIDTH_INFINITE)
        return TRUE;
      g_set_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
                   "layer %u (%s) is infinitely wide: sampling the weights needs every dense "
                   "layer to be finite (use the deep kernel machine for infinite layers)",
                   index + 1, name);
      return FALSE;
    case KS_LAYER_IDENTITY:
    case KS_LAYER_RELU:
    case KS_LAYER_ERF:
    case KS_LAYER_READOUT:
      return TRUE;
    case KS_LAYER_TANH:
    case KS_LAYER_GELU:
    default:
      g_set_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
                   "layer %u (%s): sampling the weights supports the identity, relu and erf "
                   "nonlinearities only", index + 1, name);
      return FALSE;
    }
}

static gboolean
check_stack (const KsStack *stack,
             GError       **error)
{
  guint n_layers = ks_stack_get_n_layers (stack);

  if (!ks_stack_has_finite_layer (stack))
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
                           "the stack has no finite dense layer, so it has no weights to sample");
      return FALSE;
    }
  for (guint i = 0; i < n_layers; i++)
    if (!check_layer (stack, i, error))
      return FALSE;
  return TRUE;
}

static gboolean
check_data (const KsStack    *stack,
            const gsl_matrix *inputs,
            const gsl_matrix *outputs,
            GError          **error)
{
  const KsLayer *readout = ks_stack_get_readout (stack);

  if (inputs->size1 == 0 || inputs->size2 == 0 || inputs->size1 > G_MAXINT
      || inputs->size2 > G_MAXINT)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the inputs must have between 1 and %d rows and columns, got %zu x %zu",
                   G_MAXINT, inputs->size1, inputs->size2);
      return FALSE;
    }
  if (!ks_matrix_check_finite (inputs, "the input matrix", error))
    return FALSE;
  if (outputs == NULL)
    return TRUE;
  if (readout == NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "outputs were given but the stack has no readout to explain them");
      return FALSE;
    }
  if (outputs->size1 != inputs->size1 || outputs->size2 != readout->width)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the outputs are %zu x %zu, but the inputs have %zu points and the readout "
                   "%u output channels", outputs->size1, outputs->size2, inputs->size1,
                   readout->width);
      return FALSE;
    }
  return ks_matrix_check_finite (outputs, "the output matrix", error);
}

/* With s2 = 0, K_out = H H^T / N has rank at most N. */
static gboolean
check_output_kernel_rank (const KsNetwork *self,
                          GError         **error)
{
  gsize top_width = self->layers[self->n_hidden - 1].width;
  g_autofree char *name = NULL;

  if (self->outputs == NULL || self->noise_var > 0.0 || top_width >= self->n_points)
    return TRUE;
  name = ks_layer_describe (ks_stack_get_layer (self->stack, self->n_layers - 1));
  g_set_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
               "layer %u (%s): with noise 0 the output kernel has rank at most %zu, the "
               "width of the layer below, fewer than the %zu points: add readout noise or "
               "widen that layer", self->n_layers, name, top_width, self->n_points);
  return FALSE;
}

/* ReLU, the common case, is written out in a form compilers keep free of branches: a call
 * or a mispredicted branch per element (signs are random) would cost a fifth of a gradient.
 * (x + |x|) / 2 is exactly max(x, 0) short of overflow, and keeps NaN. */
static void
apply_nonlinearity (KsLayerKind   kind,
                    const double *in,
                    double       *out,
                    gsize         count)
{
  if (kind == KS_LAYER_RELU)
    for (gsize k = 0; k < count; k++)
      out[k] = 0.5 * (in[k] + fabs (in[k]));
  else
    for (gsize k = 0; k < count; k++)
      out[k] = ks_activation_apply (kind, in[k]);
}

/* Shapes, parameter offsets and feature buffers; FALSE when memory runs out. */
static gboolean
ks_network_plan (KsNetwork *self)
{
  gsize width = self->inputs->size2, p = self->n_points;
  const double *below = self->inputs->data;

  self->layers = g_new0 (NetworkLayer, self->n_hidden);
  self->first_dense = self->n_hidden;
  for (guint i = 0; i < self->n_hidden; i++)
    {
      const KsLayer *layer = ks_stack_get_layer (self->stack, i);
      NetworkLayer *net = &self->layers[i];

      net->kind = layer->kind;
      if (layer->kind == KS_LAYER_DENSE)
        {
          net->fan_in = width;
          net->width = width = layer->width;
          net->offset = self->n_params;
          net->weight_scale = sqrt (layer->weight_var / net->fan_in);
          net->bias_scale = sqrt (layer->bias_var);
          self->n_params += net->fan_in * net->width + (net->bias_scale > 0.0 ? net->width : 0);
          self->first_dense = MIN (self->first_dense, i);
        }
      else
        net->width = width;
      if (i >= self->first_dense)
        self->max_width = MAX (self->max_width, width);
      if (layer->kind == KS_LAYER_IDENTITY)
        net->features = (double *) below;
      else
        {
          if ((net->features = g_try_new (double, p * width)) == NULL)
            return FALSE;
          net->owns_features = TRUE;
        }
      /* Nothing below the first dense layer depends on theta. */
      if (i < self->first_dense && layer->kind != KS_LAYER_IDENTITY)
        apply_nonlinearity (layer->kind, below, net->features, p * width);
      below = net->features;
    }
  return TRUE;
}

static gboolean
ks_network_allocate_workspace (KsNetwork *self)
{
  gsize p = self->n_points;

  self->kernel = gsl_matrix_alloc (p, p);
  self->kernel_grad = gsl_matrix_alloc (p, p);
  self->feature_grad[0] = g_try_new (double, p * self->max_width);
  self->feature_grad[1] = g_try_new (double, p * self->max_width);
  if (self->outputs != NULL)
    self->solved = gsl_matrix_alloc (p, self->outputs->size2);
  return self->kernel != NULL && self->kernel_grad != NULL && self->feature_grad[0] != NULL
         && self->feature_grad[1] != NULL && (self->outputs == NULL || self->solved != NULL);
}

static gsl_matrix *
matrix_copy (const gsl_matrix *m)
{
  gsl_matrix *copy = gsl_matrix_alloc (m->size1, m->size2);

  if (copy != NULL)
    gsl_matrix_memcpy (copy, m);
  return copy;
}

KsNetwork *
ks_network_new (const KsStack    *stack,
                const gsl_matrix *inputs,
                const gsl_matrix *outputs,
                GError          **error)
{
  g_autoptr(KsNetwork) self = NULL;
  const KsLayer *readout;

  g_return_val_if_fail (stack != NULL && inputs != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ks_core_init ();
  if (!check_stack (stack, error) || !check_data (stack, inputs, outputs, error))
    return NULL;

  readout = ks_stack_get_readout (stack);
  self = g_new0 (KsNetwork, 1);
  self->stack = ks_stack_copy (stack);
  self->n_layers = ks_stack_get_n_layers (stack);
  self->n_hidden = self->n_layers - (readout != NULL ? 1 : 0);
  self->n_points = inputs->size1;
  self->noise_var = readout != NULL ? readout->noise_var : 0.0;
  self->inputs = matrix_copy (inputs);
  if (outputs != NULL)
    self->outputs = matrix_copy (outputs);
  if (self->inputs == NULL || (outputs != NULL && self->outputs == NULL)
      || !ks_network_plan (self) || !ks_network_allocate_workspace (self))
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                           "the network does not fit in memory: use fewer points or narrower "
                           "layers");
      return NULL;
    }
  if (self->n_params > G_MAXINT)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "the network has %zu weights, more than the %d a sampler can hold: use "
                   "narrower layers", self->n_params, G_MAXINT);
      return NULL;
    }
  if (!check_output_kernel_rank (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
ks_network_free (KsNetwork *self)
{
  if (self == NULL)
    return;
  if (self->layers != NULL)
    for (guint i = 0; i < self->n_hidden; i++)
      if (self->layers[i].owns_features)
        g_free (self->layers[i].features);
  g_free (self->layers);
  g_clear_pointer (&self->stack, ks_stack_unref);
  g_clear_pointer (&self->inputs, gsl_matrix_free);
  g_clear_pointer (&self->outputs, gsl_matrix_free);
  g_clear_pointer (&self->kernel, gsl_matrix_free);
  g_clear_pointer (&self->solved, gsl_matrix_free);
  g_clear_pointer (&self->kernel_grad, gsl_matrix_free);
  g_free (self->feature_grad[0]);
  g_free (self->feature_grad[1]);
  g_free (self);
}

gsize
ks_network_get_n_params (const KsNetwork *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_params;
}

gsize
ks_network_get_n_points (const KsNetwork *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_points;
}

guint
ks_network_get_n_layers (const KsNetwork *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_layers;
}

gsize
ks_network_get_workspace_size (const KsNetwork *self)
{
  gsize p, size;

  g_return_val_if_fail (self != NULL, 0);
  p = self->n_points;
  size = 3 * p * p + 2 * p * self->max_width;
  for (guint i = 0; i < self->n_hidden; i++)
    if (self->layers[i].owns_features)
      size += p * self->layers[i].width;
  if (self->outputs != NULL)
    size += 2 * p * self->outputs->size2;
  return size + self->inputs->size1 * self->inputs->size2;
}

/* ---- Forward ---- */

static const double *
features_below (const KsNetwork *self,
                guint            index)
{
  return index == 0 ? self->inputs->data : self->layers[index - 1].features;
}

static void
dense_forward (const KsNetwork    *self,
               const NetworkLayer *net,
               const double       *below,
               const double       *theta)
{
  gsize p = self->n_points, m = net->fan_in, n = net->width;
  const double *z = theta + net->offset;

  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) p, (int) n, (int) m,
               net->weight_scale, below, (int) m, z, (int) n, 0.0, net->features, (int) n);
  if (net->bias_scale > 0.0)
    {
      const double *beta = z + m * n;

      for (gsize i = 0; i < p; i++)
        cblas_daxpy ((int) n, net->bias_scale, beta, 1, net->features + i * n, 1);
    }
}

static void
ks_network_forward (KsNetwork    *self,
                    const double *theta)
{
  for (guint i = self->first_dense; i < self->n_hidden; i++)
    {
      NetworkLayer *net = &self->layers[i];
      const double *below = features_below (self, i);

      if (net->kind == KS_LAYER_DENSE)
        dense_forward (self, net, below, theta);
      else if (net->kind != KS_LAYER_IDENTITY)
        apply_nonlinearity (net->kind, below, net->features, self->n_points * net->width);
    }
}

/* The lowest layer whose features are not finite, or n_hidden. */
static guint
first_non_finite_layer (const KsNetwork *self)
{
  for (guint i = 0; i < self->n_hidden; i++)
    {
      const NetworkLayer *net = &self->layers[i];

      for (gsize k = 0; k < self->n_points * net->width; k++)
        if (!isfinite (net->features[k]))
          return i;
    }
  return self->n_hidden;
}

static void
set_layer_error (const KsNetwork *self,
                 guint            index,
                 const char      *problem,
                 GError         **error)
{
  g_autofree char *name = ks_layer_describe (ks_stack_get_layer (self->stack, index));

  g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE, "layer %u (%s): %s", index + 1, name,
               problem);
}

/* Scanning every feature costs as much as a small product, so it is done only to name the
 * culprit once the output kernel has failed: non-finite features always reach it. */
static void
set_likelihood_error (const KsNetwork *self,
                      GError         **error)
{
  guint bad = first_non_finite_layer (self);

  if (bad < self->n_hidden)
    set_layer_error (self, bad, "the features are not finite (the weights have diverged)",
                     error);
  else
    set_layer_error (self, self->n_layers - 1,
                     "the output kernel G + s2 I is not positive definite", error);
}

static const NetworkLayer *
top_layer (const KsNetwork *self)
{
  return &self->layers[self->n_hidden - 1];
}

/* ---- Likelihood and its gradient with respect to K_out ---- */

/* The Gaussian log-likelihood of the outputs; leaves K_out^{-1} in self->kernel. */
static gboolean
output_log_likelihood (KsNetwork *self,
                       double    *log_likelihood,
                       GError   **error)
{
  const NetworkLayer *top = top_layer (self);
  gsize p = self->n_points, n_out = self->outputs->size2;
  double log_det, quad = 0.0;

  cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans, (int) p, (int) top->width,
               1.0 / top->width, top->features, (int) top->width, 0.0, self->kernel->data,
               (int) p);
  for (gsize i = 0; i < p; i++)
    *gsl_matrix_ptr (self->kernel, i, i) += self->noise_var;
  if (gsl_linalg_cholesky_decomp1 (self->kernel) != GSL_SUCCESS
      || !isfinite (log_det = ks_cholesky_log_det (self->kernel)))
    {
      set_likelihood_error (self, error);
      return FALSE;
    }
  gsl_linalg_cholesky_invert (self->kernel);
  cblas_dsymm (CblasRowMajor, CblasLeft, CblasLower, (int) p, (int) n_out, 1.0,
               self->kernel->data, (int) p, self->outputs->data, (int) n_out, 0.0,
               self->solved->data, (int) n_out);
  for (gsize k = 0; k < p * n_out; k++)
    quad += self->outputs->data[k] * self->solved->data[k];
  *log_likelihood = -0.5 * n_out * log_det - 0.5 * quad - 0.5 * n_out * p * log (2.0 * M_PI);
  if (isfinite (*log_likelihood))
    return TRUE;
  set_likelihood_error (self, error);
  return FALSE;
}

/* dlog/dK_out = 1/2 (A A^T - N_out K^{-1}), lower triangle, with A = K^{-1} Y. */
static void
output_kernel_gradient (KsNetwork *self)
{
  gsize p = self->n_points, n_out = self->outputs->size2;

  cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans, (int) p, (int) n_out, 0.5,
               self->solved->data, (int) n_out, 0.0, self->kernel_grad->data, (int) p);
  for (gsize i = 0; i < p; i++)
    for (gsize j = 0; j <= i; j++)
      *gsl_matrix_ptr (self->kernel_grad, i, j) -= 0.5 * n_out
                                                    * gsl_matrix_get (self->kernel, i, j);
}

/* ---- Backward ---- */

static void
nonlinearity_backward (const NetworkLayer *net,
                       const double       *below,
                       gsize               n_points,
                       double             *grad)
{
  gsize count = n_points * net->width;

  if (net->kind == KS_LAYER_RELU)
    for (gsize k = 0; k < count; k++)
      {
        double slope = below[k] > 0.0 ? 1.0 : 0.0;

        grad[k] *= slope;
      }
  else
    for (gsize k = 0; k < count; k++)
      grad[k] *= ks_activation_derivative (net->kind, below[k]);
}

/* Adds the layer's parameter gradient; when grad_below is not NULL, writes dlog/dH of the
 * features below. */
static void
dense_backward (const KsNetwork    *self,
                const NetworkLayer *net,
                const double       *below,
                const double       *theta,
                const double       *grad,
                double             *param_grad,
                double             *grad_below)
{
  gsize p = self->n_points, m = net->fan_in, n = net->width;
  const double *z = theta + net->offset;
  double *z_grad = param_grad + net->offset;

  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) m, (int) n, (int) p,
               net->weight_scale, below, (int) m, grad, (int) n, 1.0, z_grad, (int) n);
  if (net->bias_scale > 0.0)
    for (gsize i = 0; i < p; i++)
      cblas_daxpy ((int) n, net->bias_scale, grad + i * n, 1, z_grad + m * n, 1);
  if (grad_below != NULL)
    cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) p, (int) m, (int) n,
                 net->weight_scale, grad, (int) n, z, (int) n, 0.0, grad_below, (int) m);
}

/* param_grad holds the prior's part on entry and receives the likelihood's. */
static void
ks_network_backward (KsNetwork    *self,
                     const double *theta,
                     double       *param_grad)
{
  const NetworkLayer *top = top_layer (self);
  int current = 0;

  output_kernel_gradient (self);
  cblas_dsymm (CblasRowMajor, CblasLeft, CblasLower, (int) self->n_points, (int) top->width,
               2.0 / top->width, self->kernel_grad->data, (int) self->n_points, top->features,
               (int) top->width, 0.0, self->feature_grad[0], (int) top->width);
  for (guint i = self->n_hidden; i-- > self->first_dense;)
    {
      const NetworkLayer *net = &self->layers[i];
      const double *below = features_below (self, i);
      double *grad = self->feature_grad[current];

      if (net->kind == KS_LAYER_DENSE)
        {
          gboolean more = i > self->first_dense;

          dense_backward (self, net, below, theta, grad, param_grad,
                          more ? self->feature_grad[1 - current] : NULL);
          current = 1 - current;
        }
      else if (net->kind != KS_LAYER_IDENTITY)
        nonlinearity_backward (net, below, self->n_points, grad);
    }
}

gboolean
ks_network_log_density (KsNetwork    *self,
                        const double *theta,
                        double       *log_density,
                        double       *gradient,
                        GError      **error)
{
  double prior, likelihood = 0.0;

  g_return_val_if_fail (self != NULL && theta != NULL && log_density != NULL, FALSE);

  prior = -0.5 * cblas_ddot ((int) self->n_params, theta, 1, theta, 1);

  if (gradient != NULL)
    for (gsize k = 0; k < self->n_params; k++)
      gradient[k] = -theta[k];
  if (!isfinite (prior))
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_NON_FINITE,
                           "the weights are not finite (the trajectory has diverged)");
      return FALSE;
    }
  if (self->outputs != NULL)
    {
      ks_network_forward (self, theta);
      if (!output_log_likelihood (self, &likelihood, error))
        return FALSE;
      if (gradient != NULL)
        ks_network_backward (self, theta, gradient);
    }
  *log_density = prior + likelihood;
  return TRUE;
}

/* ---- Gram matrices ---- */

static gboolean
check_gram (const KsNetwork  *self,
            guint             index,
            const gsl_matrix *gram,
            GError          **error)
{
  GError *local_error = NULL;
  g_autofree char *name = NULL;

  if (ks_matrix_check_finite (gram, "the Gram matrix", &local_error))
    return TRUE;
  name = ks_layer_describe (ks_stack_get_layer (self->stack, index));
  g_propagate_prefixed_error (error, local_error, "layer %u (%s): ", index + 1, name);
  return FALSE;
}

gboolean
ks_network_layer_grams (KsNetwork    *self,
                        const double *theta,
                        gsl_matrix  **grams,
                        GError      **error)
{
  g_return_val_if_fail (self != NULL && theta != NULL && grams != NULL, FALSE);

  ks_network_forward (self, theta);
  for (guint i = 0; i < self->n_layers; i++)
    {
      if (i < self->n_hidden)
        {
          gsl_matrix_const_view features = gsl_matrix_const_view_array (
            self->layers[i].features, self->n_points, self->layers[i].width);

          ks_gram (&features.matrix, 1.0 / self->layers[i].width, grams[i]);
        }
      else
        {
          gsl_matrix_memcpy (grams[i], grams[i - 1]);
          for (gsize k = 0; k < self->n_points; k++)
            *gsl_matrix_ptr (grams[i], k, k) += self->noise_var;
        }
      if (!check_gram (self, i, grams[i], error))
        return FALSE;
    }
  return TRUE;
}
