/* ks-dkm-solver.c: maximising the deep kernel machine's objective
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Coordinates. Each variable is G_l = R_l V_l V_l^T R_l^T with R_l the Cholesky factor of
 * the start (the NNGP kernel, or the warm start's G_l) and V_l = I + E_l lower triangular;
 * L-BFGS runs over the E_l. The chain rule, with F = R V and Gbar the gradient in G:
 *   dL/dV = lower(2 R^T Gbar F) = lower(2 R^T Gbar' F) + nu diag(1 / V_ii),
 * where Gbar' leaves out nu/2 G^{-1} (from -log|G| in the KL), and the whitened gradient
 * of the convergence test is F^T Gbar F = F^T Gbar' F + nu/2 I. Neither needs G^{-1}.
 *
 * Preconditioning. Around the current point, with E_l = E_l' + V_l W_l, the KL term of a
 * layer is nu_l (||D||_F^2 + sum_i D_ii^2) / 2 to second order in D = W_l - J W_{l-1},
 * where J is the coupling through the maps between the layers (the identity for a dense
 * layer without bias; a contraction otherwise). So in W the curvature no longer carries
 * the spread of the kernels' eigenvalues, and what is left is the chain along the depth:
 * the weighted path Laplacian T (T_ll = nu_l + nu_next, T_{l,l+1} = -nu_{l+1}, the output
 * term closing the chain), whose condition number grows like the depth squared. L-BFGS
 * therefore starts each iteration from the inverse Hessian guess P = A (T^{-1} x I) A^*,
 * A W = V W, A^* g = lower(V^T g), rebuilt at the current point, instead of the identity.
 * Measured on the benchmark problem (digits, P = 200, ten dense:64 ReLU layers after an
 * infinite one, tolerance 1e-6), iterations / evaluations to convergence:
 *   plain Cholesky factors of G (R = I, no P)       more than 1000 (stopped)
 *   fixed whitening by the NNGP's R, no chain        205 / 220
 *   fixed whitening and the chain (P at the start)   69 / 80
 *   P rebuilt at every iteration (this)              33 / 38
 * and on a deep linear net (P = 50, L = 10, tolerance 1e-11) 364, 120 and 33 iterations
 * for the last three. At the optimum of a ten-layer ReLU problem (P = 12) the condition
 * number of the Hessian is 215 with the diagonal scaling by T alone, 11 with the chain;
 * a coupling weaker than the identity (0.7 to 0.97) made it worse.
 */
#include "ks-dkm-private.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

#include "ks-error.h"
#include "ks-lbfgs.h"
#include "ks-linalg.h"

/* The chain preconditioner */

typedef struct
{
  guint   n;
  gsize   block;
  double *diagonal;     /* B_kk */
  double *subdiagonal;  /* B_{k,k-1}; [0] unused */
} Chain;

static void
chain_init (Chain              *chain,
            const KsDkmProblem *problem,
            gsize               block)
{
  guint n = problem->n_variables;

  chain->n = n;
  chain->block = block;
  chain->diagonal = g_new0 (double, MAX (n, 1));
  chain->subdiagonal = g_new0 (double, MAX (n, 1));
  for (guint k = 0; k < n; k++)
    {
      double diagonal = problem->step_weights[k];

      if (k > 0)
        {
          chain->subdiagonal[k] = -problem->variable_weights[k] / chain->diagonal[k - 1];
          diagonal -= chain->subdiagonal[k] * chain->subdiagonal[k];
        }
      /* T is diagonally dominant (strictly in its first row), so this stays positive. */
      chain->diagonal[k] = sqrt (diagonal);
    }
}

static void
chain_clear (Chain *chain)
{
  g_clear_pointer (&chain->diagonal, g_free);
  g_clear_pointer (&chain->subdiagonal, g_free);
}

