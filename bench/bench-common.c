/* bench-common.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ks-linalg.h"
#include "ks-rng.h"

void
bench_sizes_init (BenchSizes *sizes,
                  gboolean    quick)
{
  *sizes = (BenchSizes) {
    .reps = 5,
    .input_dim = 64,
    .nngp_points = 1000,
    .nngp_depth = 20,
    .sampler_points = 500,
    .sampler_width = 512,
    .sampler_depth = 10,
    .sampler_samples = 16,
    .cka_kernels = 20,
    .dgemm_size = 2000,
    .seed = 20240611,
  };
  if (quick)
    {
      sizes->reps = 3;
      sizes->nngp_points = 200;
      sizes->sampler_points = 100;
      sizes->sampler_width = 128;
      sizes->sampler_samples = 4;
      sizes->dgemm_size = 500;
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

gboolean
bench_time (BenchFunc   func,
            gpointer    data,
            guint       reps,
            double     *median,
            double     *low,
            double     *high,
            GError    **error)
{
  g_autofree double *times = g_new (double, MAX (reps, 1));

  if (!func (data, error))
    return FALSE;
  for (guint r = 0; r < reps; r++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!func (data, error))
        return FALSE;
      times[r] = (double) (g_get_monotonic_time () - start) * 1e-6;
    }
  qsort (times, reps, sizeof *times, compare_doubles);
  *median = reps % 2 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
  *low = times[0];
  *high = times[reps - 1];
  return TRUE;
}

void
bench_print_row (const char *row,
                 double      seconds,
                 const char *extra_format,
                 ...)
{
  g_autofree char *extra = NULL;
  va_list args;

  va_start (args, extra_format);
  extra = g_strdup_vprintf (extra_format, args);
  va_end (args);
  printf ("%s\t%.6f\t%s\n", row, seconds, extra);
  fflush (stdout);
}

void
bench_print_failure (const char   *row,
                     const GError *error)
{
  /* Tabs or newlines inside the message would break the line format. */
  g_autofree char *message = g_strdelimit (g_strdup (error->message), "\t\n", ' ');

  printf ("%s\tnan\terror=%s\n", row, message);
  fflush (stdout);
}

gsl_matrix *
bench_gaussian_matrix (gsize   rows,
                       gsize   cols,
                       guint64 seed)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (seed, 0, 0);
  gsl_matrix *m = gsl_matrix_alloc (rows, cols);

  for (gsize i = 0; i < rows; i++)
    ks_rng_fill_gaussian (rng, gsl_matrix_ptr (m, i, 0), cols);
  return m;
}

char *
bench_relu_stack_spec (guint width,
                       guint depth)
{
  g_autoptr(GString) spec = g_string_new (NULL);

  for (guint l = 0; l < depth; l++)
    {
      if (l > 0)
        g_string_append_c (spec, ',');
      if (width == 0)
        g_string_append (spec, "dense:inf:wv=2,relu");
      else
        g_string_append_printf (spec, "dense:%u:wv=2,relu", width);
    }
  return g_string_free (g_steal_pointer (&spec), FALSE);
}

gsl_matrix *
bench_input_kernel (const BenchSizes *sizes)
{
  g_autoptr(gsl_matrix) x = bench_gaussian_matrix (sizes->nngp_points, sizes->input_dim,
                                                   sizes->seed);
  gsl_matrix *k0 = gsl_matrix_alloc (sizes->nngp_points, sizes->nngp_points);

  ks_gram (x, 1.0 / sizes->input_dim, k0);
  return k0;
}
