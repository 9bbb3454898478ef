/* ks-experiment-file.h: experiment files, the document's settings as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ks-document-state.h"

G_BEGIN_DECLS

#define KS_EXPERIMENT_FILE_FORMAT "kernelscope-experiment"
#define KS_EXPERIMENT_FILE_VERSION 1

/* {"format": "kernelscope-experiment", "version": 1, "stack": "<spec>", "data": ...}.
 * A data file inside folder (the experiment file's folder, may be NULL) is written
 * relative to it, so a folder of experiments and data can be moved as a whole. */
char        *ks_experiment_file_serialize (const KsDocumentState *state,
                                           GFile                 *folder);
/* Fills state from the text of file (named in errors; relative data paths resolve against
 * its folder). "format", "version", "stack" and "data" are required; the other members
 * default as in a new document; unknown members are ignored. state is untouched on error. */
gboolean     ks_experiment_file_parse     (const char            *contents,
                                           gsize                  length,
                                           GFile                 *file,
                                           KsDocumentState       *state,
                                           GError               **error);

G_END_DECLS
