/* ks-preferences-window.c: style, default colour map and worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-preferences-window.h"

struct _KsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwComboRow          *style_row;
  AdwComboRow          *colormap_row;
  GtkAdjustment        *threads_adjustment;
};

G_DEFINE_FINAL_TYPE (KsPreferencesWindow, ks_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* In the order of the rows' items. */
static const char * const styles[] = { "system", "light", "dark", NULL };
static const char * const colormaps[] = { "viridis", "magma", "cividis", NULL };

static gboolean
string_to_selected (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *names = user_data;
  const char *name = g_variant_get_string (variant, NULL);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_strcmp0 (name, names[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
selected_to_string (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *names = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) names))
    return NULL;
  return g_variant_new_string (names[selected]);
}

static void
bind_combo (KsPreferencesWindow *self,
            const char          *key,
            AdwComboRow         *row,
            const char * const  *names)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                string_to_selected, selected_to_string, (gpointer) names, NULL);
}

GtkWidget *
ks_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  KsPreferencesWindow *self = g_object_new (KS_TYPE_PREFERENCES_WINDOW,
                                            "transient-for", parent,
                                            "modal", TRUE,
                                            NULL);

  self->settings = g_object_ref (settings);
  bind_combo (self, "style", self->style_row, styles);
  bind_combo (self, "default-colormap", self->colormap_row, colormaps);
  g_settings_bind (settings, "threads", self->threads_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (self);
}

static void
ks_preferences_window_dispose (GObject *object)
{
  KsPreferencesWindow *self = KS_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (ks_preferences_window_parent_class)->dispose (object);
}

static void
ks_preferences_window_class_init (KsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KsPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, KsPreferencesWindow, colormap_row);
  gtk_widget_class_bind_template_child (widget_class, KsPreferencesWindow, threads_adjustment);
}

static void
ks_preferences_window_init (KsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
