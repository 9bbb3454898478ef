/* ks-dataset-private.h: what the data set loaders share inside libks-core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-dataset.h"

G_BEGIN_DECLS

/* The keys of the data's random streams (ks_rng_new_stream (seed, sample, layer)): a
 * sample number no network sample reaches, so that the points generated or chosen never
 * share a stream with the weights drawn under the same seed. */
#define KS_DATASET_RNG_SAMPLE    G_MAXUINT64
#define KS_DATASET_RNG_GENERATE  0
#define KS_DATASET_RNG_SUBSAMPLE 1

/* Like ks_dataset_new () but takes ownership of the g_malloc'ed arrays, so loaders of
 * large files (MNIST: 60000 x 784) never hold two copies. labels and targets may be NULL. */
KsDataset    *ks_dataset_new_take           (const char      *name,
                                             guint            n_points,
                                             guint            n_features,
                                             double          *inputs,
                                             int             *labels,
                                             guint            n_targets,
                                             double          *targets);

/* Wraps raw in a gzip decompressor when it starts with the gzip magic bytes 1f 8b,
 * else returns raw buffered; the decision is by content, never by name. */
GInputStream *ks_dataset_maybe_decompress   (GInputStream    *raw,
                                             const char      *display_name,
                                             GCancellable    *cancellable,
                                             GError         **error);
/* Opens file for reading through ks_dataset_maybe_decompress (); a file that cannot be
 * opened becomes a KS_ERROR_DATA naming it. */
GInputStream *ks_dataset_open_file_stream   (GFile           *file,
                                             GCancellable    *cancellable,
                                             GError         **error);
/* Turns a read failure into an error naming the file; a decompressor failure says the
 * file is not valid gzip. Cancellation passes through unchanged. */
void          ks_dataset_propagate_read_error (GError       **error,
                                               GError        *read_error,
                                               GInputStream  *stream,
                                               const char    *display_name);
/* How a file is named in messages: its path for local files, else its URI. */
char         *ks_dataset_display_name       (GFile           *file);

gboolean      ks_dataset_is_bundled_name    (const char      *name);
gboolean      ks_dataset_is_generator_name  (const char      *name);

/* The CSV reader behind ks_dataset_load_csv () and the bundled sets; stream comes from
 * ks_dataset_maybe_decompress (). When header is not NULL it receives the cells of the
 * header line (NULL when the file has none). */
KsDataset    *ks_dataset_read_csv_stream    (GInputStream    *stream,
                                             const char      *display_name,
                                             const char      *name,
                                             int              label_column,
                                             GStrv           *header,
                                             GCancellable    *cancellable,
                                             GError         **error);

G_END_DECLS
