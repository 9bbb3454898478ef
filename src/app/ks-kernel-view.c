/* ks-kernel-view.c: the Kernels tab: every layer's kernels as heatmaps, or as numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-kernel-view.h"

#include "ks-boxed.h"
#include "ks-figure-kernels.h"
#include "ks-figure-private.h"
#include "ks-kernel-panel-figure.h"
#include "ks-result-summary.h"
#include "ks-view-style.h"

/* Below this many pixels per layer column the grid scrolls sideways instead of
 * shrinking further; the extra room is for the row headings and the colour bar. */
#define MIN_COLUMN_WIDTH 64
#define GRID_EXTRA_WIDTH 170
#define MIN_GRID_HEIGHT 280

#define GRID_HINT "Point at a heatmap to read its entries; click a panel to enlarge it."
#define PANEL_HINT "Point at the heatmap to read its entries; Escape returns to every layer."

struct _KsKernelView
{
  GtkWidget        parent_instance;

  KsDocument      *document;
  KsResult        *result;
  gboolean         per_panel_ranges;
  char            *page;            /* "heatmaps" or "table" */
  gboolean         enlarged;
  KsKernelKind     enlarged_kind;
  guint            enlarged_layer;

  GtkStack        *page_stack;
  KsFigureArea    *grid_area;
  KsFigureArea    *panel_area;
  GtkLabel        *panel_title;
  GtkWidget       *back_button;
  KsResultSummary *result_summary;
  AdwStatusPage   *failed_page;
  GtkLabel        *readout_label;
  GtkWidget       *ranges_button;
};

