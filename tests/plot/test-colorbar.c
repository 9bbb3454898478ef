/* test-colorbar.c: pixels and layout of ks-colorbar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ks-colorbar.h"
#include "plot-test-util.h"

/* The largest change of any component between neighbouring table entries: a pixel of the
 * bar shows the entry nearest its position, which may be one entry away from the exact
 * interpolated colour, and is rounded to bytes. */
static double
neighbour_tolerance (KsColormap map)
{
  const double (*table)[3] = ks_colormap_table (map);
  double largest = 0.0;

  for (guint k = 1; k < KS_COLORMAP_N_ENTRIES; k++)
    for (guint c = 0; c < 3; c++)
      largest = MAX (largest, fabs (table[k][c] - table[k - 1][c]));
  return largest + 1.0 / 255;
}

typedef struct
{
  cairo_surface_t *canvas;
  KsRect           bar;
} DrawnBar;

static DrawnBar
draw_bar (const KsColorbarStyle *style,
          int                    width,
          int                    height)
{
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  KsRect rect = ks_rect_make (10, 10, width - 20, height - 20);
  DrawnBar drawn;
  cairo_t *cr;

  drawn.canvas = test_canvas_new (width, height);
  cr = cairo_create (drawn.canvas);
  ks_colorbar_draw (cr, &rect, style, theme);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  drawn.bar = ks_colorbar_bar_rect (&rect, style, theme);
  return drawn;
}

/* Along a vertical viridis bar, from bottom to top: each pixel's colour matches the map
 * at its position (within neighbour_tolerance), luminance never falls by more than one
 * byte's worth and rises in every eighth of the bar; the top is far lighter than the
 * bottom. */
static void
test_vertical_monotone (void)
{
  KsColorbarStyle style;
  DrawnBar drawn;
  double tolerance = neighbour_tolerance (KS_COLORMAP_VIRIDIS);
  double previous = -1.0;
  double first;
  double last = 0.0;
  int x;
  int top;
  int bottom;
  int eighth;

  ks_colorbar_style_init (&style, KS_COLORMAP_VIRIDIS, 0.0, 1.4, "kernel value");
  drawn = draw_bar (&style, 120, 340);
  x = (int) (drawn.bar.x + drawn.bar.width / 2);
  top = (int) ceil (drawn.bar.y + 1);
  bottom = (int) floor (drawn.bar.y + drawn.bar.height - 2);
  g_assert_cmpint (bottom - top, >, 200);
  eighth = (bottom - top) / 8;

  for (int y = bottom; y >= top; y--)
    {
      double t = 1.0 - (y + 0.5 - drawn.bar.y) / drawn.bar.height;
      double expected[3];
      double rgb[3];
      double luminance;

      test_pixel (drawn.canvas, x, y, rgb);
      ks_colormap_map (KS_COLORMAP_VIRIDIS, t, expected);
      test_assert_colour (rgb, expected, tolerance);
      luminance = test_luminance (rgb);
      g_assert_cmpfloat (luminance, >=, previous - 1.0 / 255);
      if ((bottom - y) % eighth == 0 && y != bottom)
        g_assert_cmpfloat (luminance, >, last);
      if ((bottom - y) % eighth == 0)
        last = luminance;
      previous = luminance;
    }
  {
    double rgb[3];

    test_pixel (drawn.canvas, x, bottom, rgb);
    first = test_luminance (rgb);
    test_pixel (drawn.canvas, x, top, rgb);
    g_assert_cmpfloat (test_luminance (rgb) - first, >, 0.5);
  }
  cairo_surface_destroy (drawn.canvas);
}

