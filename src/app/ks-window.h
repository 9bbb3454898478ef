/* ks-window.h: the main window: settings in the sidebar, views of the result beside them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-document.h"
#include "ks-job-controller.h"

G_BEGIN_DECLS

#define KS_TYPE_WINDOW (ks_window_get_type ())

G_DECLARE_FINAL_TYPE (KsWindow, ks_window, KS, WINDOW, AdwApplicationWindow)

/* A window on a new document with the default experiment. Every change to the document
 * builds an experiment and hands it to the window's job controller: the main thread
 * itself never computes. */
KsWindow        *ks_window_new            (GtkApplication *application);
KsDocument      *ks_window_get_document   (KsWindow       *self);
KsJobController *ks_window_get_controller (KsWindow       *self);
/* Opens an experiment file (as Open does once a file is chosen). */
void             ks_window_open_file      (KsWindow       *self,
                                           GFile          *file);
/* Saves to file (as Save As does once a file is chosen). */
void             ks_window_save_file      (KsWindow       *self,
                                           GFile          *file);
/* Exports the kernels on screen as CSV files into folder (as Export Kernels as CSV does
 * once a folder is chosen). */
void             ks_window_export_kernels (KsWindow       *self,
                                           GFile          *folder);
/* Shows a short message at the bottom of the window. */
void             ks_window_add_toast      (KsWindow       *self,
                                           const char     *title);
/* Which content page is shown: "loading", "empty", "error" or "views". */
const char      *ks_window_get_content_state (KsWindow    *self);

G_END_DECLS
