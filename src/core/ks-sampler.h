/* ks-sampler.h: finite-width networks drawn from the prior, and their per-layer Gram matrices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include <gsl/gsl_rng.h>

#include "ks-stack.h"

G_BEGIN_DECLS

typedef struct _KsSamples KsSamples;

/* Called once per sample, in sample order (0, 1, 2, ...), from a worker thread under the
 * sampler's lock, after the sample has been merged into the running statistics: grams are
 * that sample's n_layers Gram matrices, partial holds the statistics of samples 0..sample.
 * Copy what you keep; do not block. */
typedef void (*KsSampleVisitFunc) (guint              sample,
                                   gsl_matrix * const *grams,
                                   guint              n_layers,
                                   const KsSamples   *partial,
                                   gpointer           user_data);

typedef struct
{
  guint             n_samples;   /* S >= 1 */
  guint64           seed;
  guint             n_threads;   /* 0: one per core */
  KsSampleVisitFunc visit;       /* may be NULL */
  gpointer          visit_data;
} KsSamplerOptions;

/* S independent networks on the inputs X (P x D): for every layer (numbered as the stack
 * numbers them, readout included as G + s2 I) the elementwise mean and standard deviation
 * over samples of the layer's Gram matrix, and sample 0's Gram matrix. Finite dense layers
 * draw features exactly (or, when only the Gram matrix is needed next and it is cheaper, a
 * Wishart matrix by the Bartlett decomposition); infinite layers apply the infinite-width
 * map to the Gram matrix. Each (seed, sample, layer) has its own random stream and samples
 * are merged in order, so the result is identical bit for bit for any n_threads. */
KsSamples   *ks_sample_prior              (const KsStack          *stack,
                                           const gsl_matrix       *inputs,
                                           const KsSamplerOptions *options,
                                           GCancellable           *cancellable,
                                           GError                **error);
void         ks_samples_free              (KsSamples              *self);
guint        ks_samples_get_n_samples     (const KsSamples        *self);
guint        ks_samples_get_n_layers      (const KsSamples        *self);
const gsl_matrix *ks_samples_get_mean     (const KsSamples        *self,
                                           guint                   layer);
/* Sample standard deviation (divisor S - 1; zeros when S = 1). */
const gsl_matrix *ks_samples_get_std      (const KsSamples        *self,
                                           guint                   layer);
const gsl_matrix *ks_samples_get_first    (const KsSamples        *self,
                                           guint                   layer);
/* The largest jitter any Cholesky factorisation needed (0 when none). */
double       ks_samples_get_max_jitter    (const KsSamples        *self);

/* One Wishart draw W(scale / dof, dof) by the Bartlett decomposition, into out (P x P);
 * scale_chol is the lower Cholesky factor of the scale. Requires dof >= P. */
void         ks_wishart_sample            (gsl_rng                *rng,
                                           const gsl_matrix       *scale_chol,
                                           guint                   dof,
                                           gsl_matrix             *out,
                                           gsl_matrix             *work);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsSamples, ks_samples_free)

G_END_DECLS
