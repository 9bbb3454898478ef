/* ks-cli-experiment-command.c: the commands that run one experiment and write every
 * layer's kernels into a folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-experiment-command.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ks-cli-common.h"
#include "ks-cli-data-options.h"
#include "ks-cli-job.h"
#include "ks-cli-output-folder.h"
#include "ks-cli-output-options.h"
#include "ks-csv-writer.h"
#include "ks-error.h"
#include "ks-json.h"
#include "ks-linalg.h"

#define DEFAULT_N_POINTS 200
#define DEFAULT_N_SAMPLES 16
#define DEFAULT_N_DRAWS 500

typedef struct
{
  const KsCliExperimentCommand *command;
  KsCliDataOptions data;
  KsCliOutputOptions outputs;
  char *stack_text;
  char *samples_text;
  char *threads_text;
  char *cka_text;
  char *tau_text;
  char *method_text;
  char *width_scale_text;
  char *draws_text;
  char *out;
  gboolean quiet;

  KsStack *stack;
  guint n_samples;
  guint n_threads;
  KsCkaKind cka_kind;
  double tau;
  KsPosteriorMethod method;
  double width_scale;
  guint n_draws;

  char *notes;  /* lines for stderr once the files are written, or NULL */
  /* The exit status of a failure that does not decide its own (see ks_cli_exit_for_error). */
  KsCliExit failure;
} ExperimentCommand;

static void
experiment_command_clear (ExperimentCommand *self)
{
  ks_cli_data_options_clear (&self->data);
  ks_cli_output_options_clear (&self->outputs);
  g_clear_pointer (&self->stack_text, g_free);
  g_clear_pointer (&self->samples_text, g_free);
  g_clear_pointer (&self->threads_text, g_free);
  g_clear_pointer (&self->cka_text, g_free);
  g_clear_pointer (&self->tau_text, g_free);
  g_clear_pointer (&self->method_text, g_free);
  g_clear_pointer (&self->width_scale_text, g_free);
  g_clear_pointer (&self->draws_text, g_free);
  g_clear_pointer (&self->out, g_free);
  g_clear_pointer (&self->stack, ks_stack_unref);
  g_clear_pointer (&self->notes, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ExperimentCommand, experiment_command_clear)

static gboolean
has_extra (const ExperimentCommand *self,
           KsCliExtraOptions        extra)
{
  return (self->command->extra_options & extra) != 0;
}

/* ---- Options ---- */

static void
add_extra_entries (ExperimentCommand *self,
                   GOptionContext    *context)
{
  const GOptionEntry sample_entries[] = {
    { "samples", 0, 0, G_OPTION_ARG_STRING, &self->samples_text,
      "Finite-width networks to draw (default: 16)", "S" },
    G_OPTION_ENTRY_NULL
  };
  const GOptionEntry posterior_entries[] = {
    { "method", 'm', 0, G_OPTION_ARG_STRING, &self->method_text,
      "How to condition on the outputs: dkm, the deep kernel machine, or hmc, exact "
      "finite-width sampling (default: dkm)", "dkm|hmc" },
    { "width-scale", 0, 0, G_OPTION_ARG_STRING, &self->width_scale_text,
      "dkm: multiplies every finite width's weight nu_l = N_l; large values give back the "
      "NNGP (default: 1)", "S" },
    { "draws", 0, 0, G_OPTION_ARG_STRING, &self->draws_text,
      "hmc: draws kept, after as many warm-up iterations, at most 300 (default: 500)", "N" },
    G_OPTION_ENTRY_NULL
  };

  if (has_extra (self, KS_CLI_EXTRA_SAMPLES))
    g_option_context_add_main_entries (context, sample_entries, NULL);
  if (has_extra (self, KS_CLI_EXTRA_POSTERIOR))
    {
      g_option_context_add_main_entries (context, posterior_entries, NULL);
      ks_cli_output_options_add_entries (&self->outputs, context);
    }
}

static GOptionContext *
experiment_option_context (ExperimentCommand *self)
{
  GOptionContext *context = g_option_context_new (NULL);
  const GOptionEntry stack_entries[] = {
    { "stack", 's', 0, G_OPTION_ARG_STRING, &self->stack_text,
      "The network, e.g. dense:inf:wv=2,relu,dense:16,relu (required)", "SPEC" },
    G_OPTION_ENTRY_NULL
  };
  const GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_STRING, &self->threads_text,
      "Worker threads, 0 for one per core (default: 0); results do not depend on it", "T" },
    { "cka", 0, 0, G_OPTION_ARG_STRING, &self->cka_text,
      "CKA between layers: linear, rbf or debiased (default: linear)", "KIND" },
    { "tau", 0, 0, G_OPTION_ARG_STRING, &self->tau_text,
      "Bandwidth of the RBF CKA, relative to the median distance (default: 1)", "T" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &self->quiet,
      "Show no progress", NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &self->out,
      "Output folder, created if missing (required)", "DIR" },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context, self->command->summary);
  g_option_context_set_description (context, self->command->description);
  /* --help lists the options in this order. */
  g_option_context_add_main_entries (context, stack_entries, NULL);
  add_extra_entries (self, context);
  g_option_context_add_main_entries (context, entries, NULL);
  ks_cli_data_options_add_entries (&self->data, context);
  return context;
}

