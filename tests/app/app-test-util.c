/* app-test-util.c: helpers for the GUI tests: waiting on the main loop, screenshots, threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "app-test-util.h"

#include "ks-linalg.h"

void
ks_test_init (int    *argc,
              char ***argv)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GdkDisplay *display;

  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();
  ks_core_init ();

  /* What the application does from its resource base path, for windows made without one. */
  display = gdk_display_get_default ();
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                    "/io/github/kernelscope/Kernelscope/icons");
  gtk_css_provider_load_from_resource (css, "/io/github/kernelscope/Kernelscope/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
ks_test_wait_until (KsTestCondition condition,
                    gpointer        user_data,
                    double          timeout_s)
{
  gboolean expired = FALSE;
  guint timeout = g_timeout_add ((guint) (timeout_s * 1000), on_timeout, &expired);
  gboolean held;

  while (!(held = condition (user_data)) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (timeout);
  return held;
}

static gboolean
never (gpointer user_data)
{
  return FALSE;
}

void
ks_test_run_for (double seconds)
{
  ks_test_wait_until (never, NULL, seconds);
}

KsWindow *
ks_test_window_new (void)
{
  KsWindow *window = ks_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
has_current_result (gpointer user_data)
{
  KsJobController *controller = ks_window_get_controller (user_data);
  KsResult *result = ks_job_controller_get_result (controller);

  return result != NULL && ks_result_is_complete (result) && !ks_job_controller_get_busy (controller);
}

gboolean
ks_test_wait_for_result (KsWindow *window,
                         double    timeout_s)
{
  return ks_test_wait_until (has_current_result, window, timeout_s);
}

/* The widget as it would appear on screen; NULL while it has no allocation yet. */
static GskRenderNode *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

void
ks_test_save_screenshot (GtkWidget  *widget,
                         const char *name)
{
  const char *folder = g_getenv ("KS_SCREENSHOT_DIR");
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = g_strconcat (name, ".png", NULL);
  g_autofree char *path = NULL;

  g_assert_nonnull (folder);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);

  /* Let transitions (250 ms in GTK and libadwaita) end; a widget waiting for its next
   * layout draws nothing, so give it a few more frames if need be. */
  ks_test_run_for (0.4);
  for (guint attempt = 0; attempt < 20 && node == NULL; attempt++)
    {
      ks_test_run_for (0.05);
      node = render_widget (widget);
    }
  g_assert_nonnull (node);

  renderer = gsk_cairo_renderer_new ();
  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));
  gsk_renderer_unrealize (renderer);

  path = g_build_filename (folder, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

guint
ks_test_count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

gint64
ks_test_result_experiment_int (KsResult   *result,
                               const char *member)
{
  g_autoptr(JsonNode) summary = ks_result_to_summary_json (result);
  JsonObject *experiment = json_object_get_object_member (json_node_get_object (summary), "experiment");

  g_assert_true (json_object_has_member (experiment, member));
  return json_object_get_int_member (experiment, member);
}

KsResult *
ks_test_current_result (KsWindow *window)
{
  return ks_job_controller_get_result (ks_window_get_controller (window));
}

typedef struct
{
  KsJobController *controller;
  guint64          generation;
} GenerationWait;

static gboolean
generation_reached (gpointer user_data)
{
  GenerationWait *wait = user_data;

  return ks_job_controller_get_generation (wait->controller) >= wait->generation;
}

gboolean
ks_test_wait_for_submission (KsWindow *window,
                             guint64   generation,
                             double    timeout_s)
{
  GenerationWait wait = { ks_window_get_controller (window), generation };

  return ks_test_wait_until (generation_reached, &wait, timeout_s);
}
