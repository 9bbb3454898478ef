/* ks-posterior.h: posterior kernels of every layer, by the deep kernel machine or by HMC
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <gsl/gsl_matrix.h>

#include "ks-dkm.h"
#include "ks-stack.h"

G_BEGIN_DECLS

typedef enum
{
  KS_POSTERIOR_DKM,  /* the deep kernel machine: the large-width limit, any stack */
  KS_POSTERIOR_HMC,  /* exact finite-width sampling over the weights: all-finite stacks */
} KsPosteriorMethod;

const char  *ks_posterior_method_to_string (KsPosteriorMethod method);
gboolean     ks_posterior_method_from_string (const char        *text,
                                            KsPosteriorMethod *method,
                                            GError           **error);

typedef struct
{
  KsPosteriorMethod    method;
  double               width_scale;  /* DKM: multiplies every hidden nu_l = N_l */
  guint                n_warmup;     /* HMC iterations adapting the step size */
  guint                n_draws;      /* HMC draws kept per chain */
  guint64              seed;
  guint                n_threads;    /* 0: one per core; results do not depend on it */
  const KsDkmSolution *warm_start;   /* DKM: a previous solution of the same shape, or NULL */
  const gboolean      *train_mask;   /* DKM: P entries, TRUE for the points whose outputs
                                      * enter the likelihood (MATHS 6); NULL: all. HMC
                                      * refuses a mask that holds any point out */
} KsPosteriorOptions;

void         ks_posterior_options_init    (KsPosteriorOptions *options);

typedef struct _KsPosterior KsPosterior;

/* Fraction of the work done, 0..1, from the computing thread. */
typedef void (*KsPosteriorProgressFunc) (double   fraction,
                                         gpointer user_data);

/* The posterior of the stack given outputs Y (P x N_out) on inputs X (P x D) whose input
 * kernel is k0. The readout's N_out must match Y's columns for HMC; the DKM weights the
 * output term by the readout's N_out (or Y's columns without a readout). */
KsPosterior *ks_posterior_compute         (const KsStack            *stack,
                                           const gsl_matrix         *inputs,
                                           const gsl_matrix         *k0,
                                           const gsl_matrix         *outputs,
                                           const KsPosteriorOptions *options,
                                           KsPosteriorProgressFunc   progress,
                                           gpointer                  user_data,
                                           GCancellable             *cancellable,
                                           GError                  **error);
void         ks_posterior_free            (KsPosterior       *self);
guint        ks_posterior_get_n_layers    (const KsPosterior *self);
const gsl_matrix *ks_posterior_get_kernel (const KsPosterior *self,
                                           guint              layer);
/* HMC: the Monte Carlo standard error of each entry; NULL for the DKM. */
const gsl_matrix *ks_posterior_get_standard_error (const KsPosterior *self,
                                                   guint              layer);
/* Method, iterations, objective, gradient norm and convergence (DKM), or acceptance,
 * step size, draws and effective sample sizes (HMC). */
JsonNode    *ks_posterior_get_diagnostics (const KsPosterior *self);
/* The DKM solution, for warm starts; NULL for HMC. */
KsDkmSolution *ks_posterior_get_dkm_solution (const KsPosterior *self);
double       ks_posterior_get_max_jitter  (const KsPosterior *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsPosterior, ks_posterior_free)

G_END_DECLS