static gboolean
parse_method (const char        *text,
              KsPosteriorMethod *method,
              GError           **error)
{
  if (text == NULL || ks_posterior_method_from_string (text, method, NULL))
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE, "--method: expected dkm or hmc, got '%s'",
               text);
  return FALSE;
}

/* Each method has settings of its own: one given to the other is a mistake to point out. */
static gboolean
check_method_options (ExperimentCommand *self,
                      GError           **error)
{
  if (self->method == KS_POSTERIOR_DKM && self->draws_text != NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "--draws sets the draws of HMC: give it with --method hmc");
      return FALSE;
    }
  if (self->method == KS_POSTERIOR_HMC && self->width_scale_text != NULL)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "--width-scale weights the widths of the deep kernel machine; HMC "
                           "samples the network at the widths of its stack");
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_posterior_options (ExperimentCommand *self,
                          GError           **error)
{
  if (!has_extra (self, KS_CLI_EXTRA_POSTERIOR))
    return TRUE;
  return ks_cli_output_options_finish (&self->outputs, error)
         && parse_method (self->method_text, &self->method, error)
         && ks_cli_parse_positive_double ("--width-scale", self->width_scale_text,
                                          &self->width_scale, error)
         && ks_cli_parse_positive_uint ("--draws", self->draws_text, &self->n_draws, error)
         && check_method_options (self, error);
}

static gboolean
experiment_command_finish (ExperimentCommand *self,
                           GError           **error)
{
  if (!ks_cli_data_options_finish (&self->data, error)
      || !ks_cli_parse_positive_uint ("--samples", self->samples_text, &self->n_samples, error)
      || !ks_cli_parse_uint ("--threads", self->threads_text, &self->n_threads, error)
      || !ks_cli_parse_cka_kind ("--cka", self->cka_text, &self->cka_kind, error)
      || !ks_cli_parse_positive_double ("--tau", self->tau_text, &self->tau, error)
      || !finish_posterior_options (self, error))
    return FALSE;
  if (self->out == NULL || *self->out == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "--out is required: the folder to write the kernels into");
      return FALSE;
    }
  self->stack = ks_cli_parse_stack (self->stack_text, error);
  return self->stack != NULL;
}

/* ---- The experiment ---- */

/* Loads --targets into the full data set and completes the stack's readout for the
 * outputs of the points the run will see. */
