/* ks-stack-presets.h: ready-made networks for the stack editor's "Presets" menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every preset has three hidden blocks (depth 3), then the readout it is given:
 *   deep linear   dense:64,identity x 3             (MATHS section 2: sw2 = 1, sb2 = 0)
 *   ReLU MLP      dense:64:wv=2,relu x 3            (wv = 2 keeps ReLU kernels at unit scale)
 *   bottleneck    dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf:wv=2,relu
 *                 (an infinite network with one finite layer: it learns representations)
 *   erf network   dense:64:wv=2,erf x 3
 */
#pragma once

#include "ks-stack.h"

G_BEGIN_DECLS

typedef enum
{
  KS_STACK_PRESET_DEEP_LINEAR,
  KS_STACK_PRESET_RELU_MLP,
  KS_STACK_PRESET_BOTTLENECK,
  KS_STACK_PRESET_ERF,
} KsStackPreset;

#define KS_STACK_PRESET_LAST KS_STACK_PRESET_ERF

/* "deep-linear", "relu-mlp", "bottleneck", "erf": the names used by actions. */
const char  *ks_stack_preset_to_string   (KsStackPreset  preset);
gboolean     ks_stack_preset_from_string (const char    *name,
                                          KsStackPreset *preset);
/* The preset's hidden layers followed by @readout, or by the default readout (10
 * outputs, noise variance 0.1) when @readout is NULL. */
KsStack     *ks_stack_preset_build       (KsStackPreset  preset,
                                          const KsLayer *readout);

G_END_DECLS