/* out = T^{-1} in = B^{-T} B^{-1} in, over the layers for every entry at once. */
static void
chain_solve (const Chain  *chain,
             const double *in,
             double       *out)
{
  gsize block = chain->block;

  for (guint k = 0; k < chain->n; k++)
    for (gsize i = 0; i < block; i++)
      {
        double value = in[k * block + i];

        if (k > 0)
          value -= chain->subdiagonal[k] * out[(k - 1) * block + i];
        out[k * block + i] = value / chain->diagonal[k];
      }
  for (guint k = chain->n; k-- > 0;)
    for (gsize i = 0; i < block; i++)
      {
        double value = out[k * block + i];

        if (k + 1 < chain->n)
          value -= chain->subdiagonal[k + 1] * out[(k + 1) * block + i];
        out[k * block + i] = value / chain->diagonal[k];
      }
}

/* The solver */

typedef struct
{
  const KsDkmProblem *problem;
  DkmEvaluator       *evaluator;
  guint               n_threads;
  gsize               size;
  gsize               block;        /* P (P + 1) / 2 entries per variable */
  Chain               chain;
  gsl_matrix        **reference;    /* R_l */
  gsl_matrix        **v;            /* V_l */
  gsl_matrix        **product;      /* Gbar' F, then R^T Gbar' F */
  gsl_matrix        **whitened;     /* F^T Gbar F */
  /* Of the evaluation or preconditioning in progress */
  const double       *e;            /* E of every variable, packed lower triangles */
  double             *e_gradient;   /* df/dE, f = -L */
  const double       *precondition_in;
  double             *precondition_out;
  double             *whitened_step; /* W, packed */
  double             *chain_step;
  double             *norms;        /* relative gradient norm of each variable */
  gboolean           *singular;     /* some V_ii = 0 */
  /* At the last evaluation */
  double              gradient_norm;
  double              objective;
  /* Progress */
  GCancellable       *cancellable;
  KsDkmProgressFunc   progress;
  gpointer            user_data;
  GArray             *objective_trace;
  GArray             *gradient_trace;
  double              tolerance;
} DkmSolver;

static void
free_matrices (gsl_matrix **matrices,
               guint        n)
{
  if (matrices == NULL)
    return;
  for (guint k = 0; k < n; k++)
    g_clear_pointer (&matrices[k], gsl_matrix_free);
  g_free (matrices);
}

static void
dkm_solver_free (DkmSolver *self)
{
  guint n = self->problem->n_variables;

  free_matrices (self->reference, n);
  free_matrices (self->v, n);
  free_matrices (self->product, n);
  free_matrices (self->whitened, n);
  chain_clear (&self->chain);
  g_free (self->whitened_step);
  g_free (self->chain_step);
  g_free (self->norms);
  g_free (self->singular);
  g_clear_pointer (&self->evaluator, dkm_evaluator_free);
  g_clear_pointer (&self->objective_trace, g_array_unref);
  g_clear_pointer (&self->gradient_trace, g_array_unref);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkmSolver, dkm_solver_free)

static gsl_matrix **
alloc_matrices (guint n,
                gsize size)
{
  gsl_matrix **matrices = g_new0 (gsl_matrix *, MAX (n, 1));

  for (guint k = 0; k < n; k++)
    matrices[k] = gsl_matrix_calloc (size, size);
  return matrices;
}

static DkmSolver *
dkm_solver_new (const KsDkmProblem *problem)
{
  DkmSolver *self = g_new0 (DkmSolver, 1);
  guint n = problem->n_variables;
  gsize size = problem->n_points;

  self->problem = problem;
  self->evaluator = dkm_evaluator_new (problem, problem->options.n_threads);
  self->n_threads = dkm_evaluator_get_n_threads (self->evaluator);
  self->size = size;
  self->block = size * (size + 1) / 2;
  chain_init (&self->chain, problem, self->block);
  self->reference = alloc_matrices (n, size);
  self->v = alloc_matrices (n, size);
  self->product = alloc_matrices (n, size);
  self->whitened = alloc_matrices (n, size);
  self->whitened_step = g_new0 (double, n * self->block);
  self->chain_step = g_new0 (double, n * self->block);
  self->norms = g_new0 (double, n);
  self->singular = g_new0 (gboolean, n);
  self->objective_trace = g_array_new (FALSE, FALSE, sizeof (double));
  self->gradient_trace = g_array_new (FALSE, FALSE, sizeof (double));
  self->tolerance = problem->options.gradient_tolerance;
  return self;
}

