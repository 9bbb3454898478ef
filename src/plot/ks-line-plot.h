/* ks-line-plot.h: curves against a variable, with error bands, markers and a legend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "ks-plot-theme.h"
#include "ks-plot-types.h"
#include "ks-ticks.h"

G_BEGIN_DECLS

typedef enum
{
  KS_AXIS_X,
  KS_AXIS_Y,
} KsAxis;

typedef enum
{
  KS_MARKER_NONE,
  KS_MARKER_CIRCLE,
  KS_MARKER_SQUARE,
  KS_MARKER_TRIANGLE,
} KsMarker;

typedef enum
{
  KS_LINE_SOLID,
  KS_LINE_DASHED,
  KS_LINE_NONE,       /* markers only, e.g. Monte Carlo estimates */
} KsLineStyle;

typedef enum
{
  KS_ERROR_BAND,      /* a shaded band from y - e to y + e */
  KS_ERROR_BARS,      /* a capped bar at each point */
} KsErrorStyle;

typedef enum
{
  KS_LEGEND_AUTO,            /* the inside corner that hides the least data, else outside */
  KS_LEGEND_OUTSIDE_RIGHT,
  KS_LEGEND_NONE,
} KsLegendPlacement;

typedef struct _KsLinePlot KsLinePlot;

KsLinePlot *ks_line_plot_new               (void);
void        ks_line_plot_free              (KsLinePlot       *plot);

void        ks_line_plot_set_title         (KsLinePlot       *plot,
                                            const char       *title);
void        ks_line_plot_set_axis          (KsLinePlot       *plot,
                                            KsAxis            axis,
                                            const char       *title,
                                            KsScale           scale);
/* Fixes an end of an axis; NAN (the default) takes it from the data. */
void        ks_line_plot_set_axis_range    (KsLinePlot       *plot,
                                            KsAxis            axis,
                                            double            lo,
                                            double            hi);
/* Adds a series and returns its index. The arrays are copied; y_error (standard errors,
 * may be NULL) has n entries too. Points with a non-finite coordinate, or one that is not
 * positive on a log axis, are left out and break the line. A series with an empty or
 * NULL name is not listed in the legend. Defaults: solid line, no marker, error band,
 * the next palette colour. */
guint       ks_line_plot_add_series        (KsLinePlot       *plot,
                                            const char       *name,
                                            const double     *x,
                                            const double     *y,
                                            const double     *y_error,
                                            gsize             n);
void        ks_line_plot_set_series_style  (KsLinePlot       *plot,
                                            guint             series,
                                            KsMarker          marker,
                                            KsLineStyle       line,
                                            KsErrorStyle      error_style);
/* Colours series with palette entry index (several series may share one). */
void        ks_line_plot_set_series_color  (KsLinePlot       *plot,
                                            guint             series,
                                            guint             palette_index);
/* A horizontal line across the plot at y, labelled at its right end (e.g. "infinite
 * width"); palette_index < 0 draws it in the text colour. */
void        ks_line_plot_add_reference     (KsLinePlot       *plot,
                                            double            y,
                                            const char       *label,
                                            int               palette_index);
void        ks_line_plot_set_legend        (KsLinePlot       *plot,
                                            KsLegendPlacement placement);
/* The note shown when there is no point to draw; "no data" by default. */
void        ks_line_plot_set_empty_note    (KsLinePlot       *plot,
                                            const char       *note);

void        ks_line_plot_draw              (const KsLinePlot  *plot,
                                            cairo_t           *cr,
                                            const KsRect      *rect,
                                            const KsPlotTheme *theme);
/* Where the axes' frame falls for rect, and the data coordinates of a point (for hover
 * read-outs); FALSE when the point is outside the frame. */
KsRect      ks_line_plot_get_frame         (const KsLinePlot  *plot,
                                            const KsRect      *rect,
                                            const KsPlotTheme *theme);
gboolean    ks_line_plot_data_at           (const KsLinePlot  *plot,
                                            const KsRect      *rect,
                                            const KsPlotTheme *theme,
                                            double             x,
                                            double             y,
                                            double            *data_x,
                                            double            *data_y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsLinePlot, ks_line_plot_free)

G_END_DECLS
