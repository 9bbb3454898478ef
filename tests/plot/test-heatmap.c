/* test-heatmap.c: pixels, layout and hit testing of ks-heatmap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ks-heatmap.h"
#include "plot-test-util.h"

/* One 8-bit step: the image holds each colour rounded to bytes. */
#define BYTE_TOLERANCE (1.0 / 255 + 1e-9)

typedef struct
{
  KsPlotTheme    *theme;
  KsHeatmapStyle  style;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  ks_heatmap_style_init (&fixture->style);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ks_plot_theme_free (fixture->theme);
}

/* The value whose colour is table entry k for the range [vmin, vmax]. */
static double
value_for_entry (guint  k,
                 double vmin,
                 double vmax)
{
  return vmin + (vmax - vmin) * k / 255.0;
}

/* Each cell, sampled at its centre, has the colour map's colour for its value: table
 * entry k for a value at knot k of the range, within one 8-bit step. */
static void
test_cell_colours (Fixture       *fixture,
                   gconstpointer  data)
{
  const guint entries[16] = {
    0, 1, 17, 37, 64, 99, 127, 128, 150, 181, 200, 222, 240, 253, 254, 255,
  };
  const double (*table)[3] = ks_colormap_table (KS_COLORMAP_MAGMA);
  cairo_surface_t *canvas = test_canvas_new (100, 100);
  cairo_t *cr = cairo_create (canvas);
  KsRect rect = ks_rect_make (10, 10, 80, 80);
  double values[16];
  KsMatrixView matrix = { values, 4, 4, 4 };
  KsHeatmapLayout layout;

  for (guint i = 0; i < 16; i++)
    values[i] = value_for_entry (entries[i], -2.0, 3.0);
  fixture->style.colormap = KS_COLORMAP_MAGMA;
  fixture->style.vmin = -2.0;
  fixture->style.vmax = 3.0;
  ks_heatmap_draw (cr, &rect, &matrix, &fixture->style, fixture->theme);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  ks_heatmap_layout (&rect, 4, 4, &fixture->style, fixture->theme, &layout);
  g_assert_cmpfloat_with_epsilon (layout.cell_size, 20.0, 1e-9);
  for (guint i = 0; i < 4; i++)
    for (guint j = 0; j < 4; j++)
      {
        double rgb[3];

        test_pixel (canvas, (int) (layout.cells.x + (j + 0.5) * layout.cell_size),
                    (int) (layout.cells.y + (i + 0.5) * layout.cell_size), rgb);
        test_assert_colour (rgb, table[entries[4 * i + j]], BYTE_TOLERANCE);
      }
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* Drawn through a 7.3x scale, every pixel that lies wholly inside a cell (one device
 * pixel away from its edges) has exactly that cell's colour: nearest-neighbour filtering,
 * no blending between cells. A NaN cell has the theme's missing colour. */
static void
test_crisp_when_scaled (Fixture       *fixture,
                        gconstpointer  data)
{
  const double scale = 7.3;
  const double (*table)[3] = ks_colormap_table (KS_COLORMAP_VIRIDIS);
  cairo_surface_t *canvas = test_canvas_new (400, 400);
  cairo_t *cr = cairo_create (canvas);
  KsRect rect = ks_rect_make (2, 2, 50, 50);
  double values[25];
  KsMatrixView matrix = { values, 5, 5, 5 };
  KsHeatmapLayout layout;
  const double missing[3] = { fixture->theme->missing.red, fixture->theme->missing.green,
                              fixture->theme->missing.blue };

  for (guint i = 0; i < 25; i++)
    values[i] = value_for_entry ((i * 67) % 256, 0.0, 1.0);
  values[12] = NAN;
  fixture->style.vmin = 0.0;
  fixture->style.vmax = 1.0;
  cairo_scale (cr, scale, scale);
  ks_heatmap_draw (cr, &rect, &matrix, &fixture->style, fixture->theme);
  ks_heatmap_layout (&rect, 5, 5, &fixture->style, fixture->theme, &layout);

  for (guint i = 0; i < 5; i++)
    for (guint j = 0; j < 5; j++)
      {
        double x0 = (layout.cells.x + j * layout.cell_size) * scale;
        double y0 = (layout.cells.y + i * layout.cell_size) * scale;
        double side = layout.cell_size * scale;
        const double *expected = (i == 2 && j == 2) ? missing : table[(5 * i + j) * 67 % 256];

        for (int y = (int) ceil (y0 + 1); y + 1 <= (int) floor (y0 + side - 1); y++)
          for (int x = (int) ceil (x0 + 1); x + 1 <= (int) floor (x0 + side - 1); x++)
            {
              double rgb[3];

              test_pixel (canvas, x, y, rgb);
              test_assert_colour (rgb, expected, BYTE_TOLERANCE);
            }
      }
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* A 64 x 64 matrix drawn into 16 x 16 pixels: four cells to a pixel. Its only bright
 * cells are the super-diagonal (i, i + 1), which sampling a cell per pixel at the pixel
 * centres (cells 4k + 2) would miss entirely; averaging keeps it visible in every
 * diagonal pixel (3 of its 16 cells are bright), clearly lighter than pixels far from
 * it. */
static void
test_downscaled_keeps_thin_lines (Fixture       *fixture,
                                  gconstpointer  data)
{
  cairo_surface_t *canvas = test_canvas_new (16, 16);
  cairo_t *cr = cairo_create (canvas);
  KsRect rect = ks_rect_make (0, 0, 16, 16);
  g_autofree double *values = g_new0 (double, 64 * 64);
  KsMatrixView matrix = { values, 64, 64, 64 };

  for (guint i = 0; i + 1 < 64; i++)
    values[i * 64 + i + 1] = 1.0;
  fixture->style.vmin = 0.0;
  fixture->style.vmax = 1.0;
  ks_heatmap_draw (cr, &rect, &matrix, &fixture->style, fixture->theme);
  for (int k = 0; k < 16; k++)
    {
      double on_line[3];
      double away[3];

      test_pixel (canvas, k, k, on_line);
      test_pixel (canvas, (k + 8) % 16, k, away);
      g_assert_cmpfloat (test_luminance (on_line), >, test_luminance (away) + 0.02);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* Cells smaller than a device pixel in one direction are averaged (the GOOD filter),
 * which interpolates in the other direction, where cells are large, towards the
 * transparent outside of the image: painted unclipped, a dark image (here 3 x 613 cells,
 * shaped like a colour bar's) smeared grey several pixels beyond its box. Every pixel at
 * least one pixel clear of the box must stay white, and every pixel one pixel inside it
 * black (the pixel across the edge is antialiased). The box is off the pixel grid. */
static void
test_downscaled_stays_in_box (Fixture       *fixture,
                              gconstpointer  data)
{
  cairo_surface_t *canvas = test_canvas_new (80, 60);
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 3, 613);
  cairo_t *cr = cairo_create (image);
  KsRect box = ks_rect_make (20.4, 15.6, 40.0, 30.0);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cr = cairo_create (canvas);
  ks_paint_image_cells (cr, image, &box);
  cairo_destroy (cr);

  for (int y = 0; y < 60; y++)
    for (int x = 0; x < 80; x++)
      {
        double rgb[3];
        gboolean outside = x + 1 <= box.x - 1 || x >= box.x + box.width + 1 ||
                           y + 1 <= box.y - 1 || y >= box.y + box.height + 1;
        gboolean inside = x >= box.x + 1 && x + 1 <= box.x + box.width - 1 &&
                          y >= box.y + 1 && y + 1 <= box.y + box.height - 1;

        test_pixel (canvas, x, y, rgb);
        if (outside)
          g_assert_cmpfloat (test_luminance (rgb), ==, 1.0);
        else if (inside)
          g_assert_cmpfloat (test_luminance (rgb), <, 0.01);
      }
  cairo_surface_destroy (image);
  cairo_surface_destroy (canvas);
}

/* In a wide rectangle the cells stay square and the block is centred; the background
 * shows on both sides. */
static void
test_square_and_centred (Fixture       *fixture,
                         gconstpointer  data)
{
  cairo_surface_t *canvas = test_canvas_new (300, 100);
  cairo_t *cr = cairo_create (canvas);
  KsRect rect = ks_rect_make (0, 0, 300, 100);
  double values[6 * 3] = { 0 };
  KsMatrixView matrix = { values, 6, 3, 3 };
  KsHeatmapLayout layout;
  double rgb[3];
  const double white[3] = { 1, 1, 1 };

  ks_heatmap_layout (&rect, 6, 3, &fixture->style, fixture->theme, &layout);
  g_assert_cmpfloat_with_epsilon (layout.cell_size, 100.0 / 6, 1e-9);
  g_assert_cmpfloat_with_epsilon (layout.cells.width, 3 * layout.cell_size, 1e-9);
  g_assert_cmpfloat_with_epsilon (layout.cells.height, 6 * layout.cell_size, 1e-9);
  g_assert_cmpfloat_with_epsilon (layout.cells.x - rect.x,
                                  rect.x + rect.width - (layout.cells.x + layout.cells.width),
                                  1e-9);

  ks_heatmap_draw (cr, &rect, &matrix, &fixture->style, fixture->theme);
  test_pixel (canvas, 5, 50, rgb);
  test_assert_colour (rgb, white, 0.0);
  test_pixel (canvas, 295, 50, rgb);
  test_assert_colour (rgb, white, 0.0);
  test_pixel (canvas, 150, 50, rgb);
  g_assert_false (test_colour_close (rgb, white, 0.1));
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* With 10-pixel cells and a 2-pixel separator line, the two pixel columns (rows) around
 * each class boundary have the separator colour, and the pixels next to them and around
 * every other cell edge keep the cell colour: lines are exactly where classes change. */
static void
test_class_separators (Fixture       *fixture,
                       gconstpointer  data)
{
  const int classes[12] = { 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2 };
  const double red[3] = { 1, 0, 0 };
  const double (*table)[3] = ks_colormap_table (KS_COLORMAP_VIRIDIS);
  cairo_surface_t *canvas = test_canvas_new (120, 120);
  cairo_t *cr = cairo_create (canvas);
  KsRect rect = ks_rect_make (0, 0, 120, 120);
  double values[144];
  KsMatrixView matrix = { values, 12, 12, 12 };

  for (guint i = 0; i < 144; i++)
    values[i] = 0.0;
  fixture->style.vmin = 0.0;
  fixture->style.vmax = 1.0;
  fixture->style.row_classes = classes;
  fixture->style.col_classes = classes;
  fixture->style.show_row_labels = FALSE;
  fixture->style.show_col_labels = FALSE;
  fixture->theme->separator = (KsColor) { 1, 0, 0, 1 };
  fixture->theme->separator_line_width = 2.0;
  ks_heatmap_draw (cr, &rect, &matrix, &fixture->style, fixture->theme);

  for (int k = 1; k < 12; k++)
    {
      gboolean boundary = classes[k] != classes[k - 1];
      int edge = 10 * k;

      /* Sample along the middle of cell row/column 1, away from other lines. */
      for (int offset = -2; offset <= 1; offset++)
        {
          gboolean on_line = boundary && (offset == -1 || offset == 0);
          double across[3];
          double down[3];

          test_pixel (canvas, edge + offset, 15, across);
          test_pixel (canvas, 15, edge + offset, down);
          test_assert_colour (across, on_line ? red : table[0], BYTE_TOLERANCE);
          test_assert_colour (down, on_line ? red : table[0], BYTE_TOLERANCE);
        }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* The centre of cell (i, j) maps back to (i, j) and its value, with a title and class
 * labels shifting the cells; points off the cells (left of, below, and just past the
 * right and bottom edges, which are open) are outside. */
static void
test_hit_round_trip (Fixture       *fixture,
                     gconstpointer  data)
{
  const int row_classes[7] = { 0, 0, 1, 1, 1, 2, 2 };
  const int col_classes[9] = { 0, 0, 0, 1, 1, 1, 2, 2, 2 };
  KsRect rect = ks_rect_make (13, 7, 200, 150);
  double values[63];
  KsMatrixView matrix = { values, 7, 9, 9 };
  KsHeatmapLayout layout;
  const KsRect *cells;
  gsize row;
  gsize col;
  double value;

  for (guint i = 0; i < 63; i++)
    values[i] = i * 0.5 - 3;
  fixture->style.title = "layer 3";
  fixture->style.row_classes = row_classes;
  fixture->style.col_classes = col_classes;
  ks_heatmap_layout (&rect, 7, 9, &fixture->style, fixture->theme, &layout);
  cells = &layout.cells;
  g_assert_cmpfloat (cells->y, >, rect.y);
  g_assert_cmpfloat (cells->x, >, rect.x);

  for (gsize i = 0; i < 7; i++)
    for (gsize j = 0; j < 9; j++)
      {
        g_assert_true (ks_heatmap_hit (&layout, &matrix,
                                       cells->x + (j + 0.5) * layout.cell_size,
                                       cells->y + (i + 0.5) * layout.cell_size,
                                       &row, &col, &value));
        g_assert_cmpuint (row, ==, i);
        g_assert_cmpuint (col, ==, j);
        g_assert_cmpfloat (value, ==, values[i * 9 + j]);
      }
  g_assert_false (ks_heatmap_hit (&layout, &matrix, cells->x - 0.5, cells->y + 1,
                                  &row, &col, &value));
  g_assert_false (ks_heatmap_hit (&layout, &matrix, cells->x + 1, cells->y + cells->height + 0.5,
                                  &row, &col, &value));
  g_assert_false (ks_heatmap_hit (&layout, &matrix, cells->x + cells->width, cells->y + 1,
                                  NULL, NULL, NULL));
  g_assert_false (ks_heatmap_hit (&layout, &matrix, cells->x + 1, cells->y + cells->height,
                                  NULL, NULL, NULL));
  g_assert_false (ks_heatmap_hit (&layout, &matrix, -1000, 1e9, NULL, NULL, NULL));
}

/* Reserving the labels' room gives the same cells as showing the labels, and more room
 * (bigger cells) when neither is asked for. */
static void
test_reserved_label_space (Fixture       *fixture,
                           gconstpointer  data)
{
  const int classes[4] = { 0, 0, 1, 1 };
  KsRect rect = ks_rect_make (0, 0, 120, 120);
  KsHeatmapLayout shown;
  KsHeatmapLayout reserved;
  KsHeatmapLayout bare;

  fixture->style.row_classes = classes;
  fixture->style.col_classes = classes;
  fixture->style.class_names = (const char * const[]) { "first class", "second class" };
  fixture->style.n_class_names = 2;
  ks_heatmap_layout (&rect, 4, 4, &fixture->style, fixture->theme, &shown);
  fixture->style.show_row_labels = FALSE;
  fixture->style.show_col_labels = FALSE;
  fixture->style.reserve_label_space = TRUE;
  ks_heatmap_layout (&rect, 4, 4, &fixture->style, fixture->theme, &reserved);
  fixture->style.reserve_label_space = FALSE;
  ks_heatmap_layout (&rect, 4, 4, &fixture->style, fixture->theme, &bare);

  g_assert_cmpfloat (reserved.cells.x, ==, shown.cells.x);
  g_assert_cmpfloat (reserved.cells.y, ==, shown.cells.y);
  g_assert_cmpfloat (reserved.cell_size, ==, shown.cell_size);
  g_assert_cmpfloat (bare.cell_size, >, shown.cell_size);
}

/* Ranges from data: the finite extremes; symmetric about 0 when diverging; one value gets
 * a small range around it; no finite value gives 0..1; including two matrices covers
 * both (a shared range). */
static void
test_ranges (Fixture       *fixture,
             gconstpointer  data)
{
  double a_values[4] = { -0.5, 2.0, NAN, INFINITY };
  double b_values[4] = { 3.0, 1.0, 1.5, 0.25 };
  double constant_values[4] = { 7.0, 7.0, 7.0, 7.0 };
  double nan_values[4] = { NAN, NAN, NAN, NAN };
  KsMatrixView a = { a_values, 2, 2, 2 };
  KsMatrixView b = { b_values, 2, 2, 2 };
  KsMatrixView constant = { constant_values, 2, 2, 2 };
  KsMatrixView nothing = { nan_values, 2, 2, 2 };
  KsRange range;

  range = ks_heatmap_resolve_range (&a, &fixture->style);
  g_assert_cmpfloat (range.lo, ==, -0.5);
  g_assert_cmpfloat (range.hi, ==, 2.0);

  fixture->style.diverging = TRUE;
  range = ks_heatmap_resolve_range (&a, &fixture->style);
  g_assert_cmpfloat (range.lo, ==, -2.0);
  g_assert_cmpfloat (range.hi, ==, 2.0);
  fixture->style.diverging = FALSE;

  range = ks_heatmap_resolve_range (&constant, &fixture->style);
  g_assert_cmpfloat (range.lo, <, 7.0);
  g_assert_cmpfloat (range.hi, >, 7.0);

  range = ks_heatmap_resolve_range (&nothing, &fixture->style);
  g_assert_cmpfloat (range.lo, ==, 0.0);
  g_assert_cmpfloat (range.hi, ==, 1.0);

  range = KS_RANGE_EMPTY;
  ks_heatmap_range_include (&range, &a);
  ks_heatmap_range_include (&range, &b);
  ks_heatmap_range_settle (&range, FALSE);
  g_assert_cmpfloat (range.lo, ==, -0.5);
  g_assert_cmpfloat (range.hi, ==, 3.0);

  fixture->style.vmin = 0.0;
  fixture->style.vmax = 10.0;
  range = ks_heatmap_resolve_range (&a, &fixture->style);
  g_assert_cmpfloat (range.lo, ==, 0.0);
  g_assert_cmpfloat (range.hi, ==, 10.0);
}

/* An empty matrix, a zero-sized rectangle and a long title in a tiny rectangle draw
 * nothing wrong and leave cairo without error. */
static void
test_degenerate_input (Fixture       *fixture,
                       gconstpointer  data)
{
  cairo_surface_t *canvas = test_canvas_new (50, 50);
  cairo_t *cr = cairo_create (canvas);
  double value = 1.0;
  KsMatrixView empty = { &value, 0, 0, 0 };
  KsMatrixView one = { &value, 1, 1, 1 };
  KsRect nothing = ks_rect_make (10, 10, 0, 0);
  KsRect tiny = ks_rect_make (0, 0, 4, 4);
  KsHeatmapLayout layout;

  ks_heatmap_draw (cr, &tiny, &empty, &fixture->style, fixture->theme);
  ks_heatmap_draw (cr, &nothing, &one, &fixture->style, fixture->theme);
  fixture->style.title = "a title far longer than the rectangle it is drawn in";
  ks_heatmap_draw (cr, &tiny, &one, &fixture->style, fixture->theme);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  ks_heatmap_layout (&tiny, 0, 0, &fixture->style, fixture->theme, &layout);
  g_assert_false (ks_heatmap_hit (&layout, &empty, 1, 1, NULL, NULL, NULL));
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/heatmap/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("cell-colours", test_cell_colours);
  ADD ("crisp-when-scaled", test_crisp_when_scaled);
  ADD ("downscaled-keeps-thin-lines", test_downscaled_keeps_thin_lines);
  ADD ("downscaled-stays-in-box", test_downscaled_stays_in_box);
  ADD ("square-and-centred", test_square_and_centred);
  ADD ("class-separators", test_class_separators);
  ADD ("hit-round-trip", test_hit_round_trip);
  ADD ("reserved-label-space", test_reserved_label_space);
  ADD ("ranges", test_ranges);
  ADD ("degenerate-input", test_degenerate_input);
#undef ADD

  return g_test_run ();
}
