/* test-window.c: the real window, driven through its controls under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test builds the window as the program does, changes settings through the same
 * widgets and actions a person uses (spin buttons, the Cancel action, the data file
 * entry point), and checks what the window then holds and shows. Screenshots go to
 * $KS_SCREENSHOT_DIR for a person to look at.
 */
#include <stdio.h>
#include <time.h>

#include <glib/gstdio.h>

#include "app-test-util.h"
#include "ks-data-group.h"
#include "ks-preferences-window.h"
#include "ks-result-summary.h"
#include "ks-settings.h"

/* The default experiment takes under a second on one core; the generous limit is for a
 * machine shared with compilers. */
#define RESULT_TIMEOUT 60.0

/* A descendant of root built from a template or .ui file with this id. */
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

static GtkWidget *
require_by_id (KsWindow   *window,
               const char *id)
{
  GtkWidget *widget = find_by_id (GTK_WIDGET (window), id);

  g_assert_nonnull (widget);
  return widget;
}

static KsWindow *
window_with_first_result (void)
{
  KsWindow *window = ks_test_window_new ();

  g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
  ks_test_run_for (0.1);
  return window;
}

/* The default document's first result appears on its own: the infinite-width, sample and
 * CKA tables of every layer of the bottleneck network, on 200 digits; the Kernels view
 * shows that very result. */
static void
test_first_result (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (ks_test_window_new ());
  KsResult *result;

  g_assert_cmpstr (ks_window_get_content_state (window), ==, "loading");
  g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
  result = ks_test_current_result (window);
  g_assert_true (ks_result_is_complete (result));
  g_assert_cmpuint (ks_result_get_n_layers (result), ==, 7);
  g_assert_cmpuint (ks_result_get_input_kernel (result)->size1, ==, 200);
  g_assert_nonnull (ks_result_get_kernel (result, KS_KERNEL_NNGP, 6));
  g_assert_nonnull (ks_result_get_kernel (result, KS_KERNEL_SAMPLE_MEAN, 6));
  g_assert_nonnull (ks_result_get_cka_to_output (result, KS_KERNEL_NNGP));
  g_assert_cmpstr (ks_window_get_content_state (window), ==, "views");
  g_assert_true (ks_result_summary_get_result (KS_RESULT_SUMMARY (require_by_id (window, "result_summary"))) == result);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "digits, ReLU with a bottleneck – Kernelscope");

  ks_test_run_for (0.3);
  ks_test_save_screenshot (GTK_WIDGET (window), "first-result");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Typing a new P into the Points spin button brings a result whose kernels are P x P. */
static void
test_points_change (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_first_result ());
  GtkSpinButton *points = GTK_SPIN_BUTTON (require_by_id (window, "points_spin"));
  guint64 generation = ks_job_controller_get_generation (ks_window_get_controller (window));
  KsResult *result;

  gtk_spin_button_set_value (points, 120);
  g_assert_cmpuint (ks_document_get_n_points (ks_window_get_document (window)), ==, 120);
  g_assert_true (ks_test_wait_for_submission (window, generation + 1, RESULT_TIMEOUT));
  g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));

  result = ks_test_current_result (window);
  g_assert_cmpuint (ks_result_get_input_kernel (result)->size1, ==, 120);
  g_assert_cmpuint (ks_result_get_kernel (result, KS_KERNEL_NNGP, 0)->size1, ==, 120);
  g_assert_cmpint (ks_test_result_experiment_int (result, "points"), ==, 120);
  ks_test_run_for (0.2);
  ks_test_save_screenshot (GTK_WIDGET (window), "points-120");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_result_changes (guint *n)
{
  (*n)++;
}

static gboolean
has_result_changes (gpointer user_data)
{
  return *(guint *) user_data > 0;
}

static gboolean
not_busy (gpointer user_data)
{
  return !ks_job_controller_get_busy (ks_window_get_controller (user_data));
}

/* The Cancel button's action, pressed while a large experiment runs, stops it; the result
 * on screen stays the very same object, the views keep showing it, and nothing else
 * arrives afterwards. Pressed at once, what stays is the previous complete result;
 * pressed after the new job has shown a partial result, it is that partial result. */
