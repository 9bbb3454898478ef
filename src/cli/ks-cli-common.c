/* ks-cli-common.c: exit statuses, error reporting and option values of kernelscope-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-common.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ks-csv-writer.h"
#include "ks-error.h"

KsCliExit
ks_cli_exit_for_error (const GError *error,
                       KsCliExit     otherwise)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return KS_CLI_EXIT_CANCELLED;
  if (error->domain == KS_ERROR || error->domain == G_OPTION_ERROR)
    return KS_CLI_EXIT_BAD_INPUT;
  return otherwise;
}

int
ks_cli_report_error (const GError *error,
                     KsCliExit     otherwise)
{
  KsCliExit status = ks_cli_exit_for_error (error, otherwise);

  if (status == KS_CLI_EXIT_CANCELLED)
    fprintf (stderr, "%s: cancelled, nothing was written\n", KS_CLI_NAME);
  else
    fprintf (stderr, "%s: %s\n", KS_CLI_NAME, error->message);
  return status;
}

gboolean
ks_cli_parse_options (GOptionContext *context,
                      const char     *command,
                      int            *argc,
                      char         ***argv,
                      int            *exit_status)
{
  g_autoptr(GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;

  fprintf (stderr, "%s: %s\n(see '%s %s --help')\n",
           KS_CLI_NAME, error->message, KS_CLI_NAME, command);
  *exit_status = KS_CLI_EXIT_BAD_INPUT;
  return FALSE;
}

static gboolean
parse_unsigned (const char *option,
                const char *text,
                guint64     min,
                guint64     max,
                const char *expected,
                guint64    *value,
                GError    **error)
{
  g_autoptr(GError) number_error = NULL;
  guint64 parsed;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &parsed, &number_error)
      || parsed < min)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "%s: expected %s, got '%s'", option, expected, text);
      return FALSE;
    }
  if (parsed > max)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "%s: expected %s no larger than %" G_GUINT64_FORMAT ", got '%s'",
                   option, expected, max, text);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

gboolean
ks_cli_parse_positive_uint (const char *option,
                            const char *text,
                            guint      *value,
                            GError    **error)
{
  guint64 parsed;

  if (text == NULL)
    return TRUE;
  if (!parse_unsigned (option, text, 1, G_MAXUINT, "a positive integer", &parsed, error))
    return FALSE;
  *value = (guint) parsed;
  return TRUE;
}

gboolean
ks_cli_parse_uint (const char *option,
                   const char *text,
                   guint      *value,
                   GError    **error)
{
  guint64 parsed;

  if (text == NULL)
    return TRUE;
  if (!parse_unsigned (option, text, 0, G_MAXUINT, "a non-negative integer", &parsed, error))
    return FALSE;
  *value = (guint) parsed;
  return TRUE;
}

gboolean
ks_cli_parse_seed (const char *option,
                   const char *text,
                   guint64    *value,
                   GError    **error)
{
  if (text == NULL)
    return TRUE;
  return parse_unsigned (option, text, 0, G_MAXUINT64, "a non-negative integer", value, error);
}

gboolean
ks_cli_parse_positive_double (const char *option,
                              const char *text,
                              double     *value,
                              GError    **error)
{
  char *end = NULL;
  double parsed;

  if (text == NULL)
    return TRUE;
  parsed = g_ascii_strtod (text, &end);
  if (*text == '\0' || end == text || *end != '\0' || !isfinite (parsed) || !(parsed > 0.0))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "%s: expected a positive number, got '%s'", option, text);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

gboolean
ks_cli_parse_cka_kind (const char *option,
                       const char *text,
                       KsCkaKind  *value,
                       GError    **error)
{
  static const struct { const char *name; KsCkaKind kind; } kinds[] = {
    { "linear", KS_CKA_LINEAR },
    { "rbf", KS_CKA_RBF },
    { "debiased", KS_CKA_DEBIASED },
  };

  if (text == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (text, kinds[i].name) == 0)
      {
        *value = kinds[i].kind;
        return TRUE;
      }
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
               "%s: expected linear, rbf or debiased, got '%s'", option, text);
  return FALSE;
}

KsStack *
ks_cli_parse_stack (const char  *text,
                    GError     **error)
{
  if (text == NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "--stack is required, e.g. --stack dense:inf:wv=2,relu,dense:64:wv=2,relu");
      return NULL;
    }
  return ks_stack_parse (text, error);
}

gboolean
ks_cli_check_out_file (const char  *out,
                       GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (out);

  if (g_file_test (folder, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "Cannot write %s: %s is not a folder", out, folder);
  return FALSE;
}

gboolean
ks_cli_write_text_file (const char   *out,
                        const char   *text,
                        GCancellable *cancellable,
                        GError      **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (out);

  return ks_file_replace_contents (file, text, strlen (text), cancellable, error);
}

gboolean
ks_cli_check_no_arguments (int     argc,
                           char  **argv,
                           GError **error)
{
  if (argc <= 1)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
               "unexpected argument '%s'", argv[1]);
  return FALSE;
}

GArray *
ks_cli_parse_widths (const char  *option,
                     const char  *text,
                     GError     **error)
{
  g_auto(GStrv) tokens = g_strsplit (text, ",", -1);
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = g_strstrip (tokens[i]);
      guint64 width;

      if (g_strcmp0 (token, "inf") == 0)
        width = KS_WIDTH_INFINITE;
      else if (!g_ascii_string_to_unsigned (token, 10, 1, KS_WIDTH_MAX, &width, NULL))
        {
          g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                       "%s: expected widths from 1 to %u or inf, separated by commas, "
                       "got '%s' in '%s'", option, KS_WIDTH_MAX, token, text);
          return NULL;
        }
      g_array_append_val (widths, width);
    }
  if (widths->len == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "%s: expected widths separated by commas, e.g. 1,2,4,inf, got '%s'",
                   option, text);
      return NULL;
    }
  return g_steal_pointer (&widths);
}

GArray *
ks_cli_parse_width_scales (const char  *option,
                           const char  *text,
                           GStrv       *texts,
                           GError     **error)
{
  g_auto(GStrv) tokens = g_strsplit (text, ",", -1);
  g_autoptr(GArray) scales = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      double scale = 0.0;

      if (!ks_cli_parse_positive_double (option, g_strstrip (tokens[i]), &scale, NULL))
        {
          g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                       "%s: expected positive numbers separated by commas, got '%s' in "
                       "'%s'", option, tokens[i], text);
          return NULL;
        }
      g_array_append_val (scales, scale);
    }
  if (scales->len == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "%s: expected positive numbers separated by commas, e.g. 0.1,1,10, got "
                   "'%s'", option, text);
      return NULL;
    }
  if (texts != NULL)
    *texts = g_steal_pointer (&tokens);
  return g_steal_pointer (&scales);
}

gboolean
ks_cli_parse_fraction (const char  *option,
                       const char  *text,
                       double      *value,
                       GError     **error)
{
  double parsed = 0.0;

  if (text == NULL)
    return TRUE;
  if (!ks_cli_parse_positive_double (option, text, &parsed, NULL) || parsed >= 1.0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "%s: expected a fraction strictly between 0 and 1, got '%s'", option,
                   text);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

gboolean
ks_cli_check_out_name (const char  *out,
                       GError     **error)
{
  if (out == NULL || *out != '\0')
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--out: expected a file name, got ''");
  return FALSE;
}

void
ks_cli_add_job_entries (GOptionContext  *context,
                        char           **threads_text,
                        gboolean        *quiet,
                        char           **out)
{
  const GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_STRING, threads_text,
      "Worker threads, 0 for one per core (default: 0); results do not depend on it", "T" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, quiet,
      "Show no progress", NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, out,
      "Write the table to this file instead of the standard output", "FILE.csv" },
    G_OPTION_ENTRY_NULL
  };

  /* The context copies the entries; they follow the command's own in --help. */
  g_option_context_add_main_entries (context, entries, NULL);
}
