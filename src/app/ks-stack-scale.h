/* ks-stack-scale.h: the global depth and width transforms of the stack editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions on KsStack: no widgets, so they are tested without a display.
 *
 * Depth rule. The layers before the readout split into blocks: a block is one dense layer
 * followed by the nonlinearities after it (layers before the first dense layer form a
 * prefix that is kept). The depth of a stack is its number of blocks, which is its number
 * of dense layers. Setting the depth keeps the prefix, the first block (the input layer)
 * and the readout, and fills the hidden part by repeating, cyclically, the shortest
 * pattern of blocks that the blocks after the first one follow. So a ReLU MLP stays a ReLU
 * MLP, and the bottleneck network "inf, 16, inf" becomes "inf, 16, inf, 16, inf" at depth
 * 5 and "inf, 16" at depth 2. A stack of a single block repeats that block.
 *
 * Width rule. The width control sets every dense layer (every dense layer is hidden: the
 * readout is the output) to one width, finite or infinite.
 */
#pragma once

#include "ks-stack.h"

G_BEGIN_DECLS

#define KS_DEPTH_MIN 1u
#define KS_DEPTH_MAX 20u

/* The width slider is log2(width) from 0 (width 1) to 12 (width 4096), with one more
 * step, KS_WIDTH_SLIDER_INFINITE, as the "infinite" end stop. */
#define KS_WIDTH_SLIDER_FINITE_MAX 12.0
#define KS_WIDTH_SLIDER_INFINITE   13.0

guint     ks_stack_get_depth          (const KsStack *stack);
KsStack  *ks_stack_with_depth         (const KsStack *stack,
                                       guint          depth,
                                       GError       **error);

KsStack  *ks_stack_with_width         (const KsStack *stack,
                                       guint          width);
/* The narrowest and widest dense layers, KS_WIDTH_INFINITE ranking above every finite
 * width. FALSE when the stack has no dense layer. */
gboolean  ks_stack_get_width_range    (const KsStack *stack,
                                       guint         *narrowest,
                                       guint         *widest);
/* "64", "∞", or "16–∞" for a stack of mixed widths; "–" without dense layers. */
char     *ks_stack_format_width_range (const KsStack *stack);

guint     ks_width_from_slider        (double         position);
double    ks_width_to_slider          (guint          width);
/* "64" or "∞". */
char     *ks_width_format             (guint          width);

/* A variance slider is log10 of the value from log_min to log_max. With zero_stop it has
 * one more decade on the left, whose far half is the value 0 ("off"). Values are rounded
 * to three significant digits, so the stack's text form stays readable. */
typedef struct
{
  double   log_min;
  double   log_max;
  gboolean zero_stop;
} KsLogSlider;

extern const KsLogSlider ks_weight_var_slider;  /* 1e-2 .. 1e2 */
extern const KsLogSlider ks_bias_var_slider;    /* 0, 1e-4 .. 1e1 */
extern const KsLogSlider ks_noise_var_slider;   /* 1e-6 .. 1e1, the document's range */

double    ks_log_slider_get_lower     (const KsLogSlider *slider);
double    ks_log_slider_to_value      (const KsLogSlider *slider,
                                       double             position);
double    ks_log_slider_to_position   (const KsLogSlider *slider,
                                       double             value);
double    ks_round_significant        (double             value,
                                       int                digits);
/* At most six characters: "2", "28.7", "0.0123", "6.5e-3", or "off" for 0. */
char     *ks_variance_format          (double             value);

G_END_DECLS