static void
test_cancel_keeps_result (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_first_result ());
  KsJobController *controller = ks_window_get_controller (window);
  KsDocument *document = ks_window_get_document (window);
  GtkWidget *summary = require_by_id (window, "result_summary");
  guint64 generation = ks_job_controller_get_generation (controller);
  KsResult *shown = ks_test_current_result (window);
  guint n_changes = 0;

  g_signal_connect_swapped (controller, "result-changed", G_CALLBACK (count_result_changes), &n_changes);

  ks_document_set_n_points (document, 1500);
  ks_document_set_n_samples (document, 128);
  g_assert_true (ks_test_wait_for_submission (window, generation + 1, RESULT_TIMEOUT));
  g_assert_true (ks_job_controller_get_busy (controller));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-job", NULL));
  g_assert_true (ks_test_wait_until (not_busy, window, RESULT_TIMEOUT));
  ks_test_run_for (0.3);
  g_assert_true (ks_test_current_result (window) == shown);
  g_assert_true (ks_result_is_complete (shown));
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_cmpuint (ks_job_controller_get_generation (controller), ==, generation + 1);
  g_assert_cmpstr (ks_window_get_content_state (window), ==, "views");
  g_assert_true (ks_result_summary_get_result (KS_RESULT_SUMMARY (summary)) == shown);

  /* Again, once the new job has shown its infinite-width kernels. */
  ks_document_set_seed (document, 2);
  g_assert_true (ks_test_wait_for_submission (window, generation + 2, RESULT_TIMEOUT));
  g_assert_true (ks_test_wait_until (has_result_changes, &n_changes, RESULT_TIMEOUT));
  ks_test_save_screenshot (GTK_WIDGET (window), "busy");
  g_assert_true (ks_job_controller_get_busy (controller));
  shown = ks_test_current_result (window);
  g_assert_false (ks_result_is_complete (shown));
  n_changes = 0;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-job", NULL));
  g_assert_true (ks_test_wait_until (not_busy, window, RESULT_TIMEOUT));
  ks_test_run_for (0.3);
  g_assert_true (ks_test_current_result (window) == shown);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_true (ks_result_summary_get_result (KS_RESULT_SUMMARY (summary)) == shown);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* 200 seeds typed in quick succession, each handed to the controller as its own request:
 * the result on screen in the end is the last seed's, and the process holds no more
 * threads than before the burst beyond GLib's small pool of idle workers.
 *
 * GLib's GTask pool keeps up to 2 finished worker threads waiting for new tasks (the
 * default of g_thread_pool_set_max_unused_threads), and the controller and a data load
 * can each be running one: THREAD_SLACK = 4. Comparing after 50 and after 200 changes
 * shows the count does not grow with the number of requests. */
#define THREAD_SLACK 4

