/* ks-document-private.h: what the experiment-file half of KsDocument needs from the other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-document.h"

G_BEGIN_DECLS

void ks_document_set_file    (KsDocument            *self,
                              GFile                 *file);
/* Every setting at once, with one "changed". */
void ks_document_apply_state (KsDocument            *self,
                              const KsDocumentState *state);

G_END_DECLS
