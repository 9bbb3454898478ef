/* ks-stack.c: the layer list and its one-line text form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-stack.h"

#include <math.h>
#include <string.h>

#include "ks-error.h"

struct _KsStack
{
  gatomicrefcount ref_count;
  GArray *layers; /* of KsLayer */
};

static const struct
{
  KsLayerKind kind;
  const char *name;
} kind_names[] = {
  { KS_LAYER_DENSE, "dense" },
  { KS_LAYER_IDENTITY, "identity" },
  { KS_LAYER_RELU, "relu" },
  { KS_LAYER_ERF, "erf" },
  { KS_LAYER_TANH, "tanh" },
  { KS_LAYER_GELU, "gelu" },
  { KS_LAYER_READOUT, "readout" },
};

const char *
ks_layer_kind_to_string (KsLayerKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (kind_names[i].kind == kind)
      return kind_names[i].name;
  return "unknown";
}

gboolean
ks_layer_kind_from_string (const char  *name,
                           KsLayerKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (kind_names[i].name, name))
      {
        *kind = kind_names[i].kind;
        return TRUE;
      }
  return FALSE;
}

gboolean
ks_layer_kind_is_nonlinearity (KsLayerKind kind)
{
  return kind != KS_LAYER_DENSE && kind != KS_LAYER_READOUT;
}

KsLayer
ks_layer_dense (guint  width,
                double weight_var,
                double bias_var)
{
  return (KsLayer) { .kind = KS_LAYER_DENSE, .width = width,
                     .weight_var = weight_var, .bias_var = bias_var };
}

KsLayer
ks_layer_nonlinearity (KsLayerKind kind)
{
  return (KsLayer) { .kind = kind };
}

KsLayer
ks_layer_readout (guint  n_out,
                  double noise_var)
{
  return (KsLayer) { .kind = KS_LAYER_READOUT, .width = n_out, .noise_var = noise_var };
}

gboolean
ks_layer_validate (const KsLayer *layer,
                   GError       **error)
{
  switch (layer->kind)
    {
    case KS_LAYER_DENSE:
      if (layer->width > KS_WIDTH_MAX)
        return g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                            "dense width %u is larger than the largest supported width %u",
                            layer->width, KS_WIDTH_MAX), FALSE;
      if (!(isfinite (layer->weight_var) && layer->weight_var > 0.0))
        return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                            "weight variance must be a positive number, got %g",
                            layer->weight_var), FALSE;
      if (!(isfinite (layer->bias_var) && layer->bias_var >= 0.0))
        return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                            "bias variance must be zero or positive, got %g",
                            layer->bias_var), FALSE;
      return TRUE;

    case KS_LAYER_READOUT:
      if (layer->width < 1 || layer->width > KS_N_OUT_MAX)
        return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                            "readout output channels must be between 1 and %u, got %u",
                            KS_N_OUT_MAX, layer->width), FALSE;
      if (!(isfinite (layer->noise_var) && layer->noise_var >= 0.0))
        return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                            "readout noise variance must be zero or positive, got %g",
                            layer->noise_var), FALSE;
      return TRUE;

    case KS_LAYER_IDENTITY:
    case KS_LAYER_RELU:
    case KS_LAYER_ERF:
    case KS_LAYER_TANH:
    case KS_LAYER_GELU:
      return TRUE;

    default:
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID, "unknown layer kind %d", layer->kind);
      return FALSE;
    }
}

gboolean
ks_layer_equal (const KsLayer *a,
                const KsLayer *b)
{
  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind)
    {
    case KS_LAYER_DENSE:
      return a->width == b->width && a->weight_var == b->weight_var && a->bias_var == b->bias_var;
    case KS_LAYER_READOUT:
      return a->width == b->width && a->noise_var == b->noise_var;
    default:
      return TRUE;
    }
}

char *
ks_layer_describe (const KsLayer *layer)
{
  switch (layer->kind)
    {
    case KS_LAYER_DENSE:
      if (layer->width == KS_WIDTH_INFINITE)
        return g_strdup ("dense ∞");
      return g_strdup_printf ("dense %u", layer->width);
    case KS_LAYER_READOUT:
      return g_strdup_printf ("readout %u", layer->width);
    default:
      return g_strdup (ks_layer_kind_to_string (layer->kind));
    }
}

