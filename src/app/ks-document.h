/* ks-document.h: the settings of the experiment on screen, the single source of truth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ks-document-state.h"
#include "ks-experiment.h"

G_BEGIN_DECLS

#define KS_TYPE_DOCUMENT (ks_document_get_type ())

G_DECLARE_FINAL_TYPE (KsDocument, ks_document, KS, DOCUMENT, GObject)

/* A new document holds the default experiment and starts loading its data set at once.
 *
 * Data sets always load in a worker thread, built-in ones included, so the main thread
 * never parses or generates data. While a load runs, "loading" is TRUE and "dataset" and
 * "data-source" keep their old values; they change together once it succeeds. On failure
 * "load-failed" is emitted and both stay as they were.
 *
 * "changed" is emitted once from an idle callback after any number of changes to settings
 * that affect the computation (all but "colormap"), and never while a data set loads, so
 * that an experiment built from it never mixes new settings with stale data. */
KsDocument   *ks_document_new                  (void);

const KsStack *ks_document_get_stack           (KsDocument        *self);
/* Copies stack. */
void          ks_document_set_stack            (KsDocument        *self,
                                                const KsStack     *stack);
const char   *ks_document_get_data_source      (KsDocument        *self);
/* A built-in name ("digits", "iris", "ring", "spirals", "blobs", "xor") or a file path. */
void          ks_document_set_data_source      (KsDocument        *self,
                                                const char        *data_source);
gboolean      ks_document_get_loading          (KsDocument        *self);
/* The full data set of "data-source", or NULL before the first load finished. */
KsDataset    *ks_document_get_dataset          (KsDocument        *self);
guint         ks_document_get_n_points         (KsDocument        *self);
void          ks_document_set_n_points         (KsDocument        *self,
                                                guint              n_points);
guint64       ks_document_get_seed             (KsDocument        *self);
void          ks_document_set_seed             (KsDocument        *self,
                                                guint64            seed);
/* 0: one output channel per class. */
guint         ks_document_get_n_outputs        (KsDocument        *self);
void          ks_document_set_n_outputs        (KsDocument        *self,
                                                guint              n_outputs);
double        ks_document_get_noise            (KsDocument        *self);
void          ks_document_set_noise            (KsDocument        *self,
                                                double             noise);
guint         ks_document_get_n_samples        (KsDocument        *self);
void          ks_document_set_n_samples        (KsDocument        *self,
                                                guint              n_samples);
KsPosteriorMethod ks_document_get_posterior_method (KsDocument    *self);
void          ks_document_set_posterior_method (KsDocument        *self,
                                                KsPosteriorMethod  method);
/* Multiplies every hidden width the deep kernel machine's posterior assumes (large values
 * go back to the infinite-width kernels). */
double        ks_document_get_width_scale      (KsDocument        *self);
void          ks_document_set_width_scale      (KsDocument        *self,
                                                double             width_scale);
KsCkaKind     ks_document_get_cka_kind         (KsDocument        *self);
void          ks_document_set_cka_kind         (KsDocument        *self,
                                                KsCkaKind          kind);
double        ks_document_get_cka_tau          (KsDocument        *self);
void          ks_document_set_cka_tau          (KsDocument        *self,
                                                double             tau);
const char   *ks_document_get_colormap         (KsDocument        *self);
/* "viridis", "magma" or "cividis". */
void          ks_document_set_colormap         (KsDocument        *self,
                                                const char        *colormap);
/* "digits, ReLU with a bottleneck": the data and a few words about the network. */
const char   *ks_document_get_title            (KsDocument        *self);
/* The experiment file last opened or saved, or NULL. */
GFile        *ks_document_get_file             (KsDocument        *self);

/* A snapshot of the settings (clear it with ks_document_state_clear). */
void          ks_document_get_state            (KsDocument        *self,
                                                KsDocumentState   *state);

/* The experiment for the current settings, or NULL while there is no data set. The stack
 * always ends in a readout of "n-outputs" channels (or one per class) with "noise". */
KsExperiment *ks_document_build_experiment     (KsDocument        *self);

/* Experiment files: read and parsed in a worker thread; the settings then apply at once
 * (the data set loads afterwards, reporting through "load-failed"). */
void          ks_document_load_file_async      (KsDocument         *self,
                                                GFile              *file,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean      ks_document_load_file_finish     (KsDocument         *self,
                                                GAsyncResult       *result,
                                                GError            **error);
/* Replaces file atomically: on failure the old file stays whole. */
void          ks_document_save_file_async      (KsDocument         *self,
                                                GFile              *file,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean      ks_document_save_file_finish     (KsDocument         *self,
                                                GAsyncResult       *result,
                                                GError            **error);

G_END_DECLS