static gboolean
prepare_outputs (ExperimentCommand *self,
                 KsDataset         *full,
                 GCancellable      *cancellable,
                 GError           **error)
{
  g_autoptr(KsDataset) points = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;

  if (!ks_cli_output_options_load_targets (&self->outputs, full, cancellable, error))
    return FALSE;
  points = ks_cli_data_options_prepare (&self->data, full, error);
  if (points == NULL)
    return FALSE;
  outputs = ks_cli_output_options_get_outputs (&self->outputs, points, error);
  return outputs != NULL
         && ks_cli_output_options_match_readout (&self->outputs, self->stack,
                                                 (guint) outputs->size2, error);
}

static KsExperiment *
experiment_new (ExperimentCommand *self,
                KsDataset         *data)
{
  KsExperiment *experiment = ks_experiment_new (self->stack, data);

  ks_experiment_set_n_points (experiment, self->data.n_points);
  ks_experiment_set_seed (experiment, self->data.seed);
  ks_experiment_set_standardize (experiment, !self->data.no_standardize);
  ks_experiment_set_n_samples (experiment, self->n_samples);
  ks_experiment_set_n_threads (experiment, self->n_threads);
  ks_experiment_set_cka (experiment, self->cka_kind, self->tau);
  ks_experiment_set_posterior_method (experiment, self->method);
  ks_experiment_set_width_scale (experiment, self->width_scale);
  ks_experiment_set_hmc_draws (experiment, self->n_draws);
  ks_experiment_set_compute (experiment, self->command->compute);
  return experiment;
}

static void
on_experiment_progress (const KsProgress *progress,
                        gpointer          user_data)
{
  ks_cli_job_set_progress (user_data, progress->stage, progress->fraction);
}

/* A solver that stopped short still gave kernels: keep them, but say so. */
static char *
posterior_notes (KsResult *result)
{
  JsonNode *diagnostics = ks_result_get_posterior_diagnostics (result);
  JsonObject *object;

  if (diagnostics == NULL || !JSON_NODE_HOLDS_OBJECT (diagnostics))
    return NULL;
  object = json_node_get_object (diagnostics);
  if (!json_object_has_member (object, "converged")
      || json_object_get_boolean_member (object, "converged"))
    return NULL;
  return g_strdup_printf (KS_CLI_NAME ": note: the deep kernel machine stopped (%s) at a "
                          "relative gradient norm of %g after %" G_GINT64_FORMAT
                          " iterations; see summary.json\n",
                          json_object_get_string_member (object, "status"),
                          json_object_get_double_member (object, "relative_gradient_norm"),
                          json_object_get_int_member (object, "iterations"));
}

/* ---- Files ---- */

static gboolean
write_matrix (KsCliOutputFolder *folder,
              const char        *name,
              const gsl_matrix  *m,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(GFile) file = ks_cli_output_folder_add (folder, name);

  return ks_csv_write_matrix (file, m, cancellable, error);
}

static gboolean
write_layer_kernels (const KsCliExperimentCommand *command,
                     KsCliOutputFolder            *folder,
                     KsResult                     *result,
                     GCancellable                 *cancellable,
                     GError                      **error)
{
  for (guint layer = 0; layer < ks_result_get_n_layers (result); layer++)
    for (guint k = 0; k < command->n_kinds; k++)
      {
        const gsl_matrix *kernel = ks_result_get_kernel (result, command->kinds[k], layer);
        g_autofree char *name = NULL;

        /* A kind the run had no reason to compute has no file. */
        if (kernel == NULL)
          continue;
        name = g_strdup_printf ("%s-%u.csv", ks_kernel_kind_to_string (command->kinds[k]),
                                layer + 1);
        if (!write_matrix (folder, name, kernel, cancellable, error))
          return FALSE;
      }
  return TRUE;
}

static gboolean
write_labels (KsCliOutputFolder *folder,
              KsDataset         *data,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GFile) file = NULL;
  const int *labels = ks_dataset_get_labels (data);

  if (!ks_dataset_has_labels (data))
    return TRUE;
  for (guint i = 0; i < ks_dataset_get_n_points (data); i++)
    g_string_append_printf (text, "%d\n", labels[i]);
  file = ks_cli_output_folder_add (folder, "labels.csv");
  return ks_file_replace_contents (file, text->str, text->len, cancellable, error);
}

