/* ks-lbfgs.h: limited-memory BFGS minimisation with a strong Wolfe line search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* f and its gradient at x. A point outside f's domain (a factorisation that fails, a
 * non-finite value) is not an error: set *value to +inf and return TRUE, and the line
 * search steps back. Return FALSE with error only to abort (e.g. cancellation). */
typedef gboolean (*KsLbfgsObjective) (const double *x,
                                      double       *value,
                                      double       *gradient,
                                      gpointer      user_data,
                                      GError      **error);

/* Called for the start (iteration 0) and after every accepted step, whose point is always
 * the one last passed to the objective. Set *converged to stop there; return FALSE with
 * error to abort. */
typedef gboolean (*KsLbfgsMonitor)   (guint         iteration,
                                      double        value,
                                      const double *gradient,
                                      gboolean     *converged,
                                      gpointer      user_data,
                                      GError      **error);

/* out = P v, a symmetric positive definite approximation of the inverse Hessian at the
 * current point (the one last passed to the objective), which may change from one
 * iteration to the next. L-BFGS builds on it instead of the identity. */
typedef void     (*KsLbfgsPreconditioner) (const double *v,
                                           double       *out,
                                           gpointer      user_data);

typedef struct
{
  guint  memory;             /* correction pairs kept (default 10) */
  guint  max_iterations;     /* accepted steps (default 1000) */
  guint  max_evaluations_per_search; /* default 30 */
  double sufficient_decrease; /* Wolfe c1 (default 1e-4) */
  double curvature;          /* strong Wolfe c2 (default 0.9) */
  /* Length of the very first trial step along -gradient; 0 for 1 / |gradient|. Use 1 when
   * the variables are scaled so that the Hessian is near the identity. */
  double first_step;
  /* Relative rounding level of f: a step whose value rises by less than this times |f|
   * is accepted when its slope meets the curvature condition (the approximate Wolfe
   * conditions of Hager and Zhang), since then f can no longer resolve the decrease
   * although the gradient still can. Default 1e-10. */
  double value_noise;
} KsLbfgsOptions;

typedef enum
{
  KS_LBFGS_CONVERGED,       /* the monitor said so */
  KS_LBFGS_MAX_ITERATIONS,
  KS_LBFGS_STALLED,         /* no step along -gradient decreased f any more */
} KsLbfgsOutcome;

typedef struct
{
  KsLbfgsOutcome outcome;
  guint          n_iterations;
  guint          n_evaluations;  /* besides the caller's own one at the start */
} KsLbfgsReport;

void         ks_lbfgs_options_init        (KsLbfgsOptions *options);

/* Minimises f over n variables from x, where *value and gradient already hold f(x) and its
 * gradient (finite). On return x, *value and gradient are those of the last accepted
 * point. precondition may be NULL (the identity). */
gboolean     ks_lbfgs_minimize            (gsize                 n,
                                           double               *x,
                                           double               *value,
                                           double               *gradient,
                                           const KsLbfgsOptions *options,
                                           KsLbfgsObjective      objective,
                                           KsLbfgsPreconditioner precondition,
                                           KsLbfgsMonitor        monitor,
                                           gpointer              user_data,
                                           KsLbfgsReport        *report,
                                           GError              **error);

G_END_DECLS
