/* ks-application.c: the application: windows, app-wide actions and the style preference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-application.h"

#include "ks-config.h"
#include "ks-preferences-window.h"
#include "ks-settings.h"
#include "ks-window.h"

struct _KsApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (KsApplication, ks_application, ADW_TYPE_APPLICATION)

KsApplication *
ks_application_new (GApplicationFlags flags)
{
  return g_object_new (KS_TYPE_APPLICATION,
                       "application-id", KS_APP_ID,
                       "resource-base-path", KS_RESOURCE_PREFIX,
                       "flags", flags | G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

static void
apply_style (KsApplication *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *style = g_settings_get_string (self->settings, "style");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (style, "light") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (style, "dark") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (style_manager, scheme);
}

static void
ks_application_startup (GApplication *application)
{
  KsApplication *self = KS_APPLICATION (application);
  static const struct { const char *action; const char *accels[2]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.export-csv", { "<Control><Shift>e", NULL } },
  };

  G_APPLICATION_CLASS (ks_application_parent_class)->startup (application);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  self->settings = ks_settings_new ();
  g_signal_connect_swapped (self->settings, "changed::style", G_CALLBACK (apply_style), self);
  apply_style (self);
}

static void
ks_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (ks_window_new (GTK_APPLICATION (application)));
  gtk_window_present (window);
}

/* Each experiment file opens in its own window. */
static void
ks_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      KsWindow *window = ks_window_new (GTK_APPLICATION (application));

      ks_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *application = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (application)));

  /* Closing, not destroying, lets each window remember its size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  static const char *developers[] = { "The Kernelscope developers", NULL };

  adw_show_about_window (parent,
                         "application-name", "Kernelscope",
                         "application-icon", KS_APP_ID,
                         "version", KS_VERSION,
                         "developer-name", "The Kernelscope developers",
                         "developers", developers,
                         "comments", "See, layer by layer, how finite and infinitely wide neural "
                                     "networks represent data: their kernels, the spread of the "
                                     "prior, and the similarity between layers.",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© The Kernelscope developers",
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  KsApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (ks_preferences_window_new (parent, self->settings)));
}

static void
ks_application_dispose (GObject *object)
{
  KsApplication *self = KS_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (ks_application_parent_class)->dispose (object);
}

static void
ks_application_class_init (KsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = ks_application_dispose;
  application_class->startup = ks_application_startup;
  application_class->activate = ks_application_activate;
  application_class->open = ks_application_open;
}

static void
ks_application_init (KsApplication *self)
{
  static const GActionEntry entries[] = {
    { .name = "quit", .activate = quit_action },
    { .name = "about", .activate = about_action },
    { .name = "preferences", .activate = preferences_action },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
}
