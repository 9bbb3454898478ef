/* ks-experiment.h: one experiment (stack, data, method) and the entry point that runs it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ks-cka.h"
#include "ks-dataset.h"
#include "ks-posterior.h"
#include "ks-result.h"
#include "ks-stack.h"

G_BEGIN_DECLS

typedef struct _KsExperiment KsExperiment;

typedef enum
{
  KS_COMPUTE_NNGP    = 1 << 0,
  KS_COMPUTE_NTK     = 1 << 1,
  KS_COMPUTE_SAMPLES = 1 << 2,
  KS_COMPUTE_CKA     = 1 << 3,
  KS_COMPUTE_POSTERIOR = 1 << 4,  /* needs outputs: class labels or targets */
  KS_COMPUTE_ALL     = 0x1f,
} KsComputeFlags;

typedef struct
{
  const char *stage;     /* what is being computed, for a progress label */
  double      fraction;  /* of the whole run, 0..1 */
  KsResult   *partial;   /* what is ready so far (a snapshot; ref it to keep), or NULL */
} KsProgress;

/* Called from the thread running the experiment. */
typedef void (*KsProgressFunc) (const KsProgress *progress,
                                gpointer          user_data);

/* data is the full data set; the run subsamples and standardises it as configured. */
KsExperiment *ks_experiment_new           (const KsStack      *stack,
                                           KsDataset          *data);
KsExperiment *ks_experiment_ref           (KsExperiment       *self);
void          ks_experiment_unref         (KsExperiment       *self);
KsExperiment *ks_experiment_copy          (const KsExperiment *self);

const KsStack *ks_experiment_get_stack    (const KsExperiment *self);
KsDataset    *ks_experiment_get_data      (const KsExperiment *self);
void          ks_experiment_set_stack     (KsExperiment       *self,
                                           const KsStack      *stack);
/* Points P after subsampling (0: all). Default 200. */
void          ks_experiment_set_n_points  (KsExperiment       *self,
                                           guint               n_points);
guint         ks_experiment_get_n_points  (const KsExperiment *self);
void          ks_experiment_set_seed      (KsExperiment       *self,
                                           guint64             seed);
guint64       ks_experiment_get_seed      (const KsExperiment *self);
/* Finite-width samples S. Default 16. */
void          ks_experiment_set_n_samples (KsExperiment       *self,
                                           guint               n_samples);
guint         ks_experiment_get_n_samples (const KsExperiment *self);
void          ks_experiment_set_standardize (KsExperiment     *self,
                                           gboolean            standardize);
gboolean      ks_experiment_get_standardize (const KsExperiment *self);
void          ks_experiment_set_cka       (KsExperiment       *self,
                                           KsCkaKind           kind,
                                           double              tau);
KsCkaKind     ks_experiment_get_cka_kind  (const KsExperiment *self);
double        ks_experiment_get_cka_tau   (const KsExperiment *self);
/* Worker threads (0: one per core). Results do not depend on it. */
void          ks_experiment_set_n_threads (KsExperiment       *self,
                                           guint               n_threads);
guint         ks_experiment_get_n_threads (const KsExperiment *self);
void          ks_experiment_set_compute   (KsExperiment       *self,
                                           KsComputeFlags      flags);
KsComputeFlags ks_experiment_get_compute  (const KsExperiment *self);

/* How the posterior is computed. Defaults: the deep kernel machine, width scale 1. */
void          ks_experiment_set_posterior_method (KsExperiment   *self,
                                           KsPosteriorMethod   method);
KsPosteriorMethod ks_experiment_get_posterior_method (const KsExperiment *self);
/* Multiplies every hidden nu_l of the deep kernel machine (large: back to the NNGP). */
void          ks_experiment_set_width_scale (KsExperiment     *self,
                                           double              width_scale);
double        ks_experiment_get_width_scale (const KsExperiment *self);
/* HMC draws kept (after as many warm-up iterations, at most 300). Default 500. */
void          ks_experiment_set_hmc_draws (KsExperiment       *self,
                                           guint               n_draws);
guint         ks_experiment_get_hmc_draws (const KsExperiment *self);
/* Start the deep kernel machine from a previous result's solution when it has the same
 * shape (a slider drag then re-converges in a few iterations). previous may be NULL. */
void          ks_experiment_set_warm_start (KsExperiment      *self,
                                           KsResult           *previous);

/* Sizes and settings a run would refuse (absurd P, widths that would not fit in memory,
 * a stack with no layers, tau <= 0). */
gboolean      ks_experiment_validate      (const KsExperiment *self,
                                           GError            **error);
JsonNode     *ks_experiment_to_json       (const KsExperiment *self);

/* Runs in the calling thread (never the GUI's main thread). Infinite-width kernels come
 * first, then samples (progress carries partial results as they refine), then the
 * posterior when the data has outputs, then CKA.
 * Cancellation is honoured within 100 ms with G_IO_ERROR_CANCELLED. */
KsResult     *ks_experiment_run           (KsExperiment       *self,
                                           KsProgressFunc      progress,
                                           gpointer            user_data,
                                           GCancellable       *cancellable,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsExperiment, ks_experiment_unref)

G_END_DECLS
