/* ks-cli-output-folder.h: all of a command's files appear in a folder, or none do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _KsCliOutputFolder KsCliOutputFolder;

/* Fails early, creating nothing, when folder could not be created or written because
 * the nearest existing ancestor is not a writable folder. */
gboolean     ks_cli_output_folder_check   (const char        *folder,
                                           GError           **error);

/* Creates folder if missing and a staging folder inside it, where the files are written. */
KsCliOutputFolder *ks_cli_output_folder_new (const char      *folder,
                                           GError           **error);
/* The staged file called name (a plain file name); commit moves it into the folder. */
GFile       *ks_cli_output_folder_add     (KsCliOutputFolder *self,
                                           const char        *name);
/* Moves every staged file into the folder, replacing files of the same names. On failure
 * every replaced file is put back, so the folder is as it was. */
gboolean     ks_cli_output_folder_commit  (KsCliOutputFolder *self,
                                           GError           **error);
/* Removes the staging folder; without a commit, also the folders new () created. */
void         ks_cli_output_folder_free    (KsCliOutputFolder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsCliOutputFolder, ks_cli_output_folder_free)

G_END_DECLS
