/* ks-spread-view.h: the Spread tab: the prior spread of the top-layer kernel against width
 * and depth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-sweep-view.h"

G_BEGIN_DECLS

#define KS_TYPE_SPREAD_VIEW (ks_spread_view_get_type ())

G_DECLARE_FINAL_TYPE (KsSpreadView, ks_spread_view, KS, SPREAD_VIEW, KsSweepView)

/* The sweep of ks-spread-sweep.h for the first block of the document's network (its
 * first dense layer and the nonlinearities after it, made finite) stacked 1, 2, 4 and 8
 * times, at widths 2 to 1024, on 16 points of the document's data. */
GtkWidget   *ks_spread_view_new          (void);

/* The block a document's stack gives the sweep, or NULL with an error naming what the
 * network lacks. */
KsStack     *ks_spread_view_block_for    (const KsStack  *stack,
                                          GError        **error);

G_END_DECLS
