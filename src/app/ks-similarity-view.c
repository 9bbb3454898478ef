/* ks-similarity-view.c: the Similarity tab: CKA between layers, and against depth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-similarity-view.h"

#include "ks-figure-cka-depth.h"
#include "ks-figure-cka-matrix.h"
#include "ks-view-style.h"

/* Wider than this many times its height, the tab puts the two figures side by side:
 * one above the other, each gets the whole width, which its several panels need. */
#define SIDE_BY_SIDE_ASPECT 2.2
/* The two panels of CKA against depth stretched wider than this read worse. */
#define MAX_FIGURE_WIDTH 1400

#define HINT "Point at a cell or a curve to read its value."

struct _KsSimilarityView
{
  GtkWidget      parent_instance;

  KsDocument    *document;
  KsResult      *latest;        /* the newest result, with or without CKA */
  KsResult      *shown;         /* the newest result with CKA */
  guint          flip_id;

  GtkWidget     *box;
  GtkStack      *page_stack;
  GtkBox        *figures_box;
  KsFigureArea  *matrix_area;
  KsFigureArea  *depth_area;
  AdwStatusPage *failed_page;
  GtkLabel      *status_label;
  GtkWidget     *updating_box;
};

G_DEFINE_FINAL_TYPE (KsSimilarityView, ks_similarity_view, GTK_TYPE_WIDGET)

/* ---- the figures ---- */

static gpointer
matrix_build (gpointer             source,
              const KsFigureStyle *style,
              const KsPlotTheme   *theme,
              GError             **error)
{
  return ks_figure_cka_matrix_new (source, style, theme, error);
}

static void
matrix_free (gpointer figure)
{
  ks_figure_cka_matrix_free (figure);
}

static double
matrix_preferred_height (gpointer figure,
                         double   width)
{
  return ks_figure_cka_matrix_preferred_height (figure, width);
}

static void
matrix_draw (gpointer  figure,
             cairo_t  *cr,
             double    width,
             double    height)
{
  ks_figure_cka_matrix_draw (figure, cr, width, height);
}

static gboolean
matrix_hit (gpointer     figure,
            double       width,
            double       height,
            double       x,
            double       y,
            KsFigureHit *hit)
{
  return ks_figure_cka_matrix_hit (figure, width, height, x, y, hit);
}

static const KsFigureFuncs matrix_figure_funcs = {
  .build = matrix_build,
  .free = matrix_free,
  .preferred_height = matrix_preferred_height,
  .draw = matrix_draw,
  .hit = matrix_hit,
};

static gpointer
depth_build (gpointer             source,
             const KsFigureStyle *style,
             const KsPlotTheme   *theme,
             GError             **error)
{
  return ks_figure_cka_depth_new (source, style, theme, error);
}

static void
depth_free (gpointer figure)
{
  ks_figure_cka_depth_free (figure);
}

static double
depth_preferred_height (gpointer figure,
                        double   width)
{
  return ks_figure_cka_depth_preferred_height (figure, width);
}

static void
depth_draw (gpointer  figure,
            cairo_t  *cr,
            double    width,
            double    height)
{
  ks_figure_cka_depth_draw (figure, cr, width, height);
}

static gboolean
depth_hit (gpointer     figure,
           double       width,
           double       height,
           double       x,
           double       y,
           KsFigureHit *hit)
{
  return ks_figure_cka_depth_hit (figure, width, height, x, y, hit);
}

static const KsFigureFuncs depth_figure_funcs = {
  .build = depth_build,
  .free = depth_free,
  .preferred_height = depth_preferred_height,
  .draw = depth_draw,
  .hit = depth_hit,
};

/* ---- what is shown ---- */

static gboolean
has_cka (KsResult *result)
{
  return ks_result_get_cka_matrix (result, KS_KERNEL_NNGP) != NULL ||
         ks_result_get_cka_matrix (result, KS_KERNEL_SAMPLE) != NULL ||
         ks_result_get_cka_matrix (result, KS_KERNEL_POSTERIOR) != NULL;
}

static void
update_page (KsSimilarityView *self)
{
  KsFigureArea *failed = NULL;
  const char *page;

  if (ks_figure_area_get_state (self->matrix_area) == KS_FIGURE_AREA_FAILED)
    failed = self->matrix_area;
  else if (ks_figure_area_get_state (self->depth_area) == KS_FIGURE_AREA_FAILED)
    failed = self->depth_area;
  if (failed != NULL)
    {
      adw_status_page_set_description (self->failed_page, ks_figure_area_get_error (failed));
      page = "failed";
    }
  else
    page = self->shown != NULL ? "figures" : "computing";
  gtk_stack_set_visible_child_name (self->page_stack, page);
  gtk_widget_set_visible (self->updating_box, self->shown != NULL && self->latest != self->shown);
}

static void
update_status (KsSimilarityView *self)
{
  const char *readout = ks_figure_area_get_readout (self->matrix_area);
  gboolean hint;

  if (*readout == '\0')
    readout = ks_figure_area_get_readout (self->depth_area);
  hint = *readout == '\0';
  gtk_label_set_label (self->status_label, hint ? HINT : readout);
  if (hint)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
}

static void
apply_style (KsSimilarityView *self)
{
  KsFigureStyle style;

  ks_view_style_init (&style, self->document);
  ks_figure_area_set_style (self->matrix_area, &style);
  ks_figure_area_set_style (self->depth_area, &style);
}

