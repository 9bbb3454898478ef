/* ks-data-group.c: the Data group of the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-data-group.h"

#include <math.h>

#include "ks-stack.h"

struct _KsDataGroup
{
  AdwPreferencesGroup  parent_instance;

  KsDocument          *document;
  GBindingGroup       *bindings;
  GSignalGroup        *signals;
  /* The file entry of the combo row, once a file was opened. */
  char                *file_source;
  gboolean             syncing;

  AdwComboRow         *source_row;
  GtkStringList       *source_names;
  GtkAdjustment       *points_adjustment;
  GtkAdjustment       *seed_adjustment;
  GtkAdjustment       *outputs_adjustment;
  GtkAdjustment       *noise_adjustment;
  GtkLabel            *noise_label;
  GtkLabel            *error_label;
};

G_DEFINE_FINAL_TYPE (KsDataGroup, ks_data_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* In the order of the combo row's first items. */
static const char * const builtin_sources[] = { "digits", "iris", "ring", "spirals", "blobs", "xor" };

static guint
source_index (KsDataGroup *self,
              const char  *source)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtin_sources); i++)
    if (g_strcmp0 (source, builtin_sources[i]) == 0)
      return i;
  return G_N_ELEMENTS (builtin_sources);
}

/* The combo row's last item names the opened file, if any. */
static void
set_file_source (KsDataGroup *self,
                 const char  *path)
{
  guint n_builtin = G_N_ELEMENTS (builtin_sources);
  g_autofree char *name = g_path_get_basename (path);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->source_names));

  g_free (self->file_source);
  self->file_source = g_strdup (path);
  gtk_string_list_splice (self->source_names, n_builtin, n_items - n_builtin,
                          (const char * const[]) { name, NULL });
}

static void
update_subtitle (KsDataGroup *self)
{
  KsDataset *data = self->document ? ks_document_get_dataset (self->document) : NULL;
  g_autofree char *subtitle = NULL;

  if (self->document != NULL && ks_document_get_loading (self->document))
    subtitle = g_strdup ("Loading…");
  else if (data != NULL && ks_dataset_get_n_classes (data) > 0)
    subtitle = g_strdup_printf ("%u points · %u features · %u classes",
                                ks_dataset_get_n_points (data), ks_dataset_get_n_features (data),
                                ks_dataset_get_n_classes (data));
  else if (data != NULL)
    subtitle = g_strdup_printf ("%u points · %u features · no labels",
                                ks_dataset_get_n_points (data), ks_dataset_get_n_features (data));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->source_row), subtitle ? subtitle : "");
}

/* Shows the document's data source in the combo row, without acting on it. */
static void
sync_source (KsDataGroup *self)
{
  const char *source;

  if (self->document == NULL)
    return;
  source = ks_document_get_data_source (self->document);
  self->syncing = TRUE;
  if (!ks_dataset_is_builtin_name (source) && g_strcmp0 (source, self->file_source) != 0)
    set_file_source (self, source);
  adw_combo_row_set_selected (self->source_row, source_index (self, source));
  self->syncing = FALSE;
  update_subtitle (self);
}

static void
on_source_selected (KsDataGroup *self)
{
  guint index = adw_combo_row_get_selected (self->source_row);

  if (self->syncing || self->document == NULL || index == GTK_INVALID_LIST_POSITION)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  if (index < G_N_ELEMENTS (builtin_sources))
    ks_document_set_data_source (self->document, builtin_sources[index]);
  else if (self->file_source != NULL)
    ks_document_set_data_source (self->document, self->file_source);
}

