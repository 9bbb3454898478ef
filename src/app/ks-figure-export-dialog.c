/* ks-figure-export-dialog.c: the Export dialog: one of the window's figures to SVG, PDF or
 * PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-figure-export-dialog.h"

#include "ks-plot-types.h"
#include "ks-window-private.h"

/* A figure the window can export. */
typedef struct
{
  const char   *name;
  const char   *stem;    /* of the suggested file name */
  KsFigureKind  kind;    /* for its default width */
  KsFigureArea *area;
} Figure;

struct _KsFigureExportDialog
{
  AdwMessageDialog parent_instance;

  KsWindow        *window;
  GArray          *figures;
  guint            selected;

  AdwComboRow     *figure_row;
  AdwComboRow     *format_row;
  GtkSpinButton   *width_spin;
  GtkSpinButton   *height_spin;
  GtkSpinButton   *dpi_spin;
  GtkWidget       *dpi_row;
};

G_DEFINE_FINAL_TYPE (KsFigureExportDialog, ks_figure_export_dialog, ADW_TYPE_MESSAGE_DIALOG)

static const KsExportFormat formats[] = {
  KS_EXPORT_FORMAT_SVG, KS_EXPORT_FORMAT_PDF, KS_EXPORT_FORMAT_PNG,
};

/* ---- writing ---- */

typedef struct
{
  KsWindow *window;
  GFile    *file;
} Written;

static void
on_exported (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Written *written = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (written->file);
  g_autofree char *title = NULL;

  if (ks_figure_area_export_finish (KS_FIGURE_AREA (source_object), result, &error))
    title = g_strdup_printf ("Exported “%s”", name);
  else
    title = g_strdup_printf ("Could not export “%s”: %s", name, error->message);
  ks_window_add_toast (written->window, title);
  g_object_unref (written->window);
  g_object_unref (written->file);
  g_free (written);
}

void
ks_figure_export_to_file (KsWindow              *window,
                          KsFigureArea          *area,
                          GFile                 *file,
                          const KsExportOptions *options)
{
  Written *written;
  KsExportOptions titled;

  g_return_if_fail (KS_IS_WINDOW (window));
  g_return_if_fail (KS_IS_FIGURE_AREA (area));
  g_return_if_fail (G_IS_FILE (file) && options != NULL);

  written = g_new0 (Written, 1);
  written->window = g_object_ref (window);
  written->file = g_object_ref (file);
  titled = *options;
  if (titled.title == NULL)
    titled.title = ks_document_get_title (ks_window_get_document (window));
  ks_figure_area_export_async (area, file, &titled, NULL, on_exported, written);
}

/* ---- choosing the file ---- */

typedef struct
{
  KsWindow        *window;
  KsFigureArea    *area;
  KsExportOptions  options;
} Request;

static void
request_free (Request *request)
{
  g_object_unref (request->window);
  g_object_unref (request->area);
  g_free (request);
}

/* The format a name's extension says, or the dialog's with its extension added. */
static GFile *
file_with_format (GFile           *chosen,
                  KsExportOptions *options)
{
  g_autofree char *name = g_file_get_basename (chosen);
  g_autoptr(GFile) parent = g_file_get_parent (chosen);
  g_autofree char *named = NULL;
  KsExportFormat format;

  if (ks_export_format_from_path (name, &format, NULL))
    {
      options->format = format;
      return g_object_ref (chosen);
    }
  named = g_strconcat (name, ".", ks_export_format_to_string (options->format), NULL);
  return g_file_get_child (parent, named);
}

