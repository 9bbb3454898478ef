/* ks-kernel-export.c: a result's kernels written as CSV files into a folder, off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-kernel-export.h"

#include <string.h>

#include "ks-csv-writer.h"
#include "ks-json.h"

typedef struct
{
  KsResult *result;
  GFile    *folder;
  guint     n_written;
} Export;

static void
export_free (Export *export)
{
  ks_result_unref (export->result);
  g_object_unref (export->folder);
  g_free (export);
}

static gboolean
write_matrix (Export           *export,
              const char       *name,
              const gsl_matrix *m,
              GCancellable     *cancellable,
              GError          **error)
{
  g_autoptr(GFile) file = g_file_get_child (export->folder, name);

  if (!ks_csv_write_matrix (file, m, cancellable, error))
    return FALSE;
  export->n_written++;
  return TRUE;
}

static gboolean
write_text (Export       *export,
            const char   *name,
            const char   *text,
            GCancellable *cancellable,
            GError      **error)
{
  g_autoptr(GFile) file = g_file_get_child (export->folder, name);

  if (!ks_file_replace_contents (file, text, strlen (text), cancellable, error))
    return FALSE;
  export->n_written++;
  return TRUE;
}

static gboolean
write_kernels (Export       *export,
               GCancellable *cancellable,
               GError      **error)
{
  guint n_layers = ks_result_get_n_layers (export->result);

  for (KsKernelKind kind = 0; kind < KS_N_KERNEL_KINDS; kind++)
    for (guint layer = 0; layer < n_layers; layer++)
      {
        const gsl_matrix *m = ks_result_get_kernel (export->result, kind, layer);
        g_autofree char *name = NULL;

        if (m == NULL)
          continue;
        name = g_strdup_printf ("%s-%u.csv", ks_kernel_kind_to_string (kind), layer + 1);
        if (!write_matrix (export, name, m, cancellable, error))
          return FALSE;
      }
  return TRUE;
}

static char *
format_labels (KsDataset *data)
{
  const int *labels = ks_dataset_get_labels (data);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < ks_dataset_get_n_points (data); i++)
    g_string_append_printf (text, "%d\n", labels[i]);
  return g_string_free (text, FALSE);
}

static char *
format_summary (KsResult *result)
{
  g_autoptr(JsonNode) summary = ks_result_to_summary_json (result);

  return ks_json_to_string (summary, TRUE);
}

static gboolean
write_all (Export       *export,
           GCancellable *cancellable,
           GError      **error)
{
  KsDataset *data = ks_result_get_dataset (export->result);
  g_autofree char *summary = format_summary (export->result);
  g_autoptr(GError) mkdir_error = NULL;

  if (!g_file_make_directory_with_parents (export->folder, cancellable, &mkdir_error)
      && !g_error_matches (mkdir_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&mkdir_error));
      return FALSE;
    }
  if (!write_kernels (export, cancellable, error)
      || !write_matrix (export, "input.csv", ks_result_get_input_kernel (export->result),
                        cancellable, error))
    return FALSE;
  if (ks_dataset_has_labels (data))
    {
      g_autofree char *labels = format_labels (data);

      if (!write_text (export, "labels.csv", labels, cancellable, error))
        return FALSE;
    }
  return write_text (export, "summary.json", summary, cancellable, error);
}

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Export *export = task_data;
  GError *error = NULL;

  if (!write_all (export, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, export->n_written);
}

void
ks_kernel_export_async (KsResult            *result,
                        GFile               *folder,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Export *export = g_new0 (Export, 1);

  export->result = ks_result_ref (result);
  export->folder = g_object_ref (folder);
  g_task_set_source_tag (task, ks_kernel_export_async);
  g_task_set_task_data (task, export, (GDestroyNotify) export_free);
  g_task_run_in_thread (task, export_in_thread);
}

guint
ks_kernel_export_finish (GAsyncResult *result,
                         GError      **error)
{
  gssize n = g_task_propagate_int (G_TASK (result), error);

  return n < 0 ? 0 : (guint) n;
}
