/* ks-activation-gradient.h: derivatives of the infinite-width nonlinearity maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-stack.h"

G_BEGIN_DECLS

/* The partial derivatives of one entry f(c11, c22, c12) = E[phi(u) phi(v)],
 * (u, v) ~ N(0, [[c11, c12], [c12, c22]]), in its three arguments. */
typedef struct
{
  double d_c11;
  double d_c22;
  double d_c12;
} KsKernelEntryGradient;

/* Closed forms for identity, ReLU and erf; for tanh and GELU Gauss-Hermite quadrature of
 * df/dc12 = E[phi'(u) phi'(v)] and df/dc11 = E[phi''(u) phi(v)] / 2 (Price's theorem and
 * the heat equation of the Gaussian). The correlation is clipped to [-1, 1] as in the kernel
 * itself; at |correlation| = 1 the derivatives are the one-sided limits from inside. ReLU's
 * entry grows like the square root of a variance that is 0 (an input that is the constant
 * 0), where its derivatives are taken as 0. */
KsKernelEntryGradient ks_activation_kernel_entry_gradient (KsLayerKind kind,
                                                           double      c11,
                                                           double      c22,
                                                           double      c12);
/* d f(c, c, c) / dc: how a diagonal entry of the map moves with its variance. */
double       ks_activation_kernel_diagonal_derivative (KsLayerKind kind,
                                                       double      c);

/* Reverse mode through g = ks_activation_kernel (kind, c): given g_bar = dL/dg, sets
 * c_bar = dL/dc. Both are symmetric P x P matrices under the convention
 * dL = sum_ij g_bar_ij dg_ij for symmetric perturbations, so that
 * <c_bar, D>_F is the derivative of L along any symmetric direction D of c.
 * c_bar must be distinct from c and g_bar. Rows are shared among worker threads;
 * cancellable between entries. */
gboolean     ks_activation_kernel_backward (KsLayerKind       kind,
                                            const gsl_matrix *c,
                                            const gsl_matrix *g_bar,
                                            gsl_matrix       *c_bar,
                                            GCancellable     *cancellable,
                                            GError          **error);
/* The same with n_threads workers (0: ks_default_n_threads ()); the result does not
 * depend on it. */
gboolean     ks_activation_kernel_backward_full (KsLayerKind       kind,
                                                 const gsl_matrix *c,
                                                 const gsl_matrix *g_bar,
                                                 gsl_matrix       *c_bar,
                                                 guint             n_threads,
                                                 GCancellable     *cancellable,
                                                 GError          **error);

G_END_DECLS
