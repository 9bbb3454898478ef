/* test-figures.c: the figures drawn from a result: layout, colours, hits and sizes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One small experiment (digits, P = 40, S = 4 finite-width networks) is computed once
 * and drawn by every figure.
 */
#include <math.h>
#include <string.h>

#include "ks-cka.h"
#include "ks-error.h"
#include "ks-experiment.h"
#include "ks-figure-cka-depth.h"
#include "ks-figure-cka-matrix.h"
#include "ks-figure-evidence.h"
#include "ks-figure-kernels.h"
#include "ks-figure-predict.h"
#include "ks-figure-spread.h"
#include "ks-linalg.h"
#include "ks-rng.h"
#include "plot-test-util.h"

/* A ReLU network with a finite bottleneck: four layers, so four columns. */
#define STACK "dense:inf:wv=2,relu,dense:8:wv=2,relu"
#define N_LAYERS 4
#define N_POINTS 40
#define N_SAMPLES 4
/* Device pixels per point when rendering: cells of a few points become many pixels. */
#define SCALE 3.0
/* One 8-bit step: images hold each colour rounded to bytes. */
#define BYTE_TOLERANCE (1.0 / 255 + 1e-9)

static KsResult *prior_result;
static KsResult *posterior_result;
static KsPredictSweep *predict_sweep;

/* An evidence curve as ks_evidence_curve () returns it, written out: four finite widths
 * estimated by AIS with their standard errors, and the exact infinite width. */
static const KsEvidenceEstimate evidence_curve[] = {
  { 1, -160.0, 4.0, KS_EVIDENCE_AIS, 16, 0.0, 0.9 },
  { 2, -131.5, 1.5, KS_EVIDENCE_AIS, 16, 0.0, 0.9 },
  { 4, -128.25, 0.8, KS_EVIDENCE_AIS, 16, 0.0, 0.9 },
  { 16, -133.0, 0.4, KS_EVIDENCE_AIS, 16, 0.0, 0.9 },
  { KS_WIDTH_INFINITE, -135.0, 0.0, KS_EVIDENCE_EXACT, 0, 0.0, NAN },
};

#define PREDICT_LAYER 3
static const double predict_scales[] = { 0.1, 1.0, 10.0 };

/* The prediction sweep of the posterior experiment's stack with a readout, on its points:
 * 30 % held out, layer 4 scored. */
static KsPredictSweep *
run_predict_sweep (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStack) stack = ks_stack_parse (STACK ",readout:10:noise=0.1", &error);
  KsDataset *points = ks_result_get_dataset (posterior_result);
  g_autoptr(gsl_matrix) inputs = ks_dataset_input_matrix (points);
  g_autoptr(gsl_matrix) outputs = ks_dataset_output_matrix (points);
  KsPredictSweepOptions options;
  KsPredictSweep *sweep;

  g_assert_no_error (error);
  ks_predict_sweep_options_init (&options);
  options.width_scales = predict_scales;
  options.n_width_scales = G_N_ELEMENTS (predict_scales);
  options.test_fraction = 0.3;
  options.layer = PREDICT_LAYER;
  options.n_threads = 1;
  sweep = ks_predict_sweep_run (stack, inputs, outputs, ks_dataset_get_labels (points),
                                &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return sweep;
}

static KsResult *
run_experiment (KsComputeFlags compute)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) digits = ks_dataset_load_bundled ("digits", &error);
  g_autoptr(KsStack) stack = ks_stack_parse (STACK, &error);
  g_autoptr(KsExperiment) experiment = NULL;
  KsResult *result;

  g_assert_no_error (error);
  experiment = ks_experiment_new (stack, digits);
  ks_experiment_set_n_points (experiment, N_POINTS);
  ks_experiment_set_n_samples (experiment, N_SAMPLES);
  ks_experiment_set_seed (experiment, 3);
  ks_experiment_set_n_threads (experiment, 1);
  ks_experiment_set_compute (experiment, compute);
  result = ks_experiment_run (experiment, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return result;
}

static KsPlotTheme *
paper_theme (void)
{
  return ks_plot_theme_new (KS_PLOT_THEME_PAPER);
}

/* A canvas for a width x height figure at SCALE pixels per point, and its cairo_t. */
static cairo_surface_t *
figure_canvas (double    width,
               double    height,
               cairo_t **cr)
{
  cairo_surface_t *canvas = test_canvas_new ((int) ceil (width * SCALE),
                                             (int) ceil (height * SCALE));

  *cr = cairo_create (canvas);
  cairo_scale (*cr, SCALE, SCALE);
  return canvas;
}

static void
figure_pixel (cairo_surface_t *canvas,
              double           x,
              double           y,
              double           rgb[3])
{
  test_pixel (canvas, (int) floor (x * SCALE), (int) floor (y * SCALE), rgb);
}

/* The colour the colour map gives value in range, as drawn (its 256-entry table). */
static void
expected_colour (KsColormap     colormap,
                 const KsRange *range,
                 double         value,
                 double         rgb[3])
{
  const double (*table)[3] = ks_colormap_table (colormap);
  guint k = ks_colormap_index ((value - range->lo) / (range->hi - range->lo));

  for (int c = 0; c < 3; c++)
    rgb[c] = table[k][c];
}

static KsFigureKernels *
kernels_figure (KsResult          *result,
                const KsPlotTheme *theme)
{
  g_autoptr(GError) error = NULL;
  KsFigureStyle style;
  KsFigureKernels *figure;

  ks_figure_style_init (&style);
  figure = ks_figure_kernels_new (result, &style, theme, &error);
  g_assert_no_error (error);
  return figure;
}

