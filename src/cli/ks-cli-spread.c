/* ks-cli-spread.c: "kernelscope-cli spread", the prior variance of the top-layer kernel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-commands.h"

#include <stdio.h>

#include "ks-cli-common.h"
#include "ks-cli-data-options.h"
#include "ks-cli-job.h"
#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-experiment.h"
#include "ks-spread.h"

#define DEFAULT_N_POINTS 8
#define DEFAULT_N_SAMPLES 2000

#define SPREAD_HEADER "i,j,k0,mean_mc,variance_analytic,variance_mc,variance_mc_se\n"

#define SPREAD_SUMMARY \
  "Measures how much the kernel of the top layer (the last layer before any readout)\n" \
  "varies between networks drawn from the prior: for every pair of points i <= j, the\n" \
  "input kernel entry k0, the Monte Carlo mean and variance of the top-layer entry with\n" \
  "the standard error of that variance, and for deep linear stacks (identity\n" \
  "nonlinearities, no biases) the exact variance; NA for other stacks.\n" \
  "Writes CSV with the header\n" \
  "  " SPREAD_HEADER \
  "(i and j count from 1) to the standard output, or to --out, replaced atomically."

#define SPREAD_DESCRIPTION \
  KS_CLI_STACK_HELP \
  "\n" \
  KS_CLI_DATA_HELP \
  "\n" \
  "Exit status: 0 done, 1 the output file could not be written, 2 bad options or data,\n" \
  "130 interrupted.\n" \
  "\n" \
  "Examples:\n" \
  "  kernelscope-cli spread --stack dense:16,dense:16,dense:16\n" \
  "  kernelscope-cli spread --stack dense:8:wv=2,relu,dense:8:wv=2 --data iris \\\n" \
  "      --points 6 --samples 10000 --out spread.csv\n"

typedef struct
{
  KsCliDataOptions data;
  char *stack_text;
  char *samples_text;
  char *threads_text;
  char *out;

  KsStack *stack;
  guint n_samples;
  guint n_threads;

  char *table;  /* the CSV text, once computed */
  /* The exit status of a failure that does not decide its own (see ks_cli_exit_for_error). */
  KsCliExit failure;
} SpreadCommand;

static void
spread_command_clear (SpreadCommand *self)
{
  ks_cli_data_options_clear (&self->data);
  g_clear_pointer (&self->stack_text, g_free);
  g_clear_pointer (&self->samples_text, g_free);
  g_clear_pointer (&self->threads_text, g_free);
  g_clear_pointer (&self->out, g_free);
  g_clear_pointer (&self->stack, ks_stack_unref);
  g_clear_pointer (&self->table, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SpreadCommand, spread_command_clear)

static GOptionContext *
spread_option_context (SpreadCommand *self)
{
  GOptionContext *context = g_option_context_new (NULL);
  const GOptionEntry entries[] = {
    { "stack", 's', 0, G_OPTION_ARG_STRING, &self->stack_text,
      "The network, e.g. dense:16,dense:16 (required)", "SPEC" },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &self->samples_text,
      "Networks drawn for the Monte Carlo estimate (default: 2000)", "S" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &self->threads_text,
      "Worker threads, 0 for one per core (default: 0); results do not depend on it", "T" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &self->out,
      "Write the table to this file instead of the standard output", "FILE.csv" },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context, SPREAD_SUMMARY);
  g_option_context_set_description (context, SPREAD_DESCRIPTION);
  g_option_context_add_main_entries (context, entries, NULL);
  ks_cli_data_options_add_entries (&self->data, context);
  return context;
}

static gboolean
spread_command_finish (SpreadCommand *self,
                       GError       **error)
{
  if (!ks_cli_data_options_finish (&self->data, error)
      || !ks_cli_parse_positive_uint ("--samples", self->samples_text, &self->n_samples, error)
      || !ks_cli_parse_uint ("--threads", self->threads_text, &self->n_threads, error))
    return FALSE;
  if (self->out != NULL && *self->out == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--out: expected a file name, got ''");
      return FALSE;
    }
  self->stack = ks_cli_parse_stack (self->stack_text, error);
  return self->stack != NULL;
}

