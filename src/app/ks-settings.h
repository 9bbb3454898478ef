/* ks-settings.h: the program's GSettings, installed or from the build folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The settings of KS_APP_ID. A program run from its build folder, before installation,
 * finds the schema compiled there. */
GSettings   *ks_settings_new (void);

G_END_DECLS
