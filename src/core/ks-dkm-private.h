/* ks-dkm-private.h: what the deep kernel machine's problem, evaluator and solver share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stack splits at its finite dense layers into segments: segment s maps the kernel
 * before it (K0 for s = 0, else the variable G_{s-1}) through its layers to a target, the
 * prior mean K_s of variable s, or for the last segment (s = n_variables) K_out. Each
 * segment contributes one term of L (-nu_s KL(G_s || K_s), or the output term) that
 * depends only on its source and on G_s, so segments are evaluated independently and in
 * parallel. Segment 0 does not depend on any variable and is computed once.
 */
#pragma once

#include "ks-dkm.h"

G_BEGIN_DECLS

struct _KsDkmProblem
{
  gatomicrefcount ref_count;
  KsStack        *stack;
  KsDkmOptions    options;
  guint           n_points;
  guint           n_layers;
  guint           n_variables;
  guint          *variable_layers;   /* stack index of each variable's dense layer */
  double         *variable_weights;  /* nu_l */
  double         *step_weights;      /* nu_l + nu_next, the curvature scale of each variable */
  double          output_weight;     /* nu_out; 0 without outputs */
  gsl_matrix     *output_factor;     /* U with Yhat_tt = U U^T (n_train x r), or NULL */
  /* The training points whose outputs enter the output term, in order; NULL: all P. */
  guint          *train_indices;
  guint           n_train;
  gsl_matrix     *k0;
  /* Segment 0, fixed: the kernels of its layers (for the last, the prior mean K_0 of the
   * first variable) and, when there is a variable, K_0's factorisation. */
  gsl_matrix    **fixed_kernels;
  guint           n_fixed_layers;
  gsl_matrix     *first_prior_factor;   /* lower Cholesky factor of K_0 (upper zero) */
  gsl_matrix     *first_prior_inverse;  /* K_0^{-1} */
  double          first_prior_log_det;
  double          first_prior_jitter;
  /* Without variables the objective is a constant. */
  double          fixed_objective;
  double          fixed_jitter;
};

/* Stack layers [first, end) of segment s. */
guint        dkm_segment_first_layer      (const KsDkmProblem *problem,
                                           guint               segment);
guint        dkm_segment_end_layer        (const KsDkmProblem *problem,
                                           guint               segment);
/* "layer 3 (dense 16)", for messages. */
char        *dkm_describe_layer           (const KsDkmProblem *problem,
                                           guint               layer);

/* The output term -nu_out / 2 (log|K| + tr(K^{-1} Yhat)) of a symmetric K restricted to
 * the training points and, when gradient is not NULL, its gradient -nu_out / 2 (K^{-1} -
 * K^{-1} Yhat K^{-1}) there, zero elsewhere (P x P). factor is P x P scratch. */
gboolean     dkm_output_term              (const KsDkmProblem *problem,
                                           const gsl_matrix   *k_out,
                                           gsl_matrix         *factor,
                                           double             *value,
                                           gsl_matrix         *gradient,
                                           double             *jitter,
                                           GError            **error);

/* Runs task (index, data) for index 0..n_tasks-1 on up to n_workers threads; each task
 * reports its own failure (e.g. into a per-task GError). */
typedef void (*DkmTaskFunc) (guint    index,
                             gpointer data);
void         dkm_run_parallel             (guint        n_tasks,
                                           guint        n_workers,
                                           DkmTaskFunc  task,
                                           gpointer     data);

/* The working state of evaluations of L at one point. The caller sets, per variable,
 * g (symmetric, full) and factor (lower triangular with g = factor factor^T, upper
 * triangle zero; its diagonal may be negative), then runs it. */
typedef struct _DkmEvaluator DkmEvaluator;

DkmEvaluator *dkm_evaluator_new           (const KsDkmProblem *problem,
                                           guint               n_threads);
void         dkm_evaluator_free           (DkmEvaluator       *self);
guint        dkm_evaluator_get_n_threads  (const DkmEvaluator *self);
gsl_matrix  *dkm_evaluator_get_g          (DkmEvaluator       *self,
                                           guint               variable);
gsl_matrix  *dkm_evaluator_get_factor     (DkmEvaluator       *self,
                                           guint               variable);
/* After a run: dL/dG_l without the term nu_l / 2 G_l^{-1} that comes from -log|G_l|, which
 * callers holding a factorisation add more cheaply themselves. */
const gsl_matrix *dkm_evaluator_get_partial_gradient (const DkmEvaluator *self,
                                                      guint               variable);
double       dkm_evaluator_get_objective  (const DkmEvaluator *self);
double       dkm_evaluator_get_max_jitter (const DkmEvaluator *self);
gboolean     dkm_evaluator_run            (DkmEvaluator       *self,
                                           gboolean            with_gradient,
                                           GCancellable       *cancellable,
                                           GError            **error);
/* The NNGP values of the variables (each the prior mean given the previous), into the
 * evaluator's g; factors are not set. */
gboolean     dkm_evaluator_set_prior_means (DkmEvaluator      *self,
                                            GCancellable      *cancellable,
                                            GError           **error);
/* New copies of every layer's kernel at the point of the last run. */
gsl_matrix **dkm_evaluator_collect_kernels (const DkmEvaluator *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkmEvaluator, dkm_evaluator_free)

/* Takes ownership of kernels (n_layers), variables (n_variables) and the traces. */
KsDkmSolution *dkm_solution_new           (guint          n_points,
                                           guint          n_layers,
                                           gsl_matrix   **kernels,
                                           guint          n_variables,
                                           gsl_matrix   **variables,
                                           KsDkmStatus    status,
                                           double         objective,
                                           double         gradient_norm,
                                           guint          n_iterations,
                                           guint          n_evaluations,
                                           GArray        *objective_trace,
                                           GArray        *gradient_norm_trace,
                                           double         max_jitter,
                                           double         seconds);

G_END_DECLS
