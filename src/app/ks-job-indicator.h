/* ks-job-indicator.h: the header bar's "what is being computed" with a Cancel button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ks-job-controller.h"

G_BEGIN_DECLS

#define KS_TYPE_JOB_INDICATOR (ks_job_indicator_get_type ())

G_DECLARE_FINAL_TYPE (KsJobIndicator, ks_job_indicator, KS, JOB_INDICATOR, GtkWidget)

/* Shown while the controller is busy; its popover's Cancel button activates "win.cancel-job". */
KsJobController *ks_job_indicator_get_controller (KsJobIndicator  *self);
void             ks_job_indicator_set_controller (KsJobIndicator  *self,
                                                  KsJobController *controller);
/* "Sampling finite networks", for the core's stage names. */
const char      *ks_job_indicator_describe_stage (const char      *stage);

G_END_DECLS
