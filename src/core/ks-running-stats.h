/* ks-running-stats.h: per-layer matrices of running statistics, shared by the sampler and
 * the HMC result
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <gsl/gsl_matrix.h>

G_BEGIN_DECLS

/* n size x size matrices, uninitialised: zeroing hundreds of megabytes up front would
 * delay a cancellation, so every matrix must be written before it is read. On running out
 * of memory the entries from the failed one on are NULL (see ks_matrix_array_complete). */
gsl_matrix **ks_matrix_array_new      (guint              n,
                                       gsize              size);
gboolean     ks_matrix_array_complete (gsl_matrix       **array,
                                       guint              n);
void         ks_matrix_array_free     (gsl_matrix       **array,
                                       guint              n);

/* Each entry's sample standard deviation sqrt (m2 / (count - 1)) from its Welford sum of
 * squared deviations m2 over count values; 0 for a single value. */
void         ks_running_std           (gsl_matrix        *std,
                                       const gsl_matrix  *m2,
                                       double             count);

G_END_DECLS
