/* test-views.c: the Kernels tab's heatmaps against the core's numbers, read-out, enlarging
 * and colour ranges, in the real window under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window is driven through the controls a person uses (the width slider's
 * adjustment, the Points spin button, pointer motion and clicks delivered to the figure's
 * own event controllers) and what it shows is checked against the core run
 * independently here. Screenshots go to $KS_SCREENSHOT_DIR.
 */
#include <math.h>

#include <glib/gstdio.h>

#include "app-test-util.h"
#include "ks-figure-area.h"
#include "ks-figure-export-dialog.h"
#include "ks-figure-kernels.h"
#include "ks-kernel-panel-figure.h"
#include "ks-kernel-view.h"
#include "ks-plot-types.h"
#include "ks-settings.h"
#include "ks-stack-scale.h"
#include "ks-ticks.h"

#define RESULT_TIMEOUT 60.0

/* A descendant of root built from a template or .ui file with this id. */
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
area_is_current (gpointer user_data)
{
  return ks_figure_area_is_current (user_data);
}

static void
wait_for_area (KsFigureArea *area)
{
  g_assert_true (ks_test_wait_until (area_is_current, area, RESULT_TIMEOUT));
  g_assert_cmpint (ks_figure_area_get_state (area), ==, KS_FIGURE_AREA_READY);
}

static KsKernelView *
kernel_view (KsWindow *window)
{
  return KS_KERNEL_VIEW (require_by_id (window, "kernel_view"));
}

/* A window whose first result is on screen, with P points. */
static KsWindow *
window_with_points (guint n_points)
{
  KsWindow *window = ks_test_window_new ();
  KsJobController *controller = ks_window_get_controller (window);

  g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
  if (n_points != ks_document_get_n_points (ks_window_get_document (window)))
    {
      guint64 generation = ks_job_controller_get_generation (controller);

      gtk_spin_button_set_value (GTK_SPIN_BUTTON (require_by_id (window, "points_spin")), n_points);
      g_assert_true (ks_test_wait_for_submission (window, generation + 1, RESULT_TIMEOUT));
      g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
    }
  wait_for_area (ks_kernel_view_get_grid_area (kernel_view (window)));
  return window;
}

/* ---- pixels ---- */

/* What the widget draws, or NULL while it waits for its next layout. */
static GskRenderNode *
snapshot_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

/* The widget as it appears on screen, rendered by the cairo renderer GTK uses here. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  GdkTexture *texture;

  for (guint attempt = 0; attempt < 40 && node == NULL; attempt++)
    {
      ks_test_run_for (0.05);
      node = snapshot_widget (widget);
    }
  g_assert_nonnull (node);
  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));
  gsk_renderer_unrealize (renderer);
  return texture;
}

/* The pixel at (x, y) of a texture, as 0..255 red, green and blue (it is opaque here). */
static void
texture_pixel (GdkTexture *texture,
               int         x,
               int         y,
               guint       rgb[3])
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  const guchar *pixel;
  gboolean little;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, width);
  g_assert_cmpint (y, <, height);
  gdk_texture_download (texture, data, (gsize) width * 4);
  /* GDK_MEMORY_DEFAULT: premultiplied B, G, R, A bytes on little-endian machines, A, R,
   * G, B on big-endian ones (the native 0xAARRGGBB word either way). */
  pixel = data + ((gsize) y * width + x) * 4;
  little = G_BYTE_ORDER == G_LITTLE_ENDIAN;
  g_assert_cmpuint (pixel[little ? 3 : 0], ==, 255);
  rgb[0] = pixel[little ? 2 : 1];
  rgb[1] = pixel[little ? 1 : 2];
  rgb[2] = pixel[little ? 0 : 3];
}

/* The colour map's colour for value in range, as the heatmaps quantise it: the table
 * entry round (t * 255) of t = (value - lo) / (hi - lo), in 0..255. */
static void
expected_color (KsColormap colormap,
                KsRange    range,
                double     value,
                double     rgb[3])
{
  const double (*table)[3] = ks_colormap_table (colormap);
  guint index = ks_colormap_index ((value - range.lo) / (range.hi - range.lo));

  for (guint c = 0; c < 3; c++)
    rgb[c] = 255.0 * table[index][c];
}

