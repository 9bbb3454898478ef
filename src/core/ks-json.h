/* ks-json.h: JSON text that every JSON parser reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json_to_string (), but with the doubles json-glib before 1.7 writes unreadably fixed:
 * it appends ".0" to any number without a point, so 1e-10 (a jitter, say) came out as
 * "1e-10.0"; this writes "1.0e-10". Strings are left alone. */
char        *ks_json_to_string            (JsonNode *node,
                                           gboolean  pretty);

G_END_DECLS
