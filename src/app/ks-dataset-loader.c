/* ks-dataset-loader.c: loads or generates a data set in a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-dataset-loader.h"

#include <string.h>

#include "ks-linalg.h"

typedef struct
{
  char   *source;
  guint   n_points;
  guint64 seed;
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_free (request->source);
  g_free (request);
}

/* MNIST ships images and labels as two files named alike; find the labels beside the
 * images so that opening one file gives a labelled set. */
static char *
find_idx_labels (const char *images_path)
{
  g_autofree char *dir = g_path_get_dirname (images_path);
  g_autofree char *base = g_path_get_basename (images_path);
  g_autofree char *labels_base = NULL;
  g_autofree char *labels_path = NULL;
  char *at = strstr (base, "images-idx3");

  if (at == NULL)
    return NULL;
  memcpy (at, "labels-idx1", strlen ("labels-idx1"));
  labels_base = g_steal_pointer (&base);
  labels_path = g_build_filename (dir, labels_base, NULL);
  return g_file_test (labels_path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&labels_path) : NULL;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LoadRequest *request = task_data;
  g_autofree char *labels = NULL;
  GError *error = NULL;
  KsDataset *dataset;

  ks_core_init ();
  if (!ks_dataset_is_builtin_name (request->source))
    labels = find_idx_labels (request->source);
  dataset = ks_dataset_open (request->source, KS_LABEL_COLUMN_LAST, labels,
                             request->n_points, request->seed, cancellable, &error);
  if (dataset == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dataset, (GDestroyNotify) ks_dataset_unref);
}

void
ks_dataset_loader_load_async (const char          *source,
                              guint                n_points,
                              guint64              seed,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadRequest *request = g_new0 (LoadRequest, 1);

  request->source = g_strdup (source);
  request->n_points = n_points;
  request->seed = seed;
  g_task_set_source_tag (task, ks_dataset_loader_load_async);
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, load_in_thread);
}

KsDataset *
ks_dataset_loader_load_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