/* A point inside a class block, away from the separators at its edges. */
static gsize
inner_point (KsResult *result,
             gsize     from)
{
  KsDataset *data = ks_result_get_dataset (result);
  const int *labels = ks_dataset_get_labels (data);
  gsize p = ks_dataset_get_n_points (data);

  for (gsize i = MAX (from, 1); i + 1 < p; i++)
    if (labels[i - 1] == labels[i] && labels[i + 1] == labels[i])
      return i;
  g_assert_not_reached ();
}

typedef struct
{
  guint           row;
  guint           column;
  KsHeatmapLayout layout;
  KsRange         range;
  KsKernelKind    kind;
  guint           layer;
} PanelQuery;

static void
query_panel (gpointer figure,
             double   width,
             double   height,
             gpointer user_data)
{
  PanelQuery *query = user_data;

  ks_figure_kernels_get_panel_layout (figure, width, height, query->row, query->column, &query->layout);
  query->range = ks_figure_kernels_get_row_range (figure, query->row);
  query->kind = ks_figure_kernels_get_row_kind (figure, query->row);
  query->layer = ks_figure_kernels_get_column_layer (figure, query->column);
}

static PanelQuery
panel_query (KsFigureArea *area,
             guint         row,
             guint         column)
{
  PanelQuery query = { .row = row, .column = column };

  g_assert_true (ks_figure_area_with_figure (area, query_panel, &query));
  return query;
}

/* The centre of cell (i, j) of a panel, in the area's pixels. */
static void
cell_centre (KsFigureArea     *area,
             const PanelQuery *query,
             gsize             i,
             gsize             j,
             double           *x,
             double           *y)
{
  const KsHeatmapLayout *layout = &query->layout;

  ks_figure_area_figure_to_widget (area, layout->cells.x + (j + 0.5) * layout->cell_size,
                                   layout->cells.y + (i + 0.5) * layout->cell_size, x, y);
}

/* The row of the grid showing kind. */
static guint
row_of_kind (KsFigureArea *area,
             KsKernelKind  kind)
{
  for (guint row = 0; row < KS_N_KERNEL_KINDS; row++)
    {
      PanelQuery query = panel_query (area, row, 0);

      if (query.kind == kind)
        return row;
    }
  g_assert_not_reached ();
}

static KsFigureStyle
screen_style (KsDocument *document)
{
  KsFigureStyle style;
  KsColormap colormap;

  ks_figure_style_init (&style);
  g_assert_true (ks_colormap_from_string (ks_document_get_colormap (document), &colormap, NULL));
  style.colormap = colormap;
  style.title = "";
  return style;
}

/* The check: the width slider moved to 32 brings a result whose heatmaps, pixel
 * for pixel, show the core's kernels for the new network. The experiment is run again
 * here, from the document's settings with the result on screen before the change as the
 * deep kernel machine's warm start (as the window does), and its kernels coloured with the
 * row ranges a figure of that independent result chooses. The finite-width sample
 * depends on the width, so it shows the new parameters took effect; the NNGP row checks
 * the same for the infinite-width kernels. Tolerance 1/255: both sides pick the same
 * entry of the colour map's table, so only the 8-bit rounding of the image may differ. */
