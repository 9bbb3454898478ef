/* test-colormap.c: the colour tables and lookups of ks-colormap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ks-colormap.h"
#include "ks-error.h"
#include "plot-test-util.h"

/* The end points of the published tables (van der Walt and Smith's viridis and magma,
 * Nuñez et al.'s cividis), to the 6 decimals in which they are published. */
static void
test_published_ends (void)
{
  static const struct
  {
    KsColormap map;
    double     first[3];
    double     last[3];
  } cases[] = {
    { KS_COLORMAP_VIRIDIS, { 0.267004, 0.004874, 0.329415 }, { 0.993248, 0.906157, 0.143936 } },
    { KS_COLORMAP_MAGMA, { 0.001462, 0.000466, 0.013866 }, { 0.987053, 0.991438, 0.749504 } },
    { KS_COLORMAP_CIVIDIS, { 0.000000, 0.135112, 0.304751 }, { 0.995737, 0.909344, 0.217772 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const double (*table)[3] = ks_colormap_table (cases[i].map);

      test_assert_colour (table[0], cases[i].first, 1e-6);
      test_assert_colour (table[KS_COLORMAP_N_ENTRIES - 1], cases[i].last, 1e-6);
    }
}

/* At t = k / 255 the map is exactly table entry k; halfway between two knots it is
 * their mean (linear interpolation). */
static void
test_map_interpolates_table (void)
{
  for (KsColormap map = 0; map < KS_N_COLORMAPS; map++)
    {
      const double (*table)[3] = ks_colormap_table (map);

      for (guint k = 0; k < KS_COLORMAP_N_ENTRIES; k++)
        {
          double rgb[3];

          ks_colormap_map (map, k / 255.0, rgb);
          test_assert_colour (rgb, table[k], 1e-12);
          g_assert_cmpuint (ks_colormap_index (k / 255.0), ==, k);
          if (k + 1 < KS_COLORMAP_N_ENTRIES)
            {
              double mean[3];

              for (guint c = 0; c < 3; c++)
                mean[c] = (table[k][c] + table[k + 1][c]) / 2;
              ks_colormap_map (map, (k + 0.5) / 255.0, rgb);
              test_assert_colour (rgb, mean, 1e-12);
            }
        }
    }
}

/* Out-of-range t is clamped to the ends; NaN gives a neutral grey. */
static void
test_map_clamps_and_nan (void)
{
  const double (*table)[3] = ks_colormap_table (KS_COLORMAP_MAGMA);
  const double grey[3] = { 0.5, 0.5, 0.5 };
  double rgb[3];

  ks_colormap_map (KS_COLORMAP_MAGMA, -3.0, rgb);
  test_assert_colour (rgb, table[0], 0.0);
  ks_colormap_map (KS_COLORMAP_MAGMA, 7.0, rgb);
  test_assert_colour (rgb, table[255], 0.0);
  ks_colormap_map (KS_COLORMAP_MAGMA, NAN, rgb);
  test_assert_colour (rgb, grey, 0.0);
}

/* The sequential maps are designed so that lightness rises monotonically; relative
 * luminance must then rise strictly from each table entry to the next. */
static void
test_sequential_luminance_rises (void)
{
  const KsColormap sequential[] = { KS_COLORMAP_VIRIDIS, KS_COLORMAP_MAGMA, KS_COLORMAP_CIVIDIS };

  for (guint i = 0; i < G_N_ELEMENTS (sequential); i++)
    {
      const double (*table)[3] = ks_colormap_table (sequential[i]);

      g_assert_false (ks_colormap_is_diverging (sequential[i]));
      for (guint k = 1; k < KS_COLORMAP_N_ENTRIES; k++)
        g_assert_cmpfloat (test_luminance (table[k]), >, test_luminance (table[k - 1]));
    }
}

/* The diverging map is blue below the centre, red above, near white at the centre, and
 * equally light at t and 1 - t (within 0.04 in luminance, the asymmetry of ColorBrewer's
 * RdBu sampled at 256 points). */
static void
test_diverging_shape (void)
{
  double low[3];
  double centre[3];
  double high[3];

  g_assert_true (ks_colormap_is_diverging (KS_COLORMAP_RDBU));
  ks_colormap_map (KS_COLORMAP_RDBU, 0.0, low);
  ks_colormap_map (KS_COLORMAP_RDBU, 0.5, centre);
  ks_colormap_map (KS_COLORMAP_RDBU, 1.0, high);
  g_assert_cmpfloat (low[2], >, low[0]);
  g_assert_cmpfloat (high[0], >, high[2]);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpfloat (centre[c], >, 0.95);
  for (double t = 0.0; t <= 0.5; t += 1.0 / 64)
    {
      double a[3];
      double b[3];

      ks_colormap_map (KS_COLORMAP_RDBU, t, a);
      ks_colormap_map (KS_COLORMAP_RDBU, 1.0 - t, b);
      g_assert_cmpfloat (fabs (test_luminance (a) - test_luminance (b)), <, 0.04);
    }
}

/* The ARGB table holds the double table rounded to bytes, fully opaque. */
static void
test_argb_table (void)
{
  for (KsColormap map = 0; map < KS_N_COLORMAPS; map++)
    {
      const double (*table)[3] = ks_colormap_table (map);
      const guint32 *argb = ks_colormap_argb_table (map);

      for (guint k = 0; k < KS_COLORMAP_N_ENTRIES; k++)
        {
          g_assert_cmphex (argb[k] >> 24, ==, 0xff);
          g_assert_cmpint ((argb[k] >> 16) & 0xff, ==, (int) lround (table[k][0] * 255));
          g_assert_cmpint ((argb[k] >> 8) & 0xff, ==, (int) lround (table[k][1] * 255));
          g_assert_cmpint (argb[k] & 0xff, ==, (int) lround (table[k][2] * 255));
        }
    }
}

/* Names are read without regard to case; an unknown name is a parse error listing the
 * known ones. */
static void
test_names (void)
{
  g_autoptr(GError) error = NULL;
  KsColormap map = KS_COLORMAP_VIRIDIS;

  for (KsColormap m = 0; m < KS_N_COLORMAPS; m++)
    {
      g_autofree char *upper = g_ascii_strup (ks_colormap_to_string (m), -1);

      g_assert_true (ks_colormap_from_string (upper, &map, NULL));
      g_assert_cmpint (map, ==, m);
      g_assert_nonnull (ks_colormap_describe (m));
    }
  g_assert_true (ks_colormap_from_string ("diverging", &map, NULL));
  g_assert_cmpint (map, ==, KS_COLORMAP_RDBU);

  g_assert_false (ks_colormap_from_string ("jet", &map, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "jet"));
  g_assert_nonnull (strstr (error->message, "cividis"));
  g_clear_error (&error);
  g_assert_false (ks_colormap_from_string (NULL, &map, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_PARSE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/colormap/published-ends", test_published_ends);
  g_test_add_func ("/colormap/map-interpolates-table", test_map_interpolates_table);
  g_test_add_func ("/colormap/map-clamps-and-nan", test_map_clamps_and_nan);
  g_test_add_func ("/colormap/sequential-luminance-rises", test_sequential_luminance_rises);
  g_test_add_func ("/colormap/diverging-shape", test_diverging_shape);
  g_test_add_func ("/colormap/argb-table", test_argb_table);
  g_test_add_func ("/colormap/names", test_names);

  return g_test_run ();
}
