/* ks-stack-editor.h: the Network group of the sidebar, editing the document's layer stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-document.h"

G_BEGIN_DECLS

#define KS_TYPE_STACK_EDITOR (ks_stack_editor_get_type ())

G_DECLARE_FINAL_TYPE (KsStackEditor, ks_stack_editor, KS, STACK_EDITOR, GtkWidget)

GtkWidget  *ks_stack_editor_new          (KsDocument    *document);
KsDocument *ks_stack_editor_get_document (KsStackEditor *self);
void        ks_stack_editor_set_document (KsStackEditor *self,
                                          KsDocument    *document);
/* Moves layer @from to position @to, as a drop does. When the stack refuses (the readout
 * must stay last) the person is told in a toast, the stack is unchanged and FALSE is
 * returned. */
gboolean    ks_stack_editor_move_layer   (KsStackEditor *self,
                                          guint          from,
                                          guint          to);

G_END_DECLS