/* The centre of cell (i, j) of a panel, found through the hit test of a point inside
 * the cell: the hit reports the cell's rectangle. */
static void
kernels_cell_centre (KsFigureKernels *figure,
                     double           width,
                     double           height,
                     guint            row,
                     guint            column,
                     gsize            i,
                     gsize            j,
                     KsFigureHit     *hit)
{
  KsHeatmapLayout layout;
  double x;
  double y;

  ks_figure_kernels_get_panel_layout (figure, width, height, row, column, &layout);
  x = layout.cells.x + (j + 0.5) * layout.cell_size;
  y = layout.cells.y + (i + 0.5) * layout.cell_size;
  g_assert_true (ks_figure_kernels_hit (figure, width, height, x, y, hit));
  g_assert_cmpuint (hit->i, ==, i);
  g_assert_cmpuint (hit->j, ==, j);
  g_assert_cmpfloat (fabs (hit->cell.x + hit->cell.width / 2 - x), <, 1e-9);
  g_assert_cmpfloat (fabs (hit->cell.y + hit->cell.height / 2 - y), <, 1e-9);
}

/* ---- kernels ---- */

/* Without a posterior the grid has the three prior rows and one column per layer; every
 * one of the rows x layers panels holds a heatmap of P x P cells, and a point in each
 * hits that panel's own matrix: row, column, entry and value agree. */
static void
test_kernels_panels (void)
{
  static const KsKernelKind rows[] = { KS_KERNEL_NNGP, KS_KERNEL_SAMPLE, KS_KERNEL_SAMPLE_MEAN };
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(KsFigureKernels) figure = kernels_figure (prior_result, theme);
  double width = 500.0;
  double height = ks_figure_kernels_preferred_height (figure, width);
  guint heatmaps = 0;

  g_assert_cmpuint (ks_figure_kernels_get_n_rows (figure), ==, G_N_ELEMENTS (rows));
  g_assert_cmpuint (ks_figure_kernels_get_n_columns (figure), ==, N_LAYERS);
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < N_LAYERS; c++)
      {
        const gsl_matrix *kernel = ks_result_get_kernel (prior_result, rows[r], c);
        KsHeatmapLayout layout;
        KsFigureHit hit;

        g_assert_true (ks_figure_kernels_get_row_kind (figure, r) == rows[r]);
        g_assert_cmpuint (ks_figure_kernels_get_column_layer (figure, c), ==, c);
        ks_figure_kernels_get_panel_layout (figure, width, height, r, c, &layout);
        g_assert_cmpuint (layout.rows, ==, N_POINTS);
        g_assert_cmpfloat (layout.cell_size, >, 0.0);
        kernels_cell_centre (figure, width, height, r, c, 7, 30, &hit);
        g_assert_cmpint (hit.panel, ==, (int) (r * N_LAYERS + c));
        g_assert_cmpuint (hit.row, ==, r);
        g_assert_cmpuint (hit.column, ==, c);
        g_assert_cmpfloat (hit.value, ==, gsl_matrix_get (kernel, 7, 30));
        g_assert_cmpint (hit.class_i, ==, ks_dataset_get_labels (ks_result_get_dataset (prior_result))[7]);
        g_assert_cmpuint (strlen (hit.readout), >, 0);
        heatmaps++;
      }
  g_assert_cmpuint (heatmaps, ==, N_LAYERS * G_N_ELEMENTS (rows));
}

/* A point between panels or in the margin hits nothing. */
static void
test_kernels_miss (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(KsFigureKernels) figure = kernels_figure (prior_result, theme);
  double height = ks_figure_kernels_preferred_height (figure, 500.0);
  KsFigureHit hit;

  g_assert_false (ks_figure_kernels_hit (figure, 500.0, height, 1.0, 1.0, &hit));
  g_assert_cmpint (hit.panel, ==, -1);
  g_assert_false (hit.in_cells);
}

/* Drawn at three pixels per point, the centre pixel of a cell has the colour map's
 * colour for that kernel entry under its row's range (exactly the table entry: cells
 * are painted with nearest-neighbour filtering), in every panel of the figure. */
