/* ks-cli-commands.h: the commands of kernelscope-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each takes the command's arguments (argv[0] names the command, e.g. "kernelscope-cli
 * kernels") and returns the exit status. */
int          ks_cli_kernels               (int    argc,
                                           char **argv);
int          ks_cli_cka                   (int    argc,
                                           char **argv);
int          ks_cli_spread                (int    argc,
                                           char **argv);
int          ks_cli_evidence              (int    argc,
                                           char **argv);
int          ks_cli_posterior             (int    argc,
                                           char **argv);
int          ks_cli_predict               (int    argc,
                                           char **argv);
int          ks_cli_figure                (int    argc,
                                           char **argv);

G_END_DECLS
