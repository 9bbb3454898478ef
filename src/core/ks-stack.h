/* ks-stack.h: a network as an ordered list of layers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  KS_LAYER_DENSE,
  KS_LAYER_IDENTITY,
  KS_LAYER_RELU,
  KS_LAYER_ERF,
  KS_LAYER_TANH,
  KS_LAYER_GELU,
  KS_LAYER_READOUT,
} KsLayerKind;

/* A dense layer of infinite width. */
#define KS_WIDTH_INFINITE 0u
/* Wider layers than this are refused: their features would not fit in memory. */
#define KS_WIDTH_MAX (1u << 20)
#define KS_N_OUT_MAX (1u << 16)

typedef struct
{
  KsLayerKind kind;
  guint width;        /* dense: width or KS_WIDTH_INFINITE; readout: output channels N_out */
  double weight_var;  /* dense: sw2 > 0 */
  double bias_var;    /* dense: sb2 >= 0 */
  double noise_var;   /* readout: s2 >= 0 */
} KsLayer;

typedef struct _KsStack KsStack;

KsLayer      ks_layer_dense              (guint width,
                                          double weight_var,
                                          double bias_var);
KsLayer      ks_layer_nonlinearity       (KsLayerKind kind);
KsLayer      ks_layer_readout            (guint n_out,
                                          double noise_var);
gboolean     ks_layer_kind_is_nonlinearity (KsLayerKind kind);
const char  *ks_layer_kind_to_string     (KsLayerKind kind);
gboolean     ks_layer_kind_from_string   (const char  *name,
                                          KsLayerKind *kind);
gboolean     ks_layer_validate           (const KsLayer *layer,
                                          GError       **error);
gboolean     ks_layer_equal              (const KsLayer *a,
                                          const KsLayer *b);
/* "dense 16", "relu", "readout 10": for headings and labels. */
char        *ks_layer_describe           (const KsLayer *layer);

KsStack     *ks_stack_new                (void);
KsStack     *ks_stack_ref                (KsStack       *self);
void         ks_stack_unref              (KsStack       *self);
KsStack     *ks_stack_copy               (const KsStack *self);
guint        ks_stack_get_n_layers       (const KsStack *self);
const KsLayer *ks_stack_get_layer        (const KsStack *self,
                                          guint          index);
/* The readout if the stack ends in one, else NULL. */
const KsLayer *ks_stack_get_readout      (const KsStack *self);
gboolean     ks_stack_append             (KsStack       *self,
                                          const KsLayer *layer,
                                          GError       **error);
gboolean     ks_stack_insert             (KsStack       *self,
                                          guint          index,
                                          const KsLayer *layer,
                                          GError       **error);
gboolean     ks_stack_replace            (KsStack       *self,
                                          guint          index,
                                          const KsLayer *layer,
                                          GError       **error);
void         ks_stack_remove             (KsStack       *self,
                                          guint          index);
gboolean     ks_stack_move               (KsStack       *self,
                                          guint          from,
                                          guint          to,
                                          GError       **error);
gboolean     ks_stack_equal              (const KsStack *a,
                                          const KsStack *b);
/* True when every nonlinearity is the identity and every bias variance is 0. */
gboolean     ks_stack_is_deep_linear     (const KsStack *self);
/* True when some dense layer has a finite width. */
gboolean     ks_stack_has_finite_layer   (const KsStack *self);

/* The one-line text form, e.g. "dense:inf:wv=2,relu,dense:16,relu,readout:10:noise=0.1". */
KsStack     *ks_stack_parse              (const char    *spec,
                                          GError       **error);
char        *ks_stack_to_string          (const KsStack *self);
/* Shortest decimal form of a double that reads back to the same bits. */
char        *ks_format_double            (double         value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsStack, ks_stack_unref)

G_END_DECLS
