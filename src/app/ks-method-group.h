/* ks-method-group.h: the Method group of the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-document.h"

G_BEGIN_DECLS

#define KS_TYPE_METHOD_GROUP (ks_method_group_get_type ())

G_DECLARE_FINAL_TYPE (KsMethodGroup, ks_method_group, KS, METHOD_GROUP, AdwPreferencesGroup)

KsDocument  *ks_method_group_get_document (KsMethodGroup *self);
void         ks_method_group_set_document (KsMethodGroup *self,
                                           KsDocument    *document);

G_END_DECLS
