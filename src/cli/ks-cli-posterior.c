/* ks-cli-posterior.c: "kernelscope-cli posterior", every layer's kernel after conditioning
 * on the outputs, written as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-commands.h"

#include "ks-cli-common.h"
#include "ks-cli-data-options.h"
#include "ks-cli-experiment-command.h"
#include "ks-cli-output-options.h"

#define POSTERIOR_SUMMARY \
  "Computes the posterior kernel of every layer of a network given the outputs of the\n" \
  "data: by the deep kernel machine (dkm; any stack, finite widths weighted by nu_l =\n" \
  "width scale x N_l) or by Hamiltonian Monte Carlo over the weights of the finite network\n" \
  "(hmc; every dense layer finite, identity, relu or erf; the posterior mean Gram matrix).\n" \
  "Writes into the output folder, replacing files of the same names:\n" \
  "  posterior-L.csv  for each layer L = 1, 2, ... in stack order (nonlinearities and\n" \
  "      readout count as layers, as 'kernels' numbers them), P x P each\n" \
  "  input.csv      the input kernel K0 = X X^T / D\n" \
  "  labels.csv     the class of each point, one a line, in the kernels' order\n" \
  "  summary.json   the settings, CKA tables, timings and the posterior's diagnostics (dkm:\n" \
  "      status, iterations, objective, relative gradient norm; hmc: acceptance rate,\n" \
  "      step size, draws, effective sample sizes)\n" \
  "The files appear together or not at all."

#define POSTERIOR_DESCRIPTION \
  KS_CLI_STACK_HELP \
  "\n" \
  KS_CLI_DATA_HELP \
  "\n" \
  KS_CLI_OUTPUT_HELP \
  "--output-channels N appends readout:N instead: for dkm, N is the weight nu_out of the\n" \
  "outputs; hmc needs N equal to the outputs' columns.\n" \
  "\n" \
  "Exit status: 0 done, 1 a file could not be written, 2 bad options or data (or a stack\n" \
  "the method does not support), 130 interrupted.\n" \
  "\n" \
  "Examples:\n" \
  "  kernelscope-cli posterior --stack dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf:wv=2 \\\n" \
  "      --data digits --points 200 --out bottleneck-posterior\n" \
  "  kernelscope-cli posterior --stack dense:8,relu,dense:8,relu --data xor --points 40 \\\n" \
  "      --method hmc --draws 200 --out hmc\n" \
  "  kernelscope-cli posterior --stack dense:4,dense:4 --data points.csv --label-column none \\\n" \
  "      --targets y.csv --noise 0.05 --width-scale 0.5 --out linear\n"

static const KsKernelKind posterior_kinds[] = {
  KS_KERNEL_POSTERIOR,
};

static const KsCliExperimentCommand posterior_command = {
  .name = "posterior",
  .summary = POSTERIOR_SUMMARY,
  .description = POSTERIOR_DESCRIPTION,
  .extra_options = KS_CLI_EXTRA_POSTERIOR,
  .compute = KS_COMPUTE_POSTERIOR | KS_COMPUTE_CKA,
  .kinds = posterior_kinds,
  .n_kinds = G_N_ELEMENTS (posterior_kinds),
};

int
ks_cli_posterior (int    argc,
                  char **argv)
{
  return ks_cli_experiment_command_run (&posterior_command, argc, argv);
}