KsStack *
ks_stack_new (void)
{
  KsStack *self = g_new0 (KsStack, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->layers = g_array_new (FALSE, FALSE, sizeof (KsLayer));
  return self;
}

KsStack *
ks_stack_ref (KsStack *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ks_stack_unref (KsStack *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_array_unref (self->layers);
      g_free (self);
    }
}

KsStack *
ks_stack_copy (const KsStack *self)
{
  KsStack *copy = ks_stack_new ();

  g_array_append_vals (copy->layers, self->layers->data, self->layers->len);
  return copy;
}

guint
ks_stack_get_n_layers (const KsStack *self)
{
  return self->layers->len;
}

const KsLayer *
ks_stack_get_layer (const KsStack *self,
                    guint          index)
{
  g_return_val_if_fail (index < self->layers->len, NULL);
  return &g_array_index (self->layers, KsLayer, index);
}

const KsLayer *
ks_stack_get_readout (const KsStack *self)
{
  const KsLayer *last;

  if (self->layers->len == 0)
    return NULL;
  last = ks_stack_get_layer (self, self->layers->len - 1);
  return last->kind == KS_LAYER_READOUT ? last : NULL;
}

/* A readout may only close the stack, and only once. */
static gboolean
check_readout_position (const GArray *layers,
                        GError      **error)
{
  for (guint i = 0; i + 1 < layers->len; i++)
    if (g_array_index (layers, KsLayer, i).kind == KS_LAYER_READOUT)
      {
        g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                     "the readout must be the last layer, but layer %u of %u is a readout",
                     i + 1, layers->len);
        return FALSE;
      }
  return TRUE;
}

gboolean
ks_stack_insert (KsStack       *self,
                 guint          index,
                 const KsLayer *layer,
                 GError       **error)
{
  g_return_val_if_fail (index <= self->layers->len, FALSE);

  if (!ks_layer_validate (layer, error))
    return FALSE;
  g_array_insert_val (self->layers, index, *layer);
  if (!check_readout_position (self->layers, error))
    {
      g_array_remove_index (self->layers, index);
      return FALSE;
    }
  return TRUE;
}

gboolean
ks_stack_append (KsStack       *self,
                 const KsLayer *layer,
                 GError       **error)
{
  return ks_stack_insert (self, self->layers->len, layer, error);
}

gboolean
ks_stack_replace (KsStack       *self,
                  guint          index,
                  const KsLayer *layer,
                  GError       **error)
{
  KsLayer old;

  g_return_val_if_fail (index < self->layers->len, FALSE);

  if (!ks_layer_validate (layer, error))
    return FALSE;
  old = g_array_index (self->layers, KsLayer, index);
  g_array_index (self->layers, KsLayer, index) = *layer;
  if (!check_readout_position (self->layers, error))
    {
      g_array_index (self->layers, KsLayer, index) = old;
      return FALSE;
    }
  return TRUE;
}

void
ks_stack_remove (KsStack *self,
                 guint    index)
{
  g_return_if_fail (index < self->layers->len);
  g_array_remove_index (self->layers, index);
}

gboolean
ks_stack_move (KsStack *self,
               guint    from,
               guint    to,
               GError **error)
{
  KsLayer layer;

  g_return_val_if_fail (from < self->layers->len && to < self->layers->len, FALSE);

  layer = g_array_index (self->layers, KsLayer, from);
  g_array_remove_index (self->layers, from);
  g_array_insert_val (self->layers, to, layer);
  if (!check_readout_position (self->layers, error))
    {
      g_array_remove_index (self->layers, to);
      g_array_insert_val (self->layers, from, layer);
      return FALSE;
    }
  return TRUE;
}

gboolean
ks_stack_equal (const KsStack *a,
                const KsStack *b)
{
  if (a->layers->len != b->layers->len)
    return FALSE;
  for (guint i = 0; i < a->layers->len; i++)
    if (!ks_layer_equal (ks_stack_get_layer (a, i), ks_stack_get_layer (b, i)))
      return FALSE;
  return TRUE;
}

gboolean
ks_stack_is_deep_linear (const KsStack *self)
{
  for (guint i = 0; i < self->layers->len; i++)
    {
      const KsLayer *layer = ks_stack_get_layer (self, i);

      if (layer->kind == KS_LAYER_DENSE && layer->bias_var != 0.0)
        return FALSE;
      if (ks_layer_kind_is_nonlinearity (layer->kind) && layer->kind != KS_LAYER_IDENTITY)
        return FALSE;
    }
  return TRUE;
}

gboolean
ks_stack_has_finite_layer (const KsStack *self)
{
  for (guint i = 0; i < self->layers->len; i++)
    {
      const KsLayer *layer = ks_stack_get_layer (self, i);

      if (layer->kind == KS_LAYER_DENSE && layer->width != KS_WIDTH_INFINITE)
        return TRUE;
    }
  return FALSE;
}
