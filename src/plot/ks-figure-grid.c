/* ks-figure-grid.c: a figure of rows x columns panels with headings and colour bars
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-figure-grid.h"

#include <math.h>

#include "ks-text.h"

/* The panel height a rotated row heading is wrapped to and the heading column's width
 * depend on each other; they settle in two or three passes. */
#define MAX_HEADING_PASSES 6

typedef struct
{
  gboolean        set;
  KsColorbarStyle style;
  char           *label;       /* owned copy of style.label */
} Colorbar;

struct _KsFigureGrid
{
  guint           n_rows;
  guint           n_columns;
  KsPlotTheme    *theme;
  char           *title;
  char          **row_headings;     /* n_rows entries, NULL where unset */
  char          **column_headings;  /* n_columns entries */
  gboolean        rotated_row_headings;
  gboolean        panel_letters;
  KsPanelDrawFunc panel_func;
  KsPanelContentFunc content_func;
  gpointer        panel_data;
  Colorbar       *row_colorbars;    /* n_rows entries */
  Colorbar        shared_colorbar;
};

/* Where everything goes in a width x height figure. */
typedef struct
{
  double title_height;
  double heading_width;     /* of the row-heading column */
  double heading_wrap;      /* the length rotated row headings were measured wrapped to */
  double heading_height;    /* of the column-heading row */
  double letter_height;     /* strip above each panel for its letter */
  double colorbar_width;    /* of the colour-bar column, gap included */
  KsRect cells;             /* all panels with the gaps between them */
  double cell_width;
  double cell_height;
} GridLayout;

KsFigureGrid *
ks_figure_grid_new (guint n_rows,
                    guint n_columns)
{
  KsFigureGrid *grid = g_new0 (KsFigureGrid, 1);

  grid->n_rows = MAX (n_rows, 1);
  grid->n_columns = MAX (n_columns, 1);
  grid->theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  grid->row_headings = g_new0 (char *, grid->n_rows);
  grid->column_headings = g_new0 (char *, grid->n_columns);
  grid->rotated_row_headings = TRUE;
  grid->row_colorbars = g_new0 (Colorbar, grid->n_rows);
  return grid;
}

static void
colorbar_clear (Colorbar *bar)
{
  g_clear_pointer (&bar->label, g_free);
  bar->set = FALSE;
}

void
ks_figure_grid_free (KsFigureGrid *grid)
{
  if (grid == NULL)
    return;
  ks_plot_theme_free (grid->theme);
  g_free (grid->title);
  /* Not g_strfreev (): unset headings leave NULL holes in these arrays. */
  for (guint r = 0; r < grid->n_rows; r++)
    {
      g_free (grid->row_headings[r]);
      colorbar_clear (&grid->row_colorbars[r]);
    }
  for (guint c = 0; c < grid->n_columns; c++)
    g_free (grid->column_headings[c]);
  g_free (grid->row_headings);
  g_free (grid->column_headings);
  g_free (grid->row_colorbars);
  colorbar_clear (&grid->shared_colorbar);
  g_free (grid);
}

guint
ks_figure_grid_get_n_rows (KsFigureGrid *grid)
{
  return grid->n_rows;
}

guint
ks_figure_grid_get_n_columns (KsFigureGrid *grid)
{
  return grid->n_columns;
}

void
ks_figure_grid_set_theme (KsFigureGrid      *grid,
                          const KsPlotTheme *theme)
{
  g_return_if_fail (grid != NULL && theme != NULL);

  ks_plot_theme_free (grid->theme);
  grid->theme = ks_plot_theme_copy (theme);
}

const KsPlotTheme *
ks_figure_grid_get_theme (KsFigureGrid *grid)
{
  return grid->theme;
}

void
ks_figure_grid_set_title (KsFigureGrid *grid,
                          const char   *title)
{
  g_return_if_fail (grid != NULL);

  g_free (grid->title);
  grid->title = g_strdup (title);
}

void
ks_figure_grid_set_row_heading (KsFigureGrid *grid,
                                guint         row,
                                const char   *heading)
{
  g_return_if_fail (grid != NULL && row < grid->n_rows);

  g_free (grid->row_headings[row]);
  grid->row_headings[row] = g_strdup (heading);
}

void
ks_figure_grid_set_column_heading (KsFigureGrid *grid,
                                   guint         column,
                                   const char   *heading)
{
  g_return_if_fail (grid != NULL && column < grid->n_columns);

  g_free (grid->column_headings[column]);
  grid->column_headings[column] = g_strdup (heading);
}

