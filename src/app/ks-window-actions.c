/* ks-window-actions.c: the window's actions: open, save, export, cancel, sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-window.h"
#include "ks-window-private.h"

#include "ks-figure-export-dialog.h"
#include "ks-kernel-export.h"

void
ks_window_show_error (KsWindow     *self,
                      const char   *heading,
                      const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", "_Close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* "Saved “name.json”". */
static void
toast_for_file (KsWindow   *self,
                const char *verb,
                GFile      *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *title = g_strdup_printf ("%s “%s”", verb, name);

  ks_window_add_toast (self, title);
}

static void
on_opened (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_document_load_file_finish (KS_DOCUMENT (source_object), result, &error))
    {
      ks_window_show_error (self, "Could Not Open the Experiment", error);
      return;
    }
  toast_for_file (self, "Opened", ks_document_get_file (self->document));
}

void
ks_window_open_file (KsWindow *self,
                     GFile    *file)
{
  g_return_if_fail (KS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  ks_document_load_file_async (self->document, file, NULL, on_opened, g_object_ref (self));
}

static void
on_saved (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_document_save_file_finish (KS_DOCUMENT (source_object), result, &error))
    {
      ks_window_show_error (self, "Could Not Save the Experiment", error);
      return;
    }
  toast_for_file (self, "Saved", ks_document_get_file (self->document));
}

void
ks_window_save_file (KsWindow *self,
                     GFile    *file)
{
  g_return_if_fail (KS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  ks_document_save_file_async (self->document, file, NULL, on_saved, g_object_ref (self));
}

typedef struct
{
  KsWindow *self;
  GFile    *folder;
  gboolean  partial;
} ExportClosure;

static void
on_exported (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ExportClosure *closure = user_data;
  g_autoptr(GError) error = NULL;
  guint n_files = ks_kernel_export_finish (result, &error);

  if (n_files == 0)
    ks_window_show_error (closure->self, "Could Not Export the Kernels", error);
  else
    {
      g_autofree char *name = g_file_get_basename (closure->folder);
      g_autofree char *title = g_strdup_printf ("Exported %u files to “%s”%s", n_files, name,
                                                closure->partial ? " (a partial result)" : "");
      ks_window_add_toast (closure->self, title);
    }
  g_object_unref (closure->self);
  g_object_unref (closure->folder);
  g_free (closure);
}

void
ks_window_export_kernels (KsWindow *self,
                          GFile    *folder)
{
  KsResult *result;
  ExportClosure *closure;

  g_return_if_fail (KS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  result = ks_job_controller_get_result (self->controller);
  if (result == NULL)
    {
      ks_window_add_toast (self, "Nothing to export yet: wait for the first result");
      return;
    }
  closure = g_new0 (ExportClosure, 1);
  closure->self = g_object_ref (self);
  closure->folder = g_object_ref (folder);
  closure->partial = !ks_result_is_complete (result);
  ks_kernel_export_async (result, folder, NULL, on_exported, closure);
}

/* File choosers: what to do with the chosen file. */
typedef void (*ChosenFunc) (KsWindow *self,
                            GFile    *file);

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(KsWindow) self = user_data;
  ChosenFunc chosen = g_object_get_data (G_OBJECT (dialog), "ks-chosen");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      chosen (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static GtkFileChooser *
run_chooser (KsWindow             *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept,
             ChosenFunc            chosen)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                               accept, "_Cancel");

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "ks-chosen", chosen);
  g_signal_connect (dialog, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
  return GTK_FILE_CHOOSER (dialog);
}

static void
add_experiment_filter (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "Kernelscope experiments");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GtkFileChooser *chooser = run_chooser (KS_WINDOW (widget), "Open an Experiment",
                                         GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", ks_window_open_file);

  add_experiment_filter (chooser);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KsWindow *self = KS_WINDOW (widget);
  GFile *current = ks_document_get_file (self->document);
  GtkFileChooser *chooser = run_chooser (self, "Save the Experiment", GTK_FILE_CHOOSER_ACTION_SAVE,
                                         "_Save", ks_window_save_file);

  add_experiment_filter (chooser);
  if (current != NULL)
    gtk_file_chooser_set_file (chooser, current, NULL);
  else
    gtk_file_chooser_set_current_name (chooser, "experiment.json");
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KsWindow *self = KS_WINDOW (widget);
  GFile *current = ks_document_get_file (self->document);

  if (current != NULL)
    ks_window_save_file (self, current);
  else
    save_as_action (widget, action_name, parameter);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_present (GTK_WINDOW (ks_figure_export_dialog_new (KS_WINDOW (widget))));
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  run_chooser (KS_WINDOW (widget), "Export the Kernels as CSV Files into a Folder",
               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Export", ks_window_export_kernels);
}

static void
cancel_job_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ks_job_controller_cancel (KS_WINDOW (widget)->controller);
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AdwFlap *flap = KS_WINDOW (widget)->flap;

  adw_flap_set_reveal_flap (flap, !adw_flap_get_reveal_flap (flap));
}

void
ks_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-job", NULL, cancel_job_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);

  /* Escape stays with the window, not the application, so dialogs keep theirs. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel-job", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
}
