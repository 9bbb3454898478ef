/* bench-hmc.c: Hamiltonian Monte Carlo draws per second for a deep ReLU network's posterior
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The network of the benchmark: (dense:64:wv=2, relu) x 4, a readout with 10
 * channels and noise 0.1, on P = 100 Gaussian inputs of dimension 64, conditioned on outputs
 * from a random linear teacher plus noise. One chain: warm-up (step size adaptation) and
 * draws cost the same per iteration, so the rate is iterations over the whole run's time.
 * Output: one line "hmc <TAB> seconds <TAB> key=value ..." as ks-bench prints its rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>

#include "ks-hmc.h"
#include "ks-linalg.h"
#include "ks-rng.h"
#include "ks-stack.h"

#define INPUT_DIM 64
#define N_OUT 10
#define SEED 20240611

static gsl_matrix *
gaussian_matrix (gsize   rows,
                 gsize   cols,
                 guint64 stream)
{
  g_autoptr(gsl_rng) rng = ks_rng_new_stream (SEED, stream, 0);
  gsl_matrix *m = gsl_matrix_alloc (rows, cols);

  ks_rng_fill_gaussian (rng, m->data, rows * cols);
  return m;
}

/* Y = X A / sqrt(D) + 0.3 E: a signal the network can explain, and some noise. */
static gsl_matrix *
teacher_outputs (const gsl_matrix *x)
{
  g_autoptr(gsl_matrix) a = gaussian_matrix (x->size2, N_OUT, 2);
  gsl_matrix *y = gaussian_matrix (x->size1, N_OUT, 3);

  gsl_matrix_scale (y, 0.3);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0 / sqrt ((double) x->size2), x, a, 1.0, y);
  return y;
}

static char *
relu_stack_spec (guint width,
                 guint depth)
{
  GString *spec = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (spec, "dense:%u:wv=2,relu,", width);
  g_string_append_printf (spec, "readout:%u:noise=0.1", N_OUT);
  return g_string_free (spec, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time Hamiltonian Monte Carlo");
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(gsl_matrix) x = NULL;
  g_autoptr(gsl_matrix) y = NULL;
  g_autoptr(KsHmcResult) result = NULL;
  g_autofree char *spec = NULL;
  int points = 100, width = 64, depth = 4, warmup = 200, draws = 300;
  KsHmcOptions options;
  double seconds, iterations;
  gint64 start;
  const GOptionEntry entries[] = {
    { "points", 'p', 0, G_OPTION_ARG_INT, &points, "Data points P (default 100)", "P" },
    { "width", 'w', 0, G_OPTION_ARG_INT, &width, "Width of every dense layer (default 64)", "N" },
    { "depth", 'd', 0, G_OPTION_ARG_INT, &depth, "(dense, relu) pairs (default 4)", "L" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Warm-up iterations (default 200)", "N" },
    { "draws", 0, 0, G_OPTION_ARG_INT, &draws, "Kept draws (default 300)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("ks-bench-hmc: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (points < 1 || width < 1 || depth < 1 || warmup < 0 || draws < 1)
    {
      g_printerr ("ks-bench-hmc: sizes must be positive\n");
      return EXIT_FAILURE;
    }

  ks_core_init ();
  spec = relu_stack_spec ((guint) width, (guint) depth);
  stack = ks_stack_parse (spec, &error);
  g_assert_no_error (error);
  x = gaussian_matrix ((gsize) points, INPUT_DIM, 1);
  y = teacher_outputs (x);
  ks_hmc_options_init (&options);
  options.n_warmup = (guint) warmup;
  options.n_draws = (guint) draws;
  options.seed = SEED;
  options.n_threads = 1;

  start = g_get_monotonic_time ();
  result = ks_hmc_sample (stack, x, y, &options, NULL, NULL, NULL, &error);
  seconds = (g_get_monotonic_time () - start) * 1e-6;
  if (result == NULL)
    {
      printf ("hmc\tnan\terror=%s\n", error->message);
      return EXIT_FAILURE;
    }
  iterations = (double) warmup + draws;
  printf ("# ks-bench-hmc: %s on P=%d inputs of dimension %d, one chain, one thread\n", spec,
          points, INPUT_DIM);
  printf ("hmc\t%.6f\tP=%d width=%d layers=%u warmup=%d draws=%d draws_per_s=%.2f "
          "leapfrog_per_s=%.1f steps_per_draw=%.1f acceptance=%.3f step=%.4f min_ess=%.0f "
          "ess_per_s=%.2f divergent=%u\n",
          seconds, points, width, ks_stack_get_n_layers (stack), warmup, draws,
          iterations / seconds, ks_hmc_result_get_n_leapfrog (result) / seconds,
          ks_hmc_result_get_n_leapfrog (result) / iterations,
          ks_hmc_result_get_acceptance_rate (result), ks_hmc_result_get_step_size (result, 0),
          ks_hmc_result_get_min_ess (result),
          ks_hmc_result_get_min_ess (result) / (seconds * draws / iterations),
          ks_hmc_result_get_n_divergent (result));
  return EXIT_SUCCESS;
}
