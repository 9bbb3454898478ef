/* test-predict-sweep.c: test scores of the NNGP and of the deep kernel machine against the
 * width scale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-nngp.h"
#include "ks-posterior.h"
#include "ks-predict.h"
#include "ks-predict-sweep.h"

#define N_POINTS 45
#define N_FEATURES 5
#define N_CLASSES 3
#define BOTTLENECK_STACK "dense:inf:wv=2,relu,dense:3:wv=2,relu,readout:3:noise=0.1"

/* Three Gaussian clusters in 5 dimensions, 15 points each, from the test's own generator;
 * the class means sit 1.5 standard deviations apart so that accuracies are neither 0 nor
 * 1. outputs are one-hot. */
typedef struct
{
  gsl_matrix *inputs;
  gsl_matrix *outputs;
  int         labels[N_POINTS];
} Clusters;

static void
clusters_clear (Clusters *clusters)
{
  g_clear_pointer (&clusters->inputs, gsl_matrix_free);
  g_clear_pointer (&clusters->outputs, gsl_matrix_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Clusters, clusters_clear)

static void
clusters_init (Clusters *clusters)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);

  gsl_rng_set (rng, 7);
  clusters->inputs = gsl_matrix_alloc (N_POINTS, N_FEATURES);
  clusters->outputs = gsl_matrix_calloc (N_POINTS, N_CLASSES);
  for (guint i = 0; i < N_POINTS; i++)
    {
      int klass = (int) (i % N_CLASSES);

      clusters->labels[i] = klass;
      gsl_matrix_set (clusters->outputs, i, klass, 1.0);
      for (guint d = 0; d < N_FEATURES; d++)
        gsl_matrix_set (clusters->inputs, i, d,
                        (d == (guint) klass ? 1.5 : 0.0) + gsl_ran_gaussian (rng, 1.0));
    }
  gsl_rng_free (rng);
}

static KsStack *
parse_stack (const char *text)
{
  g_autoptr(GError) error = NULL;
  KsStack *stack = ks_stack_parse (text, &error);

  g_assert_no_error (error);
  return stack;
}

static KsPredictSweep *
run_sweep (const KsStack               *stack,
           const Clusters              *clusters,
           const KsPredictSweepOptions *options)
{
  g_autoptr(GError) error = NULL;
  KsPredictSweep *sweep = ks_predict_sweep_run (stack, clusters->inputs, clusters->outputs,
                                                clusters->labels, options, NULL, NULL, NULL,
                                                &error);

  g_assert_no_error (error);
  g_assert_nonnull (sweep);
  return sweep;
}

static gsl_matrix *
input_kernel (const gsl_matrix *inputs)
{
  gsl_matrix *k0 = gsl_matrix_alloc (inputs->size1, inputs->size1);

  ks_gram (inputs, 1.0 / inputs->size2, k0);
  return k0;
}

static double
score_of (const gsl_matrix *kernel,
          const Clusters   *clusters,
          const gboolean   *is_test)
{
  g_autoptr(GError) error = NULL;
  double score = NAN;

  g_assert_true (ks_predict_score (kernel, clusters->outputs, clusters->labels, is_test, 0.1,
                                   &score, NULL, NULL, &error));
  g_assert_no_error (error);
  return score;
}

/* The sweep is the composition of its parts: the split of ks_predict_split, the NNGP's
 * score from ks_nngp_propagate, and at each width scale the score of the posterior that
 * ks_posterior_compute gives with the train mask, started from the previous width
 * scale's solution. Every step is deterministic, so the scores must agree exactly. */
