/* ks-cli.c: kernelscope-cli, the experiments of Kernelscope without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ks-cli-commands.h"
#include "ks-cli-common.h"
#include "ks-linalg.h"

typedef struct
{
  const char *name;
  const char *summary;
  int (*run) (int argc, char **argv);
} KsCliCommand;

static const KsCliCommand commands[] = {
  { "kernels", "Per-layer NNGP, NTK and finite-width kernels of a network on data, as CSV",
    ks_cli_kernels },
  { "cka", "CKA similarity of two representations stored as CSV matrices", ks_cli_cka },
  { "spread", "Prior variance of the top-layer kernel entries, exact and Monte Carlo",
    ks_cli_spread },
  { "evidence", "Log evidence of a network against width, exact and estimated, as CSV",
    ks_cli_evidence },
  { "posterior", "Posterior kernels of every layer given the outputs (DKM or HMC), as CSV",
    ks_cli_posterior },
  { "predict", "Test accuracy or RMSE of the NNGP and the deep kernel machine, as CSV",
    ks_cli_predict },
  { "figure", "A figure of an experiment (kernels, CKA, spread) as PDF, SVG or PNG",
    ks_cli_figure },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  %s COMMAND [OPTION…]\n"
           "\n"
           "Kernels, prior spread and similarity of the representations of finite and\n"
           "infinitely wide neural networks.\n"
           "\n"
           "Commands:\n", KS_CLI_NAME);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help     Show this help\n"
           "  --version      Show the version\n"
           "\n"
           "'%s COMMAND --help' shows a command's options and examples.\n", KS_CLI_NAME);
}

static const KsCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* Runs command on the arguments after its name; argv[0] becomes e.g. "kernelscope-cli
 * kernels", so that the command's usage line reads right. */
static int
run_command (const KsCliCommand *command,
             int                 argc,
             char              **argv)
{
  g_autofree char *program = g_strdup_printf ("%s %s", KS_CLI_NAME, command->name);

  argv[0] = program;
  return command->run (argc, argv);
}

static int
run_help (int    argc,
          char **argv)
{
  const KsCliCommand *command = argc > 2 ? find_command (argv[2]) : NULL;
  char *help_argv[] = { NULL, (char *) "--help", NULL };

  if (command == NULL)
    {
      print_usage (stdout);
      return argc > 2 ? KS_CLI_EXIT_BAD_INPUT : KS_CLI_EXIT_SUCCESS;
    }
  return run_command (command, 2, help_argv);
}

int
main (int    argc,
      char **argv)
{
  const KsCliCommand *command;

  setlocale (LC_ALL, "");
  ks_core_init ();

  if (argc < 2)
    {
      print_usage (stderr);
      return KS_CLI_EXIT_BAD_INPUT;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    return run_help (argc, argv);
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("%s %s\n", KS_CLI_NAME, KS_VERSION);
      return KS_CLI_EXIT_SUCCESS;
    }

  command = find_command (argv[1]);
  if (command == NULL)
    {
      fprintf (stderr, "%s: unknown command '%s' (see '%s --help')\n",
               KS_CLI_NAME, argv[1], KS_CLI_NAME);
      return KS_CLI_EXIT_BAD_INPUT;
    }
  return run_command (command, argc - 1, argv + 1);
}
