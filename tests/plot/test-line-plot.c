/* test-line-plot.c: robustness and geometry of ks-line-plot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ks-line-plot.h"
#include "plot-test-util.h"

#define WIDTH 400
#define HEIGHT 300

static const double red[3] = { 1, 0, 0 };

/* A paper theme whose first series colour is pure red, easy to find among the pixels. */
static KsPlotTheme *
red_theme (void)
{
  KsPlotTheme *theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);

  theme->series[0] = (KsColor) { 1, 0, 0, 1 };
  return theme;
}

static cairo_surface_t *
draw_plot (const KsLinePlot  *plot,
           const KsPlotTheme *theme,
           KsRect            *rect)
{
  cairo_surface_t *canvas = test_canvas_new (WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (canvas);

  *rect = ks_rect_make (5, 5, WIDTH - 10, HEIGHT - 10);
  ks_line_plot_draw (plot, cr, rect, theme);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  return canvas;
}

static guint
count_colour (cairo_surface_t *canvas,
              const double     colour[3],
              double           tolerance)
{
  guint count = 0;

  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        double rgb[3];

        test_pixel (canvas, x, y, rgb);
        count += test_colour_close (rgb, colour, tolerance);
      }
  return count;
}

/* NaN and infinite coordinates and errors, an empty series and an unnamed one: drawing
 * succeeds and the finite points still appear in the series colour. */
static void
test_nan_and_empty_series (void)
{
  g_autoptr(KsPlotTheme) theme = red_theme ();
  g_autoptr(KsLinePlot) plot = ks_line_plot_new ();
  const double x[6] = { 0, 1, NAN, 3, INFINITY, 5 };
  const double y[6] = { 1, NAN, 2, 3, 4, -INFINITY };
  const double e[6] = { 0.1, 0.1, NAN, INFINITY, 0.1, 0.1 };
  cairo_surface_t *canvas;
  KsRect rect;
  guint s;

  s = ks_line_plot_add_series (plot, "with holes", x, y, e, 6);
  ks_line_plot_set_series_style (plot, s, KS_MARKER_CIRCLE, KS_LINE_SOLID, KS_ERROR_BARS);
  ks_line_plot_add_series (plot, "empty", NULL, NULL, NULL, 0);
  ks_line_plot_add_series (plot, NULL, x, y, NULL, 6);
  ks_line_plot_add_reference (plot, NAN, "not a number", -1);
  ks_line_plot_add_reference (plot, 2.5, "reference", 0);
  canvas = draw_plot (plot, theme, &rect);
  g_assert_cmpuint (count_colour (canvas, red, 0.02), >, 10);
  cairo_surface_destroy (canvas);
}

/* With no drawable point at all the axes are drawn with a note in the middle of the
 * frame, and no series colour anywhere. */
static void
test_no_data (void)
{
  g_autoptr(KsPlotTheme) theme = red_theme ();
  g_autoptr(KsLinePlot) plot = ks_line_plot_new ();
  const double x[3] = { NAN, NAN, 1 };
  const double y[3] = { 1, 2, NAN };
  const double white[3] = { 1, 1, 1 };
  cairo_surface_t *canvas;
  guint ink = 0;
  KsRect rect;
  KsRect frame;

  ks_line_plot_add_series (plot, "nothing", x, y, NULL, 3);
  ks_line_plot_add_series (plot, "empty", NULL, NULL, NULL, 0);
  ks_line_plot_set_axis (plot, KS_AXIS_X, "width", KS_SCALE_LOG);
  canvas = draw_plot (plot, theme, &rect);
  frame = ks_line_plot_get_frame (plot, &rect, theme);
  g_assert_cmpfloat (frame.width, >, 100);
  for (int y0 = (int) (frame.y + frame.height * 0.4); y0 < frame.y + frame.height * 0.6; y0++)
    for (int x0 = (int) (frame.x + frame.width * 0.3); x0 < frame.x + frame.width * 0.7; x0++)
      {
        double rgb[3];

        test_pixel (canvas, x0, y0, rgb);
        ink += !test_colour_close (rgb, white, 0.3);
      }
  g_assert_cmpuint (ink, >, 20);
  g_assert_cmpuint (count_colour (canvas, red, 0.02), ==, 0);
  cairo_surface_destroy (canvas);
}

/* On log axes, zeros and negative values (and error bands reaching below zero) are left
 * out without failing; the positive points are drawn. */
static void
test_log_axes_with_zeros (void)
{
  g_autoptr(KsPlotTheme) theme = red_theme ();
  g_autoptr(KsLinePlot) plot = ks_line_plot_new ();
  const double x[6] = { 0, -1, 1, 10, 100, 1000 };
  const double y[6] = { 1, 2, 0, 4, 5, 6 };
  const double e[6] = { 10, 10, 10, 10, 1, 1 };
  const double zeros[3] = { 0, 0, 0 };
  cairo_surface_t *canvas;
  KsRect rect;

  ks_line_plot_set_axis (plot, KS_AXIS_X, "width", KS_SCALE_LOG);
  ks_line_plot_set_axis (plot, KS_AXIS_Y, "variance", KS_SCALE_LOG);
  ks_line_plot_add_series (plot, "mixed", x, y, e, 6);
  ks_line_plot_add_series (plot, "zeros", zeros, zeros, NULL, 3);
  ks_line_plot_add_reference (plot, 0.0, "zero", -1);
  canvas = draw_plot (plot, theme, &rect);
  g_assert_cmpuint (count_colour (canvas, red, 0.02), >, 10);
  cairo_surface_destroy (canvas);
}

