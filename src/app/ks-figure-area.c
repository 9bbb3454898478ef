/* ks-figure-area.c: a widget showing one of libks-plot's figures, drawn off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-figure-area.h"

#include <math.h>

#include "ks-plot-types.h"

/* What the figure is drawn from, shared with the workers drawing it. */
typedef struct
{
  gpointer       data;
  GDestroyNotify destroy;
} Source;

static void
source_clear (Source *source)
{
  if (source->destroy != NULL)
    source->destroy (source->data);
}

static Source *
source_new (gpointer       data,
            GDestroyNotify destroy)
{
  Source *source = g_atomic_rc_box_new0 (Source);

  source->data = data;
  source->destroy = destroy;
  return source;
}

static void
source_unref (Source *source)
{
  g_atomic_rc_box_release_full (source, (GDestroyNotify) source_clear);
}

/* A built figure and the lock that keeps it to one thread at a time. */
typedef struct
{
  GMutex         lock;
  gpointer       figure;
  GDestroyNotify free;
  guint64        serial;   /* of the source, style and theme it was built from */
} Holder;

static void
holder_clear (Holder *holder)
{
  holder->free (holder->figure);
  g_mutex_clear (&holder->lock);
}

static Holder *
holder_new (gpointer       figure,
            GDestroyNotify free_func,
            guint64        serial)
{
  Holder *holder = g_atomic_rc_box_new0 (Holder);

  g_mutex_init (&holder->lock);
  holder->figure = figure;
  holder->free = free_func;
  holder->serial = serial;
  return holder;
}

static void
holder_unref (Holder *holder)
{
  g_atomic_rc_box_release_full (holder, (GDestroyNotify) holder_clear);
}

/* The area's size a drawing was made for, in pixels. */
typedef struct
{
  int width;
  int height;
  int max_width;
  int scale;
} Frame;

static gboolean
frame_equal (const Frame *a,
             const Frame *b)
{
  return a->width == b->width && a->height == b->height &&
         a->max_width == b->max_width && a->scale == b->scale;
}

struct _KsFigureArea
{
  GtkWidget            parent_instance;

  const KsFigureFuncs *funcs;
  Source              *source;
  KsFigureStyle        style;
  guint               *layers;        /* style.layers, owned */
  /* Bumped by every change of source, style or theme: what a drawing is current for. */
  guint64              serial;
  int                  min_width;
  int                  min_height;
  int                  max_width;
  float                yalign;
  char                *panel_cursor;

  /* The figure on screen, the image drawn of it and what that image was made for. */
  Holder              *holder;
  GdkTexture          *texture;
  Source              *texture_source;  /* what the image was drawn from */
  guint64              texture_serial;
  Frame                texture_frame;
  int                  texture_width;   /* pixels, as laid out */
  int                  texture_height;

  gboolean             drawing;
  GCancellable        *drawing_cancellable;
  gboolean             disposed;
  guint64              failed_serial;   /* 0: none */
  char                *error;
  KsFigureAreaState    state;

  gboolean             hovering;
  KsFigureHit          hover;
  char                *readout;
};

G_DEFINE_FINAL_TYPE (KsFigureArea, ks_figure_area, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATE,
  PROP_READOUT,
  N_PROPS
};

