/* bench-common.h: sizes, timing and output shared by the benchmark rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <gsl/gsl_matrix.h>

#include "ks-linalg.h"  /* g_autoptr (gsl_matrix) */

G_BEGIN_DECLS

/* The problem sizes of every row: the full set, or a small one (--quick) for development. */
typedef struct
{
  guint reps;             /* timed repetitions after one warm-up; the median is reported */
  guint input_dim;        /* D, columns of the inputs X */
  guint nngp_points;      /* P of the NNGP rows and of the CKA row */
  guint nngp_depth;       /* (dense:inf, relu) pairs */
  guint sampler_points;
  guint sampler_width;
  guint sampler_depth;    /* (dense:N, relu) pairs */
  guint sampler_samples;
  guint cka_kernels;      /* the first cka_kernels post-ReLU NNGP kernels */
  guint dgemm_size;
  guint64 seed;
} BenchSizes;

void         bench_sizes_init             (BenchSizes *sizes,
                                           gboolean    quick);

/* One benchmarked computation; returns FALSE with error set when the library refused. */
typedef gboolean (*BenchFunc) (gpointer   data,
                               GError   **error);

/* Runs func once unmeasured (page faults, thread start-up), then reps times; *median is
 * the median wall-clock time in seconds, *low and *high the fastest and slowest. */
gboolean     bench_time                   (BenchFunc   func,
                                           gpointer    data,
                                           guint       reps,
                                           double     *median,
                                           double     *low,
                                           double     *high,
                                           GError    **error);

/* One machine-readable line: row <TAB> seconds <TAB> key=value ... */
void         bench_print_row              (const char *row,
                                           double      seconds,
                                           const char *extra_format,
                                           ...) G_GNUC_PRINTF (3, 4);
void         bench_print_failure          (const char *row,
                                           const GError *error);

/* A rows x cols matrix of standard normals from the core's seeded stream. */
gsl_matrix  *bench_gaussian_matrix        (gsize      rows,
                                           gsize      cols,
                                           guint64    seed);
/* K0 = X X^T / D of standard normal inputs X (nngp_points x input_dim). */
gsl_matrix  *bench_input_kernel           (const BenchSizes *sizes);
/* The stack "dense:WIDTH:wv=2,relu" repeated depth times (WIDTH "inf" when width is 0). */
char        *bench_relu_stack_spec        (guint      width,
                                           guint      depth);

/* Every row takes the sizes and prints its own lines; FALSE when some row failed. */
gboolean     bench_run_nngp               (const BenchSizes *sizes);
gboolean     bench_run_sampler            (const BenchSizes *sizes);
gboolean     bench_run_cka                (const BenchSizes *sizes);
gboolean     bench_run_dgemm              (const BenchSizes *sizes);

G_END_DECLS
