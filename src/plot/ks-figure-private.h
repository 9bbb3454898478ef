/* ks-figure-private.h: helpers the figure routines share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-cka.h"
#include "ks-figure-common.h"
#include "ks-figure-grid.h"
#include "ks-heatmap.h"
#include "ks-line-plot.h"
#include "ks-result.h"

G_BEGIN_DECLS

/* "3 dense 16": the layer's number (from 1, as CSV files and --layers count) and kind. */
char        *ks_figure_layer_heading      (const KsStack     *stack,
                                           guint              layer);
/* The stack's text form with a space after each comma, so that a footnote can break a
 * long network between layers (the spaces read back the same). */
char        *ks_figure_stack_text         (const KsStack     *stack);
/* "infinite width (NNGP)", "one finite-width sample", "mean of 16 samples", ... */
char        *ks_figure_kind_heading       (KsKernelKind       kind,
                                           guint              n_samples);
/* The heading of a kind in a result: for the posterior, which method made it
 * ("posterior, deep kernel machine"); else ks_figure_kind_heading (). */
char        *ks_figure_result_kind_heading (KsResult          *result,
                                           KsKernelKind       kind);
/* A sentence for a footnote saying how the result's posterior was computed (method,
 * width scale, convergence or acceptance), starting with a space; "" without one. */
char        *ks_figure_posterior_note     (KsResult          *result);
/* "linear CKA", "debiased CKA", "RBF CKA". */
const char  *ks_figure_cka_name           (KsCkaKind          kind);

/* The title or footnote a style asks for: its own text, or the default when NULL. */
const char  *ks_figure_text_or_default    (const char        *asked,
                                           const char        *fallback);

/* A figure is its grid above a footnote (small print saying what exactly is shown). */
double       ks_figure_footnote_height    (const KsPlotTheme *theme,
                                           const char        *footnote,
                                           double             width);
/* The height left to the grid of a width x height figure above its footnote. */
double       ks_figure_grid_height        (KsFigureGrid      *grid,
                                           const char        *footnote,
                                           double             width,
                                           double             height);
/* Fills the background of the whole figure, draws grid in its top grid_height (the
 * space above the footnote, less what the caller keeps for itself below the grid) and
 * the footnote at the bottom. */
void         ks_figure_draw_with_footnote (cairo_t           *cr,
                                           KsFigureGrid      *grid,
                                           const char        *footnote,
                                           double             width,
                                           double             height,
                                           double             grid_height);

/* Whether a width x height figure gives its data all the room the width allows (e.g.
 * heatmap cells as large as the panel's width permits). */
typedef gboolean (*KsFigureFitsFunc) (double   width,
                                      double   height,
                                      gpointer user_data);
/* The smallest height from lo to hi at which fits holds (to a quarter of a point): any
 * taller and the figure would only gain empty bands. hi when it never holds. */
double       ks_figure_fit_height         (double             width,
                                           double             lo,
                                           double             hi,
                                           KsFigureFitsFunc   fits,
                                           gpointer           user_data);

/* text with a line break wherever Pango would wrap it at width: drawn or measured with
 * any wrap width at least that large, it keeps exactly these lines. */
char        *ks_figure_break_lines        (const KsPlotTheme *theme,
                                           KsTextRole         role,
                                           const char        *text,
                                           double             width);

/* The heatmap's view of a matrix. */
KsMatrixView ks_figure_matrix_view        (const gsl_matrix  *m);
/* The cell of m's heatmap (laid out as layout) under (x, y): its row, column and value,
 * in_cells and cell in hit; FALSE off the cells. */
gboolean     ks_figure_heatmap_hit        (const KsHeatmapLayout *layout,
                                           const gsl_matrix      *m,
                                           double                 x,
                                           double                 y,
                                           KsFigureHit           *hit);

/* Where data values fall in a line plot's frame. */
typedef struct
{
  KsRect  frame;
  KsScale x_scale;
  KsScale y_scale;
  double  x_lo;       /* at the frame's left and right, in the scale's own units */
  double  x_hi;       /* (log10 of the value on log axes) */
  double  y_lo;       /* at the bottom and the top */
  double  y_hi;
} KsFigureAxes;

void         ks_figure_axes_probe         (const KsLinePlot  *plot,
                                           const KsRect      *rect,
                                           const KsPlotTheme *theme,
                                           KsScale            x_scale,
                                           KsScale            y_scale,
                                           KsFigureAxes      *axes);
/* The position of a data value; NAN when the axis cannot show it. */
double       ks_figure_axes_x             (const KsFigureAxes *axes,
                                           double              value);
double       ks_figure_axes_y             (const KsFigureAxes *axes,
                                           double              value);

/* One series of a line plot as a figure keeps it, for hit tests. */
typedef struct
{
  char   *name;
  double *x;
  double *y;
  double *error;   /* NULL for none */
  gsize   n;
} KsFigureSeries;

KsFigureSeries *ks_figure_series_new      (const char         *name,
                                           const double       *x,
                                           const double       *y,
                                           const double       *error,
                                           gsize               n);
void         ks_figure_series_free        (gpointer            series);
/* The series point nearest (x, y) within radius (in points) among series (a GPtrArray
 * of KsFigureSeries), into hit's series, point and point_* fields. */
void         ks_figure_series_nearest     (GPtrArray          *series,
                                           const KsFigureAxes *axes,
                                           double              x,
                                           double              y,
                                           double              radius,
                                           KsFigureHit        *hit);

G_END_DECLS