static void
test_kernels_cell_pixels (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(KsFigureKernels) figure = kernels_figure (prior_result, theme);
  double width = 500.0;
  double height = ks_figure_kernels_preferred_height (figure, width);
  cairo_t *cr;
  cairo_surface_t *canvas = figure_canvas (width, height, &cr);

  ks_figure_kernels_draw (figure, cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  for (guint r = 0; r < ks_figure_kernels_get_n_rows (figure); r++)
    for (guint c = 0; c < ks_figure_kernels_get_n_columns (figure); c++)
      {
        KsRange range = ks_figure_kernels_get_row_range (figure, r);
        KsFigureHit hit;
        double pixel[3];
        double expected[3];

        /* Points 9 and 22: inside their class blocks, away from any separator. */
        kernels_cell_centre (figure, width, height, r, c, 9, 22, &hit);
        figure_pixel (canvas, hit.cell.x + hit.cell.width / 2, hit.cell.y + hit.cell.height / 2,
                      pixel);
        expected_colour (KS_COLORMAP_VIRIDIS, &range, hit.value, expected);
        test_assert_colour (pixel, expected, BYTE_TOLERANCE);
      }
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* Every panel of a row uses the row's range, not its own: the panels' own ranges differ
 * from it (layers differ in scale), yet a value in one panel and a value in another that
 * the row's range puts on the same table entry are drawn in the same colour. */
static void
test_kernels_shared_row_range (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(KsFigureKernels) figure = kernels_figure (prior_result, theme);
  double width = 500.0;
  double height = ks_figure_kernels_preferred_height (figure, width);
  KsRange range = ks_figure_kernels_get_row_range (figure, 0);
  const gsl_matrix *first = ks_figure_kernels_get_matrix (figure, 0, 0);
  const gsl_matrix *second = ks_figure_kernels_get_matrix (figure, 0, 1);
  gboolean differs = FALSE;
  gboolean compared = FALSE;
  cairo_t *cr;
  cairo_surface_t *canvas = figure_canvas (width, height, &cr);

  for (guint c = 0; c < N_LAYERS; c++)
    {
      const gsl_matrix *m = ks_figure_kernels_get_matrix (figure, 0, c);
      double lo;
      double hi;

      gsl_matrix_minmax (m, &lo, &hi);
      differs = differs || fabs (lo - range.lo) > 0.05 * (range.hi - range.lo) ||
                fabs (hi - range.hi) > 0.05 * (range.hi - range.lo);
    }
  g_assert_true (differs);

  ks_figure_kernels_draw (figure, cr, width, height);
  for (gsize i = 1; i + 1 < N_POINTS && !compared; i++)
    for (gsize j = 1; j + 1 < N_POINTS && !compared; j++)
      {
        double a = gsl_matrix_get (first, i, j);
        guint entry = ks_colormap_index ((a - range.lo) / (range.hi - range.lo));

        for (gsize k = 1; k + 1 < N_POINTS && !compared; k++)
          for (gsize l = 1; l + 1 < N_POINTS && !compared; l++)
            {
              double b = gsl_matrix_get (second, k, l);
              KsFigureHit hit_a;
              KsFigureHit hit_b;
              double pixel_a[3];
              double pixel_b[3];

              if (ks_colormap_index ((b - range.lo) / (range.hi - range.lo)) != entry ||
                  a == b || entry == 0 || entry == 255)
                continue;
              kernels_cell_centre (figure, width, height, 0, 0, i, j, &hit_a);
              kernels_cell_centre (figure, width, height, 0, 1, k, l, &hit_b);
              figure_pixel (canvas, hit_a.cell.x + hit_a.cell.width / 2,
                            hit_a.cell.y + hit_a.cell.height / 2, pixel_a);
              figure_pixel (canvas, hit_b.cell.x + hit_b.cell.width / 2,
                            hit_b.cell.y + hit_b.cell.height / 2, pixel_b);
              test_assert_colour (pixel_a, pixel_b, BYTE_TOLERANCE);
              compared = TRUE;
            }
      }
  g_assert_true (compared);
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* With posterior kernels in the result, a fourth row, "posterior", joins the grid. */
static void
test_kernels_posterior_row (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(KsFigureKernels) figure = kernels_figure (posterior_result, theme);

  g_assert_true (ks_result_has_kernels (posterior_result, KS_KERNEL_POSTERIOR));
  g_assert_cmpuint (ks_figure_kernels_get_n_rows (figure), ==, 4);
  g_assert_true (ks_figure_kernels_get_row_kind (figure, 3) == KS_KERNEL_POSTERIOR);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Asked to leave the posterior out, the grid keeps the three prior rows. */
static void
test_kernels_no_posterior (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFigureKernels) figure = NULL;
  KsFigureStyle style;

  ks_figure_style_init (&style);
  g_assert_true (style.show_posterior);
  style.show_posterior = FALSE;
  figure = ks_figure_kernels_new (posterior_result, &style, theme, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ks_figure_kernels_get_n_rows (figure), ==, 3);
  for (guint r = 0; r < 3; r++)
    g_assert_true (ks_figure_kernels_get_row_kind (figure, r) != KS_KERNEL_POSTERIOR);
}

/* With a range per panel, each panel's colours span its own entries: the range lies
 * within the panel's smallest and largest entry (i <= j) and covers at least its central
 * 98 % (the rule keeps all of them, or the central 99 %); the posterior's panels, whose
 * layers differ in scale, get ranges that differ by more than a factor 2 in width. A
 * cell's centre pixel has the colour of its value under its panel's range, and above
 * each panel's cells the range is written (ink in the strip kept for it, which is
 * background without per-panel ranges). */
static void
test_kernels_panel_ranges (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFigureKernels) figure = NULL;
  KsFigureStyle style;
  double width = 500.0;
  double height;
  double narrowest = G_MAXDOUBLE;
  double widest = 0.0;
  guint posterior_row = 3;
  cairo_t *cr;
  cairo_surface_t *canvas;

  ks_figure_style_init (&style);
  style.ranges = KS_FIGURE_RANGES_PANEL;
  figure = ks_figure_kernels_new (posterior_result, &style, theme, &error);
  g_assert_no_error (error);
  g_assert_true (ks_figure_kernels_get_ranges (figure) == KS_FIGURE_RANGES_PANEL);
  g_assert_true (ks_figure_kernels_get_row_kind (figure, posterior_row) == KS_KERNEL_POSTERIOR);
  height = ks_figure_kernels_preferred_height (figure, width);
  canvas = figure_canvas (width, height, &cr);
  ks_figure_kernels_draw (figure, cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  for (guint r = 0; r < ks_figure_kernels_get_n_rows (figure); r++)
    for (guint c = 0; c < N_LAYERS; c++)
      {
        const gsl_matrix *m = ks_figure_kernels_get_matrix (figure, r, c);
        KsRange range = ks_figure_kernels_get_panel_range (figure, r, c);
        g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
        KsHeatmapLayout layout;
        KsFigureHit hit;
        guint ink = 0;
        double pixel[3];
        double expected[3];
        double *v;
        gsize n;

        for (gsize i = 0; i < N_POINTS; i++)
          for (gsize j = i; j < N_POINTS; j++)
            g_array_append_val (values, *gsl_matrix_const_ptr (m, i, j));
        g_array_sort (values, compare_doubles);
        v = (double *) values->data;
        n = values->len;
        g_assert_cmpfloat (range.lo, >=, v[0]);
        g_assert_cmpfloat (range.hi, <=, v[n - 1]);
        g_assert_cmpfloat (range.lo, <=, v[(gsize) floor (0.01 * (n - 1))]);
        g_assert_cmpfloat (range.hi, >=, v[(gsize) ceil (0.99 * (n - 1))]);
        if (r == posterior_row)
          {
            narrowest = MIN (narrowest, range.hi - range.lo);
            widest = MAX (widest, range.hi - range.lo);
          }

        kernels_cell_centre (figure, width, height, r, c, 9, 22, &hit);
        figure_pixel (canvas, hit.cell.x + hit.cell.width / 2,
                      hit.cell.y + hit.cell.height / 2, pixel);
        expected_colour (KS_COLORMAP_VIRIDIS, &range, hit.value, expected);
        test_assert_colour (pixel, expected, BYTE_TOLERANCE);

        ks_figure_kernels_get_panel_layout (figure, width, height, r, c, &layout);
        for (double y = layout.cells.y - 6.0; y < layout.cells.y - 1.0; y += 1.0 / SCALE)
          for (double x = layout.cells.x; x < layout.cells.x + layout.cells.width;
               x += 1.0 / SCALE)
            {
              figure_pixel (canvas, x, y, pixel);
              ink += test_luminance (pixel) < 0.5;
            }
        g_assert_cmpuint (ink, >, 10);
      }
  g_assert_cmpfloat (widest, >, 2.0 * narrowest);
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* At its preferred height the figure's heatmaps fill the width: neighbouring columns are
 * apart by exactly the panel gap and the room kept for class names (within half a
 * point: the height is found to a quarter of a point), so no empty band runs beside
 * them; and it is tight: 10 % less height shrinks the cells. */
static void
test_kernels_preferred_height (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(KsFigureKernels) figure = kernels_figure (prior_result, theme);
  double width = 500.0;
  double height = ks_figure_kernels_preferred_height (figure, width);
  KsHeatmapLayout at;
  KsHeatmapLayout next;
  KsHeatmapLayout shorter;
  double gap;

  ks_figure_kernels_get_panel_layout (figure, width, height, 0, 0, &at);
  ks_figure_kernels_get_panel_layout (figure, width, height, 0, 1, &next);
  ks_figure_kernels_get_panel_layout (figure, width, 0.9 * height, 0, 0, &shorter);
  gap = next.cells.x - (at.cells.x + at.cells.width);
  g_assert_cmpfloat (fabs (gap - theme->panel_gap - next.row_label_width), <, 0.5);
  g_assert_cmpfloat (shorter.cell_size, <, 0.97 * at.cell_size);
}

/* Chosen layers become the columns, in the order given; a layer the network lacks is
 * an error naming it. */
static void
test_kernels_chosen_layers (void)
{
  static const guint chosen[] = { 3, 0 };
  static const guint missing[] = { 1, 9 };
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFigureKernels) figure = NULL;
  KsFigureKernels *bad;
  KsFigureStyle style;

  ks_figure_style_init (&style);
  style.layers = chosen;
  style.n_layers = G_N_ELEMENTS (chosen);
  figure = ks_figure_kernels_new (prior_result, &style, theme, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ks_figure_kernels_get_n_columns (figure), ==, 2);
  g_assert_cmpuint (ks_figure_kernels_get_column_layer (figure, 0), ==, 3);
  g_assert_cmpuint (ks_figure_kernels_get_column_layer (figure, 1), ==, 0);

  style.layers = missing;
  bad = ks_figure_kernels_new (prior_result, &style, theme, &error);
  g_assert_null (bad);
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "10"));
}

/* Up to 12 layers all are shown; beyond, every k-th counted back from the last with the
 * smallest k that keeps 12 or fewer: 20 layers give 2, 4, ..., 20 (1-based), 25 give
 * 1, 4, ..., 25. --layers text: "1,4,8" and "all"; 0, a layer beyond the network, a
 * repeat and words are errors. */
static void
test_layer_choice (void)
{
  guint layers[KS_FIGURE_MAX_AUTO_LAYERS];
  g_autoptr(GError) error = NULL;
  g_autofree guint *parsed = NULL;
  g_autofree guint *all = NULL;
  const char *bad[] = { "0", "11", "1,1", "x", "2,,3" };
  guint n;

  g_assert_cmpuint (ks_figure_choose_layers (12, layers), ==, 12);
  for (guint l = 0; l < 12; l++)
    g_assert_cmpuint (layers[l], ==, l);
  g_assert_cmpuint (ks_figure_choose_layers (20, layers), ==, 10);
  for (guint l = 0; l < 10; l++)
    g_assert_cmpuint (layers[l], ==, 2 * l + 1);
  g_assert_cmpuint (ks_figure_choose_layers (25, layers), ==, 9);
  for (guint l = 0; l < 9; l++)
    g_assert_cmpuint (layers[l], ==, 3 * l);

  parsed = ks_figure_parse_layers ("1, 4,8", 10, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (parsed[0], ==, 0);
  g_assert_cmpuint (parsed[1], ==, 3);
  g_assert_cmpuint (parsed[2], ==, 7);
  all = ks_figure_parse_layers ("all", 5, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpuint (all[4], ==, 4);
  for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
    {
      g_autoptr(GError) bad_error = NULL;

      g_assert_null (ks_figure_parse_layers (bad[b], 10, &n, &bad_error));
      g_assert_nonnull (bad_error);
      g_assert_nonnull (strstr (bad_error->message, "--layers"));
    }
}

/* ---- CKA between layers ---- */

/* Two panels (infinite width, one finite network), each drawing the result's CKA matrix:
 * a hit at a cell's centre reports that CKA value, and the pixel there has the colour
 * map's colour on the fixed range 0..1. */
static void
test_cka_matrix (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFigureCkaMatrix) figure = NULL;
  KsRange unit = { 0.0, 1.0 };
  KsFigureStyle style;
  double width = 450.0;
  double height;
  cairo_t *cr;
  cairo_surface_t *canvas;

  ks_figure_style_init (&style);
  style.colormap = KS_COLORMAP_MAGMA;
  figure = ks_figure_cka_matrix_new (prior_result, &style, theme, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ks_figure_cka_matrix_get_n_panels (figure), ==, 2);
  height = ks_figure_cka_matrix_preferred_height (figure, width);
  canvas = figure_canvas (width, height, &cr);
  ks_figure_cka_matrix_draw (figure, cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  for (guint p = 0; p < 2; p++)
    {
      const gsl_matrix *cka = ks_result_get_cka_matrix (prior_result,
                                                        ks_figure_cka_matrix_get_panel_kind (figure, p));
      KsHeatmapLayout layout;
      KsFigureHit hit;
      double pixel[3];
      double expected[3];
      /* Near a corner of the cell, clear of the value written at its centre. */
      double x;
      double y;

      ks_figure_cka_matrix_get_panel_layout (figure, width, height, p, &layout);
      x = layout.cells.x + 0.12 * layout.cell_size + 3 * layout.cell_size;
      y = layout.cells.y + 0.12 * layout.cell_size + 1 * layout.cell_size;
      g_assert_true (ks_figure_cka_matrix_hit (figure, width, height, x, y, &hit));
      g_assert_cmpint (hit.panel, ==, (int) p);
      g_assert_cmpuint (hit.i, ==, 1);
      g_assert_cmpuint (hit.j, ==, 3);
      g_assert_cmpfloat (hit.value, ==, gsl_matrix_get (cka, 1, 3));
      figure_pixel (canvas, x, y, pixel);
      expected_colour (KS_COLORMAP_MAGMA, &unit, hit.value, expected);
      test_assert_colour (pixel, expected, BYTE_TOLERANCE);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* ---- CKA against depth ---- */

/* The curves are the result's CKA to the input and to the output, layer by layer; depth
 * 0 is the input itself: CKA 1 to the input, and CKA(K0, YY^T) (computed here) to the
 * output. A hit at a drawn point finds that point, and its centre pixel has the curve's
 * colour. */
static void
test_cka_depth (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFigureCkaDepth) figure = NULL;
  KsFigureStyle style;
  double width = 500.0;
  double height;
  double input_output;
  cairo_t *cr;
  cairo_surface_t *canvas;

  ks_figure_style_init (&style);
  figure = ks_figure_cka_depth_new (prior_result, &style, theme, &error);
  g_assert_no_error (error);
  g_assert_true (ks_cka (ks_result_get_input_kernel (prior_result),
                         ks_result_get_output_kernel (prior_result), KS_CKA_LINEAR, 1.0,
                         &input_output, &error));
  for (guint p = 0; p < KS_CKA_DEPTH_N_PANELS; p++)
    {
      g_assert_cmpuint (ks_figure_cka_depth_get_n_curves (figure, p), ==, 2);
      for (guint c = 0; c < 2; c++)
        {
          KsKernelKind kind = ks_figure_cka_depth_get_curve_kind (figure, p, c);
          const double *values = p == KS_CKA_DEPTH_TO_INPUT
                                 ? ks_result_get_cka_to_input (prior_result, kind)
                                 : ks_result_get_cka_to_output (prior_result, kind);

          g_assert_cmpfloat_with_epsilon (ks_figure_cka_depth_get_value (figure, p, c, 0),
                                          p == KS_CKA_DEPTH_TO_INPUT ? 1.0 : input_output,
                                          1e-12);
          for (guint l = 0; l < N_LAYERS; l++)
            g_assert_cmpfloat (ks_figure_cka_depth_get_value (figure, p, c, l + 1), ==,
                               values[l]);
        }
    }

  height = ks_figure_cka_depth_preferred_height (figure, width);
  canvas = figure_canvas (width, height, &cr);
  ks_figure_cka_depth_draw (figure, cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  {
    /* The last layer of the finite network, drawn after (over) the infinite one. */
    double value = ks_figure_cka_depth_get_value (figure, KS_CKA_DEPTH_TO_INPUT, 1, N_LAYERS);
    const KsColor *colour = ks_plot_theme_series_color (theme, 1);
    double expected[3] = { colour->red, colour->green, colour->blue };
    double pixel[3];
    KsFigureHit hit;
    double x;
    double y;

    ks_figure_cka_depth_data_to_figure (figure, width, height, KS_CKA_DEPTH_TO_INPUT,
                                        N_LAYERS, value, &x, &y);
    g_assert_true (ks_figure_cka_depth_hit (figure, width, height, x + 1.0, y, &hit));
    g_assert_cmpint (hit.panel, ==, KS_CKA_DEPTH_TO_INPUT);
    g_assert_cmpint (hit.series, ==, 1);
    g_assert_cmpint (hit.point, ==, N_LAYERS);
    g_assert_cmpfloat (hit.point_y, ==, value);
    g_assert_cmpfloat (fabs (hit.x - N_LAYERS), <, 0.1);
    figure_pixel (canvas, x, y, pixel);
    test_assert_colour (pixel, expected, 3 * BYTE_TOLERANCE);
  }
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* ---- spread ---- */

/* A deep linear sweep (depths 1 and 2, widths 4, 16, 64, P = 6, 50 networks each): a hit
 * on the drawn position of a closed-form point or a Monte Carlo point finds that point,
 * with its value (and standard error) in the read-out; the figure draws without error. */
static void
test_spread (void)
{
  static const guint depths[] = { 1, 2 };
  static const guint widths[] = { 4, 16, 64 };
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(GError) error = NULL;
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (5, 0, 0);
  g_autoptr(gsl_matrix) inputs = gsl_matrix_alloc (6, 4);
  g_autoptr(KsSpreadSweep) sweep = NULL;
  g_autoptr(KsFigureSpread) figure = NULL;
  KsSpreadSweepOptions options = {
    .depths = depths, .n_depths = 2, .widths = widths, .n_widths = 3,
    .n_samples = 50, .seed = 4,
  };
  const KsSpreadSweepPoint *point;
  KsFigureStyle style;
  KsFigureHit hit;
  double width = 340.0;
  double height;
  double x;
  double y;
  cairo_t *cr;
  cairo_surface_t *canvas;

  ks_rng_fill_gaussian (rng, inputs->data, 24);
  sweep = ks_spread_sweep_run (&options, inputs, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ks_figure_style_init (&style);
  figure = ks_figure_spread_new (sweep, "gaussian", &style, theme, &error);
  g_assert_no_error (error);
  height = ks_figure_spread_preferred_height (figure, width);
  canvas = figure_canvas (width, height, &cr);
  ks_figure_spread_draw (figure, cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  point = ks_spread_sweep_get_point (sweep, 1, 1);
  ks_figure_spread_data_to_figure (figure, width, height, 16, point->analytic, &x, &y);
  g_assert_true (ks_figure_spread_hit (figure, width, height, x, y, &hit));
  g_assert_cmpfloat (hit.point_x, ==, 16);
  g_assert_cmpfloat (hit.point_y, ==, point->analytic);
  g_assert_nonnull (strstr (hit.readout, "depth 2, closed form"));

  point = ks_spread_sweep_get_point (sweep, 0, 2);
  ks_figure_spread_data_to_figure (figure, width, height, 64, point->monte_carlo, &x, &y);
  g_assert_true (ks_figure_spread_hit (figure, width, height, x, y, &hit));
  g_assert_cmpfloat (hit.point_x, ==, 64);
  g_assert_cmpfloat (hit.point_y, ==, point->monte_carlo);
  g_assert_cmpfloat (hit.point_error, ==, point->monte_carlo_se);
  g_assert_nonnull (strstr (hit.readout, "depth 1, Monte Carlo"));
  g_assert_nonnull (strstr (hit.readout, "±"));
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* ---- evidence ---- */

/* The finite widths are points at their widths with their standard errors, the infinite
 * width a reference line: a hit on a drawn point finds that estimate (its index among
 * those given) with value and error in the read-out, a hit on the line far from any
 * point names the infinite width, and the pixel at a point's centre has the first series
 * colour. */
static void
test_evidence (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStack) stack = ks_stack_parse ("dense:1,relu,dense:1,readout:3", &error);
  g_autoptr(KsFigureEvidence) figure = NULL;
  KsEvidenceOptions options;
  KsFigureStyle style;
  const KsColor *colour = ks_plot_theme_series_color (theme, 0);
  double expected[3] = { colour->red, colour->green, colour->blue };
  double pixel[3];
  double width = 340.0;
  double height;
  double x;
  double y;
  KsFigureHit hit;
  KsRect frame;
  cairo_t *cr;
  cairo_surface_t *canvas;

  g_assert_no_error (error);
  ks_evidence_options_init (&options);
  ks_figure_style_init (&style);
  g_assert_null (ks_figure_evidence_new (NULL, 0, stack, &options, 30, 3, "iris", &style,
                                         theme, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
  figure = ks_figure_evidence_new (evidence_curve, G_N_ELEMENTS (evidence_curve), stack,
                                   &options, 30, 3, "iris", &style, theme, &error);
  g_assert_no_error (error);
  g_assert_true (ks_figure_evidence_has_infinite (figure));
  g_assert_cmpfloat (ks_figure_evidence_get_infinite (figure), ==, -135.0);
  height = ks_figure_evidence_preferred_height (figure, width);
  canvas = figure_canvas (width, height, &cr);
  ks_figure_evidence_draw (figure, cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  ks_figure_evidence_data_to_figure (figure, width, height, 4, -128.25, &x, &y);
  g_assert_true (ks_figure_evidence_hit (figure, width, height, x + 1.0, y, &hit));
  g_assert_cmpint (hit.point, ==, 2);
  g_assert_cmpfloat (hit.point_x, ==, 4);
  g_assert_cmpfloat (hit.point_y, ==, -128.25);
  g_assert_cmpfloat (hit.point_error, ==, 0.8);
  g_assert_nonnull (strstr (hit.readout, "width 4"));
  g_assert_nonnull (strstr (hit.readout, "±"));
  g_assert_nonnull (strstr (hit.readout, "ais"));
  figure_pixel (canvas, x, y, pixel);
  test_assert_colour (pixel, expected, 3 * BYTE_TOLERANCE);

  /* On the reference line between widths 1 and 2, far from both points. */
  ks_figure_evidence_data_to_figure (figure, width, height, 1.41, -135.0, &x, &y);
  frame = ks_figure_evidence_get_frame (figure, width, height);
  g_assert_true (ks_rect_contains (&frame, x, y));
  g_assert_true (ks_figure_evidence_hit (figure, width, height, x, y + 1.0, &hit));
  g_assert_cmpint (hit.series, ==, 1);
  g_assert_cmpint (hit.point, ==, 4);
  g_assert_nonnull (strstr (hit.readout, "infinite width"));
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* ---- predict ---- */

/* One curve for the one layer scored: the deep kernel machine's accuracy at each width
 * scale, in percent. A hit on a drawn point finds that width scale, reports the sweep's
 * score (as a fraction) and the NNGP's in the read-out; the pixel at the point's centre
 * has the curve's colour; a sweep that scored no layer draws no figure. */
static void
test_predict (void)
{
  g_autoptr(KsPlotTheme) theme = paper_theme ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFigurePredict) figure = NULL;
  KsFigureStyle style;
  const KsColor *colour = ks_plot_theme_series_color (theme, 0);
  double expected[3] = { colour->red, colour->green, colour->blue };
  double score = ks_predict_sweep_get_dkm (predict_sweep, 1, PREDICT_LAYER)->score;
  double pixel[3];
  double width = 340.0;
  double height;
  double x;
  double y;
  KsFigureHit hit;
  cairo_t *cr;
  cairo_surface_t *canvas;

  ks_figure_style_init (&style);
  figure = ks_figure_predict_new (predict_sweep, "digits", &style, theme, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ks_figure_predict_get_n_curves (figure), ==, 1);
  g_assert_cmpuint (ks_figure_predict_get_curve_layer (figure, 0), ==, PREDICT_LAYER);
  height = ks_figure_predict_preferred_height (figure, width);
  canvas = figure_canvas (width, height, &cr);
  ks_figure_predict_draw (figure, cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  g_assert_true (score >= 0.0 && score <= 1.0);
  ks_figure_predict_data_to_figure (figure, width, height, 1.0, score, &x, &y);
  g_assert_true (ks_figure_predict_hit (figure, width, height, x - 1.0, y, &hit));
  g_assert_cmpint (hit.series, ==, 0);
  g_assert_cmpint (hit.point, ==, 1);
  g_assert_cmpfloat (hit.point_x, ==, 1.0);
  g_assert_cmpfloat (fabs (hit.point_y - score), <, 1e-12);
  g_assert_nonnull (strstr (hit.readout, "width scale 1"));
  g_assert_nonnull (strstr (hit.readout, "NNGP"));
  figure_pixel (canvas, x, y, pixel);
  test_assert_colour (pixel, expected, 3 * BYTE_TOLERANCE);
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* ---- every figure ---- */

static void
draw_any (KsFigureKind       kind,
          const KsPlotTheme *theme,
          cairo_t           *cr,
          double             width,
          double            *height)
{
  g_autoptr(GError) error = NULL;
  KsFigureStyle style;

  ks_figure_style_init (&style);
  switch (kind)
    {
    case KS_FIGURE_KERNELS:
      {
        g_autoptr(KsFigureKernels) figure = ks_figure_kernels_new (prior_result, &style, theme,
                                                                   &error);
        *height = ks_figure_kernels_preferred_height (figure, width);
        if (cr != NULL)
          ks_figure_kernels_draw (figure, cr, width, *height);
      }
      break;
    case KS_FIGURE_CKA_MATRIX:
      {
        g_autoptr(KsFigureCkaMatrix) figure = ks_figure_cka_matrix_new (prior_result, &style,
                                                                        theme, &error);
        *height = ks_figure_cka_matrix_preferred_height (figure, width);
        if (cr != NULL)
          ks_figure_cka_matrix_draw (figure, cr, width, *height);
      }
      break;
    case KS_FIGURE_EVIDENCE:
      {
        g_autoptr(KsStack) stack = ks_stack_parse ("dense:1,relu,dense:1", &error);
        g_autoptr(KsFigureEvidence) figure = ks_figure_evidence_new (evidence_curve,
                                                                     G_N_ELEMENTS (evidence_curve),
                                                                     stack, NULL, 30, 3, NULL,
                                                                     &style, theme, &error);
        *height = ks_figure_evidence_preferred_height (figure, width);
        if (cr != NULL)
          ks_figure_evidence_draw (figure, cr, width, *height);
      }
      break;
    case KS_FIGURE_PREDICT:
      {
        g_autoptr(KsFigurePredict) figure = ks_figure_predict_new (predict_sweep, NULL, &style,
                                                                   theme, &error);
        *height = ks_figure_predict_preferred_height (figure, width);
        if (cr != NULL)
          ks_figure_predict_draw (figure, cr, width, *height);
      }
      break;
    case KS_FIGURE_CKA_DEPTH:
    default:
      {
        g_autoptr(KsFigureCkaDepth) figure = ks_figure_cka_depth_new (posterior_result, &style,
                                                                      theme, &error);
        *height = ks_figure_cka_depth_preferred_height (figure, width);
        if (cr != NULL)
          ks_figure_cka_depth_draw (figure, cr, width, *height);
      }
      break;
    }
  g_assert_no_error (error);
}

/* In both themes each result figure draws into an image surface without a cairo error,
 * filling the whole canvas with the theme's background (checked at the four corners,
 * which lie in the margins). */
static void
test_render_themes (void)
{
  static const KsPlotThemeKind themes[] = { KS_PLOT_THEME_PAPER, KS_PLOT_THEME_SCREEN_DARK };
  static const KsFigureKind kinds[] = {
    KS_FIGURE_KERNELS, KS_FIGURE_CKA_MATRIX, KS_FIGURE_CKA_DEPTH, KS_FIGURE_EVIDENCE,
    KS_FIGURE_PREDICT,
  };

  for (guint t = 0; t < G_N_ELEMENTS (themes); t++)
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (themes[t]);
        double background[3] = { theme->background.red, theme->background.green,
                                 theme->background.blue };
        double width = 400.0;
        double height;
        cairo_t *cr;
        cairo_surface_t *canvas;
        double corners[4][2];

        draw_any (kinds[k], theme, NULL, width, &height);
        canvas = figure_canvas (width, height, &cr);
        draw_any (kinds[k], theme, cr, width, &height);
        g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
        corners[0][0] = 0.2; corners[0][1] = 0.2;
        corners[1][0] = width - 0.5; corners[1][1] = 0.2;
        corners[2][0] = 0.2; corners[2][1] = height - 0.5;
        corners[3][0] = width - 0.5; corners[3][1] = height - 0.5;
        for (guint c = 0; c < 4; c++)
          {
            double pixel[3];

            figure_pixel (canvas, corners[c][0], corners[c][1], pixel);
            test_assert_colour (pixel, background, BYTE_TOLERANCE);
          }
        cairo_destroy (cr);
        cairo_surface_destroy (canvas);
      }
}

/* The names read back to their kinds, case aside; an unknown name is an error
 * listing them. */
static void
test_figure_names (void)
{
  g_autoptr(GError) error = NULL;
  KsFigureKind kind;

  for (guint k = 0; k < KS_N_FIGURES; k++)
    {
      g_assert_true (ks_figure_kind_from_string (ks_figure_kind_to_string (k), &kind, NULL));
      g_assert_cmpint (kind, ==, k);
      g_assert_cmpuint (strlen (ks_figure_kind_describe (k)), >, 10);
    }
  g_assert_true (ks_figure_kind_from_string ("CKA-Depth", &kind, NULL));
  g_assert_cmpint (kind, ==, KS_FIGURE_CKA_DEPTH);
  g_assert_false (ks_figure_kind_from_string ("heatmap", &kind, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "heatmap"));
  g_assert_nonnull (strstr (error->message, "cka-matrix"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ks_core_init ();
  prior_result = run_experiment (KS_COMPUTE_NNGP | KS_COMPUTE_SAMPLES | KS_COMPUTE_CKA);
  posterior_result = run_experiment (KS_COMPUTE_NNGP | KS_COMPUTE_SAMPLES | KS_COMPUTE_CKA |
                                     KS_COMPUTE_POSTERIOR);
  predict_sweep = run_predict_sweep ();

  g_test_add_func ("/figures/names", test_figure_names);
  g_test_add_func ("/figures/layer-choice", test_layer_choice);
  g_test_add_func ("/figures/kernels/panels", test_kernels_panels);
  g_test_add_func ("/figures/kernels/miss", test_kernels_miss);
  g_test_add_func ("/figures/kernels/cell-pixels", test_kernels_cell_pixels);
  g_test_add_func ("/figures/kernels/shared-row-range", test_kernels_shared_row_range);
  g_test_add_func ("/figures/kernels/posterior-row", test_kernels_posterior_row);
  g_test_add_func ("/figures/kernels/no-posterior", test_kernels_no_posterior);
  g_test_add_func ("/figures/kernels/panel-ranges", test_kernels_panel_ranges);
  g_test_add_func ("/figures/kernels/preferred-height", test_kernels_preferred_height);
  g_test_add_func ("/figures/kernels/chosen-layers", test_kernels_chosen_layers);
  g_test_add_func ("/figures/cka-matrix", test_cka_matrix);
  g_test_add_func ("/figures/cka-depth", test_cka_depth);
  g_test_add_func ("/figures/spread", test_spread);
  g_test_add_func ("/figures/evidence", test_evidence);
  g_test_add_func ("/figures/predict", test_predict);
  g_test_add_func ("/figures/render-themes", test_render_themes);

  status = g_test_run ();
  ks_result_unref (prior_result);
  ks_result_unref (posterior_result);
  ks_predict_sweep_unref (predict_sweep);
  return status;
}
