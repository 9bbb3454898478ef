/* ks-stack-scale.c: the global depth and width transforms of the stack editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-stack-scale.h"

#include <math.h>

#include "ks-error.h"

/* One block: a run of layers starting at a dense layer, as [start, start + length). */
typedef struct
{
  guint start;
  guint length;
} Block;

typedef struct
{
  guint   n_body;    /* layers before the readout */
  guint   n_prefix;  /* layers before the first dense layer */
  GArray *blocks;    /* of Block */
} StackShape;

static void
stack_shape_clear (StackShape *shape)
{
  g_clear_pointer (&shape->blocks, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StackShape, stack_shape_clear)

static void
stack_shape_init (StackShape    *shape,
                  const KsStack *stack)
{
  guint n_layers = ks_stack_get_n_layers (stack);

  shape->n_body = ks_stack_get_readout (stack) != NULL ? n_layers - 1 : n_layers;
  shape->n_prefix = shape->n_body;
  shape->blocks = g_array_new (FALSE, FALSE, sizeof (Block));

  for (guint i = 0; i < shape->n_body; i++)
    {
      if (ks_stack_get_layer (stack, i)->kind == KS_LAYER_DENSE)
        {
          Block block = { i, 1 };

          if (shape->blocks->len == 0)
            shape->n_prefix = i;
          g_array_append_val (shape->blocks, block);
        }
      else if (shape->blocks->len > 0)
        g_array_index (shape->blocks, Block, shape->blocks->len - 1).length++;
    }
}

static gboolean
blocks_equal (const KsStack *stack,
              const Block   *a,
              const Block   *b)
{
  if (a->length != b->length)
    return FALSE;
  for (guint i = 0; i < a->length; i++)
    if (!ks_layer_equal (ks_stack_get_layer (stack, a->start + i),
                         ks_stack_get_layer (stack, b->start + i)))
      return FALSE;
  return TRUE;
}

/* The smallest p with tail[i] == tail[i - p] for every i >= p: the blocks after the first
 * are that many blocks repeated, the last repetition possibly cut short. */
static guint
tail_period (const KsStack *stack,
             const GArray  *blocks)
{
  const Block *tail = &g_array_index (blocks, Block, 1);
  guint n_tail = blocks->len - 1;

  for (guint period = 1; period < n_tail; period++)
    {
      gboolean periodic = TRUE;

      for (guint i = period; i < n_tail && periodic; i++)
        periodic = blocks_equal (stack, &tail[i], &tail[i - period]);
      if (periodic)
        return period;
    }
  return n_tail;
}

static void
append_layers (KsStack       *out,
               const KsStack *stack,
               guint          start,
               guint          length)
{
  for (guint i = 0; i < length; i++)
    {
      gboolean ok = ks_stack_append (out, ks_stack_get_layer (stack, start + i), NULL);

      /* Every layer comes from a valid stack, in a valid order. */
      g_assert (ok);
    }
}

guint
ks_stack_get_depth (const KsStack *stack)
{
  g_auto(StackShape) shape = { 0 };

  stack_shape_init (&shape, stack);
  return shape.blocks->len;
}

KsStack *
ks_stack_with_depth (const KsStack *stack,
                     guint          depth,
                     GError       **error)
{
  g_auto(StackShape) shape = { 0 };
  g_autoptr(KsStack) out = NULL;
  const Block *blocks;
  guint n_layers = ks_stack_get_n_layers (stack);

  if (depth < KS_DEPTH_MIN || depth > KS_DEPTH_MAX)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "depth must be between %u and %u, got %u", KS_DEPTH_MIN, KS_DEPTH_MAX, depth);
      return NULL;
    }

  stack_shape_init (&shape, stack);
  if (shape.blocks->len == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
                           "the network has no dense layer to repeat: add a dense layer first");
      return NULL;
    }

  blocks = &g_array_index (shape.blocks, Block, 0);
  out = ks_stack_new ();
  append_layers (out, stack, 0, shape.n_prefix + blocks[0].length);

  if (depth > 1)
    {
      gboolean has_tail = shape.blocks->len > 1;
      const Block *tail = has_tail ? &blocks[1] : &blocks[0];
      guint period = has_tail ? tail_period (stack, shape.blocks) : 1;

      for (guint i = 0; i + 1 < depth; i++)
        append_layers (out, stack, tail[i % period].start, tail[i % period].length);
    }

  if (shape.n_body < n_layers)
    append_layers (out, stack, shape.n_body, 1);
  return g_steal_pointer (&out);
}

KsStack *
ks_stack_with_width (const KsStack *stack,
                     guint          width)
{
  KsStack *out = ks_stack_copy (stack);

  g_return_val_if_fail (width <= KS_WIDTH_MAX, out);

  for (guint i = 0; i < ks_stack_get_n_layers (out); i++)
    {
      KsLayer layer = *ks_stack_get_layer (out, i);
      gboolean ok;

      if (layer.kind != KS_LAYER_DENSE)
        continue;
      layer.width = width;
      ok = ks_stack_replace (out, i, &layer, NULL);
      /* Only the width changed, to a valid one. */
      g_assert (ok);
    }
  return out;
}

