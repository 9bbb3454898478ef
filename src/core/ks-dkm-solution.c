/* ks-dkm-solution.c: the posterior kernels the deep kernel machine found, and how
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-dkm-private.h"

#include <math.h>

struct _KsDkmSolution
{
  gatomicrefcount ref_count;
  guint           n_points;
  guint           n_layers;
  gsl_matrix    **kernels;
  guint           n_variables;
  gsl_matrix    **variables;
  KsDkmStatus     status;
  double          objective;
  double          gradient_norm;
  guint           n_iterations;
  guint           n_evaluations;
  GArray         *objective_trace;
  GArray         *gradient_norm_trace;
  double          max_jitter;
  double          seconds;
};

KsDkmSolution *
dkm_solution_new (guint        n_points,
                  guint        n_layers,
                  gsl_matrix **kernels,
                  guint        n_variables,
                  gsl_matrix **variables,
                  KsDkmStatus  status,
                  double       objective,
                  double       gradient_norm,
                  guint        n_iterations,
                  guint        n_evaluations,
                  GArray      *objective_trace,
                  GArray      *gradient_norm_trace,
                  double       max_jitter,
                  double       seconds)
{
  KsDkmSolution *self = g_new0 (KsDkmSolution, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->n_points = n_points;
  self->n_layers = n_layers;
  self->kernels = kernels;
  self->n_variables = n_variables;
  self->variables = variables;
  self->status = status;
  self->objective = objective;
  self->gradient_norm = gradient_norm;
  self->n_iterations = n_iterations;
  self->n_evaluations = n_evaluations;
  self->objective_trace = objective_trace;
  self->gradient_norm_trace = gradient_norm_trace;
  self->max_jitter = max_jitter;
  self->seconds = seconds;
  return self;
}

KsDkmSolution *
ks_dkm_solution_ref (KsDkmSolution *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ks_dkm_solution_unref (KsDkmSolution *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint l = 0; l < self->n_layers; l++)
    gsl_matrix_free (self->kernels[l]);
  for (guint k = 0; k < self->n_variables; k++)
    gsl_matrix_free (self->variables[k]);
  g_free (self->kernels);
  g_free (self->variables);
  g_array_unref (self->objective_trace);
  g_array_unref (self->gradient_norm_trace);
  g_free (self);
}

guint
ks_dkm_solution_get_n_points (const KsDkmSolution *self)
{
  return self->n_points;
}

guint
ks_dkm_solution_get_n_layers (const KsDkmSolution *self)
{
  return self->n_layers;
}

const gsl_matrix *
ks_dkm_solution_get_kernel (const KsDkmSolution *self,
                            guint                layer)
{
  g_return_val_if_fail (layer < self->n_layers, NULL);

  return self->kernels[layer];
}

guint
ks_dkm_solution_get_n_variables (const KsDkmSolution *self)
{
  return self->n_variables;
}

const gsl_matrix *
ks_dkm_solution_get_variable (const KsDkmSolution *self,
                              guint                variable)
{
  g_return_val_if_fail (variable < self->n_variables, NULL);

  return self->variables[variable];
}

KsDkmStatus
ks_dkm_solution_get_status (const KsDkmSolution *self)
{
  return self->status;
}

gboolean
ks_dkm_solution_get_converged (const KsDkmSolution *self)
{
  return self->status == KS_DKM_CONVERGED;
}

double
ks_dkm_solution_get_objective (const KsDkmSolution *self)
{
  return self->objective;
}

double
ks_dkm_solution_get_gradient_norm (const KsDkmSolution *self)
{
  return self->gradient_norm;
}

guint
ks_dkm_solution_get_n_iterations (const KsDkmSolution *self)
{
  return self->n_iterations;
}

guint
ks_dkm_solution_get_n_evaluations (const KsDkmSolution *self)
{
  return self->n_evaluations;
}

const double *
ks_dkm_solution_get_objective_trace (const KsDkmSolution *self,
                                     guint               *n_values)
{
  if (n_values != NULL)
    *n_values = self->objective_trace->len;
  return (const double *) self->objective_trace->data;
}

const double *
ks_dkm_solution_get_gradient_norm_trace (const KsDkmSolution *self,
                                         guint               *n_values)
{
  if (n_values != NULL)
    *n_values = self->gradient_norm_trace->len;
  return (const double *) self->gradient_norm_trace->data;
}

double
ks_dkm_solution_get_max_jitter (const KsDkmSolution *self)
{
  return self->max_jitter;
}

double
ks_dkm_solution_get_seconds (const KsDkmSolution *self)
{
  return self->seconds;
}

const char *
ks_dkm_status_to_string (KsDkmStatus status)
{
  switch (status)
    {
    case KS_DKM_CONVERGED:
      return "converged";
    case KS_DKM_MAX_ITERATIONS:
      return "max-iterations";
    case KS_DKM_STALLED:
      return "stalled";
    default:
      g_return_val_if_reached ("unknown");
    }
}
