/* ks-bench.c: time the core's heavy computations; bench/run.sh sets them beside NumPy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Output: one line per row, "row <TAB> median seconds <TAB> key=value ...", and lines
 * starting with '#' that describe the machine.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench-common.h"
#include "ks-linalg.h"

/* From OpenBLAS (see bench-dgemm.c). */
extern char *openblas_get_config (void);
extern char *openblas_get_corename (void);

typedef struct
{
  const char *name;
  gboolean  (*run) (const BenchSizes *sizes);
} BenchRow;

static const BenchRow rows[] = {
  { "nngp", bench_run_nngp },
  { "sampler", bench_run_sampler },
  { "cka", bench_run_cka },
  { "dgemm", bench_run_dgemm },
};

static void
print_machine (const BenchSizes *sizes)
{
  const char *coretype = g_getenv ("OPENBLAS_CORETYPE");
  const char *l2_size = g_getenv ("OPENBLAS_L2_SIZE");

  printf ("# ks-bench: %u cores, BLAS %s (core %s), one BLAS thread per core worker\n",
          g_get_num_processors (), openblas_get_config (), openblas_get_corename ());
  printf ("# ks-bench: OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s, median of %u after a warm-up\n",
          coretype ? coretype : "(unset)", l2_size ? l2_size : "(unset)", sizes->reps);
  fflush (stdout);
}

static gboolean
row_selected (const char  *name,
              char       **only)
{
  return only == NULL || g_strv_contains ((const char * const *) only, name);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *only_text = NULL;
  g_auto(GStrv) only = NULL;
  gboolean quick = g_strcmp0 (g_getenv ("KS_BENCH_QUICK"), "1") == 0;
  int reps = 0;
  BenchSizes sizes;
  gboolean ok = TRUE;
  const GOptionEntry entries[] = {
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      "Small sizes, for development (also KS_BENCH_QUICK=1)", NULL },
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "Timed repetitions per row (at least 3)", "N" },
    { "only", 'o', 0, G_OPTION_ARG_STRING, &only_text,
      "Comma-separated rows to run: nngp, sampler, cka, dgemm", "ROWS" },
    { NULL }
  };

  context = g_option_context_new ("- time Kernelscope's core computations");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("ks-bench: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (reps != 0 && reps < 3)
    {
      g_printerr ("ks-bench: --reps must be at least 3 (got %d)\n", reps);
      return EXIT_FAILURE;
    }

  ks_core_init ();
  bench_sizes_init (&sizes, quick);
  if (reps > 0)
    sizes.reps = (guint) reps;
  if (only_text)
    only = g_strsplit (only_text, ",", -1);

  print_machine (&sizes);
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    if (row_selected (rows[i].name, only))
      ok &= rows[i].run (&sizes);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