/* The sizes the kernels command would refuse are refused here too. */
static gboolean
validate_sizes (SpreadCommand *self,
                KsDataset     *full,
                GError       **error)
{
  g_autoptr(KsExperiment) experiment = ks_experiment_new (self->stack, full);

  ks_experiment_set_n_points (experiment, self->data.n_points);
  ks_experiment_set_n_samples (experiment, self->n_samples);
  return ks_experiment_validate (experiment, error);
}

/* Var(K_top) in closed form, or NULL (the NA column) when the stack has none. */
static gboolean
analytic_variance (const KsStack     *stack,
                   const gsl_matrix  *k0,
                   gsl_matrix       **variance,
                   GError           **error)
{
  g_autoptr(gsl_matrix) result = NULL;
  g_autoptr(GError) local_error = NULL;

  *variance = NULL;
  if (!ks_stack_is_deep_linear (stack))
    return TRUE;
  result = gsl_matrix_alloc (k0->size1, k0->size2);
  if (ks_spread_analytic_variance (stack, k0, result, &local_error))
    {
      *variance = g_steal_pointer (&result);
      return TRUE;
    }
  if (g_error_matches (local_error, KS_ERROR, KS_ERROR_UNSUPPORTED))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

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
format_table (const gsl_matrix       *k0,
              const gsl_matrix       *analytic,
              const KsSpreadEstimate *estimate)
{
  GString *text = g_string_new (SPREAD_HEADER);

  for (gsize i = 0; i < k0->size1; i++)
    for (gsize j = i; j < k0->size2; j++)
      {
        g_string_append_printf (text, "%zu,%zu", i + 1, j + 1);
        append_value (text, gsl_matrix_get (k0, i, j));
        append_value (text, gsl_matrix_get (estimate->mean, i, j));
        if (analytic != NULL)
          append_value (text, gsl_matrix_get (analytic, i, j));
        else
          g_string_append (text, ",NA");
        append_value (text, gsl_matrix_get (estimate->variance, i, j));
        append_value (text, gsl_matrix_get (estimate->variance_se, i, j));
        g_string_append_c (text, '\n');
      }
  return g_string_free (text, FALSE);
}

static gboolean
run_spread (KsCliJob *job,
            gpointer  user_data,
            GError  **error)
{
  SpreadCommand *self = user_data;
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(KsDataset) full = NULL;
  g_autoptr(KsDataset) points = NULL;
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(gsl_matrix) k0 = NULL;
  g_autoptr(gsl_matrix) analytic = NULL;
  g_autoptr(KsSpreadEstimate) estimate = NULL;

  self->failure = KS_CLI_EXIT_BAD_INPUT;
  full = ks_cli_data_options_open (&self->data, cancellable, error);
  if (full == NULL || !validate_sizes (self, full, error))
    return FALSE;
  points = ks_cli_data_options_prepare (&self->data, full, error);
  if (points == NULL)
    return FALSE;
  inputs = ks_dataset_input_matrix (points);
  k0 = ks_dataset_input_kernel (points);
  if (!analytic_variance (self->stack, k0, &analytic, error))
    return FALSE;

  self->failure = KS_CLI_EXIT_FAILURE;
  estimate = ks_spread_monte_carlo (self->stack, inputs, self->n_samples, self->data.seed,
                                    self->n_threads, cancellable, error);
  if (estimate == NULL)
    return FALSE;
  self->table = format_table (k0, analytic, estimate);
  return self->out == NULL
         || ks_cli_write_text_file (self->out, self->table, cancellable, error);
}

int
ks_cli_spread (int    argc,
               char **argv)
{
  g_auto(SpreadCommand) self = {
    .n_samples = DEFAULT_N_SAMPLES,
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  ks_cli_data_options_init (&self.data, DEFAULT_N_POINTS);
  context = spread_option_context (&self);
  if (!ks_cli_parse_options (context, "spread", &argc, &argv, &status))
    return status;
  if (!ks_cli_check_no_arguments (argc, argv, &error)
      || !spread_command_finish (&self, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_BAD_INPUT);
  if (self.out != NULL && !ks_cli_check_out_file (self.out, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_FAILURE);

  if (!ks_cli_job_run (run_spread, &self, FALSE, &error))
    return ks_cli_report_error (error, self.failure);
  if (self.out == NULL)
    fputs (self.table, stdout);
  return KS_CLI_EXIT_SUCCESS;
}
