/* ks-data-group.h: the Data group of the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-document.h"

G_BEGIN_DECLS

#define KS_TYPE_DATA_GROUP (ks_data_group_get_type ())

G_DECLARE_FINAL_TYPE (KsDataGroup, ks_data_group, KS, DATA_GROUP, AdwPreferencesGroup)

KsDocument  *ks_data_group_get_document (KsDataGroup *self);
void         ks_data_group_set_document (KsDataGroup *self,
                                         KsDocument  *document);
/* What "Open CSV or IDX File…" does once a file is chosen: the document loads it in the
 * background; a failure is shown under the group, and the data stay as they were. */
void         ks_data_group_open_file    (KsDataGroup *self,
                                         GFile       *file);
/* The message shown for the last failed load, or NULL. */
const char  *ks_data_group_get_error    (KsDataGroup *self);

G_END_DECLS
