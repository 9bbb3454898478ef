/* bench-figures.c: the time to draw the kernel grid of a 10-layer network at P = 500, on
 * screen-sized pixels and into PDF, and the size of the PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The experiment (digits, P = 500, S = 4 finite-width networks, NNGP, samples, CKA) is
 * computed once, untimed; only the figure is timed: building it (row colour ranges from
 * sorted kernel entries), drawing it onto a 1600 x 1000 pixel image surface, exporting it
 * as PNG of that size (drawing, encoding and the atomic write), and as PDF and SVG of the
 * same size in points (1200 x 750, the PNG at 96 dpi). Each row is the median of --reps
 * runs (default 5) after one unmeasured warm-up. Output: one line per row,
 * "row <TAB> seconds <TAB> key=value ...", as ks-bench prints its rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ks-experiment.h"
#include "ks-export.h"
#include "ks-figure-kernels.h"
#include "ks-linalg.h"

/* Ten layers: five (dense, relu) blocks with a finite bottleneck in the middle. */
#define STACK "dense:inf:wv=2,relu,dense:inf:wv=2,relu,dense:64:wv=2,relu," \
              "dense:inf:wv=2,relu,dense:inf:wv=2,relu"
#define WIDTH_PX 1600
#define HEIGHT_PX 1000
#define SCREEN_DPI 96.0

typedef struct
{
  KsResult        *result;
  KsPlotTheme     *theme;
  KsFigureKernels *figure;
  double           width_pt;
  double           height_pt;
  char            *folder;
  KsExportFormat   format;
  gsize            bytes;     /* of the last file written */
} Bench;

typedef gboolean (*BenchFunc) (Bench   *bench,
                               GError **error);

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* One warm-up, then reps timed runs; the median, fastest and slowest in seconds. */
static gboolean
time_runs (BenchFunc  func,
           Bench     *bench,
           guint      reps,
           double    *median,
           double    *low,
           double    *high,
           GError   **error)
{
  g_autofree double *times = g_new (double, reps);

  if (!func (bench, error))
    return FALSE;
  for (guint r = 0; r < reps; r++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!func (bench, error))
        return FALSE;
      times[r] = (g_get_monotonic_time () - start) / 1e6;
    }
  qsort (times, reps, sizeof (double), compare_doubles);
  *median = reps % 2 ? times[reps / 2] : (times[reps / 2 - 1] + times[reps / 2]) / 2;
  *low = times[0];
  *high = times[reps - 1];
  return TRUE;
}

static KsResult *
compute_result (guint     n_points,
                GError  **error)
{
  g_autoptr(KsDataset) digits = ks_dataset_load_bundled ("digits", error);
  g_autoptr(KsStack) stack = ks_stack_parse (STACK, error);
  g_autoptr(KsExperiment) experiment = NULL;

  if (digits == NULL || stack == NULL)
    return NULL;
  experiment = ks_experiment_new (stack, digits);
  ks_experiment_set_n_points (experiment, n_points);
  ks_experiment_set_n_samples (experiment, 4);
  ks_experiment_set_compute (experiment, KS_COMPUTE_NNGP | KS_COMPUTE_SAMPLES | KS_COMPUTE_CKA);
  return ks_experiment_run (experiment, NULL, NULL, NULL, error);
}

static gboolean
build_figure (Bench   *bench,
              GError **error)
{
  KsFigureStyle style;

  ks_figure_style_init (&style);
  g_clear_pointer (&bench->figure, ks_figure_kernels_free);
  bench->figure = ks_figure_kernels_new (bench->result, &style, bench->theme, error);
  return bench->figure != NULL;
}

static gboolean
draw_image (Bench   *bench,
            GError **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH_PX,
                                                         HEIGHT_PX);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  cairo_scale (cr, WIDTH_PX / bench->width_pt, HEIGHT_PX / bench->height_pt);
  ks_figure_kernels_draw (bench->figure, cr, bench->width_pt, bench->height_pt);
  cairo_surface_flush (surface);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "drawing failed: %s",
               cairo_status_to_string (status));
  return FALSE;
}

