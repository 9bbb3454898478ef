/* ks-cli-kernels.c: "kernelscope-cli kernels", every layer's kernels written as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-commands.h"

#include <string.h>
#include <unistd.h>

#include "ks-cli-common.h"
#include "ks-cli-data-options.h"
#include "ks-cli-job.h"
#include "ks-cli-output-folder.h"
#include "ks-csv-writer.h"
#include "ks-experiment.h"

#define DEFAULT_N_POINTS 200
#define DEFAULT_N_SAMPLES 16

#define KERNELS_SUMMARY \
  "Computes the kernels of every layer of a network on a data set: the infinite-width\n" \
  "NNGP and NTK, and the mean and standard deviation of the Gram matrices of finite-width\n" \
  "networks drawn from the prior. Writes into the output folder, replacing files of the\n" \
  "same names:\n" \
  "  nngp-L.csv, ntk-L.csv, sample-mean-L.csv, sample-std-L.csv  for each layer L = 1, 2,\n" \
  "      ... in stack order (nonlinearities and readout count as layers), P x P each\n" \
  "  input.csv      the input kernel K0 = X X^T / D\n" \
  "  labels.csv     the class of each point, one a line, in the kernels' order\n" \
  "  summary.json   the settings, CKA tables, timings and diagnostics\n" \
  "The files appear together or not at all."

#define KERNELS_DESCRIPTION \
  KS_CLI_STACK_HELP \
  "\n" \
  KS_CLI_DATA_HELP \
  "\n" \
  "Exit status: 0 done, 1 a file could not be written, 2 bad options or data,\n" \
  "130 interrupted.\n" \
  "\n" \
  "Examples:\n" \
  "  kernelscope-cli kernels --stack dense:inf:wv=2,relu,dense:inf:wv=2,relu --out relu\n" \
  "  kernelscope-cli kernels --stack dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf \\\n" \
  "      --data digits --points 100 --samples 64 --cka debiased --out bottleneck\n" \
  "  kernelscope-cli kernels --stack dense:8,dense:8 --data points.csv --label-column 1 \\\n" \
  "      --no-standardize --threads 2 --out linear\n"

typedef struct
{
  KsCliDataOptions data;
  char *stack_text;
  char *samples_text;
  char *threads_text;
  char *cka_text;
  char *tau_text;
  char *out;
  gboolean quiet;

  KsStack *stack;
  guint n_samples;
  guint n_threads;
  KsCkaKind cka_kind;
  double tau;

  /* The exit status of a failure that does not decide its own (see ks_cli_exit_for_error). */
  KsCliExit failure;
} KernelsCommand;

