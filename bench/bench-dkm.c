/* bench-dkm.c: the deep kernel machine against its SciPy reference (dkm_reference.py)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Solves the DKM of the bundled digits (P points, stratified, standardised; one-hot labels)
 * for the stack dense:inf:wv=2,relu followed by DEPTH x (dense:WIDTH:wv=2,relu) and
 * readout:10:noise=0.1, to a relative gradient norm of TOLERANCE, from the NNGP. It writes
 * the input kernel, the outputs, the stack and the solution into DIR, where
 * dkm_reference.py reads the same problem and solves it with scipy.optimize.minimize
 * (L-BFGS-B):
 *   ks-bench-dkm --dir DIR && python3 bench/dkm_reference.py DIR
 * Then it times a warm start after a 10% change of every width.
 *
 * Output, like ks-bench: "row <TAB> seconds <TAB> key=value ..." and '#' comment lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks-csv-writer.h"
#include "ks-dataset.h"
#include "ks-dkm.h"
#include "ks-linalg.h"

/* From OpenBLAS. */
extern char *openblas_get_config (void);

typedef struct
{
  guint   points;
  guint   depth;
  guint   width;
  double  tolerance;
  guint   threads;
  guint64 seed;
} DkmBenchSizes;

static char *
stack_spec (guint width,
            guint depth)
{
  g_autoptr(GString) spec = g_string_new ("dense:inf:wv=2,relu");

  for (guint l = 0; l < depth; l++)
    g_string_append_printf (spec, ",dense:%u:wv=2,relu", width);
  g_string_append (spec, ",readout:10:noise=0.1");
  return g_string_free (g_steal_pointer (&spec), FALSE);
}

static gboolean
load_digits (const DkmBenchSizes *sizes,
             gsl_matrix         **k0,
             gsl_matrix         **y,
             GError             **error)
{
  g_autoptr(KsDataset) digits = ks_dataset_load_bundled ("digits", error);
  g_autoptr(KsDataset) subset = NULL;
  g_autoptr(KsDataset) standardized = NULL;

  if (digits == NULL)
    return FALSE;
  subset = ks_dataset_subsample (digits, sizes->points, sizes->seed, error);
  if (subset == NULL)
    return FALSE;
  standardized = ks_dataset_standardize (subset);
  *k0 = ks_dataset_input_kernel (standardized);
  *y = ks_dataset_output_matrix (standardized);
  return TRUE;
}

static gboolean
write_matrix (const char       *dir,
              const char       *name,
              const gsl_matrix *m,
              GError          **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return ks_csv_write_matrix (file, m, NULL, error);
}

static gboolean
write_problem (const char          *dir,
               const DkmBenchSizes *sizes,
               const char          *spec,
               const gsl_matrix    *k0,
               const gsl_matrix    *y,
               GError             **error)
{
  g_autofree char *path = g_build_filename (dir, "problem.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *tolerance = ks_format_double (sizes->tolerance);
  g_autofree char *text = g_strdup_printf ("stack=%s\ntolerance=%s\nwidth_scale=1\n",
                                           spec, tolerance);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "Could not create %s", dir);
      return FALSE;
    }
  return write_matrix (dir, "k0.csv", k0, error)
         && write_matrix (dir, "y.csv", y, error)
         && ks_file_replace_contents (file, text, strlen (text), NULL, error);
}

static gboolean
write_solution (const char          *dir,
                const KsDkmSolution *solution,
                GError             **error)
{
  for (guint k = 0; k < ks_dkm_solution_get_n_variables (solution); k++)
    {
      g_autofree char *name = g_strdup_printf ("solution-%u.csv", k);

      if (!write_matrix (dir, name, ks_dkm_solution_get_variable (solution, k), error))
        return FALSE;
    }
  return TRUE;
}

static KsDkmProblem *
problem_for (const char          *spec,
             const gsl_matrix    *k0,
             const gsl_matrix    *y,
             const DkmBenchSizes *sizes,
             GError             **error)
{
  g_autoptr(KsStack) stack = ks_stack_parse (spec, error);
  KsDkmOptions options;

  if (stack == NULL)
    return NULL;
  ks_dkm_options_init (&options);
  options.gradient_tolerance = sizes->tolerance;
  options.n_threads = sizes->threads;
  return ks_dkm_problem_new (stack, k0, y, &options, error);
}

