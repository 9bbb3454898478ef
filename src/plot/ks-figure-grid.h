/* ks-figure-grid.h: a figure of rows x columns panels with headings and colour bars
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "ks-colorbar.h"
#include "ks-plot-theme.h"
#include "ks-plot-types.h"

G_BEGIN_DECLS

/* Draws panel number panel (row * n_columns + column) into rect, in points. */
typedef void (*KsPanelDrawFunc) (cairo_t      *cr,
                                 const KsRect *rect,
                                 guint         panel,
                                 gpointer      user_data);

/* Where the data of panel lies inside its rect (a heatmap's cells, a plot's frame), so
 * that colour bars line up with it. */
typedef KsRect (*KsPanelContentFunc) (const KsRect *rect,
                                      guint         panel,
                                      gpointer      user_data);

typedef struct _KsFigureGrid KsFigureGrid;

/* A grid with the paper theme, rotated row headings and no panel letters. */
KsFigureGrid *ks_figure_grid_new                   (guint              n_rows,
                                                    guint              n_columns);
void          ks_figure_grid_free                  (KsFigureGrid      *grid);

guint         ks_figure_grid_get_n_rows            (KsFigureGrid      *grid);
guint         ks_figure_grid_get_n_columns         (KsFigureGrid      *grid);
/* The theme is copied. */
void          ks_figure_grid_set_theme             (KsFigureGrid      *grid,
                                                    const KsPlotTheme *theme);
const KsPlotTheme *
              ks_figure_grid_get_theme             (KsFigureGrid      *grid);
void          ks_figure_grid_set_title             (KsFigureGrid      *grid,
                                                    const char        *title);
void          ks_figure_grid_set_row_heading       (KsFigureGrid      *grid,
                                                    guint              row,
                                                    const char        *heading);
void          ks_figure_grid_set_column_heading    (KsFigureGrid      *grid,
                                                    guint              column,
                                                    const char        *heading);
/* TRUE (the default) turns row headings to read upwards; FALSE writes them across,
 * wrapped to at most a quarter of the figure's width. */
void          ks_figure_grid_set_row_headings_rotated (KsFigureGrid   *grid,
                                                    gboolean           rotated);
/* Letters (a), (b), ... at the top left of each panel, row by row. */
void          ks_figure_grid_set_panel_letters     (KsFigureGrid      *grid,
                                                    gboolean           letters);
void          ks_figure_grid_set_panel_func        (KsFigureGrid      *grid,
                                                    KsPanelDrawFunc    func,
                                                    gpointer           user_data);
/* Tells the grid where the data lies in each panel (called with the panel func's
 * user_data); without it, a panel's data fills its rect. */
void          ks_figure_grid_set_content_func      (KsFigureGrid      *grid,
                                                    KsPanelContentFunc func);
/* A colour bar to the right of one row, or one for the whole figure (which replaces the
 * per-row bars). The style is copied, label included. The colours span the data of the
 * first column's panels in the rows the bar serves, from the top of the first to the
 * bottom of the last. */
void          ks_figure_grid_set_row_colorbar      (KsFigureGrid          *grid,
                                                    guint                  row,
                                                    const KsColorbarStyle *style);
void          ks_figure_grid_set_shared_colorbar   (KsFigureGrid          *grid,
                                                    const KsColorbarStyle *style);

/* Fills the background and draws headings, letters, panels and colour bars into a
 * width x height figure at the origin of cr. */
void          ks_figure_grid_draw                  (KsFigureGrid      *grid,
                                                    cairo_t           *cr,
                                                    double             width,
                                                    double             height);
/* ks_figure_grid_draw () with the argument order of KsExportDrawFunc; user_data is the
 * grid. */
void          ks_figure_grid_draw_func             (cairo_t           *cr,
                                                    double             width,
                                                    double             height,
                                                    gpointer           user_data);
/* Where panel goes in a width x height figure. */
KsRect        ks_figure_grid_get_panel_rect        (KsFigureGrid      *grid,
                                                    double             width,
                                                    double             height,
                                                    guint              panel);
/* The panel under (x, y), or -1. */
int           ks_figure_grid_panel_at              (KsFigureGrid      *grid,
                                                    double             width,
                                                    double             height,
                                                    double             x,
                                                    double             y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFigureGrid, ks_figure_grid_free)

G_END_DECLS
