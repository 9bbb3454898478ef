/* ks-stack-presets.c: ready-made networks for the stack editor's "Presets" menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-stack-presets.h"

static const struct
{
  KsStackPreset preset;
  const char *name;
  const char *hidden_layers;
} presets[] = {
  { KS_STACK_PRESET_DEEP_LINEAR, "deep-linear",
    "dense:64,identity,dense:64,identity,dense:64,identity" },
  { KS_STACK_PRESET_RELU_MLP, "relu-mlp",
    "dense:64:wv=2,relu,dense:64:wv=2,relu,dense:64:wv=2,relu" },
  { KS_STACK_PRESET_BOTTLENECK, "bottleneck",
    "dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf:wv=2,relu" },
  { KS_STACK_PRESET_ERF, "erf",
    "dense:64:wv=2,erf,dense:64:wv=2,erf,dense:64:wv=2,erf" },
};

const char *
ks_stack_preset_to_string (KsStackPreset preset)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (presets[i].preset == preset)
      return presets[i].name;
  return "unknown";
}

gboolean
ks_stack_preset_from_string (const char    *name,
                             KsStackPreset *preset)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (presets[i].name, name) == 0)
      {
        *preset = presets[i].preset;
        return TRUE;
      }
  return FALSE;
}

KsStack *
ks_stack_preset_build (KsStackPreset  preset,
                       const KsLayer *readout)
{
  KsLayer default_readout = ks_layer_readout (10, 0.1);
  KsStack *stack = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (presets) && stack == NULL; i++)
    if (presets[i].preset == preset)
      stack = ks_stack_parse (presets[i].hidden_layers, NULL);

  g_return_val_if_fail (stack != NULL, NULL);

  if (readout == NULL || !ks_stack_append (stack, readout, NULL))
    {
      gboolean ok = ks_stack_append (stack, &default_readout, NULL);

      g_assert (ok);
    }
  return stack;
}
