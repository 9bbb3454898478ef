/* ks-predict-sweep.h: test scores of the NNGP and of the deep kernel machine against the
 * width scale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MATHS section 6. The points are split into training and test points (ks_predict_split,
 * seeded, stratified by class); the kernels cover every point, only the training outputs
 * enter the posterior and the prediction. The NNGP is scored once; the deep kernel machine
 * at each width scale nu, in the order given, each solve started from the previous one's
 * solution (warm start), with the train mask. Every chosen layer's kernel is scored: the
 * test accuracy (the argmax of the predictive mean against the class) or the RMSE of real
 * targets.
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

#include "ks-dkm.h"
#include "ks-stack.h"

G_BEGIN_DECLS

typedef enum
{
  KS_PREDICT_ACCURACY,  /* fraction of test points classified right: higher is better */
  KS_PREDICT_RMSE,      /* root mean squared error of real targets: lower is better */
} KsPredictMetric;

/* "accuracy", "rmse". */
const char  *ks_predict_metric_to_string  (KsPredictMetric metric);

/* Layers of the options: every layer of the stack. */
#define KS_PREDICT_SWEEP_ALL_LAYERS G_MAXUINT

typedef struct
{
  const double   *width_scales;    /* each > 0, scored in this order (warm starts follow it) */
  guint           n_width_scales;  /* >= 1 */
  double          test_fraction;   /* strictly between 0 and 1 (default 0.2) */
  guint64         seed;            /* of the split (default 0) */
  /* The layer scored (0-based), or KS_PREDICT_SWEEP_ALL_LAYERS (the default). Scoring a
   * layer costs one Cholesky factorisation of the training block per kernel, little
   * beside a solve of the deep kernel machine. */
  guint           layer;
  KsPredictMetric metric;          /* accuracy needs labels below the outputs' columns */
  double          gradient_tolerance;  /* of each DKM solve (default 1e-6) */
  guint           max_iterations;  /* of each DKM solve (default 1000) */
  guint           n_threads;       /* 0: one per core; the result does not depend on it */
} KsPredictSweepOptions;

/* No width scales (set them), test fraction 0.2, seed 0, every layer, accuracy, the DKM's
 * own tolerance and iteration limit, threads 0. */
void         ks_predict_sweep_options_init (KsPredictSweepOptions *options);

/* One kernel's score at one layer. */
typedef struct
{
  double score;   /* NAN for a layer that was not scored */
  double jitter;  /* the diagonal jitter K_tt + s2 I needed to be factorised (0: none) */
} KsPredictScore;

/* How the deep kernel machine's solve went at one width scale. */
typedef struct
{
  double      width_scale;
  KsDkmStatus status;
  double      gradient_norm;  /* relative, at the solution */
  guint       n_iterations;
  double      seconds;
} KsPredictFit;

/* fraction of the whole sweep done, 0..1, from the computing thread. */
typedef void (*KsPredictSweepProgressFunc) (double   fraction,
                                            gpointer user_data);

typedef struct _KsPredictSweep KsPredictSweep;

/* The sweep of the stack (which must end in a readout; its noise variance s2 enters the
 * prediction) on the inputs X (P x D, input kernel X X^T / D) and outputs Y (P x N_out).
 * labels (P classes >= 0, or NULL) stratify the split and, for KS_PREDICT_ACCURACY (which
 * needs them), are what the predictions are scored against. Deterministic in the options
 * (any n_threads); cancellation is honoured within each solve (G_IO_ERROR_CANCELLED).
 * Errors name the width scale at which a solve failed. */
KsPredictSweep *ks_predict_sweep_run      (const KsStack               *stack,
                                           const gsl_matrix            *inputs,
                                           const gsl_matrix            *outputs,
                                           const int                   *labels,
                                           const KsPredictSweepOptions *options,
                                           KsPredictSweepProgressFunc   progress,
                                           gpointer                     user_data,
                                           GCancellable                *cancellable,
                                           GError                     **error);
KsPredictSweep *ks_predict_sweep_ref      (KsPredictSweep       *self);
void         ks_predict_sweep_unref       (KsPredictSweep       *self);

const KsStack *ks_predict_sweep_get_stack (const KsPredictSweep *self);
KsPredictMetric ks_predict_sweep_get_metric (const KsPredictSweep *self);
guint        ks_predict_sweep_get_n_points (const KsPredictSweep *self);
guint        ks_predict_sweep_get_n_test  (const KsPredictSweep *self);
/* P booleans, TRUE for a test point. */
const gboolean *ks_predict_sweep_get_is_test (const KsPredictSweep *self);
double       ks_predict_sweep_get_test_fraction (const KsPredictSweep *self);
guint64      ks_predict_sweep_get_seed    (const KsPredictSweep *self);
/* The stack's layers; and whether a layer (0-based) was scored. */
guint        ks_predict_sweep_get_n_layers (const KsPredictSweep *self);
gboolean     ks_predict_sweep_has_layer   (const KsPredictSweep *self,
                                           guint                 layer);
guint        ks_predict_sweep_get_n_width_scales (const KsPredictSweep *self);
double       ks_predict_sweep_get_width_scale (const KsPredictSweep *self,
                                           guint                 index);
/* The NNGP's score at a layer, and the deep kernel machine's at a width scale's index. */
const KsPredictScore *ks_predict_sweep_get_nngp (const KsPredictSweep *self,
                                           guint                 layer);
const KsPredictScore *ks_predict_sweep_get_dkm (const KsPredictSweep *self,
                                           guint                 index,
                                           guint                 layer);
const KsPredictFit *ks_predict_sweep_get_fit (const KsPredictSweep *self,
                                           guint                 index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsPredictSweep, ks_predict_sweep_unref)

G_END_DECLS