void
ks_figure_grid_set_row_headings_rotated (KsFigureGrid *grid,
                                         gboolean      rotated)
{
  g_return_if_fail (grid != NULL);
  grid->rotated_row_headings = rotated;
}

void
ks_figure_grid_set_panel_letters (KsFigureGrid *grid,
                                  gboolean      letters)
{
  g_return_if_fail (grid != NULL);
  grid->panel_letters = letters;
}

void
ks_figure_grid_set_panel_func (KsFigureGrid    *grid,
                               KsPanelDrawFunc  func,
                               gpointer         user_data)
{
  g_return_if_fail (grid != NULL);

  grid->panel_func = func;
  grid->panel_data = user_data;
}

void
ks_figure_grid_set_content_func (KsFigureGrid       *grid,
                                 KsPanelContentFunc  func)
{
  g_return_if_fail (grid != NULL);
  grid->content_func = func;
}

static void
colorbar_set (Colorbar              *bar,
              const KsColorbarStyle *style)
{
  colorbar_clear (bar);
  if (style == NULL)
    return;
  bar->set = TRUE;
  bar->style = *style;
  bar->label = g_strdup (style->label);
  bar->style.label = bar->label;
}

void
ks_figure_grid_set_row_colorbar (KsFigureGrid          *grid,
                                 guint                  row,
                                 const KsColorbarStyle *style)
{
  g_return_if_fail (grid != NULL && row < grid->n_rows);
  colorbar_set (&grid->row_colorbars[row], style);
}

void
ks_figure_grid_set_shared_colorbar (KsFigureGrid          *grid,
                                    const KsColorbarStyle *style)
{
  g_return_if_fail (grid != NULL);
  colorbar_set (&grid->shared_colorbar, style);
}

static gboolean
has_text (const char *text)
{
  return text != NULL && *text != '\0';
}

static double
widest_colorbar (KsFigureGrid *grid)
{
  double widest = 0.0;

  if (grid->shared_colorbar.set)
    return ks_colorbar_preferred_extent (&grid->shared_colorbar.style, grid->theme);
  for (guint r = 0; r < grid->n_rows; r++)
    if (grid->row_colorbars[r].set)
      widest = MAX (widest, ks_colorbar_preferred_extent (&grid->row_colorbars[r].style,
                                                          grid->theme));
  return widest;
}

/* The thickness of the row-heading column for a figure whose rows are about row_height
 * high. */
static double
row_heading_width (KsFigureGrid *grid,
                   double        figure_width,
                   double        row_height)
{
  const KsPlotTheme *theme = grid->theme;
  double widest = 0.0;

  for (guint r = 0; r < grid->n_rows; r++)
    {
      double width;
      double height;

      if (!has_text (grid->row_headings[r]))
        continue;
      if (grid->rotated_row_headings)
        {
          ks_text_measure (theme, KS_TEXT_ROLE_HEADING, grid->row_headings[r], row_height,
                           NULL, &height);
          widest = MAX (widest, height);
        }
      else
        {
          ks_text_measure (theme, KS_TEXT_ROLE_HEADING, grid->row_headings[r],
                           figure_width / 4, &width, NULL);
          widest = MAX (widest, width);
        }
    }
  return widest > 0 ? widest + theme->padding * 2 : 0.0;
}

static double
column_heading_height (KsFigureGrid *grid,
                       double        column_width)
{
  double tallest = 0.0;

  for (guint c = 0; c < grid->n_columns; c++)
    {
      double height;

      if (!has_text (grid->column_headings[c]))
        continue;
      ks_text_measure (grid->theme, KS_TEXT_ROLE_HEADING, grid->column_headings[c],
                       column_width, NULL, &height);
      tallest = MAX (tallest, height);
    }
  return tallest > 0 ? tallest + grid->theme->padding : 0.0;
}

