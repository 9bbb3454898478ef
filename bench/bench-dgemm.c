/* bench-dgemm.c: the machine's own matrix product rate, as a yardstick for the sampler
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-common.h"

#include <gsl/gsl_cblas.h>

#include "ks-linalg.h"

/* From OpenBLAS, whose own cblas.h clashes with GSL's declarations of the same API.
 * ks_core_init () leaves OpenBLAS at one thread; this row changes that only around its
 * own measurement. */
extern void openblas_set_num_threads (int n_threads);

typedef struct
{
  gsl_matrix *a;
  gsl_matrix *b;
  gsl_matrix *c;
} DgemmRun;

static gboolean
dgemm_run_once (gpointer   data,
                GError   **error)
{
  DgemmRun *run = data;
  int n = (int) run->a->size1;

  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n,
               1.0, run->a->data, (int) run->a->tda, run->b->data, (int) run->b->tda,
               0.0, run->c->data, (int) run->c->tda);
  return TRUE;
}

static void
bench_dgemm_row (const char       *row,
                 const BenchSizes *sizes,
                 DgemmRun         *run,
                 guint             n_threads)
{
  double n = sizes->dgemm_size, gflop = 2.0 * n * n * n * 1e-9;
  double median, low, high;

  openblas_set_num_threads ((int) n_threads);
  bench_time (dgemm_run_once, run, sizes->reps, &median, &low, &high, NULL);
  openblas_set_num_threads (1);
  bench_print_row (row, median, "n=%u threads=%u reps=%u min=%.6f max=%.6f gflop=%.3f gflops=%.2f",
                   sizes->dgemm_size, n_threads, sizes->reps, low, high, gflop,
                   gflop / median);
}

gboolean
bench_run_dgemm (const BenchSizes *sizes)
{
  g_autoptr(gsl_matrix) a = bench_gaussian_matrix (sizes->dgemm_size, sizes->dgemm_size,
                                                   sizes->seed);
  g_autoptr(gsl_matrix) b = bench_gaussian_matrix (sizes->dgemm_size, sizes->dgemm_size,
                                                   sizes->seed + 1);
  g_autoptr(gsl_matrix) c = gsl_matrix_alloc (sizes->dgemm_size, sizes->dgemm_size);
  DgemmRun run = { a, b, c };

  bench_dgemm_row ("dgemm_1thread", sizes, &run, 1);
  bench_dgemm_row ("dgemm_all_threads", sizes, &run, g_get_num_processors ());
  return TRUE;
}
