/* ks-stack-editor.c: the Network group of the sidebar, editing the document's layer stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Edits flow one way. A control builds a new KsStack from the one shown and sets it on the
 * document; the document notifies and the editor shows what the document holds. Rows are
 * kept and updated in place whenever possible, so a slider drag that changes one number per
 * frame does not rebuild the list: a row is added or removed only when the number of layers
 * changes, and the edits that know which row moved (remove, duplicate, move) say so before
 * they commit, so the row widget, its focus and its expanded state travel with the layer.
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-stack-editor.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ks-layer-row.h"
#include "ks-stack-presets.h"
#include "ks-stack-scale.h"

typedef enum
{
  ROW_EDIT_NONE,
  ROW_EDIT_INSERT,  /* a new row at index */
  ROW_EDIT_REMOVE,  /* the row at index goes */
  ROW_EDIT_MOVE,    /* the row at index goes to position to */
} RowEditKind;

typedef struct
{
  RowEditKind kind;
  guint       index;
  guint       to;
  KsStack    *expected;  /* the stack this edit produces */
} RowEdit;

struct _KsStackEditor
{
  GtkWidget   parent_instance;

  KsDocument *document;
  gulong      notify_handlers[3];
  KsStack    *stack;           /* what the rows show: the document's stack */
  KsStack    *depth_template;  /* the stack the depth slider repeats ... */
  KsStack    *depth_result;    /* ... as long as the stack is the one it made last */
  RowEdit     pending;
  AdwToast   *refusal_toast;   /* weak: the toast explaining the last refusal, while shown */
  guint       updating;        /* > 0 while the global sliders follow the stack */

  GtkWidget  *group;           /* the only child: unparented by gtk_widget_dispose_template */
  GtkWidget  *add_button;
  GtkListBox *layer_list;
  GtkWidget  *depth_row;
  GtkRange   *depth_scale;
  GtkLabel   *depth_label;
  GtkWidget  *width_row;
  GtkRange   *width_scale;
  GtkLabel   *width_label;
};

G_DEFINE_FINAL_TYPE (KsStackEditor, ks_stack_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Rows */

static KsLayerRow *
get_row (KsStackEditor *self,
         guint          index)
{
  return KS_LAYER_ROW (gtk_list_box_get_row_at_index (self->layer_list, (int) index));
}

static guint
count_rows (KsStackEditor *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->layer_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (KS_IS_LAYER_ROW (child))
      n++;
  return n;
}

static void commit_stack (KsStackEditor *self,
                          KsStack       *stack,
                          RowEditKind    kind,
                          guint          index,
                          guint          to);

/* Refusals */

static void
on_refusal_toast_dismissed (KsStackEditor *self)
{
  g_clear_weak_pointer (&self->refusal_toast);
}

/* A refused edit changes nothing; the person hears the bell and reads why in a toast.
 * Refusals repeated while one shows (a key held down) reuse it rather than queue more. */
static void
show_refusal (KsStackEditor *self,
              const char    *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *markup = g_markup_escape_text (message, -1);
  AdwToast *toast;

  gtk_widget_error_bell (GTK_WIDGET (self));
  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }
  if (self->refusal_toast != NULL)
    {
      adw_toast_set_title (self->refusal_toast, markup);
      return;
    }
  toast = adw_toast_new (markup);
  g_set_weak_pointer (&self->refusal_toast, toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_refusal_toast_dismissed), self,
                           G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

typedef struct
{
  KsStack *before;
  KsStack *after;
} Undo;

static void
undo_free (gpointer data)
{
  Undo *undo = data;

  ks_stack_unref (undo->before);
  ks_stack_unref (undo->after);
  g_free (undo);
}

/* Undo restores the stack only if nothing changed it since: it never discards a later
 * edit. */
static void
on_undo_clicked (KsStackEditor *self,
                 AdwToast      *toast)
{
  Undo *undo = g_object_get_data (G_OBJECT (toast), "ks-undo");

  if (undo != NULL && self->document != NULL && ks_stack_equal (self->stack, undo->after))
    commit_stack (self, undo->before, ROW_EDIT_NONE, 0, 0);
}

/* Edits that drop what the person built say so, with a way back. */
static void
show_undo_toast (KsStackEditor *self,
                 const char    *message,
                 const KsStack *before)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *markup = g_markup_escape_text (message, -1);
  AdwToast *toast;
  Undo *undo;

  if (overlay == NULL)
    return;
  toast = adw_toast_new (markup);
  undo = g_new0 (Undo, 1);
  undo->before = ks_stack_copy (before);
  undo->after = ks_stack_copy (self->stack);
  g_object_set_data_full (G_OBJECT (toast), "ks-undo", undo, undo_free);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_clicked), self,
                           G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

