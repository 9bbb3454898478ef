/* ks-cli-data-options.h: the options that choose the data points of a command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ks-dataset.h"

G_BEGIN_DECLS

/* --data, --labels, --label-column, --points, --seed and --no-standardize. */
typedef struct
{
  /* As given on the command line; NULL when not given. */
  char     *data_text;
  char     *labels_path;
  char     *label_column_text;
  char     *points_text;
  char     *seed_text;
  gboolean  no_standardize;

  /* Set by ks_cli_data_options_finish () from the texts and the defaults. */
  const char *data;
  int         label_column;
  guint       n_points;
  guint64     seed;
} KsCliDataOptions;

void         ks_cli_data_options_init     (KsCliDataOptions *options,
                                           guint             default_n_points);
void         ks_cli_data_options_clear    (KsCliDataOptions *options);
void         ks_cli_data_options_add_entries (KsCliDataOptions *options,
                                           GOptionContext   *context);
gboolean     ks_cli_data_options_finish   (KsCliDataOptions *options,
                                           GError          **error);
/* The full data set the options name (not yet subsampled). */
KsDataset   *ks_cli_data_options_open     (const KsCliDataOptions *options,
                                           GCancellable           *cancellable,
                                           GError                **error);
/* The points the kernels see: the subsample of the options' size and seed, standardised
 * unless --no-standardize; the same steps ks_experiment_run () takes. */
KsDataset   *ks_cli_data_options_prepare  (const KsCliDataOptions *options,
                                           KsDataset              *full,
                                           GError                **error);

/* The help text that the data options share, for a command's description. */
#define KS_CLI_DATA_HELP \
  "Data: --data takes a bundled set (digits, iris), a generated one (ring, spirals,\n" \
  "blobs, xor; --points and --seed decide its size and draw) or a file: CSV (comma or\n" \
  "white-space separated, optional header line, .gz accepted) or MNIST IDX images with\n" \
  "--labels for the label file. --label-column counts from 1 (column 1 is the first);\n" \
  "'last' (the default) takes the last column, 'none' reads every column as a feature.\n" \
  "--points draws a subsample stratified by class, sorted by class.\n"

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KsCliDataOptions, ks_cli_data_options_clear)

G_END_DECLS
