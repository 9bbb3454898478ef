/* ks-activation.h: nonlinearities, pointwise and as infinite-width kernel maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-stack.h"

G_BEGIN_DECLS

double       ks_activation_apply          (KsLayerKind kind,
                                           double      x);
double       ks_activation_derivative     (KsLayerKind kind,
                                           double      x);
/* E[phi(u) phi(v)] for (u, v) ~ N(0, [[c11, c12], [c12, c22]]): closed forms for
 * identity, ReLU and erf (cosine clipped to [-1, 1]), Gauss-Hermite quadrature for tanh
 * and GELU. */
double       ks_activation_kernel_entry   (KsLayerKind kind,
                                           double      c11,
                                           double      c22,
                                           double      c12);
/* E[phi'(u) phi'(v)], the NTK's Gdot, likewise. */
double       ks_activation_derivative_kernel_entry (KsLayerKind kind,
                                           double      c11,
                                           double      c22,
                                           double      c12);
/* The map over a whole covariance c (P x P, symmetric): g = E[phi phi^T] and, when
 * gdot is not NULL, gdot = E[phi' phi'^T]. Rows are shared among worker threads. */
gboolean     ks_activation_kernel         (KsLayerKind       kind,
                                           const gsl_matrix *c,
                                           gsl_matrix       *g,
                                           gsl_matrix       *gdot,
                                           GCancellable     *cancellable,
                                           GError          **error);

G_END_DECLS
