/* bench-gui-latency.c: from a move of the width slider to the new heatmaps on screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real window (run it under a display, e.g. xvfb-run -a -s "-screen 0 1280x800x24")
 * on digits with a 10-layer network, five (dense:64:wv=2, relu) blocks and the readout,
 * S = 16 finite networks, P = 200 and P = 1000 points. Each repetition moves the global
 * width slider's adjustment (alternately to widths 32 and 64) and times, from that moment:
 *
 *   submitted      the window has handed the new experiment to its job controller
 *   nngp-arrived   the first result of the new request arrives (infinite-width kernels)
 *   nngp-drawn     the Kernels grid has drawn it (off the main thread) and installed it
 *   nngp-frame     the first frame painted after that: the new heatmaps are on screen
 *   sample-frame   the same for the first result holding a finite-width sample
 *
 * Once the first sample is on screen the rest of the job is cancelled, as the next slider
 * move would, and the next repetition starts from an idle window, nothing being computed
 * or drawn (the posterior at
 * P = 1000 would take minutes, and is not what a slider drag waits for). Each row is the median
 * of --reps repetitions (default 5) after one unmeasured warm-up, printed as
 * "row <TAB> seconds <TAB> key=value ...".
 */
#include <stdio.h>
#include <stdlib.h>

#include "ks-figure-area.h"
#include "ks-kernel-view.h"
#include "ks-linalg.h"
#include "ks-stack-scale.h"
#include "ks-window.h"

#define STACK "dense:64:wv=2,relu,dense:64:wv=2,relu,dense:64:wv=2,relu," \
              "dense:64:wv=2,relu,dense:64:wv=2,relu,readout:10:noise=0.1"
#define TIMEOUT_S 300.0

typedef enum
{
  MARK_SUBMITTED,
  MARK_NNGP_ARRIVED,
  MARK_NNGP_DRAWN,
  MARK_NNGP_FRAME,
  MARK_SAMPLE_FRAME,
  N_MARKS,
} Mark;

static const char * const mark_names[] = {
  "submitted", "nngp-arrived", "nngp-drawn", "nngp-frame", "sample-frame",
};

typedef struct
{
  KsWindow        *window;
  KsJobController *controller;
  KsFigureArea    *area;
  guint64          generation;   /* of the request being timed */
  KsResult        *before;       /* the result on screen before the move */
  gint64           start;
  gint64           marks[N_MARKS];
  gboolean         frame_for_nngp;
  gboolean         frame_for_sample;
  gboolean         timing;
} Run;

/* A result of the request being timed. */
static gboolean
is_new (Run      *run,
        KsResult *result)
{
  return run->timing && result != NULL &&
         ks_job_controller_get_generation (run->controller) == run->generation &&
         result == ks_job_controller_get_result (run->controller);
}

static void
on_result_changed (Run *run)
{
  KsResult *result = ks_job_controller_get_result (run->controller);

  if (is_new (run, result) && run->marks[MARK_NNGP_ARRIVED] == 0)
    run->marks[MARK_NNGP_ARRIVED] = g_get_monotonic_time ();
}

/* Results arrive in order: once a drawn result has a sample, so do all later ones. */
static void
on_drawn (KsFigureArea *area,
          Run          *run)
{
  KsResult *drawn = ks_figure_area_get_drawn_source (area);

  /* The controller holds results of the newest request only, and the grid draws what it
   * holds: anything drawn after the first arrival but the old result is new. */
  if (!run->timing || drawn == NULL || drawn == run->before || run->marks[MARK_NNGP_ARRIVED] == 0)
    return;
  if (run->marks[MARK_NNGP_DRAWN] == 0)
    {
      run->marks[MARK_NNGP_DRAWN] = g_get_monotonic_time ();
      run->frame_for_nngp = TRUE;
    }
  if (ks_result_get_n_samples_done (drawn) > 0 && run->marks[MARK_SAMPLE_FRAME] == 0)
    run->frame_for_sample = TRUE;
}

static void
on_after_paint (GdkFrameClock *clock,
                Run           *run)
{
  gint64 now = g_get_monotonic_time ();

  if (run->frame_for_nngp)
    {
      run->marks[MARK_NNGP_FRAME] = now;
      run->frame_for_nngp = FALSE;
    }
  if (run->frame_for_sample)
    {
      run->marks[MARK_SAMPLE_FRAME] = now;
      run->frame_for_sample = FALSE;
    }
}

typedef gboolean (*Condition) (Run *run);

static gboolean
wait_for (Run       *run,
          Condition  condition)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (TIMEOUT_S * G_USEC_PER_SEC);

  while (!condition (run))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

/* The new settings' first finite-width sample is on screen. */
static gboolean
sample_drawn (Run *run)
{
  KsResult *drawn = ks_figure_area_get_drawn_source (run->area);

  return ks_job_controller_get_generation (run->controller) == run->generation &&
         drawn != NULL && drawn == ks_job_controller_get_result (run->controller) &&
         ks_result_get_n_samples_done (drawn) > 0;
}

static gboolean
sample_on_screen (Run *run)
{
  return run->marks[MARK_SAMPLE_FRAME] != 0;
}

