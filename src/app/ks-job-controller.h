/* ks-job-controller.h: runs experiments in a worker thread, newest request first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ks-experiment.h"
#include "ks-result.h"

G_BEGIN_DECLS

#define KS_TYPE_JOB_CONTROLLER (ks_job_controller_get_type ())

G_DECLARE_FINAL_TYPE (KsJobController, ks_job_controller, KS, JOB_CONTROLLER, GObject)

/* At most one job runs at a time. Submitting while one runs cancels it and keeps the new
 * experiment as the single pending request (a newer one replaces it), started as soon as
 * the running job has given way: a slider drag never piles up work.
 *
 * Every submission gets the next "generation". Progress and results of a job that is no
 * longer the newest request, or that was cancelled, are dropped on arrival, so what is on
 * screen never goes back to older settings. "result" is the latest partial or complete
 * result of the newest job; it keeps the previous one until the new one sends something. */
KsJobController *ks_job_controller_new            (void);

/* exp is referenced, not copied: do not change it afterwards. */
void             ks_job_controller_submit         (KsJobController *self,
                                                   KsExperiment    *experiment);
/* Cancels the running job and drops the pending request; "result" stays as it is. */
void             ks_job_controller_cancel         (KsJobController *self);

KsResult        *ks_job_controller_get_result     (KsJobController *self);
gboolean         ks_job_controller_get_busy       (KsJobController *self);
/* The core's name of the stage being computed ("nngp", "samples", "cka"), or NULL. */
const char      *ks_job_controller_get_stage      (KsJobController *self);
double           ks_job_controller_get_fraction   (KsJobController *self);
guint64          ks_job_controller_get_generation (KsJobController *self);

G_END_DECLS