/* Square markers at (1, 1), (10, 2), (100, 3) on a log x axis: the centre of each red
 * blob maps back, through ks_line_plot_data_at, to its data point (within 3 % in x and
 * 0.03 in y, about one pixel at this size). */
static void
test_mapping_round_trip (void)
{
  g_autoptr(KsPlotTheme) theme = red_theme ();
  g_autoptr(KsLinePlot) plot = ks_line_plot_new ();
  const double x[3] = { 1, 10, 100 };
  const double y[3] = { 1, 2, 3 };
  double sum_x[3] = { 0 };
  double sum_y[3] = { 0 };
  guint count[3] = { 0 };
  cairo_surface_t *canvas;
  KsRect rect;
  KsRect frame;
  guint s;

  theme->marker_size = 6;
  ks_line_plot_set_axis (plot, KS_AXIS_X, "width", KS_SCALE_LOG);
  s = ks_line_plot_add_series (plot, NULL, x, y, NULL, 3);
  ks_line_plot_set_series_style (plot, s, KS_MARKER_SQUARE, KS_LINE_NONE, KS_ERROR_BAND);
  canvas = draw_plot (plot, theme, &rect);
  frame = ks_line_plot_get_frame (plot, &rect, theme);

  /* The three blobs lie in separate thirds of the frame's width. */
  for (int py = 0; py < HEIGHT; py++)
    for (int px = 0; px < WIDTH; px++)
      {
        double rgb[3];
        int third;

        test_pixel (canvas, px, py, rgb);
        if (!test_colour_close (rgb, red, 0.02))
          continue;
        third = CLAMP ((int) ((px + 0.5 - frame.x) / (frame.width / 3)), 0, 2);
        sum_x[third] += px + 0.5;
        sum_y[third] += py + 0.5;
        count[third]++;
      }
  for (guint i = 0; i < 3; i++)
    {
      double data_x;
      double data_y;

      g_assert_cmpuint (count[i], >, 10);
      g_assert_true (ks_line_plot_data_at (plot, &rect, theme, sum_x[i] / count[i],
                                           sum_y[i] / count[i], &data_x, &data_y));
      g_assert_cmpfloat (fabs (data_x / x[i] - 1), <, 0.03);
      g_assert_cmpfloat (fabs (data_y - y[i]), <, 0.03);
    }
  g_assert_false (ks_line_plot_data_at (plot, &rect, theme, frame.x - 1, frame.y + 1, NULL, NULL));
  cairo_surface_destroy (canvas);
}

/* A legend outside on the right takes width from the frame; an automatic legend over
 * data that fills every corner goes outside too, while one over data that leaves a corner
 * free stays inside. */
static void
test_legend_placement (void)
{
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  g_autoptr(KsLinePlot) plot = ks_line_plot_new ();
  g_autoptr(KsLinePlot) corner_free = ks_line_plot_new ();
  KsRect rect = ks_rect_make (0, 0, WIDTH, HEIGHT);
  double x[21];
  double y_up[21];
  double y_down[21];
  KsRect inside;
  KsRect outside;
  KsRect automatic;

  for (guint i = 0; i < 21; i++)
    {
      x[i] = i;
      y_up[i] = i;
      y_down[i] = 20 - i;
    }
  /* Two diagonals: every corner is crossed. */
  ks_line_plot_add_series (plot, "rising", x, y_up, NULL, 21);
  ks_line_plot_add_series (plot, "falling", x, y_down, NULL, 21);
  ks_line_plot_set_legend (plot, KS_LEGEND_NONE);
  inside = ks_line_plot_get_frame (plot, &rect, theme);
  ks_line_plot_set_legend (plot, KS_LEGEND_OUTSIDE_RIGHT);
  outside = ks_line_plot_get_frame (plot, &rect, theme);
  g_assert_cmpfloat (outside.width, <, inside.width - 20);
  ks_line_plot_set_legend (plot, KS_LEGEND_AUTO);
  automatic = ks_line_plot_get_frame (plot, &rect, theme);
  g_assert_cmpfloat (automatic.width, ==, outside.width);

  /* One rising line leaves the top-left and bottom-right corners free. */
  ks_line_plot_add_series (corner_free, "rising", x, y_up, NULL, 21);
  automatic = ks_line_plot_get_frame (corner_free, &rect, theme);
  ks_line_plot_set_legend (corner_free, KS_LEGEND_NONE);
  inside = ks_line_plot_get_frame (corner_free, &rect, theme);
  g_assert_cmpfloat (automatic.width, ==, inside.width);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/line-plot/nan-and-empty-series", test_nan_and_empty_series);
  g_test_add_func ("/line-plot/no-data", test_no_data);
  g_test_add_func ("/line-plot/log-axes-with-zeros", test_log_axes_with_zeros);
  g_test_add_func ("/line-plot/mapping-round-trip", test_mapping_round_trip);
  g_test_add_func ("/line-plot/legend-placement", test_legend_placement);

  return g_test_run ();
}
