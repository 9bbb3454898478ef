/* ks-layer-row.c: one layer of the stack editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The row shows one KsLayer and never changes the stack itself: a control the person moves
 * emits "layer-edited" with the layer it asks for, and the stack editor decides. The row
 * shows a layer only through ks_layer_row_set_layer, which updates the widgets in place and
 * leaves a slider alone when its position already stands for the value, so a drag in
 * progress is never pulled back by the rounding of its own echo.
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-layer-row.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ks-document-state.h"
#include "ks-stack-scale.h"

struct _KsLayerRow
{
  AdwExpanderRow  parent_instance;

  KsLayer         layer;
  guint           index;
  guint           last_finite_width;  /* shown by the spin while the layer is infinite */
  guint           updating;           /* > 0 while the widgets follow the layer */
  double          drag_x, drag_y;     /* where a drag started, as the icon's hotspot */

  GtkWidget      *drag_handle;
  GtkWidget      *menu_button;
  GtkWidget      *width_row;
  GtkSpinButton  *width_spin;
  GtkToggleButton *infinite_toggle;
  GtkWidget      *weight_var_row;
  GtkRange       *weight_var_scale;
  GtkLabel       *weight_var_label;
  GtkWidget      *bias_var_row;
  GtkRange       *bias_var_scale;
  GtkLabel       *bias_var_label;
  AdwComboRow    *function_row;
  GtkWidget      *outputs_row;
  GtkSpinButton  *outputs_spin;
  GtkWidget      *noise_var_row;
  GtkRange       *noise_var_scale;
  GtkLabel       *noise_var_label;
};

G_DEFINE_FINAL_TYPE (KsLayerRow, ks_layer_row, ADW_TYPE_EXPANDER_ROW)

enum {
  LAYER_EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The order of the function row's list. */
static const KsLayerKind function_kinds[] = {
  KS_LAYER_RELU, KS_LAYER_ERF, KS_LAYER_TANH, KS_LAYER_GELU, KS_LAYER_IDENTITY,
};

static const char *
kind_title (KsLayerKind kind)
{
  switch (kind)
    {
    case KS_LAYER_DENSE: return _("Dense");
    case KS_LAYER_RELU: return "ReLU";
    case KS_LAYER_ERF: return "erf";
    case KS_LAYER_TANH: return "tanh";
    case KS_LAYER_GELU: return "GELU";
    case KS_LAYER_IDENTITY: return _("Identity");
    case KS_LAYER_READOUT: return _("Readout");
    default: return "?";
    }
}

static char *
describe_layer (const KsLayer *layer)
{
  g_autofree char *width = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  switch (layer->kind)
    {
    case KS_LAYER_DENSE:
      width = ks_width_format (layer->width);
      first = ks_variance_format (layer->weight_var);
      second = layer->bias_var == 0.0 ? g_strdup ("0") : ks_variance_format (layer->bias_var);
      return g_strdup_printf (_("width %s · wv %s · bv %s"), width, first, second);
    case KS_LAYER_READOUT:
      first = ks_variance_format (layer->noise_var);
      if (layer->width == 0)
        return g_strdup_printf (_("one output per class · noise %s"), first);
      return g_strdup_printf (g_dngettext (NULL, "%u output · noise %s", "%u outputs · noise %s",
                                           layer->width),
                              layer->width, first);
    case KS_LAYER_RELU: return g_strdup ("max(0, x)");
    case KS_LAYER_ERF: return g_strdup ("erf(x)");
    case KS_LAYER_TANH: return g_strdup ("tanh(x)");
    case KS_LAYER_GELU: return g_strdup ("x Φ(x)");
    case KS_LAYER_IDENTITY: return g_strdup (_("x, linear"));
    default: return g_strdup ("");
    }
}

static void
emit_edited (KsLayerRow    *self,
             const KsLayer *layer)
{
  if (self->updating == 0 && !ks_layer_equal (layer, &self->layer))
    g_signal_emit (self, signals[LAYER_EDITED], 0, layer);
}

static void
on_width_value_changed (KsLayerRow *self)
{
  KsLayer layer = self->layer;

  if (gtk_toggle_button_get_active (self->infinite_toggle))
    return;
  layer.width = (guint) gtk_spin_button_get_value_as_int (self->width_spin);
  emit_edited (self, &layer);
}

static void
on_infinite_toggled (KsLayerRow *self)
{
  KsLayer layer = self->layer;
  gboolean infinite = gtk_toggle_button_get_active (self->infinite_toggle);

  gtk_widget_set_sensitive (GTK_WIDGET (self->width_spin), !infinite);
  layer.width = infinite ? KS_WIDTH_INFINITE
                         : (guint) gtk_spin_button_get_value_as_int (self->width_spin);
  emit_edited (self, &layer);
}

static void
on_weight_var_changed (KsLayerRow *self)
{
  KsLayer layer = self->layer;

  layer.weight_var = ks_log_slider_to_value (&ks_weight_var_slider,
                                             gtk_range_get_value (self->weight_var_scale));
  emit_edited (self, &layer);
}

static void
on_bias_var_changed (KsLayerRow *self)
{
  KsLayer layer = self->layer;

  layer.bias_var = ks_log_slider_to_value (&ks_bias_var_slider,
                                           gtk_range_get_value (self->bias_var_scale));
  emit_edited (self, &layer);
}

static void
on_noise_var_changed (KsLayerRow *self)
{
  KsLayer layer = self->layer;

  layer.noise_var = ks_log_slider_to_value (&ks_noise_var_slider,
                                            gtk_range_get_value (self->noise_var_scale));
  emit_edited (self, &layer);
}

static void
on_outputs_value_changed (KsLayerRow *self)
{
  KsLayer layer = self->layer;

  layer.width = (guint) gtk_spin_button_get_value_as_int (self->outputs_spin);
  emit_edited (self, &layer);
}

/* 0 output channels means one per class of the data: the spin says "Auto". */
static gboolean
on_outputs_output (GtkSpinButton *spin,
                   gpointer       user_data)
{
  if (gtk_spin_button_get_value_as_int (spin) != 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), _("Auto"));
  return TRUE;
}

