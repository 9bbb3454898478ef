/* ks-window.c: the main window: settings in the sidebar, views of the result beside them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-window.h"
#include "ks-window-private.h"

#include "ks-error.h"
#include "ks-settings.h"

G_DEFINE_FINAL_TYPE (KsWindow, ks_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_CONTROLLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

KsWindow *
ks_window_new (GtkApplication *application)
{
  return g_object_new (KS_TYPE_WINDOW, "application", application, NULL);
}

/* Which control to change, for each kind of failure: an error must lead somewhere. */
static const char *
hint_for_error (const GError *error)
{
  if (error->domain != KS_ERROR)
    return "Change a setting in the sidebar to try again.";
  switch ((KsError) error->code)
    {
    case KS_ERROR_TOO_LARGE:
      return "Lower Points in the Data group, or remove layers in the Network group.";
    case KS_ERROR_NOT_POSITIVE_DEFINITE:
    case KS_ERROR_NON_FINITE:
      return "Try smaller weight variances in the Network group, or more readout noise in the Data group.";
    case KS_ERROR_DATA:
      return "Choose another data set in the Data group.";
    case KS_ERROR_UNSUPPORTED:
      return "Change the network in the Network group, or the method in the Method group.";
    case KS_ERROR_PARSE:
    case KS_ERROR_INVALID:
    default:
      return "Change the setting it names in the sidebar.";
    }
}

static char *
describe_failure (const GError *error)
{
  g_autofree char *first = g_utf8_strup (error->message, g_utf8_next_char (error->message) - error->message);
  const char *rest = g_utf8_next_char (error->message);
  gboolean has_stop = g_str_has_suffix (error->message, ".");

  return g_strdup_printf ("%s%s%s %s", first, rest, has_stop ? "" : ".", hint_for_error (error));
}

static void
update_content (KsWindow *self)
{
  const char *state;

  if (self->error_message != NULL)
    state = "error";
  else if (ks_job_controller_get_result (self->controller) != NULL)
    state = "views";
  else if (ks_document_get_dataset (self->document) == NULL && !ks_document_get_loading (self->document))
    state = "empty";
  else
    state = "loading";

  adw_status_page_set_description (self->error_page, self->error_message);
  gtk_stack_set_visible_child_name (self->content_stack, state);
}

const char *
ks_window_get_content_state (KsWindow *self)
{
  g_return_val_if_fail (KS_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->content_stack);
}

static void
update_titles (KsWindow *self)
{
  const char *title = ks_document_get_title (self->document);
  GFile *file = ks_document_get_file (self->document);
  g_autofree char *file_name = file ? g_file_get_basename (file) : NULL;
  g_autofree char *window_title = g_strdup_printf ("%s – Kernelscope", title);

  gtk_window_set_title (GTK_WINDOW (self), window_title);
  adw_window_title_set_title (self->experiment_title, title);
  adw_window_title_set_subtitle (self->experiment_title, file_name);
  adw_view_switcher_title_set_title (self->switcher_title, title);
}

static void
on_document_changed (KsWindow *self)
{
  g_autoptr(KsExperiment) experiment = ks_document_build_experiment (self->document);

  if (experiment == NULL)
    return;
  ks_experiment_set_n_threads (experiment, g_settings_get_uint (self->settings, "threads"));
  /* The deep kernel machine starts from the solution on screen when the shapes agree. */
  ks_experiment_set_warm_start (experiment, ks_job_controller_get_result (self->controller));
  g_clear_pointer (&self->error_message, g_free);
  ks_job_controller_submit (self->controller, experiment);
  update_content (self);
}

static void
on_load_failed (KsWindow     *self,
                const GError *error)
{
  ks_window_add_toast (self, "The data file could not be used: see the Data group");
  update_content (self);
}

static void
on_job_failed (KsWindow     *self,
               const GError *error)
{
  g_free (self->error_message);
  self->error_message = describe_failure (error);
  update_content (self);
}

static void
on_result_changed (KsWindow *self)
{
  KsResult *result = ks_job_controller_get_result (self->controller);

  ks_kernel_view_set_result (self->kernel_view, result);
  ks_similarity_view_set_result (self->similarity_view, result);
  update_content (self);
}

static void
on_busy_changed (KsWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-job",
                                 ks_job_controller_get_busy (self->controller));
}

static void
on_default_colormap_changed (KsWindow *self)
{
  g_autofree char *colormap = g_settings_get_string (self->settings, "default-colormap");

  ks_document_set_colormap (self->document, colormap);
}

static void
restore_window_state (KsWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  adw_flap_set_reveal_flap (self->flap, g_settings_get_boolean (self->settings, "sidebar-visible"));
}

