/* ks-cli-evidence.c: "kernelscope-cli evidence", the log evidence against width as CSV
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
#include "ks-evidence.h"
#include "ks-experiment.h"
#include "ks-linalg.h"

#define DEFAULT_N_POINTS 50
#define DEFAULT_WIDTHS "1,2,4,8,16,64,256,inf"

#define EVIDENCE_HEADER "width,log_evidence,standard_error,estimator\n"

#define EVIDENCE_SUMMARY \
  "Computes the model evidence log P(Y) of a network for each width in --widths: every\n" \
  "dense layer of the stack (finite or infinite) takes that width. Infinite width is\n" \
  "exact (the NNGP's Gaussian likelihood); finite widths are estimated, by annealed\n" \
  "importance sampling over the weights (ais) when every nonlinearity is identity, relu or\n" \
  "erf, else by Monte Carlo over prior samples of the kernels (mc). The outputs Y are the\n" \
  "one-hot class labels, or the real targets of --targets.\n" \
  "Writes CSV with the header\n" \
  "  " EVIDENCE_HEADER \
  "(width 'inf' for infinite; standard error 0 when exact; estimator exact, mc or ais) to\n" \
  "the standard output, or to --out, replaced atomically."

#define EVIDENCE_DESCRIPTION \
  KS_CLI_STACK_HELP \
  "\n" \
  KS_CLI_DATA_HELP \
  "\n" \
  KS_CLI_OUTPUT_HELP \
  "A readout of the stack's own must have N_OUT output channels.\n" \
  "\n" \
  "Exit status: 0 done, 1 the output file could not be written, 2 bad options or data,\n" \
  "130 interrupted.\n" \
  "\n" \
  "Examples:\n" \
  "  kernelscope-cli evidence --stack dense:1,relu,dense:1 --data iris --points 30\n" \
  "  kernelscope-cli evidence --stack dense:1,readout:2:noise=0.05 --data points.csv \\\n" \
  "      --label-column none --targets y.csv --widths 1,2,3,4,8,inf --out evidence.csv\n" \
  "  kernelscope-cli evidence --stack dense:inf:wv=2,tanh,dense:1 --data xor --points 40 \\\n" \
  "      --estimator mc --samples 20000 --widths 2,8,32,inf\n"

typedef struct
{
  KsCliDataOptions data;
  KsCliOutputOptions outputs;
  char *stack_text;
  char *widths_text;
  char *samples_text;
  char *runs_text;
  char *temperatures_text;
  char *estimator_text;
  char *threads_text;
  char *out;
  gboolean quiet;

  KsStack *stack;
  GArray *widths;
  KsEvidenceOptions options;

  char *table;  /* the CSV text, once computed */
  char *notes;  /* lines for stderr about jitter, or NULL */
  /* The exit status of a failure that does not decide its own (see ks_cli_exit_for_error). */
  KsCliExit failure;
} EvidenceCommand;

