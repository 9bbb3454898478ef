/* ks-kernel-export.h: a result's kernels written as CSV files into a folder, off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ks-result.h"

G_BEGIN_DECLS

/* Writes the names kernelscope-cli uses: KIND-L.csv for every computed kernel kind
 * (nngp, ntk, sample, sample-mean, sample-std) and layer L = 1, 2, ..., input.csv,
 * labels.csv (when the data have classes) and summary.json. Each file is replaced
 * atomically; the folder is created if missing. */
void         ks_kernel_export_async  (KsResult            *result,
                                      GFile               *folder,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* The number of files written, or 0 with error set. */
guint        ks_kernel_export_finish (GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
