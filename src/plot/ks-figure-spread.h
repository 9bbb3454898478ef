/* ks-figure-spread.h: the figure of the prior spread of the top-layer kernel against
 * width, for several depths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The summary of ks-spread-sweep.h (a normalised variance, about depth / width for deep
 * linear networks) against width on log-log axes: lines for the closed form, one colour
 * per depth, with the first-order law depth / width dashed beside them; Monte Carlo
 * estimates as points with error bars of one standard error. Infinite width has no
 * spread at all (0), which a log axis cannot show: the footnote says so.
 */
#pragma once

#include <cairo.h>

#include "ks-figure-common.h"
#include "ks-spread-sweep.h"

G_BEGIN_DECLS

typedef struct _KsFigureSpread KsFigureSpread;

/* Holds a reference to sweep. data_name names the points in the title (may be NULL). */
KsFigureSpread *ks_figure_spread_new             (KsSpreadSweep       *sweep,
                                                  const char          *data_name,
                                                  const KsFigureStyle *style,
                                                  const KsPlotTheme   *theme,
                                                  GError             **error);
void         ks_figure_spread_free               (KsFigureSpread      *self);

double       ks_figure_spread_preferred_height   (KsFigureSpread      *self,
                                                  double               width);
void         ks_figure_spread_draw               (KsFigureSpread      *self,
                                                  cairo_t             *cr,
                                                  double               width,
                                                  double               height);
void         ks_figure_spread_draw_func          (cairo_t             *cr,
                                                  double               width,
                                                  double               height,
                                                  gpointer             user_data);
KsRect       ks_figure_spread_get_frame          (KsFigureSpread      *self,
                                                  double               width,
                                                  double               height);
/* The position in a width x height figure of a (width, summary) data point; NAN when
 * the log axes cannot show it. */
void         ks_figure_spread_data_to_figure     (KsFigureSpread      *self,
                                                  double               width,
                                                  double               height,
                                                  double               data_x,
                                                  double               data_y,
                                                  double              *x,
                                                  double              *y);
/* The data coordinates under (x, y) and the nearest point, with its read-out. */
gboolean     ks_figure_spread_hit                (KsFigureSpread      *self,
                                                  double               width,
                                                  double               height,
                                                  double               x,
                                                  double               y,
                                                  KsFigureHit         *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFigureSpread, ks_figure_spread_free)

G_END_DECLS
