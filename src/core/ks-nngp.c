/* ks-nngp.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The infinite-width kernels of MATHS section 1, layer by layer. The NTK follows the
 * neural-tangents convention: Theta starts at 0 on the input, a dense layer gives
 * C + sw2 Theta_in, a nonlinearity Theta_in .* Gdot(C_in), the readout leaves it.
 */
#include "ks-nngp.h"

#include "ks-activation.h"
#include "ks-error.h"
#include "ks-linalg.h"

static gboolean
check_same_square_size (const gsl_matrix *g_in,
                        const gsl_matrix *g_out,
                        GError          **error)
{
  if (g_in->size1 != g_in->size2 || g_out->size1 != g_in->size1 || g_out->size2 != g_in->size2)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "A layer maps a square kernel to one of the same size, not %zu x %zu "
                   "to %zu x %zu", g_in->size1, g_in->size2, g_out->size1, g_out->size2);
      return FALSE;
    }
  return TRUE;
}

/* C = sw2 G + sb2 11^T */
static void
dense_forward (const KsLayer    *layer,
               const gsl_matrix *g_in,
               gsl_matrix       *g_out)
{
  double sw2 = layer->weight_var, sb2 = layer->bias_var;

  /* One pass: these matrices are megabytes, and the pass is memory-bound. */
  for (gsize i = 0; i < g_in->size1; i++)
    {
      const double *in = gsl_matrix_const_ptr (g_in, i, 0);
      double *out = gsl_matrix_ptr (g_out, i, 0);

      for (gsize j = 0; j < g_in->size2; j++)
        out[j] = sw2 * in[j] + sb2;
    }
}

/* G + s2 I */
static void
readout_forward (const KsLayer    *layer,
                 const gsl_matrix *g_in,
                 gsl_matrix       *g_out)
{
  gsl_matrix_memcpy (g_out, g_in);
  for (gsize i = 0; i < g_out->size1; i++)
    *gsl_matrix_ptr (g_out, i, i) += layer->noise_var;
}

gboolean
ks_layer_forward_infinite (const KsLayer    *layer,
                           const gsl_matrix *g_in,
                           gsl_matrix       *g_out,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_return_val_if_fail (layer != NULL && g_in != NULL && g_out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ks_core_init ();
  if (!ks_layer_validate (layer, error) || !check_same_square_size (g_in, g_out, error))
    return FALSE;

  switch (layer->kind)
    {
    case KS_LAYER_DENSE:
      dense_forward (layer, g_in, g_out);
      return TRUE;
    case KS_LAYER_READOUT:
      readout_forward (layer, g_in, g_out);
      return TRUE;
    case KS_LAYER_IDENTITY:
    case KS_LAYER_RELU:
    case KS_LAYER_ERF:
    case KS_LAYER_TANH:
    case KS_LAYER_GELU:
    default:
      return ks_activation_kernel (layer->kind, g_in, g_out, NULL, cancellable, error);
    }
}

/* y += alpha x */
static void
add_scaled (gsl_matrix       *y,
            double            alpha,
            const gsl_matrix *x)
{
  for (gsize i = 0; i < y->size1; i++)
    {
      double *y_row = gsl_matrix_ptr (y, i, 0);
      const double *x_row = gsl_matrix_const_ptr (x, i, 0);

      for (gsize j = 0; j < y->size2; j++)
        y_row[j] += alpha * x_row[j];
    }
}

/* One layer's NNGP and, when theta is not NULL, NTK. theta_in NULL stands for the zero
 * NTK of the input. */
static gboolean
propagate_layer (const KsLayer    *layer,
                 const gsl_matrix *nngp_in,
                 const gsl_matrix *theta_in,
                 gsl_matrix       *nngp,
                 gsl_matrix       *theta,
                 GCancellable     *cancellable,
                 GError          **error)
{
  if (!ks_layer_validate (layer, error))
    return FALSE;

  switch (layer->kind)
    {
    case KS_LAYER_DENSE:
      dense_forward (layer, nngp_in, nngp);
      if (theta != NULL)
        {
          gsl_matrix_memcpy (theta, nngp);
          if (theta_in != NULL)
            add_scaled (theta, layer->weight_var, theta_in);
        }
      return TRUE;

    case KS_LAYER_READOUT:
      readout_forward (layer, nngp_in, nngp);
      if (theta != NULL)
        {
          if (theta_in != NULL)
            gsl_matrix_memcpy (theta, theta_in);
          else
            gsl_matrix_set_zero (theta);
        }
      return TRUE;

    default:
      if (!ks_activation_kernel (layer->kind, nngp_in, nngp, theta, cancellable, error))
        return FALSE;
      if (theta != NULL)
        {
          /* theta holds Gdot(C_in) here */
          if (theta_in != NULL)
            gsl_matrix_mul_elements (theta, theta_in);
          else
            gsl_matrix_set_zero (theta);
        }
      return TRUE;
    }
}

/* A nonlinearity's map has checked its own kernel while writing it; the NTK product and
 * the affine maps can still overflow. */
static gboolean
check_layer_results (const KsLayer    *layer,
                     const gsl_matrix *nngp,
                     const gsl_matrix *theta,
                     GError          **error)
{
  if (!ks_layer_kind_is_nonlinearity (layer->kind)
      && !ks_matrix_check_finite (nngp, "The NNGP kernel", error))
    return FALSE;
  return theta == NULL || ks_matrix_check_finite (theta, "The NTK", error);
}

static gboolean
check_allocated (const gsl_matrix *nngp,
                 const gsl_matrix *theta,
                 gsize             size,
                 GError          **error)
{
  if (nngp == NULL || theta == NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "Not enough memory for the %zu x %zu kernels", size, size);
      return FALSE;
    }
  return TRUE;
}