/* Widths in the order of their "size": infinite above every finite width. */
static guint64
width_rank (guint width)
{
  return width == KS_WIDTH_INFINITE ? G_MAXUINT64 : width;
}

gboolean
ks_stack_get_width_range (const KsStack *stack,
                          guint         *narrowest,
                          guint         *widest)
{
  gboolean found = FALSE;
  guint lo = 0, hi = 0;

  for (guint i = 0; i < ks_stack_get_n_layers (stack); i++)
    {
      const KsLayer *layer = ks_stack_get_layer (stack, i);

      if (layer->kind != KS_LAYER_DENSE)
        continue;
      if (!found || width_rank (layer->width) < width_rank (lo))
        lo = layer->width;
      if (!found || width_rank (layer->width) > width_rank (hi))
        hi = layer->width;
      found = TRUE;
    }
  if (narrowest != NULL)
    *narrowest = lo;
  if (widest != NULL)
    *widest = hi;
  return found;
}

char *
ks_width_format (guint width)
{
  if (width == KS_WIDTH_INFINITE)
    return g_strdup ("∞");
  return g_strdup_printf ("%u", width);
}

char *
ks_stack_format_width_range (const KsStack *stack)
{
  g_autofree char *lo_text = NULL;
  g_autofree char *hi_text = NULL;
  guint lo, hi;

  if (!ks_stack_get_width_range (stack, &lo, &hi))
    return g_strdup ("–");
  lo_text = ks_width_format (lo);
  if (lo == hi)
    return g_steal_pointer (&lo_text);
  hi_text = ks_width_format (hi);
  return g_strdup_printf ("%s–%s", lo_text, hi_text);
}

guint
ks_width_from_slider (double position)
{
  double exponent;

  if (isnan (position))
    return 1;
  /* The last half step snaps to the end stop, so the stop is easy to reach by dragging. */
  if (position >= 0.5 * (KS_WIDTH_SLIDER_FINITE_MAX + KS_WIDTH_SLIDER_INFINITE))
    return KS_WIDTH_INFINITE;
  exponent = CLAMP (position, 0.0, KS_WIDTH_SLIDER_FINITE_MAX);
  return (guint) lround (exp2 (exponent));
}

double
ks_width_to_slider (guint width)
{
  if (width == KS_WIDTH_INFINITE)
    return KS_WIDTH_SLIDER_INFINITE;
  return CLAMP (log2 ((double) width), 0.0, KS_WIDTH_SLIDER_FINITE_MAX);
}

const KsLogSlider ks_weight_var_slider = { -2.0, 2.0, FALSE };
const KsLogSlider ks_bias_var_slider = { -4.0, 1.0, TRUE };
const KsLogSlider ks_noise_var_slider = { -6.0, 1.0, FALSE };

double
ks_log_slider_get_lower (const KsLogSlider *slider)
{
  return slider->zero_stop ? slider->log_min - 1.0 : slider->log_min;
}

double
ks_round_significant (double value,
                      int    digits)
{
  int exponent;
  int shift;

  if (value == 0.0 || !isfinite (value))
    return value;
  exponent = (int) floor (log10 (fabs (value)));
  shift = digits - 1 - exponent;
  /* Divide or multiply by an exact power of ten, never by an inexact 10^-k. */
  if (shift >= 0)
    return round (value * pow (10.0, shift)) / pow (10.0, shift);
  return round (value / pow (10.0, -shift)) * pow (10.0, -shift);
}

double
ks_log_slider_to_value (const KsLogSlider *slider,
                        double             position)
{
  if (isnan (position))
    return slider->zero_stop ? 0.0 : pow (10.0, slider->log_min);
  if (slider->zero_stop && position < slider->log_min - 0.5)
    return 0.0;
  position = CLAMP (position, slider->log_min, slider->log_max);
  return ks_round_significant (pow (10.0, position), 3);
}

double
ks_log_slider_to_position (const KsLogSlider *slider,
                           double             value)
{
  if (!(value > 0.0))
    return ks_log_slider_get_lower (slider);
  return CLAMP (log10 (value), slider->log_min, slider->log_max);
}

char *
ks_variance_format (double value)
{
  char mantissa[G_ASCII_DTOSTR_BUF_SIZE];
  int exponent;

  if (value == 0.0)
    return g_strdup ("off");
  if (!isfinite (value) || value >= 0.01)
    return g_strdup (g_ascii_formatd (mantissa, sizeof mantissa, "%.3g", value));
  /* Small values in a short exponent form ("6.5e-3"), so the label never outgrows the six
   * characters it is given and the slider beside it keeps its place during a drag. */
  exponent = (int) floor (log10 (value));
  g_ascii_formatd (mantissa, sizeof mantissa, "%.2g", value / pow (10.0, exponent));
  if (g_str_equal (mantissa, "10"))
    {
      exponent++;
      g_strlcpy (mantissa, "1", sizeof mantissa);
    }
  return g_strdup_printf ("%se%d", mantissa, exponent);
}