static void
test_predict_sweep_composition (void)
{
  g_auto(Clusters) clusters = { 0 };
  g_autoptr(KsStack) stack = parse_stack (BOTTLENECK_STACK);
  const double scales[] = { 0.5, 2.0 };
  g_autoptr(KsPredictSweep) sweep = NULL;
  g_autoptr(gsl_matrix) k0 = NULL;
  g_autofree gboolean *is_test = NULL;
  g_autofree gboolean *train_mask = g_new (gboolean, N_POINTS);
  g_autoptr(KsDkmSolution) previous = NULL;
  g_autoptr(GError) error = NULL;
  gsl_matrix *nngp[5] = { NULL };
  KsPredictSweepOptions options;
  guint n_layers = ks_stack_get_n_layers (stack);

  clusters_init (&clusters);
  ks_predict_sweep_options_init (&options);
  options.width_scales = scales;
  options.n_width_scales = G_N_ELEMENTS (scales);
  options.test_fraction = 0.3;
  options.seed = 3;
  sweep = run_sweep (stack, &clusters, &options);

  is_test = ks_predict_split (clusters.labels, N_POINTS, 0.3, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ks_predict_sweep_get_n_test (sweep), ==, 14);  /* round (0.3 x 45) */
  for (guint i = 0; i < N_POINTS; i++)
    {
      g_assert_cmpint (!ks_predict_sweep_get_is_test (sweep)[i], ==, !is_test[i]);
      train_mask[i] = !is_test[i];
    }

  g_assert_cmpuint (n_layers, ==, 5);
  k0 = input_kernel (clusters.inputs);
  g_assert_true (ks_nngp_propagate (stack, k0, nngp, NULL, NULL, &error));
  for (guint l = 0; l < n_layers; l++)
    {
      g_assert_true (ks_predict_sweep_has_layer (sweep, l));
      g_assert_cmpfloat (ks_predict_sweep_get_nngp (sweep, l)->score, ==,
                         score_of (nngp[l], &clusters, is_test));
      gsl_matrix_free (nngp[l]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      g_autoptr(KsPosterior) posterior = NULL;
      KsPosteriorOptions posterior_options;

      ks_posterior_options_init (&posterior_options);
      posterior_options.width_scale = scales[i];
      posterior_options.warm_start = previous;
      posterior_options.train_mask = train_mask;
      posterior = ks_posterior_compute (stack, clusters.inputs, k0, clusters.outputs,
                                        &posterior_options, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (ks_predict_sweep_get_width_scale (sweep, i), ==, scales[i]);
      g_assert_cmpint (ks_predict_sweep_get_fit (sweep, i)->status, ==,
                       ks_dkm_solution_get_status (ks_posterior_get_dkm_solution (posterior)));
      for (guint l = 0; l < n_layers; l++)
        g_assert_cmpfloat (ks_predict_sweep_get_dkm (sweep, i, l)->score, ==,
                           score_of (ks_posterior_get_kernel (posterior, l), &clusters,
                                     is_test));
      g_clear_pointer (&previous, ks_dkm_solution_unref);
      previous = ks_dkm_solution_ref (ks_posterior_get_dkm_solution (posterior));
    }
}

/* The threads only share out the work of each solve: one and two threads must give the
 * same numbers to the last bit. */
static void
test_predict_sweep_threads (void)
{
  g_auto(Clusters) clusters = { 0 };
  g_autoptr(KsStack) stack = parse_stack (BOTTLENECK_STACK);
  const double scales[] = { 1.0, 0.3 };
  g_autoptr(KsPredictSweep) one = NULL;
  g_autoptr(KsPredictSweep) two = NULL;
  KsPredictSweepOptions options;

  clusters_init (&clusters);
  ks_predict_sweep_options_init (&options);
  options.width_scales = scales;
  options.n_width_scales = G_N_ELEMENTS (scales);
  options.metric = KS_PREDICT_RMSE;
  options.n_threads = 1;
  one = run_sweep (stack, &clusters, &options);
  options.n_threads = 2;
  two = run_sweep (stack, &clusters, &options);

  for (guint l = 0; l < ks_stack_get_n_layers (stack); l++)
    {
      g_assert_cmpfloat (ks_predict_sweep_get_nngp (one, l)->score, ==,
                         ks_predict_sweep_get_nngp (two, l)->score);
      for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
        {
          double score = ks_predict_sweep_get_dkm (one, i, l)->score;

          g_assert_true (isfinite (score) && score > 0.0);
          g_assert_cmpfloat (score, ==, ks_predict_sweep_get_dkm (two, i, l)->score);
        }
    }
}

/* MATHS 3: as nu grows the KL terms pin every G_l to its prior mean, so the posterior
 * kernels, and with them the predictions, return to the NNGP's. The deviation of G from
 * the NNGP falls like 1 / nu; at nu = 1e4 the RMSE (about 0.3 here) may differ by a few
 * 1e-4 at most, while at nu = 0.1 the bottleneck has moved far enough to change it by
 * more than 1e-3 (the check that the comparison can fail). */
static void
test_predict_sweep_large_width_scale (void)
{
  g_auto(Clusters) clusters = { 0 };
  g_autoptr(KsStack) stack = parse_stack (BOTTLENECK_STACK);
  const double scales[] = { 0.1, 1e4 };
  g_autoptr(KsPredictSweep) sweep = NULL;
  KsPredictSweepOptions options;
  guint layer = 3;  /* the relu above the bottleneck */
  double nngp, narrow, wide;

  clusters_init (&clusters);
  ks_predict_sweep_options_init (&options);
  options.width_scales = scales;
  options.n_width_scales = G_N_ELEMENTS (scales);
  options.metric = KS_PREDICT_RMSE;
  options.layer = layer;
  sweep = run_sweep (stack, &clusters, &options);

  nngp = ks_predict_sweep_get_nngp (sweep, layer)->score;
  narrow = ks_predict_sweep_get_dkm (sweep, 0, layer)->score;
  wide = ks_predict_sweep_get_dkm (sweep, 1, layer)->score;
  g_test_message ("RMSE: NNGP %.6f, nu = 0.1 %.6f, nu = 1e4 %.6f", nngp, narrow, wide);
  g_assert_cmpfloat (fabs (wide - nngp), <, 1e-3);
  g_assert_cmpfloat (fabs (narrow - nngp), >, 1e-3);
  g_assert_cmpint (ks_predict_sweep_get_fit (sweep, 1)->status, ==, KS_DKM_CONVERGED);
}

/* Only the training outputs enter (MATHS 6): scrambling the outputs of the test points
 * changes no accuracy (scored against the labels), while scrambling a training point's
 * output is seen (the check that the comparison can fail). One layer is scored; the
 * others are NAN. */
static void
test_predict_sweep_test_outputs_unused (void)
{
  g_auto(Clusters) clusters = { 0 };
  g_auto(Clusters) scrambled = { 0 };
  g_autoptr(KsStack) stack = parse_stack (BOTTLENECK_STACK);
  const double scales[] = { 0.5 };
  g_autoptr(KsPredictSweep) sweep = NULL;
  g_autoptr(KsPredictSweep) again = NULL;
  g_autoptr(KsPredictSweep) changed = NULL;
  KsPredictSweepOptions options;
  const gboolean *is_test;

  clusters_init (&clusters);
  clusters_init (&scrambled);
  ks_predict_sweep_options_init (&options);
  options.width_scales = scales;
  options.n_width_scales = 1;
  options.layer = 3;
  sweep = run_sweep (stack, &clusters, &options);
  is_test = ks_predict_sweep_get_is_test (sweep);

  for (guint i = 0; i < N_POINTS; i++)
    if (is_test[i])
      for (guint c = 0; c < N_CLASSES; c++)
        gsl_matrix_set (scrambled.outputs, i, c, 5.0 * ((i + c) % 2) - 2.0);
  again = run_sweep (stack, &scrambled, &options);
  g_assert_cmpfloat (ks_predict_sweep_get_nngp (again, 3)->score, ==,
                     ks_predict_sweep_get_nngp (sweep, 3)->score);
  g_assert_cmpfloat (ks_predict_sweep_get_dkm (again, 0, 3)->score, ==,
                     ks_predict_sweep_get_dkm (sweep, 0, 3)->score);
  for (guint l = 0; l < 5; l++)
    if (l != 3)
      {
        g_assert_false (ks_predict_sweep_has_layer (sweep, l));
        g_assert_true (isnan (ks_predict_sweep_get_dkm (sweep, 0, l)->score));
      }

  /* Swap the one-hot outputs of every training point to the next class. */
  for (guint i = 0; i < N_POINTS; i++)
    if (!is_test[i])
      for (guint c = 0; c < N_CLASSES; c++)
        gsl_matrix_set (scrambled.outputs, i, c,
                        gsl_matrix_get (clusters.outputs, i, (c + 1) % N_CLASSES));
  changed = run_sweep (stack, &scrambled, &options);
  g_assert_cmpfloat (ks_predict_sweep_get_dkm (changed, 0, 3)->score, !=,
                     ks_predict_sweep_get_dkm (sweep, 0, 3)->score);
}

typedef struct
{
  double last;
  guint  calls;
  gboolean monotone;
} ProgressLog;

static void
on_progress (double   fraction,
             gpointer user_data)
{
  ProgressLog *log = user_data;

  log->monotone = log->monotone && fraction >= log->last && fraction <= 1.0;
  log->last = fraction;
  log->calls++;
}

/* Progress only moves forward and ends at 1; a cancelled sweep stops with
 * G_IO_ERROR_CANCELLED and returns nothing. */
static void
test_predict_sweep_progress_and_cancel (void)
{
  g_auto(Clusters) clusters = { 0 };
  g_autoptr(KsStack) stack = parse_stack (BOTTLENECK_STACK);
  const double scales[] = { 0.3, 1.0, 3.0 };
  g_autoptr(KsPredictSweep) sweep = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ProgressLog log = { 0.0, 0, TRUE };
  KsPredictSweepOptions options;

  clusters_init (&clusters);
  ks_predict_sweep_options_init (&options);
  options.width_scales = scales;
  options.n_width_scales = G_N_ELEMENTS (scales);
  options.layer = 1;
  sweep = ks_predict_sweep_run (stack, clusters.inputs, clusters.outputs, clusters.labels,
                                &options, on_progress, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (log.monotone);
  g_assert_cmpuint (log.calls, >, 4);
  g_assert_cmpfloat (log.last, ==, 1.0);

  g_cancellable_cancel (cancellable);
  g_clear_pointer (&sweep, ks_predict_sweep_unref);
  sweep = ks_predict_sweep_run (stack, clusters.inputs, clusters.outputs, clusters.labels,
                                &options, NULL, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (sweep);
}

/* Bad requests are errors that say what is wrong, not crashes. */
static void
test_predict_sweep_bad_input (void)
{
  g_auto(Clusters) clusters = { 0 };
  g_autoptr(KsStack) stack = parse_stack (BOTTLENECK_STACK);
  const double scales[] = { 1.0 };
  const double negative[] = { -1.0 };
  KsPredictSweepOptions options;
  struct
  {
    const double   *scales;
    guint           n_scales;
    guint           layer;
    double          fraction;
    const int      *labels;
    const char     *message_part;
  } cases[] = {
    { scales, 0, KS_PREDICT_SWEEP_ALL_LAYERS, 0.2, NULL, "width scale" },
    { negative, 1, KS_PREDICT_SWEEP_ALL_LAYERS, 0.2, NULL, "-1" },
    { scales, 1, 5, 0.2, NULL, "from 1 to 5" },
    { scales, 1, KS_PREDICT_SWEEP_ALL_LAYERS, 1.0, NULL, "" },
    { scales, 1, KS_PREDICT_SWEEP_ALL_LAYERS, 0.2, NULL, "labels" },
  };

  clusters_init (&clusters);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsPredictSweep) sweep = NULL;

      ks_predict_sweep_options_init (&options);
      options.width_scales = cases[c].scales;
      options.n_width_scales = cases[c].n_scales;
      options.layer = cases[c].layer;
      options.test_fraction = cases[c].fraction;
      /* Accuracy without labels is the last case's mistake; the others give labels. */
      sweep = ks_predict_sweep_run (stack, clusters.inputs, clusters.outputs,
                                    c + 1 < G_N_ELEMENTS (cases) ? clusters.labels : NULL,
                                    &options, NULL, NULL, NULL, &error);
      g_assert_null (sweep);
      g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[c].message_part));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/predict-sweep/composition", test_predict_sweep_composition);
  g_test_add_func ("/predict-sweep/threads", test_predict_sweep_threads);
  g_test_add_func ("/predict-sweep/large-width-scale", test_predict_sweep_large_width_scale);
  g_test_add_func ("/predict-sweep/test-outputs-unused", test_predict_sweep_test_outputs_unused);
  g_test_add_func ("/predict-sweep/progress-and-cancel", test_predict_sweep_progress_and_cancel);
  g_test_add_func ("/predict-sweep/bad-input", test_predict_sweep_bad_input);
  return g_test_run ();
}