enum {
  SIGNAL_CLICKED,
  SIGNAL_DRAWN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void maybe_draw (KsFigureArea *self);

/* ---- state ---- */

static void
update_state (KsFigureArea *self)
{
  KsFigureAreaState state;

  if (self->source == NULL)
    state = KS_FIGURE_AREA_EMPTY;
  else if (self->failed_serial == self->serial)
    state = KS_FIGURE_AREA_FAILED;
  else if (self->texture != NULL)
    state = KS_FIGURE_AREA_READY;
  else
    state = KS_FIGURE_AREA_DRAWING;
  if (state == self->state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_readout (KsFigureArea *self,
             const char   *readout)
{
  if (g_strcmp0 (self->readout, readout) == 0)
    return;
  g_free (self->readout);
  self->readout = g_strdup (readout);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READOUT]);
}

static void
clear_hover (KsFigureArea *self)
{
  if (self->hovering)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  self->hovering = FALSE;
  set_readout (self, "");
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

/* The content changed: what is on screen is no longer current. */
static void
content_changed (KsFigureArea *self)
{
  self->serial++;
  update_state (self);
  maybe_draw (self);
}

/* Text of figures on screen, in points: beside the window's 11-point text, the
 * screen theme's 9 points read as small print. */
#define SCREEN_FONT_SIZE 10.0

/* The screen theme of the desktop's style, on a clear background: the figure then sits
 * on the tab's own background, whatever its shade. */
static KsPlotTheme *
screen_theme (void)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  KsPlotTheme *theme = ks_plot_theme_new (dark ? KS_PLOT_THEME_SCREEN_DARK : KS_PLOT_THEME_SCREEN_LIGHT);

  theme->background.alpha = 0.0;
  ks_plot_theme_set_font (theme, NULL, SCREEN_FONT_SIZE);
  return theme;
}

/* ---- drawing in a worker ---- */

typedef struct
{
  const KsFigureFuncs *funcs;
  Source              *source;
  KsFigureStyle        style;
  guint               *layers;
  KsPlotTheme         *theme;
  /* The figure to draw again, or NULL to build one first; afterwards, the one drawn. */
  Holder              *holder;
  guint64              serial;
  Frame                frame;
  cairo_surface_t     *image;
  int                  image_width;   /* pixels, as laid out */
  int                  image_height;
} DrawJob;

static void
draw_job_free (DrawJob *job)
{
  source_unref (job->source);
  g_free (job->layers);
  ks_plot_theme_free (job->theme);
  g_clear_pointer (&job->holder, holder_unref);
  g_clear_pointer (&job->image, cairo_surface_destroy);
  g_free (job);
}

/* The figure at the frame's width (at most its max_width) and at the smaller of the
 * frame's height and the figure's preferred height, in device pixels. */
static gboolean
draw_figure (DrawJob  *job,
             GError  **error)
{
  gpointer figure = job->holder->figure;
  int width = job->frame.max_width > 0 ? MIN (job->frame.width, job->frame.max_width)
                                       : job->frame.width;
  double preferred = job->funcs->preferred_height (figure, width / KS_SCREEN_PX_PER_PT);
  int height = MAX (MIN (job->frame.height, (int) ceil (preferred * KS_SCREEN_PX_PER_PT)), 1);
  int scale = job->frame.scale;
  cairo_t *cr;

  job->image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cr = cairo_create (job->image);
  cairo_scale (cr, scale * KS_SCREEN_PX_PER_PT, scale * KS_SCREEN_PX_PER_PT);
  job->funcs->draw (figure, cr, width / KS_SCREEN_PX_PER_PT, height / KS_SCREEN_PX_PER_PT);
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The figure could not be drawn at "
                   "%d × %d pixels: %s", width, height, cairo_status_to_string (cairo_status (cr)));
      cairo_destroy (cr);
      return FALSE;
    }
  cairo_destroy (cr);
  cairo_surface_flush (job->image);
  job->image_width = width;
  job->image_height = height;
  return TRUE;
}

static void
draw_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DrawJob *job = task_data;
  GError *error = NULL;
  gboolean drawn;

  if (job->holder == NULL)
    {
      gpointer figure = job->funcs->build (job->source->data, &job->style, job->theme, &error);

      if (figure == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      job->holder = holder_new (figure, job->funcs->free, job->serial);
    }
  /* Building is half the work: a drawing no longer wanted stops here. */
  if (g_task_return_error_if_cancelled (task))
    return;
  g_mutex_lock (&job->holder->lock);
  drawn = draw_figure (job, &error);
  g_mutex_unlock (&job->holder->lock);
  if (drawn)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static GdkTexture *
texture_from_image (cairo_surface_t *image)
{
  int height = cairo_image_surface_get_height (image);
  int stride = cairo_image_surface_get_stride (image);
  g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (image),
                                                        (gsize) stride * height,
                                                        (GDestroyNotify) cairo_surface_destroy,
                                                        cairo_surface_reference (image));

  /* Cairo's ARGB32 is premultiplied BGRA in memory on little-endian machines and ARGB on
   * big-endian ones: GDK_MEMORY_DEFAULT is defined to match it. */
  return gdk_memory_texture_new (cairo_image_surface_get_width (image), height,
                                 GDK_MEMORY_DEFAULT, bytes, stride);
}