static void
on_file_chosen (GtkNativeDialog *chooser,
                int              response,
                gpointer         user_data)
{
  Request *request = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GFile) file = file_with_format (chosen, &request->options);

      ks_figure_export_to_file (request->window, request->area, file, &request->options);
    }
  request_free (request);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_file (KsFigureExportDialog *self)
{
  const Figure *figure = &g_array_index (self->figures, Figure, adw_combo_row_get_selected (self->figure_row));
  Request *request = g_new0 (Request, 1);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  g_autofree char *format_name = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  const char *extension;

  request->window = g_object_ref (self->window);
  request->area = g_object_ref (figure->area);
  ks_figure_export_dialog_get_options (self, &request->options);
  extension = ks_export_format_to_string (request->options.format);
  name = g_strconcat (figure->stem, ".", extension, NULL);

  chooser = gtk_file_chooser_native_new ("Export the Figure", GTK_WINDOW (self->window),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  format_name = g_ascii_strup (extension, -1);
  gtk_file_filter_set_name (filter, format_name);
  gtk_file_filter_add_suffix (filter, extension);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- the dialog ---- */

static void
add_figure (KsFigureExportDialog *self,
            const char           *name,
            const char           *stem,
            KsFigureKind          kind,
            KsFigureArea         *area)
{
  Figure figure = { name, stem, kind, area };

  /* Only what is on screen, or being drawn: no figure of nothing. */
  if (ks_figure_area_get_source (area) != NULL)
    g_array_append_val (self->figures, figure);
}

/* The window's figures, and which one the visible tab shows. */
static void
collect_figures (KsFigureExportDialog *self)
{
  KsWindow *window = self->window;
  const char *tab = adw_view_stack_get_visible_child_name (window->view_stack);
  KsFigureArea *current = NULL;

  add_figure (self, "Kernels of every layer", "kernels", KS_FIGURE_KERNELS,
              ks_kernel_view_get_grid_area (window->kernel_view));
  if (ks_kernel_view_is_enlarged (window->kernel_view))
    add_figure (self, "Enlarged kernel panel", "kernel-panel", KS_FIGURE_SPREAD,
                ks_kernel_view_get_panel_area (window->kernel_view));
  add_figure (self, "CKA between layers", "cka-matrix", KS_FIGURE_CKA_MATRIX,
              ks_similarity_view_get_matrix_area (window->similarity_view));
  add_figure (self, "CKA against depth", "cka-depth", KS_FIGURE_CKA_DEPTH,
              ks_similarity_view_get_depth_area (window->similarity_view));
  add_figure (self, "Spread against width", "spread", KS_FIGURE_SPREAD,
              ks_sweep_view_get_area (KS_SWEEP_VIEW (window->spread_view)));
  add_figure (self, "Evidence against width", "evidence", KS_FIGURE_EVIDENCE,
              ks_sweep_view_get_area (KS_SWEEP_VIEW (window->evidence_view)));
  add_figure (self, "Test accuracy against width scale", "predictions", KS_FIGURE_PREDICT,
              ks_sweep_view_get_area (KS_SWEEP_VIEW (window->predictions_view)));

  if (g_strcmp0 (tab, "kernels") == 0)
    current = ks_kernel_view_get_visible_area (window->kernel_view);
  else if (g_strcmp0 (tab, "similarity") == 0)
    current = ks_similarity_view_get_matrix_area (window->similarity_view);
  else if (g_strcmp0 (tab, "spread") == 0)
    current = ks_sweep_view_get_area (KS_SWEEP_VIEW (window->spread_view));
  else if (g_strcmp0 (tab, "evidence") == 0)
    current = ks_sweep_view_get_area (KS_SWEEP_VIEW (window->evidence_view));
  else if (g_strcmp0 (tab, "predictions") == 0)
    current = ks_sweep_view_get_area (KS_SWEEP_VIEW (window->predictions_view));
  for (guint i = 0; i < self->figures->len; i++)
    if (g_array_index (self->figures, Figure, i).area == current)
      self->selected = i;
}

static void
on_figure_selected (KsFigureExportDialog *self)
{
  guint index = adw_combo_row_get_selected (self->figure_row);
  const Figure *figure;
  double width_mm;

  if (index >= self->figures->len)
    return;
  figure = &g_array_index (self->figures, Figure, index);
  width_mm = ks_pt_to_mm (ks_figure_kind_default_width (figure->kind));
  gtk_spin_button_set_value (self->width_spin, round (width_mm));
  gtk_spin_button_set_value (self->height_spin, 0);
}

static void
on_format_selected (KsFigureExportDialog *self)
{
  guint format = adw_combo_row_get_selected (self->format_row);

  gtk_widget_set_sensitive (self->dpi_row, format < G_N_ELEMENTS (formats) &&
                                           formats[format] == KS_EXPORT_FORMAT_PNG);
}

/* 0 mm reads "auto". */
static gboolean
on_height_output (GtkSpinButton *spin)
{
  double value = gtk_spin_button_get_value (spin);
  g_autofree char *text = value <= 0.0 ? g_strdup ("auto") : g_strdup_printf ("%.0f", value);

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_height_input (GtkSpinButton *spin,
                 double        *value)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  char *end = NULL;

  if (*text == '\0' || g_ascii_strcasecmp (text, "auto") == 0)
    {
      *value = 0.0;
      return TRUE;
    }
  *value = g_ascii_strtod (text, &end);
  return end != text ? TRUE : GTK_INPUT_ERROR;
}

static void
ks_figure_export_dialog_response (AdwMessageDialog *dialog,
                                  const char       *response)
{
  KsFigureExportDialog *self = KS_FIGURE_EXPORT_DIALOG (dialog);

  if (g_strcmp0 (response, "export") == 0 && self->figures->len > 0)
    choose_file (self);
}

KsFigureExportDialog *
ks_figure_export_dialog_new (KsWindow *window)
{
  KsFigureExportDialog *self;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_return_val_if_fail (KS_IS_WINDOW (window), NULL);

  self = g_object_new (KS_TYPE_FIGURE_EXPORT_DIALOG, "transient-for", window, "modal", TRUE, NULL);
  self->window = g_object_ref (window);
  collect_figures (self);
  for (guint i = 0; i < self->figures->len; i++)
    gtk_string_list_append (names, g_array_index (self->figures, Figure, i).name);
  adw_combo_row_set_model (self->figure_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->figure_row, self->selected);
  on_figure_selected (self);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "export", self->figures->len > 0);
  if (self->figures->len == 0)
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), "There is no figure to export yet: "
                                 "wait for the first result.");
  return self;
}

