/* test-stack-scale.c: the rules behind the stack editor's global sliders and presets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions on KsStack, tested without a display: this program never opens one.
 * Every expected stack is written out from the rule documented in ks-stack-scale.h and
 * ks-stack-presets.h, and compared in its text form.
 */
#include <math.h>

#include "ks-error.h"
#include "ks-stack-presets.h"
#include "ks-stack-scale.h"

#define BOTTLENECK_BODY "dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf:wv=2,relu"
#define READOUT "readout:10:noise=0.1"
#define BOTTLENECK BOTTLENECK_BODY "," READOUT

static KsStack *
parse (const char *spec)
{
  g_autoptr(GError) error = NULL;
  KsStack *stack = ks_stack_parse (spec, &error);

  g_assert_no_error (error);
  return stack;
}

static void
assert_stack_text (const KsStack *stack,
                   const char    *expected)
{
  g_autofree char *text = ks_stack_to_string (stack);

  g_assert_cmpstr (text, ==, expected);
}

/* The depth rule keeps the first block and the readout and repeats the pattern of the
 * blocks after the first, cyclically; depth counts dense layers. */
static void
test_depth_rule (void)
{
  static const struct { const char *spec; guint depth; const char *expected; } cases[] = {
    { BOTTLENECK, 5, BOTTLENECK_BODY ",dense:16:wv=2,relu,dense:inf:wv=2,relu," READOUT },
    { BOTTLENECK, 4, BOTTLENECK_BODY ",dense:16:wv=2,relu," READOUT },
    { BOTTLENECK, 2, "dense:inf:wv=2,relu,dense:16:wv=2,relu," READOUT },
    { BOTTLENECK, 1, "dense:inf:wv=2,relu," READOUT },
    { BOTTLENECK, 3, BOTTLENECK },
    /* A single block repeats itself; a stack without readout gets none. */
    { "dense:8,tanh", 3, "dense:8,tanh,dense:8,tanh,dense:8,tanh" },
    /* Leading layers before the first dense layer stay in front. */
    { "relu,dense:4,erf,readout:2", 2, "relu,dense:4,erf,dense:4,erf,readout:2" },
    /* A block may hold several nonlinearities, or none. */
    { "dense:3,dense:5,relu,identity,readout:1", 4,
      "dense:3,dense:5,relu,identity,dense:5,relu,identity,dense:5,relu,identity,readout:1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KsStack) stack = parse (cases[i].spec);
      g_autoptr(GError) error = NULL;
      g_autoptr(KsStack) deeper = ks_stack_with_depth (stack, cases[i].depth, &error);

      g_assert_no_error (error);
      assert_stack_text (deeper, cases[i].expected);
      g_assert_cmpuint (ks_stack_get_depth (deeper), ==, cases[i].depth);
    }
}

/* Depths outside 1..20 and stacks with nothing to repeat are refused with a message. */
static void
test_depth_refusals (void)
{
  g_autoptr(KsStack) stack = parse (BOTTLENECK);
  g_autoptr(KsStack) no_dense = parse ("relu," READOUT);
  g_autoptr(GError) error = NULL;

  g_assert_null (ks_stack_with_depth (stack, 0, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (ks_stack_with_depth (stack, KS_DEPTH_MAX + 1, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (ks_stack_with_depth (no_dense, 2, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED);
  g_assert_cmpuint (ks_stack_get_depth (no_dense), ==, 0);
  g_assert_cmpuint (ks_stack_get_depth (stack), ==, 3);
}

/* The width rule sets every dense layer and nothing else. */
static void
test_width_rule (void)
{
  g_autoptr(KsStack) stack = parse ("dense:inf:wv=2:bv=0.5,relu,dense:16,erf," READOUT);
  g_autoptr(KsStack) finite = ks_stack_with_width (stack, 64);
  g_autoptr(KsStack) infinite = ks_stack_with_width (stack, KS_WIDTH_INFINITE);
  g_autofree char *mixed = ks_stack_format_width_range (stack);
  g_autofree char *all_64 = ks_stack_format_width_range (finite);
  g_autofree char *all_inf = ks_stack_format_width_range (infinite);
  guint narrowest, widest;

  assert_stack_text (finite, "dense:64:wv=2:bv=0.5,relu,dense:64,erf," READOUT);
  assert_stack_text (infinite, "dense:inf:wv=2:bv=0.5,relu,dense:inf,erf," READOUT);
  g_assert_true (ks_stack_get_width_range (stack, &narrowest, &widest));
  g_assert_cmpuint (narrowest, ==, 16);
  g_assert_cmpuint (widest, ==, KS_WIDTH_INFINITE);
  g_assert_cmpstr (mixed, ==, "16–∞");
  g_assert_cmpstr (all_64, ==, "64");
  g_assert_cmpstr (all_inf, ==, "∞");
}

/* The width slider is log2 of the width, with the infinite stop past 4096; every width
 * from 1 to 4096 has a position that reads back to it exactly. */
static void
test_width_slider (void)
{
  g_assert_cmpuint (ks_width_from_slider (0.0), ==, 1);
  g_assert_cmpuint (ks_width_from_slider (6.0), ==, 64);
  g_assert_cmpuint (ks_width_from_slider (KS_WIDTH_SLIDER_FINITE_MAX), ==, 4096);
  g_assert_cmpuint (ks_width_from_slider (KS_WIDTH_SLIDER_INFINITE), ==, KS_WIDTH_INFINITE);
  g_assert_cmpuint (ks_width_from_slider (12.4), ==, 4096);
  g_assert_cmpuint (ks_width_from_slider (12.6), ==, KS_WIDTH_INFINITE);
  g_assert_cmpuint (ks_width_from_slider (-3.0), ==, 1);
  g_assert_cmpuint (ks_width_from_slider (NAN), ==, 1);
  g_assert_cmpfloat (ks_width_to_slider (KS_WIDTH_INFINITE), ==, KS_WIDTH_SLIDER_INFINITE);
  g_assert_cmpfloat (ks_width_to_slider (1 << 20), ==, KS_WIDTH_SLIDER_FINITE_MAX);
  for (guint width = 1; width <= 4096; width++)
    g_assert_cmpuint (ks_width_from_slider (ks_width_to_slider (width)), ==, width);
}

/* Variance sliders are log10 scales; values round to three significant digits, and the
 * bias slider's left end is exactly zero. */
static void
test_log_sliders (void)
{
  static const double values[] = { 0.01, 0.0123, 0.5, 1.0, 2.0, 3.14, 42.0, 100.0 };

  g_assert_cmpfloat (ks_log_slider_to_value (&ks_weight_var_slider, 0.0), ==, 1.0);
  g_assert_cmpfloat (ks_log_slider_to_value (&ks_weight_var_slider, log10 (2.0)), ==, 2.0);
  g_assert_cmpfloat (ks_log_slider_to_value (&ks_weight_var_slider, 7.0), ==, 100.0);
  g_assert_cmpfloat (ks_log_slider_to_value (&ks_weight_var_slider, 0.123), ==, 1.33);
  g_assert_cmpfloat (ks_log_slider_get_lower (&ks_bias_var_slider), ==, -5.0);
  g_assert_cmpfloat (ks_log_slider_to_value (&ks_bias_var_slider, -5.0), ==, 0.0);
  g_assert_cmpfloat (ks_log_slider_to_value (&ks_bias_var_slider, -4.6), ==, 0.0);
  g_assert_cmpfloat (ks_log_slider_to_value (&ks_bias_var_slider, -4.4), ==, 1e-4);
  g_assert_cmpfloat (ks_log_slider_to_position (&ks_bias_var_slider, 0.0), ==, -5.0);
  g_assert_cmpfloat (ks_log_slider_to_value (&ks_noise_var_slider, -6.0), ==, 1e-6);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      double position = ks_log_slider_to_position (&ks_weight_var_slider, values[i]);

      g_assert_cmpfloat (ks_log_slider_to_value (&ks_weight_var_slider, position), ==, values[i]);
    }
  g_assert_cmpfloat (ks_round_significant (123456.0, 3), ==, 123000.0);
  g_assert_cmpfloat (ks_round_significant (0.000123456, 3), ==, 0.000123);
}

/* Variance labels never exceed six characters anywhere on the three sliders (so the
 * slider beside one never moves during a drag), and read back to the value within the
 * rounding of their shortest form: 3 significant digits above 0.01 (0.5% at worst), 2 in
 * the exponent form below it (5% at worst). */
static void
test_variance_labels (void)
{
  static const KsLogSlider *sliders[] = {
    &ks_weight_var_slider, &ks_bias_var_slider, &ks_noise_var_slider,
  };
  static const struct { double value; const char *text; } cases[] = {
    { 0.0, "off" }, { 2.0, "2" }, { 28.7, "28.7" }, { 100.0, "100" }, { 0.0123, "0.0123" },
    { 0.00649, "6.5e-3" }, { 1e-4, "1e-4" }, { 0.00999, "1e-2" }, { 2.5e-6, "2.5e-6" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ks_variance_format (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  for (guint i = 0; i < G_N_ELEMENTS (sliders); i++)
    for (double p = ks_log_slider_get_lower (sliders[i]); p <= sliders[i]->log_max; p += 0.01)
      {
        double value = ks_log_slider_to_value (sliders[i], p);
        g_autofree char *text = ks_variance_format (value);

        g_assert_cmpint (g_utf8_strlen (text, -1), <=, 6);
        if (value > 0.0)
          g_assert_cmpfloat (fabs (g_ascii_strtod (text, NULL) - value), <=,
                             (value >= 0.01 ? 0.005 : 0.05) * value);
      }
}

/* Each preset is its documented stack, closed by the readout it is given. */
static void
test_presets (void)
{
  static const struct { const char *name; const char *body; } cases[] = {
    { "deep-linear", "dense:64,identity,dense:64,identity,dense:64,identity" },
    { "relu-mlp", "dense:64:wv=2,relu,dense:64:wv=2,relu,dense:64:wv=2,relu" },
    { "bottleneck", BOTTLENECK_BODY },
    { "erf", "dense:64:wv=2,erf,dense:64:wv=2,erf,dense:64:wv=2,erf" },
  };
  KsLayer readout = ks_layer_readout (3, 0.25);
  g_autoptr(KsStack) deep_linear = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *with_default = g_strconcat (cases[i].body, "," READOUT, NULL);
      g_autofree char *with_given = g_strconcat (cases[i].body, ",readout:3:noise=0.25", NULL);
      g_autoptr(KsStack) a = NULL;
      g_autoptr(KsStack) b = NULL;
      KsStackPreset preset;

      g_assert_true (ks_stack_preset_from_string (cases[i].name, &preset));
      g_assert_cmpstr (ks_stack_preset_to_string (preset), ==, cases[i].name);
      a = ks_stack_preset_build (preset, NULL);
      b = ks_stack_preset_build (preset, &readout);
      assert_stack_text (a, with_default);
      assert_stack_text (b, with_given);
      g_assert_cmpuint (ks_stack_get_depth (a), ==, 3);
    }
  deep_linear = ks_stack_preset_build (KS_STACK_PRESET_DEEP_LINEAR, NULL);
  g_assert_true (ks_stack_is_deep_linear (deep_linear));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stack-scale/depth-rule", test_depth_rule);
  g_test_add_func ("/stack-scale/depth-refusals", test_depth_refusals);
  g_test_add_func ("/stack-scale/width-rule", test_width_rule);
  g_test_add_func ("/stack-scale/width-slider", test_width_slider);
  g_test_add_func ("/stack-scale/log-sliders", test_log_sliders);
  g_test_add_func ("/stack-scale/variance-labels", test_variance_labels);
  g_test_add_func ("/stack-presets/documented-stacks", test_presets);

  return g_test_run ();
}