static void
test_width_change_pixels (void)
{
  /* 40 points: cells of a few pixels, so a cell's centre pixel is that cell alone. */
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_points (40));
  KsDocument *document = ks_window_get_document (window);
  KsJobController *controller = ks_window_get_controller (window);
  KsKernelView *view = kernel_view (window);
  KsFigureArea *area = ks_kernel_view_get_grid_area (view);
  GtkRange *width_scale = GTK_RANGE (require_by_id (window, "width_scale"));
  g_autoptr(KsResult) before = ks_result_ref (ks_test_current_result (window));
  guint64 generation = ks_job_controller_get_generation (controller);
  g_autoptr(GSettings) settings = ks_settings_new ();
  g_autoptr(KsExperiment) experiment = NULL;
  g_autoptr(KsResult) expected = NULL;
  g_autoptr(KsFigureKernels) expected_figure = NULL;
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (KS_PLOT_THEME_SCREEN_LIGHT);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  KsFigureStyle style = screen_style (document);
  const KsKernelKind kinds[] = { KS_KERNEL_NNGP, KS_KERNEL_SAMPLE };
  guint narrowest, widest;

  gtk_adjustment_set_value (gtk_range_get_adjustment (width_scale), ks_width_to_slider (32));
  g_assert_true (ks_stack_get_width_range (ks_document_get_stack (document), &narrowest, &widest));
  g_assert_cmpuint (narrowest, ==, 32);
  g_assert_cmpuint (widest, ==, 32);
  g_assert_true (ks_test_wait_for_submission (window, generation + 1, RESULT_TIMEOUT));
  g_assert_true (ks_test_wait_for_result (window, RESULT_TIMEOUT));
  g_assert_true (ks_kernel_view_get_result (view) == ks_test_current_result (window));
  wait_for_area (area);

  experiment = ks_document_build_experiment (document);
  ks_experiment_set_n_threads (experiment, g_settings_get_uint (settings, "threads"));
  ks_experiment_set_warm_start (experiment, before);
  expected = ks_experiment_run (experiment, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  expected_figure = ks_figure_kernels_new (expected, &style, theme, &error);
  g_assert_no_error (error);

  texture = render_widget (GTK_WIDGET (area));
  ks_test_save_screenshot (GTK_WIDGET (window), "views-width-32");
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      guint row = row_of_kind (area, kinds[k]);
      /* The third layer: the bottleneck's dense layer, now of width 32. */
      PanelQuery query = panel_query (area, row, 2);
      gsize i = inner_point (expected, 5);
      gsize j = inner_point (expected, 25);
      double value = gsl_matrix_get (ks_result_get_kernel (expected, kinds[k], query.layer), i, j);
      KsRange range = ks_figure_kernels_get_row_range (expected_figure, row);
      double x, y, rgb[3];
      guint pixel[3];

      g_assert_cmpint (ks_figure_kernels_get_row_kind (expected_figure, row), ==, kinds[k]);
      cell_centre (area, &query, i, j, &x, &y);
      texture_pixel (texture, (int) floor (x), (int) floor (y), pixel);
      expected_color (style.colormap, range, value, rgb);
      g_test_message ("%s, layer %u, cell (%zu, %zu) = %g in [%g, %g]: pixel (%u, %u, %u), "
                      "colour map (%.1f, %.1f, %.1f)", ks_kernel_kind_to_string (kinds[k]),
                      query.layer + 1, i, j, value, range.lo, range.hi, pixel[0], pixel[1],
                      pixel[2], rgb[0], rgb[1], rgb[2]);
      for (guint c = 0; c < 3; c++)
        g_assert_cmpfloat (fabs (pixel[c] - rgb[c]), <=, 1.0);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The controller of a widget of the given type (e.g. its motion controller). */
static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  g_assert_not_reached ();
}

static GtkEventController *
find_named_controller (GtkWidget  *widget,
                       const char *name)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), name) == 0)
        return controller;
    }
  g_assert_not_reached ();
}

/* "12 (class 3)": a point's number from 1 and its class (its name, when it has one). */
static char *
describe_point (KsResult *result,
                gsize     index)
{
  KsDataset *data = ks_result_get_dataset (result);
  int klass = ks_dataset_get_labels (data)[index];
  const char *name = ks_dataset_get_class_name (data, klass);

  if (name != NULL)
    return g_strdup_printf ("%zu (%s)", index + 1, name);
  return g_strdup_printf ("%zu (class %d)", index + 1, klass);
}

/* Pointer motion over a cell of the infinite-width row names the cell's row and column
 * with the classes of the two points, and the kernel entry there, in the line under the
 * figure; leaving the figure brings the hint back. The expected text is built from the
 * result's own matrix and labels. */
