/* ks-cli-predict.c: "kernelscope-cli predict", test scores of the NNGP and of the deep
 * kernel machine against the width scale, as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-commands.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "ks-cli-common.h"
#include "ks-cli-data-options.h"
#include "ks-cli-job.h"
#include "ks-cli-output-options.h"
#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-experiment.h"
#include "ks-nngp.h"
#include "ks-posterior.h"
#include "ks-predict.h"

#define DEFAULT_N_POINTS 200
#define DEFAULT_TEST_FRACTION 0.2
#define DEFAULT_WIDTH_SCALES "0.1,0.3,1,3,10"

#define PREDICT_HEADER "width_scale,kernel,layer,metric,score\n"

#define PREDICT_SUMMARY \
  "Splits the points into training and test points (seeded, stratified by class) and\n" \
  "predicts the test outputs by the Gaussian-process mean K_*t (K_tt + s2 I)^{-1} Y_t\n" \
  "from one layer's kernel: the NNGP's, and the deep kernel machine's posterior kernel\n" \
  "at each width scale of --width-scales (each started from the previous solution).\n" \
  "The kernels cover training and test points together; only the training outputs enter\n" \
  "the posterior and the prediction. Writes CSV with the header\n" \
  "  " PREDICT_HEADER \
  "(width scale 'inf' for the NNGP; kernel nngp or dkm; the layer counted from 1 as\n" \
  "'kernels' numbers them; metric accuracy for class labels, rmse for --targets) to the\n" \
  "standard output, or to --out, replaced atomically."

#define PREDICT_DESCRIPTION \
  KS_CLI_STACK_HELP \
  "\n" \
  KS_CLI_DATA_HELP \
  "\n" \
  KS_CLI_OUTPUT_HELP \
  "s2 is the readout's noise variance.\n" \
  "\n" \
  "Exit status: 0 done, 1 the output file could not be written, 2 bad options or data,\n" \
  "130 interrupted.\n" \
  "\n" \
  "Examples:\n" \
  "  kernelscope-cli predict --stack dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf:wv=2,relu \\\n" \
  "      --data digits --points 1000\n" \
  "  kernelscope-cli predict --stack dense:4,relu,dense:4 --data points.csv --label-column none \\\n" \
  "      --targets y.csv --test-fraction 0.3 --width-scales 0.5,1,2 --out scores.csv\n"

typedef struct
{
  KsCliDataOptions data;
  KsCliOutputOptions outputs;
  char *stack_text;
  char *test_fraction_text;
  char *width_scales_text;
  char *layer_text;
  char *method_text;
  char *threads_text;
  char *out;
  gboolean quiet;

  KsStack *stack;
  double test_fraction;
  GArray *width_scales;
  GStrv width_scale_texts;  /* as given, for the table */
  guint layer;       /* counted from 1; 0: the last layer before the readout */
  guint n_threads;

  GString *table;
  GString *notes;    /* lines for stderr about jitter and convergence */
  /* The exit status of a failure that does not decide its own (see ks_cli_exit_for_error). */
  KsCliExit failure;
} PredictCommand;

static void
predict_command_clear (PredictCommand *self)
{
  ks_cli_data_options_clear (&self->data);
  ks_cli_output_options_clear (&self->outputs);
  g_clear_pointer (&self->stack_text, g_free);
  g_clear_pointer (&self->test_fraction_text, g_free);
  g_clear_pointer (&self->width_scales_text, g_free);
  g_clear_pointer (&self->layer_text, g_free);
  g_clear_pointer (&self->method_text, g_free);
  g_clear_pointer (&self->threads_text, g_free);
  g_clear_pointer (&self->out, g_free);
  g_clear_pointer (&self->stack, ks_stack_unref);
  g_clear_pointer (&self->width_scales, g_array_unref);
  g_clear_pointer (&self->width_scale_texts, g_strfreev);
  if (self->table != NULL)
    g_string_free (g_steal_pointer (&self->table), TRUE);
  if (self->notes != NULL)
    g_string_free (g_steal_pointer (&self->notes), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PredictCommand, predict_command_clear)

/* ---- Options ---- */

static GOptionContext *
predict_option_context (PredictCommand *self)
{
  GOptionContext *context = g_option_context_new (NULL);
  const GOptionEntry entries[] = {
    { "stack", 's', 0, G_OPTION_ARG_STRING, &self->stack_text,
      "The network, e.g. dense:inf:wv=2,relu,dense:16:wv=2,relu (required)", "SPEC" },
    { "test-fraction", 'f', 0, G_OPTION_ARG_STRING, &self->test_fraction_text,
      "Fraction of the points held out for testing, strictly between 0 and 1 "
      "(default: 0.2)", "F" },
    { "width-scales", 'w', 0, G_OPTION_ARG_STRING, &self->width_scales_text,
      "Width scales of the deep kernel machine, separated by commas (default: "
      DEFAULT_WIDTH_SCALES ")", "S,S,..." },
    { "layer", 'l', 0, G_OPTION_ARG_STRING, &self->layer_text,
      "The layer whose kernel predicts, counted from 1 (default: the last layer before "
      "the readout)", "L" },
    { "method", 'm', 0, G_OPTION_ARG_STRING, &self->method_text,
      "How to condition on the training outputs: dkm, the deep kernel machine (the only "
      "one that can hold test points out)", "dkm" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &self->threads_text,
      "Worker threads, 0 for one per core (default: 0); results do not depend on it", "T" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &self->quiet,
      "Show no progress", NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &self->out,
      "Write the table to this file instead of the standard output", "FILE.csv" },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context, PREDICT_SUMMARY);
  g_option_context_set_description (context, PREDICT_DESCRIPTION);
  g_option_context_add_main_entries (context, entries, NULL);
  ks_cli_output_options_add_entries (&self->outputs, context);
  ks_cli_data_options_add_entries (&self->data, context);
  return context;
}

static gboolean
parse_test_fraction (const char *text,
                     double     *fraction,
                     GError    **error)
{
  double parsed = 0.0;

  if (text == NULL)
    return TRUE;
  if (!ks_cli_parse_positive_double ("--test-fraction", text, &parsed, NULL) || parsed >= 1.0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "--test-fraction: expected a fraction strictly between 0 and 1, got '%s'",
                   text);
      return FALSE;
    }
  *fraction = parsed;
  return TRUE;
}

