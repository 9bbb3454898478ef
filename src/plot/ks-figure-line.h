/* ks-figure-line.h: the parts the one-panel line-plot figures (evidence, prediction,
 * spread) share: their plot in a one-panel grid above a footnote
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-figure-private.h"

G_BEGIN_DECLS

typedef struct
{
  /* KsFigureSeries, for hits: what the figure wants found, named as it wants it read. */
  GPtrArray    *series;
  char         *footnote;
  KsLinePlot   *plot;
  KsFigureGrid *grid;
} KsFigureLine;

/* An empty plot and series list, for the figure to fill. */
void         ks_figure_line_init              (KsFigureLine       *line);
/* The one-panel grid drawing the plot, and the footnote: the style's texts when it has
 * them, else the defaults given. */
void         ks_figure_line_set_grid          (KsFigureLine       *line,
                                               const KsPlotTheme  *theme,
                                               const KsFigureStyle *style,
                                               const char         *title,
                                               const char         *footnote);
void         ks_figure_line_clear             (KsFigureLine       *line);

/* The height at which the plot's box is aspect times as high as it is wide. */
double       ks_figure_line_preferred_height  (KsFigureLine       *line,
                                               double              width,
                                               double              aspect);
void         ks_figure_line_draw              (KsFigureLine       *line,
                                               cairo_t            *cr,
                                               double              width,
                                               double              height);
KsRect       ks_figure_line_get_frame         (KsFigureLine       *line,
                                               double              width,
                                               double              height);
void         ks_figure_line_probe_axes        (KsFigureLine       *line,
                                               double              width,
                                               double              height,
                                               KsScale             x_scale,
                                               KsScale             y_scale,
                                               KsFigureAxes       *axes);
/* Fills hit with the data under (x, y) and the nearest series point within radius, and
 * axes with where data falls; FALSE (hit cleared) when (x, y) is off the plot. */
gboolean     ks_figure_line_hit               (KsFigureLine       *line,
                                               double              width,
                                               double              height,
                                               double              x,
                                               double              y,
                                               KsScale             x_scale,
                                               KsScale             y_scale,
                                               double              radius,
                                               KsFigureAxes       *axes,
                                               KsFigureHit        *hit);

G_END_DECLS
