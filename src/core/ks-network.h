/* ks-network.h: a finite network's log posterior over its weights, with the gradient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-stack.h"

G_BEGIN_DECLS

/* The network of an all-finite stack (finite dense layers; identity, ReLU or erf) on fixed
 * inputs X (P x D) and, optionally, outputs Y (P x N_out). Its parameters theta are the
 * whitened weights and biases of every dense layer, in stack order: for a layer of fan-in M
 * and width N, the M x N matrix Z (row-major) with W = sqrt(sw2 / M) Z, then, when sb2 > 0,
 * the N biases beta with b = sqrt(sb2) beta. The prior is theta ~ N(0, I). The readout's
 * weights are integrated out: the columns of Y are iid N(0, K_out), K_out = G_top + s2 I,
 * with G_top = H H^T / N the Gram matrix of the last layer before the readout.
 * A network holds the workspace of one evaluation at a time: use one per thread. */
typedef struct _KsNetwork KsNetwork;

/* Refuses (KS_ERROR_UNSUPPORTED) infinite dense layers, nonlinearities other than identity,
 * ReLU and erf, and stacks without a dense layer; outputs need a readout with as many
 * channels as Y has columns, and a nonsingular K_out (s2 > 0 or a top layer at least P
 * wide). The inputs and outputs are copied. */
KsNetwork   *ks_network_new               (const KsStack    *stack,
                                           const gsl_matrix *inputs,
                                           const gsl_matrix *outputs,
                                           GError          **error);
void         ks_network_free              (KsNetwork        *self);
gsize        ks_network_get_n_params      (const KsNetwork  *self);
gsize        ks_network_get_n_points      (const KsNetwork  *self);
/* As the stack numbers them, readout included. */
guint        ks_network_get_n_layers      (const KsNetwork  *self);
/* Doubles the network holds (features, workspace), for memory estimates. */
gsize        ks_network_get_workspace_size (const KsNetwork *self);

/* log p(theta) + sum_lambda log N(y_lambda; 0, K_out(theta)), up to the constant of the
 * prior, into *log_density; when gradient is not NULL (n_params doubles) its gradient with
 * respect to theta, by a backward pass. Without outputs this is the prior alone. FALSE with
 * an error naming the layer when the features or the log density are not finite or K_out
 * is not positive definite. */
gboolean     ks_network_log_density       (KsNetwork        *self,
                                           const double     *theta,
                                           double           *log_density,
                                           double           *gradient,
                                           GError          **error);

/* Every layer's Gram matrix at theta into grams (n_layers P x P matrices): a dense layer's
 * pre-activations F F^T / N, a nonlinearity's post-activations, the readout's
 * G_top + s2 I. Non-finite values are errors naming the layer. */
gboolean     ks_network_layer_grams       (KsNetwork        *self,
                                           const double     *theta,
                                           gsl_matrix      **grams,
                                           GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsNetwork, ks_network_free)

G_END_DECLS
