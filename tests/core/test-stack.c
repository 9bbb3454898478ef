/* test-stack.c: the layer list and its text form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ks-error.h"
#include "ks-stack.h"

static void
test_parse_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStack) stack =
    ks_stack_parse ("dense:inf:wv=2,relu,dense:16,relu,dense:inf:wv=2,relu", &error);
  const KsLayer *layer;

  g_assert_no_error (error);
  g_assert_cmpuint (ks_stack_get_n_layers (stack), ==, 6);
  layer = ks_stack_get_layer (stack, 0);
  g_assert_cmpint (layer->kind, ==, KS_LAYER_DENSE);
  g_assert_cmpuint (layer->width, ==, KS_WIDTH_INFINITE);
  g_assert_cmpfloat (layer->weight_var, ==, 2.0);
  g_assert_cmpfloat (layer->bias_var, ==, 0.0);
  layer = ks_stack_get_layer (stack, 2);
  g_assert_cmpuint (layer->width, ==, 16);
  g_assert_cmpfloat (layer->weight_var, ==, 1.0);
  g_assert_cmpint (ks_stack_get_layer (stack, 5)->kind, ==, KS_LAYER_RELU);
  g_assert_null (ks_stack_get_readout (stack));
  g_assert_true (ks_stack_has_finite_layer (stack));
  g_assert_false (ks_stack_is_deep_linear (stack));
}

/* Canonical specs print back to the same text, and every stack reads back equal. */
static void
test_round_trip (void)
{
  static const char *specs[] = {
    "dense:inf:wv=2,relu,dense:16,relu,dense:inf:wv=2,relu",
    "dense:1",
    "dense:1048576:wv=0.1:bv=1e-05,erf,tanh,gelu,identity,readout:10:noise=0.01",
    "dense:inf:wv=1.2345678901234567:bv=3.3333333333333335,relu,readout:1",
    "dense:7:bv=2.5e-300,readout:65536:noise=1e+300",
  };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsStack) stack = ks_stack_parse (specs[i], &error);
      g_autofree char *text = NULL;
      g_autoptr(KsStack) again = NULL;

      g_assert_no_error (error);
      text = ks_stack_to_string (stack);
      g_assert_cmpstr (text, ==, specs[i]);
      again = ks_stack_parse (text, &error);
      g_assert_no_error (error);
      g_assert_true (ks_stack_equal (stack, again));
    }
}

/* Random doubles survive format -> parse bit for bit, and defaults are written out. */
static void
test_round_trip_random_values (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(KsStack) stack = ks_stack_new ();
      g_autoptr(KsStack) again = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      KsLayer dense = ks_layer_dense (g_rand_int_range (rand, 0, 5000),
                                      exp (g_rand_double_range (rand, -30, 30)),
                                      g_rand_boolean (rand) ? 0.0 : g_rand_double (rand));
      KsLayer readout = ks_layer_readout (g_rand_int_range (rand, 1, 100),
                                          g_rand_double_range (rand, 0, 1e-3));

      g_assert_true (ks_stack_append (stack, &dense, NULL));
      g_assert_true (ks_stack_append (stack, &readout, NULL));
      text = ks_stack_to_string (stack);
      again = ks_stack_parse (text, &error);
      g_assert_no_error (error);
      g_assert_true (ks_stack_equal (stack, again));
    }
  g_rand_free (rand);
}

static void
test_format_double_shortest (void)
{
  g_autofree char *a = ks_format_double (0.1);
  g_autofree char *b = ks_format_double (2.0);
  g_autofree char *c = ks_format_double (1.0 / 3.0);
  g_autofree char *d = ks_format_double (10.0);
  g_autofree char *e = ks_format_double (1e-5);
  g_autofree char *f = ks_format_double (1500.0);

  g_assert_cmpstr (a, ==, "0.1");
  g_assert_cmpstr (b, ==, "2");
  g_assert_cmpstr (d, ==, "10");
  g_assert_cmpstr (e, ==, "1e-05");
  g_assert_cmpstr (f, ==, "1500");
  g_assert_cmpfloat (g_ascii_strtod (c, NULL), ==, 1.0 / 3.0);
  g_assert_cmpuint (strlen (c), ==, 18); /* 0. plus 16 digits: the shortest exact form */
}

static void
test_whitespace_tolerated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStack) stack = ks_stack_parse ("  dense:8 , relu ,readout:2 ", &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = ks_stack_to_string (stack);
  g_assert_cmpstr (text, ==, "dense:8,relu,readout:2");
}

/* Each malformed spec: a KS_ERROR_PARSE whose message names the token, its number and
 * what was expected. */
