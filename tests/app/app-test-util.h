/* app-test-util.h: helpers for the GUI tests: waiting on the main loop, screenshots, threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-window.h"

G_BEGIN_DECLS

typedef gboolean (*KsTestCondition) (gpointer user_data);

/* GTK, libadwaita and the core, for a test program run under Xvfb. */
void         ks_test_init                (int            *argc,
                                          char         ***argv);
/* Runs the main loop until condition holds or timeout_s passes; returns whether it held. */
gboolean     ks_test_wait_until          (KsTestCondition  condition,
                                          gpointer         user_data,
                                          double           timeout_s);
/* Runs the main loop for about seconds. */
void         ks_test_run_for             (double           seconds);
/* A window on the default document, shown at 1280 x 800, without an application (no
 * session bus under Xvfb). */
KsWindow    *ks_test_window_new          (void);
/* Waits until the controller holds a complete result of the newest request. */
gboolean     ks_test_wait_for_result     (KsWindow        *window,
                                          double           timeout_s);
/* The controller's result shown now (complete or partial), or NULL. */
KsResult    *ks_test_current_result      (KsWindow        *window);
/* Waits until the controller has been handed request number generation. */
gboolean     ks_test_wait_for_submission (KsWindow        *window,
                                          guint64          generation,
                                          double           timeout_s);
/* Renders widget to $KS_SCREENSHOT_DIR/name.png (a folder under the build folder). */
void         ks_test_save_screenshot     (GtkWidget       *widget,
                                          const char      *name);
/* Entries of /proc/self/task: the threads of this process. */
guint        ks_test_count_threads       (void);
/* The integer member of the result's experiment summary, e.g. "seed" or "points". */
gint64       ks_test_result_experiment_int (KsResult      *result,
                                            const char    *member);

G_END_DECLS
