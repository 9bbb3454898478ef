/* test-job-controller.c: experiments run off the main thread, newest request first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The controller's promises: a result arrives for a submitted experiment; a result or
 * partial result of a superseded job never reaches "result"; cancelling leaves "result"
 * exactly as it was; a failure is reported with the core's error and leaves it too.
 */
#include "app-test-util.h"
#include "ks-error.h"
#include "ks-job-controller.h"

/* A small experiment finishes in well under a second; 60 s allows a loaded machine. */
#define RESULT_TIMEOUT 60.0

typedef struct
{
  KsJobController *controller;
  guint            n_results;
  guint            n_failed;
  GError          *error;
  /* Every P seen in "result", to prove no stale job got through. */
  GArray          *sizes;
} Watch;

static void
on_result_changed (KsJobController *controller,
                   Watch           *watch)
{
  KsResult *result = ks_job_controller_get_result (controller);
  guint size = ks_result_get_input_kernel (result)->size1;

  watch->n_results++;
  g_array_append_val (watch->sizes, size);
}

static void
on_failed (KsJobController *controller,
           const GError    *error,
           Watch           *watch)
{
  watch->n_failed++;
  g_clear_error (&watch->error);
  watch->error = g_error_copy (error);
}

static void
watch_init (Watch *watch)
{
  *watch = (Watch) { 0 };
  watch->controller = ks_job_controller_new ();
  watch->sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (watch->controller, "result-changed", G_CALLBACK (on_result_changed), watch);
  g_signal_connect (watch->controller, "failed", G_CALLBACK (on_failed), watch);
}

static void
watch_clear (Watch *watch)
{
  g_clear_object (&watch->controller);
  g_clear_error (&watch->error);
  g_array_unref (watch->sizes);
}

static gboolean
idle (gpointer user_data)
{
  return !ks_job_controller_get_busy (((Watch *) user_data)->controller);
}

static gboolean
has_result (gpointer user_data)
{
  return ((Watch *) user_data)->n_results > 0;
}

static KsExperiment *
experiment_new (guint   n_points,
                guint   n_samples,
                guint64 seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDataset) digits = ks_dataset_load_bundled ("digits", &error);
  g_autoptr(KsStack) stack =
    ks_stack_parse ("dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf:wv=2,relu,readout:10:noise=0.1", &error);
  KsExperiment *experiment;

  g_assert_no_error (error);
  experiment = ks_experiment_new (stack, digits);
  ks_experiment_set_n_points (experiment, n_points);
  ks_experiment_set_n_samples (experiment, n_samples);
  ks_experiment_set_seed (experiment, seed);
  return experiment;
}

/* A submitted experiment comes back complete, with the sizes asked for. */
static void
test_result (void)
{
  Watch watch;
  g_autoptr(KsExperiment) experiment = experiment_new (60, 4, 1);
  KsResult *result;

  watch_init (&watch);
  ks_job_controller_submit (watch.controller, experiment);
  g_assert_true (ks_job_controller_get_busy (watch.controller));
  g_assert_cmpuint (ks_job_controller_get_generation (watch.controller), ==, 1);
  g_assert_true (ks_test_wait_until (idle, &watch, RESULT_TIMEOUT));

  result = ks_job_controller_get_result (watch.controller);
  g_assert_nonnull (result);
  g_assert_true (ks_result_is_complete (result));
  g_assert_cmpuint (ks_result_get_input_kernel (result)->size1, ==, 60);
  g_assert_cmpuint (ks_result_get_n_samples_done (result), ==, 4);
  g_assert_cmpuint (watch.n_failed, ==, 0);
  g_assert_null (ks_job_controller_get_stage (watch.controller));
  watch_clear (&watch);
}

/* A slow job superseded at once never shows anything: every result seen is the new one's.
 * The main loop does not run between the two submissions, so whatever the slow job
 * reported in the meantime is still queued and must be dropped on arrival. */
static void
test_stale_dropped (void)
{
  Watch watch;
  g_autoptr(KsExperiment) slow = experiment_new (900, 64, 1);
  g_autoptr(KsExperiment) fast = experiment_new (50, 4, 2);

  watch_init (&watch);
  ks_job_controller_submit (watch.controller, slow);
  g_usleep (100 * 1000);
  ks_job_controller_submit (watch.controller, fast);
  g_assert_true (ks_test_wait_until (idle, &watch, RESULT_TIMEOUT));

  g_assert_cmpuint (watch.sizes->len, >, 0);
  for (guint i = 0; i < watch.sizes->len; i++)
    g_assert_cmpuint (g_array_index (watch.sizes, guint, i), ==, 50);
  g_assert_cmpuint (ks_job_controller_get_generation (watch.controller), ==, 2);
  g_assert_cmpint (ks_test_result_experiment_int (ks_job_controller_get_result (watch.controller), "seed"), ==, 2);
  watch_clear (&watch);
}