static void
print_solution (const char          *row,
                double               seconds,
                const KsDkmSolution *solution)
{
  printf ("%s\t%.6f\titerations=%u evaluations=%u objective=%.12g gradient=%.3e status=%s\n",
          row, seconds, ks_dkm_solution_get_n_iterations (solution),
          ks_dkm_solution_get_n_evaluations (solution), ks_dkm_solution_get_objective (solution),
          ks_dkm_solution_get_gradient_norm (solution),
          ks_dkm_status_to_string (ks_dkm_solution_get_status (solution)));
  fflush (stdout);
}

static gboolean
run (const char          *dir,
     const DkmBenchSizes *sizes,
     GError             **error)
{
  g_autofree char *spec = stack_spec (sizes->width, sizes->depth);
  g_autofree char *wider = stack_spec ((guint) (sizes->width * 1.1 + 0.5), sizes->depth);
  g_autoptr(gsl_matrix) k0 = NULL;
  g_autoptr(gsl_matrix) y = NULL;
  g_autoptr(KsDkmProblem) problem = NULL;
  g_autoptr(KsDkmProblem) wider_problem = NULL;
  g_autoptr(KsDkmSolution) solution = NULL;
  g_autoptr(KsDkmSolution) cold = NULL;
  g_autoptr(KsDkmSolution) warm = NULL;
  gint64 start;
  double seconds;

  if (!load_digits (sizes, &k0, &y, error) || !write_problem (dir, sizes, spec, k0, y, error))
    return FALSE;
  printf ("# ks-bench-dkm: digits P=%u, %s, tolerance %g, %u threads, BLAS %s\n",
          sizes->points, spec, sizes->tolerance,
          sizes->threads ? sizes->threads : ks_default_n_threads (), openblas_get_config ());

  /* Timed from the data's kernels to the solution, like the reference. */
  start = g_get_monotonic_time ();
  problem = problem_for (spec, k0, y, sizes, error);
  if (problem == NULL)
    return FALSE;
  solution = ks_dkm_solve (problem, NULL, NULL, NULL, NULL, error);
  if (solution == NULL)
    return FALSE;
  seconds = (double) (g_get_monotonic_time () - start) * 1e-6;
  print_solution ("dkm", seconds, solution);
  if (!write_solution (dir, solution, error))
    return FALSE;

  wider_problem = problem_for (wider, k0, y, sizes, error);
  if (wider_problem == NULL)
    return FALSE;
  cold = ks_dkm_solve (wider_problem, NULL, NULL, NULL, NULL, error);
  if (cold == NULL)
    return FALSE;
  print_solution ("dkm_wider_cold", ks_dkm_solution_get_seconds (cold), cold);
  warm = ks_dkm_solve (wider_problem, solution, NULL, NULL, NULL, error);
  if (warm == NULL)
    return FALSE;
  print_solution ("dkm_wider_warm", ks_dkm_solution_get_seconds (warm), warm);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  gboolean quick = FALSE;
  int points = 200, depth = 10, width = 64, threads = 0;
  double tolerance = 1e-6;
  const GOptionEntry entries[] = {
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir,
      "Where to write the problem for dkm_reference.py (default: a new temporary folder)",
      "DIR" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "P = 60 and 4 layers, for development",
      NULL },
    { "points", 'p', 0, G_OPTION_ARG_INT, &points, "Data points P (default 200)", "P" },
    { "depth", 'l', 0, G_OPTION_ARG_INT, &depth, "Finite ReLU layers (default 10)", "L" },
    { "width", 'w', 0, G_OPTION_ARG_INT, &width, "Their width (default 64)", "N" },
    { "tolerance", 't', 0, G_OPTION_ARG_DOUBLE, &tolerance,
      "Relative gradient norm to stop at (default 1e-6)", "TOL" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &threads, "Worker threads (default: one per core)",
      "N" },
    { NULL }
  };
  DkmBenchSizes sizes;

  context = g_option_context_new ("- time the deep kernel machine");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("ks-bench-dkm: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (quick)
    {
      points = 60;
      depth = 4;
    }
  if (points < 10 || depth < 1 || width < 1 || threads < 0 || !(tolerance > 0.0))
    {
      g_printerr ("ks-bench-dkm: invalid sizes\n");
      return EXIT_FAILURE;
    }
  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("ks-bench-dkm-XXXXXX", &error);
      if (dir == NULL)
        {
          g_printerr ("ks-bench-dkm: %s\n", error->message);
          return EXIT_FAILURE;
        }
    }

  ks_core_init ();
  sizes = (DkmBenchSizes) { points, depth, width, tolerance, threads, 1 };
  printf ("# ks-bench-dkm: problem written to %s\n", dir);
  if (!run (dir, &sizes, &error))
    {
      printf ("dkm\tnan\terror=%s\n", error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