/* The core's messages start in lower case, to follow a colon. */
static void
show_error (KsStackEditor *self,
            const GError  *error)
{
  g_autofree char *message = g_strdup (error->message);

  message[0] = g_ascii_toupper (message[0]);
  show_refusal (self, message);
}

/* Layers shown in rows */

/* The readout's channels and noise are the document's "n-outputs" and "noise": the
 * document writes them into the readout when it builds an experiment, so the row shows
 * and edits those settings rather than the stack's copy of them. */
static KsLayer
displayed_layer (KsStackEditor *self,
                 guint          index)
{
  KsLayer layer = *ks_stack_get_layer (self->stack, index);

  if (layer.kind == KS_LAYER_READOUT && self->document != NULL)
    {
      layer.width = ks_document_get_n_outputs (self->document);
      layer.noise_var = ks_document_get_noise (self->document);
    }
  return layer;
}

static void
on_layer_edited (KsStackEditor *self,
                 const KsLayer *layer,
                 KsLayerRow    *row)
{
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(GError) error = NULL;
  guint index = (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));

  if (self->document == NULL || index >= ks_stack_get_n_layers (self->stack))
    return;

  if (layer->kind == KS_LAYER_READOUT
      && ks_stack_get_layer (self->stack, index)->kind == KS_LAYER_READOUT)
    {
      ks_document_set_n_outputs (self->document, layer->width);
      ks_document_set_noise (self->document, layer->noise_var);
      return;
    }

  stack = ks_stack_copy (self->stack);
  if (!ks_stack_replace (stack, index, layer, &error))
    {
      KsLayer shown = displayed_layer (self, index);

      g_autofree char *message = g_strdup_printf (_("Layer %u: %s"), index + 1, error->message);

      show_refusal (self, message);
      ks_layer_row_set_layer (row, &shown);
      return;
    }
  commit_stack (self, stack, ROW_EDIT_NONE, 0, 0);
}

static GtkWidget *
create_row (KsStackEditor *self,
            guint          index)
{
  KsLayer layer = displayed_layer (self, index);
  GtkWidget *row = ks_layer_row_new (&layer);

  g_signal_connect_object (row, "layer-edited", G_CALLBACK (on_layer_edited), self,
                           G_CONNECT_SWAPPED);
  return row;
}

static gboolean
stack_allows_move (const KsStack *stack,
                   guint          from,
                   guint          to)
{
  g_autoptr(KsStack) trial = ks_stack_copy (stack);

  return ks_stack_move (trial, from, to, NULL);
}

static void
update_row_actions (KsStackEditor *self,
                    KsLayerRow    *row,
                    guint          index)
{
  guint n = ks_stack_get_n_layers (self->stack);
  const KsLayer *layer = ks_stack_get_layer (self->stack, index);

  ks_layer_row_set_index (row, index);
  ks_layer_row_set_actions_enabled (row,
                                    index > 0 && stack_allows_move (self->stack, index, index - 1),
                                    index + 1 < n && stack_allows_move (self->stack, index, index + 1),
                                    layer->kind != KS_LAYER_READOUT,
                                    layer->kind != KS_LAYER_READOUT);
}

/* Applies the row operation an edit announced, if the document took that edit. */
static void
apply_row_edit (KsStackEditor *self,
                const KsStack *stack)
{
  RowEdit *edit = &self->pending;
  KsLayerRow *row;

  if (edit->kind == ROW_EDIT_NONE || !ks_stack_equal (stack, edit->expected))
    return;

  switch (edit->kind)
    {
    case ROW_EDIT_INSERT:
      gtk_list_box_insert (self->layer_list,
                           create_row (self, edit->index),
                           (int) edit->index);
      break;

    case ROW_EDIT_REMOVE:
      gtk_list_box_remove (self->layer_list, GTK_WIDGET (get_row (self, edit->index)));
      break;

    case ROW_EDIT_MOVE:
      row = g_object_ref (get_row (self, edit->index));
      gtk_list_box_remove (self->layer_list, GTK_WIDGET (row));
      gtk_list_box_insert (self->layer_list, GTK_WIDGET (row), (int) edit->to);
      g_object_unref (row);
      break;

    case ROW_EDIT_NONE:
    default:
      break;
    }
}

