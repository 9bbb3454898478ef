/* ks-ticks.c: well-chosen tick values for linear and logarithmic axes, and their labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-ticks.h"

#include <math.h>
#include <string.h>

#define MINUS_SIGN "\u2212"
#define TIMES_SIGN "\u00d7"

/* Plain labels read well from 0.001 to 99999; beyond, powers of ten are shorter. */
#define PLAIN_MIN 1e-3
#define PLAIN_MAX 1e5

static void
ticks_reset (KsTicks *ticks,
             KsScale  scale)
{
  ticks->scale = scale;
  ticks->n = 0;
  ticks->n_minor = 0;
  ticks->step = 0.0;
  ticks->scientific = FALSE;
  ticks->decimals = 0;
}

static void
ticks_add (KsTicks *ticks,
           double   value)
{
  if (ticks->n < KS_TICKS_MAX)
    ticks->values[ticks->n++] = value;
}

static void
ticks_add_minor (KsTicks *ticks,
                 double   value)
{
  if (ticks->n_minor < KS_TICKS_MAX)
    ticks->minor[ticks->n_minor++] = value;
}

/* Whether labels of these magnitudes read better as powers of ten. */
static gboolean
needs_scientific (double largest_magnitude,
                  double smallest_nonzero_magnitude)
{
  return largest_magnitude >= PLAIN_MAX ||
         (smallest_nonzero_magnitude > 0.0 && smallest_nonzero_magnitude < PLAIN_MIN);
}

/* The 1-2-5 step with index k: ..., 0.5, 1, 2, 5, 10, ... for k = ..., -1, 0, 1, 2, 3. */
static double
nice_step (int k)
{
  static const double mantissas[3] = { 1.0, 2.0, 5.0 };
  int decade = k >= 0 ? k / 3 : -((-k + 2) / 3);
  int m = k - 3 * decade;

  return mantissas[m] * pow (10.0, decade);
}

static int
decimals_for_step (double step)
{
  return MAX (0, -(int) floor (log10 (step) + 1e-9));
}

static double
count_multiples (double lo,
                 double hi,
                 double step)
{
  double eps = 1e-9;

  return floor (hi / step + eps) - ceil (lo / step - eps) + 1.0;
}

void
ks_ticks_linear (double   lo,
                 double   hi,
                 guint    max_ticks,
                 KsTicks *ticks)
{
  double span = hi - lo;
  double step;
  double first;
  double largest;
  int k;

  g_return_if_fail (ticks != NULL);

  ticks_reset (ticks, KS_SCALE_LINEAR);
  max_ticks = CLAMP (max_ticks, 2, KS_TICKS_MAX);
  if (!isfinite (lo) || !isfinite (hi))
    return;
  if (!(span > 1e-12 * MAX (fabs (lo), fabs (hi))))
    {
      ticks_add (ticks, lo);
      ticks->step = lo != 0.0 ? pow (10.0, floor (log10 (fabs (lo)))) : 1.0;
      ticks->decimals = decimals_for_step (ticks->step);
      ticks->scientific = needs_scientific (fabs (lo), fabs (lo));
      return;
    }

  /* The smallest 1-2-5 step that gives no more than max_ticks ticks; steps grow by at most
   * 2.5 times, so the one before gave more than max_ticks and this one gives over
   * max_ticks / 2.5. */
  k = 3 * (int) floor (log10 (span / max_ticks)) - 3;
  while (count_multiples (lo, hi, nice_step (k)) > max_ticks)
    k++;
  step = nice_step (k);

  first = ceil (lo / step - 1e-9);
  for (double i = first; i * step <= hi + step * 1e-9; i += 1.0)
    ticks_add (ticks, i == 0.0 ? 0.0 : i * step);

  largest = MAX (fabs (lo), fabs (hi));
  ticks->step = step;
  ticks->decimals = decimals_for_step (step);
  ticks->scientific = needs_scientific (largest, largest < PLAIN_MIN ? largest : 1.0);
}

/* 1-2-5 values inside [lo, hi] on a log axis; returns how many. */
static guint
add_one_two_five (KsTicks *ticks,
                  double   lo,
                  double   hi)
{
  static const double mantissas[3] = { 1.0, 2.0, 5.0 };
  int first = (int) floor (log10 (lo)) - 1;
  int last = (int) ceil (log10 (hi)) + 1;
  guint added = 0;

  for (int d = first; d <= last; d++)
    for (guint m = 0; m < 3; m++)
      {
        double v = mantissas[m] * pow (10.0, d);

        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
          {
            ticks_add (ticks, v);
            added++;
          }
      }
  return added;
}