/* "0.1,1,10": positive numbers; tokens keeps their texts. */
static GArray *
parse_width_scales (const char  *text,
                    GStrv       *texts,
                    GError     **error)
{
  g_auto(GStrv) tokens = g_strsplit (text, ",", -1);
  g_autoptr(GArray) scales = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      double scale = 0.0;

      if (!ks_cli_parse_positive_double ("--width-scales", g_strstrip (tokens[i]), &scale,
                                         NULL))
        {
          g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                       "--width-scales: expected positive numbers separated by commas, got "
                       "'%s' in '%s'", tokens[i], text);
          return NULL;
        }
      g_array_append_val (scales, scale);
    }
  if (scales->len == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "--width-scales: expected positive numbers separated by commas, e.g. "
                   "0.1,1,10, got '%s'", text);
      return NULL;
    }
  *texts = g_steal_pointer (&tokens);
  return g_steal_pointer (&scales);
}

static gboolean
check_method (const char *text,
              GError    **error)
{
  KsPosteriorMethod method;

  if (text == NULL)
    return TRUE;
  if (!ks_posterior_method_from_string (text, &method, NULL))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE, "--method: expected dkm, got '%s'", text);
      return FALSE;
    }
  if (method == KS_POSTERIOR_DKM)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED,
               "--method %s: HMC conditions on the outputs of every point and cannot hold "
               "the test points out; predict supports dkm", text);
  return FALSE;
}

static gboolean
predict_command_finish (PredictCommand *self,
                        GError        **error)
{
  if (!ks_cli_data_options_finish (&self->data, error)
      || !ks_cli_output_options_finish (&self->outputs, error)
      || !parse_test_fraction (self->test_fraction_text, &self->test_fraction, error)
      || !ks_cli_parse_positive_uint ("--layer", self->layer_text, &self->layer, error)
      || !check_method (self->method_text, error)
      || !ks_cli_parse_uint ("--threads", self->threads_text, &self->n_threads, error))
    return FALSE;
  if (self->out != NULL && *self->out == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--out: expected a file name, got ''");
      return FALSE;
    }
  self->width_scales = parse_width_scales (self->width_scales_text != NULL
                                           ? self->width_scales_text : DEFAULT_WIDTH_SCALES,
                                           &self->width_scale_texts, error);
  if (self->width_scales == NULL)
    return FALSE;
  self->stack = ks_cli_parse_stack (self->stack_text, error);
  return self->stack != NULL;
}

/* ---- The problem ---- */

typedef struct
{
  KsDataset  *points;
  gsl_matrix *inputs;
  gsl_matrix *k0;
  gsl_matrix *outputs;
  const int  *score_labels;  /* the classes scored by accuracy, or NULL: RMSE */
  gboolean   *is_test;
  gboolean   *train_mask;
  guint       layer;         /* 0-based */
  double      noise;
} Problem;

