/* ks-sweep-view.c: a tab whose figure needs a computation of its own (Spread, Evidence,
 * Predictions)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-sweep-view.h"

#include "ks-view-style.h"

/* A line plot stretched across a wide screen reads worse, its labels far from the
 * data: beyond this many pixels it is centred instead. */
#define MAX_FIGURE_WIDTH 1100

typedef struct
{
  KsDocument    *document;
  KsSweepRunner *runner;
  /* The settings changed since the last request (made only while on screen). */
  gboolean       dirty;
  char          *requested_key;
  char          *shown_key;
  char          *failure;       /* why the settings allow no sweep, or why it failed */

  GtkStack      *page_stack;
  KsFigureArea  *area;
  AdwStatusPage *computing_page;
  AdwStatusPage *failed_page;
  GtkProgressBar *progress_bar;
  GtkProgressBar *update_bar;
  GtkLabel      *status_label;
} KsSweepViewPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (KsSweepView, ks_sweep_view, GTK_TYPE_WIDGET)

static void
update_page (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);
  gboolean busy = ks_sweep_runner_get_busy (priv->runner);
  KsFigureAreaState state = ks_figure_area_get_state (priv->area);
  const char *page;

  if (priv->failure != NULL)
    {
      adw_status_page_set_description (priv->failed_page, priv->failure);
      page = "failed";
    }
  else if (state == KS_FIGURE_AREA_FAILED)
    {
      adw_status_page_set_description (priv->failed_page, ks_figure_area_get_error (priv->area));
      page = "failed";
    }
  else if (state != KS_FIGURE_AREA_EMPTY)
    page = "figure";
  else if (busy)
    page = "computing";
  else
    page = "waiting";
  gtk_stack_set_visible_child_name (priv->page_stack, page);
  gtk_widget_set_visible (GTK_WIDGET (priv->update_bar), busy && g_str_equal (page, "figure"));
}

static void
update_status (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);
  const char *readout = ks_figure_area_get_readout (priv->area);
  gboolean hint = *readout == '\0';

  gtk_label_set_label (priv->status_label, hint ? KS_SWEEP_VIEW_GET_CLASS (self)->hint : readout);
  if (hint)
    gtk_widget_add_css_class (GTK_WIDGET (priv->status_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (priv->status_label), "dim-label");
}

static void
set_failure (KsSweepView *self,
             const char  *failure)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  g_free (priv->failure);
  priv->failure = g_strdup (failure);
  update_page (self);
}

/* Requests the sweep of the current settings, unless it is the one shown or running. */
static void
refresh (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);
  KsSweepViewClass *klass = KS_SWEEP_VIEW_GET_CLASS (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  gpointer input;

  if (priv->document == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  priv->dirty = FALSE;
  input = klass->make_input (self, priv->document, &key, &error);
  if (input == NULL)
    {
      ks_sweep_runner_cancel (priv->runner);
      g_clear_pointer (&priv->requested_key, g_free);
      set_failure (self, error ? error->message : NULL);
      return;
    }
  if (g_strcmp0 (key, priv->requested_key) == 0)
    {
      klass->free_input (input);
      set_failure (self, NULL);
      return;
    }
  g_free (priv->requested_key);
  priv->requested_key = g_steal_pointer (&key);
  set_failure (self, NULL);
  ks_sweep_runner_run (priv->runner, klass->run, input, klass->free_input, klass->free_output);
  update_page (self);
}

static void
on_document_changed (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  priv->dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self);
  else if (ks_sweep_runner_get_busy (priv->runner))
    {
      /* Computing for settings that are gone: stop, and start over once on screen. */
      ks_sweep_runner_cancel (priv->runner);
      g_clear_pointer (&priv->requested_key, g_free);
    }
}

static void
apply_style (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);
  KsFigureStyle style;

  ks_view_style_init (&style, priv->document);
  ks_figure_area_set_style (priv->area, &style);
}

static void
on_finished (KsSweepView *self,
             gpointer     output)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);
  KsSweepViewClass *klass = KS_SWEEP_VIEW_GET_CLASS (self);

  g_free (priv->shown_key);
  priv->shown_key = g_strdup (priv->requested_key);
  ks_figure_area_set_source (priv->area, klass->ref_output (output), klass->free_output);
  update_page (self);
}

static void
on_failed (KsSweepView  *self,
           const GError *error)
{
  set_failure (self, error->message);
}

static void
on_fraction_changed (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);
  double fraction = ks_sweep_runner_get_fraction (priv->runner);

  gtk_progress_bar_set_fraction (priv->progress_bar, fraction);
  gtk_progress_bar_set_fraction (priv->update_bar, fraction);
}

void
ks_sweep_view_set_document (KsSweepView *self,
                            KsDocument  *document)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  g_return_if_fail (KS_IS_SWEEP_VIEW (self));

  if (priv->document != NULL)
    g_signal_handlers_disconnect_by_data (priv->document, self);
  g_set_object (&priv->document, document);
  if (document != NULL)
    {
      g_signal_connect_swapped (document, "changed", G_CALLBACK (on_document_changed), self);
      g_signal_connect_swapped (document, "notify::colormap", G_CALLBACK (apply_style), self);
    }
  apply_style (self);
  on_document_changed (self);
}