/* R_l = the Cholesky factor of the starting G_l (in the evaluator), E = 0. */
static gboolean
set_references (DkmSolver  *self,
                double     *e,
                const char *what,
                GError    **error)
{
  const KsDkmProblem *problem = self->problem;

  for (guint k = 0; k < problem->n_variables; k++)
    {
      g_autofree char *where = dkm_describe_layer (problem, problem->variable_layers[k]);
      g_autofree char *described = g_strdup_printf ("%s of %s", what, where);
      gsl_matrix *r = self->reference[k];

      gsl_matrix_memcpy (r, dkm_evaluator_get_g (self->evaluator, k));
      if (!ks_cholesky_with_jitter (r, described, NULL, error))
        return FALSE;
      for (gsize i = 0; i < self->size; i++)
        for (gsize j = i + 1; j < self->size; j++)
          gsl_matrix_set (r, i, j, 0.0);
    }
  memset (e, 0, problem->n_variables * self->block * sizeof *e);
  return TRUE;
}

/* Cold start: from the NNGP. */
static gboolean
start_from_prior (DkmSolver    *self,
                  double       *e,
                  GCancellable *cancellable,
                  GError      **error)
{
  return dkm_evaluator_set_prior_means (self->evaluator, cancellable, error)
         && set_references (self, e, "The NNGP kernel", error);
}

/* Warm start: whitened at the previous solution, E = 0. */
static gboolean
start_from_solution (DkmSolver           *self,
                     const KsDkmSolution *warm_start,
                     double              *e,
                     GError             **error)
{
  const KsDkmProblem *problem = self->problem;

  if (ks_dkm_solution_get_n_points (warm_start) != problem->n_points
      || ks_dkm_solution_get_n_variables (warm_start) != problem->n_variables)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The warm start has %u points and %u finite layers, but the problem has "
                   "%u and %u", ks_dkm_solution_get_n_points (warm_start),
                   ks_dkm_solution_get_n_variables (warm_start), problem->n_points,
                   problem->n_variables);
      return FALSE;
    }
  for (guint k = 0; k < problem->n_variables; k++)
    gsl_matrix_memcpy (dkm_evaluator_get_g (self->evaluator, k),
                       ks_dkm_solution_get_variable (warm_start, k));
  return set_references (self, e, "The warm start's kernel", error);
}

/* Phase 1, per variable: V = I + E, F = R V, G = F F^T. */
static void
set_variable_task (guint    k,
                   gpointer data)
{
  DkmSolver *self = data;
  const double *block = self->e + k * self->block;
  gsl_matrix *v = self->v[k];
  gsl_matrix *factor = dkm_evaluator_get_factor (self->evaluator, k);
  gsl_matrix *g = dkm_evaluator_get_g (self->evaluator, k);
  int n = (int) self->size;

  self->singular[k] = FALSE;
  for (gsize i = 0; i < self->size; i++)
    {
      double *row = gsl_matrix_ptr (v, i, 0);

      for (gsize j = 0; j <= i; j++)
        row[j] = block[i * (i + 1) / 2 + j] + (i == j ? 1.0 : 0.0);
      if (row[i] == 0.0)
        self->singular[k] = TRUE;
    }
  gsl_matrix_memcpy (factor, v);
  cblas_dtrmm (CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, n, n, 1.0,
               self->reference[k]->data, (int) self->reference[k]->tda,
               factor->data, (int) factor->tda);
  ks_gram (factor, 1.0, g);
}

