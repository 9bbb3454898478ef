/* test-stack-editor.c: the Network group of the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests drive the editor through the entry points a person uses (the widget actions
 * the menus name, the keyboard bindings, the drop function, the sliders and the row
 * controls) and compare the document's stack, in its text form, with the stack the rule
 * prescribes. The pure rules behind the sliders are tested in test-stack-scale.c.
 */
#include <math.h>

#include <adwaita.h>

#include "ks-document.h"
#include "ks-layer-row.h"
#include "ks-stack-editor.h"

#define BOTTLENECK_BODY "dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf:wv=2,relu"
#define READOUT "readout:10:noise=0.1"
#define BOTTLENECK BOTTLENECK_BODY "," READOUT

static KsStack *
parse (const char *spec)
{
  g_autoptr(GError) error = NULL;
  KsStack *stack = ks_stack_parse (spec, &error);

  g_assert_no_error (error);
  return stack;
}

static void
assert_stack_text (const KsStack *stack,
                   const char    *expected)
{
  g_autofree char *text = ks_stack_to_string (stack);

  g_assert_cmpstr (text, ==, expected);
}

/* Widget fixture: the editor in a window with a toast overlay, on a document. */

typedef struct
{
  KsDocument    *document;
  GtkWindow     *window;
  KsStackEditor *editor;
} Fixture;

static void
iterate (guint n)
{
  for (guint i = 0; i < n; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(KsStack) stack = parse (BOTTLENECK);
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  fixture->document = ks_document_new ();
  ks_document_set_stack (fixture->document, stack);
  fixture->editor = KS_STACK_EDITOR (ks_stack_editor_new (fixture->document));
  gtk_widget_set_margin_start (GTK_WIDGET (fixture->editor), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (fixture->editor), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (fixture->editor), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (fixture->editor), 12);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (fixture->editor));
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), scroller);
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 360, 760);
  gtk_window_set_child (fixture->window, overlay);
  gtk_window_present (fixture->window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->editor))
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->editor)));
  iterate (3);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  iterate (3);
  g_clear_object (&fixture->document);
}

static GtkListBox *
layer_list (Fixture *fixture)
{
  return GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (fixture->editor),
                                                      KS_TYPE_STACK_EDITOR, "layer_list"));
}

static GtkRange *
editor_scale (Fixture    *fixture,
              const char *name)
{
  return GTK_RANGE (gtk_widget_get_template_child (GTK_WIDGET (fixture->editor),
                                                   KS_TYPE_STACK_EDITOR, name));
}

static const char *
editor_label (Fixture    *fixture,
              const char *name)
{
  return gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (fixture->editor),
                                                                        KS_TYPE_STACK_EDITOR, name)));
}

static KsLayerRow *
row_at (Fixture *fixture,
        guint    index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (layer_list (fixture), (int) index);

  g_assert_nonnull (row);
  return KS_LAYER_ROW (row);
}

static gpointer
row_child (KsLayerRow *row,
           const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (row), KS_TYPE_LAYER_ROW, name);
}

static guint
n_rows (Fixture *fixture)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (layer_list (fixture), (int) n) != NULL)
    n++;
  return n;
}

/* The rows mirror the document's stack, one row per layer, in order. */
static void
assert_document (Fixture    *fixture,
                 const char *expected)
{
  const KsStack *stack = ks_document_get_stack (fixture->document);

  assert_stack_text (stack, expected);
  g_assert_cmpuint (n_rows (fixture), ==, ks_stack_get_n_layers (stack));
  for (guint i = 0; i < ks_stack_get_n_layers (stack); i++)
    g_assert_cmpint (ks_layer_row_get_layer (row_at (fixture, i))->kind, ==,
                     ks_stack_get_layer (stack, i)->kind);
}

static void
activate (Fixture    *fixture,
          const char *action,
          const char *format,
          ...)
{
  g_autoptr(GVariant) parameter = NULL;
  va_list args;

  va_start (args, format);
  parameter = g_variant_ref_sink (g_variant_new_va (format, NULL, &args));
  va_end (args);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fixture->editor), action,
                                                     parameter));
  iterate (1);
}

/* The add menu's action inserts before the readout; a new dense layer takes the narrowest
 * finite width and the last dense layer's variances. */