static void
evidence_command_clear (EvidenceCommand *self)
{
  ks_cli_data_options_clear (&self->data);
  ks_cli_output_options_clear (&self->outputs);
  g_clear_pointer (&self->stack_text, g_free);
  g_clear_pointer (&self->widths_text, g_free);
  g_clear_pointer (&self->samples_text, g_free);
  g_clear_pointer (&self->runs_text, g_free);
  g_clear_pointer (&self->temperatures_text, g_free);
  g_clear_pointer (&self->estimator_text, g_free);
  g_clear_pointer (&self->threads_text, g_free);
  g_clear_pointer (&self->out, g_free);
  g_clear_pointer (&self->stack, ks_stack_unref);
  g_clear_pointer (&self->widths, g_array_unref);
  g_clear_pointer (&self->table, g_free);
  g_clear_pointer (&self->notes, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EvidenceCommand, evidence_command_clear)

static GOptionContext *
evidence_option_context (EvidenceCommand *self)
{
  GOptionContext *context = g_option_context_new (NULL);
  const GOptionEntry entries[] = {
    { "stack", 's', 0, G_OPTION_ARG_STRING, &self->stack_text,
      "The network, e.g. dense:1,relu,dense:1 (required; its widths are replaced)", "SPEC" },
    { "widths", 'w', 0, G_OPTION_ARG_STRING, &self->widths_text,
      "Widths separated by commas, inf for infinite (default: " DEFAULT_WIDTHS ")",
      "N,N,...,inf" },
    { "estimator", 'e', 0, G_OPTION_ARG_STRING, &self->estimator_text,
      "Estimator of finite widths: auto, mc or ais (default: auto)", "NAME" },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &self->samples_text,
      "Prior networks per width for mc (default: 2000)", "S" },
    { "runs", 0, 0, G_OPTION_ARG_STRING, &self->runs_text,
      "Independent annealing runs per width for ais (default: 16)", "R" },
    { "temperatures", 0, 0, G_OPTION_ARG_STRING, &self->temperatures_text,
      "Temperatures of each ais run (default: 400)", "T" },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context, EVIDENCE_SUMMARY);
  g_option_context_set_description (context, EVIDENCE_DESCRIPTION);
  g_option_context_add_main_entries (context, entries, NULL);
  ks_cli_add_job_entries (context, &self->threads_text, &self->quiet, &self->out);
  ks_cli_output_options_add_entries (&self->outputs, context);
  ks_cli_data_options_add_entries (&self->data, context);
  return context;
}

static gboolean
parse_estimator (const char          *text,
                 KsEvidenceEstimator *estimator,
                 GError             **error)
{
  if (text == NULL)
    return TRUE;
  if (ks_evidence_estimator_from_string (text, estimator) && *estimator != KS_EVIDENCE_EXACT)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
               "--estimator: expected auto, mc or ais, got '%s'", text);
  return FALSE;
}

static gboolean
evidence_command_finish (EvidenceCommand *self,
                         GError         **error)
{
  KsEvidenceOptions *options = &self->options;

  if (!ks_cli_data_options_finish (&self->data, error)
      || !ks_cli_parse_positive_uint ("--samples", self->samples_text, &options->n_samples,
                                      error)
      || !ks_cli_parse_positive_uint ("--runs", self->runs_text, &options->n_runs, error)
      || !ks_cli_parse_positive_uint ("--temperatures", self->temperatures_text,
                                      &options->n_temperatures, error)
      || !ks_cli_parse_uint ("--threads", self->threads_text, &options->n_threads, error)
      || !ks_cli_output_options_finish (&self->outputs, error)
      || !parse_estimator (self->estimator_text, &options->estimator, error)
      || !ks_cli_check_out_name (self->out, error))
    return FALSE;
  options->seed = self->data.seed;
  self->widths = ks_cli_parse_widths ("--widths", self->widths_text != NULL
                                      ? self->widths_text : DEFAULT_WIDTHS, error);
  if (self->widths == NULL)
    return FALSE;
  self->stack = ks_cli_parse_stack (self->stack_text, error);
  return self->stack != NULL;
}

/* ---- Sizes ---- */

