/* ks-cka.h: centered kernel alignment between representations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

G_BEGIN_DECLS

typedef enum
{
  KS_CKA_LINEAR,
  KS_CKA_RBF,
  KS_CKA_DEBIASED,
} KsCkaKind;

const char  *ks_cka_kind_to_string        (KsCkaKind   kind);
gboolean     ks_cka_kind_from_string      (const char *text,
                                           KsCkaKind  *kind,
                                           GError    **error);

/* X X^T for features X (rows are points). */
gsl_matrix  *ks_linear_gram               (const gsl_matrix *features);
/* exp(-d2_ij / (2 tau^2 median(d2))) with d2_ij = k_ii + k_jj - 2 k_ij from a Gram matrix;
 * the median runs over all n^2 entries. */
gsl_matrix  *ks_rbf_from_gram             (const gsl_matrix *gram,
                                           double            tau,
                                           GError          **error);
/* H K H with H = I - 11^T / n. */
gsl_matrix  *ks_center                    (const gsl_matrix *k);
/* The unbiased HSIC estimator of MATHS 5 (n >= 4). */
double       ks_hsic_debiased             (const gsl_matrix *k,
                                           const gsl_matrix *l);

/* CKA of two n x n Gram matrices. linear: <HKH, HLH> / norms; rbf: the same on the RBF
 * kernels built from the Gram matrices with tau; debiased: HSIC_u. A kernel with no
 * centred variance (constant) makes CKA undefined: an error. */
gboolean     ks_cka                       (const gsl_matrix *k,
                                           const gsl_matrix *l,
                                           KsCkaKind         kind,
                                           double            tau,
                                           double           *cka,
                                           GError          **error);
/* The same from feature matrices (rows are points, any column counts). */
gboolean     ks_cka_features              (const gsl_matrix *x,
                                           const gsl_matrix *y,
                                           KsCkaKind         kind,
                                           double            tau,
                                           double           *cka,
                                           GError          **error);
/* n x n symmetric matrix of CKA between every pair of the n Gram matrices (unit
 * diagonal). Each kernel is prepared (centred / normalised) once. */
gsl_matrix  *ks_cka_matrix                (gsl_matrix * const *grams,
                                           guint               n,
                                           KsCkaKind           kind,
                                           double              tau,
                                           GCancellable       *cancellable,
                                           GError            **error);
/* CKA of each of the n Gram matrices to one reference kernel, into out[0..n-1]. */
gboolean     ks_cka_to_reference          (gsl_matrix * const *grams,
                                           guint               n,
                                           const gsl_matrix   *reference,
                                           KsCkaKind           kind,
                                           double              tau,
                                           double             *out,
                                           GCancellable       *cancellable,
                                           GError            **error);

G_END_DECLS