static void
test_rapid_changes (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_first_result ());
  KsJobController *controller = ks_window_get_controller (window);
  GtkSpinButton *seed = GTK_SPIN_BUTTON (require_by_id (window, "seed_spin"));
  guint initial = ks_test_count_threads (), after_50 = 0, after_200;
  guint64 generation = ks_job_controller_get_generation (controller);

  for (guint i = 1; i <= 200; i++)
    {
      gtk_spin_button_set_value (seed, 1000 + i);
      g_assert_true (ks_test_wait_for_submission (window, generation + i, RESULT_TIMEOUT));
      if (i == 50)
        {
          g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
          after_50 = ks_test_count_threads ();
        }
    }
  g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
  after_200 = ks_test_count_threads ();
  g_test_message ("threads: %u before, %u after 50 changes, %u after 200", initial, after_50, after_200);

  g_assert_cmpint (ks_test_result_experiment_int (ks_test_current_result (window), "seed"), ==, 1200);
  g_assert_cmpuint (ks_job_controller_get_generation (controller), ==, generation + 200);
  g_assert_cmpuint (after_200, <=, initial + THREAD_SLACK);
  g_assert_cmpuint (after_200, <=, after_50 + THREAD_SLACK / 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
data_error_shown (gpointer user_data)
{
  return ks_data_group_get_error (user_data) != NULL;
}

/* A malformed CSV opened through the Data group's entry point shows an error naming the
 * file under the group, keeps the data as they were, and leaves the window working: the
 * next change still brings its result. */
static void
test_malformed_csv (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_first_result ());
  KsDocument *document = ks_window_get_document (window);
  KsDataGroup *data_group = KS_DATA_GROUP (require_by_id (window, "data_group"));
  g_autofree char *folder = g_dir_make_tmp ("kernelscope-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "malformed.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KsDataset *before = ks_document_get_dataset (document);
  guint64 generation;

  g_assert_true (g_file_set_contents (path, "0.5,1.5,0\n0.25,not-a-number,1\n", -1, NULL));
  ks_data_group_open_file (data_group, file);
  g_assert_true (ks_test_wait_until (data_error_shown, data_group, RESULT_TIMEOUT));
  g_test_message ("shown: %s", ks_data_group_get_error (data_group));
  g_assert_nonnull (strstr (ks_data_group_get_error (data_group), "malformed.csv"));
  g_assert_true (gtk_widget_get_visible (require_by_id (window, "error_label")));
  g_assert_cmpstr (ks_document_get_data_source (document), ==, "digits");
  g_assert_true (ks_document_get_dataset (document) == before);
  g_assert_cmpstr (ks_window_get_content_state (window), ==, "views");
  ks_test_run_for (0.2);
  ks_test_save_screenshot (require_by_id (window, "sidebar"), "malformed-csv-sidebar");

  generation = ks_job_controller_get_generation (ks_window_get_controller (window));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (require_by_id (window, "seed_spin")), 42);
  g_assert_true (ks_test_wait_for_submission (window, generation + 1, RESULT_TIMEOUT));
  g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
  g_assert_cmpint (ks_test_result_experiment_int (ks_test_current_result (window), "seed"), ==, 42);

  g_unlink (path);
  g_rmdir (folder);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
content_is (KsWindow   *window,
            const char *state)
{
  return g_strcmp0 (ks_window_get_content_state (window), state) == 0;
}

static gboolean
content_is_error (gpointer user_data)
{
  return content_is (user_data, "error");
}

/* Hamiltonian Monte Carlo samples finite networks only: choosing it for the default
 * network, which has infinite layers, is refused by the core. The content area then says
 * why and which control to change, the sidebar stays usable, and going back to the deep
 * kernel machine brings a result again. */
static void
test_error_state (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_first_result ());
  AdwComboRow *posterior = ADW_COMBO_ROW (require_by_id (window, "posterior_row"));
  AdwStatusPage *error_page = ADW_STATUS_PAGE (require_by_id (window, "error_page"));
  guint64 generation = ks_job_controller_get_generation (ks_window_get_controller (window));

  adw_combo_row_set_selected (posterior, 1);
  g_assert_cmpint (ks_document_get_posterior_method (ks_window_get_document (window)), ==, KS_POSTERIOR_HMC);
  g_assert_true (ks_test_wait_until (content_is_error, window, RESULT_TIMEOUT));
  g_test_message ("error page: %s", adw_status_page_get_description (error_page));
  g_assert_nonnull (strstr (adw_status_page_get_description (error_page), "group"));
  ks_test_save_screenshot (GTK_WIDGET (window), "error-state");

  adw_combo_row_set_selected (posterior, 0);
  g_assert_true (ks_test_wait_for_submission (window, generation + 2, RESULT_TIMEOUT));
  g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
  g_assert_true (content_is (window, "views"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The main thread's longest pause while a large job runs, seen two ways: gaps between
 * frame-clock ticks, and how late 10 ms timeouts fire. */
typedef struct
{
  KsJobController *controller;
  gint64           last_tick;
  gint64           last_tick_cpu;
  gint64           last_tick_wait;
  gint64           max_tick_gap;
  gint64           max_tick_cpu;
  gint64           max_tick_wait;  /* during the longest gap */
  guint            n_ticks;
  gint64           next_timeout;
  gint64           max_lateness;
  gboolean         measuring;
} FrameWatch;

/* Microseconds of processor time the calling (main) thread has used. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  g_assert_cmpint (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts), ==, 0);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Microseconds the calling thread has spent runnable but waiting for a processor (the
 * second field of schedstat), or 0 where the kernel does not say. */
static gint64
thread_wait_time (void)
{
  g_autofree char *text = NULL;
  guint64 on_cpu = 0, waiting = 0;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL)
      || sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &on_cpu, &waiting) != 2)
    return 0;
  return (gint64) (waiting / 1000);
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  FrameWatch *watch = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_time ();
  gint64 wait = thread_wait_time ();

  if (watch->measuring && watch->last_tick != 0)
    {
      if (now - watch->last_tick > watch->max_tick_gap)
        {
          watch->max_tick_gap = now - watch->last_tick;
          watch->max_tick_wait = wait - watch->last_tick_wait;
        }
      watch->max_tick_cpu = MAX (watch->max_tick_cpu, cpu - watch->last_tick_cpu);
      watch->n_ticks++;
    }
  watch->last_tick = now;
  watch->last_tick_cpu = cpu;
  watch->last_tick_wait = wait;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  FrameWatch *watch = user_data;
  gint64 now = g_get_monotonic_time ();

  if (watch->measuring && watch->next_timeout != 0)
    watch->max_lateness = MAX (watch->max_lateness, now - watch->next_timeout);
  watch->next_timeout = now + 10000;
  return G_SOURCE_CONTINUE;
}