static void
add_log_minor (KsTicks *ticks,
               double   lo,
               double   hi,
               gboolean skip_two_five)
{
  int first = (int) floor (log10 (lo));
  int last = (int) ceil (log10 (hi));

  for (int d = first; d <= last; d++)
    for (int m = 2; m <= 9; m++)
      {
        double v = m * pow (10.0, d);

        if (skip_two_five && (m == 2 || m == 5))
          continue;
        if (v > lo && v < hi)
          ticks_add_minor (ticks, v);
      }
}

static void
finish_log_labels (KsTicks *ticks)
{
  double smallest = ticks->values[0];
  double largest = ticks->values[ticks->n - 1];
  double finest = G_MAXDOUBLE;

  for (guint i = 0; i < ticks->n; i++)
    finest = MIN (finest, pow (10.0, floor (log10 (ticks->values[i]) + 1e-9)));
  ticks->scientific = needs_scientific (largest, smallest);
  ticks->decimals = decimals_for_step (finest);
}

static guint
count_decade_multiples (int first_decade,
                        int last_decade,
                        int stride)
{
  guint count = 0;

  for (int d = first_decade; d <= last_decade; d++)
    count += d % stride == 0;
  return count;
}

/* Every stride-th decade, counted from 10⁰ so that labels read 10⁻⁶, 10⁰, 10⁶ rather
 * than 10⁻⁵, 10², 10⁹: the smallest stride giving at most max_ticks (and two) ticks. */
static int
decade_stride (int   first_decade,
               int   last_decade,
               guint max_ticks)
{
  static const int strides[] = { 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 100 };

  for (guint i = 0; i < G_N_ELEMENTS (strides); i++)
    {
      guint count = count_decade_multiples (first_decade, last_decade, strides[i]);

      if (count <= max_ticks && (count >= 2 || i == 0))
        return strides[i];
      if (count < 2)
        return strides[i > 0 ? i - 1 : 0];
    }
  return strides[G_N_ELEMENTS (strides) - 1];
}

void
ks_ticks_log (double   lo,
              double   hi,
              guint    max_ticks,
              KsTicks *ticks)
{
  int first_decade;
  int last_decade;
  int n_decades;
  int stride;

  g_return_if_fail (ticks != NULL);

  max_ticks = CLAMP (max_ticks, 2, KS_TICKS_MAX);
  if (!(lo > 0.0) || !(hi > lo) || !isfinite (hi))
    {
      ks_ticks_linear (lo, hi, max_ticks, ticks);
      ticks->scale = KS_SCALE_LOG;
      return;
    }

  ticks_reset (ticks, KS_SCALE_LOG);
  first_decade = (int) ceil (log10 (lo) - 1e-9);
  last_decade = (int) floor (log10 (hi) + 1e-9);
  n_decades = last_decade - first_decade + 1;

  if (log10 (hi / lo) <= 2.0 + 1e-9)
    {
      guint added = add_one_two_five (ticks, lo, hi);

      if (added >= 3 && added <= max_ticks)
        {
          add_log_minor (ticks, lo, hi, TRUE);
          finish_log_labels (ticks);
          return;
        }
      ticks_reset (ticks, KS_SCALE_LOG);
      if (added < 3)
        {
          /* Less than a decade: evenly spaced values read better than sparse 1-2-5. */
          ks_ticks_linear (lo, hi, MIN (max_ticks, 6), ticks);
          ticks->scale = KS_SCALE_LOG;
          return;
        }
    }

  stride = decade_stride (first_decade, last_decade, max_ticks);
  for (int d = first_decade; d <= last_decade; d++)
    if (d % stride == 0)
      ticks_add (ticks, pow (10.0, d));
  if (stride == 1)
    add_log_minor (ticks, lo, hi, FALSE);
  finish_log_labels (ticks);
  /* Decades spread widely are easier to compare as powers of ten. */
  if (n_decades >= 5)
    ticks->scientific = TRUE;
}

/* value with a fixed number of decimals, whatever the locale. */
static void
format_fixed (char   *buffer,
              gsize   size,
              int     decimals,
              double  value)
{
  char format[16];

  g_snprintf (format, sizeof format, "%%.%df", CLAMP (decimals, 0, 30));
  g_ascii_formatd (buffer, size, format, value);
}

