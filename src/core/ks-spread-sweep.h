/* ks-spread-sweep.h: the prior spread of the top-layer kernel against width, for several
 * depths, summarised as one dimensionless number per (depth, width)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-stack.h"

G_BEGIN_DECLS

/* The summary of a variance matrix V of top-layer kernel entries against the infinite-width
 * top-layer kernel R of the same network:
 *
 *   v = mean over entries i <= j of  V_ij / (R_ij^2 + R_ii R_jj)
 *
 * (entries whose denominator is 0 are left out). The denominator is what the variance of
 * a Wishart entry is made of (MATHS 2), so v is dimensionless: for a deep linear network
 * it is about sum_l 1/N_l (depth / width for equal widths) whatever the data, and exactly
 * 0 at infinite width. NAN when no entry has a positive denominator. */
double       ks_spread_summary            (const gsl_matrix *variance,
                                           const gsl_matrix *reference);

/* The network of depth copies of block in a row, every finite dense layer of block set to
 * width (KS_WIDTH_INFINITE gives the infinite network, whose top kernel is the summary's
 * reference). block must have a finite dense layer and no readout. */
KsStack     *ks_spread_sweep_build_stack  (const KsStack    *block,
                                           guint             depth,
                                           guint             width,
                                           GError          **error);

typedef struct
{
  guint  depth;
  guint  width;
  /* The summary from the closed form of MATHS 2 (deep linear blocks), else NAN. */
  double analytic;
  /* Its Monte Carlo estimate from n_samples networks (the mean over entries of the
   * unbiased sample variances, over the same denominators), and the standard error of
   * that estimate, by the jackknife over the networks; NAN without Monte Carlo. */
  double monte_carlo;
  double monte_carlo_se;
} KsSpreadSweepPoint;

typedef struct
{
  const KsStack *block;      /* repeated depth times; NULL: dense:N (deep linear) */
  const guint   *depths;     /* each >= 1 */
  guint          n_depths;
  const guint   *widths;     /* each finite, 1 .. KS_WIDTH_MAX */
  guint          n_widths;
  guint          n_samples;  /* networks per (depth, width): 0 for no Monte Carlo, else >= 3 */
  guint64        seed;
  guint          n_threads;  /* 0: one per core; the result does not depend on it */
} KsSpreadSweepOptions;

#define KS_SPREAD_SWEEP_MAX_POINTS 4096

/* fraction of the whole sweep done, 0..1; called from the sweep's threads. */
typedef void (*KsSpreadSweepProgressFunc) (double   fraction,
                                           gpointer user_data);

typedef struct _KsSpreadSweep KsSpreadSweep;

/* Every (depth, width) on the inputs X (P x D), K0 = X X^T / D. Each pair draws from its
 * own random streams, fixed by (seed, depth, width): the same pair gives the same numbers
 * in any sweep and for any n_threads. Cancellation is honoured between blocks of work
 * (G_IO_ERROR_CANCELLED). */
KsSpreadSweep *ks_spread_sweep_run        (const KsSpreadSweepOptions *options,
                                           const gsl_matrix           *inputs,
                                           KsSpreadSweepProgressFunc   progress,
                                           gpointer                    user_data,
                                           GCancellable               *cancellable,
                                           GError                    **error);
KsSpreadSweep *ks_spread_sweep_ref        (KsSpreadSweep       *self);
void         ks_spread_sweep_unref        (KsSpreadSweep       *self);

const KsStack *ks_spread_sweep_get_block  (const KsSpreadSweep *self);
guint        ks_spread_sweep_get_n_depths (const KsSpreadSweep *self);
guint        ks_spread_sweep_get_n_widths (const KsSpreadSweep *self);
guint        ks_spread_sweep_get_n_points (const KsSpreadSweep *self);
guint        ks_spread_sweep_get_n_samples (const KsSpreadSweep *self);
/* Whether the block is deep linear, so that every point has its closed form. */
gboolean     ks_spread_sweep_has_analytic (const KsSpreadSweep *self);
const KsSpreadSweepPoint *
             ks_spread_sweep_get_point    (const KsSpreadSweep *self,
                                           guint                depth_index,
                                           guint                width_index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsSpreadSweep, ks_spread_sweep_unref)

G_END_DECLS