static gboolean
job_done (gpointer user_data)
{
  return !ks_job_controller_get_busy (((FrameWatch *) user_data)->controller);
}

/* The requirement: while a job runs, no frame takes longer than 50 ms on the main
 * thread. The job (500 points, 10 layers and the readout, 16 finite networks) runs for
 * seconds and sends partial results that the Kernels view redraws. Two limits: the main
 * thread's own processor time between two frames (what our code spends), and the wall-clock
 * gap between frames, which also counts time slices taken by other processes: the GUI tests
 * are not run in parallel with other tests for this reason. */
static void
test_frame_times (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_first_result ());
  KsDocument *document = ks_window_get_document (window);
  g_autoptr(KsStack) stack =
    ks_stack_parse ("dense:inf:wv=2,relu,dense:64:wv=2,relu,dense:64:wv=2,relu,"
                    "dense:64:wv=2,relu,dense:inf:wv=2,relu,readout:10:noise=0.1", NULL);
  FrameWatch watch = { .controller = ks_window_get_controller (window) };
  guint tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), on_tick, &watch, NULL);
  guint timeout_id = g_timeout_add (10, on_timeout, &watch);
  guint64 generation = ks_job_controller_get_generation (watch.controller);
  gint64 start, seconds_us;

  ks_test_run_for (0.2);
  ks_document_set_stack (document, stack);
  ks_document_set_n_points (document, 500);
  ks_document_set_n_samples (document, 16);
  g_assert_true (ks_test_wait_for_submission (window, generation + 1, RESULT_TIMEOUT));
  watch.measuring = TRUE;
  start = g_get_monotonic_time ();
  g_assert_true (ks_test_wait_until (job_done, &watch, RESULT_TIMEOUT));
  seconds_us = g_get_monotonic_time () - start;
  watch.measuring = FALSE;

  g_test_message ("job %.2f s, %u frames; longest gap between frames %.1f ms, of which the main "
                  "thread waited %.1f ms for a processor; most main-thread work between two frames "
                  "%.1f ms; latest 10 ms timeout %.1f ms late", seconds_us / 1e6, watch.n_ticks,
                  watch.max_tick_gap / 1e3, watch.max_tick_wait / 1e3, watch.max_tick_cpu / 1e3,
                  watch.max_lateness / 1e3);
  g_assert_cmpuint (ks_result_get_n_layers (ks_test_current_result (window)), ==, 11);
  /* Long enough for the measurement to mean something. */
  g_assert_cmpint (seconds_us, >, 300000);
  g_assert_cmpuint (watch.n_ticks, >, 10);
  g_assert_cmpint (watch.max_tick_cpu, <, 50000);
  g_assert_cmpint (watch.max_tick_gap, <, 50000);
  g_assert_cmpint (watch.max_lateness, <, 50000);

  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);
  g_source_remove (timeout_id);
  ks_test_save_screenshot (GTK_WIDGET (window), "ten-layers");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
file_exists (gpointer user_data)
{
  return g_file_test (user_data, G_FILE_TEST_IS_REGULAR);
}

static guint
count_lines (const char *path)
{
  g_autofree char *text = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  for (const char *c = text; *c != '\0'; c++)
    n += *c == '\n';
  return n;
}

typedef struct
{
  KsDocument *document;
  guint64     seed;
} SeedWait;

static gboolean
seed_is (gpointer user_data)
{
  SeedWait *wait = user_data;
  return ks_document_get_seed (wait->document) == wait->seed;
}

static gboolean
wait_until_seed (KsDocument *document,
                         guint64     seed)
{
  SeedWait wait = { document, seed };
  return ks_test_wait_until (seed_is, &wait, RESULT_TIMEOUT);
}

/* Save writes the experiment; Open brings its settings back after they were changed;
 * Export writes the kernels on screen as CSV, one P x P matrix per kind and layer. The
 * file operations run off the main thread, so the test waits for the files. */
