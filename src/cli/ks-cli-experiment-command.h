/* ks-cli-experiment-command.h: the commands that run one experiment and write every
 * layer's kernels into a folder (kernels, posterior)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * They share --stack, the data options, --cka, --tau, --threads, --quiet and --out, one
 * run of ks_experiment_run () and an output folder whose files appear together or not at
 * all: KIND-L.csv for each kind the command writes and each layer L = 1, 2, ... in stack
 * order, input.csv, labels.csv (when the data has labels) and summary.json.
 */
#pragma once

#include "ks-experiment.h"

G_BEGIN_DECLS

typedef enum
{
  KS_CLI_EXTRA_SAMPLES   = 1 << 0,  /* --samples: finite-width prior networks */
  KS_CLI_EXTRA_POSTERIOR = 1 << 1,  /* --targets, --noise, --output-channels, --method,
                                     * --width-scale, --draws */
} KsCliExtraOptions;

typedef struct
{
  const char         *name;         /* as typed after kernelscope-cli */
  const char         *summary;      /* --help, above the options */
  const char         *description;  /* --help, below the options */
  KsCliExtraOptions   extra_options;
  KsComputeFlags      compute;
  const KsKernelKind *kinds;        /* the kinds written per layer */
  guint               n_kinds;
} KsCliExperimentCommand;

/* Parses argv (argv[0] names the command) and runs it; returns the exit status. */
int          ks_cli_experiment_command_run (const KsCliExperimentCommand *command,
                                            int                           argc,
                                            char                        **argv);

G_END_DECLS
