/* bench-nngp.c: the infinite-width NNGP (and NTK) of a deep ReLU stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-common.h"

#include "ks-linalg.h"
#include "ks-nngp.h"
#include "ks-stack.h"

typedef struct
{
  KsStack    *stack;
  gsl_matrix *k0;
  gboolean    with_ntk;
} NngpRun;

static void
free_kernels (gsl_matrix **kernels,
              guint        n)
{
  for (guint l = 0; l < n; l++)
    g_clear_pointer (&kernels[l], gsl_matrix_free);
}

/* One propagation, its kernels freed at once as a caller that keeps none would. */
static gboolean
nngp_run_once (gpointer   data,
               GError   **error)
{
  NngpRun *run = data;
  guint n = ks_stack_get_n_layers (run->stack);
  g_autofree gsl_matrix **nngp = g_new0 (gsl_matrix *, n);
  g_autofree gsl_matrix **ntk = run->with_ntk ? g_new0 (gsl_matrix *, n) : NULL;
  gboolean ok;

  ok = ks_nngp_propagate (run->stack, run->k0, nngp, ntk, NULL, error);
  free_kernels (nngp, n);
  if (ntk)
    free_kernels (ntk, n);
  return ok;
}

static gboolean
bench_nngp_row (const char       *row,
                const BenchSizes *sizes,
                KsStack          *stack,
                const gsl_matrix *k0,
                gboolean          with_ntk)
{
  g_autoptr(GError) error = NULL;
  NngpRun run = { stack, (gsl_matrix *) k0, with_ntk };
  double median, low, high;

  if (!bench_time (nngp_run_once, &run, sizes->reps, &median, &low, &high, &error))
    {
      bench_print_failure (row, error);
      return FALSE;
    }
  bench_print_row (row, median, "P=%u layers=%u reps=%u min=%.6f max=%.6f",
                   sizes->nngp_points, ks_stack_get_n_layers (stack), sizes->reps,
                   low, high);
  return TRUE;
}

gboolean
bench_run_nngp (const BenchSizes *sizes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = bench_relu_stack_spec (0, sizes->nngp_depth);
  g_autoptr(KsStack) stack = ks_stack_parse (spec, &error);
  g_autoptr(gsl_matrix) k0 = NULL;
  gboolean ok;

  if (stack == NULL)
    {
      bench_print_failure ("nngp", error);
      return FALSE;
    }
  k0 = bench_input_kernel (sizes);
  ok = bench_nngp_row ("nngp", sizes, stack, k0, FALSE);
  ok &= bench_nngp_row ("nngp_ntk", sizes, stack, k0, TRUE);
  return ok;
}
