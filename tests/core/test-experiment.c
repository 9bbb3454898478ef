/* test-experiment.c: the single entry point, end to end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "ks-error.h"
#include "ks-experiment.h"
#include "ks-linalg.h"
#include "ks-nngp.h"

#define BOTTLENECK "dense:inf:wv=2,relu,dense:32:wv=2,relu,dense:inf:wv=2,relu,readout:10:noise=0.1"

static KsExperiment *
digits_experiment (const char *spec,
                   guint       n_points,
                   guint       n_samples)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStack) stack = ks_stack_parse (spec, &error);
  g_autoptr(KsDataset) digits = ks_dataset_load_bundled ("digits", &error);
  KsExperiment *experiment;

  g_assert_no_error (error);
  experiment = ks_experiment_new (stack, digits);
  ks_experiment_set_n_points (experiment, n_points);
  ks_experiment_set_n_samples (experiment, n_samples);
  ks_experiment_set_seed (experiment, 3);
  return experiment;
}

static gboolean
matrices_identical (const gsl_matrix *a, const gsl_matrix *b)
{
  return a->size1 == b->size1 && a->size2 == b->size2 &&
         memcmp (a->data, b->data, a->size1 * a->size2 * sizeof (double)) == 0;
}

/* Everything the result promises is there, and equals the parts computed on their own. */
static void
test_run_complete (void)
{
  g_autoptr(KsExperiment) experiment = digits_experiment (BOTTLENECK, 60, 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsResult) result = ks_experiment_run (experiment, NULL, NULL, NULL, &error);
  g_autofree gsl_matrix **nngp = NULL;
  KsDataset *data;
  const gsl_matrix *yyt, *cka;
  guint n_layers;

  g_assert_no_error (error);
  g_assert_true (ks_result_is_complete (result));
  n_layers = ks_result_get_n_layers (result);
  g_assert_cmpuint (n_layers, ==, 7);
  data = ks_result_get_dataset (result);
  g_assert_cmpuint (ks_dataset_get_n_points (data), ==, 60);
  g_assert_cmpuint (ks_result_get_n_samples_done (result), ==, 4);

  /* The NNGP is the propagation of the result's own input kernel, bit for bit. */
  nngp = g_new0 (gsl_matrix *, n_layers);
  g_assert_true (ks_nngp_propagate (ks_result_get_stack (result),
                                    ks_result_get_input_kernel (result), nngp, NULL, NULL, &error));
  for (guint i = 0; i < n_layers; i++)
    {
      g_assert_true (matrices_identical (nngp[i], ks_result_get_kernel (result, KS_KERNEL_NNGP, i)));
      g_assert_nonnull (ks_result_get_kernel (result, KS_KERNEL_NTK, i));
      g_assert_nonnull (ks_result_get_kernel (result, KS_KERNEL_SAMPLE_MEAN, i));
      g_assert_nonnull (ks_result_get_kernel (result, KS_KERNEL_SAMPLE_STD, i));
      gsl_matrix_free (nngp[i]);
    }

  /* Labels are one-hot, so Y Y^T is 1 within a class and 0 across; points come sorted. */
  yyt = ks_result_get_output_kernel (result);
  for (guint i = 0; i < 60; i++)
    for (guint j = 0; j < 60; j++)
      {
        const int *labels = ks_dataset_get_labels (data);

        g_assert_cmpfloat (gsl_matrix_get (yyt, i, j), ==, labels[i] == labels[j] ? 1.0 : 0.0);
        if (j == i + 1)
          g_assert_cmpint (labels[i], <=, labels[j]);
      }

  /* The first layers before any finite layer are deterministic: every sample equals the NNGP. */
  g_assert_cmpfloat (ks_matrix_relative_difference (ks_result_get_kernel (result, KS_KERNEL_SAMPLE, 1),
                                                    ks_result_get_kernel (result, KS_KERNEL_NNGP, 1)), <, 1e-12);
  g_assert_cmpfloat (ks_matrix_relative_difference (ks_result_get_kernel (result, KS_KERNEL_SAMPLE, 3),
                                                    ks_result_get_kernel (result, KS_KERNEL_NNGP, 3)), >, 1e-3);

  cka = ks_result_get_cka_matrix (result, KS_KERNEL_SAMPLE);
  g_assert_nonnull (cka);
  for (guint i = 0; i < n_layers; i++)
    {
      g_assert_cmpfloat (fabs (gsl_matrix_get (cka, i, i) - 1.0), <, 1e-12);
      g_assert_cmpfloat (ks_result_get_cka_to_input (result, KS_KERNEL_NNGP)[i], >=, 0.0);
      g_assert_cmpfloat (ks_result_get_cka_to_output (result, KS_KERNEL_NNGP)[i], <=, 1.0 + 1e-12);
    }
  g_assert_cmpfloat (ks_result_get_seconds (result, "nngp"), >=, 0.0);
  g_assert_cmpfloat (ks_result_get_seconds (result, "no such stage"), ==, -1.0);
}