static void
problem_clear (Problem *problem)
{
  g_clear_pointer (&problem->points, ks_dataset_unref);
  g_clear_pointer (&problem->inputs, gsl_matrix_free);
  g_clear_pointer (&problem->k0, gsl_matrix_free);
  g_clear_pointer (&problem->outputs, gsl_matrix_free);
  g_clear_pointer (&problem->is_test, g_free);
  g_clear_pointer (&problem->train_mask, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Problem, problem_clear)

/* The layer of --layer, or the last one before the readout (which the stack now has). */
static gboolean
choose_layer (PredictCommand *self,
              guint          *layer,
              GError        **error)
{
  guint n_layers = ks_stack_get_n_layers (self->stack);

  if (self->layer == 0 && n_layers < 2)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the stack has no layer before its readout to predict from");
      return FALSE;
    }
  if (self->layer > n_layers)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "--layer: expected a layer from 1 to %u, got '%s'", n_layers,
                   self->layer_text);
      return FALSE;
    }
  *layer = self->layer != 0 ? self->layer - 1 : n_layers - 2;
  return TRUE;
}

/* The sizes the kernels command would refuse are refused here too. */
static gboolean
validate_sizes (PredictCommand *self,
                KsDataset      *full,
                GError        **error)
{
  g_autoptr(KsExperiment) experiment = ks_experiment_new (self->stack, full);

  ks_experiment_set_n_points (experiment, self->data.n_points);
  ks_experiment_set_compute (experiment, KS_COMPUTE_NNGP | KS_COMPUTE_POSTERIOR);
  return ks_experiment_validate (experiment, error);
}

static gboolean
split_points (PredictCommand *self,
              Problem        *problem,
              GError        **error)
{
  KsDataset *points = problem->points;
  guint n_points = ks_dataset_get_n_points (points);
  const int *labels = ks_dataset_has_labels (points) ? ks_dataset_get_labels (points) : NULL;

  problem->is_test = ks_predict_split (labels, n_points, self->test_fraction,
                                       self->data.seed, error);
  if (problem->is_test == NULL)
    return FALSE;
  problem->train_mask = g_new (gboolean, n_points);
  for (guint i = 0; i < n_points; i++)
    problem->train_mask[i] = !problem->is_test[i];
  problem->score_labels = self->outputs.targets_path == NULL ? labels : NULL;
  return TRUE;
}

/* The points, their kernel and outputs, the completed stack and the split. */
static gboolean
prepare_problem (PredictCommand *self,
                 KsCliJob       *job,
                 Problem        *problem,
                 GError        **error)
{
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(KsDataset) full = NULL;

  ks_cli_job_set_progress (job, "loading data", 0.0);
  full = ks_cli_data_options_open (&self->data, cancellable, error);
  if (full == NULL
      || !ks_cli_output_options_load_targets (&self->outputs, full, cancellable, error))
    return FALSE;
  /* The subsample carries the targets along with their points. */
  problem->points = ks_cli_data_options_prepare (&self->data, full, error);
  if (problem->points == NULL)
    return FALSE;
  problem->outputs = ks_cli_output_options_get_outputs (&self->outputs, problem->points,
                                                        error);
  if (problem->outputs == NULL
      || !ks_cli_output_options_match_readout (&self->outputs, self->stack,
                                               (guint) problem->outputs->size2, error)
      || !choose_layer (self, &problem->layer, error)
      || !validate_sizes (self, full, error)
      || !split_points (self, problem, error))
    return FALSE;
  problem->noise = ks_stack_get_readout (self->stack)->noise_var;
  problem->inputs = ks_dataset_input_matrix (problem->points);
  problem->k0 = ks_dataset_input_kernel (problem->points);
  return TRUE;
}

/* ---- Scores ---- */

static void
append_row (PredictCommand *self,
            const Problem  *problem,
            const char     *width_scale,
            const char     *kernel,
            double          score)
{
  g_autofree char *value = ks_format_double (score);

  g_string_append_printf (self->table, "%s,%s,%u,%s,%s\n", width_scale, kernel,
                          problem->layer + 1,
                          problem->score_labels != NULL ? "accuracy" : "rmse", value);
}

static gboolean
score_kernel (PredictCommand   *self,
              const Problem    *problem,
              const gsl_matrix *kernel,
              const char       *width_scale,
              const char       *kind,
              GCancellable     *cancellable,
              GError          **error)
{
  double score = NAN, jitter = 0.0;

  if (!ks_predict_score (kernel, problem->outputs, problem->score_labels, problem->is_test,
                         problem->noise, &score, &jitter, cancellable, error))
    return FALSE;
  if (jitter > 0.0)
    g_string_append_printf (self->notes, KS_CLI_NAME ": note: the %s kernel at width scale "
                            "%s needed a diagonal jitter of %g to predict\n", kind,
                            width_scale, jitter);
  append_row (self, problem, width_scale, kind, score);
  return TRUE;
}