/* Without a precise edit, rows are added or dropped where a stack grows: at the end, or
 * just before the readout when the stack keeps one. */
static void
match_row_count (KsStackEditor *self,
                 const KsStack *stack)
{
  guint n_layers = ks_stack_get_n_layers (stack);
  guint n_rows = count_rows (self);
  gboolean keep_readout_row = n_rows > 0 && ks_stack_get_readout (stack) != NULL
                              && ks_layer_row_get_layer (get_row (self, n_rows - 1))->kind
                                 == KS_LAYER_READOUT;

  for (; n_rows > n_layers; n_rows--)
    gtk_list_box_remove (self->layer_list,
                         GTK_WIDGET (get_row (self, keep_readout_row ? n_rows - 2 : n_rows - 1)));

  for (; n_rows < n_layers; n_rows++)
    {
      guint index = keep_readout_row ? n_rows - 1 : n_rows;

      gtk_list_box_insert (self->layer_list,
                           create_row (self, index),
                           (int) index);
    }
}

static void
sync_rows (KsStackEditor *self)
{
  guint n_layers = ks_stack_get_n_layers (self->stack);

  apply_row_edit (self, self->stack);
  match_row_count (self, self->stack);

  for (guint i = 0; i < n_layers; i++)
    {
      KsLayerRow *row = get_row (self, i);
      KsLayer layer = displayed_layer (self, i);

      ks_layer_row_set_layer (row, &layer);
      update_row_actions (self, row, i);
    }
}

/* Global sliders */

static void
sync_depth (KsStackEditor *self)
{
  guint depth = ks_stack_get_depth (self->stack);
  g_autofree char *text = depth > 0 ? g_strdup_printf ("%u", depth) : g_strdup ("–");

  gtk_widget_set_sensitive (self->depth_row, depth > 0);
  if (depth > 0 && (guint) lround (gtk_range_get_value (self->depth_scale)) != depth)
    gtk_range_set_value (self->depth_scale, CLAMP (depth, KS_DEPTH_MIN, KS_DEPTH_MAX));
  gtk_label_set_label (self->depth_label, text);
}

static void
sync_width (KsStackEditor *self)
{
  g_autofree char *text = ks_stack_format_width_range (self->stack);
  guint narrowest;
  gboolean has_dense = ks_stack_get_width_range (self->stack, &narrowest, NULL);

  gtk_widget_set_sensitive (self->width_row, has_dense);
  /* The slider sits at the narrowest layer, which limits what the network can learn; it is
   * left alone while its position already stands for that width (during a drag). */
  if (has_dense && ks_width_from_slider (gtk_range_get_value (self->width_scale)) != narrowest)
    gtk_range_set_value (self->width_scale, ks_width_to_slider (narrowest));
  gtk_label_set_label (self->width_label, text);
}

static void
sync_globals (KsStackEditor *self)
{
  self->updating++;
  sync_depth (self);
  sync_width (self);
  self->updating--;
}

static void
on_depth_changed (KsStackEditor *self)
{
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(GError) error = NULL;
  guint depth = (guint) lround (gtk_range_get_value (self->depth_scale));

  if (self->updating > 0)
    return;

  /* Repeating always from the stack the drag started on makes depth reversible: going
   * from 3 to 1 and back to 3 restores the bottleneck the middle block held. */
  if (self->depth_template == NULL || self->depth_result == NULL
      || !ks_stack_equal (self->stack, self->depth_result))
    {
      g_clear_pointer (&self->depth_template, ks_stack_unref);
      self->depth_template = ks_stack_ref (self->stack);
    }

  stack = ks_stack_with_depth (self->depth_template, depth, &error);
  if (stack == NULL)
    {
      show_error (self, error);
      return;
    }
  g_clear_pointer (&self->depth_result, ks_stack_unref);
  self->depth_result = ks_stack_ref (stack);
  commit_stack (self, stack, ROW_EDIT_NONE, 0, 0);
}