static void
on_load_failed (KsDataGroup  *self,
                const GError *error)
{
  g_autofree char *text = g_strdup_printf ("%s. The data set is unchanged.", error->message);

  gtk_label_set_label (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  sync_source (self);
}

static void
on_data_source_changed (KsDataGroup *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  sync_source (self);
}

void
ks_data_group_open_file (KsDataGroup *self,
                         GFile       *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (KS_IS_DATA_GROUP (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *text = g_strdup_printf ("%s is not a local file: copy it to this computer first.", uri);

      gtk_label_set_label (self->error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  if (self->document != NULL)
    ks_document_set_data_source (self->document, path);
}

const char *
ks_data_group_get_error (KsDataGroup *self)
{
  g_return_val_if_fail (KS_IS_DATA_GROUP (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_label (self->error_label);
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                KsDataGroup     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      ks_data_group_open_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char * const *patterns)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
on_open_activated (KsDataGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Open a Data File", GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");

  add_filter (GTK_FILE_CHOOSER (dialog), "CSV and IDX files",
              (const char * const[]) { "*.csv", "*.csv.gz", "*.txt", "*.tsv", "*.idx", "*-ubyte",
                                       "*.idx.gz", "*-ubyte.gz", NULL });
  add_filter (GTK_FILE_CHOOSER (dialog), "All files", (const char * const[]) { "*", NULL });
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Spin button text: 0 reads "Auto". */
static gboolean
on_outputs_output (GtkSpinButton *spin,
                   gpointer       user_data)
{
  double value = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  g_autofree char *text = value < 0.5 ? g_strdup ("Auto") : g_strdup_printf ("%.0f", value);

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_outputs_input (GtkSpinButton *spin,
                  double        *new_value,
                  gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double value;

  if (g_ascii_strncasecmp (text, "auto", 4) == 0)
    {
      *new_value = 0.0;
      return TRUE;
    }
  value = g_ascii_strtod (text, &end);
  if (end == text || !isfinite (value))
    return GTK_INPUT_ERROR;
  *new_value = value;
  return TRUE;
}

static gboolean
noise_to_scale (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_value_set_double (to, log10 (g_value_get_double (from)));
  return TRUE;
}

/* Two significant digits are all a slider can set; they also keep the value readable. */
static gboolean
scale_to_noise (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_autofree char *rounded = g_strdup_printf ("%.2g", pow (10.0, g_value_get_double (from)));

  g_value_set_double (to, g_ascii_strtod (rounded, NULL));
  return TRUE;
}

static void
update_noise_label (KsDataGroup *self)
{
  g_autofree char *text = NULL;

  if (self->document == NULL)
    return;
  text = ks_format_double (ks_document_get_noise (self->document));
  gtk_label_set_label (self->noise_label, text);
}

KsDocument *
ks_data_group_get_document (KsDataGroup *self)
{
  g_return_val_if_fail (KS_IS_DATA_GROUP (self), NULL);
  return self->document;
}

void
ks_data_group_set_document (KsDataGroup *self,
                            KsDocument  *document)
{
  g_return_if_fail (KS_IS_DATA_GROUP (self));

  if (!g_set_object (&self->document, document))
    return;
  g_binding_group_set_source (self->bindings, document);
  g_signal_group_set_target (self->signals, document);
  sync_source (self);
  update_noise_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

static void
ks_data_group_dispose (GObject *object)
{
  KsDataGroup *self = KS_DATA_GROUP (object);

  g_clear_object (&self->bindings);
  g_clear_object (&self->signals);
  g_clear_object (&self->document);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_DATA_GROUP);
  G_OBJECT_CLASS (ks_data_group_parent_class)->dispose (object);
}

static void
ks_data_group_finalize (GObject *object)
{
  KsDataGroup *self = KS_DATA_GROUP (object);

  g_clear_pointer (&self->file_source, g_free);
  G_OBJECT_CLASS (ks_data_group_parent_class)->finalize (object);
}

static void
ks_data_group_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KsDataGroup *self = KS_DATA_GROUP (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT: g_value_set_object (value, self->document); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_data_group_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  KsDataGroup *self = KS_DATA_GROUP (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT: ks_data_group_set_document (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_data_group_class_init (KsDataGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_data_group_dispose;
  object_class->finalize = ks_data_group_finalize;
  object_class->get_property = ks_data_group_get_property;
  object_class->set_property = ks_data_group_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, KS_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-data-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KsDataGroup, source_row);
  gtk_widget_class_bind_template_child (widget_class, KsDataGroup, source_names);
  gtk_widget_class_bind_template_child (widget_class, KsDataGroup, points_adjustment);
  gtk_widget_class_bind_template_child (widget_class, KsDataGroup, seed_adjustment);
  gtk_widget_class_bind_template_child (widget_class, KsDataGroup, outputs_adjustment);
  gtk_widget_class_bind_template_child (widget_class, KsDataGroup, noise_adjustment);
  gtk_widget_class_bind_template_child (widget_class, KsDataGroup, noise_label);
  gtk_widget_class_bind_template_child (widget_class, KsDataGroup, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_open_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_outputs_input);
  gtk_widget_class_bind_template_callback (widget_class, on_outputs_output);
}

static void
ks_data_group_init (KsDataGroup *self)
{
  const GBindingFlags flags = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bindings = g_binding_group_new ();
  g_binding_group_bind (self->bindings, "n-points", self->points_adjustment, "value", flags);
  g_binding_group_bind (self->bindings, "seed", self->seed_adjustment, "value", flags);
  g_binding_group_bind (self->bindings, "n-outputs", self->outputs_adjustment, "value", flags);
  g_binding_group_bind_full (self->bindings, "noise", self->noise_adjustment, "value", flags,
                             noise_to_scale, scale_to_noise, NULL, NULL);

  self->signals = g_signal_group_new (KS_TYPE_DOCUMENT);
  g_signal_group_connect_swapped (self->signals, "notify::data-source",
                                  G_CALLBACK (on_data_source_changed), self);
  g_signal_group_connect_swapped (self->signals, "notify::loading",
                                  G_CALLBACK (update_subtitle), self);
  g_signal_group_connect_swapped (self->signals, "notify::dataset",
                                  G_CALLBACK (update_subtitle), self);
  g_signal_group_connect_swapped (self->signals, "notify::noise",
                                  G_CALLBACK (update_noise_label), self);
  g_signal_group_connect_swapped (self->signals, "load-failed",
                                  G_CALLBACK (on_load_failed), self);

  g_signal_connect_swapped (self->source_row, "notify::selected",
                            G_CALLBACK (on_source_selected), self);
}