static gboolean
score_nngp (PredictCommand *self,
            const Problem  *problem,
            GCancellable   *cancellable,
            GError        **error)
{
  guint n_layers = ks_stack_get_n_layers (self->stack);
  g_autofree gsl_matrix **nngp = g_new0 (gsl_matrix *, n_layers);
  gboolean ok;

  ok = ks_nngp_propagate (self->stack, problem->k0, nngp, NULL, cancellable, error)
       && score_kernel (self, problem, nngp[problem->layer], "inf", "nngp", cancellable,
                        error);
  for (guint l = 0; l < n_layers; l++)
    g_clear_pointer (&nngp[l], gsl_matrix_free);
  return ok;
}

typedef struct
{
  KsCliJob *job;
  double    start;
  double    span;
} Progress;

static void
on_posterior_progress (double   fraction,
                       gpointer user_data)
{
  Progress *progress = user_data;

  ks_cli_job_set_progress (progress->job, "deep kernel machine",
                           progress->start + progress->span * fraction);
}

static void
note_convergence (PredictCommand *self,
                  KsPosterior    *posterior,
                  const char     *width_scale)
{
  KsDkmSolution *solution = ks_posterior_get_dkm_solution (posterior);

  if (ks_dkm_solution_get_converged (solution))
    return;
  g_string_append_printf (self->notes, KS_CLI_NAME ": note: at width scale %s the deep "
                          "kernel machine stopped (%s) at a relative gradient norm of %g\n",
                          width_scale,
                          ks_dkm_status_to_string (ks_dkm_solution_get_status (solution)),
                          ks_dkm_solution_get_gradient_norm (solution));
}

/* The posterior at each width scale, each started from the previous one's solution. */
static gboolean
score_width_scales (PredictCommand *self,
                    KsCliJob       *job,
                    const Problem  *problem,
                    GError        **error)
{
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(KsDkmSolution) previous = NULL;
  guint n_scales = self->width_scales->len;

  for (guint i = 0; i < n_scales; i++)
    {
      double scale = g_array_index (self->width_scales, double, i);
      const char *scale_text = self->width_scale_texts[i];
      Progress progress = { job, 0.05 + 0.95 * i / n_scales, 0.95 / n_scales };
      g_autoptr(KsPosterior) posterior = NULL;
      KsPosteriorOptions options;

      ks_posterior_options_init (&options);
      options.width_scale = scale;
      options.n_threads = self->n_threads;
      options.warm_start = previous;
      options.train_mask = problem->train_mask;
      posterior = ks_posterior_compute (self->stack, problem->inputs, problem->k0,
                                        problem->outputs, &options, on_posterior_progress,
                                        &progress, cancellable, error);
      if (posterior == NULL)
        {
          g_prefix_error (error, "at width scale %s: ", scale_text);
          return FALSE;
        }
      note_convergence (self, posterior, scale_text);
      if (!score_kernel (self, problem, ks_posterior_get_kernel (posterior, problem->layer),
                         scale_text, "dkm", cancellable, error))
        return FALSE;
      g_clear_pointer (&previous, ks_dkm_solution_unref);
      previous = ks_dkm_solution_ref (ks_posterior_get_dkm_solution (posterior));
    }
  return TRUE;
}

static gboolean
run_predict (KsCliJob *job,
             gpointer  user_data,
             GError  **error)
{
  PredictCommand *self = user_data;
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_auto(Problem) problem = { 0 };

  self->failure = KS_CLI_EXIT_BAD_INPUT;
  if (!prepare_problem (self, job, &problem, error))
    return FALSE;

  self->failure = KS_CLI_EXIT_FAILURE;
  self->table = g_string_new (PREDICT_HEADER);
  self->notes = g_string_new (NULL);
  ks_cli_job_set_progress (job, "nngp", 0.02);
  if (!score_nngp (self, &problem, cancellable, error)
      || !score_width_scales (self, job, &problem, error))
    return FALSE;
  return self->out == NULL
         || ks_cli_write_text_file (self->out, self->table->str, cancellable, error);
}

int
ks_cli_predict (int    argc,
                char **argv)
{
  g_auto(PredictCommand) self = {
    .test_fraction = DEFAULT_TEST_FRACTION,
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  ks_cli_data_options_init (&self.data, DEFAULT_N_POINTS);
  ks_cli_output_options_init (&self.outputs, TRUE);
  context = predict_option_context (&self);
  if (!ks_cli_parse_options (context, "predict", &argc, &argv, &status))
    return status;
  if (!ks_cli_check_no_arguments (argc, argv, &error)
      || !predict_command_finish (&self, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_BAD_INPUT);
  if (self.out != NULL && !ks_cli_check_out_file (self.out, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_FAILURE);

  if (!ks_cli_job_run (run_predict, &self, !self.quiet && isatty (STDERR_FILENO), &error))
    return ks_cli_report_error (error, self.failure);
  fputs (self.notes->str, stderr);
  if (self.out == NULL)
    fputs (self.table->str, stdout);
  return KS_CLI_EXIT_SUCCESS;
}
