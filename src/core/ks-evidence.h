/* ks-evidence.h: the model evidence log P(Y) of a stack, exact or estimated, against width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MATHS section 4. The outputs Y (P x N_out) have columns iid N(0, K_out), K_out = G_top + s2 I,
 * so an infinitely wide stack has the exact evidence sum_lambda log N(y_lambda; 0, K_out)
 * with K_out its NNGP readout kernel. A stack with finite layers has a distribution over
 * G_top, and its evidence log E_{prior}[prod_lambda N(y_lambda; 0, K_out)] is estimated:
 *  - Monte Carlo (any stack): the log-mean-exp of the log-likelihoods of S networks drawn
 *    from the prior by ks_sample_prior (), with the standard error of the delta method.
 *    Accurate only when the prior often draws kernels the data like (wide layers, few
 *    outputs): otherwise a few lucky samples dominate and the estimate is too low.
 *  - Annealed importance sampling over the weights (all-finite stacks of identity, ReLU and
 *    erf layers; see ks-network.h), from the prior to the posterior along the geometric path
 *    p_beta(theta) ~ p(theta) L(theta)^beta with beta_t = (t / T)^4, t = 0..T. Each run starts
 *    from a prior draw theta_0, adds (beta_t - beta_{t-1}) log L(theta_{t-1}) to its log
 *    weight and moves theta_{t-1} to theta_t by one Hamiltonian Monte Carlo transition that
 *    leaves p_beta_t invariant (n_leapfrog steps, the step size drawn within +-20% of a
 *    schedule tuned beforehand on separate pilot runs, so that the runs stay independent).
 *    The estimate is the log-mean-exp of the runs' log weights, with its standard error.
 *    With T = 1 it is simple Monte Carlo over prior weights.
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-stack.h"

G_BEGIN_DECLS

typedef enum
{
  KS_EVIDENCE_AUTO,         /* options only: exact for stacks without finite layers, AIS when
                             * every dense layer is finite and every nonlinearity is the
                             * identity, ReLU or erf, Monte Carlo otherwise */
  KS_EVIDENCE_EXACT,        /* infinite width: the NNGP's Gaussian likelihood */
  KS_EVIDENCE_MONTE_CARLO,  /* "mc": over prior samples of the Gram matrices */
  KS_EVIDENCE_AIS,          /* "ais": annealed importance sampling over the weights */
} KsEvidenceEstimator;

/* Run r of annealed importance sampling starts from the n_params standard normal draws
 * (ks_rng_fill_gaussian) of the stream ks_rng_new_stream (seed, r, KS_EVIDENCE_AIS_STREAM). */
#define KS_EVIDENCE_AIS_STREAM G_GUINT64_CONSTANT (0x414953)

typedef struct
{
  KsEvidenceEstimator estimator;
  guint    n_samples;       /* Monte Carlo: prior networks, >= 2 */
  guint    n_runs;          /* AIS: independent runs, >= 2 */
  guint    n_temperatures;  /* AIS: T >= 1 steps from beta = 0 to beta = 1 */
  guint    n_leapfrog;      /* AIS: leapfrog steps per transition, >= 1 */
  guint64  seed;
  guint    n_threads;       /* 0: one per core; results do not depend on it */
} KsEvidenceOptions;

/* Automatic estimator, 2000 samples, 16 runs of 400 temperatures with 10 leapfrog steps
 * each, seed 0, threads 0. */
void         ks_evidence_options_init     (KsEvidenceOptions *options);

typedef struct
{
  guint               width;           /* ks_evidence_curve (): the point's width; else 0 */
  double              log_evidence;
  double              standard_error;  /* of log_evidence; 0 when exact */
  KsEvidenceEstimator estimator;       /* which one produced it, never KS_EVIDENCE_AUTO */
  guint               n_samples;       /* prior samples or AIS runs; 0 when exact */
  double              max_jitter;      /* the largest jitter a Cholesky factorisation needed */
  double              acceptance;      /* AIS: mean acceptance of the transitions, else NAN */
} KsEvidenceEstimate;

/* Called from the computing threads, serialised, as the work advances (fraction 0..1).
 * Do not block. */
typedef void (*KsEvidenceProgressFunc) (double   fraction,
                                        gpointer user_data);

/* "auto", "exact", "mc", "ais". */
const char  *ks_evidence_estimator_to_string (KsEvidenceEstimator estimator);
gboolean     ks_evidence_estimator_from_string (const char          *name,
                                           KsEvidenceEstimator *estimator);
/* The estimator KS_EVIDENCE_AUTO picks for stack (never KS_EVIDENCE_AUTO). */
KsEvidenceEstimator ks_evidence_default_estimator (const KsStack *stack);

/* The exact evidence of a stack without finite dense layers on the inputs X (P x D, input
 * kernel X X^T / D) and the outputs Y (P x N_out): the stack must end in a readout with
 * N_out channels. */
gboolean     ks_evidence_exact            (const KsStack       *stack,
                                           const gsl_matrix    *inputs,
                                           const gsl_matrix    *outputs,
                                           KsEvidenceEstimate  *estimate,
                                           GCancellable        *cancellable,
                                           GError             **error);

/* The evidence by the estimator of the options (exact whenever the stack has no finite
 * dense layer, whatever the options ask). Deterministic in the seed; cancellation is
 * honoured within milliseconds (G_IO_ERROR_CANCELLED). */
gboolean     ks_evidence_estimate         (const KsStack            *stack,
                                           const gsl_matrix         *inputs,
                                           const gsl_matrix         *outputs,
                                           const KsEvidenceOptions  *options,
                                           KsEvidenceProgressFunc    progress,
                                           gpointer                  progress_data,
                                           GCancellable             *cancellable,
                                           KsEvidenceEstimate       *estimate,
                                           GError                  **error);

/* The template with every dense layer (finite or infinite) set to width
 * (KS_WIDTH_INFINITE allowed); every other setting is kept. Errors when the template has
 * no dense layer or the width is beyond KS_WIDTH_MAX. */
KsStack     *ks_evidence_stack_at_width   (const KsStack  *template_stack,
                                           guint           width,
                                           GError        **error);

/* The evidence against width: for each of the n_widths widths, the stack
 * ks_evidence_stack_at_width (template, width) estimated as ks_evidence_estimate () does,
 * each with the options' seed. Returns n_widths estimates in the order given (g_free). */
KsEvidenceEstimate *ks_evidence_curve     (const KsStack            *template_stack,
                                           const gsl_matrix         *inputs,
                                           const gsl_matrix         *outputs,
                                           const guint              *widths,
                                           guint                     n_widths,
                                           const KsEvidenceOptions  *options,
                                           KsEvidenceProgressFunc    progress,
                                           gpointer                  progress_data,
                                           GCancellable             *cancellable,
                                           GError                  **error);

/* log((1/n) sum_i exp(values_i)) without overflow, and in *standard_error (may be NULL) its
 * standard error by the delta method, s_w / (sqrt(n) mean(w)) for w_i = exp(values_i)
 * (s_w the sample standard deviation, divisor n - 1; infinite when n < 2). Values of
 * -infinity count as weights of zero; the result is -infinity when all are. */
double       ks_log_mean_exp              (const double *values,
                                           gsize         n,
                                           double       *standard_error);

G_END_DECLS
