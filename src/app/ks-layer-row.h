/* ks-layer-row.h: one layer of the stack editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-stack.h"

G_BEGIN_DECLS

#define KS_TYPE_LAYER_ROW (ks_layer_row_get_type ())

G_DECLARE_FINAL_TYPE (KsLayerRow, ks_layer_row, KS, LAYER_ROW, AdwExpanderRow)

GtkWidget     *ks_layer_row_new                 (const KsLayer *layer);
const KsLayer *ks_layer_row_get_layer           (KsLayerRow    *self);
/* Shows @layer, updating the row's widgets in place; emits nothing. A readout row shows
 * the document's output channels in width, 0 meaning one per class. */
void           ks_layer_row_set_layer           (KsLayerRow    *self,
                                                 const KsLayer *layer);
/* The 0-based position, for accessible names ("Layer 3 width"). */
void           ks_layer_row_set_index           (KsLayerRow    *self,
                                                 guint          index);
/* Which row actions (row.move-up, row.move-down, row.duplicate, row.remove) apply. */
void           ks_layer_row_set_actions_enabled (KsLayerRow    *self,
                                                 gboolean       can_move_up,
                                                 gboolean       can_move_down,
                                                 gboolean       can_duplicate,
                                                 gboolean       can_remove);

G_END_DECLS
