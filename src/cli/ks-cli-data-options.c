/* ks-cli-data-options.c: the options that choose the data points of a command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-data-options.h"

#include "ks-cli-common.h"
#include "ks-error.h"

#define DEFAULT_DATA "digits"
#define DEFAULT_SEED 1

void
ks_cli_data_options_init (KsCliDataOptions *options,
                          guint             default_n_points)
{
  *options = (KsCliDataOptions) {
    .data = DEFAULT_DATA,
    .label_column = KS_LABEL_COLUMN_LAST,
    .n_points = default_n_points,
    .seed = DEFAULT_SEED,
  };
}

void
ks_cli_data_options_clear (KsCliDataOptions *options)
{
  g_clear_pointer (&options->data_text, g_free);
  g_clear_pointer (&options->labels_path, g_free);
  g_clear_pointer (&options->label_column_text, g_free);
  g_clear_pointer (&options->points_text, g_free);
  g_clear_pointer (&options->seed_text, g_free);
}

void
ks_cli_data_options_add_entries (KsCliDataOptions *options,
                                 GOptionContext   *context)
{
  /* GLib copies the entries; their targets live in options. */
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &options->data_text,
      "Data set name or file (default: " DEFAULT_DATA ")", "NAME|FILE" },
    { "labels", 0, 0, G_OPTION_ARG_FILENAME, &options->labels_path,
      "Label file for IDX images", "FILE" },
    { "label-column", 0, 0, G_OPTION_ARG_STRING, &options->label_column_text,
      "Column of the class labels in a CSV file, counted from 1, or last or none "
      "(default: last)", "N|last|none" },
    { "points", 'p', 0, G_OPTION_ARG_STRING, &options->points_text,
      "Number of data points (default: 200 for kernels, 8 for spread)", "P" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &options->seed_text,
      "Seed of every random draw (default: 1)", "S" },
    { "no-standardize", 0, 0, G_OPTION_ARG_NONE, &options->no_standardize,
      "Keep the features as they are (default: mean 0, variance 1 each)", NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_add_main_entries (context, entries, NULL);
}

static gboolean
parse_label_column (const char *text,
                    int        *label_column,
                    GError    **error)
{
  guint64 column;

  if (text == NULL)
    return TRUE;
  if (g_strcmp0 (text, "last") == 0)
    *label_column = KS_LABEL_COLUMN_LAST;
  else if (g_strcmp0 (text, "none") == 0)
    *label_column = KS_LABEL_COLUMN_NONE;
  else if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT, &column, NULL))
    *label_column = (int) column - 1;
  else
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "--label-column: expected a column number counted from 1, 'last' or "
                   "'none', got '%s'", text);
      return FALSE;
    }
  return TRUE;
}

gboolean
ks_cli_data_options_finish (KsCliDataOptions *options,
                            GError          **error)
{
  if (options->data_text != NULL)
    {
      if (*options->data_text == '\0')
        {
          g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                       "--data: expected a data set name or a file, got ''");
          return FALSE;
        }
      options->data = options->data_text;
    }
  return parse_label_column (options->label_column_text, &options->label_column, error)
         && ks_cli_parse_positive_uint ("--points", options->points_text,
                                        &options->n_points, error)
         && ks_cli_parse_seed ("--seed", options->seed_text, &options->seed, error);
}

KsDataset *
ks_cli_data_options_open (const KsCliDataOptions *options,
                          GCancellable           *cancellable,
                          GError                **error)
{
  return ks_dataset_open (options->data, options->label_column, options->labels_path,
                          options->n_points, options->seed, cancellable, error);
}

KsDataset *
ks_cli_data_options_prepare (const KsCliDataOptions *options,
                             KsDataset              *full,
                             GError                **error)
{
  g_autoptr(KsDataset) subsample = ks_dataset_subsample (full, options->n_points,
                                                         options->seed, error);

  if (subsample == NULL)
    return NULL;
  if (options->no_standardize)
    return g_steal_pointer (&subsample);
  return ks_dataset_standardize (subsample);
}
