/* test-tabs.c: every tab of the window shows its figure for the default document
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window as the program opens it (digits, the ReLU network with a bottleneck), each
 * tab brought on screen through the view stack as the tab bar does. Screenshots of each
 * tab, light and dark, go to $KS_SCREENSHOT_DIR.
 */
#include "app-test-util.h"
#include "ks-figure-area.h"
#include "ks-kernel-view.h"
#include "ks-similarity-view.h"
#include "ks-sweep-view.h"

/* The Evidence tab anneals over the weights for seconds on a shared machine. */
#define TIMEOUT 90.0

static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (child)), id) == 0)
        return child;
      if ((found = find_by_id (child, id)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
require_by_id (KsWindow   *window,
               const char *id)
{
  GtkWidget *widget = find_by_id (GTK_WIDGET (window), id);

  g_assert_nonnull (widget);
  return widget;
}

static gboolean
area_drawn (gpointer user_data)
{
  return ks_figure_area_is_current (user_data) &&
         ks_figure_area_get_state (user_data) != KS_FIGURE_AREA_EMPTY &&
         ks_figure_area_get_state (user_data) != KS_FIGURE_AREA_DRAWING;
}

/* The fraction of the area's image that the figure covers: the figure draws on a clear
 * background, so covered pixels are those with any opacity. */
static double
covered_fraction (KsFigureArea *area)
{
  GdkTexture *texture = ks_figure_area_get_texture (area);
  int width, height;
  g_autofree guchar *data = NULL;
  gsize covered = 0;

  g_assert_nonnull (texture);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  data = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, data, (gsize) width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    covered += data[4 * i + (G_BYTE_ORDER == G_LITTLE_ENDIAN ? 3 : 0)] != 0;
  return (double) covered / ((double) width * height);
}

/* The area is drawn, without error, and the figure covers a fair part of it: a line plot
 * with its labels and footnote covers about 6 % of its pixels, a heatmap grid half;
 * an empty frame with a note would cover under 1 %. */
static void
assert_figure_shown (KsFigureArea *area,
                     const char   *what)
{
  double covered;

  g_assert_true (ks_test_wait_until (area_drawn, area, TIMEOUT));
  g_assert_cmpint (ks_figure_area_get_state (area), ==, KS_FIGURE_AREA_READY);
  g_assert_null (ks_figure_area_get_error (area));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (area)));
  covered = covered_fraction (area);
  g_test_message ("%s: %d x %d pixels, %.0f %% covered", what,
                  gdk_texture_get_width (ks_figure_area_get_texture (area)),
                  gdk_texture_get_height (ks_figure_area_get_texture (area)), 100 * covered);
  g_assert_cmpfloat (covered, >, 0.03);
}

static void
show_tab (KsWindow   *window,
          const char *name)
{
  AdwViewStack *stack = ADW_VIEW_STACK (require_by_id (window, "view_stack"));

  adw_view_stack_set_visible_child_name (stack, name);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, name);
}

static void
check_sweep_tab (KsWindow   *window,
                 const char *tab,
                 const char *id)
{
  KsSweepView *view = KS_SWEEP_VIEW (require_by_id (window, id));
  g_autofree char *shot = g_strconcat ("tab-", tab, NULL);

  show_tab (window, tab);
  assert_figure_shown (ks_sweep_view_get_area (view), tab);
  g_assert_cmpstr (ks_sweep_view_get_page (view), ==, "figure");
  g_assert_nonnull (ks_sweep_view_get_shown_key (view));
  ks_test_save_screenshot (GTK_WIDGET (window), shot);
}

/* Every tab of the default document shows its figure, drawn and not an error: the
 * Kernels grid, the two Similarity figures, and the Spread, Evidence and Predictions
 * plots, whose computations start when their tab comes on screen. */
static void
test_every_tab (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (ks_test_window_new ());
  KsKernelView *kernels = KS_KERNEL_VIEW (require_by_id (window, "kernel_view"));
  KsSimilarityView *similarity = KS_SIMILARITY_VIEW (require_by_id (window, "similarity_view"));

  g_assert_true (ks_test_wait_for_result (window, TIMEOUT));
  g_assert_cmpstr (ks_window_get_content_state (window), ==, "views");

  show_tab (window, "kernels");
  assert_figure_shown (ks_kernel_view_get_grid_area (kernels), "kernels");
  ks_test_save_screenshot (GTK_WIDGET (window), "tab-kernels");

  show_tab (window, "similarity");
  assert_figure_shown (ks_similarity_view_get_matrix_area (similarity), "cka-matrix");
  assert_figure_shown (ks_similarity_view_get_depth_area (similarity), "cka-depth");
  g_assert_cmpstr (ks_similarity_view_get_page (similarity), ==, "figures");
  ks_test_save_screenshot (GTK_WIDGET (window), "tab-similarity");

  check_sweep_tab (window, "spread", "spread_view");
  check_sweep_tab (window, "evidence", "evidence_view");
  check_sweep_tab (window, "predictions", "predictions_view");
  g_assert_cmpstr (ks_window_get_content_state (window), ==, "views");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* With the dark style the figures are drawn anew in the dark screen theme (their text
 * light on the dark background): each tab is still drawn, and screenshots show it. */
static void
test_dark (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autoptr(KsWindow) window = NULL;
  KsKernelView *kernels;
  KsSimilarityView *similarity;

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  window = g_object_ref_sink (ks_test_window_new ());
  kernels = KS_KERNEL_VIEW (require_by_id (window, "kernel_view"));
  similarity = KS_SIMILARITY_VIEW (require_by_id (window, "similarity_view"));
  g_assert_true (ks_test_wait_for_result (window, TIMEOUT));
  g_assert_true (adw_style_manager_get_dark (manager));

  assert_figure_shown (ks_kernel_view_get_grid_area (kernels), "kernels, dark");
  ks_test_save_screenshot (GTK_WIDGET (window), "tab-kernels-dark");
  show_tab (window, "similarity");
  assert_figure_shown (ks_similarity_view_get_depth_area (similarity), "cka-depth, dark");
  ks_test_save_screenshot (GTK_WIDGET (window), "tab-similarity-dark");

  /* Back to light while on screen: drawn again. */
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (ks_figure_area_is_current (ks_similarity_view_get_depth_area (similarity)));
  assert_figure_shown (ks_similarity_view_get_depth_area (similarity), "cka-depth, light again");
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  ks_test_init (&argc, &argv);

  g_test_add_func ("/tabs/every-tab", test_every_tab);
  g_test_add_func ("/tabs/dark", test_dark);
  return g_test_run ();
}
