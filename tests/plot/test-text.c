/* test-text.c: text is drawn exactly as it was measured, on any surface and at any scale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ks-text.h"
#include "plot-test-util.h"

#define SENTENCE "Kernelscope draws the kernels of wide networks: mean of 16 samples, 0123456789. "

/* The leftmost and rightmost columns holding ink darker than mid-grey, in points. */
static void
ink_columns (cairo_surface_t *surface,
             double           scale,
             double          *left,
             double          *right)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int first = width, last = -1;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double rgb[3];

        test_pixel (surface, x, y, rgb);
        if (rgb[0] < 0.5)
          {
            first = MIN (first, x);
            last = MAX (last, x);
          }
      }
  g_assert_cmpint (last, >=, first);
  *left = first / scale;
  *right = (last + 1) / scale;
}

/* A line some 4000 pt long is drawn on image surfaces at 72, 96, 150 and 300 dpi, with
 * the cairo_t asking for hinted metrics and full hinting, and its ink must start and end
 * where the measured layout's ink does, to a device pixel (the edge of antialiased ink
 * is only known to a pixel). A layout made afresh for the device scale gets advances
 * rounded differently (about 0.03 % shorter or longer at 96 and 150 dpi here), which over
 * this length misses by more than a pixel. */
static void
test_text_drawn_as_measured (void)
{
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  g_autoptr(GString) text = g_string_new (NULL);
  const double dpis[] = { 72.0, 96.0, 150.0, 300.0 };
  PangoRectangle ink, logical;
  PangoLayout *layout;
  const double x0 = 6.0, y0 = 4.0;

  for (guint i = 0; i < 14; i++)
    g_string_append (text, SENTENCE);
  g_string_append (text, "end");
  layout = ks_text_layout_new (theme, KS_TEXT_ROLE_NOTE, text->str, 0.0);
  pango_layout_get_extents (layout, &ink, &logical);
  g_object_unref (layout);
  g_assert_cmpfloat (pango_units_to_double (logical.width), >, 3000.0);

  for (guint d = 0; d < G_N_ELEMENTS (dpis); d++)
    {
      double scale = dpis[d] / 72.0;
      double width = pango_units_to_double (logical.width) + 2 * x0;
      double height = pango_units_to_double (logical.height) + 2 * y0;
      cairo_surface_t *surface = test_canvas_new ((int) ceil (width * scale),
                                                  (int) ceil (height * scale));
      cairo_t *cr = cairo_create (surface);
      cairo_font_options_t *options = cairo_font_options_create ();
      double left, right, pixel = 1.0 / scale;

      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_ON);
      cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_FULL);
      cairo_set_font_options (cr, options);
      cairo_font_options_destroy (options);
      cairo_scale (cr, scale, scale);
      ks_text_draw (cr, theme, KS_TEXT_ROLE_NOTE, text->str, NULL, x0, y0, 0.0, 0.0,
                    KS_TEXT_HORIZONTAL);
      cairo_destroy (cr);

      ink_columns (surface, scale, &left, &right);
      g_test_message ("%g dpi: ink from %.3f to %.3f pt, measured %.3f to %.3f", dpis[d],
                      left, right, x0 + pango_units_to_double (ink.x),
                      x0 + pango_units_to_double (ink.x + ink.width));
      g_assert_cmpfloat (fabs (left - (x0 + pango_units_to_double (ink.x))), <=, pixel);
      g_assert_cmpfloat (fabs (right - (x0 + pango_units_to_double (ink.x + ink.width))), <=,
                         pixel);
      cairo_surface_destroy (surface);
    }
}

/* Wrapped text breaks into the same lines whatever it is drawn on: the ink of a
 * paragraph wrapped to 200 pt stays within those 200 pt and within the measured height,
 * at each scale. */
static void
test_text_wrapped_within_measure (void)
{
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  g_autoptr(GString) text = g_string_new (NULL);
  const double dpis[] = { 96.0, 150.0, 300.0 };
  const double wrap = 200.0, x0 = 10.0;
  double measured_height;

  for (guint i = 0; i < 6; i++)
    g_string_append (text, SENTENCE);
  ks_text_measure (theme, KS_TEXT_ROLE_NOTE, text->str, wrap, NULL, &measured_height);

  for (guint d = 0; d < G_N_ELEMENTS (dpis); d++)
    {
      double scale = dpis[d] / 72.0, left, right;
      cairo_surface_t *surface = test_canvas_new ((int) ceil ((wrap + 2 * x0) * scale),
                                                  (int) ceil ((measured_height + 20) * scale));
      cairo_t *cr = cairo_create (surface);
      int bottom = -1;

      cairo_scale (cr, scale, scale);
      ks_text_draw_wrapped (cr, theme, KS_TEXT_ROLE_NOTE, text->str, wrap, NULL,
                            x0 + wrap / 2, 0.0, 0.5, 0.0, KS_TEXT_HORIZONTAL);
      cairo_destroy (cr);
      ink_columns (surface, scale, &left, &right);
      g_assert_cmpfloat (left, >=, x0 - 1.0 / scale);
      g_assert_cmpfloat (right, <=, x0 + wrap + 1.0 / scale);
      for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
        for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
          {
            double rgb[3];

            test_pixel (surface, x, y, rgb);
            if (rgb[0] < 0.5)
              bottom = y;
          }
      g_assert_cmpfloat ((bottom + 1) / scale, <=, measured_height);
      cairo_surface_destroy (surface);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/drawn-as-measured", test_text_drawn_as_measured);
  g_test_add_func ("/text/wrapped-within-measure", test_text_wrapped_within_measure);
  return g_test_run ();
}