static void
install_drawing (KsFigureArea *self,
                 DrawJob      *job)
{
  if (self->holder != job->holder)
    {
      g_clear_pointer (&self->holder, holder_unref);
      self->holder = g_atomic_rc_box_acquire (job->holder);
    }
  g_clear_object (&self->texture);
  self->texture = texture_from_image (job->image);
  g_clear_pointer (&self->texture_source, source_unref);
  self->texture_source = g_atomic_rc_box_acquire (job->source);
  self->texture_serial = job->serial;
  self->texture_frame = job->frame;
  self->texture_width = job->image_width;
  self->texture_height = job->image_height;
  /* The marked cell belonged to the old drawing. */
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drawn (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  KsFigureArea *self = KS_FIGURE_AREA (source_object);
  DrawJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->drawing = FALSE;
  g_clear_object (&self->drawing_cancellable);
  if (self->disposed)
    return;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    install_drawing (self, job);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;
  else if (job->serial == self->serial)
    {
      g_warning ("Could not draw a figure: %s", error->message);
      g_free (self->error);
      self->error = g_strdup (error->message);
      self->failed_serial = job->serial;
      g_clear_object (&self->texture);
      g_clear_pointer (&self->texture_source, source_unref);
      g_clear_pointer (&self->holder, holder_unref);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  update_state (self);
  if (self->texture != NULL && job->serial == self->texture_serial)
    g_signal_emit (self, signals[SIGNAL_DRAWN], 0);
  maybe_draw (self);
}

static Frame
current_frame (KsFigureArea *self)
{
  return (Frame) {
    gtk_widget_get_width (GTK_WIDGET (self)),
    gtk_widget_get_height (GTK_WIDGET (self)),
    self->max_width,
    gtk_widget_get_scale_factor (GTK_WIDGET (self)),
  };
}

static gboolean
is_up_to_date (KsFigureArea *self,
               const Frame  *frame)
{
  return self->texture != NULL && self->texture_serial == self->serial &&
         frame_equal (&self->texture_frame, frame);
}

/* Starts a drawing when what is on screen is not current, the area is on screen and no
 * drawing runs (the one running calls again when it ends). */
static void
maybe_draw (KsFigureArea *self)
{
  Frame frame = current_frame (self);
  g_autoptr(GTask) task = NULL;
  DrawJob *job;

  if (self->drawing || self->disposed || self->source == NULL || self->funcs == NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)) || frame.width <= 0 || frame.height <= 0 ||
      self->failed_serial == self->serial || is_up_to_date (self, &frame))
    return;

  job = g_new0 (DrawJob, 1);
  job->funcs = self->funcs;
  job->source = g_atomic_rc_box_acquire (self->source);
  job->style = self->style;
  job->layers = g_memdup2 (self->layers, self->style.n_layers * sizeof (guint));
  job->style.layers = job->layers;
  job->theme = screen_theme ();
  job->serial = self->serial;
  job->frame = frame;
  if (self->holder != NULL && self->holder->serial == self->serial)
    job->holder = g_atomic_rc_box_acquire (self->holder);

  self->drawing = TRUE;
  self->drawing_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->drawing_cancellable, on_drawn, NULL);
  g_task_set_source_tag (task, maybe_draw);
  g_task_set_task_data (task, job, (GDestroyNotify) draw_job_free);
  g_task_run_in_thread (task, draw_in_thread);
}

/* ---- public ---- */

GtkWidget *
ks_figure_area_new (const KsFigureFuncs *funcs)
{
  KsFigureArea *self = g_object_new (KS_TYPE_FIGURE_AREA, NULL);

  ks_figure_area_set_funcs (self, funcs);
  return GTK_WIDGET (self);
}

void
ks_figure_area_set_funcs (KsFigureArea        *self,
                          const KsFigureFuncs *funcs)
{
  g_return_if_fail (KS_IS_FIGURE_AREA (self));

  if (funcs == self->funcs)
    return;
  /* A figure of the old kind means nothing to the new functions. */
  g_clear_pointer (&self->holder, holder_unref);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->texture_source, source_unref);
  clear_hover (self);
  self->funcs = funcs;
  content_changed (self);
}

void
ks_figure_area_drop_drawing (KsFigureArea *self)
{
  g_return_if_fail (KS_IS_FIGURE_AREA (self));

  if (self->drawing_cancellable != NULL)
    g_cancellable_cancel (self->drawing_cancellable);
}

void
ks_figure_area_set_source (KsFigureArea   *self,
                           gpointer        source,
                           GDestroyNotify  destroy)
{
  g_return_if_fail (KS_IS_FIGURE_AREA (self));

  g_clear_pointer (&self->source, source_unref);
  if (source != NULL)
    self->source = source_new (source, destroy);
  else
    {
      g_clear_object (&self->texture);
      g_clear_pointer (&self->texture_source, source_unref);
      g_clear_pointer (&self->holder, holder_unref);
      clear_hover (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  content_changed (self);
}

gpointer
ks_figure_area_get_source (KsFigureArea *self)
{
  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), NULL);
  return self->source ? self->source->data : NULL;
}