static void
test_save_open_export (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_first_result ());
  KsDocument *document = ks_window_get_document (window);
  g_autofree char *folder = g_dir_make_tmp ("kernelscope-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "bottleneck.json", NULL);
  g_autofree char *export_path = g_build_filename (folder, "kernels", NULL);
  g_autofree char *nngp_path = g_build_filename (export_path, "nngp-3.csv", NULL);
  g_autofree char *summary_path = g_build_filename (export_path, "summary.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) export_folder = g_file_new_for_path (export_path);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  ks_document_set_seed (document, 77);
  g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
  ks_window_save_file (window, file);
  g_assert_true (ks_test_wait_until (file_exists, path, RESULT_TIMEOUT));
  ks_test_run_for (0.2);
  g_assert_true (g_file_equal (ks_document_get_file (document), file));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "digits"));

  ks_document_set_seed (document, 5);
  ks_window_open_file (window, file);
  g_assert_true (wait_until_seed (document, 77));

  ks_window_export_kernels (window, export_folder);
  g_assert_true (ks_test_wait_until (file_exists, summary_path, RESULT_TIMEOUT));
  g_assert_cmpuint (count_lines (nngp_path), ==, 200);
  dir = g_dir_open (export_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (export_path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (export_path);
  g_unlink (path);
  g_rmdir (folder);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Closing the window stores its size, and the next window opens at that size. */
static void
test_remembers_size (void)
{
  g_autoptr(GSettings) settings = ks_settings_new ();
  KsWindow *first = ks_test_window_new ();
  g_autoptr(KsWindow) second = NULL;
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (first), 1100, 760);
  ks_test_run_for (0.3);
  gtk_window_close (GTK_WINDOW (first));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1100);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 760);
  g_assert_true (g_settings_get_boolean (settings, "sidebar-visible"));

  second = g_object_ref_sink (ks_window_new (NULL));
  gtk_window_get_default_size (GTK_WINDOW (second), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 760);
  gtk_window_destroy (GTK_WINDOW (second));
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static gboolean
flap_folded (gpointer user_data)
{
  return adw_flap_get_folded (ADW_FLAP (user_data));
}

/* On a narrow screen the sidebar folds away over the content, the button to show it
 * appears in the content's header, and the tabs move to a bar at the bottom. */
static void
test_narrow (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_first_result ());
  AdwFlap *flap = ADW_FLAP (require_by_id (window, "flap"));

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  g_assert_true (ks_test_wait_until (flap_folded, flap, RESULT_TIMEOUT));
  ks_test_run_for (0.5);
  g_assert_false (adw_flap_get_reveal_flap (flap));
  g_assert_true (gtk_widget_get_visible (require_by_id (window, "show_sidebar_button")));
  g_assert_true (adw_view_switcher_title_get_title_visible (ADW_VIEW_SWITCHER_TITLE (require_by_id (window, "switcher_title"))));
  ks_test_save_screenshot (GTK_WIDGET (window), "narrow");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-sidebar", NULL));
  ks_test_run_for (0.5);
  g_assert_true (adw_flap_get_reveal_flap (flap));
  ks_test_save_screenshot (GTK_WIDGET (window), "narrow-sidebar");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The preferences window and the shortcuts window build from their resources (a broken
 * .ui file fails here with a fatal warning) and show the current settings. */
static void
test_dialogs (void)
{
  g_autoptr(GSettings) settings = ks_settings_new ();
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/kernelscope/Kernelscope/gtk/help-overlay.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  GtkWidget *preferences;

  g_settings_set_string (settings, "style", "dark");
  preferences = ks_preferences_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (preferences));
  ks_test_run_for (0.3);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (find_by_id (preferences, "style_row"))), ==, 2);
  ks_test_save_screenshot (preferences, "preferences");
  gtk_window_destroy (GTK_WINDOW (preferences));

  g_assert_nonnull (shortcuts);
  gtk_window_present (shortcuts);
  ks_test_run_for (0.3);
  ks_test_save_screenshot (GTK_WIDGET (shortcuts), "shortcuts");
  gtk_window_destroy (shortcuts);
  g_settings_reset (settings, "style");
}

int
main (int   argc,
      char *argv[])
{
  ks_test_init (&argc, &argv);

  g_test_add_func ("/window/first-result", test_first_result);
  g_test_add_func ("/window/points-change", test_points_change);
  g_test_add_func ("/window/cancel-keeps-result", test_cancel_keeps_result);
  g_test_add_func ("/window/rapid-changes", test_rapid_changes);
  g_test_add_func ("/window/malformed-csv", test_malformed_csv);
  g_test_add_func ("/window/error-state", test_error_state);
  g_test_add_func ("/window/frame-times", test_frame_times);
  g_test_add_func ("/window/save-open-export", test_save_open_export);
  g_test_add_func ("/window/remembers-size", test_remembers_size);
  g_test_add_func ("/window/narrow", test_narrow);
  g_test_add_func ("/window/dialogs", test_dialogs);
  return g_test_run ();
}
