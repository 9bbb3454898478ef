/* ks-rng.h: independent random streams per (seed, sample, layer)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

G_BEGIN_DECLS

/* A generator whose draws depend only on (seed, sample, layer), so that results are the
 * same bit for bit whichever thread computes which sample. */
gsl_rng     *ks_rng_new_stream            (guint64 seed,
                                           guint64 sample,
                                           guint64 layer);
/* Fills n standard normal draws. */
void         ks_rng_fill_gaussian         (gsl_rng *rng,
                                           double  *out,
                                           gsize    n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_rng, gsl_rng_free)

G_END_DECLS