/* A horizontal magma bar runs from vmin at the left to vmax at the right. */
static void
test_horizontal (void)
{
  KsColorbarStyle style;
  DrawnBar drawn;
  double tolerance = neighbour_tolerance (KS_COLORMAP_MAGMA);
  double previous = -1.0;
  int y;

  ks_colorbar_style_init (&style, KS_COLORMAP_MAGMA, -1.0, 1.0, "difference");
  style.orientation = KS_ORIENTATION_HORIZONTAL;
  drawn = draw_bar (&style, 360, 90);
  y = (int) (drawn.bar.y + drawn.bar.height / 2);
  g_assert_cmpfloat (drawn.bar.width, >, 250);
  for (int x = (int) ceil (drawn.bar.x + 1);
       x <= (int) floor (drawn.bar.x + drawn.bar.width - 2);
       x++)
    {
      double t = (x + 0.5 - drawn.bar.x) / drawn.bar.width;
      double expected[3];
      double rgb[3];

      test_pixel (drawn.canvas, x, y, rgb);
      ks_colormap_map (KS_COLORMAP_MAGMA, t, expected);
      test_assert_colour (rgb, expected, tolerance);
      g_assert_cmpfloat (test_luminance (rgb), >=, previous - 1.0 / 255);
      previous = test_luminance (rgb);
    }
  cairo_surface_destroy (drawn.canvas);
}

/* A diverging bar over -2..2 is near white at its middle, red at the top, blue at the
 * bottom. */
static void
test_diverging (void)
{
  KsColorbarStyle style;
  DrawnBar drawn;
  double rgb[3];
  int x;

  ks_colorbar_style_init (&style, KS_COLORMAP_RDBU, -2.0, 2.0, "signed value");
  drawn = draw_bar (&style, 120, 300);
  x = (int) (drawn.bar.x + drawn.bar.width / 2);
  test_pixel (drawn.canvas, x, (int) (drawn.bar.y + drawn.bar.height / 2), rgb);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpfloat (rgb[c], >, 0.9);
  test_pixel (drawn.canvas, x, (int) ceil (drawn.bar.y + 1), rgb);
  g_assert_cmpfloat (rgb[0], >, rgb[2] + 0.2);
  test_pixel (drawn.canvas, x, (int) floor (drawn.bar.y + drawn.bar.height - 2), rgb);
  g_assert_cmpfloat (rgb[2], >, rgb[0] + 0.2);
  cairo_surface_destroy (drawn.canvas);
}

/* The bar, its tick labels and its label fit in the preferred width: nothing is drawn to
 * the right of rect.x + extent, and something (the label) is drawn in its last quarter. */
static void
test_preferred_extent (void)
{
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  cairo_surface_t *canvas = test_canvas_new (200, 300);
  cairo_t *cr = cairo_create (canvas);
  const double white[3] = { 1, 1, 1 };
  KsColorbarStyle style;
  gboolean label_seen = FALSE;
  double extent;
  KsRect rect;

  ks_colorbar_style_init (&style, KS_COLORMAP_CIVIDIS, -0.25, 12.5, "mean kernel value");
  extent = ks_colorbar_preferred_extent (&style, theme);
  g_assert_cmpfloat (extent, >, theme->font_size + theme->tick_length);
  rect = ks_rect_make (10, 10, extent, 280);
  ks_colorbar_draw (cr, &rect, &style, theme);
  cairo_destroy (cr);

  for (int y = 0; y < 300; y++)
    {
      for (int x = (int) ceil (rect.x + extent + 1); x < 200; x++)
        {
          double rgb[3];

          test_pixel (canvas, x, y, rgb);
          test_assert_colour (rgb, white, 0.0);
        }
      for (int x = (int) (rect.x + extent * 0.75); x < (int) (rect.x + extent); x++)
        {
          double rgb[3];

          test_pixel (canvas, x, y, rgb);
          label_seen |= !test_colour_close (rgb, white, 0.2);
        }
    }
  g_assert_true (label_seen);
  cairo_surface_destroy (canvas);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/colorbar/vertical-monotone", test_vertical_monotone);
  g_test_add_func ("/colorbar/horizontal", test_horizontal);
  g_test_add_func ("/colorbar/diverging", test_diverging);
  g_test_add_func ("/colorbar/preferred-extent", test_preferred_extent);

  return g_test_run ();
}