static gboolean
export_file (Bench   *bench,
             GError **error)
{
  g_autofree char *name = g_strdup_printf ("kernels.%s", ks_export_format_to_string (bench->format));
  g_autofree char *path = g_build_filename (bench->folder, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KsExportOptions options;
  GStatBuf info;

  ks_export_options_init (&options, bench->width_pt, bench->height_pt);
  options.format = bench->format;
  options.dpi = SCREEN_DPI;
  if (!ks_export (file, &options, ks_figure_kernels_draw_func, bench->figure, error))
    return FALSE;
  bench->bytes = g_stat (path, &info) == 0 ? (gsize) info.st_size : 0;
  return TRUE;
}

static gboolean
export_png (Bench   *bench,
            GError **error)
{
  bench->format = KS_EXPORT_FORMAT_PNG;
  return export_file (bench, error);
}

static gboolean
export_pdf (Bench   *bench,
            GError **error)
{
  bench->format = KS_EXPORT_FORMAT_PDF;
  return export_file (bench, error);
}

static gboolean
export_svg (Bench   *bench,
            GError **error)
{
  bench->format = KS_EXPORT_FORMAT_SVG;
  return export_file (bench, error);
}

static gboolean
run_row (const char *row,
         BenchFunc   func,
         Bench      *bench,
         guint       reps,
         gboolean    report_bytes)
{
  g_autoptr(GError) error = NULL;
  double median;
  double low;
  double high;

  if (!time_runs (func, bench, reps, &median, &low, &high, &error))
    {
      printf ("%s\tNA\terror=\"%s\"\n", row, error->message);
      return FALSE;
    }
  printf ("%s\t%.6f\tmin=%.6f max=%.6f reps=%u", row, median, low, high, reps);
  if (report_bytes)
    printf (" bytes=%" G_GSIZE_FORMAT, bench->bytes);
  printf ("\n");
  fflush (stdout);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  Bench bench = { 0 };
  gboolean quick = g_getenv ("KS_BENCH_QUICK") != NULL;
  guint reps = 5;
  guint n_points;
  gboolean ok = TRUE;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--quick") == 0)
        quick = TRUE;
      else if (strcmp (argv[i], "--reps") == 0 && i + 1 < argc)
        {
          int asked = atoi (argv[++i]);

          reps = MAX (asked, 3);
        }
      else
        {
          fprintf (stderr, "usage: %s [--quick] [--reps N]\n", argv[0]);
          return 2;
        }
    }
  ks_core_init ();
  n_points = quick ? 100 : 500;

  bench.result = compute_result (n_points, &error);
  if (bench.result == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  bench.folder = g_dir_make_tmp ("ks-bench-figures-XXXXXX", &error);
  if (bench.folder == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  bench.theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  bench.width_pt = WIDTH_PX * KS_PT_PER_INCH / SCREEN_DPI;
  bench.height_pt = HEIGHT_PX * KS_PT_PER_INCH / SCREEN_DPI;

  printf ("# kernels figure: %s, P = %u, 10 layers x 3 rows, %u x %u px (%.0f x %.0f pt)\n",
          STACK, n_points, WIDTH_PX, HEIGHT_PX, bench.width_pt, bench.height_pt);
  ok = run_row ("figure-build", build_figure, &bench, reps, FALSE) && ok;
  ok = ok && run_row ("draw-image", draw_image, &bench, reps, FALSE);
  ok = ok && run_row ("export-png", export_png, &bench, reps, TRUE);
  ok = ok && run_row ("export-pdf", export_pdf, &bench, reps, TRUE);
  ok = ok && run_row ("export-svg", export_svg, &bench, reps, TRUE);

  for (KsExportFormat f = KS_EXPORT_FORMAT_SVG; f <= KS_EXPORT_FORMAT_PNG; f++)
    {
      g_autofree char *name = g_strdup_printf ("kernels.%s", ks_export_format_to_string (f));
      g_autofree char *path = g_build_filename (bench.folder, name, NULL);

      g_unlink (path);
    }
  g_rmdir (bench.folder);
  g_free (bench.folder);
  g_clear_pointer (&bench.figure, ks_figure_kernels_free);
  ks_plot_theme_free (bench.theme);
  ks_result_unref (bench.result);
  return ok ? 0 : 1;
}