static gboolean
ks_window_close_request (GtkWindow *window)
{
  KsWindow *self = KS_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  /* A folded sidebar hides itself for lack of room, not by choice: keep the last choice. */
  if (!adw_flap_get_folded (self->flap))
    g_settings_set_boolean (self->settings, "sidebar-visible", adw_flap_get_reveal_flap (self->flap));
  g_settings_apply (self->settings);

  ks_job_controller_cancel (self->controller);
  return GTK_WINDOW_CLASS (ks_window_parent_class)->close_request (window);
}

KsDocument *
ks_window_get_document (KsWindow *self)
{
  g_return_val_if_fail (KS_IS_WINDOW (self), NULL);
  return self->document;
}

KsJobController *
ks_window_get_controller (KsWindow *self)
{
  g_return_val_if_fail (KS_IS_WINDOW (self), NULL);
  return self->controller;
}

void
ks_window_add_toast (KsWindow   *self,
                     const char *title)
{
  AdwToast *toast;

  g_return_if_fail (KS_IS_WINDOW (self));

  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
ks_window_dispose (GObject *object)
{
  KsWindow *self = KS_WINDOW (object);

  if (self->controller != NULL)
    ks_job_controller_cancel (self->controller);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_WINDOW);
  g_clear_object (&self->document);
  g_clear_object (&self->controller);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (ks_window_parent_class)->dispose (object);
}

static void
ks_window_finalize (GObject *object)
{
  KsWindow *self = KS_WINDOW (object);

  g_clear_pointer (&self->error_message, g_free);
  G_OBJECT_CLASS (ks_window_parent_class)->finalize (object);
}

static void
ks_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  KsWindow *self = KS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT: g_value_set_object (value, self->document); break;
    case PROP_CONTROLLER: g_value_set_object (value, self->controller); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_window_class_init (KsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ks_window_dispose;
  object_class->finalize = ks_window_finalize;
  object_class->get_property = ks_window_get_property;
  window_class->close_request = ks_window_close_request;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, KS_TYPE_DOCUMENT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, KS_TYPE_JOB_CONTROLLER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KS_TYPE_STACK_EDITOR);
  g_type_ensure (KS_TYPE_DATA_GROUP);
  g_type_ensure (KS_TYPE_METHOD_GROUP);
  g_type_ensure (KS_TYPE_JOB_INDICATOR);
  g_type_ensure (KS_TYPE_KERNEL_VIEW);
  g_type_ensure (KS_TYPE_SIMILARITY_VIEW);
  g_type_ensure (KS_TYPE_SPREAD_VIEW);
  g_type_ensure (KS_TYPE_EVIDENCE_VIEW);
  g_type_ensure (KS_TYPE_PREDICTIONS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, experiment_title);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, stack_editor);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, data_group);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, method_group);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, job_indicator);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, kernel_view);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, similarity_view);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, spread_view);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, evidence_view);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, predictions_view);

  ks_window_class_install_actions (widget_class);
}

static void
connect_document (KsWindow *self)
{
  g_signal_connect_swapped (self->document, "changed", G_CALLBACK (on_document_changed), self);
  g_signal_connect_swapped (self->document, "load-failed", G_CALLBACK (on_load_failed), self);
  g_signal_connect_swapped (self->document, "notify::title", G_CALLBACK (update_titles), self);
  g_signal_connect_swapped (self->document, "notify::file", G_CALLBACK (update_titles), self);
  g_signal_connect_swapped (self->document, "notify::loading", G_CALLBACK (update_content), self);
}

static void
connect_controller (KsWindow *self)
{
  g_signal_connect_swapped (self->controller, "result-changed", G_CALLBACK (on_result_changed), self);
  g_signal_connect_swapped (self->controller, "failed", G_CALLBACK (on_job_failed), self);
  g_signal_connect_swapped (self->controller, "notify::busy", G_CALLBACK (on_busy_changed), self);
}

static void
ks_window_init (KsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = ks_settings_new ();
  self->document = ks_document_new ();
  self->controller = ks_job_controller_new ();
  on_default_colormap_changed (self);

  g_object_set (self->stack_editor, "document", self->document, NULL);
  ks_data_group_set_document (self->data_group, self->document);
  ks_method_group_set_document (self->method_group, self->document);
  ks_kernel_view_set_document (self->kernel_view, self->document);
  ks_similarity_view_set_document (self->similarity_view, self->document);
  ks_sweep_view_set_document (KS_SWEEP_VIEW (self->spread_view), self->document);
  ks_sweep_view_set_document (KS_SWEEP_VIEW (self->evidence_view), self->document);
  ks_sweep_view_set_document (KS_SWEEP_VIEW (self->predictions_view), self->document);
  ks_job_indicator_set_controller (self->job_indicator, self->controller);

  connect_document (self);
  connect_controller (self);
  g_signal_connect_swapped (self->settings, "changed::default-colormap",
                            G_CALLBACK (on_default_colormap_changed), self);

  restore_window_state (self);
  update_titles (self);
  update_content (self);
  on_busy_changed (self);
}
