/* ks-job-indicator.c: the header bar's "what is being computed" with a Cancel button
 *
 * A progress ring in a menu button, as GNOME Files shows its operations: it takes no more
 * room than an icon, so the view switcher beside it keeps its place while jobs come and
 * go; its popover names the stage and holds the Cancel button.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-job-indicator.h"

struct _KsJobIndicator
{
  GtkWidget        parent_instance;

  KsJobController *controller;
  GSignalGroup    *controller_signals;

  GtkRevealer     *revealer;
  GtkMenuButton   *button;
  GtkDrawingArea  *pie;
  GtkPopover      *popover;
  GtkLabel        *stage_label;
  GtkProgressBar  *progress_bar;
};

G_DEFINE_FINAL_TYPE (KsJobIndicator, ks_job_indicator, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTROLLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
ks_job_indicator_describe_stage (const char *stage)
{
  static const struct { const char *stage; const char *text; } stages[] = {
    { "starting", "Preparing the data" },
    { "nngp", "Infinite-width kernels" },
    { "samples", "Sampling finite networks" },
    { "posterior", "Training: posterior kernels" },
    { "cka", "Comparing layers (CKA)" },
    { "done", "Finishing" },
    { "cancelling", "Cancelling" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    if (g_strcmp0 (stage, stages[i].stage) == 0)
      return stages[i].text;
  return "Computing";
}

/* A ring with the done fraction filled in, in the button's text colour. */
static void
draw_pie (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  KsJobIndicator *self = user_data;
  double fraction = self->controller ? ks_job_controller_get_fraction (self->controller) : 0.0;
  double radius = MIN (width, height) / 2.0 - 1.0;
  double cx = width / 2.0, cy = height / 2.0;
  GdkRGBA color;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 1.5);
  cairo_arc (cr, cx, cy, radius, 0.0, 2.0 * G_PI);
  cairo_stroke (cr);
  if (fraction <= 0.0)
    return;
  cairo_move_to (cr, cx, cy);
  cairo_arc (cr, cx, cy, radius - 2.0, -G_PI / 2.0, -G_PI / 2.0 + 2.0 * G_PI * MIN (fraction, 1.0));
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
update (KsJobIndicator *self)
{
  gboolean busy = self->controller != NULL && ks_job_controller_get_busy (self->controller);
  const char *stage;
  g_autofree char *tooltip = NULL;

  gtk_revealer_set_reveal_child (self->revealer, busy);
  if (!busy)
    {
      gtk_popover_popdown (self->popover);
      return;
    }
  stage = ks_job_indicator_describe_stage (ks_job_controller_get_stage (self->controller));
  tooltip = g_strdup_printf ("%s: %.0f%% (Esc cancels)", stage,
                             100.0 * ks_job_controller_get_fraction (self->controller));
  gtk_label_set_label (self->stage_label, stage);
  gtk_progress_bar_set_fraction (self->progress_bar, ks_job_controller_get_fraction (self->controller));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
  gtk_widget_queue_draw (GTK_WIDGET (self->pie));
}

KsJobController *
ks_job_indicator_get_controller (KsJobIndicator *self)
{
  g_return_val_if_fail (KS_IS_JOB_INDICATOR (self), NULL);
  return self->controller;
}

void
ks_job_indicator_set_controller (KsJobIndicator  *self,
                                 KsJobController *controller)
{
  g_return_if_fail (KS_IS_JOB_INDICATOR (self));

  if (!g_set_object (&self->controller, controller))
    return;
  g_signal_group_set_target (self->controller_signals, controller);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

static void
ks_job_indicator_dispose (GObject *object)
{
  KsJobIndicator *self = KS_JOB_INDICATOR (object);

  g_clear_object (&self->controller_signals);
  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_JOB_INDICATOR);
  G_OBJECT_CLASS (ks_job_indicator_parent_class)->dispose (object);
}

static void
ks_job_indicator_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KsJobIndicator *self = KS_JOB_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER: g_value_set_object (value, self->controller); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_job_indicator_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  KsJobIndicator *self = KS_JOB_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER: ks_job_indicator_set_controller (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_job_indicator_class_init (KsJobIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_job_indicator_dispose;
  object_class->get_property = ks_job_indicator_get_property;
  object_class->set_property = ks_job_indicator_set_property;

  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, KS_TYPE_JOB_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-job-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, KsJobIndicator, revealer);
  gtk_widget_class_bind_template_child (widget_class, KsJobIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, KsJobIndicator, pie);
  gtk_widget_class_bind_template_child (widget_class, KsJobIndicator, popover);
  gtk_widget_class_bind_template_child (widget_class, KsJobIndicator, stage_label);
  gtk_widget_class_bind_template_child (widget_class, KsJobIndicator, progress_bar);
}

static void
ks_job_indicator_init (KsJobIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->pie, draw_pie, self, NULL);

  self->controller_signals = g_signal_group_new (KS_TYPE_JOB_CONTROLLER);
  g_signal_group_connect_swapped (self->controller_signals, "notify::busy",
                                  G_CALLBACK (update), self);
  g_signal_group_connect_swapped (self->controller_signals, "notify::stage",
                                  G_CALLBACK (update), self);
  g_signal_group_connect_swapped (self->controller_signals, "notify::fraction",
                                  G_CALLBACK (update), self);
}
