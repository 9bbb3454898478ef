/* ks-result-private.h: how the experiment runner fills a result
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-result.h"

G_BEGIN_DECLS

KsResult    *ks_result_new                (const KsStack  *stack,
                                           KsDataset      *dataset,
                                           JsonNode       *experiment_json);
/* Takes ownership of the matrices. */
void         ks_result_take_input_kernel  (KsResult       *self,
                                           gsl_matrix     *k0);
void         ks_result_take_output_kernel (KsResult       *self,
                                           gsl_matrix     *yyt);
/* Takes ownership of the array's n_layers matrices (not of the array). */
void         ks_result_take_kernels       (KsResult       *self,
                                           KsKernelKind    kind,
                                           gsl_matrix    **matrices);
void         ks_result_set_n_samples      (KsResult       *self,
                                           guint           done,
                                           guint           total);
void         ks_result_take_cka           (KsResult       *self,
                                           KsKernelKind    kind,
                                           KsCkaKind       cka_kind,
                                           gsl_matrix     *matrix,
                                           double         *to_input,
                                           double         *to_output);
/* Takes the diagnostics; refs the solution (may be NULL). */
void         ks_result_take_posterior_info (KsResult      *self,
                                           JsonNode       *diagnostics,
                                           KsDkmSolution  *solution);
void         ks_result_note_jitter        (KsResult       *self,
                                           double          jitter);
void         ks_result_set_seconds        (KsResult       *self,
                                           const char     *stage,
                                           double          seconds);
void         ks_result_set_complete       (KsResult       *self);
/* A new result sharing every matrix (they are never modified once stored). */
KsResult    *ks_result_snapshot           (const KsResult *self);

G_END_DECLS
