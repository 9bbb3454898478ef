/* ks-nngp.h: infinite-width kernels layer by layer (NNGP and NTK)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-stack.h"

G_BEGIN_DECLS

/* One layer's infinite-width map of the previous Gram matrix g_in to g_out (same size,
 * distinct): dense C = sw2 G + sb2 11^T, a nonlinearity E[phi phi^T] under N(0, G),
 * the readout G + s2 I. Used by the NNGP and for infinite layers between finite ones. */
gboolean     ks_layer_forward_infinite    (const KsLayer    *layer,
                                           const gsl_matrix *g_in,
                                           gsl_matrix       *g_out,
                                           GCancellable     *cancellable,
                                           GError          **error);

/* Every layer as if infinitely wide, from the input kernel k0. nngp and ntk are arrays of
 * ks_stack_get_n_layers() pointers that receive new matrices (ntk may be NULL). After a
 * dense layer the NTK is C + sw2 Theta_in; after a nonlinearity Theta_in .* Gdot(C_in);
 * the readout leaves it unchanged. Non-finite values are errors naming the layer. */
gboolean     ks_nngp_propagate            (const KsStack    *stack,
                                           const gsl_matrix *k0,
                                           gsl_matrix      **nngp,
                                           gsl_matrix      **ntk,
                                           GCancellable     *cancellable,
                                           GError          **error);

G_END_DECLS
