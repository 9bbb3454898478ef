/* ks-preferences-window.h: style, default colour map and worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KS_TYPE_PREFERENCES_WINDOW (ks_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (KsPreferencesWindow, ks_preferences_window, KS, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* The controls write straight into settings. */
GtkWidget   *ks_preferences_window_new (GtkWindow *parent,
                                        GSettings *settings);

G_END_DECLS