static int
on_outputs_input (GtkSpinButton *spin,
                  double        *new_value,
                  gpointer       user_data)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  guint64 value;

  if (g_ascii_strcasecmp (text, _("Auto")) == 0)
    {
      *new_value = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    return GTK_INPUT_ERROR;
  *new_value = (double) value;
  return TRUE;
}

static void
on_function_selected (KsLayerRow *self)
{
  guint selected = adw_combo_row_get_selected (self->function_row);

  if (selected < G_N_ELEMENTS (function_kinds))
    {
      KsLayer layer = ks_layer_nonlinearity (function_kinds[selected]);

      emit_edited (self, &layer);
    }
}

static void
show_variance (GtkRange          *scale,
               GtkLabel          *label,
               const KsLogSlider *slider,
               double             value)
{
  g_autofree char *text = ks_variance_format (value);

  if (ks_log_slider_to_value (slider, gtk_range_get_value (scale)) != value)
    gtk_range_set_value (scale, ks_log_slider_to_position (slider, value));
  gtk_label_set_label (label, text);
}

static void
show_spin_value (GtkSpinButton *spin,
                 guint          value)
{
  if ((guint) gtk_spin_button_get_value_as_int (spin) != value)
    gtk_spin_button_set_value (spin, value);
}

static void
show_dense (KsLayerRow    *self,
            const KsLayer *layer)
{
  gboolean infinite = layer->width == KS_WIDTH_INFINITE;

  if (!infinite)
    self->last_finite_width = layer->width;
  show_spin_value (self->width_spin, self->last_finite_width);
  gtk_toggle_button_set_active (self->infinite_toggle, infinite);
  gtk_widget_set_sensitive (GTK_WIDGET (self->width_spin), !infinite);
  show_variance (self->weight_var_scale, self->weight_var_label,
                 &ks_weight_var_slider, layer->weight_var);
  show_variance (self->bias_var_scale, self->bias_var_label,
                 &ks_bias_var_slider, layer->bias_var);
}

static void
show_nonlinearity (KsLayerRow    *self,
                   const KsLayer *layer)
{
  for (guint i = 0; i < G_N_ELEMENTS (function_kinds); i++)
    if (function_kinds[i] == layer->kind)
      adw_combo_row_set_selected (self->function_row, i);
}

static void
show_readout (KsLayerRow    *self,
              const KsLayer *layer)
{
  show_spin_value (self->outputs_spin, layer->width);
  show_variance (self->noise_var_scale, self->noise_var_label,
                 &ks_noise_var_slider, layer->noise_var);
}

