/* ks-plot-axis.c: the data axes of a line plot: range, mapping, ticks and their drawing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-plot-axis.h"

#include <math.h>

#include "ks-text.h"

/* The fraction of the data range left empty at each end, so points on the extremes are
 * not cut in half by the frame. */
#define RANGE_MARGIN 0.04

gboolean
ks_plot_axis_accepts (KsScale scale,
                      double  value)
{
  return isfinite (value) && (scale != KS_SCALE_LOG || value > 0.0);
}

static double
forward (KsScale scale,
         double  value)
{
  return scale == KS_SCALE_LOG ? log10 (value) : value;
}

static double
inverse (KsScale scale,
         double  value)
{
  return scale == KS_SCALE_LOG ? pow (10.0, value) : value;
}

void
ks_plot_axis_set_range (KsPlotAxis    *axis,
                        KsScale        scale,
                        const KsRange *range,
                        double         fixed_lo,
                        double         fixed_hi)
{
  double lo;
  double hi;
  double span;

  axis->scale = scale;
  if (ks_range_is_empty (range))
    {
      lo = 0.0;
      hi = 1.0;
    }
  else
    {
      lo = forward (scale, range->lo);
      hi = forward (scale, range->hi);
      span = hi - lo;
      if (span <= 1e-12 * MAX (fabs (lo), fabs (hi)) || span <= 0.0)
        {
          /* One value: half a unit (or a decade) each side of it. */
          double half = scale == KS_SCALE_LOG ? 0.5 : MAX (fabs (lo) * 0.1, 0.5);

          lo -= half;
          hi += half;
        }
      else
        {
          lo -= span * RANGE_MARGIN;
          hi += span * RANGE_MARGIN;
        }
    }
  axis->lo = inverse (scale, lo);
  axis->hi = inverse (scale, hi);
  if (ks_plot_axis_accepts (scale, fixed_lo))
    axis->lo = fixed_lo;
  if (ks_plot_axis_accepts (scale, fixed_hi))
    axis->hi = fixed_hi;
  if (!(axis->hi > axis->lo))
    {
      axis->lo = scale == KS_SCALE_LOG ? 1.0 : 0.0;
      axis->hi = scale == KS_SCALE_LOG ? 10.0 : 1.0;
    }
}

double
ks_plot_axis_fraction (const KsPlotAxis *axis,
                       double            value)
{
  if (!ks_plot_axis_accepts (axis->scale, value))
    return NAN;
  return (forward (axis->scale, value) - forward (axis->scale, axis->lo)) /
         (forward (axis->scale, axis->hi) - forward (axis->scale, axis->lo));
}

double
ks_plot_axis_value_at (const KsPlotAxis *axis,
                       double            t)
{
  double lo = forward (axis->scale, axis->lo);
  double hi = forward (axis->scale, axis->hi);

  return inverse (axis->scale, lo + t * (hi - lo));
}

double
ks_plot_axis_widest_label (const KsPlotAxis  *axis,
                           const KsPlotTheme *theme)
{
  double widest = 0.0;

  for (guint i = 0; i < axis->ticks.n; i++)
    {
      g_autofree char *text = ks_ticks_label (&axis->ticks, i);
      double width;

      ks_text_measure (theme, KS_TEXT_ROLE_TICK, text, 0, &width, NULL);
      widest = MAX (widest, width);
    }
  return widest;
}

static void
compute_ticks (KsPlotAxis *axis,
               guint       max_ticks)
{
  if (axis->scale == KS_SCALE_LOG)
    ks_ticks_log (axis->lo, axis->hi, max_ticks, &axis->ticks);
  else
    ks_ticks_linear (axis->lo, axis->hi, max_ticks, &axis->ticks);
}

/* The smallest distance between neighbouring ticks along an axis of this length. */
static double
closest_ticks (const KsPlotAxis *axis,
               double            length)
{
  double closest = G_MAXDOUBLE;

  for (guint i = 1; i < axis->ticks.n; i++)
    closest = MIN (closest, length * (ks_plot_axis_fraction (axis, axis->ticks.values[i]) -
                                      ks_plot_axis_fraction (axis, axis->ticks.values[i - 1])));
  return closest;
}

void
ks_plot_axis_choose_ticks (KsPlotAxis        *axis,
                           const KsPlotTheme *theme,
                           double             length,
                           gboolean           horizontal)
{
  double label_height;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, "0", 0, NULL, &label_height);
  for (guint max_ticks = KS_TICKS_DEFAULT_COUNT; ; max_ticks--)
    {
      double needed = label_height * 1.8;

      compute_ticks (axis, max_ticks);
      if (horizontal)
        needed = ks_plot_axis_widest_label (axis, theme) + 2 * theme->padding;
      if (max_ticks <= 2 || axis->ticks.n <= 2 || closest_ticks (axis, length) >= needed)
        return;
    }
}