static void
compute_layout (KsFigureGrid *grid,
                double        width,
                double        height,
                GridLayout   *layout)
{
  const KsPlotTheme *theme = grid->theme;
  double gap = theme->panel_gap;
  double inner_width = width - 2 * theme->margin;
  double inner_height = height - 2 * theme->margin;
  double bar;
  double row_height;
  KsRect area;

  *layout = (GridLayout) { 0 };
  if (has_text (grid->title))
    {
      ks_text_measure (theme, KS_TEXT_ROLE_TITLE, grid->title, inner_width,
                       NULL, &layout->title_height);
      layout->title_height += theme->padding * 2;
    }
  if (grid->panel_letters)
    {
      ks_text_measure (theme, KS_TEXT_ROLE_PANEL_LETTER, "(a)", 0, NULL, &layout->letter_height);
      layout->letter_height += theme->padding / 2;
    }
  bar = widest_colorbar (grid);
  layout->colorbar_width = bar > 0 ? bar + gap : 0.0;

  /* Row headings need the panel height, which needs the column headings, which need the
   * column width, which needs the row headings: start from a third of the height, and
   * measure again with the panel height that gives until the two agree. Whatever the
   * last pass measured with is what the headings are drawn wrapped to. */
  row_height = (inner_height - layout->title_height) / grid->n_rows;
  for (guint pass = 0; pass < MAX_HEADING_PASSES; pass++)
    {
      double panel_height;

      layout->heading_wrap = MAX (row_height, 1.0);
      layout->heading_width = row_heading_width (grid, inner_width, layout->heading_wrap);
      layout->cell_width = (inner_width - layout->heading_width - layout->colorbar_width -
                            (grid->n_columns - 1) * gap) / grid->n_columns;
      layout->heading_height = column_heading_height (grid, layout->cell_width);
      layout->cell_height = (inner_height - layout->title_height - layout->heading_height -
                             (grid->n_rows - 1) * gap) / grid->n_rows;
      panel_height = layout->cell_height - layout->letter_height;
      if (fabs (panel_height - row_height) < 0.01 || !grid->rotated_row_headings)
        break;
      row_height = panel_height;
    }
  layout->cell_width = MAX (layout->cell_width, 0.0);
  layout->cell_height = MAX (layout->cell_height, 0.0);

  area = ks_rect_make (theme->margin + layout->heading_width,
                       theme->margin + layout->title_height + layout->heading_height,
                       layout->cell_width * grid->n_columns + gap * (grid->n_columns - 1),
                       layout->cell_height * grid->n_rows + gap * (grid->n_rows - 1));
  layout->cells = area;
}

static KsRect
cell_rect (KsFigureGrid     *grid,
           const GridLayout *layout,
           guint             row,
           guint             column)
{
  double gap = grid->theme->panel_gap;

  return ks_rect_make (layout->cells.x + column * (layout->cell_width + gap),
                       layout->cells.y + row * (layout->cell_height + gap),
                       layout->cell_width, layout->cell_height);
}

static KsRect
panel_rect (KsFigureGrid     *grid,
            const GridLayout *layout,
            guint             row,
            guint             column)
{
  KsRect cell = cell_rect (grid, layout, row, column);

  return ks_rect_inset (&cell, 0, layout->letter_height, 0, 0);
}

KsRect
ks_figure_grid_get_panel_rect (KsFigureGrid *grid,
                               double        width,
                               double        height,
                               guint         panel)
{
  GridLayout layout;

  g_return_val_if_fail (grid != NULL, ks_rect_make (0, 0, 0, 0));
  g_return_val_if_fail (panel < grid->n_rows * grid->n_columns, ks_rect_make (0, 0, 0, 0));

  compute_layout (grid, width, height, &layout);
  return panel_rect (grid, &layout, panel / grid->n_columns, panel % grid->n_columns);
}

int
ks_figure_grid_panel_at (KsFigureGrid *grid,
                         double        width,
                         double        height,
                         double        x,
                         double        y)
{
  GridLayout layout;

  g_return_val_if_fail (grid != NULL, -1);

  compute_layout (grid, width, height, &layout);
  for (guint r = 0; r < grid->n_rows; r++)
    for (guint c = 0; c < grid->n_columns; c++)
      {
        KsRect rect = panel_rect (grid, &layout, r, c);

        if (ks_rect_contains (&rect, x, y))
          return (int) (r * grid->n_columns + c);
      }
  return -1;
}

/* (a) ... (z), then (aa), (ab), ... */
static char *
panel_letter (guint panel)
{
  if (panel < 26)
    return g_strdup_printf ("(%c)", 'a' + panel);
  return g_strdup_printf ("(%c%c)", 'a' + (panel / 26 - 1) % 26, 'a' + panel % 26);
}

