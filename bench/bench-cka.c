/* bench-cka.c: the CKA matrix between the post-ReLU NNGP kernels of a deep stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-common.h"

#include "ks-cka.h"
#include "ks-nngp.h"
#include "ks-stack.h"

typedef struct
{
  gsl_matrix **kernels;
  guint        n;
} CkaRun;

static gboolean
cka_run_once (gpointer   data,
              GError   **error)
{
  CkaRun *run = data;
  g_autoptr(gsl_matrix) cka = ks_cka_matrix (run->kernels, run->n, KS_CKA_LINEAR, 1.0,
                                             NULL, error);

  return cka != NULL;
}

static void
free_kernels (gsl_matrix **kernels,
              guint        n)
{
  for (guint l = 0; l < n; l++)
    g_clear_pointer (&kernels[l], gsl_matrix_free);
}

/* The kernels after each ReLU (odd layers in the stack's numbering); the rest are freed. */
static gboolean
relu_kernels (const BenchSizes *sizes,
              gsl_matrix      **out,
              GError          **error)
{
  g_autofree char *spec = bench_relu_stack_spec (0, sizes->nngp_depth);
  g_autoptr(KsStack) stack = ks_stack_parse (spec, error);
  g_autoptr(gsl_matrix) k0 = NULL;
  g_autofree gsl_matrix **nngp = NULL;
  guint n;

  if (stack == NULL)
    return FALSE;
  n = ks_stack_get_n_layers (stack);
  nngp = g_new0 (gsl_matrix *, n);
  k0 = bench_input_kernel (sizes);
  if (!ks_nngp_propagate (stack, k0, nngp, NULL, NULL, error))
    {
      free_kernels (nngp, n);
      return FALSE;
    }
  for (guint l = 0; l < n; l++)
    {
      if (l % 2 == 1 && l / 2 < sizes->cka_kernels)
        out[l / 2] = g_steal_pointer (&nngp[l]);
      else
        g_clear_pointer (&nngp[l], gsl_matrix_free);
    }
  return TRUE;
}

gboolean
bench_run_cka (const BenchSizes *sizes)
{
  g_autoptr(GError) error = NULL;
  guint n = MIN (sizes->cka_kernels, sizes->nngp_depth);
  g_autofree gsl_matrix **kernels = g_new0 (gsl_matrix *, n);
  CkaRun run = { kernels, n };
  double median, low, high;
  gboolean ok;

  ok = relu_kernels (sizes, kernels, &error)
       && bench_time (cka_run_once, &run, sizes->reps, &median, &low, &high, &error);
  free_kernels (kernels, n);
  if (!ok)
    {
      bench_print_failure ("cka", error);
      return FALSE;
    }
  bench_print_row ("cka", median, "P=%u kernels=%u reps=%u min=%.6f max=%.6f",
                   sizes->nngp_points, n, sizes->reps, low, high);
  return TRUE;
}
