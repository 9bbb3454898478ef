/* plot-test-util.h: drawing into image surfaces and reading their pixels back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <math.h>

/* An opaque white w x h canvas. */
static inline cairo_surface_t *
test_canvas_new (int width,
                 int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  return surface;
}

/* The colour of pixel (x, y), components in [0, 1] (the canvases are opaque, so
 * premultiplication does not matter). */
static inline void
test_pixel (cairo_surface_t *surface,
            int              x,
            int              y,
            double           rgb[3])
{
  const guint8 *data;
  guint32 pixel;

  cairo_surface_flush (surface);
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  data = cairo_image_surface_get_data (surface);
  pixel = *(const guint32 *) (data + y * cairo_image_surface_get_stride (surface) + 4 * x);
  rgb[0] = ((pixel >> 16) & 0xff) / 255.0;
  rgb[1] = ((pixel >> 8) & 0xff) / 255.0;
  rgb[2] = (pixel & 0xff) / 255.0;
}

static inline gboolean
test_colour_close (const double a[3],
                   const double b[3],
                   double       tolerance)
{
  return fabs (a[0] - b[0]) <= tolerance && fabs (a[1] - b[1]) <= tolerance &&
         fabs (a[2] - b[2]) <= tolerance;
}

/* Relative luminance (ITU-R BT.709 on linearised sRGB). */
static inline double
test_luminance (const double rgb[3])
{
  double linear[3];

  for (int c = 0; c < 3; c++)
    linear[c] = rgb[c] <= 0.04045 ? rgb[c] / 12.92 : pow ((rgb[c] + 0.055) / 1.055, 2.4);
  return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
}

#define test_assert_colour(actual, expected, tolerance) \
  G_STMT_START { \
    if (!test_colour_close ((actual), (expected), (tolerance))) \
      { \
        g_autofree char *message_ = \
          g_strdup_printf ("colour (%.4f, %.4f, %.4f) differs from (%.4f, %.4f, %.4f) by " \
                           "more than %g", (actual)[0], (actual)[1], (actual)[2], \
                           (expected)[0], (expected)[1], (expected)[2], \
                           (double) (tolerance)); \
        g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, message_); \
      } \
  } G_STMT_END