static double
whitened_norm (const gsl_matrix *whitened,
               double            diagonal_shift)
{
  double sum = 0.0;

  for (gsize i = 0; i < whitened->size1; i++)
    {
      const double *row = gsl_matrix_const_ptr (whitened, i, 0);

      for (gsize j = 0; j < whitened->size2; j++)
        {
          double value = row[j] + (i == j ? diagonal_shift : 0.0);

          sum += value * value;
        }
    }
  return sqrt (sum);
}

/* Phase 2, per variable: df/dE (f = -L) and the relative gradient norm. */
static void
chain_rule_task (guint    k,
                 gpointer data)
{
  DkmSolver *self = data;
  const KsDkmProblem *problem = self->problem;
  double nu = problem->variable_weights[k];
  const gsl_matrix *factor = dkm_evaluator_get_factor (self->evaluator, k);
  const gsl_matrix *reference = self->reference[k];
  gsl_matrix *product = self->product[k], *whitened = self->whitened[k];
  double *block = self->e_gradient + k * self->block;
  int n = (int) self->size;

  gsl_matrix_memcpy (product, dkm_evaluator_get_partial_gradient (self->evaluator, k));
  cblas_dtrmm (CblasRowMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit, n, n, 1.0,
               factor->data, (int) factor->tda, product->data, (int) product->tda);
  gsl_matrix_memcpy (whitened, product);
  cblas_dtrmm (CblasRowMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, n, n, 1.0,
               factor->data, (int) factor->tda, whitened->data, (int) whitened->tda);
  self->norms[k] = whitened_norm (whitened, 0.5 * nu)
                   / (sqrt ((double) self->size) * problem->step_weights[k]);

  cblas_dtrmm (CblasRowMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, n, n, 1.0,
               reference->data, (int) reference->tda, product->data, (int) product->tda);
  for (gsize i = 0; i < self->size; i++)
    {
      const double *row = gsl_matrix_const_ptr (product, i, 0);
      double *out = block + i * (i + 1) / 2;

      for (gsize j = 0; j < i; j++)
        out[j] = -2.0 * row[j];
      out[i] = -2.0 * row[i] - nu / gsl_matrix_get (self->v[k], i, i);
    }
}

static void
unpack_lower (const double *block,
              gsl_matrix   *m)
{
  gsl_matrix_set_zero (m);
  for (gsize i = 0; i < m->size1; i++)
    memcpy (gsl_matrix_ptr (m, i, 0), block + i * (i + 1) / 2, (i + 1) * sizeof *block);
}

static void
pack_lower (const gsl_matrix *m,
            double           *block)
{
  for (gsize i = 0; i < m->size1; i++)
    memcpy (block + i * (i + 1) / 2, gsl_matrix_const_ptr (m, i, 0), (i + 1) * sizeof *block);
}

/* W = lower(V^T g): the gradient in the coordinates whitened at the current point. */
static void
whiten_gradient_task (guint    k,
                      gpointer data)
{
  DkmSolver *self = data;
  gsl_matrix *m = self->product[k];
  int n = (int) self->size;

  unpack_lower (self->precondition_in + k * self->block, m);
  cblas_dtrmm (CblasRowMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, n, n, 1.0,
               self->v[k]->data, (int) self->v[k]->tda, m->data, (int) m->tda);
  pack_lower (m, self->whitened_step + k * self->block);
}

/* out = V W */
static void
unwhiten_step_task (guint    k,
                    gpointer data)
{
  DkmSolver *self = data;
  gsl_matrix *m = self->product[k];
  int n = (int) self->size;

  unpack_lower (self->chain_step + k * self->block, m);
  cblas_dtrmm (CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, n, n, 1.0,
               self->v[k]->data, (int) self->v[k]->tda, m->data, (int) m->tda);
  pack_lower (m, self->precondition_out + k * self->block);
}

/* P = A (T^{-1} x I) A^*, A W = V W: the inverse of the curvature in coordinates whitened
 * at the current point and decoupled along the chain. */