static gboolean
area_current (Run *run)
{
  return ks_figure_area_is_current (run->area);
}

static gboolean
not_busy (Run *run)
{
  return !ks_job_controller_get_busy (run->controller);
}

static gboolean
submitted (Run *run)
{
  return ks_job_controller_get_generation (run->controller) >= run->generation;
}

static void
on_generation_changed (Run *run)
{
  if (run->timing && submitted (run) && run->marks[MARK_SUBMITTED] == 0)
    run->marks[MARK_SUBMITTED] = g_get_monotonic_time ();
}

/* One move of the slider, timed until the first sample is on screen. */
static gboolean
time_move (Run        *run,
           GtkRange   *width_scale,
           guint       width)
{
  for (guint m = 0; m < N_MARKS; m++)
    run->marks[m] = 0;
  run->frame_for_nngp = run->frame_for_sample = FALSE;
  run->generation = ks_job_controller_get_generation (run->controller) + 1;
  run->before = ks_job_controller_get_result (run->controller);
  run->timing = TRUE;
  run->start = g_get_monotonic_time ();
  gtk_adjustment_set_value (gtk_range_get_adjustment (width_scale), ks_width_to_slider (width));
  if (!wait_for (run, submitted) || !wait_for (run, sample_on_screen))
    return FALSE;
  run->timing = FALSE;
  ks_job_controller_cancel (run->controller);
  return wait_for (run, not_busy) && wait_for (run, area_current);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (child)), id) == 0)
        return child;
      if ((found = find_by_id (child, id)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
bench_points (Run   *run,
              guint  n_points,
              guint  reps)
{
  KsDocument *document = ks_window_get_document (run->window);
  GtkRange *width_scale = GTK_RANGE (find_by_id (GTK_WIDGET (run->window), "width_scale"));
  g_autoptr(KsStack) stack = ks_stack_parse (STACK, NULL);
  g_autofree double *times = g_new0 (double, (gsize) N_MARKS * reps);

  ks_document_set_stack (document, stack);
  ks_document_set_n_points (document, n_points);
  run->generation = ks_job_controller_get_generation (run->controller) + 1;
  if (!wait_for (run, submitted) || !wait_for (run, sample_drawn))
    return FALSE;
  ks_job_controller_cancel (run->controller);
  if (!wait_for (run, not_busy) || !wait_for (run, area_current))
    return FALSE;

  for (guint rep = 0; rep <= reps; rep++)
    {
      if (!time_move (run, width_scale, rep % 2 == 0 ? 32 : 64))
        return FALSE;
      for (guint m = 0; rep > 0 && m < N_MARKS; m++)
        times[m * reps + rep - 1] = (run->marks[m] - run->start) / 1e6;
    }
  for (guint m = 0; m < N_MARKS; m++)
    {
      double *row = times + m * reps;

      qsort (row, reps, sizeof (double), compare_doubles);
      printf ("%s-p%u\t%.4f\tmin=%.4f max=%.4f reps=%u points=%u layers=%u\n", mark_names[m],
              n_points, row[reps / 2], row[0], row[reps - 1], reps, n_points,
              ks_stack_get_n_layers (stack));
    }
  fflush (stdout);
  return TRUE;
}

static void
load_style (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GdkDisplay *display = gdk_display_get_default ();

  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                    "/io/github/kernelscope/Kernelscope/icons");
  gtk_css_provider_load_from_resource (css, "/io/github/kernelscope/Kernelscope/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

int
main (int   argc,
      char *argv[])
{
  guint reps = 5;
  Run run = { 0 };
  static const guint points[] = { 200, 1000 };

  for (int i = 1; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--reps"))
      reps = MAX ((guint) atoi (argv[i + 1]), 1);
  /* Settings of this run only: the benchmark must not change the person's. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();
  ks_core_init ();
  load_style ();

  run.window = g_object_ref_sink (ks_window_new (NULL));
  run.controller = ks_window_get_controller (run.window);
  run.area = ks_kernel_view_get_grid_area (KS_KERNEL_VIEW (find_by_id (GTK_WIDGET (run.window), "kernel_view")));
  gtk_window_set_default_size (GTK_WINDOW (run.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (run.window));
  g_signal_connect_swapped (run.controller, "result-changed", G_CALLBACK (on_result_changed), &run);
  g_signal_connect_swapped (run.controller, "notify::generation", G_CALLBACK (on_generation_changed), &run);
  g_signal_connect (run.area, "drawn", G_CALLBACK (on_drawn), &run);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (run.window)), "after-paint",
                    G_CALLBACK (on_after_paint), &run);

  printf ("# width slider to heatmaps on screen: %s, S = 16, window 1280 x 800, "
          "median of %u moves\n", STACK, reps);
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    if (!bench_points (&run, points[i], reps))
      {
        fprintf (stderr, "bench-gui-latency: P = %u did not finish within %.0f s\n", points[i], TIMEOUT_S);
        return 1;
      }
  gtk_window_destroy (GTK_WINDOW (run.window));
  g_object_unref (run.window);
  return 0;
}
