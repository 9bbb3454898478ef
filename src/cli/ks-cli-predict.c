/* ks-cli-predict.c: "kernelscope-cli predict", test scores of the NNGP and of the deep
 * kernel machine against the width scale, as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-commands.h"

#include <stdio.h>
#include <unistd.h>

#include "ks-cli-common.h"
#include "ks-cli-data-options.h"
#include "ks-cli-job.h"
#include "ks-cli-output-options.h"
#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-experiment.h"
#include "ks-posterior.h"
#include "ks-predict-sweep.h"

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
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context, PREDICT_SUMMARY);
  g_option_context_set_description (context, PREDICT_DESCRIPTION);
  g_option_context_add_main_entries (context, entries, NULL);
  ks_cli_add_job_entries (context, &self->threads_text, &self->quiet, &self->out);
  ks_cli_output_options_add_entries (&self->outputs, context);
  ks_cli_data_options_add_entries (&self->data, context);
  return context;
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
      || !ks_cli_parse_fraction ("--test-fraction", self->test_fraction_text,
                                 &self->test_fraction, error)
      || !ks_cli_parse_positive_uint ("--layer", self->layer_text, &self->layer, error)
      || !check_method (self->method_text, error)
      || !ks_cli_parse_uint ("--threads", self->threads_text, &self->n_threads, error)
      || !ks_cli_check_out_name (self->out, error))
    return FALSE;
  self->width_scales = ks_cli_parse_width_scales ("--width-scales",
                                                  self->width_scales_text != NULL
                                                  ? self->width_scales_text
                                                  : DEFAULT_WIDTH_SCALES,
                                                  &self->width_scale_texts, error);
  if (self->width_scales == NULL)
    return FALSE;
  self->stack = ks_cli_parse_stack (self->stack_text, error);
  return self->stack != NULL;
}

/* ---- The data ---- */

typedef struct
{
  KsDataset  *points;
  gsl_matrix *inputs;
  gsl_matrix *outputs;
  guint       layer;         /* 0-based */
} Problem;

static void
problem_clear (Problem *problem)
{
  g_clear_pointer (&problem->points, ks_dataset_unref);
  g_clear_pointer (&problem->inputs, gsl_matrix_free);
  g_clear_pointer (&problem->outputs, gsl_matrix_free);
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

/* The points, their outputs, the completed stack and the layer. */
static gboolean
prepare_problem (PredictCommand *self,
                 KsCliJob       *job,
                 Problem        *problem,
                 GError        **error)
{
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(KsDataset) full = NULL;

  ks_cli_job_set_progress (job, "loading data", 0.0);
  problem->points = ks_cli_output_options_load_points (&self->outputs, &self->data,
                                                       self->stack, cancellable, &full,
                                                       &problem->outputs, error);
  if (problem->points == NULL
      || !choose_layer (self, &problem->layer, error)
      || !validate_sizes (self, full, error))
    return FALSE;
  problem->inputs = ks_dataset_input_matrix (problem->points);
  return TRUE;
}

/* ---- The table ---- */

static void
append_row (PredictCommand       *self,
            KsPredictSweep       *sweep,
            guint                 layer,
            const char           *width_scale,
            const char           *kernel,
            const KsPredictScore *score)
{
  g_autofree char *value = ks_format_double (score->score);

  if (score->jitter > 0.0)
    g_string_append_printf (self->notes, KS_CLI_NAME ": note: the %s kernel at width scale "
                            "%s needed a diagonal jitter of %g to predict\n", kernel,
                            width_scale, score->jitter);
  g_string_append_printf (self->table, "%s,%s,%u,%s,%s\n", width_scale, kernel, layer + 1,
                          ks_predict_metric_to_string (ks_predict_sweep_get_metric (sweep)),
                          value);
}

static void
note_convergence (PredictCommand     *self,
                  const KsPredictFit *fit,
                  const char         *width_scale)
{
  if (fit->status == KS_DKM_CONVERGED)
    return;
  g_string_append_printf (self->notes, KS_CLI_NAME ": note: at width scale %s the deep "
                          "kernel machine stopped (%s) at a relative gradient norm of %g\n",
                          width_scale, ks_dkm_status_to_string (fit->status),
                          fit->gradient_norm);
}

static void
write_table (PredictCommand *self,
             KsPredictSweep *sweep,
             guint           layer)
{
  self->table = g_string_new (PREDICT_HEADER);
  self->notes = g_string_new (NULL);
  append_row (self, sweep, layer, "inf", "nngp", ks_predict_sweep_get_nngp (sweep, layer));
  for (guint i = 0; i < ks_predict_sweep_get_n_width_scales (sweep); i++)
    {
      const char *scale_text = self->width_scale_texts[i];

      note_convergence (self, ks_predict_sweep_get_fit (sweep, i), scale_text);
      append_row (self, sweep, layer, scale_text, "dkm",
                  ks_predict_sweep_get_dkm (sweep, i, layer));
    }
}

static void
on_sweep_progress (double   fraction,
                   gpointer user_data)
{
  ks_cli_job_set_progress (user_data, "deep kernel machine", fraction);
}

static gboolean
run_predict (KsCliJob *job,
             gpointer  user_data,
             GError  **error)
{
  PredictCommand *self = user_data;
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_auto(Problem) problem = { 0 };
  g_autoptr(KsPredictSweep) sweep = NULL;
  KsPredictSweepOptions options;

  self->failure = KS_CLI_EXIT_BAD_INPUT;
  if (!prepare_problem (self, job, &problem, error))
    return FALSE;

  self->failure = KS_CLI_EXIT_FAILURE;
  ks_predict_sweep_options_init (&options);
  options.width_scales = (const double *) self->width_scales->data;
  options.n_width_scales = self->width_scales->len;
  options.test_fraction = self->test_fraction;
  options.seed = self->data.seed;
  options.layer = problem.layer;
  options.metric = self->outputs.targets_path != NULL ? KS_PREDICT_RMSE : KS_PREDICT_ACCURACY;
  options.n_threads = self->n_threads;
  /* The split is stratified by class whether the scores are accuracies or RMSEs. */
  sweep = ks_predict_sweep_run (self->stack, problem.inputs, problem.outputs,
                                ks_dataset_has_labels (problem.points)
                                ? ks_dataset_get_labels (problem.points) : NULL,
                                &options, on_sweep_progress, job, cancellable, error);
  if (sweep == NULL)
    return FALSE;
  write_table (self, sweep, problem.layer);
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
