/* ks-similarity-view.h: the Similarity tab: CKA between layers, and against depth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-document.h"
#include "ks-figure-area.h"
#include "ks-result.h"

G_BEGIN_DECLS

#define KS_TYPE_SIMILARITY_VIEW (ks_similarity_view_get_type ())

G_DECLARE_FINAL_TYPE (KsSimilarityView, ks_similarity_view, KS, SIMILARITY_VIEW, GtkWidget)

/* The layer-by-layer CKA heatmaps (ks-figure-cka-matrix.h) beside, or in a narrow tab
 * above, each layer's CKA to the input and to the labels against depth
 * (ks-figure-cka-depth.h), for every kind of kernel the result has (NNGP, one sample,
 * posterior). CKA comes last in a computation: while a new result has none yet, the
 * previous one stays on screen, marked as updating. */
void          ks_similarity_view_set_document (KsSimilarityView *self,
                                               KsDocument       *document);
void          ks_similarity_view_set_result   (KsSimilarityView *self,
                                               KsResult         *result);
/* The result whose similarities are shown, or NULL. */
KsResult     *ks_similarity_view_get_shown_result (KsSimilarityView *self);
KsFigureArea *ks_similarity_view_get_matrix_area (KsSimilarityView *self);
KsFigureArea *ks_similarity_view_get_depth_area  (KsSimilarityView *self);
/* "figures", "computing" or "failed". */
const char   *ks_similarity_view_get_page     (KsSimilarityView *self);

G_END_DECLS