static void
set_accessible_label (gpointer  widget,
                      char     *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  g_free (label);
}

/* Names that say which layer a control belongs to, for a screen reader moving through
 * many rows of identical controls. */
static void
update_accessible_labels (KsLayerRow *self)
{
  guint n = self->index + 1;

  set_accessible_label (self, g_strdup_printf (_("Layer %u, %s"), n, kind_title (self->layer.kind)));
  set_accessible_label (self->width_spin, g_strdup_printf (_("Layer %u width"), n));
  set_accessible_label (self->infinite_toggle, g_strdup_printf (_("Layer %u infinite width"), n));
  set_accessible_label (self->weight_var_scale, g_strdup_printf (_("Layer %u weight variance"), n));
  set_accessible_label (self->bias_var_scale, g_strdup_printf (_("Layer %u bias variance"), n));
  set_accessible_label (self->function_row, g_strdup_printf (_("Layer %u function"), n));
  set_accessible_label (self->outputs_spin, g_strdup (_("Readout output channels")));
  set_accessible_label (self->noise_var_scale, g_strdup (_("Readout noise variance")));
  set_accessible_label (self->menu_button, g_strdup_printf (_("Layer %u actions"), n));
}

void
ks_layer_row_set_layer (KsLayerRow    *self,
                        const KsLayer *layer)
{
  g_autofree char *summary = NULL;
  gboolean kind_changed;

  g_return_if_fail (KS_IS_LAYER_ROW (self));
  g_return_if_fail (layer != NULL);

  kind_changed = layer->kind != self->layer.kind;
  self->layer = *layer;
  self->updating++;

  if (kind_changed)
    {
      gboolean dense = layer->kind == KS_LAYER_DENSE;
      gboolean readout = layer->kind == KS_LAYER_READOUT;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), kind_title (layer->kind));
      gtk_widget_set_visible (self->width_row, dense);
      gtk_widget_set_visible (self->weight_var_row, dense);
      gtk_widget_set_visible (self->bias_var_row, dense);
      gtk_widget_set_visible (GTK_WIDGET (self->function_row),
                              ks_layer_kind_is_nonlinearity (layer->kind));
      gtk_widget_set_visible (self->outputs_row, readout);
      gtk_widget_set_visible (self->noise_var_row, readout);
      /* The readout stays last: it has nothing to drag and no actions. Its handle and
       * menu keep their space, unmapped, so its title lines up with the others. */
      gtk_widget_set_child_visible (self->drag_handle, !readout);
      gtk_widget_set_child_visible (self->menu_button, !readout);
      update_accessible_labels (self);
    }

  if (layer->kind == KS_LAYER_DENSE)
    show_dense (self, layer);
  else if (layer->kind == KS_LAYER_READOUT)
    show_readout (self, layer);
  else
    show_nonlinearity (self, layer);

  summary = describe_layer (layer);
  if (g_strcmp0 (summary, adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (self))) != 0)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), summary);

  self->updating--;
}

const KsLayer *
ks_layer_row_get_layer (KsLayerRow *self)
{
  g_return_val_if_fail (KS_IS_LAYER_ROW (self), NULL);
  return &self->layer;
}

void
ks_layer_row_set_index (KsLayerRow *self,
                        guint       index)
{
  g_return_if_fail (KS_IS_LAYER_ROW (self));

  if (self->index == index)
    return;
  self->index = index;
  update_accessible_labels (self);
}

void
ks_layer_row_set_actions_enabled (KsLayerRow *self,
                                  gboolean    can_move_up,
                                  gboolean    can_move_down,
                                  gboolean    can_duplicate,
                                  gboolean    can_remove)
{
  g_return_if_fail (KS_IS_LAYER_ROW (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.remove", can_remove);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-up", can_move_up);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.move-down", can_move_down);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.duplicate", can_duplicate);
}

/* Row actions forward to the stack editor's actions with this row's position. */
static void
forward_to_stack (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  guint index = (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (widget));
  g_autofree char *stack_action = g_strconcat ("stack.", action_name + strlen ("row."), NULL);

  gtk_widget_activate_action (widget, stack_action, "u", index);
}

static GdkContentProvider *
on_drag_prepare (KsLayerRow *self,
                 double      x,
                 double      y)
{
  if (self->layer.kind == KS_LAYER_READOUT)
    return NULL;
  self->drag_x = x;
  self->drag_y = y;
  return gdk_content_provider_new_typed (KS_TYPE_LAYER_ROW, self);
}

