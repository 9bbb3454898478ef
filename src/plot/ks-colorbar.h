/* ks-colorbar.h: the key from colours back to values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "ks-colormap.h"
#include "ks-plot-theme.h"
#include "ks-plot-types.h"

G_BEGIN_DECLS

typedef enum
{
  KS_ORIENTATION_VERTICAL,
  KS_ORIENTATION_HORIZONTAL,
} KsOrientation;

typedef struct
{
  KsColormap    colormap;
  double        vmin;           /* the values at the ends of the bar */
  double        vmax;
  const char   *label;          /* what the colours mean, e.g. "kernel value"; NULL for none */
  KsOrientation orientation;
  double        thickness;      /* of the bar in points; 0 for the theme's default */
} KsColorbarStyle;

void      ks_colorbar_style_init          (KsColorbarStyle       *style,
                                           KsColormap             colormap,
                                           double                 vmin,
                                           double                 vmax,
                                           const char            *label);

/* A vertical bar runs along the left of rect with vmax at the top, its ticks and labels
 * to the right and the label, turned, beyond them; it is inset at both ends by half a
 * label height so that the end labels are not clipped. A horizontal bar runs along the
 * top with vmin at the left, ticks and label below. */
void      ks_colorbar_draw                (cairo_t               *cr,
                                           const KsRect          *rect,
                                           const KsColorbarStyle *style,
                                           const KsPlotTheme     *theme);
/* The width (vertical) or height (horizontal) the bar, its ticks and label need. */
double    ks_colorbar_preferred_extent    (const KsColorbarStyle *style,
                                           const KsPlotTheme     *theme);
/* How far the bar is inset from each end of rect (to leave room for the end labels):
 * a caller that wants the colours to span exactly y0..y1 passes a rect that reaches this
 * much beyond both. */
double    ks_colorbar_end_inset           (const KsColorbarStyle *style,
                                           const KsPlotTheme     *theme);
/* The rectangle the colours themselves fill for rect. */
KsRect    ks_colorbar_bar_rect            (const KsRect          *rect,
                                           const KsColorbarStyle *style,
                                           const KsPlotTheme     *theme);

G_END_DECLS
