/* test-sweeps.c: the tabs' own computations run one at a time, and a newer change
 * supersedes a running one without its result ever appearing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"
#include "ks-figure-area.h"
#include "ks-sweep-runner.h"
#include "ks-sweep-view.h"

#define TIMEOUT 90.0

/* ---- the runner on its own ---- */

typedef struct
{
  gint running;        /* computations inside the function now */
  gint most_running;
  gint started;
  gint cancelled;
} Census;

typedef struct
{
  Census *census;
  guint   number;
} Job;

/* Works for up to 300 ms in 5 ms steps, checking for cancellation between them. */
static gpointer
slow_job (gpointer          input,
          KsSweepProgress  *progress,
          GCancellable     *cancellable,
          GError          **error)
{
  Job *job = input;
  Census *census = job->census;
  gint now = g_atomic_int_add (&census->running, 1) + 1;
  guint *output = NULL;

  g_atomic_int_inc (&census->started);
  if (now > g_atomic_int_get (&census->most_running))
    g_atomic_int_set (&census->most_running, now);
  for (guint step = 0; step < 60; step++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_atomic_int_inc (&census->cancelled);
          g_atomic_int_add (&census->running, -1);
          return NULL;
        }
      ks_sweep_progress_set (progress, step / 60.0);
      g_usleep (5000);
    }
  output = g_new (guint, 1);
  *output = job->number;
  g_atomic_int_add (&census->running, -1);
  return output;
}

static gpointer
failing_job (gpointer          input,
             KsSweepProgress  *progress,
             GCancellable     *cancellable,
             GError          **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no such network");
  return NULL;
}

static void
on_finished (KsSweepRunner *runner,
             gpointer       output,
             GArray        *outputs)
{
  guint number = *(guint *) output;

  g_array_append_val (outputs, number);
}

static void
on_failed (KsSweepRunner *runner,
           const GError  *error,
           char         **message)
{
  g_free (*message);
  *message = g_strdup (error->message);
}

static gboolean
runner_idle (gpointer user_data)
{
  return !ks_sweep_runner_get_busy (user_data);
}

static Job *
job_new (Census *census,
         guint   number)
{
  Job *job = g_new (Job, 1);

  job->census = census;
  job->number = number;
  return job;
}

/* Five requests in a row: the first starts, each later one cancels the running one or
 * replaces the pending one, so only the first and the last ever run, never together, and
 * only the last reports its output. A failure is reported with its message. */
static void
test_runner_newest_wins (void)
{
  g_autoptr(KsSweepRunner) runner = ks_sweep_runner_new ();
  g_autoptr(GArray) outputs = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *message = NULL;
  Census census = { 0 };

  g_signal_connect (runner, "finished", G_CALLBACK (on_finished), outputs);
  g_signal_connect (runner, "failed", G_CALLBACK (on_failed), &message);
  for (guint i = 1; i <= 5; i++)
    ks_sweep_runner_run (runner, slow_job, job_new (&census, i), g_free, g_free);
  g_assert_true (ks_sweep_runner_get_busy (runner));
  g_assert_cmpuint (ks_sweep_runner_get_generation (runner), ==, 5);
  g_assert_true (ks_test_wait_until (runner_idle, runner, TIMEOUT));

  g_assert_cmpuint (outputs->len, ==, 1);
  g_assert_cmpuint (g_array_index (outputs, guint, 0), ==, 5);
  g_assert_cmpint (census.started, ==, 2);
  g_assert_cmpint (census.cancelled, ==, 1);
  g_assert_cmpint (census.most_running, ==, 1);
  g_assert_cmpfloat (ks_sweep_runner_get_fraction (runner), ==, 1.0);
  g_assert_null (message);

  ks_sweep_runner_run (runner, failing_job, NULL, NULL, g_free);
  g_assert_true (ks_test_wait_until (runner_idle, runner, TIMEOUT));
  g_assert_cmpstr (message, ==, "no such network");
  g_assert_cmpuint (outputs->len, ==, 1);

  /* Cancelled outright: nothing reported at all. */
  ks_sweep_runner_run (runner, slow_job, job_new (&census, 6), g_free, g_free);
  ks_sweep_runner_cancel (runner);
  g_assert_true (ks_test_wait_until (runner_idle, runner, TIMEOUT));
  g_assert_cmpuint (outputs->len, ==, 1);
  g_assert_cmpint (census.most_running, ==, 1);
}

