/* ks-cli-common.h: what the kernelscope-cli commands share: exit statuses, error
 * reporting and the values of options
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ks-cka.h"
#include "ks-stack.h"

G_BEGIN_DECLS

#define KS_CLI_NAME "kernelscope-cli"

typedef enum
{
  KS_CLI_EXIT_SUCCESS   = 0,
  KS_CLI_EXIT_FAILURE   = 1,    /* input/output and other failures */
  KS_CLI_EXIT_BAD_INPUT = 2,    /* options, stack spec or data the program cannot use */
  KS_CLI_EXIT_CANCELLED = 130,  /* interrupted by SIGINT or SIGTERM */
} KsCliExit;

/* The exit status for error: cancellation and the errors of bad input (KS_ERROR,
 * G_OPTION_ERROR) decide it themselves; anything else gets otherwise. */
KsCliExit    ks_cli_exit_for_error        (const GError *error,
                                           KsCliExit     otherwise);
/* Prints "kernelscope-cli: " and the message on stderr; returns ks_cli_exit_for_error (). */
int          ks_cli_report_error          (const GError *error,
                                           KsCliExit     otherwise);

/* Parses the command's options; a usage problem becomes a message and an exit status of 2
 * in *exit_status. The context's help and examples print on --help (exit status 0). */
gboolean     ks_cli_parse_options         (GOptionContext *context,
                                           const char     *command,
                                           int            *argc,
                                           char         ***argv,
                                           int            *exit_status);

/* Values of options, with messages such as "--samples: expected a positive integer, got
 * 'abc'". A NULL text leaves *value unchanged (the option was not given). */
gboolean     ks_cli_parse_positive_uint   (const char *option,
                                           const char *text,
                                           guint      *value,
                                           GError    **error);
gboolean     ks_cli_parse_uint            (const char *option,
                                           const char *text,
                                           guint      *value,
                                           GError    **error);
gboolean     ks_cli_parse_seed            (const char *option,
                                           const char *text,
                                           guint64    *value,
                                           GError    **error);
gboolean     ks_cli_parse_positive_double (const char *option,
                                           const char *text,
                                           double     *value,
                                           GError    **error);
gboolean     ks_cli_parse_cka_kind        (const char *option,
                                           const char *text,
                                           KsCkaKind  *value,
                                           GError    **error);
/* "1,2,4,inf": widths from 1 to KS_WIDTH_MAX, or inf (KS_WIDTH_INFINITE), for the
 * option named (e.g. --widths). Returns an array of guint. */
GArray      *ks_cli_parse_widths          (const char *option,
                                           const char *text,
                                           GError    **error);
/* "0.1,1,10": positive numbers; *texts (may be NULL) gets them as given, for tables. Returns
 * an array of double. */
GArray      *ks_cli_parse_width_scales    (const char *option,
                                           const char *text,
                                           GStrv      *texts,
                                           GError    **error);
/* A fraction strictly between 0 and 1 (--test-fraction). */
gboolean     ks_cli_parse_fraction        (const char *option,
                                           const char *text,
                                           double     *value,
                                           GError    **error);

/* The network of --stack, which every command that has it requires. */
KsStack     *ks_cli_parse_stack           (const char *text,
                                           GError    **error);
/* For commands that print a table or write it to --out FILE: fails before the
 * computation when the file's folder does not exist, and replaces the file atomically. */
gboolean     ks_cli_check_out_file        (const char    *out,
                                           GError       **error);
/* --out, when given, must name a file. */
gboolean     ks_cli_check_out_name        (const char    *out,
                                           GError       **error);
gboolean     ks_cli_write_text_file       (const char    *out,
                                           const char    *text,
                                           GCancellable  *cancellable,
                                           GError       **error);

/* --threads, --quiet and --out, for commands that run a job and print a table. */
void         ks_cli_add_job_entries       (GOptionContext *context,
                                           char          **threads_text,
                                           gboolean       *quiet,
                                           char          **out);

/* Refuses what option parsing left over, beyond argv[0]. */
gboolean     ks_cli_check_no_arguments    (int         argc,
                                           char      **argv,
                                           GError    **error);

/* The help text on --stack, for a command's description. */
#define KS_CLI_STACK_HELP \
  "Stack: layers separated by commas, input first. dense:WIDTH[:wv=SW2][:bv=SB2] with\n" \
  "WIDTH a number or inf (weight variance sw2, default 1; bias variance sb2, default 0);\n" \
  "the nonlinearities identity, relu, erf, tanh, gelu; readout:N_OUT[:noise=S2] last.\n"

G_END_DECLS
