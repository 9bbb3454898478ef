/* ks-dataset-loader.h: loads or generates a data set in a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ks-dataset.h"

G_BEGIN_DECLS

/* source is a built-in name or a file path (CSV with the labels in the last column, or
 * IDX, whose labels are found beside "*-images-idx3-ubyte" as "*-labels-idx1-ubyte").
 * n_points and seed serve the generated sets. */
void         ks_dataset_loader_load_async  (const char          *source,
                                            guint                n_points,
                                            guint64              seed,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
KsDataset   *ks_dataset_loader_load_finish (GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
