/* ks-document-state.h: every setting of one experiment as a plain value, with its limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ks-cka.h"
#include "ks-posterior.h"
#include "ks-stack.h"

G_BEGIN_DECLS

/* The ranges the controls offer; experiment files outside them are refused, so that a
 * control never has to clamp (and so silently change) a loaded value. */
#define KS_POINTS_MIN       10u
#define KS_POINTS_MAX       2000u
#define KS_SEED_MAX         G_MAXINT32
#define KS_SAMPLES_MIN      1u
#define KS_SAMPLES_MAX      256u
#define KS_OUTPUTS_MAX      100u     /* 0 means one output per class */
#define KS_NOISE_MIN        1e-6
#define KS_NOISE_MAX        10.0
#define KS_CKA_TAU_MIN      0.01
#define KS_CKA_TAU_MAX      100.0
#define KS_WIDTH_SCALE_MIN  (1.0 / 64.0)
#define KS_WIDTH_SCALE_MAX  64.0

/* A ReLU network with a finite bottleneck between infinite layers: the first screen then
 * shows a representation that differs from the infinite-width one. */
#define KS_DEFAULT_STACK \
  "dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf:wv=2,relu,readout:10:noise=0.1"
#define KS_DEFAULT_DATA_SOURCE "digits"
#define KS_DEFAULT_COLORMAP "viridis"

typedef struct
{
  KsStack           *stack;
  char              *data_source;      /* a built-in name or a file path */
  guint              n_points;
  guint64            seed;
  guint              n_outputs;        /* 0: one per class */
  double             noise;            /* readout noise variance */
  guint              n_samples;
  KsPosteriorMethod  posterior_method;
  double             width_scale;
  KsCkaKind          cka_kind;
  double             cka_tau;
  char              *colormap;
} KsDocumentState;

void         ks_document_state_init_default (KsDocumentState       *state);
void         ks_document_state_clear        (KsDocumentState       *state);
void         ks_document_state_copy         (KsDocumentState       *dest,
                                             const KsDocumentState *src);
/* A value outside the ranges above, named as the file member it comes from. */
gboolean     ks_document_state_validate     (const KsDocumentState *state,
                                             GError               **error);
/* "ReLU with a bottleneck", "deep linear, width 8": a few words for the window title. */
char        *ks_describe_stack              (const KsStack         *stack);
/* "digits", or the base name of a file. */
char        *ks_describe_data_source        (const char            *data_source);

G_END_DECLS