static void
on_width_changed (KsStackEditor *self)
{
  g_autoptr(KsStack) stack = NULL;
  guint width = ks_width_from_slider (gtk_range_get_value (self->width_scale));
  guint narrowest, widest;

  if (self->updating > 0)
    return;
  if (!ks_stack_get_width_range (self->stack, &narrowest, &widest)
      || (narrowest == width && widest == width))
    return;

  stack = ks_stack_with_width (self->stack, width);
  commit_stack (self, stack, ROW_EDIT_NONE, 0, 0);
}

/* The document */

static void
show_stack (KsStackEditor *self,
            const KsStack *stack)
{
  if (stack != NULL && ks_stack_equal (self->stack, stack)
      && count_rows (self) == ks_stack_get_n_layers (stack))
    return;

  g_clear_pointer (&self->stack, ks_stack_unref);
  self->stack = stack != NULL ? ks_stack_copy (stack) : ks_stack_new ();
  sync_rows (self);
  sync_globals (self);
}

static void
on_document_stack_changed (KsStackEditor *self)
{
  show_stack (self, (KsStack *) ks_document_get_stack (self->document));
}

static void
on_document_readout_changed (KsStackEditor *self)
{
  guint n = ks_stack_get_n_layers (self->stack);

  if (n > 0 && count_rows (self) == n && ks_stack_get_readout (self->stack) != NULL)
    {
      KsLayer layer = displayed_layer (self, n - 1);

      ks_layer_row_set_layer (get_row (self, n - 1), &layer);
    }
}

static void
commit_stack (KsStackEditor *self,
              KsStack       *stack,
              RowEditKind    kind,
              guint          index,
              guint          to)
{
  if (self->document == NULL)
    return;

  self->pending = (RowEdit) { kind, index, to, ks_stack_ref (stack) };
  ks_document_set_stack (self->document, stack);
  g_clear_pointer (&self->pending.expected, ks_stack_unref);
  self->pending.kind = ROW_EDIT_NONE;
}



/* Edits */

static void
focus_row (KsStackEditor *self,
           guint          index)
{
  guint n = count_rows (self);

  if (n > 0)
    gtk_widget_grab_focus (GTK_WIDGET (get_row (self, MIN (index, n - 1))));
}

gboolean
ks_stack_editor_move_layer (KsStackEditor *self,
                            guint          from,
                            guint          to)
{
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  g_return_val_if_fail (KS_IS_STACK_EDITOR (self), FALSE);

  n = ks_stack_get_n_layers (self->stack);
  if (from >= n || to >= n)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }
  if (from == to)
    return TRUE;

  stack = ks_stack_copy (self->stack);
  if (!ks_stack_move (stack, from, to, &error))
    {
      /* A move fails only when it would take the readout from the end. */
      show_refusal (self, _("The readout must stay the last layer"));
      return FALSE;
    }
  commit_stack (self, stack, ROW_EDIT_MOVE, from, to);
  focus_row (self, to);
  return TRUE;
}

static void
remove_layer (KsStackEditor *self,
              guint          index)
{
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(KsStack) before = NULL;
  g_autofree char *title = NULL;
  g_autofree char *message = NULL;

  if (index >= ks_stack_get_n_layers (self->stack))
    return;
  if (ks_stack_get_layer (self->stack, index)->kind == KS_LAYER_READOUT)
    {
      show_refusal (self, _("The readout closes the network and cannot be removed"));
      return;
    }
  before = ks_stack_ref (self->stack);
  title = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (get_row (self, index))));
  stack = ks_stack_copy (self->stack);
  ks_stack_remove (stack, index);
  commit_stack (self, stack, ROW_EDIT_REMOVE, index, 0);
  focus_row (self, index);
  /* Translators: "Removed layer 3, ReLU" */
  message = g_strdup_printf (_("Removed layer %u, %s"), index + 1, title);
  show_undo_toast (self, message, before);
}

static void
duplicate_layer (KsStackEditor *self,
                 guint          index)
{
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(GError) error = NULL;

  if (index >= ks_stack_get_n_layers (self->stack))
    return;
  stack = ks_stack_copy (self->stack);
  if (!ks_stack_insert (stack, index + 1, ks_stack_get_layer (self->stack, index), &error))
    {
      show_refusal (self, _("A network has one readout, at its end"));
      return;
    }
  commit_stack (self, stack, ROW_EDIT_INSERT, index + 1, 0);
}