/* A picture of the row, on the card colour so that it reads as a row while it moves
 * (the row itself is transparent: the list draws the card). */
static GdkPaintable *
create_drag_icon (KsLayerRow *self)
{
  g_autoptr(GdkPaintable) row = gtk_widget_paintable_new (GTK_WIDGET (self));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));
  float width = (float) gtk_widget_get_width (GTK_WIDGET (self));
  float height = (float) gtk_widget_get_height (GTK_WIDGET (self));
  GskRoundedRect outline;
  GdkRGBA card;

  if (!gtk_style_context_lookup_color (style, "card_bg_color", &card))
    card = (GdkRGBA) { 1.0f, 1.0f, 1.0f, 1.0f };
  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), 12.0f);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &card, &outline.bounds);
  gdk_paintable_snapshot (row, snapshot, width, height);
  gtk_snapshot_pop (snapshot);
  return gtk_snapshot_free_to_paintable (snapshot, &GRAPHENE_SIZE_INIT (width, height));
}

/* The row's picture follows the pointer, held where it was grabbed. */
static void
on_drag_begin (KsLayerRow    *self,
               GdkDrag       *drag,
               GtkDragSource *source)
{
  g_autoptr(GdkPaintable) icon = create_drag_icon (self);

  gtk_drag_source_set_icon (source, icon, (int) self->drag_x, (int) self->drag_y);
}

static void
setup_drag_source (KsLayerRow *self)
{
  GtkDragSource *source = gtk_drag_source_new ();

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect_swapped (source, "prepare", G_CALLBACK (on_drag_prepare), self);
  g_signal_connect_object (source, "drag-begin", G_CALLBACK (on_drag_begin), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (source));
}

/* The expander's header row takes the focus: the outer row is only a container. */
static GtkWidget *
find_header (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_focusable (child))
        return child;
      if ((found = find_header (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
ks_layer_row_grab_focus (GtkWidget *widget)
{
  GtkWidget *header = find_header (widget);

  if (header == NULL)
    return GTK_WIDGET_CLASS (ks_layer_row_parent_class)->grab_focus (widget);
  return gtk_widget_grab_focus (header);
}

static void
ks_layer_row_class_init (KsLayerRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->grab_focus = ks_layer_row_grab_focus;

  /**
   * KsLayerRow::layer-edited:
   * @layer: (type gpointer): the KsLayer the person asks for
   *
   * A control of the row was changed. The row still shows its old layer until
   * ks_layer_row_set_layer () is called.
   */
  signals[LAYER_EDITED] =
    g_signal_new ("layer-edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-layer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, drag_handle);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, width_row);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, width_spin);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, infinite_toggle);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, weight_var_row);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, weight_var_scale);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, weight_var_label);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, bias_var_row);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, bias_var_scale);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, bias_var_label);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, function_row);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, outputs_row);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, outputs_spin);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, noise_var_row);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, noise_var_scale);
  gtk_widget_class_bind_template_child (widget_class, KsLayerRow, noise_var_label);
  gtk_widget_class_bind_template_callback (widget_class, on_width_value_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_infinite_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_weight_var_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_bias_var_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_noise_var_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_outputs_value_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_function_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_outputs_output);
  gtk_widget_class_bind_template_callback (widget_class, on_outputs_input);

  gtk_widget_class_install_action (widget_class, "row.move-up", NULL, forward_to_stack);
  gtk_widget_class_install_action (widget_class, "row.move-down", NULL, forward_to_stack);
  gtk_widget_class_install_action (widget_class, "row.duplicate", NULL, forward_to_stack);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, forward_to_stack);
}

static void
ks_layer_row_init (KsLayerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->last_finite_width = 64;
  /* The ranges come from the limits the core and the document enforce. */
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->width_spin), KS_WIDTH_MAX);
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->outputs_spin), KS_OUTPUTS_MAX);
  /* An impossible kind, so the first ks_layer_row_set_layer () lays the row out. */
  self->layer.kind = (KsLayerKind) -1;
  setup_drag_source (self);
}

GtkWidget *
ks_layer_row_new (const KsLayer *layer)
{
  KsLayerRow *self = g_object_new (KS_TYPE_LAYER_ROW, NULL);

  ks_layer_row_set_layer (self, layer);
  return GTK_WIDGET (self);
}