static void
test_add_layer (Fixture       *fixture,
                gconstpointer  data)
{
  activate (fixture, "stack.add-layer", "s", "relu");
  assert_document (fixture, BOTTLENECK_BODY ",relu," READOUT);
  activate (fixture, "stack.add-layer", "s", "dense");
  assert_document (fixture, BOTTLENECK_BODY ",relu,dense:16:wv=2," READOUT);
  activate (fixture, "stack.add-layer", "s", "dense-inf");
  assert_document (fixture, BOTTLENECK_BODY ",relu,dense:16:wv=2,dense:inf:wv=2," READOUT);
  activate (fixture, "stack.add-layer", "s", "gelu");
  assert_document (fixture, BOTTLENECK_BODY ",relu,dense:16:wv=2,dense:inf:wv=2,gelu," READOUT);
}

/* Removing and duplicating through the row actions' targets; rows of untouched layers
 * are the same widgets afterwards. */
static void
test_remove_and_duplicate (Fixture       *fixture,
                           gconstpointer  data)
{
  KsLayerRow *dense_16 = row_at (fixture, 2);
  KsLayerRow *readout = row_at (fixture, 6);

  activate (fixture, "stack.remove", "u", 1);
  assert_document (fixture, "dense:inf:wv=2,dense:16:wv=2,relu,dense:inf:wv=2,relu," READOUT);
  g_assert_true (row_at (fixture, 1) == dense_16);
  g_assert_true (row_at (fixture, 5) == readout);

  activate (fixture, "stack.duplicate", "u", 1);
  assert_document (fixture,
                   "dense:inf:wv=2,dense:16:wv=2,dense:16:wv=2,relu,dense:inf:wv=2,relu," READOUT);
  g_assert_true (row_at (fixture, 1) == dense_16);
  g_assert_true (row_at (fixture, 2) != dense_16);
}

static gboolean
drop_row_on_row (Fixture *fixture,
                 guint    from,
                 guint    to)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (layer_list (fixture)));
  g_auto(GValue) value = G_VALUE_INIT;
  KsLayerRow *target = row_at (fixture, to);
  graphene_point_t middle;
  gboolean dropped = FALSE;
  gboolean found = FALSE;

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (target), GTK_WIDGET (layer_list (fixture)),
                                           &GRAPHENE_POINT_INIT (10, 10), &middle));
  g_value_init (&value, KS_TYPE_LAYER_ROW);
  g_value_set_object (&value, row_at (fixture, from));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !found; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_signal_emit_by_name (controller, "drop", &value, (double) middle.x,
                                 (double) middle.y, &dropped);
          found = TRUE;
        }
    }
  g_assert_true (found);
  iterate (1);
  return dropped;
}

/* Move up/down actions and the drop function reorder the stack, and the moved row widget
 * travels with its layer. */
static void
test_reorder (Fixture       *fixture,
              gconstpointer  data)
{
  KsLayerRow *dense_16 = row_at (fixture, 2);
  KsLayerRow *first = row_at (fixture, 0);

  activate (fixture, "stack.move-up", "u", 2);
  assert_document (fixture, "dense:inf:wv=2,dense:16:wv=2,relu,relu,dense:inf:wv=2,relu," READOUT);
  g_assert_true (row_at (fixture, 1) == dense_16);

  activate (fixture, "stack.move-down", "u", 0);
  assert_document (fixture, "dense:16:wv=2,dense:inf:wv=2,relu,relu,dense:inf:wv=2,relu," READOUT);
  g_assert_true (row_at (fixture, 1) == first);

  /* A drop of row 0 onto row 4, through the function the drop target calls. */
  g_assert_true (ks_stack_editor_move_layer (fixture->editor, 0, 4));
  iterate (1);
  assert_document (fixture, "dense:inf:wv=2,relu,relu,dense:inf:wv=2,dense:16:wv=2,relu," READOUT);
  g_assert_true (row_at (fixture, 4) == dense_16);

  /* The drop target's own handler: row 4 dropped on the middle of row 1. */
  g_assert_true (drop_row_on_row (fixture, 4, 1));
  assert_document (fixture, "dense:inf:wv=2,dense:16:wv=2,relu,relu,dense:inf:wv=2,relu," READOUT);
  g_assert_true (row_at (fixture, 1) == dense_16);
}

/* Every edit that would move the readout from the end is refused: the stack stays as it
 * was and the editor keeps working. */
