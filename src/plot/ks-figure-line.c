/* ks-figure-line.c: the parts the one-panel line-plot figures share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-figure-line.h"

#include <math.h>

static void
draw_panel (cairo_t      *cr,
            const KsRect *rect,
            guint         panel,
            gpointer      user_data)
{
  KsFigureLine *line = user_data;

  ks_line_plot_draw (line->plot, cr, rect, ks_figure_grid_get_theme (line->grid));
}

static KsRect
panel_content (const KsRect *rect,
               guint         panel,
               gpointer      user_data)
{
  KsFigureLine *line = user_data;

  return ks_line_plot_get_frame (line->plot, rect, ks_figure_grid_get_theme (line->grid));
}

void
ks_figure_line_init (KsFigureLine *line)
{
  line->plot = ks_line_plot_new ();
  line->series = g_ptr_array_new_with_free_func (ks_figure_series_free);
}

void
ks_figure_line_set_grid (KsFigureLine        *line,
                         const KsPlotTheme   *theme,
                         const KsFigureStyle *style,
                         const char          *title,
                         const char          *footnote)
{
  line->grid = ks_figure_grid_new (1, 1);
  ks_figure_grid_set_theme (line->grid, theme);
  ks_figure_grid_set_title (line->grid, ks_figure_text_or_default (style->title, title));
  ks_figure_grid_set_panel_func (line->grid, draw_panel, line);
  ks_figure_grid_set_content_func (line->grid, panel_content);
  line->footnote = g_strdup (ks_figure_text_or_default (style->footnote, footnote));
}

void
ks_figure_line_clear (KsFigureLine *line)
{
  g_clear_pointer (&line->grid, ks_figure_grid_free);
  g_clear_pointer (&line->plot, ks_line_plot_free);
  g_clear_pointer (&line->series, g_ptr_array_unref);
  g_clear_pointer (&line->footnote, g_free);
}

static double
grid_height (KsFigureLine *line,
             double        width,
             double        height)
{
  return ks_figure_grid_height (line->grid, line->footnote, width, height);
}

double
ks_figure_line_preferred_height (KsFigureLine *line,
                                 double        width,
                                 double        aspect)
{
  double trial = width;
  KsRect panel = ks_figure_grid_get_panel_rect (line->grid, width, trial, 0);

  return ceil (trial - panel.height + aspect * panel.width +
               ks_figure_footnote_height (ks_figure_grid_get_theme (line->grid),
                                          line->footnote, width));
}

void
ks_figure_line_draw (KsFigureLine *line,
                     cairo_t      *cr,
                     double        width,
                     double        height)
{
  ks_figure_draw_with_footnote (cr, line->grid, line->footnote, width, height,
                                grid_height (line, width, height));
}

static KsRect
plot_rect (KsFigureLine *line,
           double        width,
           double        height)
{
  return ks_figure_grid_get_panel_rect (line->grid, width, grid_height (line, width, height), 0);
}

KsRect
ks_figure_line_get_frame (KsFigureLine *line,
                          double        width,
                          double        height)
{
  KsRect rect = plot_rect (line, width, height);

  return ks_line_plot_get_frame (line->plot, &rect, ks_figure_grid_get_theme (line->grid));
}

void
ks_figure_line_probe_axes (KsFigureLine *line,
                           double        width,
                           double        height,
                           KsScale       x_scale,
                           KsScale       y_scale,
                           KsFigureAxes *axes)
{
  KsRect rect = plot_rect (line, width, height);

  ks_figure_axes_probe (line->plot, &rect, ks_figure_grid_get_theme (line->grid),
                        x_scale, y_scale, axes);
}

gboolean
ks_figure_line_hit (KsFigureLine *line,
                    double        width,
                    double        height,
                    double        x,
                    double        y,
                    KsScale       x_scale,
                    KsScale       y_scale,
                    double        radius,
                    KsFigureAxes *axes,
                    KsFigureHit  *hit)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (line->grid);
  KsRect rect = plot_rect (line, width, height);

  ks_figure_hit_init (hit);
  if (!ks_rect_contains (&rect, x, y))
    return FALSE;
  hit->panel = 0;
  if (!ks_line_plot_data_at (line->plot, &rect, theme, x, y, &hit->x, &hit->y))
    return FALSE;
  hit->in_frame = TRUE;
  ks_figure_axes_probe (line->plot, &rect, theme, x_scale, y_scale, axes);
  ks_figure_series_nearest (line->series, axes, x, y, radius, hit);
  return TRUE;
}