static void
draw_headings (KsFigureGrid     *grid,
               cairo_t          *cr,
               const GridLayout *layout)
{
  const KsPlotTheme *theme = grid->theme;

  for (guint c = 0; c < grid->n_columns; c++)
    if (has_text (grid->column_headings[c]))
      {
        KsRect cell = cell_rect (grid, layout, 0, c);

        ks_text_draw_wrapped (cr, theme, KS_TEXT_ROLE_HEADING, grid->column_headings[c],
                              cell.width, NULL, cell.x + cell.width / 2,
                              cell.y - theme->padding, 0.5, 1.0, KS_TEXT_HORIZONTAL);
      }
  for (guint r = 0; r < grid->n_rows; r++)
    if (has_text (grid->row_headings[r]))
      {
        KsRect panel = panel_rect (grid, layout, r, 0);
        double x = layout->cells.x - layout->heading_width + theme->padding;

        if (grid->rotated_row_headings)
          ks_text_draw_wrapped (cr, theme, KS_TEXT_ROLE_HEADING, grid->row_headings[r],
                                layout->heading_wrap, NULL, x, panel.y + panel.height / 2,
                                0.5, 0.0, KS_TEXT_VERTICAL_UP);
        else
          ks_text_draw_wrapped (cr, theme, KS_TEXT_ROLE_HEADING, grid->row_headings[r],
                                layout->heading_width - 2 * theme->padding, NULL,
                                x, panel.y + panel.height / 2, 0.0, 0.5, KS_TEXT_HORIZONTAL);
      }
}

static void
draw_panel (KsFigureGrid     *grid,
            cairo_t          *cr,
            const GridLayout *layout,
            guint             row,
            guint             column)
{
  guint panel = row * grid->n_columns + column;
  KsRect cell = cell_rect (grid, layout, row, column);
  KsRect rect = panel_rect (grid, layout, row, column);

  if (grid->panel_letters)
    {
      g_autofree char *letter = panel_letter (panel);

      ks_text_draw (cr, grid->theme, KS_TEXT_ROLE_PANEL_LETTER, letter, NULL,
                    cell.x, cell.y, 0.0, 0.0, KS_TEXT_HORIZONTAL);
    }
  if (grid->panel_func == NULL || rect.width <= 0 || rect.height <= 0)
    return;
  cairo_save (cr);
  grid->panel_func (cr, &rect, panel, grid->panel_data);
  cairo_restore (cr);
}

static KsRect
panel_content (KsFigureGrid     *grid,
               const GridLayout *layout,
               guint             row)
{
  KsRect rect = panel_rect (grid, layout, row, 0);

  if (grid->content_func == NULL)
    return rect;
  return grid->content_func (&rect, row * grid->n_columns, grid->panel_data);
}

/* A bar beside rows first_row..last_row whose colours span their panels' data. */
static void
draw_colorbar (KsFigureGrid          *grid,
               cairo_t               *cr,
               const GridLayout      *layout,
               const KsColorbarStyle *style,
               guint                  first_row,
               guint                  last_row)
{
  KsRect top = panel_content (grid, layout, first_row);
  KsRect bottom = panel_content (grid, layout, last_row);
  double inset = ks_colorbar_end_inset (style, grid->theme);
  KsRect rect = ks_rect_make (layout->cells.x + layout->cells.width + grid->theme->panel_gap,
                              top.y - inset,
                              layout->colorbar_width - grid->theme->panel_gap,
                              bottom.y + bottom.height - top.y + 2 * inset);

  cairo_save (cr);
  ks_colorbar_draw (cr, &rect, style, grid->theme);
  cairo_restore (cr);
}

void
ks_figure_grid_draw (KsFigureGrid *grid,
                     cairo_t      *cr,
                     double        width,
                     double        height)
{
  GridLayout layout;

  g_return_if_fail (grid != NULL && cr != NULL);

  compute_layout (grid, width, height, &layout);
  cairo_save (cr);
  ks_color_set_source (cr, &grid->theme->background);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  if (has_text (grid->title))
    ks_text_draw_wrapped (cr, grid->theme, KS_TEXT_ROLE_TITLE, grid->title,
                          width - 2 * grid->theme->margin, NULL,
                          width / 2, grid->theme->margin + grid->theme->padding, 0.5, 0.0,
                          KS_TEXT_HORIZONTAL);
  draw_headings (grid, cr, &layout);
  for (guint r = 0; r < grid->n_rows; r++)
    for (guint c = 0; c < grid->n_columns; c++)
      draw_panel (grid, cr, &layout, r, c);

  if (grid->shared_colorbar.set)
    draw_colorbar (grid, cr, &layout, &grid->shared_colorbar.style, 0, grid->n_rows - 1);
  else
    for (guint r = 0; r < grid->n_rows; r++)
      if (grid->row_colorbars[r].set)
        draw_colorbar (grid, cr, &layout, &grid->row_colorbars[r].style, r, r);
  cairo_restore (cr);
}

void
ks_figure_grid_draw_func (cairo_t  *cr,
                          double    width,
                          double    height,
                          gpointer  user_data)
{
  ks_figure_grid_draw (user_data, cr, width, height);
}
