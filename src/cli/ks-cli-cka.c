/* ks-cli-cka.c: "kernelscope-cli cka", the similarity of two representations in CSV files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-commands.h"

#include <stdio.h>

#include "ks-cka.h"
#include "ks-cli-common.h"
#include "ks-cli-job.h"
#include "ks-csv-writer.h"
#include "ks-error.h"
#include "ks-linalg.h"

#define CKA_SUMMARY \
  "Prints the centered kernel alignment (CKA) of two representations of the same points,\n" \
  "a number from 0 (unrelated) to 1 (the same up to rotation and scale), alone on a line\n" \
  "with 10 significant digits.\n" \
  "A.csv and B.csv hold numbers separated by commas or white space, no header, one row\n" \
  "per point (the same points in the same order in both files): features by default, any\n" \
  "number of columns each; with --gram, square Gram (kernel) matrices of the same size."

#define CKA_DESCRIPTION \
  "Kinds: linear compares X X^T and Y Y^T; rbf compares Gaussian kernels whose bandwidth\n" \
  "is tau times the median distance; debiased uses the unbiased HSIC estimator (needs\n" \
  "at least 4 points).\n" \
  "\n" \
  "Exit status: 0 done, 2 bad options or files, 130 interrupted.\n" \
  "\n" \
  "Examples:\n" \
  "  kernelscope-cli cka layer1.csv layer2.csv\n" \
  "  kernelscope-cli cka --kind rbf --tau 0.5 features-a.csv features-b.csv\n" \
  "  kernelscope-cli cka --gram out/nngp-1.csv out/sample-mean-1.csv\n"

typedef struct
{
  char *kind_text;
  char *tau_text;
  gboolean gram;
  const char *path_a;
  const char *path_b;

  KsCkaKind kind;
  double tau;
  double cka;
} CkaCommand;

static void
cka_command_clear (CkaCommand *self)
{
  g_clear_pointer (&self->kind_text, g_free);
  g_clear_pointer (&self->tau_text, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CkaCommand, cka_command_clear)

static GOptionContext *
cka_option_context (CkaCommand *self)
{
  GOptionContext *context = g_option_context_new ("A.csv B.csv");
  const GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &self->kind_text,
      "linear, rbf or debiased (default: linear)", "KIND" },
    { "tau", 0, 0, G_OPTION_ARG_STRING, &self->tau_text,
      "Bandwidth of the rbf kind, relative to the median distance (default: 1)", "T" },
    { "gram", 'g', 0, G_OPTION_ARG_NONE, &self->gram,
      "The files hold square Gram matrices, not features", NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context, CKA_SUMMARY);
  g_option_context_set_description (context, CKA_DESCRIPTION);
  g_option_context_add_main_entries (context, entries, NULL);
  return context;
}

static gboolean
cka_command_finish (CkaCommand *self,
                    int         argc,
                    char      **argv,
                    GError    **error)
{
  if (argc != 3)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "cka: expected two files, A.csv and B.csv, got %d", argc - 1);
      return FALSE;
    }
  self->path_a = argv[1];
  self->path_b = argv[2];
  return ks_cli_parse_cka_kind ("--kind", self->kind_text, &self->kind, error)
         && ks_cli_parse_positive_double ("--tau", self->tau_text, &self->tau, error);
}

static gsl_matrix *
read_matrix (const char   *path,
             GCancellable *cancellable,
             GError      **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

  return ks_csv_read_matrix (file, cancellable, error);
}

static gboolean
check_shapes (CkaCommand       *self,
              const gsl_matrix *a,
              const gsl_matrix *b,
              GError          **error)
{
  const char *paths[] = { self->path_a, self->path_b };
  const gsl_matrix *matrices[] = { a, b };

  if (a->size1 != b->size1)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "%s has %zu rows but %s has %zu: the rows must be the same points",
                   self->path_a, a->size1, self->path_b, b->size1);
      return FALSE;
    }
  if (!self->gram)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (matrices[i]->size1 != matrices[i]->size2)
      {
        g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                     "%s is %zu x %zu, not a square Gram matrix as --gram needs",
                     paths[i], matrices[i]->size1, matrices[i]->size2);
        return FALSE;
      }
  return TRUE;
}

static gboolean
run_cka (KsCliJob *job,
         gpointer  user_data,
         GError  **error)
{
  CkaCommand *self = user_data;
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(gsl_matrix) a = NULL;
  g_autoptr(gsl_matrix) b = NULL;

  a = read_matrix (self->path_a, cancellable, error);
  if (a == NULL)
    return FALSE;
  b = read_matrix (self->path_b, cancellable, error);
  if (b == NULL || !check_shapes (self, a, b, error))
    return FALSE;

  if (self->gram)
    return ks_cka (a, b, self->kind, self->tau, &self->cka, error);
  return ks_cka_features (a, b, self->kind, self->tau, &self->cka, error);
}

int
ks_cli_cka (int    argc,
            char **argv)
{
  g_auto(CkaCommand) self = {
    .kind = KS_CKA_LINEAR,
    .tau = 1.0,
  };
  g_autoptr(GOptionContext) context = cka_option_context (&self);
  g_autoptr(GError) error = NULL;
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  int status;

  if (!ks_cli_parse_options (context, "cka", &argc, &argv, &status))
    return status;
  if (!cka_command_finish (&self, argc, argv, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_BAD_INPUT);

  /* Unreadable input files are bad input too: nothing else can fail here. */
  if (!ks_cli_job_run (run_cka, &self, FALSE, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_BAD_INPUT);

  /* '#' keeps the trailing zeros, so the value always shows 10 significant digits. */
  printf ("%s\n", g_ascii_formatd (text, sizeof text, "%#.10g", self.cka));
  return KS_CLI_EXIT_SUCCESS;
}
