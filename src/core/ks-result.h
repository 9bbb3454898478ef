/* ks-result.h: the immutable outcome of one experiment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <gsl/gsl_matrix.h>

#include "ks-cka.h"
#include "ks-dataset.h"
#include "ks-dkm.h"
#include "ks-stack.h"

G_BEGIN_DECLS

typedef enum
{
  KS_KERNEL_NNGP,          /* infinite width */
  KS_KERNEL_NTK,           /* infinite-width neural tangent kernel */
  KS_KERNEL_SAMPLE,        /* one finite-width network (sample 0) */
  KS_KERNEL_SAMPLE_MEAN,   /* elementwise mean over the samples */
  KS_KERNEL_SAMPLE_STD,    /* elementwise standard deviation over the samples */
  KS_KERNEL_POSTERIOR,     /* after conditioning on the outputs (deep kernel machine or HMC mean) */
  KS_N_KERNEL_KINDS
} KsKernelKind;

/* File-name stem of a kernel kind: "nngp", "ntk", "sample", "sample-mean", "sample-std",
 * "posterior". */
const char  *ks_kernel_kind_to_string     (KsKernelKind kind);

typedef struct _KsResult KsResult;

KsResult    *ks_result_ref                (KsResult       *self);
void         ks_result_unref              (KsResult       *self);

const KsStack *ks_result_get_stack        (const KsResult *self);
/* The data as the kernels saw it: subsampled, sorted by class, standardised if asked. */
KsDataset   *ks_result_get_dataset        (const KsResult *self);
guint        ks_result_get_n_layers       (const KsResult *self);
const gsl_matrix *ks_result_get_input_kernel  (const KsResult *self);
/* Y Y^T of the outputs (one-hot labels or targets), or NULL without outputs. */
const gsl_matrix *ks_result_get_output_kernel (const KsResult *self);
/* NULL when that kind was not (yet) computed. */
const gsl_matrix *ks_result_get_kernel    (const KsResult *self,
                                           KsKernelKind    kind,
                                           guint           layer);
gboolean     ks_result_has_kernels        (const KsResult *self,
                                           KsKernelKind    kind);
/* Samples merged into the sample kernels so far (S when complete). */
guint        ks_result_get_n_samples_done (const KsResult *self);
gboolean     ks_result_is_complete        (const KsResult *self);

/* Layer-by-layer CKA (n_layers x n_layers) of the kernels of one kind, or NULL. */
const gsl_matrix *ks_result_get_cka_matrix    (const KsResult *self,
                                               KsKernelKind    kind);
/* Each layer's CKA to the input kernel / to the output kernel (n_layers values), or NULL. */
const double *ks_result_get_cka_to_input  (const KsResult *self,
                                           KsKernelKind    kind);
const double *ks_result_get_cka_to_output (const KsResult *self,
                                           KsKernelKind    kind);
KsCkaKind    ks_result_get_cka_kind       (const KsResult *self);

/* How the posterior was computed (method, iterations or acceptance, ...), or NULL. */
JsonNode    *ks_result_get_posterior_diagnostics (const KsResult *self);
/* The deep kernel machine's solution (for warm starts), or NULL. */
KsDkmSolution *ks_result_get_dkm_solution (const KsResult *self);

/* The largest diagonal jitter any factorisation needed (0 when none). */
double       ks_result_get_max_jitter     (const KsResult *self);
/* Wall-clock seconds of a stage ("data", "nngp", "samples", "cka"), or -1. */
double       ks_result_get_seconds        (const KsResult *self,
                                           const char     *stage);
/* Everything but the matrices, for summary.json. */
JsonNode    *ks_result_to_summary_json    (const KsResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsResult, ks_result_unref)

G_END_DECLS
