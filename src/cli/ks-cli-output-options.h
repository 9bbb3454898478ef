/* ks-cli-output-options.h: the outputs Y a command conditions on, and the readout that
 * explains them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-cli-data-options.h"
#include "ks-dataset.h"
#include "ks-stack.h"

G_BEGIN_DECLS

#define KS_CLI_DEFAULT_NOISE 0.1

/* --targets, --noise and, for commands whose readout may weight the outputs differently
 * from their number of columns (the deep kernel machine's nu_out), --output-channels. */
typedef struct
{
  /* As given on the command line; NULL when not given. */
  char     *targets_path;
  char     *noise_text;
  char     *output_channels_text;
  gboolean  with_output_channels;

  /* Set by ks_cli_output_options_finish () from the texts and the defaults. */
  double    noise;
  guint     output_channels;  /* 0: as many as the outputs have columns */
} KsCliOutputOptions;

void         ks_cli_output_options_init   (KsCliOutputOptions *options,
                                           gboolean            with_output_channels);
void         ks_cli_output_options_clear  (KsCliOutputOptions *options);
void         ks_cli_output_options_add_entries (KsCliOutputOptions *options,
                                           GOptionContext     *context);
gboolean     ks_cli_output_options_finish (KsCliOutputOptions *options,
                                           GError            **error);

/* Replaces the targets of the full data set (before subsampling) by the rows of --targets,
 * when given: one row per point of full. */
gboolean     ks_cli_output_options_load_targets (const KsCliOutputOptions *options,
                                           KsDataset                *full,
                                           GCancellable             *cancellable,
                                           GError                  **error);
/* Y of the points: the targets, else the one-hot labels; an error naming the data set
 * when it has neither. */
gsl_matrix  *ks_cli_output_options_get_outputs (const KsCliOutputOptions *options,
                                           KsDataset                *points,
                                           GError                  **error);
/* Appends readout:N_OUT:noise=V to a stack without a readout, N_OUT from --output-channels
 * or the outputs' n_columns and V from --noise. A readout of the stack's own refuses
 * --noise and --output-channels (they belong in its spec) and, without the
 * --output-channels option, must have n_columns channels. */
gboolean     ks_cli_output_options_match_readout (const KsCliOutputOptions *options,
                                           KsStack                  *stack,
                                           guint                     n_columns,
                                           GError                  **error);

/* The points of --data and their outputs Y, the stack's readout matched to them: opens
 * the full data set (*full), replaces its targets by --targets and draws the subsample,
 * which carries the targets along with its points. */
KsDataset   *ks_cli_output_options_load_points (const KsCliOutputOptions *options,
                                           const KsCliDataOptions   *data,
                                           KsStack                  *stack,
                                           GCancellable             *cancellable,
                                           KsDataset               **full,
                                           gsl_matrix              **outputs,
                                           GError                  **error);

/* The help text on the outputs, for a command's description. */
#define KS_CLI_OUTPUT_HELP \
  "Outputs: the one-hot class labels, or the real targets of --targets: a CSV file with\n" \
  "one row per point of the full data set (before --points draws its subsample) and one\n" \
  "column per output. A stack without a readout gets readout:N_OUT:noise=V appended,\n" \
  "N_OUT the number of columns of the outputs and V from --noise.\n"

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KsCliOutputOptions, ks_cli_output_options_clear)

G_END_DECLS
