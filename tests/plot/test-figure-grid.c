/* test-figure-grid.c: layout and drawing of ks-figure-grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ks-figure-grid.h"
#include "plot-test-util.h"

typedef struct
{
  guint  calls;
  KsRect rects[16];
  guint  panels[16];
} Recorder;

static void
record_panel (cairo_t      *cr,
              const KsRect *rect,
              guint         panel,
              gpointer      user_data)
{
  Recorder *recorder = user_data;

  g_assert_cmpuint (recorder->calls, <, G_N_ELEMENTS (recorder->rects));
  recorder->rects[recorder->calls] = *rect;
  recorder->panels[recorder->calls] = panel;
  recorder->calls++;
  /* A mid-grey fill, to see where the panels are. */
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_rectangle (cr, rect->x, rect->y, rect->width, rect->height);
  cairo_fill (cr);
}

static gboolean
rects_overlap (const KsRect *a,
               const KsRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

/* Millimetres and inches convert to points exactly (72 points to the inch). */
static void
test_units (void)
{
  g_assert_cmpfloat_with_epsilon (ks_mm_to_pt (25.4), 72.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ks_inch_to_pt (2.5), 180.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ks_pt_to_mm (ks_mm_to_pt (183.0)), 183.0, 1e-12);
}

/* A 2 x 3 grid with headings, letters and a shared colour bar: the callback runs once per
 * panel in order with the rectangle ks_figure_grid_get_panel_rect () reports; panels are
 * the same size, inside the figure's margins, apart from each other, in reading order;
 * panel_at finds each panel's centre and nothing in the gaps. */
static void
test_panel_layout (void)
{
  g_autoptr(KsFigureGrid) grid = ks_figure_grid_new (2, 3);
  const KsPlotTheme *theme = ks_figure_grid_get_theme (grid);
  cairo_surface_t *canvas = test_canvas_new (400, 260);
  cairo_t *cr = cairo_create (canvas);
  KsColorbarStyle bar;
  Recorder recorder = { 0 };
  double gap_x;

  ks_figure_grid_set_row_heading (grid, 0, "infinite width (NNGP)");
  ks_figure_grid_set_row_heading (grid, 1, "one finite-width sample");
  for (guint c = 0; c < 3; c++)
    {
      g_autofree char *heading = g_strdup_printf ("layer %u", c + 1);

      ks_figure_grid_set_column_heading (grid, c, heading);
    }
  ks_figure_grid_set_panel_letters (grid, TRUE);
  ks_colorbar_style_init (&bar, KS_COLORMAP_VIRIDIS, 0, 1, "kernel value");
  ks_figure_grid_set_shared_colorbar (grid, &bar);
  ks_figure_grid_set_panel_func (grid, record_panel, &recorder);
  ks_figure_grid_draw (grid, cr, 400, 260);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  g_assert_cmpuint (recorder.calls, ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      KsRect expected = ks_figure_grid_get_panel_rect (grid, 400, 260, i);
      const KsRect *rect = &recorder.rects[i];

      g_assert_cmpuint (recorder.panels[i], ==, i);
      g_assert_cmpfloat (rect->x, ==, expected.x);
      g_assert_cmpfloat (rect->y, ==, expected.y);
      g_assert_cmpfloat_with_epsilon (rect->width, recorder.rects[0].width, 1e-9);
      g_assert_cmpfloat_with_epsilon (rect->height, recorder.rects[0].height, 1e-9);
      g_assert_cmpfloat (rect->width, >, 50);
      g_assert_cmpfloat (rect->height, >, 50);
      g_assert_cmpfloat (rect->x, >=, theme->margin);
      g_assert_cmpfloat (rect->y, >=, theme->margin);
      g_assert_cmpfloat (rect->x + rect->width, <=, 400 - theme->margin);
      g_assert_cmpfloat (rect->y + rect->height, <=, 260 - theme->margin);
      for (guint j = 0; j < i; j++)
        g_assert_false (rects_overlap (rect, &recorder.rects[j]));
      g_assert_cmpint (ks_figure_grid_panel_at (grid, 400, 260, rect->x + rect->width / 2,
                                                rect->y + rect->height / 2), ==, (int) i);
    }
  /* Reading order: the second panel is to the right, the fourth below. */
  g_assert_cmpfloat (recorder.rects[1].x, >, recorder.rects[0].x + recorder.rects[0].width);
  g_assert_cmpfloat (recorder.rects[3].y, >, recorder.rects[0].y + recorder.rects[0].height);
  gap_x = recorder.rects[0].x + recorder.rects[0].width + theme->panel_gap / 2;
  g_assert_cmpint (ks_figure_grid_panel_at (grid, 400, 260, gap_x, recorder.rects[0].y + 10),
                   ==, -1);
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* The headings, letters and colour bar are drawn outside the panels: ink left of the
 * first column (row headings), above the first row (column headings and letters), and
 * colour-bar colours right of the last column. */
static void
test_decorations_drawn (void)
{
  g_autoptr(KsFigureGrid) grid = ks_figure_grid_new (2, 2);
  cairo_surface_t *canvas = test_canvas_new (300, 300);
  cairo_t *cr = cairo_create (canvas);
  const double white[3] = { 1, 1, 1 };
  const double (*viridis)[3] = ks_colormap_table (KS_COLORMAP_VIRIDIS);
  KsColorbarStyle bar;
  Recorder recorder = { 0 };
  guint left_ink = 0;
  guint top_ink = 0;
  gboolean bar_seen = FALSE;
  KsRect first;
  KsRect last;

  ks_figure_grid_set_row_heading (grid, 0, "row heading");
  ks_figure_grid_set_column_heading (grid, 1, "column heading");
  ks_figure_grid_set_panel_letters (grid, TRUE);
  ks_colorbar_style_init (&bar, KS_COLORMAP_VIRIDIS, 0, 1, NULL);
  ks_figure_grid_set_row_colorbar (grid, 1, &bar);
  ks_figure_grid_set_panel_func (grid, record_panel, &recorder);
  ks_figure_grid_draw (grid, cr, 300, 300);
  first = ks_figure_grid_get_panel_rect (grid, 300, 300, 0);
  last = ks_figure_grid_get_panel_rect (grid, 300, 300, 3);

  for (int y = 0; y < 300; y++)
    for (int x = 0; x < 300; x++)
      {
        double rgb[3];

        test_pixel (canvas, x, y, rgb);
        if (test_colour_close (rgb, white, 0.3))
          continue;
        if (x < first.x - 1 && y > first.y && y < first.y + first.height)
          left_ink++;
        if (y < first.y - 1)
          top_ink++;
        if (x > last.x + last.width + 1 && y > last.y && y < last.y + last.height)
          for (guint k = 0; k < KS_COLORMAP_N_ENTRIES; k += 5)
            bar_seen |= test_colour_close (rgb, viridis[k], 0.02);
      }
  g_assert_cmpuint (left_ink, >, 20);
  g_assert_cmpuint (top_ink, >, 40);
  g_assert_true (bar_seen);
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* Rotated row headings are wrapped to the height of their row's panels, and the heading
 * column is as thick as the wrapped text: no ink of a heading may reach into the panels
 * (where heatmaps put their class labels). Headings of 1 to 12 words in a 3-row grid with
 * panel letters and two-line column headings, whose panels are much lower than a third of
 * the figure, so that an estimate of the row height made before the column headings and
 * letters are known would wrap some of them onto fewer lines than drawn. */
static void
test_rotated_headings_clear_of_panels (void)
{
  for (guint words = 1; words <= 12; words++)
    {
      g_autoptr(KsFigureGrid) grid = ks_figure_grid_new (3, 4);
      g_autoptr(GString) heading = g_string_new ("mean");
      cairo_surface_t *canvas = test_canvas_new (320, 220);
      cairo_t *cr = cairo_create (canvas);
      guint intruding = 0;

      for (guint w = 1; w < words; w++)
        g_string_append (heading, " of samples");
      for (guint r = 0; r < 3; r++)
        ks_figure_grid_set_row_heading (grid, r, heading->str);
      for (guint c = 0; c < 4; c++)
        ks_figure_grid_set_column_heading (grid, c, "a column heading on two lines");
      ks_figure_grid_set_panel_letters (grid, TRUE);
      ks_figure_grid_draw (grid, cr, 320, 220);
      /* The first column's panels (panel letters lie above each panel, outside it). */
      for (guint r = 0; r < 3; r++)
        {
          KsRect panel = ks_figure_grid_get_panel_rect (grid, 320, 220, r * 4);

          for (int y = (int) ceil (panel.y); y < panel.y + panel.height; y++)
            for (int x = (int) ceil (panel.x); x < panel.x + panel.width; x++)
              {
                double rgb[3];

                test_pixel (canvas, x, y, rgb);
                intruding += test_luminance (rgb) < 0.9;
              }
        }
      g_assert_cmpuint (intruding, ==, 0);
      cairo_destroy (cr);
      cairo_surface_destroy (canvas);
    }
}

/* A grid with no callback, one panel, or a figure too small for its decorations draws
 * without error. */
static void
test_degenerate (void)
{
  g_autoptr(KsFigureGrid) grid = ks_figure_grid_new (0, 0);
  cairo_surface_t *canvas = test_canvas_new (20, 20);
  cairo_t *cr = cairo_create (canvas);

  g_assert_cmpuint (ks_figure_grid_get_n_rows (grid), ==, 1);
  g_assert_cmpuint (ks_figure_grid_get_n_columns (grid), ==, 1);
  ks_figure_grid_set_title (grid, "a title much wider than the figure");
  ks_figure_grid_set_row_heading (grid, 0, "a heading much taller than the figure");
  ks_figure_grid_draw (grid, cr, 20, 20);
  ks_figure_grid_draw (grid, cr, 0, 0);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/figure-grid/units", test_units);
  g_test_add_func ("/figure-grid/panel-layout", test_panel_layout);
  g_test_add_func ("/figure-grid/decorations-drawn", test_decorations_drawn);
  g_test_add_func ("/figure-grid/rotated-headings-clear-of-panels",
                   test_rotated_headings_clear_of_panels);
  g_test_add_func ("/figure-grid/degenerate", test_degenerate);

  return g_test_run ();
}