void
ks_figure_area_set_style (KsFigureArea        *self,
                          const KsFigureStyle *style)
{
  g_return_if_fail (KS_IS_FIGURE_AREA (self));
  g_return_if_fail (style != NULL);

  g_free (self->layers);
  self->style = *style;
  self->layers = g_memdup2 (style->layers, style->n_layers * sizeof (guint));
  self->style.layers = self->layers;
  content_changed (self);
}

const KsFigureStyle *
ks_figure_area_get_style (KsFigureArea *self)
{
  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), NULL);
  return &self->style;
}

void
ks_figure_area_set_min_size (KsFigureArea *self,
                             int           width,
                             int           height)
{
  g_return_if_fail (KS_IS_FIGURE_AREA (self));

  if (width == self->min_width && height == self->min_height)
    return;
  self->min_width = MAX (width, 0);
  self->min_height = MAX (height, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
ks_figure_area_set_max_width (KsFigureArea *self,
                              int           width)
{
  g_return_if_fail (KS_IS_FIGURE_AREA (self));

  self->max_width = MAX (width, 0);
  maybe_draw (self);
}

void
ks_figure_area_set_yalign (KsFigureArea *self,
                           float         yalign)
{
  g_return_if_fail (KS_IS_FIGURE_AREA (self));

  self->yalign = CLAMP (yalign, 0.0f, 1.0f);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ks_figure_area_set_panel_cursor (KsFigureArea *self,
                                 const char   *cursor_name)
{
  g_return_if_fail (KS_IS_FIGURE_AREA (self));

  g_free (self->panel_cursor);
  self->panel_cursor = g_strdup (cursor_name);
}

KsFigureAreaState
ks_figure_area_get_state (KsFigureArea *self)
{
  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), KS_FIGURE_AREA_EMPTY);
  return self->state;
}

const char *
ks_figure_area_get_error (KsFigureArea *self)
{
  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), NULL);
  return self->state == KS_FIGURE_AREA_FAILED ? self->error : NULL;
}

const char *
ks_figure_area_get_readout (KsFigureArea *self)
{
  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), NULL);
  return self->readout ? self->readout : "";
}

gboolean
ks_figure_area_is_current (KsFigureArea *self)
{
  Frame frame;

  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), FALSE);

  frame = current_frame (self);
  return !self->drawing && is_up_to_date (self, &frame);
}

GdkTexture *
ks_figure_area_get_texture (KsFigureArea *self)
{
  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), NULL);
  return self->texture;
}

gpointer
ks_figure_area_get_drawn_source (KsFigureArea *self)
{
  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), NULL);
  return self->texture_source ? self->texture_source->data : NULL;
}

/* Where the image's top left corner is: centred across, placed by yalign down, on whole
 * pixels. */
static void
texture_origin (KsFigureArea *self,
                double       *x,
                double       *y)
{
  *x = floor ((gtk_widget_get_width (GTK_WIDGET (self)) - self->texture_width) / 2.0);
  *y = floor ((gtk_widget_get_height (GTK_WIDGET (self)) - self->texture_height) * self->yalign);
  *x = MAX (*x, 0.0);
  *y = MAX (*y, 0.0);
}

void
ks_figure_area_figure_to_widget (KsFigureArea *self,
                                 double        figure_x,
                                 double        figure_y,
                                 double       *x,
                                 double       *y)
{
  double origin_x, origin_y;

  g_return_if_fail (KS_IS_FIGURE_AREA (self));

  texture_origin (self, &origin_x, &origin_y);
  *x = origin_x + figure_x * KS_SCREEN_PX_PER_PT;
  *y = origin_y + figure_y * KS_SCREEN_PX_PER_PT;
}

/* Hit test of the figure on screen; the caller holds the figure's lock. */
static gboolean
hit_locked (KsFigureArea *self,
            double        x,
            double        y,
            KsFigureHit  *hit)
{
  double origin_x, origin_y;

  texture_origin (self, &origin_x, &origin_y);
  return self->funcs->hit (self->holder->figure,
                           self->texture_width / KS_SCREEN_PX_PER_PT,
                           self->texture_height / KS_SCREEN_PX_PER_PT,
                           (x - origin_x) / KS_SCREEN_PX_PER_PT,
                           (y - origin_y) / KS_SCREEN_PX_PER_PT, hit);
}