static void
test_readout_stays_last (Fixture       *fixture,
                         gconstpointer  data)
{
  g_assert_false (ks_stack_editor_move_layer (fixture->editor, 6, 0));
  assert_document (fixture, BOTTLENECK);
  g_assert_false (ks_stack_editor_move_layer (fixture->editor, 5, 6));
  assert_document (fixture, BOTTLENECK);
  activate (fixture, "stack.move-down", "u", 5);
  assert_document (fixture, BOTTLENECK);
  activate (fixture, "stack.move-up", "u", 6);
  assert_document (fixture, BOTTLENECK);
  activate (fixture, "stack.add-layer", "s", "readout");
  assert_document (fixture, BOTTLENECK);
  activate (fixture, "stack.duplicate", "u", 6);
  assert_document (fixture, BOTTLENECK);
  activate (fixture, "stack.remove", "u", 6);
  assert_document (fixture, BOTTLENECK);

  g_assert_true (ks_stack_editor_move_layer (fixture->editor, 5, 4));
  iterate (1);
  assert_document (fixture, "dense:inf:wv=2,relu,dense:16:wv=2,relu,relu,dense:inf:wv=2," READOUT);
}

/* The width slider's right end makes every dense layer infinite; 6 (= log2 64) makes
 * them 64 wide; the label says so. */
static void
test_width_slider_widget (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkRange *scale = editor_scale (fixture, "width_scale");

  g_assert_cmpstr (editor_label (fixture, "width_label"), ==, "16–∞");
  gtk_range_set_value (scale, gtk_adjustment_get_upper (gtk_range_get_adjustment (scale)));
  iterate (1);
  assert_document (fixture, "dense:inf:wv=2,relu,dense:inf:wv=2,relu,dense:inf:wv=2,relu," READOUT);
  g_assert_cmpstr (editor_label (fixture, "width_label"), ==, "∞");

  gtk_range_set_value (scale, 6.0);
  iterate (1);
  assert_document (fixture, "dense:64:wv=2,relu,dense:64:wv=2,relu,dense:64:wv=2,relu," READOUT);
  g_assert_cmpstr (editor_label (fixture, "width_label"), ==, "64");
  g_assert_cmpfloat (gtk_range_get_value (scale), ==, 6.0);
}

/* The depth slider repeats the hidden block, and returning to the start depth restores
 * the stack it started from (the bottleneck survives depth 1). */
static void
test_depth_slider_widget (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkRange *scale = editor_scale (fixture, "depth_scale");

  g_assert_cmpstr (editor_label (fixture, "depth_label"), ==, "3");
  gtk_range_set_value (scale, 5.0);
  iterate (1);
  assert_document (fixture, BOTTLENECK_BODY ",dense:16:wv=2,relu,dense:inf:wv=2,relu," READOUT);
  gtk_range_set_value (scale, 1.0);
  iterate (1);
  assert_document (fixture, "dense:inf:wv=2,relu," READOUT);
  gtk_range_set_value (scale, 3.0);
  iterate (1);
  assert_document (fixture, BOTTLENECK);

  activate (fixture, "stack.preset", "s", "relu-mlp");
  gtk_range_set_value (scale, 1.0);
  iterate (1);
  assert_document (fixture, "dense:64:wv=2,relu," READOUT);
  gtk_range_set_value (scale, 3.0);
  iterate (1);
  assert_document (fixture, "dense:64:wv=2,relu,dense:64:wv=2,relu,dense:64:wv=2,relu," READOUT);
  g_assert_cmpstr (editor_label (fixture, "depth_label"), ==, "3");
}

/* The preset menu's action replaces the stack with the documented one, keeping the
 * readout. */
static void
test_preset_actions (Fixture       *fixture,
                     gconstpointer  data)
{
  activate (fixture, "stack.preset", "s", "deep-linear");
  assert_document (fixture, "dense:64,identity,dense:64,identity,dense:64,identity," READOUT);
  activate (fixture, "stack.preset", "s", "erf");
  assert_document (fixture, "dense:64:wv=2,erf,dense:64:wv=2,erf,dense:64:wv=2,erf," READOUT);
  activate (fixture, "stack.preset", "s", "bottleneck");
  assert_document (fixture, BOTTLENECK);
}

/* A stack change that keeps the number of layers updates the rows in place: the same row
 * widgets, showing the new values. */