static void
append_superscript_int (GString *out,
                        int      exponent)
{
  static const char *digits[10] = {
    "\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
    "\u2075", "\u2076", "\u2077", "\u2078", "\u2079",
  };
  char buffer[16];

  if (exponent < 0)
    g_string_append (out, "\u207b");
  g_snprintf (buffer, sizeof buffer, "%d", ABS (exponent));
  for (const char *c = buffer; *c != '\0'; c++)
    g_string_append (out, digits[*c - '0']);
}

/* Digits with the ASCII hyphen replaced by a proper minus sign. */
static void
append_plain (GString    *out,
              const char *ascii_number)
{
  if (ascii_number[0] == '-')
    {
      g_string_append (out, MINUS_SIGN);
      ascii_number++;
    }
  g_string_append (out, ascii_number);
}

/* Drops trailing zeros after a decimal point, and the point itself if nothing is left. */
static void
trim_zeros (char *number)
{
  char *end;

  if (strchr (number, '.') == NULL)
    return;
  end = number + strlen (number) - 1;
  while (*end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
}

/* m×10ⁿ with the mantissa to the given significant digits; 10ⁿ when m is 1 and
 * drop_unit_mantissa is set (log axes). */
static void
append_scientific (GString *out,
                   double   value,
                   int      significant,
                   gboolean drop_unit_mantissa)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  int exponent = (int) floor (log10 (fabs (value)) + 1e-9);
  double mantissa = value / pow (10.0, exponent);

  /* Rounding can carry the mantissa to 10. */
  format_fixed (buffer, sizeof buffer, MAX (significant - 1, 0), mantissa);
  if (fabs (g_ascii_strtod (buffer, NULL)) >= 10.0)
    {
      exponent++;
      mantissa /= 10.0;
      format_fixed (buffer, sizeof buffer, MAX (significant - 1, 0), mantissa);
    }
  trim_zeros (buffer);
  if (drop_unit_mantissa && strcmp (buffer, "1") == 0)
    g_string_append (out, "10");
  else if (drop_unit_mantissa && strcmp (buffer, "-1") == 0)
    g_string_append (out, MINUS_SIGN "10");
  else
    {
      append_plain (out, buffer);
      g_string_append (out, TIMES_SIGN "10");
    }
  append_superscript_int (out, exponent);
}

char *
ks_ticks_label (const KsTicks *ticks,
                guint          i)
{
  GString *out;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  double value;

  g_return_val_if_fail (ticks != NULL && i < ticks->n, g_strdup (""));

  out = g_string_new (NULL);
  value = ticks->values[i];
  /* Zero keeps the axis' decimals in plain labels (0.0 beside 0.5) and is bare beside
   * powers of ten. */
  if (value == 0.0 && ticks->scientific)
    g_string_append (out, "0");
  else if (ticks->scientific && ticks->scale == KS_SCALE_LOG)
    append_scientific (out, value, 2, TRUE);
  else if (ticks->scientific)
    {
      /* Enough digits to tell neighbouring ticks apart. */
      int exponent = (int) floor (log10 (fabs (value)) + 1e-9);
      int step_exponent = (int) floor (log10 (ticks->step) + 1e-9);

      append_scientific (out, value, MAX (1, exponent - step_exponent + 1), FALSE);
    }
  else
    {
      format_fixed (buffer, sizeof buffer, ticks->decimals, value == 0.0 ? 0.0 : value);
      if (ticks->scale == KS_SCALE_LOG)
        trim_zeros (buffer);
      append_plain (out, buffer);
    }
  return g_string_free (out, FALSE);
}

char *
ks_format_number (double value,
                  int    significant)
{
  GString *out = g_string_new (NULL);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];
  double magnitude;

  significant = CLAMP (significant, 1, 17);
  /* Round first: 99999.7 to three digits is 1×10⁵, not 100000. */
  if (isfinite (value))
    {
      g_snprintf (format, sizeof format, "%%.%de", significant - 1);
      value = g_ascii_strtod (g_ascii_formatd (buffer, sizeof buffer, format, value), NULL);
    }
  magnitude = fabs (value);
  if (isnan (value))
    g_string_append (out, "NaN");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "∞" : MINUS_SIGN "∞");
  else if (value == 0.0)
    g_string_append (out, "0");
  else if (needs_scientific (magnitude, magnitude))
    append_scientific (out, value, significant, FALSE);
  else
    {
      int exponent = (int) floor (log10 (magnitude) + 1e-9);
      int decimals = MAX (0, significant - 1 - exponent);

      format_fixed (buffer, sizeof buffer, decimals, value);
      trim_zeros (buffer);
      append_plain (out, buffer);
    }
  return g_string_free (out, FALSE);
}
