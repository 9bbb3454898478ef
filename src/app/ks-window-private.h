/* ks-window-private.h: the window's parts, shared by its files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-data-group.h"
#include "ks-evidence-view.h"
#include "ks-job-indicator.h"
#include "ks-kernel-view.h"
#include "ks-method-group.h"
#include "ks-predictions-view.h"
#include "ks-similarity-view.h"
#include "ks-spread-view.h"
#include "ks-stack-editor.h"
#include "ks-window.h"

G_BEGIN_DECLS

struct _KsWindow
{
  AdwApplicationWindow  parent_instance;

  KsDocument           *document;
  KsJobController      *controller;
  GSettings            *settings;
  /* The message of the newest request's failure, until the next request. */
  char                 *error_message;

  AdwToastOverlay      *toast_overlay;
  AdwFlap              *flap;
  AdwWindowTitle       *experiment_title;
  AdwViewSwitcherTitle *switcher_title;
  KsStackEditor        *stack_editor;
  KsDataGroup          *data_group;
  KsMethodGroup        *method_group;
  KsJobIndicator       *job_indicator;
  GtkStack             *content_stack;
  AdwStatusPage        *error_page;
  AdwViewStack         *view_stack;
  KsKernelView         *kernel_view;
  KsSimilarityView     *similarity_view;
  KsSpreadView         *spread_view;
  KsEvidenceView       *evidence_view;
  KsPredictionsView    *predictions_view;
};

/* ks-window-actions.c */
void ks_window_class_install_actions (GtkWidgetClass *widget_class);
/* Shows a failed file operation in a dialog: these need reading, not a passing toast. */
void ks_window_show_error            (KsWindow       *self,
                                      const char     *heading,
                                      const GError   *error);

G_END_DECLS