static void
kernels_command_clear (KernelsCommand *self)
{
  ks_cli_data_options_clear (&self->data);
  g_clear_pointer (&self->stack_text, g_free);
  g_clear_pointer (&self->samples_text, g_free);
  g_clear_pointer (&self->threads_text, g_free);
  g_clear_pointer (&self->cka_text, g_free);
  g_clear_pointer (&self->tau_text, g_free);
  g_clear_pointer (&self->out, g_free);
  g_clear_pointer (&self->stack, ks_stack_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KernelsCommand, kernels_command_clear)

static GOptionContext *
kernels_option_context (KernelsCommand *self)
{
  GOptionContext *context = g_option_context_new (NULL);
  const GOptionEntry entries[] = {
    { "stack", 's', 0, G_OPTION_ARG_STRING, &self->stack_text,
      "The network, e.g. dense:inf:wv=2,relu,dense:16,relu (required)", "SPEC" },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &self->samples_text,
      "Finite-width networks to draw (default: 16)", "S" },
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

  g_option_context_set_summary (context, KERNELS_SUMMARY);
  g_option_context_set_description (context, KERNELS_DESCRIPTION);
  g_option_context_add_main_entries (context, entries, NULL);
  ks_cli_data_options_add_entries (&self->data, context);
  return context;
}

static gboolean
kernels_command_finish (KernelsCommand *self,
                        GError        **error)
{
  if (!ks_cli_data_options_finish (&self->data, error)
      || !ks_cli_parse_positive_uint ("--samples", self->samples_text, &self->n_samples, error)
      || !ks_cli_parse_uint ("--threads", self->threads_text, &self->n_threads, error)
      || !ks_cli_parse_cka_kind ("--cka", self->cka_text, &self->cka_kind, error)
      || !ks_cli_parse_positive_double ("--tau", self->tau_text, &self->tau, error))
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

static KsExperiment *
kernels_experiment (KernelsCommand *self,
                    KsDataset      *data)
{
  KsExperiment *experiment = ks_experiment_new (self->stack, data);

  ks_experiment_set_n_points (experiment, self->data.n_points);
  ks_experiment_set_seed (experiment, self->data.seed);
  ks_experiment_set_standardize (experiment, !self->data.no_standardize);
  ks_experiment_set_n_samples (experiment, self->n_samples);
  ks_experiment_set_n_threads (experiment, self->n_threads);
  ks_experiment_set_cka (experiment, self->cka_kind, self->tau);
  ks_experiment_set_compute (experiment, KS_COMPUTE_ALL & ~KS_COMPUTE_POSTERIOR);
  return experiment;
}

static void
on_experiment_progress (const KsProgress *progress,
                        gpointer          user_data)
{
  ks_cli_job_set_progress (user_data, progress->stage, progress->fraction);
}

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
write_layer_kernels (KsCliOutputFolder *folder,
                     KsResult          *result,
                     GCancellable      *cancellable,
                     GError           **error)
{
  static const KsKernelKind kinds[] = {
    KS_KERNEL_NNGP, KS_KERNEL_NTK, KS_KERNEL_SAMPLE_MEAN, KS_KERNEL_SAMPLE_STD,
  };

  for (guint layer = 0; layer < ks_result_get_n_layers (result); layer++)
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        const gsl_matrix *kernel = ks_result_get_kernel (result, kinds[k], layer);
        g_autofree char *name = NULL;

        /* A kind the run had no reason to compute has no file. */
        if (kernel == NULL)
          continue;
        name = g_strdup_printf ("%s-%u.csv", ks_kernel_kind_to_string (kinds[k]), layer + 1);
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
  g_autofree char *json = json_to_string (summary, TRUE);
  g_autofree char *text = g_strconcat (json, "\n", NULL);
  g_autoptr(GFile) file = ks_cli_output_folder_add (folder, "summary.json");

  return ks_file_replace_contents (file, text, strlen (text), cancellable, error);
}

static gboolean
write_result (KernelsCommand *self,
              KsResult       *result,
              GCancellable   *cancellable,
              GError        **error)
{
  g_autoptr(KsCliOutputFolder) folder = ks_cli_output_folder_new (self->out, error);

  return folder != NULL
         && write_layer_kernels (folder, result, cancellable, error)
         && write_matrix (folder, "input.csv", ks_result_get_input_kernel (result),
                          cancellable, error)
         && write_labels (folder, ks_result_get_dataset (result), cancellable, error)
         && write_summary (folder, result, cancellable, error)
         && !g_cancellable_set_error_if_cancelled (cancellable, error)
         && ks_cli_output_folder_commit (folder, error);
}

static gboolean
run_kernels (KsCliJob *job,
             gpointer  user_data,
             GError  **error)
{
  KernelsCommand *self = user_data;
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(KsDataset) data = NULL;
  g_autoptr(KsExperiment) experiment = NULL;
  g_autoptr(KsResult) result = NULL;

  self->failure = KS_CLI_EXIT_BAD_INPUT;
  ks_cli_job_set_progress (job, "loading data", 0.0);
  data = ks_cli_data_options_open (&self->data, cancellable, error);
  if (data == NULL)
    return FALSE;
  experiment = kernels_experiment (self, data);
  if (!ks_experiment_validate (experiment, error))
    return FALSE;

  /* Everything is computed before the first file is written. */
  self->failure = KS_CLI_EXIT_FAILURE;
  result = ks_experiment_run (experiment, on_experiment_progress, job, cancellable, error);
  if (result == NULL)
    return FALSE;

  ks_cli_job_set_progress (job, "writing files", 1.0);
  return write_result (self, result, cancellable, error);
}

int
ks_cli_kernels (int    argc,
                char **argv)
{
  g_auto(KernelsCommand) self = {
    .n_samples = DEFAULT_N_SAMPLES,
    .cka_kind = KS_CKA_LINEAR,
    .tau = 1.0,
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  ks_cli_data_options_init (&self.data, DEFAULT_N_POINTS);
  context = kernels_option_context (&self);
  if (!ks_cli_parse_options (context, "kernels", &argc, &argv, &status))
    return status;
  if (!ks_cli_check_no_arguments (argc, argv, &error)
      || !kernels_command_finish (&self, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_BAD_INPUT);

  /* Fail before a long computation when the folder can never be written. */
  if (!ks_cli_output_folder_check (self.out, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_FAILURE);

  if (!ks_cli_job_run (run_kernels, &self, !self.quiet && isatty (STDERR_FILENO), &error))
    return ks_cli_report_error (error, self.failure);
  return KS_CLI_EXIT_SUCCESS;
}
