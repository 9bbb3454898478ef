/* test-ticks.c: tick values and labels of ks-ticks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ks-ticks.h"

/* The mantissa of a 1-2-5 step, or 0 if value is not one. */
static double
one_two_five_mantissa (double value)
{
  double mantissa = value / pow (10.0, floor (log10 (value) + 1e-12));

  for (guint i = 0; i < 3; i++)
    {
      const double allowed[3] = { 1.0, 2.0, 5.0 };

      if (fabs (mantissa - allowed[i]) < 1e-9)
        return allowed[i];
    }
  return 0.0;
}

/* For ranges of every sign and magnitude: the step is 1, 2 or 5 times a power of ten;
 * each tick is a whole multiple of it (to 1e-6 of a step, the rounding of i * step);
 * ticks are evenly spaced, lie inside the range and leave less than a step uncovered at
 * either end; there are 3 to 8 of them. */
static void
test_linear_ranges (void)
{
  static const double ranges[][2] = {
    { 0, 1 }, { 0, 0.87 }, { -3.2, 7.9 }, { 1e-6, 3.3e-6 }, { 1234, 98765 },
    { -1, -0.2 }, { 0.999, 1.001 }, { 0, 1e9 }, { -5e-4, 5e-4 }, { 17, 23 },
    { -0.0132, 0.9871 }, { 3.7, 3.9 }, { -250, 1 }, { 0.1, 100 },
  };

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      double lo = ranges[r][0];
      double hi = ranges[r][1];
      double tolerance;
      KsTicks ticks;

      ks_ticks_linear (lo, hi, KS_TICKS_DEFAULT_COUNT, &ticks);
      g_test_message ("range [%g, %g]: %u ticks, step %g", lo, hi, ticks.n, ticks.step);
      g_assert_cmpuint (ticks.n, >=, 3);
      g_assert_cmpuint (ticks.n, <=, KS_TICKS_DEFAULT_COUNT);
      g_assert_cmpfloat (one_two_five_mantissa (ticks.step), !=, 0.0);
      tolerance = ticks.step * 1e-6;
      for (guint i = 0; i < ticks.n; i++)
        {
          double multiple = ticks.values[i] / ticks.step;

          g_assert_cmpfloat (fabs (multiple - round (multiple)), <, 1e-6);
          g_assert_cmpfloat (ticks.values[i], >=, lo - tolerance);
          g_assert_cmpfloat (ticks.values[i], <=, hi + tolerance);
          if (i > 0)
            g_assert_cmpfloat_with_epsilon (ticks.values[i] - ticks.values[i - 1], ticks.step,
                                            tolerance);
        }
      g_assert_cmpfloat (ticks.values[0] - lo, <, ticks.step);
      g_assert_cmpfloat (hi - ticks.values[ticks.n - 1], <, ticks.step);
    }
}

/* A range straddling zero has an exact zero tick (not 1e-17), labelled without a minus
 * sign and with the axis' decimals. */
static void
test_linear_exact_zero (void)
{
  KsTicks ticks;
  gboolean found = FALSE;

  ks_ticks_linear (-0.3, 0.7, KS_TICKS_DEFAULT_COUNT, &ticks);
  for (guint i = 0; i < ticks.n; i++)
    if (fabs (ticks.values[i]) < ticks.step / 2)
      {
        g_autofree char *label = ks_ticks_label (&ticks, i);

        g_assert_cmpfloat (ticks.values[i], ==, 0.0);
        g_assert_cmpstr (label, ==, "0.0");
        found = TRUE;
      }
  g_assert_true (found);
}

/* A one-value range gives that value as the only tick; non-finite ends give none. */
static void
test_linear_degenerate (void)
{
  KsTicks ticks;

  ks_ticks_linear (2.5, 2.5, KS_TICKS_DEFAULT_COUNT, &ticks);
  g_assert_cmpuint (ticks.n, ==, 1);
  g_assert_cmpfloat (ticks.values[0], ==, 2.5);
  ks_ticks_linear (NAN, 1.0, KS_TICKS_DEFAULT_COUNT, &ticks);
  g_assert_cmpuint (ticks.n, ==, 0);
  ks_ticks_linear (0.0, INFINITY, KS_TICKS_DEFAULT_COUNT, &ticks);
  g_assert_cmpuint (ticks.n, ==, 0);
}

static gboolean
is_power_of_ten (double value)
{
  double exponent = log10 (value);

  return fabs (exponent - round (exponent)) < 1e-9;
}

/* Wide log ranges get decades only: every tick a power of ten, evenly spaced in log
 * space, within the range, no more than asked for (every second decade over 9). */
static void
test_log_decades (void)
{
  static const double ranges[][2] = {
    { 1, 1000 }, { 2, 4096 }, { 1e-5, 1e3 }, { 3e-7, 2e-1 }, { 1e-12, 1e12 },
  };

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      KsTicks ticks;

      ks_ticks_log (ranges[r][0], ranges[r][1], KS_TICKS_DEFAULT_COUNT, &ticks);
      g_assert_cmpint (ticks.scale, ==, KS_SCALE_LOG);
      g_assert_cmpuint (ticks.n, >=, 3);
      g_assert_cmpuint (ticks.n, <=, KS_TICKS_DEFAULT_COUNT);
      for (guint i = 0; i < ticks.n; i++)
        {
          g_assert_true (is_power_of_ten (ticks.values[i]));
          g_assert_cmpfloat (ticks.values[i], >=, ranges[r][0] * (1 - 1e-12));
          g_assert_cmpfloat (ticks.values[i], <=, ranges[r][1] * (1 + 1e-12));
          if (i > 1)
            g_assert_cmpfloat_with_epsilon (log10 (ticks.values[i] / ticks.values[i - 1]),
                                            log10 (ticks.values[1] / ticks.values[0]), 1e-9);
        }
    }
}