gboolean
ks_figure_area_hit (KsFigureArea *self,
                    double        x,
                    double        y,
                    KsFigureHit  *hit)
{
  gboolean found;

  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), FALSE);
  g_return_val_if_fail (hit != NULL, FALSE);

  ks_figure_hit_init (hit);
  if (self->holder == NULL || self->texture == NULL || self->funcs == NULL)
    return FALSE;
  g_mutex_lock (&self->holder->lock);
  found = hit_locked (self, x, y, hit);
  g_mutex_unlock (&self->holder->lock);
  return found;
}

void
ks_figure_area_hover (KsFigureArea *self,
                      double        x,
                      double        y)
{
  KsFigureHit hit;
  gboolean found;

  g_return_if_fail (KS_IS_FIGURE_AREA (self));

  if (self->holder == NULL || self->texture == NULL || self->funcs == NULL)
    return;
  /* Never wait for a drawing: the read-out catches up with the next motion. */
  if (!g_mutex_trylock (&self->holder->lock))
    return;
  ks_figure_hit_init (&hit);
  found = hit_locked (self, x, y, &hit);
  g_mutex_unlock (&self->holder->lock);

  set_readout (self, hit.readout);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), hit.panel >= 0 ? self->panel_cursor : NULL);
  if (found || self->hovering)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  self->hovering = found && hit.in_cells;
  self->hover = hit;
}

gboolean
ks_figure_area_with_figure (KsFigureArea     *self,
                            KsFigureAreaFunc  func,
                            gpointer          user_data)
{
  g_return_val_if_fail (KS_IS_FIGURE_AREA (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (self->holder == NULL || self->texture == NULL)
    return FALSE;
  g_mutex_lock (&self->holder->lock);
  func (self->holder->figure, self->texture_width / KS_SCREEN_PX_PER_PT,
        self->texture_height / KS_SCREEN_PX_PER_PT, user_data);
  g_mutex_unlock (&self->holder->lock);
  return TRUE;
}

/* ---- export ---- */

typedef struct
{
  const KsFigureFuncs *funcs;
  Source              *source;
  KsFigureStyle        style;
  guint               *layers;
  GFile               *file;
  KsExportOptions      options;
  char                *title;
  gpointer             figure;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  if (job->figure != NULL)
    job->funcs->free (job->figure);
  source_unref (job->source);
  g_free (job->layers);
  g_object_unref (job->file);
  g_free (job->title);
  g_free (job);
}

static void
export_draw (cairo_t  *cr,
             double    width,
             double    height,
             gpointer  user_data)
{
  ExportJob *job = user_data;

  job->funcs->draw (job->figure, cr, width, height);
}

static void
export_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  GError *error = NULL;

  job->figure = job->funcs->build (job->source->data, &job->style, theme, &error);
  if (job->figure == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->options.height_pt <= 0.0)
    job->options.height_pt = job->funcs->preferred_height (job->figure, job->options.width_pt);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (ks_export (job->file, &job->options, export_draw, job, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ks_figure_area_export_async (KsFigureArea          *self,
                             GFile                 *file,
                             const KsExportOptions *options,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (KS_IS_FIGURE_AREA (self));
  g_return_if_fail (G_IS_FILE (file) && options != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_figure_area_export_async);
  if (self->source == NULL || self->funcs == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "There is no figure to export yet");
      return;
    }
  job = g_new0 (ExportJob, 1);
  job->funcs = self->funcs;
  job->source = g_atomic_rc_box_acquire (self->source);
  job->style = self->style;
  job->layers = g_memdup2 (self->layers, self->style.n_layers * sizeof (guint));
  job->style.layers = job->layers;
  /* On paper the figure says what it is: the window's tab no longer does. */
  job->style.title = NULL;
  job->file = g_object_ref (file);
  job->options = *options;
  job->title = g_strdup (options->title);
  job->options.title = job->title;
  job->options.creator = NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_in_thread);
}

gboolean
ks_figure_area_export_finish (KsFigureArea  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- widget ---- */

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           KsFigureArea             *self)
{
  ks_figure_area_hover (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *controller,
          KsFigureArea             *self)
{
  clear_hover (self);
}

static void
on_released (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             KsFigureArea    *self)
{
  KsFigureHit hit;

  if (n_press != 1)
    return;
  ks_figure_area_hit (self, x, y, &hit);
  if (hit.panel >= 0)
    g_signal_emit (self, signals[SIGNAL_CLICKED], 0, &hit);
}

static void
on_dark_changed (KsFigureArea *self)
{
  content_changed (self);
}

/* A two-pixel frame, dark outside and light inside, visible on every colour map. */
static void
snapshot_hover (KsFigureArea *self,
                GtkSnapshot  *snapshot)
{
  double x0, y0, x1, y1;
  GskRoundedRect outer;
  static const GdkRGBA dark = { 0, 0, 0, 0.85 };
  static const GdkRGBA light = { 1, 1, 1, 0.95 };

  ks_figure_area_figure_to_widget (self, self->hover.cell.x, self->hover.cell.y, &x0, &y0);
  ks_figure_area_figure_to_widget (self, self->hover.cell.x + self->hover.cell.width,
                                   self->hover.cell.y + self->hover.cell.height, &x1, &y1);
  if (x1 - x0 < 5.0)
    return;
  gsk_rounded_rect_init_from_rect (&outer, &GRAPHENE_RECT_INIT (x0 - 2, y0 - 2, x1 - x0 + 4, y1 - y0 + 4), 0);
  gtk_snapshot_append_border (snapshot, &outer, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { dark, dark, dark, dark });
  gsk_rounded_rect_shrink (&outer, 1, 1, 1, 1);
  gtk_snapshot_append_border (snapshot, &outer, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { light, light, light, light });
}

static void
ks_figure_area_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  KsFigureArea *self = KS_FIGURE_AREA (widget);
  double x, y;

  if (self->texture == NULL)
    return;
  texture_origin (self, &x, &y);
  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (x, y, self->texture_width, self->texture_height));
  if (self->hovering)
    snapshot_hover (self, snapshot);
}

static void
ks_figure_area_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  KsFigureArea *self = KS_FIGURE_AREA (widget);

  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? self->min_width
                                                                  : self->min_height;
}

