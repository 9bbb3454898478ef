/* ks-document-state.c: every setting of one experiment as a plain value, with its limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-document-state.h"

#include <math.h>

#include "ks-dataset.h"
#include "ks-error.h"

void
ks_document_state_init_default (KsDocumentState *state)
{
  *state = (KsDocumentState) {
    .stack = ks_stack_parse (KS_DEFAULT_STACK, NULL),
    .data_source = g_strdup (KS_DEFAULT_DATA_SOURCE),
    .n_points = 200,
    .seed = 1,
    .n_outputs = 0,
    .noise = 0.1,
    .n_samples = 16,
    .posterior_method = KS_POSTERIOR_DKM,
    .width_scale = 1.0,
    .cka_kind = KS_CKA_LINEAR,
    .cka_tau = 1.0,
    .colormap = g_strdup (KS_DEFAULT_COLORMAP),
  };
  g_assert (state->stack != NULL);
}

void
ks_document_state_clear (KsDocumentState *state)
{
  g_clear_pointer (&state->stack, ks_stack_unref);
  g_clear_pointer (&state->data_source, g_free);
  g_clear_pointer (&state->colormap, g_free);
}

void
ks_document_state_copy (KsDocumentState       *dest,
                        const KsDocumentState *src)
{
  *dest = *src;
  dest->stack = ks_stack_copy (src->stack);
  dest->data_source = g_strdup (src->data_source);
  dest->colormap = g_strdup (src->colormap);
}

static gboolean
check_uint (const char *member,
            guint64     value,
            guint64     min,
            guint64     max,
            GError    **error)
{
  if (value >= min && value <= max)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
               "the member \"%s\" must be between %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT
               ", got %" G_GUINT64_FORMAT, member, min, max, value);
  return FALSE;
}

static gboolean
check_double (const char *member,
              double      value,
              double      min,
              double      max,
              GError    **error)
{
  if (isfinite (value) && value >= min && value <= max)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
               "the member \"%s\" must be between %g and %g, got %g", member, min, max, value);
  return FALSE;
}

gboolean
ks_document_state_validate (const KsDocumentState *state,
                            GError               **error)
{
  if (ks_stack_get_n_layers (state->stack) == 0)
    return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                        "the member \"stack\" has no layers: add at least one dense layer"), FALSE;
  if (state->data_source == NULL || *state->data_source == '\0')
    return g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                        "the member \"data\" is empty: name a data set or a file"), FALSE;
  return check_uint ("points", state->n_points, KS_POINTS_MIN, KS_POINTS_MAX, error)
         && check_uint ("seed", state->seed, 0, KS_SEED_MAX, error)
         && check_uint ("outputs", state->n_outputs, 0, KS_OUTPUTS_MAX, error)
         && check_double ("noise", state->noise, KS_NOISE_MIN, KS_NOISE_MAX, error)
         && check_uint ("samples", state->n_samples, KS_SAMPLES_MIN, KS_SAMPLES_MAX, error)
         && check_double ("width-scale", state->width_scale,
                          KS_WIDTH_SCALE_MIN, KS_WIDTH_SCALE_MAX, error)
         && check_double ("tau", state->cka_tau, KS_CKA_TAU_MIN, KS_CKA_TAU_MAX, error);
}

static const char *
nonlinearity_name (KsLayerKind kind)
{
  switch (kind)
    {
    case KS_LAYER_RELU: return "ReLU";
    case KS_LAYER_ERF: return "erf";
    case KS_LAYER_TANH: return "tanh";
    case KS_LAYER_GELU: return "GELU";
    case KS_LAYER_DENSE:
    case KS_LAYER_IDENTITY:
    case KS_LAYER_READOUT:
    default:
      return NULL;
    }
}

/* "ReLU", "ReLU and erf", or "deep linear" when no layer bends its input. */
static char *
describe_nonlinearities (const KsStack *stack)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < ks_stack_get_n_layers (stack); i++)
    {
      const char *name = nonlinearity_name (ks_stack_get_layer (stack, i)->kind);

      if (name != NULL && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, (gpointer) name);
    }
  if (names->len == 0)
    return g_strdup (ks_stack_is_deep_linear (stack) ? "deep linear" : "linear");
  if (names->len == 1)
    return g_strdup (g_ptr_array_index (names, 0));
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" and ", (char **) names->pdata);
}

/* A finite dense layer with infinite ones on both sides is a bottleneck: only there does
 * the network learn a representation the infinite network cannot. */
static char *
describe_widths (const KsStack *stack)
{
  gboolean seen_infinite = FALSE, finite_after_infinite = FALSE, bottleneck = FALSE;
  guint n_finite = 0, n_infinite = 0, common_width = 0;
  gboolean same_width = TRUE;

  for (guint i = 0; i < ks_stack_get_n_layers (stack); i++)
    {
      const KsLayer *layer = ks_stack_get_layer (stack, i);

      if (layer->kind != KS_LAYER_DENSE)
        continue;
      if (layer->width == KS_WIDTH_INFINITE)
        {
          n_infinite++;
          bottleneck = bottleneck || finite_after_infinite;
          seen_infinite = TRUE;
          continue;
        }
      if (n_finite++ == 0)
        common_width = layer->width;
      same_width = same_width && layer->width == common_width;
      finite_after_infinite = finite_after_infinite || seen_infinite;
    }
  if (n_finite == 0)
    return g_strdup (n_infinite > 0 ? ", infinite width" : "");
  if (bottleneck)
    return g_strdup (" with a bottleneck");
  if (n_infinite > 0)
    return g_strdup (" with finite layers");
  if (same_width)
    return g_strdup_printf (", width %u", common_width);
  return g_strdup (", finite width");
}

char *
ks_describe_stack (const KsStack *stack)
{
  g_autofree char *nonlinearities = NULL;
  g_autofree char *widths = NULL;

  if (ks_stack_get_n_layers (stack) == 0)
    return g_strdup ("no layers");
  nonlinearities = describe_nonlinearities (stack);
  widths = describe_widths (stack);
  return g_strconcat (nonlinearities, widths, NULL);
}

char *
ks_describe_data_source (const char *data_source)
{
  if (data_source == NULL)
    return g_strdup ("no data");
  if (ks_dataset_is_builtin_name (data_source))
    return g_strdup (data_source);
  return g_path_get_basename (data_source);
}
