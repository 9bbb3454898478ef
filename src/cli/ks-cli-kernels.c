/* ks-cli-kernels.c: "kernelscope-cli kernels", every layer's kernels written as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-commands.h"

#include "ks-cli-common.h"
#include "ks-cli-data-options.h"
#include "ks-cli-experiment-command.h"

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

static const KsKernelKind kernels_kinds[] = {
  KS_KERNEL_NNGP, KS_KERNEL_NTK, KS_KERNEL_SAMPLE_MEAN, KS_KERNEL_SAMPLE_STD,
};

static const KsCliExperimentCommand kernels_command = {
  .name = "kernels",
  .summary = KERNELS_SUMMARY,
  .description = KERNELS_DESCRIPTION,
  .extra_options = KS_CLI_EXTRA_SAMPLES,
  .compute = KS_COMPUTE_ALL & ~KS_COMPUTE_POSTERIOR,
  .kinds = kernels_kinds,
  .n_kinds = G_N_ELEMENTS (kernels_kinds),
};

int
ks_cli_kernels (int    argc,
                char **argv)
{
  return ks_cli_experiment_command_run (&kernels_command, argc, argv);
}
