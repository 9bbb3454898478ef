/* ks-cli-output-options.c: the outputs Y a command conditions on, and the readout that
 * explains them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-output-options.h"

#include "ks-cli-common.h"
#include "ks-csv-writer.h"
#include "ks-error.h"
#include "ks-linalg.h"

void
ks_cli_output_options_init (KsCliOutputOptions *options,
                            gboolean            with_output_channels)
{
  *options = (KsCliOutputOptions) {
    .with_output_channels = with_output_channels,
    .noise = KS_CLI_DEFAULT_NOISE,
  };
}

void
ks_cli_output_options_clear (KsCliOutputOptions *options)
{
  g_clear_pointer (&options->targets_path, g_free);
  g_clear_pointer (&options->noise_text, g_free);
  g_clear_pointer (&options->output_channels_text, g_free);
}

void
ks_cli_output_options_add_entries (KsCliOutputOptions *options,
                                   GOptionContext     *context)
{
  /* GLib copies the entries; their targets live in options. */
  const GOptionEntry entries[] = {
    { "targets", 'y', 0, G_OPTION_ARG_FILENAME, &options->targets_path,
      "Real-valued outputs, a CSV row per data point (default: one-hot labels)", "Y.csv" },
    { "noise", 0, 0, G_OPTION_ARG_STRING, &options->noise_text,
      "Noise variance of the readout appended to a stack without one (default: 0.1)", "V" },
    G_OPTION_ENTRY_NULL
  };
  const GOptionEntry channel_entries[] = {
    { "output-channels", 0, 0, G_OPTION_ARG_STRING, &options->output_channels_text,
      "Output channels N_OUT of the readout appended to a stack without one, the weight of "
      "the outputs (default: their number of columns)", "N" },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (options->with_output_channels)
    g_option_context_add_main_entries (context, channel_entries, NULL);
}

gboolean
ks_cli_output_options_finish (KsCliOutputOptions *options,
                              GError            **error)
{
  if (!ks_cli_parse_positive_double ("--noise", options->noise_text, &options->noise, error)
      || !ks_cli_parse_positive_uint ("--output-channels", options->output_channels_text,
                                      &options->output_channels, error))
    return FALSE;
  if (options->output_channels > KS_N_OUT_MAX)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "--output-channels: expected at most %u, got '%s'", KS_N_OUT_MAX,
                   options->output_channels_text);
      return FALSE;
    }
  return TRUE;
}

gboolean
ks_cli_output_options_load_targets (const KsCliOutputOptions *options,
                                    KsDataset                *full,
                                    GCancellable             *cancellable,
                                    GError                  **error)
{
  const char *path = options->targets_path;
  g_autoptr(GFile) file = NULL;
  g_autoptr(gsl_matrix) targets = NULL;
  guint n_points = ks_dataset_get_n_points (full);
  GError *local_error = NULL;

  if (path == NULL)
    return TRUE;
  file = g_file_new_for_commandline_arg (path);
  targets = ks_csv_read_matrix (file, cancellable, error);
  if (targets == NULL)
    return FALSE;
  if (targets->size1 != n_points)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s has %zu rows of targets, but the data set %s has %u points (one row "
                   "per point of the full data set)", path, targets->size1,
                   ks_dataset_get_name (full), n_points);
      return FALSE;
    }
  if (ks_dataset_set_targets (full, targets->size2, targets->data, &local_error))
    return TRUE;
  g_propagate_prefixed_error (error, local_error, "%s: ", path);
  return FALSE;
}

gsl_matrix *
ks_cli_output_options_get_outputs (const KsCliOutputOptions *options,
                                   KsDataset                *points,
                                   GError                  **error)
{
  gsl_matrix *outputs = ks_dataset_output_matrix (points);

  if (outputs == NULL)
    g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                 "the data set %s has no class labels: give the outputs with --targets",
                 ks_dataset_get_name (points));
  return outputs;
}

static char *
describe_outputs (const KsCliOutputOptions *options,
                  guint                     n_columns)
{
  if (options->targets_path != NULL)
    return g_strdup_printf ("the targets of %s have %u columns", options->targets_path,
                            n_columns);
  return g_strdup_printf ("the one-hot labels of the %u classes have %u columns", n_columns,
                          n_columns);
}

gboolean
ks_cli_output_options_match_readout (const KsCliOutputOptions *options,
                                     KsStack                  *stack,
                                     guint                     n_columns,
                                     GError                  **error)
{
  const KsLayer *readout = ks_stack_get_readout (stack);
  KsLayer appended;

  if (readout == NULL)
    {
      appended = ks_layer_readout (options->output_channels != 0 ? options->output_channels
                                                                 : n_columns,
                                   options->noise);
      return ks_stack_append (stack, &appended, error);
    }
  if (!options->with_output_channels && readout->width != n_columns)
    {
      g_autofree char *outputs = describe_outputs (options, n_columns);

      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "the readout has %u output channels, but %s: make them equal, or leave "
                   "the readout out to have it added", readout->width, outputs);
      return FALSE;
    }
  if (options->noise_text != NULL || options->output_channels_text != NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "%s an appended readout, but the stack has its own: give it there "
                   "(readout:N_OUT:noise=V)",
                   options->noise_text != NULL ? "--noise sets the noise of"
                                               : "--output-channels sets the channels of");
      return FALSE;
    }
  return TRUE;
}

KsDataset *
ks_cli_output_options_load_points (const KsCliOutputOptions *options,
                                   const KsCliDataOptions   *data,
                                   KsStack                  *stack,
                                   GCancellable             *cancellable,
                                   KsDataset               **full,
                                   gsl_matrix              **outputs,
                                   GError                  **error)
{
  g_autoptr(KsDataset) points = NULL;

  *full = ks_cli_data_options_open (data, cancellable, error);
  if (*full == NULL
      || !ks_cli_output_options_load_targets (options, *full, cancellable, error))
    return NULL;
  points = ks_cli_data_options_prepare (data, *full, error);
  if (points == NULL)
    return NULL;
  *outputs = ks_cli_output_options_get_outputs (options, points, error);
  if (*outputs == NULL
      || !ks_cli_output_options_match_readout (options, stack, (guint) (*outputs)->size2,
                                               error))
    return NULL;
  return g_steal_pointer (&points);
}