KsDocument *
ks_sweep_view_get_document (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  g_return_val_if_fail (KS_IS_SWEEP_VIEW (self), NULL);
  return priv->document;
}

KsFigureArea *
ks_sweep_view_get_area (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  g_return_val_if_fail (KS_IS_SWEEP_VIEW (self), NULL);
  return priv->area;
}

KsSweepRunner *
ks_sweep_view_get_runner (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  g_return_val_if_fail (KS_IS_SWEEP_VIEW (self), NULL);
  return priv->runner;
}

const char *
ks_sweep_view_get_shown_key (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  g_return_val_if_fail (KS_IS_SWEEP_VIEW (self), NULL);
  return priv->shown_key;
}

const char *
ks_sweep_view_get_page (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  g_return_val_if_fail (KS_IS_SWEEP_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (priv->page_stack);
}

const char *
ks_sweep_view_get_status (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  g_return_val_if_fail (KS_IS_SWEEP_VIEW (self), NULL);
  return gtk_label_get_label (priv->status_label);
}

static void
ks_sweep_view_map (GtkWidget *widget)
{
  KsSweepView *self = KS_SWEEP_VIEW (widget);
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  GTK_WIDGET_CLASS (ks_sweep_view_parent_class)->map (widget);
  if (priv->dirty)
    refresh (self);
}

static void
ks_sweep_view_dispose (GObject *object)
{
  KsSweepView *self = KS_SWEEP_VIEW (object);
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);
  GtkWidget *child;

  if (priv->document != NULL)
    g_signal_handlers_disconnect_by_data (priv->document, self);
  g_clear_object (&priv->document);
  if (priv->runner != NULL)
    {
      g_signal_handlers_disconnect_by_data (priv->runner, self);
      ks_sweep_runner_cancel (priv->runner);
    }
  g_clear_object (&priv->runner);
  /* Not gtk_widget_dispose_template (): GTK 4.8 looks for the template of the instance's
   * own class, which a subclass without one lacks. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ks_sweep_view_parent_class)->dispose (object);
}

static void
ks_sweep_view_finalize (GObject *object)
{
  KsSweepView *self = KS_SWEEP_VIEW (object);
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  g_free (priv->requested_key);
  g_free (priv->shown_key);
  g_free (priv->failure);
  G_OBJECT_CLASS (ks_sweep_view_parent_class)->finalize (object);
}

/* The subclass's settings: in instance_init, the class seen is still this one's. */
static void
ks_sweep_view_constructed (GObject *object)
{
  KsSweepView *self = KS_SWEEP_VIEW (object);
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);
  KsSweepViewClass *klass = KS_SWEEP_VIEW_GET_CLASS (self);

  G_OBJECT_CLASS (ks_sweep_view_parent_class)->constructed (object);

  ks_figure_area_set_funcs (priv->area, klass->figure_funcs);
  adw_status_page_set_title (priv->computing_page, klass->computing_title);
  adw_status_page_set_description (priv->computing_page, klass->computing_description);
  update_status (self);
  update_page (self);
}

static void
ks_sweep_view_class_init (KsSweepViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_sweep_view_dispose;
  object_class->finalize = ks_sweep_view_finalize;
  object_class->constructed = ks_sweep_view_constructed;
  widget_class->map = ks_sweep_view_map;

  g_type_ensure (KS_TYPE_FIGURE_AREA);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-sweep-view.ui");
  gtk_widget_class_bind_template_child_private (widget_class, KsSweepView, page_stack);
  gtk_widget_class_bind_template_child_private (widget_class, KsSweepView, area);
  gtk_widget_class_bind_template_child_private (widget_class, KsSweepView, computing_page);
  gtk_widget_class_bind_template_child_private (widget_class, KsSweepView, failed_page);
  gtk_widget_class_bind_template_child_private (widget_class, KsSweepView, progress_bar);
  gtk_widget_class_bind_template_child_private (widget_class, KsSweepView, update_bar);
  gtk_widget_class_bind_template_child_private (widget_class, KsSweepView, status_label);
}

static void
ks_sweep_view_init (KsSweepView *self)
{
  KsSweepViewPrivate *priv = ks_sweep_view_get_instance_private (self);

  gtk_widget_init_template (GTK_WIDGET (self));

  priv->runner = ks_sweep_runner_new ();
  priv->dirty = TRUE;
  ks_figure_area_set_max_width (priv->area, MAX_FIGURE_WIDTH);
  apply_style (self);

  g_signal_connect_swapped (priv->runner, "finished", G_CALLBACK (on_finished), self);
  g_signal_connect_swapped (priv->runner, "failed", G_CALLBACK (on_failed), self);
  g_signal_connect_swapped (priv->runner, "notify::busy", G_CALLBACK (update_page), self);
  g_signal_connect_swapped (priv->runner, "notify::fraction", G_CALLBACK (on_fraction_changed), self);
  g_signal_connect_swapped (priv->area, "notify::state", G_CALLBACK (update_page), self);
  g_signal_connect_swapped (priv->area, "notify::readout", G_CALLBACK (update_status), self);
}
