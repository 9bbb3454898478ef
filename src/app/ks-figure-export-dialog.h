/* ks-figure-export-dialog.h: the Export dialog: one of the window's figures to SVG, PDF or
 * PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-export.h"
#include "ks-figure-area.h"
#include "ks-figure-common.h"
#include "ks-window.h"

G_BEGIN_DECLS

#define KS_TYPE_FIGURE_EXPORT_DIALOG (ks_figure_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KsFigureExportDialog, ks_figure_export_dialog, KS, FIGURE_EXPORT_DIALOG, AdwMessageDialog)

/* A dialog over window offering every figure the window shows (the current tab's first),
 * a format, a size in millimetres and, for PNG, a resolution; Export then asks for the
 * file and writes it with ks_figure_export_to_file (). */
KsFigureExportDialog *ks_figure_export_dialog_new (KsWindow             *window);
/* The figures offered, in order; selected is the current tab's. */
guint        ks_figure_export_dialog_get_n_figures (KsFigureExportDialog *self);
const char  *ks_figure_export_dialog_get_figure_name (KsFigureExportDialog *self,
                                                    guint                 index);
guint        ks_figure_export_dialog_get_selected (KsFigureExportDialog *self);
/* The options the dialog's rows give (format, size in points, dpi). */
void         ks_figure_export_dialog_get_options (KsFigureExportDialog *self,
                                                  KsExportOptions      *options);

/* Writes area's figure to file atomically in a worker thread; says how it went in a toast
 * of window. */
void         ks_figure_export_to_file  (KsWindow              *window,
                                        KsFigureArea          *area,
                                        GFile                 *file,
                                        const KsExportOptions *options);

G_END_DECLS
