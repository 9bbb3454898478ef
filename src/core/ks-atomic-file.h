/* ks-atomic-file.h: a file that appears complete or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Writes go to a hidden temporary in the destination's folder; commit syncs it and renames
 * it over the destination, abort (or free without commit) removes it. */
typedef struct _KsAtomicFile KsAtomicFile;

/* Fails (G_IO_ERROR, naming path) when the folder cannot take a new file, or when path
 * exists and is not a regular file (a device such as /dev/full is never replaced). */
KsAtomicFile     *ks_atomic_file_open        (const char    *path,
                                              GError       **error);
gboolean          ks_atomic_file_write       (KsAtomicFile  *file,
                                              const void    *data,
                                              gsize          length);
/* The first write error, or NULL. */
const GError     *ks_atomic_file_get_error   (KsAtomicFile  *file);
gboolean          ks_atomic_file_commit      (KsAtomicFile  *file,
                                              GError       **error);
/* Removes the temporary (if not committed) and frees. */
void              ks_atomic_file_free        (KsAtomicFile  *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsAtomicFile, ks_atomic_file_free)

G_END_DECLS