G_DEFINE_FINAL_TYPE (KsKernelView, ks_kernel_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PER_PANEL_RANGES,
  PROP_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the figure ---- */

static gpointer
kernels_build (gpointer             source,
               const KsFigureStyle *style,
               const KsPlotTheme   *theme,
               GError             **error)
{
  return ks_figure_kernels_new (source, style, theme, error);
}

static void
kernels_free (gpointer figure)
{
  ks_figure_kernels_free (figure);
}

static double
kernels_preferred_height (gpointer figure,
                          double   width)
{
  return ks_figure_kernels_preferred_height (figure, width);
}

static void
kernels_draw (gpointer  figure,
              cairo_t  *cr,
              double    width,
              double    height)
{
  ks_figure_kernels_draw (figure, cr, width, height);
}

static gboolean
kernels_hit (gpointer     figure,
             double       width,
             double       height,
             double       x,
             double       y,
             KsFigureHit *hit)
{
  return ks_figure_kernels_hit (figure, width, height, x, y, hit);
}

const KsFigureFuncs ks_kernels_figure_funcs = {
  .build = kernels_build,
  .free = kernels_free,
  .preferred_height = kernels_preferred_height,
  .draw = kernels_draw,
  .hit = kernels_hit,
};

/* ---- what is shown ---- */

static KsFigureArea *
visible_area (KsKernelView *self)
{
  return self->enlarged ? self->panel_area : self->grid_area;
}

static void
update_status (KsKernelView *self)
{
  const char *readout = ks_figure_area_get_readout (visible_area (self));
  gboolean hint = *readout == '\0';

  /* The table says everything itself; the line stays, empty, so the buttons keep their
   * place. */
  if (g_strcmp0 (self->page, "table") == 0)
    gtk_label_set_label (self->readout_label, "");
  else
    gtk_label_set_label (self->readout_label,
                         hint ? (self->enlarged ? PANEL_HINT : GRID_HINT) : readout);
  if (hint)
    gtk_widget_add_css_class (GTK_WIDGET (self->readout_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->readout_label), "dim-label");
}

static void
update_page (KsKernelView *self)
{
  KsFigureArea *area = visible_area (self);
  gboolean table = g_strcmp0 (self->page, "table") == 0;
  const char *name;

  if (table)
    name = "table";
  else if (ks_figure_area_get_state (area) == KS_FIGURE_AREA_FAILED)
    {
      adw_status_page_set_description (self->failed_page, ks_figure_area_get_error (area));
      name = "failed";
    }
  else
    name = self->enlarged ? "panel" : "grid";
  gtk_stack_set_visible_child_name (self->page_stack, name);
  gtk_widget_set_visible (self->ranges_button, !table);
  update_status (self);
}

static void
apply_style (KsKernelView *self)
{
  KsFigureStyle style;

  ks_view_style_init (&style, self->document);
  style.ranges = self->per_panel_ranges ? KS_FIGURE_RANGES_PANEL : KS_FIGURE_RANGES_ROW;
  ks_figure_area_set_style (self->grid_area, &style);
  ks_figure_area_set_style (self->panel_area, &style);
}

/* Enough width per column that the heatmaps stay readable; narrower windows scroll. */
static void
update_min_size (KsKernelView *self)
{
  guint layers[KS_FIGURE_MAX_AUTO_LAYERS];
  guint n_columns = self->result ? ks_figure_choose_layers (ks_result_get_n_layers (self->result), layers) : 1;

  ks_figure_area_set_min_size (self->grid_area, n_columns * MIN_COLUMN_WIDTH + GRID_EXTRA_WIDTH,
                               MIN_GRID_HEIGHT);
}

static void
show_enlarged_panel (KsKernelView *self)
{
  g_autofree char *layer = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *title = NULL;

  if (!self->enlarged || self->result == NULL)
    return;
  layer = ks_figure_layer_heading (ks_result_get_stack (self->result), self->enlarged_layer);
  kind = ks_figure_kind_heading (self->enlarged_kind, ks_result_get_n_samples_done (self->result));
  title = g_strdup_printf ("Layer %s · %s", layer, kind);
  gtk_label_set_label (self->panel_title, title);
  ks_figure_area_set_source (self->panel_area,
                             ks_kernel_panel_new (self->result, self->enlarged_kind,
                                                  self->enlarged_layer),
                             (GDestroyNotify) ks_kernel_panel_unref);
}

void
ks_kernel_view_enlarge (KsKernelView *self,
                        KsKernelKind  kind,
                        guint         layer)
{
  g_return_if_fail (KS_IS_KERNEL_VIEW (self));

  if (self->result == NULL || layer >= ks_result_get_n_layers (self->result))
    return;
  self->enlarged = TRUE;
  self->enlarged_kind = kind;
  self->enlarged_layer = layer;
  show_enlarged_panel (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kernel-view.back", TRUE);
  update_page (self);
  /* Keyboard users land on the way back. */
  gtk_widget_grab_focus (self->back_button);
}

static void
show_grid (KsKernelView *self)
{
  if (!self->enlarged)
    return;
  self->enlarged = FALSE;
  ks_figure_area_set_source (self->panel_area, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kernel-view.back", FALSE);
  update_page (self);
}

/* ---- signals ---- */

/* What a click hit: the grid's row and column in, the kind and layer they show out. */
typedef struct
{
  const KsFigureHit *hit;
  KsKernelKind       kind;
  guint              layer;
} PanelLookup;

static void
look_up_panel (gpointer figure,
               double   width,
               double   height,
               gpointer user_data)
{
  PanelLookup *lookup = user_data;

  lookup->kind = ks_figure_kernels_get_row_kind (figure, lookup->hit->row);
  lookup->layer = ks_figure_kernels_get_column_layer (figure, lookup->hit->column);
}

static void
on_grid_clicked (KsKernelView *self,
                 KsFigureHit  *hit)
{
  PanelLookup lookup = { .hit = hit };

  if (ks_figure_area_with_figure (self->grid_area, look_up_panel, &lookup))
    ks_kernel_view_enlarge (self, lookup.kind, lookup.layer);
}

static void
on_colormap_changed (KsKernelView *self)
{
  apply_style (self);
}

static gboolean
on_escape (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  KsKernelView *self = KS_KERNEL_VIEW (widget);

  /* Only while a panel is enlarged on screen: otherwise Escape keeps its window-wide
   * meaning (cancel the computation). */
  if (!self->enlarged || !gtk_widget_get_mapped (widget))
    return FALSE;
  show_grid (self);
  return TRUE;
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_grid (KS_KERNEL_VIEW (widget));
}

/* ---- public ---- */

void
ks_kernel_view_set_document (KsKernelView *self,
                             KsDocument   *document)
{
  g_return_if_fail (KS_IS_KERNEL_VIEW (self));

  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_set_object (&self->document, document);
  if (document != NULL)
    g_signal_connect_swapped (document, "notify::colormap", G_CALLBACK (on_colormap_changed), self);
  apply_style (self);
}

/* A later result of the same computation: same network, data and points, more samples.
 * Anything else comes from new settings. */
static gboolean
is_refinement (KsResult *older,
               KsResult *newer)
{
  return older != NULL && newer != NULL &&
         ks_result_get_dataset (older) == ks_result_get_dataset (newer) &&
         ks_stack_equal (ks_result_get_stack (older), ks_result_get_stack (newer)) &&
         ks_result_get_n_samples_done (newer) >= ks_result_get_n_samples_done (older);
}

void
ks_kernel_view_set_result (KsKernelView *self,
                           KsResult     *result)
{
  g_return_if_fail (KS_IS_KERNEL_VIEW (self));

  if (result == self->result)
    return;
  /* New settings make the drawing of the old ones worthless; a refinement does not. */
  if (!is_refinement (self->result, result))
    {
      ks_figure_area_drop_drawing (self->grid_area);
      ks_figure_area_drop_drawing (self->panel_area);
    }
  g_clear_pointer (&self->result, ks_result_unref);
  self->result = result ? ks_result_ref (result) : NULL;
  ks_figure_area_set_source (self->grid_area, result ? ks_result_ref (result) : NULL,
                             (GDestroyNotify) ks_result_unref);
  if (self->enlarged && result != NULL)
    show_enlarged_panel (self);
  else if (result == NULL)
    show_grid (self);
  ks_result_summary_set_result (self->result_summary, result);
  update_min_size (self);
}

KsResult *
ks_kernel_view_get_result (KsKernelView *self)
{
  g_return_val_if_fail (KS_IS_KERNEL_VIEW (self), NULL);
  return self->result;
}

gboolean
ks_kernel_view_is_enlarged (KsKernelView *self)
{
  g_return_val_if_fail (KS_IS_KERNEL_VIEW (self), FALSE);
  return self->enlarged;
}

gboolean
ks_kernel_view_get_per_panel_ranges (KsKernelView *self)
{
  g_return_val_if_fail (KS_IS_KERNEL_VIEW (self), FALSE);
  return self->per_panel_ranges;
}

void
ks_kernel_view_set_per_panel_ranges (KsKernelView *self,
                                     gboolean      per_panel)
{
  g_return_if_fail (KS_IS_KERNEL_VIEW (self));

  per_panel = !!per_panel;
  if (per_panel == self->per_panel_ranges)
    return;
  self->per_panel_ranges = per_panel;
  apply_style (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PER_PANEL_RANGES]);
}

static void
set_page (KsKernelView *self,
          const char   *page)
{
  if (g_strcmp0 (page, self->page) == 0)
    return;
  if (g_strcmp0 (page, "table") != 0 && g_strcmp0 (page, "heatmaps") != 0)
    {
      g_warning ("The Kernels tab has no page “%s”", page);
      return;
    }
  g_free (self->page);
  self->page = g_strdup (page);
  update_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

KsFigureArea *
ks_kernel_view_get_grid_area (KsKernelView *self)
{
  g_return_val_if_fail (KS_IS_KERNEL_VIEW (self), NULL);
  return self->grid_area;
}

KsFigureArea *
ks_kernel_view_get_panel_area (KsKernelView *self)
{
  g_return_val_if_fail (KS_IS_KERNEL_VIEW (self), NULL);
  return self->panel_area;
}

KsFigureArea *
ks_kernel_view_get_visible_area (KsKernelView *self)
{
  g_return_val_if_fail (KS_IS_KERNEL_VIEW (self), NULL);
  return visible_area (self);
}

const char *
ks_kernel_view_get_status (KsKernelView *self)
{
  g_return_val_if_fail (KS_IS_KERNEL_VIEW (self), NULL);
  return gtk_label_get_label (self->readout_label);
}

/* ---- GObject ---- */

static void
ks_kernel_view_dispose (GObject *object)
{
  KsKernelView *self = KS_KERNEL_VIEW (object);
  GtkWidget *child;

  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);
  g_clear_pointer (&self->result, ks_result_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_KERNEL_VIEW);
  /* The template's outer box is not bound to a field, so it is not unparented above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ks_kernel_view_parent_class)->dispose (object);
}

static void
ks_kernel_view_finalize (GObject *object)
{
  KsKernelView *self = KS_KERNEL_VIEW (object);

  g_free (self->page);
  G_OBJECT_CLASS (ks_kernel_view_parent_class)->finalize (object);
}

static void
ks_kernel_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KsKernelView *self = KS_KERNEL_VIEW (object);

  switch (prop_id)
    {
    case PROP_PER_PANEL_RANGES: g_value_set_boolean (value, self->per_panel_ranges); break;
    case PROP_PAGE: g_value_set_string (value, self->page); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_kernel_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KsKernelView *self = KS_KERNEL_VIEW (object);

  switch (prop_id)
    {
    case PROP_PER_PANEL_RANGES: ks_kernel_view_set_per_panel_ranges (self, g_value_get_boolean (value)); break;
    case PROP_PAGE: set_page (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_kernel_view_class_init (KsKernelViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_kernel_view_dispose;
  object_class->finalize = ks_kernel_view_finalize;
  object_class->get_property = ks_kernel_view_get_property;
  object_class->set_property = ks_kernel_view_set_property;

  properties[PROP_PER_PANEL_RANGES] =
    g_param_spec_boolean ("per-panel-ranges", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE] =
    g_param_spec_string ("page", NULL, NULL, "heatmaps",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KS_TYPE_FIGURE_AREA);
  g_type_ensure (KS_TYPE_RESULT_SUMMARY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-kernel-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KsKernelView, page_stack);
  gtk_widget_class_bind_template_child (widget_class, KsKernelView, grid_area);
  gtk_widget_class_bind_template_child (widget_class, KsKernelView, panel_area);
  gtk_widget_class_bind_template_child (widget_class, KsKernelView, panel_title);
  gtk_widget_class_bind_template_child (widget_class, KsKernelView, back_button);
  gtk_widget_class_bind_template_child (widget_class, KsKernelView, result_summary);
  gtk_widget_class_bind_template_child (widget_class, KsKernelView, failed_page);
  gtk_widget_class_bind_template_child (widget_class, KsKernelView, readout_label);
  gtk_widget_class_bind_template_child (widget_class, KsKernelView, ranges_button);

  gtk_widget_class_install_action (widget_class, "kernel-view.back", NULL, back_action);
  gtk_widget_class_install_property_action (widget_class, "kernel-view.per-panel-ranges", "per-panel-ranges");
  gtk_widget_class_install_property_action (widget_class, "kernel-view.page", "page");
}

/* Escape is the window's key for Cancel; a panel on screen takes it first. Handled by
 * the window in the capture phase, before the window's own binding sees it. */
static void
add_escape_shortcut (KsKernelView *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                            gtk_callback_action_new (on_escape, NULL, NULL));

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
  gtk_event_controller_set_name (controller, "kernel-view-escape");
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
ks_kernel_view_init (KsKernelView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->page = g_strdup ("heatmaps");
  ks_figure_area_set_funcs (self->grid_area, &ks_kernels_figure_funcs);
  ks_figure_area_set_funcs (self->panel_area, &ks_kernel_panel_figure_funcs);
  ks_figure_area_set_panel_cursor (self->grid_area, "zoom-in");
  /* Right under the line that says what it shows; the room left goes below. */
  ks_figure_area_set_yalign (self->grid_area, 0.0f);
  apply_style (self);
  update_min_size (self);

  g_signal_connect_swapped (self->grid_area, "clicked", G_CALLBACK (on_grid_clicked), self);
  g_signal_connect_swapped (self->grid_area, "notify::readout", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->panel_area, "notify::readout", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->grid_area, "notify::state", G_CALLBACK (update_page), self);
  g_signal_connect_swapped (self->panel_area, "notify::state", G_CALLBACK (update_page), self);
  add_escape_shortcut (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kernel-view.back", FALSE);
  update_page (self);
}
