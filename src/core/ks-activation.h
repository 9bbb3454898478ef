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
/* The same with n_threads workers (0: ks_default_n_threads ()); the result does not
 * depend on it. */
gboolean     ks_activation_kernel_full    (KsLayerKind       kind,
                                           const gsl_matrix *c,
                                           gsl_matrix       *g,
                                           gsl_matrix       *gdot,
                                           guint             n_threads,
                                           GCancellable     *cancellable,
                                           GError          **error);
/* The general route for any nonlinearity: E[phi(u) phi(v)] (E[phi'(u) phi'(v)] when
 * derivative) by an n_nodes x n_nodes Gauss-Hermite rule (n_nodes even, 2 to 1024), so that
 * the quadrature can be checked against the closed forms. */
double       ks_activation_kernel_entry_quadrature (KsLayerKind kind,
                                           gboolean    derivative,
                                           double      c11,
                                           double      c22,
                                           double      c12,
                                           guint       n_nodes);

G_END_DECLS
