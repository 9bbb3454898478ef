/* bench-sampler.c: finite-width samples of a deep ReLU network and their Gram matrices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-common.h"

#include "ks-sampler.h"
#include "ks-stack.h"

typedef struct
{
  KsStack          *stack;
  gsl_matrix       *inputs;
  KsSamplerOptions  options;
} SamplerRun;

static gboolean
sampler_run_once (gpointer   data,
                  GError   **error)
{
  SamplerRun *run = data;
  g_autoptr(KsSamples) samples = ks_sample_prior (run->stack, run->inputs, &run->options,
                                                  NULL, error);

  return samples != NULL;
}

/* The floating-point operations of the products that dominate, per the whole run:
 * each dense layer's features H W (2 P M N for fan-in M) and the SYRK Gram F F^T / N of
 * every layer, dense and ReLU alike, since the sampler reports both (P^2 N each, half of
 * a full product). Elementwise work, random draws and the running statistics are left
 * out, so the rate is a lower bound on the true one. */
static double
sampler_flops (const BenchSizes *sizes)
{
  double p = sizes->sampler_points, n = sizes->sampler_width, d = sizes->input_dim;
  double features = 2.0 * p * d * n + (sizes->sampler_depth - 1) * 2.0 * p * n * n;
  double grams = 2.0 * sizes->sampler_depth * p * p * n;

  return sizes->sampler_samples * (features + grams);
}

gboolean
bench_run_sampler (const BenchSizes *sizes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = bench_relu_stack_spec (sizes->sampler_width, sizes->sampler_depth);
  g_autoptr(KsStack) stack = ks_stack_parse (spec, &error);
  g_autoptr(gsl_matrix) inputs = NULL;
  SamplerRun run = { 0 };
  double median, low, high, gflop;

  if (stack == NULL)
    {
      bench_print_failure ("sampler", error);
      return FALSE;
    }
  inputs = bench_gaussian_matrix (sizes->sampler_points, sizes->input_dim, sizes->seed);
  run.stack = stack;
  run.inputs = inputs;
  run.options = (KsSamplerOptions) {
    .n_samples = sizes->sampler_samples,
    .seed = sizes->seed,
    .n_threads = 0,
  };
  if (!bench_time (sampler_run_once, &run, sizes->reps, &median, &low, &high, &error))
    {
      bench_print_failure ("sampler", error);
      return FALSE;
    }
  gflop = sampler_flops (sizes) * 1e-9;
  bench_print_row ("sampler", median,
                   "P=%u width=%u layers=%u samples=%u reps=%u min=%.6f max=%.6f gflop=%.3f gflops=%.2f",
                   sizes->sampler_points, sizes->sampler_width,
                   ks_stack_get_n_layers (stack), sizes->sampler_samples, sizes->reps,
                   low, high, gflop, gflop / median);
  return TRUE;
}
