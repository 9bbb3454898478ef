/* ks-dkm.h: the deep kernel machine, posterior kernels of a stack given its outputs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MATHS section 3. Walking the stack from the input kernel K0, every finite dense layer l
 * (width N_l) is a variable G_l, its pre-activation Gram matrix, with weight
 * nu_l = width_scale * N_l; every other layer is its deterministic infinite-width map
 * (section 1). K_l is the dense map of the kernel before layer l (its prior mean), and
 * K_out the kernel after the last layer (the readout adds s2 I). The objective, maximised
 * over positive definite G_l, is
 *   L = -nu_out / 2 (log|K_out| + tr(K_out^{-1} Yhat)) - sum_l nu_l KL(N(0, G_l) || N(0, K_l)),
 *   KL(N(0, A) || N(0, B)) = (tr(B^{-1} A) - P + log|B| - log|A|) / 2,
 * with Yhat = Y Y^T / n_cols for the outputs Y (P x n_cols) and nu_out the readout's
 * output channels N_out (n_cols when the stack has no readout; then s2 = 0). Without
 * outputs (y NULL) the output term is absent and the optimum is the NNGP.
 *
 * With a train mask (MATHS section 6) the kernels still cover every point, but only the
 * training rows t enter the output term: -nu_out / 2 (log|K_out,tt| + tr(K_out,tt^{-1}
 * Yhat_tt)) with Yhat_tt = Y_t Y_t^T / n_cols; its gradient is zero outside the t x t
 * block, and the KL terms still span all P points. The other rows of Y are never read.
 *
 * Gradients are symmetric matrices under the convention dL = sum_ij grad_ij dG_ij for
 * symmetric perturbations dG, so that <grad, D>_F is the derivative along any symmetric D.
 *
 * Outputs of lower rank than P (one-hot labels with more points than classes) pull K_out
 * towards a singular matrix. When nothing stops it (no readout noise, a linear top) and
 * nu_out is at least the last nu_l, L has no maximum (it grows as K_out degenerates, or
 * approaches its supremum there); the solver then stalls (see KsDkmStatus) and reports
 * the jitter it needed. A little readout noise makes the problem well posed.
 *
 * Convergence: the relative gradient norm of a point is
 *   max over variables l of || G_l^{1/2} (dL/dG_l) G_l^{1/2} ||_F / (sqrt(P) (nu_l + nu_next)),
 * with nu_next the weight of the term that G_l feeds (the next finite layer's nu, or
 * nu_out after the last). It is invariant to rescaling the kernels, and measures about how
 * far, relative to itself, each G_l still has to move (zero at the optimum).
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-stack.h"

G_BEGIN_DECLS

typedef struct
{
  double width_scale;         /* multiplies every nu_l = N_l (> 0; default 1) */
  double gradient_tolerance;  /* on the relative gradient norm (>= 0; default 1e-6) */
  guint  max_iterations;      /* L-BFGS steps (default 1000) */
  guint  n_threads;           /* worker threads, 0 for one per core; results do not depend on it */
  const gboolean *train_mask; /* P entries, TRUE where the outputs enter the likelihood, at
                               * least one; NULL: every point. ks_dkm_problem_new copies it */
} KsDkmOptions;

void         ks_dkm_options_init          (KsDkmOptions *options);

typedef struct _KsDkmProblem KsDkmProblem;
typedef struct _KsDkmSolution KsDkmSolution;

typedef enum
{
  KS_DKM_CONVERGED,        /* relative gradient norm below the tolerance */
  KS_DKM_MAX_ITERATIONS,   /* stopped after max_iterations steps */
  KS_DKM_STALLED,          /* no step improved the objective (rounding) before the tolerance */
} KsDkmStatus;

/* Called from the solving thread after every iteration (0: the start). */
typedef void (*KsDkmProgressFunc) (guint    iteration,
                                   double   objective,
                                   double   gradient_norm,
                                   gpointer user_data);

/* k0 is the P x P input kernel, y the P x n_cols outputs (one-hot labels or real targets)
 * or NULL. Copies what it keeps. */
KsDkmProblem *ks_dkm_problem_new          (const KsStack      *stack,
                                           const gsl_matrix   *k0,
                                           const gsl_matrix   *y,
                                           const KsDkmOptions *options,
                                           GError            **error);
KsDkmProblem *ks_dkm_problem_ref          (KsDkmProblem       *self);
void         ks_dkm_problem_unref         (KsDkmProblem       *self);