/* A new dense layer takes the narrowest finite width and the variances of the last dense
 * layer, so it fits the network it joins. */
static KsLayer
new_dense_layer (const KsStack *stack,
                 gboolean       infinite)
{
  KsLayer layer = ks_layer_dense (64, 1.0, 0.0);
  guint narrowest;

  for (guint i = 0; i < ks_stack_get_n_layers (stack); i++)
    if (ks_stack_get_layer (stack, i)->kind == KS_LAYER_DENSE)
      layer = *ks_stack_get_layer (stack, i);
  if (ks_stack_get_width_range (stack, &narrowest, NULL) && narrowest != KS_WIDTH_INFINITE)
    layer.width = narrowest;
  else
    layer.width = 64;
  if (infinite)
    layer.width = KS_WIDTH_INFINITE;
  return layer;
}

static void
add_layer (KsStackEditor *self,
           const char    *name)
{
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(GError) error = NULL;
  const KsLayer *readout = ks_stack_get_readout (self->stack);
  guint index = ks_stack_get_n_layers (self->stack) - (readout != NULL ? 1 : 0);
  KsLayerKind kind;
  KsLayer layer;

  if (g_str_equal (name, "dense") || g_str_equal (name, "dense-inf"))
    layer = new_dense_layer (self->stack, g_str_equal (name, "dense-inf"));
  else if (g_str_equal (name, "readout"))
    layer = ks_layer_readout (10, 0.1);
  else if (ks_layer_kind_from_string (name, &kind) && ks_layer_kind_is_nonlinearity (kind))
    layer = ks_layer_nonlinearity (kind);
  else
    {
      g_warning ("Unknown layer kind '%s'", name);
      return;
    }

  if (layer.kind == KS_LAYER_READOUT && readout != NULL)
    {
      show_refusal (self, _("The network already ends in a readout"));
      return;
    }

  stack = ks_stack_copy (self->stack);
  if (!ks_stack_insert (stack, index, &layer, &error))
    {
      show_error (self, error);
      return;
    }
  commit_stack (self, stack, ROW_EDIT_INSERT, index, 0);
}

static const char *
preset_title (KsStackPreset preset)
{
  switch (preset)
    {
    case KS_STACK_PRESET_DEEP_LINEAR: return _("Deep Linear");
    case KS_STACK_PRESET_RELU_MLP: return _("ReLU MLP");
    case KS_STACK_PRESET_BOTTLENECK: return _("Infinite Network with a Bottleneck");
    case KS_STACK_PRESET_ERF: return _("erf Network");
    default: return "";
    }
}

static void
apply_preset (KsStackEditor *self,
              const char    *name)
{
  g_autoptr(KsStack) stack = NULL;
  g_autoptr(KsStack) before = NULL;
  g_autofree char *message = NULL;
  KsStackPreset preset;

  if (!ks_stack_preset_from_string (name, &preset))
    {
      g_warning ("Unknown preset '%s'", name);
      return;
    }
  stack = ks_stack_preset_build (preset, ks_stack_get_readout (self->stack));
  if (ks_stack_equal (stack, self->stack))
    return;
  before = ks_stack_ref (self->stack);
  commit_stack (self, stack, ROW_EDIT_NONE, 0, 0);
  /* Translators: the name of a preset network, e.g. "ReLU MLP" */
  message = g_strdup_printf (_("Network replaced by “%s”"), preset_title (preset));
  show_undo_toast (self, message, before);
}

/* Actions */

static void
stack_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KsStackEditor *self = KS_STACK_EDITOR (widget);
  const char *what = action_name + strlen ("stack.");

  if (g_str_equal (what, "add-layer"))
    add_layer (self, g_variant_get_string (parameter, NULL));
  else if (g_str_equal (what, "preset"))
    apply_preset (self, g_variant_get_string (parameter, NULL));
  else
    {
      guint index = g_variant_get_uint32 (parameter);

      if (g_str_equal (what, "move-up"))
        ks_stack_editor_move_layer (self, index, index - 1);
      else if (g_str_equal (what, "move-down"))
        ks_stack_editor_move_layer (self, index, index + 1);
      else if (g_str_equal (what, "duplicate"))
        duplicate_layer (self, index);
      else if (g_str_equal (what, "remove"))
        remove_layer (self, index);
    }
}