static void
test_rows_update_in_place (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(KsStack) stack =
    parse ("dense:8:wv=1.5:bv=0.1,relu,dense:32:wv=2,erf,dense:inf:wv=3,relu," READOUT);
  KsLayerRow *rows[7];

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    rows[i] = row_at (fixture, i);
  ks_document_set_stack (fixture->document, stack);
  iterate (1);

  assert_document (fixture, "dense:8:wv=1.5:bv=0.1,relu,dense:32:wv=2,erf,dense:inf:wv=3,relu," READOUT);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_assert_true (row_at (fixture, i) == rows[i]);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (rows[0])), ==,
                   "width 8 · wv 1.5 · bv 0.1");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (row_child (rows[0], "width_spin")), ==, 8);
  g_assert_cmpstr (gtk_label_get_label (row_child (rows[0], "bias_var_label")), ==, "0.1");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (rows[3])), ==, "erf");
  g_assert_cmpuint (adw_combo_row_get_selected (row_child (rows[3], "function_row")), ==, 1);
  g_assert_true (gtk_toggle_button_get_active (row_child (rows[4], "infinite_toggle")));
  g_assert_false (gtk_widget_get_sensitive (row_child (rows[4], "width_spin")));
}

/* A row's controls edit its layer through the document; the readout row edits the
 * document's output channels and noise, which the document writes into the readout. */
static void
test_row_controls (Fixture       *fixture,
                   gconstpointer  data)
{
  KsLayerRow *dense_16 = row_at (fixture, 2);
  KsLayerRow *readout = row_at (fixture, 6);

  gtk_toggle_button_set_active (row_child (dense_16, "infinite_toggle"), TRUE);
  iterate (1);
  assert_document (fixture, "dense:inf:wv=2,relu,dense:inf:wv=2,relu,dense:inf:wv=2,relu," READOUT);
  gtk_toggle_button_set_active (row_child (dense_16, "infinite_toggle"), FALSE);
  iterate (1);
  assert_document (fixture, BOTTLENECK);

  gtk_range_set_value (row_child (dense_16, "weight_var_scale"), log10 (4.0));
  gtk_range_set_value (row_child (dense_16, "bias_var_scale"), log10 (0.5));
  iterate (1);
  assert_document (fixture, "dense:inf:wv=2,relu,dense:16:wv=4:bv=0.5,relu,dense:inf:wv=2,relu," READOUT);

  adw_combo_row_set_selected (row_child (row_at (fixture, 1), "function_row"), 3);
  iterate (1);
  assert_document (fixture, "dense:inf:wv=2,gelu,dense:16:wv=4:bv=0.5,relu,dense:inf:wv=2,relu," READOUT);

  gtk_spin_button_set_value (row_child (readout, "outputs_spin"), 3);
  gtk_range_set_value (row_child (readout, "noise_var_scale"), -2.0);
  iterate (1);
  g_assert_cmpuint (ks_document_get_n_outputs (fixture->document), ==, 3);
  g_assert_cmpfloat (ks_document_get_noise (fixture->document), ==, 0.01);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (readout)), ==,
                   "3 outputs · noise 0.01");
  g_assert_true (row_at (fixture, 6) == readout);
}

static void
collect_buttons (GtkWidget  *widget,
                 const char *label,
                 GPtrArray  *found)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_buttons (child, label, found);
}

static void
let_animations_finish (void)
{
  for (guint i = 0; i < 30; i++)
    {
      g_usleep (20000);
      iterate (1);
    }
}

/* The Undo button of the one toast on screen, once an earlier toast has gone and this one
 * has finished appearing, as a person would see it (libadwaita 1.2 crashes when a toast
 * is dismissed in the middle of its show animation). */
static GtkWidget *
wait_for_undo_button (Fixture *fixture)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GPtrArray) found = g_ptr_array_new ();

      collect_buttons (GTK_WIDGET (fixture->window), "_Undo", found);
      if (found->len == 1)
        {
          let_animations_finish ();
          return g_ptr_array_index (found, 0);
        }
      g_usleep (10000);
      iterate (1);
    }
  g_assert_not_reached ();
}

/* Removing a layer or applying a preset offers Undo in a toast, which restores the stack
 * as it was. */
static void
test_undo (Fixture       *fixture,
           gconstpointer  data)
{
  GtkWidget *undo;

  activate (fixture, "stack.remove", "u", 2);
  assert_document (fixture, "dense:inf:wv=2,relu,relu,dense:inf:wv=2,relu," READOUT);
  undo = wait_for_undo_button (fixture);
  g_signal_emit_by_name (undo, "clicked");
  iterate (1);
  assert_document (fixture, BOTTLENECK);

  activate (fixture, "stack.preset", "s", "deep-linear");
  assert_document (fixture, "dense:64,identity,dense:64,identity,dense:64,identity," READOUT);
  undo = wait_for_undo_button (fixture);
  g_signal_emit_by_name (undo, "clicked");
  iterate (1);
  assert_document (fixture, BOTTLENECK);
}