static void
ks_figure_area_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  maybe_draw (KS_FIGURE_AREA (widget));
}

static void
ks_figure_area_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ks_figure_area_parent_class)->map (widget);
  maybe_draw (KS_FIGURE_AREA (widget));
}

static void
ks_figure_area_dispose (GObject *object)
{
  KsFigureArea *self = KS_FIGURE_AREA (object);

  /* A drawing still running finds this and drops its image. */
  self->disposed = TRUE;
  g_clear_pointer (&self->source, source_unref);
  g_clear_pointer (&self->holder, holder_unref);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->texture_source, source_unref);
  G_OBJECT_CLASS (ks_figure_area_parent_class)->dispose (object);
}

static void
ks_figure_area_finalize (GObject *object)
{
  KsFigureArea *self = KS_FIGURE_AREA (object);

  g_free (self->layers);
  g_free (self->error);
  g_free (self->readout);
  g_free (self->panel_cursor);
  G_OBJECT_CLASS (ks_figure_area_parent_class)->finalize (object);
}

static void
ks_figure_area_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KsFigureArea *self = KS_FIGURE_AREA (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_int (value, self->state); break;
    case PROP_READOUT: g_value_set_string (value, ks_figure_area_get_readout (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_figure_area_class_init (KsFigureAreaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_figure_area_dispose;
  object_class->finalize = ks_figure_area_finalize;
  object_class->get_property = ks_figure_area_get_property;
  widget_class->snapshot = ks_figure_area_snapshot;
  widget_class->measure = ks_figure_area_measure;
  widget_class->size_allocate = ks_figure_area_size_allocate;
  widget_class->map = ks_figure_area_map;

  /* A KsFigureAreaState. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, KS_FIGURE_AREA_EMPTY, KS_FIGURE_AREA_FAILED,
                      KS_FIGURE_AREA_EMPTY, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_READOUT] =
    g_param_spec_string ("readout", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A click on a panel; the argument is the KsFigureHit under the pointer. */
  signals[SIGNAL_CLICKED] =
    g_signal_new ("clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* A drawing has just been put on screen (see ks_figure_area_get_drawn_source ()). */
  signals[SIGNAL_DRAWN] =
    g_signal_new ("drawn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "ks-figure-area");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ks_figure_area_init (KsFigureArea *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  ks_figure_style_init (&self->style);
  self->min_width = 200;
  self->min_height = 150;
  self->yalign = 0.5f;
  self->readout = g_strdup ("");
  /* Serial 0 is "never failed". */
  self->serial = 1;

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, G_CONNECT_SWAPPED);
}