/* The layer row holding the keyboard focus; with header_only, only when the focus is on
 * the row's header rather than on a control of its expanded part. */
static KsLayerRow *
get_focus_row (KsStackEditor *self,
               gboolean       header_only)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (KS_IS_LAYER_ROW (w))
        return gtk_widget_get_parent (w) == GTK_WIDGET (self->layer_list) ? KS_LAYER_ROW (w) : NULL;
      /* The expanded part of an expander row is in a revealer, the header is not. */
      if (header_only && GTK_IS_REVEALER (w))
        return NULL;
    }
  return NULL;
}

static gboolean
on_key_shortcut (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  KsStackEditor *self = KS_STACK_EDITOR (widget);
  const char *action = g_variant_get_string (args, NULL);
  gboolean header_only = !g_str_has_prefix (action, "move-");
  KsLayerRow *row = get_focus_row (self, header_only);
  g_autofree char *name = NULL;
  guint index;

  if (row == NULL)
    return FALSE;
  index = (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  if ((g_str_equal (action, "move-up") && index == 0)
      || (g_str_equal (action, "move-down") && index + 1 == count_rows (self)))
    {
      gtk_widget_error_bell (widget);
      return TRUE;
    }
  name = g_strconcat ("stack.", action, NULL);
  gtk_widget_activate_action (widget, name, "u", index);
  return TRUE;
}

/* Drag and drop: a row dropped on another takes that row's position. */

static GdkDragAction
on_drop_motion (KsStackEditor *self,
                double         x,
                double         y)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_y (self->layer_list, (int) y);

  if (row != NULL)
    gtk_list_box_drag_highlight_row (self->layer_list, row);
  else
    gtk_list_box_drag_unhighlight_row (self->layer_list);
  return GDK_ACTION_MOVE;
}

static void
on_drop_leave (KsStackEditor *self)
{
  gtk_list_box_drag_unhighlight_row (self->layer_list);
}

static gboolean
on_drop (KsStackEditor *self,
         const GValue  *value,
         double         x,
         double         y)
{
  GObject *source = g_value_get_object (value);
  GtkListBoxRow *target = gtk_list_box_get_row_at_y (self->layer_list, (int) y);
  guint n = count_rows (self);
  guint to;

  gtk_list_box_drag_unhighlight_row (self->layer_list);
  if (!KS_IS_LAYER_ROW (source) || gtk_widget_get_parent (GTK_WIDGET (source)) != GTK_WIDGET (self->layer_list)
      || n == 0)
    return FALSE;

  to = target != NULL ? (guint) gtk_list_box_row_get_index (target) : n - 1;
  return ks_stack_editor_move_layer (self, (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (source)), to);
}

static void
setup_drop_target (KsStackEditor *self)
{
  GtkDropTarget *target = gtk_drop_target_new (KS_TYPE_LAYER_ROW, GDK_ACTION_MOVE);

  g_signal_connect_swapped (target, "motion", G_CALLBACK (on_drop_motion), self);
  g_signal_connect_swapped (target, "leave", G_CALLBACK (on_drop_leave), self);
  g_signal_connect_swapped (target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->layer_list), GTK_EVENT_CONTROLLER (target));
}

/* GObject */

static void
disconnect_document (KsStackEditor *self)
{
  if (self->document == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->notify_handlers); i++)
    g_clear_signal_handler (&self->notify_handlers[i], self->document);
}

KsDocument *
ks_stack_editor_get_document (KsStackEditor *self)
{
  g_return_val_if_fail (KS_IS_STACK_EDITOR (self), NULL);
  return self->document;
}