/* Decades 1, 10, 100, 1000 exactly, with unlabelled minor ticks at 2..9 times each. */
static void
test_log_minor (void)
{
  const double expected[] = { 1, 10, 100, 1000 };
  KsTicks ticks;

  ks_ticks_log (1, 1000, KS_TICKS_DEFAULT_COUNT, &ticks);
  g_assert_cmpuint (ticks.n, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < ticks.n; i++)
    g_assert_cmpfloat_with_epsilon (ticks.values[i], expected[i], expected[i] * 1e-12);
  g_assert_cmpuint (ticks.n_minor, ==, 3 * 8);
}

/* A short log range (two decades or less) also labels 2 and 5 times each decade. */
static void
test_log_short_range (void)
{
  const double expected[] = { 0.5, 1, 2, 5, 10, 20 };
  KsTicks ticks;

  ks_ticks_log (0.5, 20, KS_TICKS_DEFAULT_COUNT, &ticks);
  g_assert_cmpuint (ticks.n, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < ticks.n; i++)
    g_assert_cmpfloat_with_epsilon (ticks.values[i], expected[i], expected[i] * 1e-12);
}

/* Log ticks of a non-positive range fall back to linear ones instead of failing. */
static void
test_log_invalid_range (void)
{
  KsTicks ticks;

  ks_ticks_log (0, 10, KS_TICKS_DEFAULT_COUNT, &ticks);
  g_assert_cmpuint (ticks.n, >=, 3);
  ks_ticks_log (-5, -1, KS_TICKS_DEFAULT_COUNT, &ticks);
  g_assert_cmpuint (ticks.n, >=, 3);
}

static void
assert_labels (const KsTicks      *ticks,
               const char * const *expected,
               guint               n)
{
  g_assert_cmpuint (ticks->n, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = ks_ticks_label (ticks, i);

      g_assert_true (g_utf8_validate (label, -1, NULL));
      g_assert_cmpstr (label, ==, expected[i]);
    }
}

/* Labels of one axis share their number of decimals; negative numbers use the minus
 * sign U+2212; small and large magnitudes use m×10ⁿ with Unicode superscripts; log
 * decades read 10ⁿ when wide and plain numbers when they are short. */
static void
test_labels (void)
{
  const char *unit[] = { "0.0", "0.2", "0.4", "0.6", "0.8", "1.0" };
  const char *signed_range[] = { "\u22121.0", "\u22120.5", "0.0", "0.5", "1.0" };
  const char *small[] = { "0", "1\u00d710\u207b\u2075", "2\u00d710\u207b\u2075",
                          "3\u00d710\u207b\u2075", "4\u00d710\u207b\u2075" };
  const char *decades[] = { "10\u207b\u2075", "10\u207b\u2074", "10\u207b\u00b3",
                            "10\u207b\u00b2", "10\u207b\u00b9" };
  const char *plain_decades[] = { "1", "10", "100", "1000" };
  const char *short_log[] = { "0.5", "1", "2", "5", "10", "20" };
  KsTicks ticks;

  ks_ticks_linear (0, 1, 6, &ticks);
  assert_labels (&ticks, unit, G_N_ELEMENTS (unit));
  ks_ticks_linear (-1, 1, 5, &ticks);
  assert_labels (&ticks, signed_range, G_N_ELEMENTS (signed_range));
  ks_ticks_linear (0, 4e-5, 5, &ticks);
  assert_labels (&ticks, small, G_N_ELEMENTS (small));
  ks_ticks_log (1e-5, 1e-1, KS_TICKS_DEFAULT_COUNT, &ticks);
  assert_labels (&ticks, decades, G_N_ELEMENTS (decades));
  ks_ticks_log (1, 1000, KS_TICKS_DEFAULT_COUNT, &ticks);
  assert_labels (&ticks, plain_decades, G_N_ELEMENTS (plain_decades));
  ks_ticks_log (0.5, 20, KS_TICKS_DEFAULT_COUNT, &ticks);
  assert_labels (&ticks, short_log, G_N_ELEMENTS (short_log));
}

/* Read-out numbers: shortest form at the given significant digits, same typography. */
static void
test_format_number (void)
{
  static const struct
  {
    double      value;
    int         significant;
    const char *expected;
  } cases[] = {
    { 0.41234, 3, "0.412" },
    { -1.5, 3, "\u22121.5" },
    { 3e-6, 2, "3\u00d710\u207b\u2076" },
    { 123456, 3, "1.23\u00d710\u2075" },
    { 99999.7, 3, "1\u00d710\u2075" },
    { 0.0, 3, "0" },
    { 12.0, 4, "12" },
    { 0.001, 2, "0.001" },
  };
  g_autofree char *nan_text = ks_format_number (NAN, 3);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ks_format_number (cases[i].value, cases[i].significant);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
  g_assert_cmpstr (nan_text, ==, "NaN");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ticks/linear/ranges", test_linear_ranges);
  g_test_add_func ("/ticks/linear/exact-zero", test_linear_exact_zero);
  g_test_add_func ("/ticks/linear/degenerate", test_linear_degenerate);
  g_test_add_func ("/ticks/log/decades", test_log_decades);
  g_test_add_func ("/ticks/log/minor", test_log_minor);
  g_test_add_func ("/ticks/log/short-range", test_log_short_range);
  g_test_add_func ("/ticks/log/invalid-range", test_log_invalid_range);
  g_test_add_func ("/ticks/labels", test_labels);
  g_test_add_func ("/ticks/format-number", test_format_number);

  return g_test_run ();
}