/* Cancelling right after a submission: the previous complete result stays, unchanged,
 * and nothing else arrives. Cancelling is not a failure. */
static void
test_cancel_keeps_previous (void)
{
  Watch watch;
  g_autoptr(KsExperiment) first = experiment_new (60, 4, 1);
  g_autoptr(KsExperiment) slow = experiment_new (900, 64, 1);
  KsResult *previous;
  guint n_results;

  watch_init (&watch);
  ks_job_controller_submit (watch.controller, first);
  g_assert_true (ks_test_wait_until (idle, &watch, RESULT_TIMEOUT));
  previous = ks_job_controller_get_result (watch.controller);
  n_results = watch.n_results;

  ks_job_controller_submit (watch.controller, slow);
  ks_test_run_for (0.02);
  ks_job_controller_cancel (watch.controller);
  g_assert_true (ks_test_wait_until (idle, &watch, RESULT_TIMEOUT));
  ks_test_run_for (0.2);

  g_assert_true (ks_job_controller_get_result (watch.controller) == previous);
  g_assert_cmpuint (watch.n_results, ==, n_results);
  g_assert_cmpuint (watch.n_failed, ==, 0);
  watch_clear (&watch);
}

/* Cancelling after the new job has shown a partial result keeps that partial result: what
 * is on screen does not change when the person presses Cancel. */
static void
test_cancel_after_partial (void)
{
  Watch watch;
  g_autoptr(KsExperiment) slow = experiment_new (900, 64, 1);
  KsResult *shown;
  guint n_results;

  watch_init (&watch);
  ks_job_controller_submit (watch.controller, slow);
  g_assert_true (ks_test_wait_until (has_result, &watch, RESULT_TIMEOUT));
  shown = ks_job_controller_get_result (watch.controller);
  g_assert_false (ks_result_is_complete (shown));
  ks_job_controller_cancel (watch.controller);
  n_results = watch.n_results;
  g_assert_true (ks_test_wait_until (idle, &watch, RESULT_TIMEOUT));
  ks_test_run_for (0.2);

  g_assert_true (ks_job_controller_get_result (watch.controller) == shown);
  g_assert_cmpuint (watch.n_results, ==, n_results);
  g_assert_cmpuint (watch.n_failed, ==, 0);
  watch_clear (&watch);
}

/* An experiment the core refuses is reported through "failed" with the core's error, and
 * the previous result stays. */
static void
test_failure_reported (void)
{
  Watch watch;
  g_autoptr(KsExperiment) first = experiment_new (60, 4, 1);
  g_autoptr(KsExperiment) refused = experiment_new (60, 4, 1);
  KsResult *previous;

  /* tau <= 0 with RBF CKA is refused by validation before any work. */
  ks_experiment_set_cka (refused, KS_CKA_RBF, -1.0);
  watch_init (&watch);
  ks_job_controller_submit (watch.controller, first);
  g_assert_true (ks_test_wait_until (idle, &watch, RESULT_TIMEOUT));
  previous = ks_job_controller_get_result (watch.controller);

  ks_job_controller_submit (watch.controller, refused);
  g_assert_true (ks_test_wait_until (idle, &watch, RESULT_TIMEOUT));
  g_assert_cmpuint (watch.n_failed, ==, 1);
  g_assert_error (watch.error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (watch.error->message, "tau"));
  g_assert_true (ks_job_controller_get_result (watch.controller) == previous);
  watch_clear (&watch);
}

int
main (int   argc,
      char *argv[])
{
  ks_test_init (&argc, &argv);

  g_test_add_func ("/job-controller/result", test_result);
  g_test_add_func ("/job-controller/stale-dropped", test_stale_dropped);
  g_test_add_func ("/job-controller/cancel-keeps-previous", test_cancel_keeps_previous);
  g_test_add_func ("/job-controller/cancel-after-partial", test_cancel_after_partial);
  g_test_add_func ("/job-controller/failure-reported", test_failure_reported);
  return g_test_run ();
}
