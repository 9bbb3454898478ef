/* ks-document-file.c: opening and saving a document as an experiment file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-document.h"
#include "ks-document-private.h"

#include <string.h>

#include "ks-error.h"
#include "ks-experiment-file.h"

/* Experiment files are a few hundred bytes; anything much larger is not one. */
#define MAX_FILE_SIZE (1024 * 1024)

static void
state_free (KsDocumentState *state)
{
  ks_document_state_clear (state);
  g_free (state);
}

static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GError) error = NULL;
  KsDocumentState *state;
  gsize length = 0;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_new_error (task, KS_ERROR, KS_ERROR_DATA, "%s could not be read: %s",
                               name, error->message);
      return;
    }
  if (length > MAX_FILE_SIZE)
    {
      g_task_return_new_error (task, KS_ERROR, KS_ERROR_DATA,
                               "%s is not a Kernelscope experiment: it is %" G_GSIZE_FORMAT
                               " bytes long", name, length);
      return;
    }
  state = g_new0 (KsDocumentState, 1);
  ks_document_state_init_default (state);
  if (!ks_experiment_file_parse (contents, length, file, state, &error))
    {
      state_free (state);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, state, (GDestroyNotify) state_free);
}

/* Back on the main thread: the settings apply before the caller hears of it. */
static void
on_parsed (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  KsDocument *self = g_task_get_source_object (outer);
  GError *error = NULL;
  KsDocumentState *state = g_task_propagate_pointer (G_TASK (result), &error);

  if (state == NULL)
    {
      g_task_return_error (outer, error);
      return;
    }
  ks_document_apply_state (self, state);
  ks_document_set_file (self, g_task_get_task_data (outer));
  state_free (state);
  g_task_return_boolean (outer, TRUE);
}

void
ks_document_load_file_async (KsDocument         *self,
                             GFile              *file,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (G_IS_FILE (file));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, ks_document_load_file_async);
  g_task_set_task_data (outer, g_object_ref (file), g_object_unref);

  inner = g_task_new (NULL, cancellable, on_parsed, outer);
  g_task_set_task_data (inner, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (inner, parse_in_thread);
}

gboolean
ks_document_load_file_finish (KsDocument   *self,
                              GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_replaced (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GFile *file = G_FILE (source_object);
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, KS_ERROR, KS_ERROR_DATA, "%s could not be saved: %s",
                                 name, error->message);
      return;
    }
  ks_document_set_file (g_task_get_source_object (task), file);
  g_task_return_boolean (task, TRUE);
}

void
ks_document_save_file_async (KsDocument         *self,
                             GFile              *file,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GBytes) bytes = NULL;
  KsDocumentState state;
  GTask *task;
  char *text;

  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_document_save_file_async);

  folder = g_file_get_parent (file);
  ks_document_get_state (self, &state);
  text = ks_experiment_file_serialize (&state, folder);
  ks_document_state_clear (&state);
  bytes = g_bytes_new_take (text, strlen (text));

  /* g_file_replace writes a temporary beside the file and renames it over the old one. */
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, on_replaced, task);
}

gboolean
ks_document_save_file_finish (KsDocument   *self,
                              GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