static void
test_malformed (void)
{
  static const struct { const char *spec; const char *expect[3]; } cases[] = {
    { "", { "empty", NULL } },
    { "   ", { "empty", NULL } },
    { "dense:abc", { "token 1", "'dense:abc'", "width" } },
    { "relu,dense:0", { "token 2", "character 6", "width" } },
    { "dense:-3", { "token 1", "'-3'", NULL } },
    { "dense:2000000", { "token 1", "1048576", NULL } },
    { "dense", { "token 1", "width", NULL } },
    { "dense:4:wv=0", { "token 1", "weight variance", "positive" } },
    { "dense:4:wv=-1", { "weight variance", NULL } },
    { "dense:4:wv=nan", { "number for wv", "'nan'", NULL } },
    { "dense:4:wv=inf", { "number for wv", NULL } },
    { "dense:4:bv=-0.5", { "bias variance", NULL } },
    { "dense:4:wv=1:wv=2", { "twice", NULL } },
    { "dense:4:xx=1", { "unknown option 'xx'", "wv=", NULL } },
    { "dense:4:wv", { "option like wv=VALUE", NULL } },
    { "dense:4:wv=1x", { "'1x'", NULL } },
    { "sigmoid", { "token 1", "unknown layer 'sigmoid'", "relu" } },
    { "relu:3", { "takes no options", NULL } },
    { "dense:4,,relu", { "token 2", "empty token", NULL } },
    { "dense:4,", { "token 2", "empty token", NULL } },
    { "readout", { "output channels", NULL } },
    { "readout:0", { "output channels", NULL } },
    { "readout:2:noise=-1", { "noise", NULL } },
    { "readout:2,relu", { "token 2", "readout must be the last layer", NULL } },
    { "readout:2,readout:3", { "readout must be the last", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsStack) stack = ks_stack_parse (cases[i].spec, &error);

      g_assert_null (stack);
      g_assert_error (error, KS_ERROR, KS_ERROR_PARSE);
      for (guint j = 0; j < 3 && cases[i].expect[j]; j++)
        if (strstr (error->message, cases[i].expect[j]) == NULL)
          g_error ("spec '%s': message '%s' lacks '%s'",
                   cases[i].spec, error->message, cases[i].expect[j]);
    }
}

static void
test_editing (void)
{
  g_autoptr(KsStack) stack = ks_stack_parse ("dense:4,relu,dense:8,readout:3", NULL);
  g_autoptr(GError) error = NULL;
  KsLayer erf = ks_layer_nonlinearity (KS_LAYER_ERF);
  KsLayer bad = ks_layer_dense (4, 0.0, 0.0);
  g_autofree char *text = NULL;

  /* A readout can not move away from the end. */
  g_assert_false (ks_stack_move (stack, 3, 0, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (ks_stack_move (stack, 0, 2, &error));
  g_assert_no_error (error);
  g_assert_true (ks_stack_insert (stack, 1, &erf, &error));
  g_assert_false (ks_stack_append (stack, &erf, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ks_stack_replace (stack, 0, &bad, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  ks_stack_remove (stack, 0);
  text = ks_stack_to_string (stack);
  g_assert_cmpstr (text, ==, "erf,dense:8,dense:4,readout:3");
  g_assert_nonnull (ks_stack_get_readout (stack));
  g_assert_true (ks_stack_is_deep_linear (stack) == FALSE);
}

static void
test_deep_linear (void)
{
  g_autoptr(KsStack) linear = ks_stack_parse ("dense:4:wv=2,identity,dense:inf,readout:2", NULL);
  g_autoptr(KsStack) biased = ks_stack_parse ("dense:4:bv=0.1", NULL);
  g_autoptr(KsStack) infinite = ks_stack_parse ("dense:inf,relu", NULL);

  g_assert_true (ks_stack_is_deep_linear (linear));
  g_assert_false (ks_stack_is_deep_linear (biased));
  g_assert_false (ks_stack_has_finite_layer (infinite));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stack/parse-example", test_parse_example);
  g_test_add_func ("/stack/round-trip", test_round_trip);
  g_test_add_func ("/stack/round-trip-random", test_round_trip_random_values);
  g_test_add_func ("/stack/format-double", test_format_double_shortest);
  g_test_add_func ("/stack/whitespace", test_whitespace_tolerated);
  g_test_add_func ("/stack/malformed", test_malformed);
  g_test_add_func ("/stack/editing", test_editing);
  g_test_add_func ("/stack/deep-linear", test_deep_linear);
  return g_test_run ();
}