static void
test_summary_json (void)
{
  g_autoptr(KsExperiment) experiment = digits_experiment ("dense:8,relu", 20, 2);
  g_autoptr(KsResult) result = ks_experiment_run (experiment, NULL, NULL, NULL, NULL);
  g_autoptr(JsonNode) node = ks_result_to_summary_json (result);
  g_autofree char *text = json_to_string (node, FALSE);
  JsonObject *root = json_node_get_object (node);
  JsonObject *exp = json_object_get_object_member (root, "experiment");

  g_assert_cmpstr (json_object_get_string_member (exp, "stack"), ==, "dense:8,relu");
  g_assert_cmpint (json_object_get_int_member (exp, "points"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (exp, "samples"), ==, 2);
  g_assert_true (json_object_has_member (root, "max_jitter"));
  g_assert_true (json_object_has_member (json_object_get_object_member (root, "seconds"), "samples"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "layers")), ==, 2);
  g_assert_nonnull (strstr (text, "\"to_output\""));
}

/* The worker count never changes a number. */
static void
test_threads_do_not_matter (void)
{
  g_autoptr(KsExperiment) one = digits_experiment (BOTTLENECK, 40, 5);
  g_autoptr(KsExperiment) many = NULL;
  g_autoptr(KsResult) a = NULL;
  g_autoptr(KsResult) b = NULL;

  ks_experiment_set_n_threads (one, 1);
  many = ks_experiment_copy (one);
  ks_experiment_set_n_threads (many, 3);
  a = ks_experiment_run (one, NULL, NULL, NULL, NULL);
  b = ks_experiment_run (many, NULL, NULL, NULL, NULL);
  for (KsKernelKind kind = 0; kind < KS_N_KERNEL_KINDS; kind++)
    {
      g_assert_cmpint (ks_result_has_kernels (a, kind), ==, ks_result_has_kernels (b, kind));
      if (!ks_result_has_kernels (a, kind))
        continue;
      for (guint i = 0; i < ks_result_get_n_layers (a); i++)
        g_assert_true (matrices_identical (ks_result_get_kernel (a, kind, i),
                                           ks_result_get_kernel (b, kind, i)));
    }
}

typedef struct
{
  double last_fraction;
  guint n_partials;
  guint last_samples;
  gboolean saw_nngp_before_samples;
} ProgressLog;

static void
on_progress (const KsProgress *progress, gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpfloat (progress->fraction, >=, log->last_fraction);
  log->last_fraction = progress->fraction;
  if (progress->partial == NULL)
    return;
  log->n_partials++;
  g_assert_cmpuint (ks_result_get_n_samples_done (progress->partial), >=, log->last_samples);
  log->last_samples = ks_result_get_n_samples_done (progress->partial);
  if (log->last_samples == 0 && ks_result_has_kernels (progress->partial, KS_KERNEL_NNGP))
    log->saw_nngp_before_samples = TRUE;
  g_assert_false (ks_result_is_complete (progress->partial));
}

/* Infinite width first, then partial sample means that refine, fractions never go back. */
static void
test_progress (void)
{
  g_autoptr(KsExperiment) experiment = digits_experiment (BOTTLENECK, 40, 6);
  ProgressLog log = { 0 };
  g_autoptr(KsResult) result = ks_experiment_run (experiment, on_progress, &log, NULL, NULL);

  g_assert_nonnull (result);
  g_assert_cmpfloat (log.last_fraction, ==, 1.0);
  g_assert_true (log.saw_nngp_before_samples);
  g_assert_cmpuint (log.n_partials, >=, 3); /* after the NNGP, after sample 1, after the last */
  g_assert_cmpuint (log.last_samples, ==, 6);
}

typedef struct
{
  GCancellable *cancellable;
  gint64 cancelled_at;
} Canceller;