void
ks_stack_editor_set_document (KsStackEditor *self,
                              KsDocument    *document)
{
  g_return_if_fail (KS_IS_STACK_EDITOR (self));
  g_return_if_fail (document == NULL || KS_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  disconnect_document (self);
  g_set_object (&self->document, document);
  g_clear_pointer (&self->depth_template, ks_stack_unref);
  g_clear_pointer (&self->depth_result, ks_stack_unref);

  if (document != NULL)
    {
      self->notify_handlers[0] =
        g_signal_connect_object (document, "notify::stack",
                                 G_CALLBACK (on_document_stack_changed), self, G_CONNECT_SWAPPED);
      self->notify_handlers[1] =
        g_signal_connect_object (document, "notify::n-outputs",
                                 G_CALLBACK (on_document_readout_changed), self, G_CONNECT_SWAPPED);
      self->notify_handlers[2] =
        g_signal_connect_object (document, "notify::noise",
                                 G_CALLBACK (on_document_readout_changed), self, G_CONNECT_SWAPPED);
      on_document_stack_changed (self);
    }
  else
    show_stack (self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

static void
ks_stack_editor_dispose (GObject *object)
{
  KsStackEditor *self = KS_STACK_EDITOR (object);

  disconnect_document (self);
  g_clear_object (&self->document);
  g_clear_weak_pointer (&self->refusal_toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_STACK_EDITOR);

  G_OBJECT_CLASS (ks_stack_editor_parent_class)->dispose (object);
}

static void
ks_stack_editor_finalize (GObject *object)
{
  KsStackEditor *self = KS_STACK_EDITOR (object);

  g_clear_pointer (&self->stack, ks_stack_unref);
  g_clear_pointer (&self->depth_template, ks_stack_unref);
  g_clear_pointer (&self->depth_result, ks_stack_unref);

  G_OBJECT_CLASS (ks_stack_editor_parent_class)->finalize (object);
}

static void
ks_stack_editor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KsStackEditor *self = KS_STACK_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_stack_editor_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KsStackEditor *self = KS_STACK_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      ks_stack_editor_set_document (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_key_binding (GtkWidgetClass  *widget_class,
                 guint            keyval,
                 GdkModifierType  modifiers,
                 const char      *action)
{
  gtk_widget_class_add_binding (widget_class, keyval, modifiers, on_key_shortcut, "s", action);
}

static void
ks_stack_editor_class_init (KsStackEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_stack_editor_dispose;
  object_class->finalize = ks_stack_editor_finalize;
  object_class->get_property = ks_stack_editor_get_property;
  object_class->set_property = ks_stack_editor_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, KS_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY
                         | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-stack-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, KsStackEditor, group);
  gtk_widget_class_bind_template_child (widget_class, KsStackEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, KsStackEditor, layer_list);
  gtk_widget_class_bind_template_child (widget_class, KsStackEditor, depth_row);
  gtk_widget_class_bind_template_child (widget_class, KsStackEditor, depth_scale);
  gtk_widget_class_bind_template_child (widget_class, KsStackEditor, depth_label);
  gtk_widget_class_bind_template_child (widget_class, KsStackEditor, width_row);
  gtk_widget_class_bind_template_child (widget_class, KsStackEditor, width_scale);
  gtk_widget_class_bind_template_child (widget_class, KsStackEditor, width_label);
  gtk_widget_class_bind_template_callback (widget_class, on_depth_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_width_changed);

  gtk_widget_class_install_action (widget_class, "stack.add-layer", "s", stack_action);
  gtk_widget_class_install_action (widget_class, "stack.preset", "s", stack_action);
  gtk_widget_class_install_action (widget_class, "stack.move-up", "u", stack_action);
  gtk_widget_class_install_action (widget_class, "stack.move-down", "u", stack_action);
  gtk_widget_class_install_action (widget_class, "stack.duplicate", "u", stack_action);
  gtk_widget_class_install_action (widget_class, "stack.remove", "u", stack_action);

  add_key_binding (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "move-up");
  add_key_binding (widget_class, GDK_KEY_KP_Up, GDK_ALT_MASK, "move-up");
  add_key_binding (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "move-down");
  add_key_binding (widget_class, GDK_KEY_KP_Down, GDK_ALT_MASK, "move-down");
  add_key_binding (widget_class, GDK_KEY_Delete, 0, "remove");
  add_key_binding (widget_class, GDK_KEY_KP_Delete, 0, "remove");
  add_key_binding (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "duplicate");

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (KS_TYPE_LAYER_ROW);
}

static void
ks_stack_editor_init (KsStackEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->stack = ks_stack_new ();
  setup_drop_target (self);
}

GtkWidget *
ks_stack_editor_new (KsDocument *document)
{
  return g_object_new (KS_TYPE_STACK_EDITOR, "document", document, NULL);
}