/* ---- in the window ---- */

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
runner_busy (gpointer user_data)
{
  return ks_sweep_runner_get_busy (user_data);
}

static gboolean
area_current (gpointer user_data)
{
  return ks_figure_area_is_current (user_data);
}

typedef struct
{
  guint     n_finished;
  GPtrArray *sources;   /* the area's source at each drawing put on screen */
} Watch;

static void
count_finished (Watch *watch)
{
  watch->n_finished++;
}

static void
record_source (KsFigureArea *area,
               Watch        *watch)
{
  g_ptr_array_add (watch->sources, ks_figure_area_get_drawn_source (area));
}

typedef void (*ChangeFunc) (KsDocument *document);

static void
change_seed (KsDocument *document)
{
  ks_document_set_seed (document, 7);
}

static void
change_points (KsDocument *document)
{
  ks_document_set_n_points (document, 30);
}

/* A tab's computation superseded while it runs: the change (made through the document,
 * as the sidebar's controls make it) cancels it, the tab computes for the new settings,
 * and what appears is that second computation's figure only: the runner reports one
 * output, the figure is drawn from one source, and the key of what is shown carries the
 * new setting (the seed or the number of points, last in each tab's key). */
static void
check_superseded (const char *tab,
                  const char *id,
                  ChangeFunc  change,
                  const char *key_suffix)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (ks_test_window_new ());
  KsSweepView *view = KS_SWEEP_VIEW (find_by_id (GTK_WIDGET (window), id));
  KsSweepRunner *runner = ks_sweep_view_get_runner (view);
  KsFigureArea *area = ks_sweep_view_get_area (view);
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  Watch watch = { 0, sources };
  guint64 generation;

  g_assert_nonnull (view);
  g_assert_true (ks_test_wait_for_result (window, TIMEOUT));
  g_signal_connect_swapped (runner, "finished", G_CALLBACK (count_finished), &watch);
  g_signal_connect (area, "drawn", G_CALLBACK (record_source), &watch);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (find_by_id (GTK_WIDGET (window), "view_stack")), tab);
  g_assert_true (ks_test_wait_until (runner_busy, runner, TIMEOUT));
  generation = ks_sweep_runner_get_generation (runner);
  g_assert_cmpstr (ks_sweep_view_get_page (view), ==, "computing");

  change (ks_window_get_document (window));
  g_assert_true (ks_test_wait_until (runner_idle, runner, TIMEOUT));
  g_assert_true (ks_test_wait_until (area_current, area, TIMEOUT));
  g_test_message ("%s: shown %s", tab, ks_sweep_view_get_shown_key (view));

  g_assert_cmpuint (ks_sweep_runner_get_generation (runner), ==, generation + 1);
  g_assert_cmpuint (watch.n_finished, ==, 1);
  g_assert_cmpuint (sources->len, >=, 1);
  for (guint i = 0; i < sources->len; i++)
    g_assert_true (g_ptr_array_index (sources, i) == ks_figure_area_get_source (area));
  g_assert_true (g_str_has_suffix (ks_sweep_view_get_shown_key (view), key_suffix));
  g_assert_cmpstr (ks_sweep_view_get_page (view), ==, "figure");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_spread_superseded (void)
{
  check_superseded ("spread", "spread_view", change_seed, "|7");
}

static void
test_evidence_superseded (void)
{
  check_superseded ("evidence", "evidence_view", change_points, "|30|1");
}

static void
test_predictions_superseded (void)
{
  check_superseded ("predictions", "predictions_view", change_points, "|30|1");
}

int
main (int   argc,
      char *argv[])
{
  ks_test_init (&argc, &argv);

  g_test_add_func ("/sweeps/runner-newest-wins", test_runner_newest_wins);
  g_test_add_func ("/sweeps/spread-superseded", test_spread_superseded);
  g_test_add_func ("/sweeps/evidence-superseded", test_evidence_superseded);
  g_test_add_func ("/sweeps/predictions-superseded", test_predictions_superseded);
  return g_test_run ();
}