static void
test_hover_readout (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_points (60));
  KsKernelView *view = kernel_view (window);
  KsFigureArea *area = ks_kernel_view_get_grid_area (view);
  GtkEventController *motion = find_controller (GTK_WIDGET (area), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  KsResult *result = ks_kernel_view_get_result (view);
  guint row = row_of_kind (area, KS_KERNEL_NNGP);
  PanelQuery query = panel_query (area, row, 1);
  gsize i = inner_point (result, 8);
  gsize j = inner_point (result, 40);
  double value = gsl_matrix_get (ks_result_get_kernel (result, KS_KERNEL_NNGP, query.layer), i, j);
  g_autofree char *row_text = describe_point (result, i);
  g_autofree char *column_text = describe_point (result, j);
  g_autofree char *value_text = ks_format_number (value, 4);
  g_autofree char *expected = g_strdup_printf ("row %s, column %s: %s", row_text, column_text, value_text);
  const char *hint = ks_kernel_view_get_status (view);
  g_autofree char *hint_copy = g_strdup (hint);
  double x, y;

  cell_centre (area, &query, i, j, &x, &y);
  g_signal_emit_by_name (motion, "motion", x, y);
  g_test_message ("read-out: %s", ks_kernel_view_get_status (view));
  g_assert_true (g_str_has_suffix (ks_kernel_view_get_status (view), expected));
  g_assert_nonnull (strstr (ks_kernel_view_get_status (view), "infinite width"));
  g_assert_cmpstr (ks_figure_area_get_readout (area), ==, ks_kernel_view_get_status (view));
  ks_test_save_screenshot (GTK_WIDGET (window), "views-hover");

  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpstr (ks_kernel_view_get_status (view), ==, hint_copy);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  KsRange         range;
  KsHeatmapLayout layout;
} EnlargedQuery;

static void
query_enlarged (gpointer figure,
                double   width,
                double   height,
                gpointer user_data)
{
  EnlargedQuery *query = user_data;

  query->range = ks_kernel_panel_figure_get_range (figure);
  ks_kernel_panel_figure_get_layout (figure, width, height, &query->layout);
}

static gboolean
area_ready (gpointer user_data)
{
  return ks_figure_area_is_current (user_data) &&
         ks_figure_area_get_state (user_data) == KS_FIGURE_AREA_READY;
}

/* A click (the area's own click gesture, released over a panel) enlarges that panel: the
 * finite-width sample at the third layer, drawn large with the colour range it has in the
 * grid, so a cell's colour is the one the grid gives it. Escape (the view's shortcut, as
 * the window would deliver it) returns to the grid; with no panel enlarged, Escape is left
 * to the window (to cancel the computation). */