/* The sizes the kernels command would refuse, at every width, are refused here too. */
static gboolean
validate_sizes (EvidenceCommand *self,
                KsDataset       *full,
                GError         **error)
{
  for (guint i = 0; i < self->widths->len; i++)
    {
      guint width = g_array_index (self->widths, guint, i);
      g_autoptr(KsStack) stack = ks_evidence_stack_at_width (self->stack, width, error);
      g_autoptr(KsExperiment) experiment = NULL;

      if (stack == NULL)
        return FALSE;
      experiment = ks_experiment_new (stack, full);
      ks_experiment_set_n_points (experiment, self->data.n_points);
      ks_experiment_set_n_samples (experiment, 1);
      if (!ks_experiment_validate (experiment, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- The table ---- */

static void
append_value (GString *text,
              double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* 17 significant digits: the values read back exactly, as in every CSV written. */
  g_string_append_c (text, ',');
  g_string_append (text, g_ascii_formatd (buffer, sizeof buffer, "%.17g", value));
}

static char *
format_table (const KsEvidenceEstimate *curve,
              guint                     n_widths)
{
  GString *text = g_string_new (EVIDENCE_HEADER);

  for (guint i = 0; i < n_widths; i++)
    {
      if (curve[i].width == KS_WIDTH_INFINITE)
        g_string_append (text, "inf");
      else
        g_string_append_printf (text, "%u", curve[i].width);
      append_value (text, curve[i].log_evidence);
      append_value (text, curve[i].standard_error);
      g_string_append_printf (text, ",%s\n",
                              ks_evidence_estimator_to_string (curve[i].estimator));
    }
  return g_string_free (text, FALSE);
}

/* A kernel that needed jitter changed the number a little: say so, but keep the table. */
static char *
format_jitter_notes (const KsEvidenceEstimate *curve,
                     guint                     n_widths)
{
  GString *text = NULL;

  for (guint i = 0; i < n_widths; i++)
    {
      if (curve[i].max_jitter <= 0.0)
        continue;
      if (text == NULL)
        text = g_string_new (NULL);
      if (curve[i].width == KS_WIDTH_INFINITE)
        g_string_append (text, KS_CLI_NAME ": note: at width inf");
      else
        g_string_append_printf (text, KS_CLI_NAME ": note: at width %u", curve[i].width);
      g_string_append_printf (text, " an output kernel needed a diagonal jitter of %g (add "
                              "readout noise to avoid it)\n", curve[i].max_jitter);
    }
  return text != NULL ? g_string_free (text, FALSE) : NULL;
}

static void
report_progress (double   fraction,
                 gpointer user_data)
{
  ks_cli_job_set_progress (user_data, "evidence", fraction);
}

/* The data, their outputs and the completed stack; FALSE on bad input. */
static gboolean
prepare_problem (EvidenceCommand *self,
                 KsCliJob        *job,
                 gsl_matrix     **inputs,
                 gsl_matrix     **outputs,
                 GError         **error)
{
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(KsDataset) full = NULL;
  g_autoptr(KsDataset) points = NULL;

  ks_cli_job_set_progress (job, "loading data", 0.0);
  points = ks_cli_output_options_load_points (&self->outputs, &self->data, self->stack,
                                              cancellable, &full, outputs, error);
  if (points == NULL || !validate_sizes (self, full, error))
    return FALSE;
  *inputs = ks_dataset_input_matrix (points);
  return TRUE;
}

static gboolean
run_evidence (KsCliJob *job,
              gpointer  user_data,
              GError  **error)
{
  EvidenceCommand *self = user_data;
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;
  g_autofree KsEvidenceEstimate *curve = NULL;

  self->failure = KS_CLI_EXIT_BAD_INPUT;
  if (!prepare_problem (self, job, &inputs, &outputs, error))
    return FALSE;

  self->failure = KS_CLI_EXIT_FAILURE;
  curve = ks_evidence_curve (self->stack, inputs, outputs, (const guint *) self->widths->data,
                             self->widths->len, &self->options, report_progress, job,
                             cancellable, error);
  if (curve == NULL)
    return FALSE;
  self->table = format_table (curve, self->widths->len);
  self->notes = format_jitter_notes (curve, self->widths->len);
  return self->out == NULL || ks_cli_write_text_file (self->out, self->table, cancellable, error);
}

int
ks_cli_evidence (int    argc,
                 char **argv)
{
  g_auto(EvidenceCommand) self = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  ks_evidence_options_init (&self.options);
  ks_cli_data_options_init (&self.data, DEFAULT_N_POINTS);
  ks_cli_output_options_init (&self.outputs, FALSE);
  context = evidence_option_context (&self);
  if (!ks_cli_parse_options (context, "evidence", &argc, &argv, &status))
    return status;
  if (!ks_cli_check_no_arguments (argc, argv, &error)
      || !evidence_command_finish (&self, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_BAD_INPUT);
  if (self.out != NULL && !ks_cli_check_out_file (self.out, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_FAILURE);

  if (!ks_cli_job_run (run_evidence, &self, !self.quiet && isatty (STDERR_FILENO), &error))
    return ks_cli_report_error (error, self.failure);
  if (self.notes != NULL)
    fputs (self.notes, stderr);
  if (self.out == NULL)
    fputs (self.table, stdout);
  return KS_CLI_EXIT_SUCCESS;
}