static void
free_layer_matrices (gsl_matrix **matrices,
                     guint        n)
{
  for (guint l = 0; l < n; l++)
    g_clear_pointer (&matrices[l], gsl_matrix_free);
}

gboolean
ks_nngp_propagate (const KsStack    *stack,
                   const gsl_matrix *k0,
                   gsl_matrix      **nngp,
                   gsl_matrix      **ntk,
                   GCancellable     *cancellable,
                   GError          **error)
{
  guint n_layers;
  gsize size;

  g_return_val_if_fail (stack != NULL && k0 != NULL && nngp != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ks_core_init ();
  n_layers = ks_stack_get_n_layers (stack);
  size = k0->size1;
  for (guint l = 0; l < n_layers; l++)
    {
      nngp[l] = NULL;
      if (ntk != NULL)
        ntk[l] = NULL;
    }
  if (k0->size2 != size)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The input kernel must be square, not %zu x %zu", k0->size1, k0->size2);
      return FALSE;
    }
  if (size == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID, "The input kernel is empty");
      return FALSE;
    }
  if (!ks_matrix_check_finite (k0, "The input kernel", error))
    return FALSE;

  for (guint l = 0; l < n_layers; l++)
    {
      const KsLayer *layer = ks_stack_get_layer (stack, l);
      const gsl_matrix *nngp_in = l == 0 ? k0 : nngp[l - 1];
      const gsl_matrix *theta_in = (l == 0 || ntk == NULL) ? NULL : ntk[l - 1];

      nngp[l] = gsl_matrix_alloc (size, size);
      if (ntk != NULL)
        ntk[l] = gsl_matrix_alloc (size, size);

      if (!check_allocated (nngp[l], ntk ? ntk[l] : nngp[l], size, error)
          || g_cancellable_set_error_if_cancelled (cancellable, error)
          || !propagate_layer (layer, nngp_in, theta_in, nngp[l], ntk ? ntk[l] : NULL,
                               cancellable, error)
          || !check_layer_results (layer, nngp[l], ntk ? ntk[l] : NULL, error))
        {
          g_prefix_error (error, "layer %u (%s): ", l + 1, ks_layer_kind_to_string (layer->kind));
          free_layer_matrices (nngp, l + 1);
          if (ntk != NULL)
            free_layer_matrices (ntk, l + 1);
          return FALSE;
        }
    }
  return TRUE;
}