static gpointer
cancel_later (gpointer data)
{
  Canceller *canceller = data;

  g_usleep (300 * 1000);
  canceller->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (canceller->cancellable);
  return NULL;
}

/* A cancelled run returns G_IO_ERROR_CANCELLED within 100 ms of the cancel (the limit the
 * program promises), whichever stage it was in. */
static void
test_cancel_within_100ms (void)
{
  g_autoptr(KsExperiment) experiment =
    digits_experiment ("dense:2048:wv=2,relu,dense:2048:wv=2,relu,dense:2048:wv=2,relu,"
                       "dense:2048:wv=2,relu", 1000, 64);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Canceller canceller = { cancellable, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KsResult) result = NULL;
  GThread *thread = g_thread_new ("canceller", cancel_later, &canceller);
  gint64 returned;

  result = ks_experiment_run (experiment, NULL, NULL, cancellable, &error);
  returned = g_get_monotonic_time ();
  g_thread_join (thread);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancel honoured after %.1f ms", (returned - canceller.cancelled_at) / 1000.0);
  g_assert_cmpint (returned - canceller.cancelled_at, <, 100 * 1000);
}

static void
test_validation (void)
{
  g_autoptr(KsStack) empty = ks_stack_new ();
  g_autoptr(KsDataset) digits = ks_dataset_load_bundled ("digits", NULL);
  g_autoptr(KsExperiment) experiment = ks_experiment_new (empty, digits);
  g_autoptr(KsStack) deep = NULL;
  g_autoptr(GError) error = NULL;
  GString *spec = g_string_new ("dense:inf");

  g_assert_null (ks_experiment_run (experiment, NULL, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  /* 1797 points and 200 layers would need far more memory than allowed. */
  for (guint i = 0; i < 199; i++)
    g_string_append (spec, ",relu");
  deep = ks_stack_parse (spec->str, NULL);
  ks_experiment_set_stack (experiment, deep);
  ks_experiment_set_n_points (experiment, 0);
  g_assert_false (ks_experiment_validate (experiment, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "1797 points"));
  g_clear_error (&error);

  ks_experiment_set_n_points (experiment, 3);
  ks_experiment_set_cka (experiment, KS_CKA_DEBIASED, 1.0);
  g_assert_false (ks_experiment_validate (experiment, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
  ks_experiment_set_cka (experiment, KS_CKA_RBF, 0.0);
  g_assert_false (ks_experiment_validate (experiment, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_string_free (spec, TRUE);
}

/* Inputs so large that X X^T overflows: an error that says where, never a NaN kernel. */
static void
test_non_finite_is_an_error (void)
{
  double x[4 * 2] = { 1e200, 1e200, -1e200, 3e200, 2e200, 1e200, 5e199, -1e200 };
  int labels[4] = { 0, 0, 1, 1 };
  g_autoptr(KsDataset) huge = ks_dataset_new ("huge", 4, 2, x, labels, 0, NULL);
  g_autoptr(KsStack) stack = ks_stack_parse ("dense:inf,relu", NULL);
  g_autoptr(KsExperiment) experiment = ks_experiment_new (stack, huge);
  g_autoptr(GError) error = NULL;

  ks_experiment_set_standardize (experiment, FALSE);
  g_assert_null (ks_experiment_run (experiment, NULL, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
  g_test_message ("%s", error->message);
}

static double
posterior_iterations (KsResult *result)
{
  JsonObject *diagnostics = json_node_get_object (ks_result_get_posterior_diagnostics (result));

  return json_object_get_int_member (diagnostics, "iterations");
}

/* Labels move the bottleneck's kernel (representation learning) while the layers before
 * the first finite layer stay at the NNGP; a huge width scale gives the NNGP back; and a
 * warm start from a nearby width scale re-converges in fewer iterations. */
static void
test_posterior (void)
{
  g_autoptr(KsExperiment) experiment = digits_experiment (BOTTLENECK, 40, 2);
  g_autoptr(KsExperiment) wide = NULL;
  g_autoptr(KsExperiment) nearby = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsResult) result = NULL;
  g_autoptr(KsResult) rigid = NULL;
  g_autoptr(KsResult) warm = NULL;
  g_autoptr(JsonNode) summary = NULL;
  double moved;

  ks_experiment_set_width_scale (experiment, 0.5);
  result = ks_experiment_run (experiment, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ks_result_has_kernels (result, KS_KERNEL_POSTERIOR));
  g_assert_cmpfloat (ks_matrix_relative_difference (ks_result_get_kernel (result, KS_KERNEL_POSTERIOR, 1),
                                                    ks_result_get_kernel (result, KS_KERNEL_NNGP, 1)), <, 1e-12);
  moved = ks_matrix_relative_difference (ks_result_get_kernel (result, KS_KERNEL_POSTERIOR, 2),
                                         ks_result_get_kernel (result, KS_KERNEL_NNGP, 2));
  g_test_message ("posterior moved the bottleneck's kernel by %.3g (relative)", moved);
  g_assert_cmpfloat (moved, >, 1e-2);
  /* The posterior is closer to the labels than the prior, as CKA to the output says. */
  g_assert_cmpfloat (ks_result_get_cka_to_output (result, KS_KERNEL_POSTERIOR)[4], >,
                     ks_result_get_cka_to_output (result, KS_KERNEL_NNGP)[4]);
  summary = ks_result_to_summary_json (result);
  g_assert_true (json_object_has_member (json_node_get_object (summary), "posterior"));

  wide = ks_experiment_copy (experiment);
  ks_experiment_set_width_scale (wide, 1e9);
  rigid = ks_experiment_run (wide, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ks_result_get_n_layers (rigid); i++)
    g_assert_cmpfloat (ks_matrix_relative_difference (ks_result_get_kernel (rigid, KS_KERNEL_POSTERIOR, i),
                                                      ks_result_get_kernel (rigid, KS_KERNEL_NNGP, i)), <, 1e-6);

  nearby = ks_experiment_copy (experiment);
  ks_experiment_set_width_scale (nearby, 0.55);
  ks_experiment_set_warm_start (nearby, result);
  warm = ks_experiment_run (nearby, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("iterations: cold %.0f, warm after a 10%% change %.0f",
                  posterior_iterations (result), posterior_iterations (warm));
  g_assert_cmpfloat (posterior_iterations (warm), <, posterior_iterations (result));
}

/* Without labels or targets there is nothing to condition on: no posterior, no error. */
static void
test_no_outputs_no_posterior (void)
{
  double x[6 * 2] = { 0.1, 1, 2, 0.3, -1, 0.5, 0.7, -2, 1.5, 1, -0.4, 0.2 };
  g_autoptr(KsDataset) data = ks_dataset_new ("unlabelled", 6, 2, x, NULL, 0, NULL);
  g_autoptr(KsStack) stack = ks_stack_parse ("dense:4,relu", NULL);
  g_autoptr(KsExperiment) experiment = ks_experiment_new (stack, data);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsResult) result = ks_experiment_run (experiment, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_false (ks_result_has_kernels (result, KS_KERNEL_POSTERIOR));
  g_assert_null (ks_result_get_cka_to_output (result, KS_KERNEL_NNGP));
}

/* HMC through the same entry point, for an all-finite stack. */
static void
test_posterior_hmc (void)
{
  g_autoptr(KsExperiment) experiment = digits_experiment ("dense:16,relu,readout:10:noise=0.1", 20, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsResult) result = NULL;
  JsonObject *diagnostics;

  ks_experiment_set_posterior_method (experiment, KS_POSTERIOR_HMC);
  ks_experiment_set_hmc_draws (experiment, 40);
  result = ks_experiment_run (experiment, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ks_result_has_kernels (result, KS_KERNEL_POSTERIOR));
  diagnostics = json_node_get_object (ks_result_get_posterior_diagnostics (result));
  g_assert_cmpstr (json_object_get_string_member (diagnostics, "method"), ==, "hmc");
  g_assert_cmpint (json_object_get_int_member (diagnostics, "draws"), ==, 40);
  g_assert_null (ks_result_get_dkm_solution (result));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/experiment/run-complete", test_run_complete);
  g_test_add_func ("/experiment/summary-json", test_summary_json);
  g_test_add_func ("/experiment/threads", test_threads_do_not_matter);
  g_test_add_func ("/experiment/progress", test_progress);
  g_test_add_func ("/experiment/cancel", test_cancel_within_100ms);
  g_test_add_func ("/experiment/validation", test_validation);
  g_test_add_func ("/experiment/non-finite", test_non_finite_is_an_error);
  g_test_add_func ("/experiment/posterior", test_posterior);
  g_test_add_func ("/experiment/no-outputs", test_no_outputs_no_posterior);
  g_test_add_func ("/experiment/posterior-hmc", test_posterior_hmc);
  return g_test_run ();
}