static gboolean
press_shortcut (Fixture         *fixture,
                guint            keyval,
                GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->editor));
  g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, modifiers);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                 GTK_WIDGET (fixture->editor),
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  g_assert_not_reached ();
}

static gboolean
focus_is_in (GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* The keyboard acts on the focused row, and the focus follows a moved row so that the
 * shortcut can be repeated. */
static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  KsLayerRow *dense_16 = row_at (fixture, 2);

  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (dense_16)));
  g_assert_true (press_shortcut (fixture, GDK_KEY_Up, GDK_ALT_MASK));
  iterate (1);
  assert_document (fixture, "dense:inf:wv=2,dense:16:wv=2,relu,relu,dense:inf:wv=2,relu," READOUT);
  g_assert_true (focus_is_in (GTK_WIDGET (dense_16)));
  g_assert_true (press_shortcut (fixture, GDK_KEY_Up, GDK_ALT_MASK));
  iterate (1);
  assert_document (fixture, "dense:16:wv=2,dense:inf:wv=2,relu,relu,dense:inf:wv=2,relu," READOUT);

  g_assert_true (press_shortcut (fixture, GDK_KEY_d, GDK_CONTROL_MASK));
  iterate (1);
  assert_document (fixture,
                   "dense:16:wv=2,dense:16:wv=2,dense:inf:wv=2,relu,relu,dense:inf:wv=2,relu," READOUT);
  g_assert_true (press_shortcut (fixture, GDK_KEY_Delete, 0));
  iterate (1);
  assert_document (fixture, "dense:16:wv=2,dense:inf:wv=2,relu,relu,dense:inf:wv=2,relu," READOUT);
  g_assert_true (focus_is_in (GTK_WIDGET (row_at (fixture, 0))));

  /* The readout row refuses to move up, and the stack stays. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (row_at (fixture, 6))));
  press_shortcut (fixture, GDK_KEY_Up, GDK_ALT_MASK);
  iterate (1);
  assert_document (fixture, "dense:16:wv=2,dense:inf:wv=2,relu,relu,dense:inf:wv=2,relu," READOUT);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  const char *dir = g_getenv ("KS_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (dir == NULL)
    dir = g_get_tmp_dir ();
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* Saves the picture and reads it back: it must exist, with the window's size. */
static void
save_and_check_screenshot (Fixture    *fixture,
                           const char *name)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  const char *dir = g_getenv ("KS_SCREENSHOT_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : g_get_tmp_dir (), name, NULL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  save_screenshot (window, name);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (window));
  g_assert_cmpint (gdk_texture_get_height (texture), ==, gtk_widget_get_height (window));
}

/* Pictures of the editor: a dense row and a nonlinearity expanded, then the readout. */
static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (fixture->editor),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *vadjustment;

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row_at (fixture, 2)), TRUE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row_at (fixture, 3)), TRUE);
  let_animations_finish ();
  save_and_check_screenshot (fixture, "stack-editor.png");

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row_at (fixture, 2)), FALSE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row_at (fixture, 3)), FALSE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row_at (fixture, 6)), TRUE);
  let_animations_finish ();
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  let_animations_finish ();
  save_and_check_screenshot (fixture, "stack-editor-readout.png");
}

static void
add_widget_test (const char *path,
                 void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  gtk_init ();
  adw_init ();

  add_widget_test ("/stack-editor/add-layer", test_add_layer);
  add_widget_test ("/stack-editor/remove-and-duplicate", test_remove_and_duplicate);
  add_widget_test ("/stack-editor/reorder", test_reorder);
  add_widget_test ("/stack-editor/readout-stays-last", test_readout_stays_last);
  add_widget_test ("/stack-editor/width-slider", test_width_slider_widget);
  add_widget_test ("/stack-editor/depth-slider", test_depth_slider_widget);
  add_widget_test ("/stack-editor/presets", test_preset_actions);
  add_widget_test ("/stack-editor/rows-update-in-place", test_rows_update_in_place);
  add_widget_test ("/stack-editor/row-controls", test_row_controls);
  add_widget_test ("/stack-editor/keyboard", test_keyboard);
  add_widget_test ("/stack-editor/undo", test_undo);
  add_widget_test ("/stack-editor/screenshot", test_screenshot);

  return g_test_run ();
}
