/* ks-plot-axis.h: the data axes of a line plot: range, mapping, ticks and their drawing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "ks-plot-theme.h"
#include "ks-plot-types.h"
#include "ks-ticks.h"

G_BEGIN_DECLS

typedef struct
{
  KsScale scale;
  double  lo;          /* the data values at the ends of the axis */
  double  hi;
  KsTicks ticks;
} KsPlotAxis;

/* Whether value can be shown on an axis with this scale (finite, and > 0 on log axes). */
gboolean  ks_plot_axis_accepts        (KsScale        scale,
                                       double         value);
/* Sets lo..hi to range (widened by a small margin, in log space on log axes); an empty
 * range gives 0..1 (1..10 on log axes). Explicit ends (finite fixed_lo, fixed_hi) win. */
void      ks_plot_axis_set_range      (KsPlotAxis    *axis,
                                       KsScale        scale,
                                       const KsRange *range,
                                       double         fixed_lo,
                                       double         fixed_hi);
/* The position of value between the ends, 0 at lo and 1 at hi; NAN when not accepted. */
double    ks_plot_axis_fraction       (const KsPlotAxis *axis,
                                       double            value);
/* The inverse: the data value at fraction t. */
double    ks_plot_axis_value_at       (const KsPlotAxis *axis,
                                       double            t);
/* Chooses ticks so that labels are at least min_spacing apart along length, measuring
 * label widths too when horizontal. */
void      ks_plot_axis_choose_ticks   (KsPlotAxis        *axis,
                                       const KsPlotTheme *theme,
                                       double             length,
                                       gboolean           horizontal);
double    ks_plot_axis_widest_label   (const KsPlotAxis  *axis,
                                       const KsPlotTheme *theme);

G_END_DECLS