static void
test_click_enlarges (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_points (40));
  KsKernelView *view = kernel_view (window);
  KsFigureArea *grid = ks_kernel_view_get_grid_area (view);
  KsFigureArea *panel = ks_kernel_view_get_panel_area (view);
  GtkEventController *click = find_controller (GTK_WIDGET (grid), GTK_TYPE_GESTURE_CLICK);
  GtkShortcutController *escape =
    GTK_SHORTCUT_CONTROLLER (find_named_controller (GTK_WIDGET (view), "kernel-view-escape"));
  g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (escape), 0);
  GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
  GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
  g_autoptr(GdkTexture) texture = NULL;
  KsResult *result = ks_kernel_view_get_result (view);
  PanelQuery query = panel_query (grid, row_of_kind (grid, KS_KERNEL_SAMPLE), 2);
  KsKernelPanel *source;
  EnlargedQuery enlarged;
  gsize i = inner_point (result, 10), j = inner_point (result, 30);
  double x, y, value, rgb[3];
  guint pixel[3];

  ks_figure_area_figure_to_widget (grid, query.layout.cells.x + query.layout.cells.width / 2,
                                   query.layout.cells.y + query.layout.cells.height / 2, &x, &y);
  g_signal_emit_by_name (click, "released", 1, x, y);
  g_assert_true (ks_kernel_view_is_enlarged (view));
  g_assert_true (ks_kernel_view_get_visible_area (view) == panel);
  source = ks_figure_area_get_source (panel);
  g_assert_cmpint (ks_kernel_panel_get_kind (source), ==, KS_KERNEL_SAMPLE);
  g_assert_cmpuint (ks_kernel_panel_get_layer (source), ==, query.layer);
  g_assert_true (ks_test_wait_until (area_ready, panel, RESULT_TIMEOUT));

  g_assert_true (ks_figure_area_with_figure (panel, query_enlarged, &enlarged));
  g_assert_cmpfloat (enlarged.range.lo, ==, query.range.lo);
  g_assert_cmpfloat (enlarged.range.hi, ==, query.range.hi);
  g_assert_cmpfloat (enlarged.layout.cell_size, >, 2 * query.layout.cell_size);
  value = gsl_matrix_get (ks_result_get_kernel (result, KS_KERNEL_SAMPLE, query.layer), i, j);
  ks_figure_area_figure_to_widget (panel, enlarged.layout.cells.x + (j + 0.5) * enlarged.layout.cell_size,
                                   enlarged.layout.cells.y + (i + 0.5) * enlarged.layout.cell_size, &x, &y);
  texture = render_widget (GTK_WIDGET (panel));
  texture_pixel (texture, (int) floor (x), (int) floor (y), pixel);
  expected_color (ks_figure_area_get_style (panel)->colormap, enlarged.range, value, rgb);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpfloat (fabs (pixel[c] - rgb[c]), <=, 1.0);
  ks_test_save_screenshot (GTK_WIDGET (window), "views-enlarged");

  g_assert_true (GTK_IS_KEYVAL_TRIGGER (trigger));
  g_assert_cmpuint (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)), ==, GDK_KEY_Escape);
  g_assert_true (gtk_shortcut_action_activate (action, 0, GTK_WIDGET (view), NULL));
  g_assert_false (ks_kernel_view_is_enlarged (view));
  g_assert_true (ks_kernel_view_get_visible_area (view) == grid);
  g_assert_false (gtk_shortcut_action_activate (action, 0, GTK_WIDGET (view), NULL));

  /* The back button's action does the same. */
  ks_kernel_view_enlarge (view, KS_KERNEL_NNGP, 0);
  g_assert_true (ks_kernel_view_is_enlarged (view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kernel-view.back", NULL));
  g_assert_false (ks_kernel_view_is_enlarged (view));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
query_panel_range (gpointer figure,
                   double   width,
                   double   height,
                   gpointer user_data)
{
  PanelQuery *query = user_data;

  query_panel (figure, width, height, user_data);
  query->range = ks_figure_kernels_get_panel_range (figure, query->row, query->column);
}

/* The toggle that unlocks the row's shared colour range gives the panels of the
 * infinite-width row ranges of their own: they differ from the shared one and from one
 * layer to the next, and the heatmap's colours follow the panel's range (a cell's pixel is
 * the colour map's colour at the panel's range, to 1/255). Locking again restores the
 * shared range. */
static void
test_unlock_ranges (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_points (40));
  KsKernelView *view = kernel_view (window);
  KsFigureArea *area = ks_kernel_view_get_grid_area (view);
  KsResult *result = ks_kernel_view_get_result (view);
  guint row = row_of_kind (area, KS_KERNEL_NNGP);
  PanelQuery shared = panel_query (area, row, 0);
  PanelQuery first = { .row = row, .column = 0 };
  PanelQuery second = { .row = row, .column = 2 };
  g_autoptr(GdkTexture) texture = NULL;
  gsize i = inner_point (result, 12), j = inner_point (result, 20);
  double x, y, value, rgb[3];
  guint pixel[3];

  g_assert_false (ks_kernel_view_get_per_panel_ranges (view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kernel-view.per-panel-ranges", NULL));
  g_assert_true (ks_kernel_view_get_per_panel_ranges (view));
  g_assert_cmpint (ks_figure_area_get_style (area)->ranges, ==, KS_FIGURE_RANGES_PANEL);
  wait_for_area (area);

  g_assert_true (ks_figure_area_with_figure (area, query_panel_range, &first));
  g_assert_true (ks_figure_area_with_figure (area, query_panel_range, &second));
  g_test_message ("shared [%g, %g]; layer 1 [%g, %g]; layer 3 [%g, %g]", shared.range.lo,
                  shared.range.hi, first.range.lo, first.range.hi, second.range.lo, second.range.hi);
  g_assert_true (first.range.lo != shared.range.lo || first.range.hi != shared.range.hi);
  g_assert_true (first.range.lo != second.range.lo || first.range.hi != second.range.hi);

  value = gsl_matrix_get (ks_result_get_kernel (result, KS_KERNEL_NNGP, second.layer), i, j);
  cell_centre (area, &second, i, j, &x, &y);
  texture = render_widget (GTK_WIDGET (area));
  texture_pixel (texture, (int) floor (x), (int) floor (y), pixel);
  expected_color (ks_figure_area_get_style (area)->colormap, second.range, value, rgb);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpfloat (fabs (pixel[c] - rgb[c]), <=, 1.0);
  ks_test_save_screenshot (GTK_WIDGET (window), "views-per-panel-ranges");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kernel-view.per-panel-ranges", NULL));
  wait_for_area (area);
  g_assert_true (ks_figure_area_with_figure (area, query_panel_range, &second));
  g_assert_cmpfloat (second.range.lo, ==, shared.range.lo);
  g_assert_cmpfloat (second.range.hi, ==, shared.range.hi);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
file_exists (gpointer user_data)
{
  return g_file_test (user_data, G_FILE_TEST_IS_REGULAR);
}

static char *
export_to (KsWindow       *window,
           KsFigureArea   *area,
           const char     *folder,
           const char     *name,
           KsExportFormat  format)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KsExportOptions options;

  ks_export_options_init (&options, ks_mm_to_pt (100), 0);
  options.format = format;
  options.dpi = 100;
  ks_figure_export_to_file (window, area, file, &options);
  g_assert_true (ks_test_wait_until (file_exists, path, RESULT_TIMEOUT));
  return g_steal_pointer (&path);
}

/* The Export dialog offers the figures on screen, the current tab's first selected, and
 * the resolution only for PNG; exporting writes each format whole (PNG at the size in
 * millimetres times the resolution: 100 mm at 100 dpi is 394 pixels wide) and leaves no
 * temporary file behind. */
static void
test_export (void)
{
  g_autoptr(KsWindow) window = g_object_ref_sink (window_with_points (60));
  KsFigureArea *area = ks_kernel_view_get_grid_area (kernel_view (window));
  g_autofree char *folder = g_dir_make_tmp ("kernelscope-export-XXXXXX", NULL);
  g_autofree char *svg = export_to (window, area, folder, "kernels.svg", KS_EXPORT_FORMAT_SVG);
  g_autofree char *pdf = export_to (window, area, folder, "kernels.pdf", KS_EXPORT_FORMAT_PDF);
  g_autofree char *png = export_to (window, area, folder, "kernels.png", KS_EXPORT_FORMAT_PNG);
  g_autofree char *svg_text = NULL, *pdf_text = NULL;
  g_autoptr(GdkTexture) image = NULL;
  g_autoptr(GDir) dir = NULL;
  KsFigureExportDialog *dialog;
  KsExportOptions options;
  const char *name;
  guint n_files = 0;

  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  g_assert_true (g_file_get_contents (pdf, &pdf_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (pdf_text, "%PDF"));
  image = gdk_texture_new_from_filename (png, NULL);
  g_assert_nonnull (image);
  g_assert_cmpint (gdk_texture_get_width (image), ==, 394);
  ks_test_run_for (0.3);
  dir = g_dir_open (folder, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      n_files++;
      g_unlink (path);
    }
  g_assert_cmpuint (n_files, ==, 3);
  g_rmdir (folder);

  dialog = ks_figure_export_dialog_new (window);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpuint (ks_figure_export_dialog_get_n_figures (dialog), >=, 3);
  g_assert_cmpstr (ks_figure_export_dialog_get_figure_name (dialog, ks_figure_export_dialog_get_selected (dialog)),
                   ==, "Kernels of every layer");
  ks_figure_export_dialog_get_options (dialog, &options);
  g_assert_cmpfloat (fabs (ks_pt_to_mm (options.width_pt) - 180), <, 0.5);
  g_assert_cmpfloat (options.height_pt, ==, 0);
  g_assert_false (gtk_widget_get_sensitive (find_by_id (GTK_WIDGET (dialog), "dpi_row")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_by_id (GTK_WIDGET (dialog), "format_row")), 2);
  g_assert_true (gtk_widget_get_sensitive (find_by_id (GTK_WIDGET (dialog), "dpi_row")));
  ks_figure_export_dialog_get_options (dialog, &options);
  g_assert_cmpint (options.format, ==, KS_EXPORT_FORMAT_PNG);
  ks_test_save_screenshot (GTK_WIDGET (dialog), "views-export-dialog");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  ks_test_init (&argc, &argv);

  g_test_add_func ("/views/width-change-pixels", test_width_change_pixels);
  g_test_add_func ("/views/hover-readout", test_hover_readout);
  g_test_add_func ("/views/click-enlarges", test_click_enlarges);
  g_test_add_func ("/views/unlock-ranges", test_unlock_ranges);
  g_test_add_func ("/views/export", test_export);
  return g_test_run ();
}