static gboolean
write_summary (KsCliOutputFolder *folder,
               KsResult          *result,
               GCancellable      *cancellable,
               GError           **error)
{
  g_autoptr(JsonNode) summary = ks_result_to_summary_json (result);
  g_autofree char *json = ks_json_to_string (summary, TRUE);
  g_autofree char *text = g_strconcat (json, "\n", NULL);
  g_autoptr(GFile) file = ks_cli_output_folder_add (folder, "summary.json");

  return ks_file_replace_contents (file, text, strlen (text), cancellable, error);
}

static gboolean
write_result (ExperimentCommand *self,
              KsResult          *result,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(KsCliOutputFolder) folder = ks_cli_output_folder_new (self->out, error);

  return folder != NULL
         && write_layer_kernels (self->command, folder, result, cancellable, error)
         && write_matrix (folder, "input.csv", ks_result_get_input_kernel (result),
                          cancellable, error)
         && write_labels (folder, ks_result_get_dataset (result), cancellable, error)
         && write_summary (folder, result, cancellable, error)
         && !g_cancellable_set_error_if_cancelled (cancellable, error)
         && ks_cli_output_folder_commit (folder, error);
}

static gboolean
run_experiment (KsCliJob *job,
                gpointer  user_data,
                GError  **error)
{
  ExperimentCommand *self = user_data;
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(KsDataset) data = NULL;
  g_autoptr(KsExperiment) experiment = NULL;
  g_autoptr(KsResult) result = NULL;

  self->failure = KS_CLI_EXIT_BAD_INPUT;
  ks_cli_job_set_progress (job, "loading data", 0.0);
  data = ks_cli_data_options_open (&self->data, cancellable, error);
  if (data == NULL)
    return FALSE;
  if (has_extra (self, KS_CLI_EXTRA_POSTERIOR) && !prepare_outputs (self, data, cancellable,
                                                                    error))
    return FALSE;
  experiment = experiment_new (self, data);
  if (!ks_experiment_validate (experiment, error))
    return FALSE;

  /* Everything is computed before the first file is written. */
  self->failure = KS_CLI_EXIT_FAILURE;
  result = ks_experiment_run (experiment, on_experiment_progress, job, cancellable, error);
  if (result == NULL)
    return FALSE;

  ks_cli_job_set_progress (job, "writing files", 1.0);
  if (!write_result (self, result, cancellable, error))
    return FALSE;
  self->notes = posterior_notes (result);
  return TRUE;
}

int
ks_cli_experiment_command_run (const KsCliExperimentCommand *command,
                               int                           argc,
                               char                        **argv)
{
  g_auto(ExperimentCommand) self = {
    .command = command,
    .n_samples = DEFAULT_N_SAMPLES,
    .cka_kind = KS_CKA_LINEAR,
    .tau = 1.0,
    .method = KS_POSTERIOR_DKM,
    .width_scale = 1.0,
    .n_draws = DEFAULT_N_DRAWS,
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  ks_cli_data_options_init (&self.data, DEFAULT_N_POINTS);
  ks_cli_output_options_init (&self.outputs, TRUE);
  context = experiment_option_context (&self);
  if (!ks_cli_parse_options (context, command->name, &argc, &argv, &status))
    return status;
  if (!ks_cli_check_no_arguments (argc, argv, &error)
      || !experiment_command_finish (&self, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_BAD_INPUT);

  /* Fail before a long computation when the folder can never be written. */
  if (!ks_cli_output_folder_check (self.out, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_FAILURE);

  if (!ks_cli_job_run (run_experiment, &self, !self.quiet && isatty (STDERR_FILENO), &error))
    return ks_cli_report_error (error, self.failure);
  if (self.notes != NULL)
    fputs (self.notes, stderr);
  return KS_CLI_EXIT_SUCCESS;
}