guint
ks_figure_export_dialog_get_n_figures (KsFigureExportDialog *self)
{
  g_return_val_if_fail (KS_IS_FIGURE_EXPORT_DIALOG (self), 0);
  return self->figures->len;
}

const char *
ks_figure_export_dialog_get_figure_name (KsFigureExportDialog *self,
                                         guint                 index)
{
  g_return_val_if_fail (KS_IS_FIGURE_EXPORT_DIALOG (self), NULL);
  g_return_val_if_fail (index < self->figures->len, NULL);
  return g_array_index (self->figures, Figure, index).name;
}

guint
ks_figure_export_dialog_get_selected (KsFigureExportDialog *self)
{
  g_return_val_if_fail (KS_IS_FIGURE_EXPORT_DIALOG (self), 0);
  return adw_combo_row_get_selected (self->figure_row);
}

void
ks_figure_export_dialog_get_options (KsFigureExportDialog *self,
                                     KsExportOptions      *options)
{
  g_return_if_fail (KS_IS_FIGURE_EXPORT_DIALOG (self));
  g_return_if_fail (options != NULL);

  ks_export_options_init (options, ks_mm_to_pt (gtk_spin_button_get_value (self->width_spin)),
                          ks_mm_to_pt (gtk_spin_button_get_value (self->height_spin)));
  options->format = formats[MIN (adw_combo_row_get_selected (self->format_row), G_N_ELEMENTS (formats) - 1)];
  options->dpi = gtk_spin_button_get_value (self->dpi_spin);
}

static void
ks_figure_export_dialog_finalize (GObject *object)
{
  KsFigureExportDialog *self = KS_FIGURE_EXPORT_DIALOG (object);

  g_clear_object (&self->window);
  g_array_unref (self->figures);
  G_OBJECT_CLASS (ks_figure_export_dialog_parent_class)->finalize (object);
}

static void
ks_figure_export_dialog_class_init (KsFigureExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->finalize = ks_figure_export_dialog_finalize;
  dialog_class->response = ks_figure_export_dialog_response;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-figure-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KsFigureExportDialog, figure_row);
  gtk_widget_class_bind_template_child (widget_class, KsFigureExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, KsFigureExportDialog, width_spin);
  gtk_widget_class_bind_template_child (widget_class, KsFigureExportDialog, height_spin);
  gtk_widget_class_bind_template_child (widget_class, KsFigureExportDialog, dpi_spin);
  gtk_widget_class_bind_template_child (widget_class, KsFigureExportDialog, dpi_row);
}

static void
ks_figure_export_dialog_init (KsFigureExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->figures = g_array_new (FALSE, FALSE, sizeof (Figure));
  g_signal_connect_swapped (self->figure_row, "notify::selected", G_CALLBACK (on_figure_selected), self);
  g_signal_connect_swapped (self->format_row, "notify::selected", G_CALLBACK (on_format_selected), self);
  g_signal_connect (self->height_spin, "output", G_CALLBACK (on_height_output), NULL);
  g_signal_connect (self->height_spin, "input", G_CALLBACK (on_height_input), NULL);
  on_format_selected (self);
}