void
ks_similarity_view_set_document (KsSimilarityView *self,
                                 KsDocument       *document)
{
  g_return_if_fail (KS_IS_SIMILARITY_VIEW (self));

  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_set_object (&self->document, document);
  if (document != NULL)
    g_signal_connect_swapped (document, "notify::colormap", G_CALLBACK (apply_style), self);
  apply_style (self);
}

void
ks_similarity_view_set_result (KsSimilarityView *self,
                               KsResult         *result)
{
  g_return_if_fail (KS_IS_SIMILARITY_VIEW (self));

  if (result == self->latest)
    return;
  g_clear_pointer (&self->latest, ks_result_unref);
  self->latest = result ? ks_result_ref (result) : NULL;
  if (result == NULL || has_cka (result))
    {
      g_clear_pointer (&self->shown, ks_result_unref);
      self->shown = result ? ks_result_ref (result) : NULL;
      ks_figure_area_set_source (self->matrix_area, result ? ks_result_ref (result) : NULL,
                                 (GDestroyNotify) ks_result_unref);
      ks_figure_area_set_source (self->depth_area, result ? ks_result_ref (result) : NULL,
                                 (GDestroyNotify) ks_result_unref);
    }
  update_page (self);
}

KsResult *
ks_similarity_view_get_shown_result (KsSimilarityView *self)
{
  g_return_val_if_fail (KS_IS_SIMILARITY_VIEW (self), NULL);
  return self->shown;
}

KsFigureArea *
ks_similarity_view_get_matrix_area (KsSimilarityView *self)
{
  g_return_val_if_fail (KS_IS_SIMILARITY_VIEW (self), NULL);
  return self->matrix_area;
}

KsFigureArea *
ks_similarity_view_get_depth_area (KsSimilarityView *self)
{
  g_return_val_if_fail (KS_IS_SIMILARITY_VIEW (self), NULL);
  return self->depth_area;
}

const char *
ks_similarity_view_get_page (KsSimilarityView *self)
{
  g_return_val_if_fail (KS_IS_SIMILARITY_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (self->page_stack);
}

/* ---- layout: side by side or stacked ---- */

static GtkOrientation
orientation_for (int width,
                 int height)
{
  return width > SIDE_BY_SIDE_ASPECT * height ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL;
}

static void
flip_orientation (gpointer user_data)
{
  KsSimilarityView *self = user_data;
  GtkWidget *widget = GTK_WIDGET (self);

  self->flip_id = 0;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->figures_box),
                                  orientation_for (gtk_widget_get_width (widget),
                                                   gtk_widget_get_height (widget)));
}

static void
ks_similarity_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  gtk_widget_measure (KS_SIMILARITY_VIEW (widget)->box, orientation, for_size, minimum,
                      natural, minimum_baseline, natural_baseline);
}

/* The orientation follows the tab's shape; changing it during an allocation would ask
 * for another one, so it changes just after. */
static void
ks_similarity_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  KsSimilarityView *self = KS_SIMILARITY_VIEW (widget);

  gtk_widget_allocate (self->box, width, height, baseline, NULL);
  if (orientation_for (width, height) != gtk_orientable_get_orientation (GTK_ORIENTABLE (self->figures_box))
      && self->flip_id == 0)
    self->flip_id = g_idle_add_once (flip_orientation, self);
}

/* ---- GObject ---- */

static void
ks_similarity_view_dispose (GObject *object)
{
  KsSimilarityView *self = KS_SIMILARITY_VIEW (object);

  g_clear_handle_id (&self->flip_id, g_source_remove);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);
  g_clear_pointer (&self->latest, ks_result_unref);
  g_clear_pointer (&self->shown, ks_result_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_SIMILARITY_VIEW);
  G_OBJECT_CLASS (ks_similarity_view_parent_class)->dispose (object);
}

static void
ks_similarity_view_class_init (KsSimilarityViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_similarity_view_dispose;
  widget_class->measure = ks_similarity_view_measure;
  widget_class->size_allocate = ks_similarity_view_size_allocate;

  g_type_ensure (KS_TYPE_FIGURE_AREA);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-similarity-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KsSimilarityView, box);
  gtk_widget_class_bind_template_child (widget_class, KsSimilarityView, page_stack);
  gtk_widget_class_bind_template_child (widget_class, KsSimilarityView, figures_box);
  gtk_widget_class_bind_template_child (widget_class, KsSimilarityView, matrix_area);
  gtk_widget_class_bind_template_child (widget_class, KsSimilarityView, depth_area);
  gtk_widget_class_bind_template_child (widget_class, KsSimilarityView, failed_page);
  gtk_widget_class_bind_template_child (widget_class, KsSimilarityView, status_label);
  gtk_widget_class_bind_template_child (widget_class, KsSimilarityView, updating_box);
}

static void
ks_similarity_view_init (KsSimilarityView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  ks_figure_area_set_funcs (self->matrix_area, &matrix_figure_funcs);
  ks_figure_area_set_funcs (self->depth_area, &depth_figure_funcs);
  ks_figure_area_set_max_width (self->matrix_area, MAX_FIGURE_WIDTH);
  ks_figure_area_set_max_width (self->depth_area, MAX_FIGURE_WIDTH);
  apply_style (self);
  g_signal_connect_swapped (self->matrix_area, "notify::state", G_CALLBACK (update_page), self);
  g_signal_connect_swapped (self->depth_area, "notify::state", G_CALLBACK (update_page), self);
  g_signal_connect_swapped (self->matrix_area, "notify::readout", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->depth_area, "notify::readout", G_CALLBACK (update_status), self);
  update_status (self);
  update_page (self);
}