static void
precondition (const double *v,
              double       *out,
              gpointer      user_data)
{
  DkmSolver *self = user_data;
  guint n = self->problem->n_variables;

  self->precondition_in = v;
  self->precondition_out = out;
  dkm_run_parallel (n, self->n_threads, whiten_gradient_task, self);
  chain_solve (&self->chain, self->whitened_step, self->chain_step);
  dkm_run_parallel (n, self->n_threads, unwhiten_step_task, self);
}

/* -L and its gradient in E; every failure is an error. */
static gboolean
evaluate_point (DkmSolver    *self,
                const double *e,
                double       *value,
                double       *gradient,
                GError      **error)
{
  guint n = self->problem->n_variables;

  self->e = e;
  dkm_run_parallel (n, self->n_threads, set_variable_task, self);
  for (guint k = 0; k < n; k++)
    if (self->singular[k])
      {
        g_autofree char *where = dkm_describe_layer (self->problem,
                                                     self->problem->variable_layers[k]);

        g_set_error (error, KS_ERROR, KS_ERROR_NOT_POSITIVE_DEFINITE,
                     "The variable of %s became singular", where);
        return FALSE;
      }
  if (!dkm_evaluator_run (self->evaluator, TRUE, self->cancellable, error))
    return FALSE;

  self->e_gradient = gradient;
  dkm_run_parallel (n, self->n_threads, chain_rule_task, self);
  self->objective = dkm_evaluator_get_objective (self->evaluator);
  self->gradient_norm = 0.0;
  for (guint k = 0; k < n; k++)
    self->gradient_norm = MAX (self->gradient_norm, self->norms[k]);
  *value = -self->objective;
  if (!isfinite (self->gradient_norm))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
                   "The gradient of the deep kernel machine is not finite");
      return FALSE;
    }
  return TRUE;
}

/* For the line search, points where a kernel is not positive definite or a value is not
 * finite lie outside the domain: infinitely bad, not an error. */