guint        ks_dkm_problem_get_n_points  (const KsDkmProblem *self);
/* The stack's layers. */
guint        ks_dkm_problem_get_n_layers  (const KsDkmProblem *self);
/* Finite dense layers, in stack order. */
guint        ks_dkm_problem_get_n_variables (const KsDkmProblem *self);
/* The 0-based stack index of a variable's layer. */
guint        ks_dkm_problem_get_variable_layer (const KsDkmProblem *self,
                                                guint               variable);
/* nu of a variable, and nu_out (0 without outputs). */
double       ks_dkm_problem_get_variable_weight (const KsDkmProblem *self,
                                                 guint               variable);
double       ks_dkm_problem_get_output_weight (const KsDkmProblem *self);

/* L at the variables g (n_variables symmetric positive definite P x P matrices; the lower
 * triangles are read) and, when gradient is not NULL, dL/dG_l into the caller's
 * n_variables P x P matrices. A g_l that is not positive definite is an error naming its
 * layer; prior means and K_out get the jitter of ks_cholesky_with_jitter when needed. */
gboolean     ks_dkm_problem_evaluate      (const KsDkmProblem       *self,
                                           const gsl_matrix * const *g,
                                           double                   *objective,
                                           gsl_matrix * const       *gradient,
                                           GCancellable             *cancellable,
                                           GError                  **error);

/* Maximises L by L-BFGS over the Cholesky factors of the G_l relative to those of the
 * start, preconditioned at every iteration by the curvature of the KL chain in
 * coordinates whitened at the current point (ks-dkm-solver.c). The start is the NNGP, or
 * the variables of warm_start (same P and number of variables, e.g. the solution for
 * slightly different widths), which then re-converges in fewer iterations. progress (may
 * be NULL) sees every iteration; cancellable is checked at every iteration and inside the
 * nonlinearity maps. Not converging is no error: see ks_dkm_solution_get_status. */
KsDkmSolution *ks_dkm_solve               (const KsDkmProblem *problem,
                                           const KsDkmSolution *warm_start,
                                           KsDkmProgressFunc   progress,
                                           gpointer            user_data,
                                           GCancellable       *cancellable,
                                           GError            **error);

KsDkmSolution *ks_dkm_solution_ref        (KsDkmSolution       *self);
void         ks_dkm_solution_unref        (KsDkmSolution       *self);

guint        ks_dkm_solution_get_n_points (const KsDkmSolution *self);
guint        ks_dkm_solution_get_n_layers (const KsDkmSolution *self);
/* The posterior kernel of a stack layer: G_l at a finite dense layer, the deterministic
 * maps of the variables elsewhere, K_out at the readout. */
const gsl_matrix *ks_dkm_solution_get_kernel (const KsDkmSolution *self,
                                              guint                layer);
guint        ks_dkm_solution_get_n_variables (const KsDkmSolution *self);
const gsl_matrix *ks_dkm_solution_get_variable (const KsDkmSolution *self,
                                                guint                variable);

KsDkmStatus  ks_dkm_solution_get_status   (const KsDkmSolution *self);
gboolean     ks_dkm_solution_get_converged (const KsDkmSolution *self);
double       ks_dkm_solution_get_objective (const KsDkmSolution *self);
double       ks_dkm_solution_get_gradient_norm (const KsDkmSolution *self);
/* Accepted L-BFGS steps, and evaluations of L and its gradient. */
guint        ks_dkm_solution_get_n_iterations (const KsDkmSolution *self);
guint        ks_dkm_solution_get_n_evaluations (const KsDkmSolution *self);
/* The objective and relative gradient norm at the start and after every iteration
 * (n_iterations + 1 values). */
const double *ks_dkm_solution_get_objective_trace (const KsDkmSolution *self,
                                                   guint               *n_values);
const double *ks_dkm_solution_get_gradient_norm_trace (const KsDkmSolution *self,
                                                       guint               *n_values);
/* The largest diagonal jitter a prior mean or K_out needed at the solution (0: none). */
double       ks_dkm_solution_get_max_jitter (const KsDkmSolution *self);
/* Wall-clock seconds of the solve. */
double       ks_dkm_solution_get_seconds  (const KsDkmSolution *self);

const char  *ks_dkm_status_to_string      (KsDkmStatus status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsDkmProblem, ks_dkm_problem_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsDkmSolution, ks_dkm_solution_unref)

G_END_DECLS