static gboolean
line_search_objective (const double *e,
                       double       *value,
                       double       *gradient,
                       gpointer      user_data,
                       GError      **error)
{
  DkmSolver *self = user_data;
  g_autoptr(GError) local_error = NULL;

  if (evaluate_point (self, e, value, gradient, &local_error))
    return TRUE;
  if (local_error->domain != KS_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *value = INFINITY;
  return TRUE;
}

static gboolean
record_iteration (guint         iteration,
                  double        value,
                  const double *gradient,
                  gboolean     *converged,
                  gpointer      user_data,
                  GError      **error)
{
  DkmSolver *self = user_data;
  double objective = -value;

  g_array_append_val (self->objective_trace, objective);
  g_array_append_val (self->gradient_trace, self->gradient_norm);
  if (self->progress != NULL)
    self->progress (iteration, objective, self->gradient_norm, self->user_data);
  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;
  *converged = self->gradient_norm <= self->tolerance;
  return TRUE;
}

static KsDkmStatus
status_from_outcome (KsLbfgsOutcome outcome)
{
  switch (outcome)
    {
    case KS_LBFGS_CONVERGED:
      return KS_DKM_CONVERGED;
    case KS_LBFGS_STALLED:
      return KS_DKM_STALLED;
    case KS_LBFGS_MAX_ITERATIONS:
    default:
      return KS_DKM_MAX_ITERATIONS;
    }
}

static gsl_matrix **
copy_variables (DkmEvaluator *evaluator,
                guint         n)
{
  gsl_matrix **variables = g_new0 (gsl_matrix *, MAX (n, 1));

  for (guint k = 0; k < n; k++)
    {
      const gsl_matrix *g = dkm_evaluator_get_g (evaluator, k);

      variables[k] = gsl_matrix_alloc (g->size1, g->size2);
      gsl_matrix_memcpy (variables[k], g);
    }
  return variables;
}

static KsDkmSolution *
solution_from_solver (DkmSolver           *self,
                      const KsLbfgsReport *report,
                      guint                n_evaluations,
                      gint64               start_time)
{
  const KsDkmProblem *problem = self->problem;
  gsl_matrix **kernels = dkm_evaluator_collect_kernels (self->evaluator);
  gsl_matrix **variables = copy_variables (self->evaluator, problem->n_variables);
  double jitter = dkm_evaluator_get_max_jitter (self->evaluator);
  GArray *objective_trace = g_steal_pointer (&self->objective_trace);
  GArray *gradient_trace = g_steal_pointer (&self->gradient_trace);

  return dkm_solution_new (problem->n_points, problem->n_layers, kernels,
                           problem->n_variables, variables,
                           status_from_outcome (report->outcome), self->objective,
                           self->gradient_norm, report->n_iterations, n_evaluations,
                           objective_trace, gradient_trace, jitter,
                           (double) (g_get_monotonic_time () - start_time) * 1e-6);
}

static KsDkmSolution *
solve_without_variables (const KsDkmProblem *problem,
                         KsDkmProgressFunc   progress,
                         gpointer            user_data,
                         gint64              start_time)
{
  g_autoptr(DkmEvaluator) evaluator = dkm_evaluator_new (problem, 1);
  GArray *objective_trace = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *gradient_trace = g_array_new (FALSE, FALSE, sizeof (double));
  double zero = 0.0;

  g_array_append_val (objective_trace, problem->fixed_objective);
  g_array_append_val (gradient_trace, zero);
  if (progress != NULL)
    progress (0, problem->fixed_objective, 0.0, user_data);
  return dkm_solution_new (problem->n_points, problem->n_layers,
                           dkm_evaluator_collect_kernels (evaluator), 0,
                           g_new0 (gsl_matrix *, 1), KS_DKM_CONVERGED,
                           problem->fixed_objective, 0.0, 0, 0, objective_trace,
                           gradient_trace, problem->fixed_jitter,
                           (double) (g_get_monotonic_time () - start_time) * 1e-6);
}

KsDkmSolution *
ks_dkm_solve (const KsDkmProblem  *problem,
              const KsDkmSolution *warm_start,
              KsDkmProgressFunc    progress,
              gpointer             user_data,
              GCancellable        *cancellable,
              GError             **error)
{
  gint64 start_time = g_get_monotonic_time ();
  g_autoptr(DkmSolver) self = NULL;
  g_autofree double *e = NULL, *gradient = NULL;
  KsLbfgsOptions options;
  KsLbfgsReport report = { KS_LBFGS_MAX_ITERATIONS, 0, 0 };
  guint n_evaluations = 1;
  gsize n_values;
  double value;

  g_return_val_if_fail (problem != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ks_core_init ();
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (problem->n_variables == 0)
    return solve_without_variables (problem, progress, user_data, start_time);

  self = dkm_solver_new (problem);
  self->cancellable = cancellable;
  self->progress = progress;
  self->user_data = user_data;
  n_values = problem->n_variables * self->block;
  e = g_new (double, n_values);
  gradient = g_new (double, n_values);
  if (warm_start != NULL ? !start_from_solution (self, warm_start, e, error)
                         : !start_from_prior (self, e, cancellable, error))
    return NULL;
  if (!evaluate_point (self, e, &value, gradient, error))
    return NULL;

  ks_lbfgs_options_init (&options);
  options.max_iterations = problem->options.max_iterations;
  options.first_step = 1.0;
  if (!ks_lbfgs_minimize (n_values, e, &value, gradient, &options, line_search_objective,
                          precondition,
                          record_iteration, self, &report, error))
    return NULL;
  n_evaluations += report.n_evaluations;

  /* After a failed line search the last evaluation was a rejected trial point. */
  if (report.outcome == KS_LBFGS_STALLED)
    {
      if (!evaluate_point (self, e, &value, gradient, error))
        return NULL;
      n_evaluations++;
    }
  return solution_from_solver (self, &report, n_evaluations, start_time);
}
