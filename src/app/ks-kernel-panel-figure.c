/* ks-kernel-panel-figure.c: one panel of the kernel grid, enlarged, with its colour bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-kernel-panel-figure.h"

#include "ks-error.h"
#include "ks-figure-grid.h"
#include "ks-figure-private.h"
#include "ks-text.h"
#include "ks-ticks.h"

struct _KsKernelPanel
{
  KsResult     *result;
  KsKernelKind  kind;
  guint         layer;
};

static void
kernel_panel_clear (KsKernelPanel *self)
{
  ks_result_unref (self->result);
}

KsKernelPanel *
ks_kernel_panel_new (KsResult     *result,
                     KsKernelKind  kind,
                     guint         layer)
{
  KsKernelPanel *self;

  g_return_val_if_fail (result != NULL, NULL);

  self = g_atomic_rc_box_new0 (KsKernelPanel);
  self->result = ks_result_ref (result);
  self->kind = kind;
  self->layer = layer;
  return self;
}

KsKernelPanel *
ks_kernel_panel_ref (KsKernelPanel *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
ks_kernel_panel_unref (KsKernelPanel *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) kernel_panel_clear);
}

KsResult *
ks_kernel_panel_get_result (KsKernelPanel *self)
{
  return self->result;
}

KsKernelKind
ks_kernel_panel_get_kind (KsKernelPanel *self)
{
  return self->kind;
}

guint
ks_kernel_panel_get_layer (KsKernelPanel *self)
{
  return self->layer;
}

struct _KsKernelPanelFigure
{
  KsKernelPanel  *panel;
  KsDataset      *dataset;
  const gsl_matrix *matrix;   /* NULL: not computed (yet) */
  KsColormap      colormap;
  KsRange         range;
  char          **class_names;
  guint           n_classes;
  KsFigureGrid   *grid;
};

static void
panel_figure_free (gpointer figure)
{
  KsKernelPanelFigure *self = figure;

  g_clear_pointer (&self->grid, ks_figure_grid_free);
  for (guint c = 0; c < self->n_classes; c++)
    g_free (self->class_names[c]);
  g_free (self->class_names);
  ks_kernel_panel_unref (self->panel);
  g_free (self);
}

KsRange
ks_kernel_panel_figure_get_range (KsKernelPanelFigure *self)
{
  return self->range;
}

/* The grid's colour range for the panel: that of its row, or its own when each panel has
 * one. The grid is built with the same style, so its choice of layers and rows, and so
 * the shared range, is the one on screen. */
static gboolean
range_from_grid (KsKernelPanelFigure  *self,
                 const KsFigureStyle  *style,
                 const KsPlotTheme    *theme,
                 GError              **error)
{
  g_autoptr(KsFigureKernels) grid = ks_figure_kernels_new (self->panel->result, style, theme, error);

  if (grid == NULL)
    return FALSE;
  for (guint row = 0; row < ks_figure_kernels_get_n_rows (grid); row++)
    {
      if (ks_figure_kernels_get_row_kind (grid, row) != self->panel->kind)
        continue;
      for (guint column = 0; column < ks_figure_kernels_get_n_columns (grid); column++)
        if (ks_figure_kernels_get_column_layer (grid, column) == self->panel->layer)
          {
            self->range = ks_figure_kernels_get_panel_range (grid, row, column);
            return TRUE;
          }
      self->range = ks_figure_kernels_get_row_range (grid, row);
      return TRUE;
    }
  /* A kind the grid does not show (yet): the colours span the panel's own entries. */
  self->range = KS_RANGE_EMPTY;
  return TRUE;
}

static void
panel_style (KsKernelPanelFigure *self,
             KsHeatmapStyle      *style)
{
  ks_heatmap_style_init (style);
  style->colormap = self->colormap;
  style->vmin = self->range.lo;
  style->vmax = self->range.hi;
  style->diverging = ks_colormap_is_diverging (self->colormap);
  if (ks_dataset_has_labels (self->dataset))
    {
      style->row_classes = ks_dataset_get_labels (self->dataset);
      style->col_classes = style->row_classes;
      style->class_names = (const char * const *) self->class_names;
      style->n_class_names = self->n_classes;
    }
}

static KsMatrixView
matrix_view (const gsl_matrix *m)
{
  return (KsMatrixView) { m->data, m->size1, m->size2, m->tda };
}

static void
draw_panel (cairo_t      *cr,
            const KsRect *rect,
            guint         panel,
            gpointer      user_data)
{
  KsKernelPanelFigure *self = user_data;
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  KsHeatmapStyle style;
  KsMatrixView view;

  if (self->matrix == NULL)
    {
      ks_text_draw (cr, theme, KS_TEXT_ROLE_NOTE, "not computed yet", NULL,
                    rect->x + rect->width / 2, rect->y + rect->height / 2, 0.5, 0.5,
                    KS_TEXT_HORIZONTAL);
      return;
    }
  panel_style (self, &style);
  view = matrix_view (self->matrix);
  ks_heatmap_draw (cr, rect, &view, &style, theme);
}

static KsRect
panel_content (const KsRect *rect,
               guint         panel,
               gpointer      user_data)
{
  KsKernelPanelFigure *self = user_data;
  gsize p = ks_dataset_get_n_points (self->dataset);
  KsHeatmapStyle style;
  KsHeatmapLayout layout;

  panel_style (self, &style);
  ks_heatmap_layout (rect, p, p, &style, ks_figure_grid_get_theme (self->grid), &layout);
  return layout.cells;
}

static void
take_classes (KsKernelPanelFigure *self)
{
  if (!ks_dataset_has_labels (self->dataset))
    return;
  self->n_classes = ks_dataset_get_n_classes (self->dataset);
  self->class_names = g_new0 (char *, self->n_classes + 1);
  for (guint c = 0; c < self->n_classes; c++)
    self->class_names[c] = g_strdup (ks_dataset_get_class_name (self->dataset, c));
}

/* On screen the view's own heading names the panel; on paper the figure does. */
static void
build_grid (KsKernelPanelFigure *self,
            const KsFigureStyle *style,
            const KsPlotTheme   *theme)
{
  KsResult *result = self->panel->result;
  g_autofree char *kind = ks_figure_kind_heading (self->panel->kind,
                                                  ks_result_get_n_samples_done (result));
  g_autofree char *layer = ks_figure_layer_heading (ks_result_get_stack (result), self->panel->layer);
  g_autofree char *heading = g_strdup_printf ("Layer %s: %s", layer, kind);
  KsColorbarStyle bar;

  self->grid = ks_figure_grid_new (1, 1);
  ks_figure_grid_set_theme (self->grid, theme);
  ks_figure_grid_set_title (self->grid, ks_figure_text_or_default (style->title, heading));
  ks_figure_grid_set_panel_func (self->grid, draw_panel, self);
  ks_figure_grid_set_content_func (self->grid, panel_content);
  if (self->matrix != NULL)
    {
      KsHeatmapStyle heatmap;
      KsMatrixView view = matrix_view (self->matrix);

      panel_style (self, &heatmap);
      self->range = ks_heatmap_resolve_range (&view, &heatmap);
      ks_colorbar_style_init (&bar, self->colormap, self->range.lo, self->range.hi,
                              "kernel entry Kᵢⱼ");
      ks_figure_grid_set_shared_colorbar (self->grid, &bar);
    }
}

static gpointer
panel_figure_build (gpointer             source,
                    const KsFigureStyle *style,
                    const KsPlotTheme   *theme,
                    GError             **error)
{
  KsKernelPanel *panel = source;
  KsKernelPanelFigure *self;

  if (panel->layer >= ks_result_get_n_layers (panel->result))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID, "the network has no layer %u",
                   panel->layer + 1);
      return NULL;
    }
  self = g_new0 (KsKernelPanelFigure, 1);
  self->panel = ks_kernel_panel_ref (panel);
  self->dataset = ks_result_get_dataset (panel->result);
  self->matrix = ks_result_get_kernel (panel->result, panel->kind, panel->layer);
  self->colormap = style->colormap;
  if (!range_from_grid (self, style, theme, error))
    {
      panel_figure_free (self);
      return NULL;
    }
  take_classes (self);
  build_grid (self, style, theme);
  return self;
}

static void
grid_layout (KsKernelPanelFigure *self,
             double               width,
             double               height,
             KsHeatmapLayout     *layout)
{
  KsRect rect = ks_figure_grid_get_panel_rect (self->grid, width, height, 0);
  gsize p = ks_dataset_get_n_points (self->dataset);
  KsHeatmapStyle style;

  panel_style (self, &style);
  ks_heatmap_layout (&rect, p, p, &style, ks_figure_grid_get_theme (self->grid), layout);
}

/* The narrowest width at which the cells are as large as at the full width: a figure
 * limited by its height is drawn that wide and centred, keeping the colour bar beside
 * the cells instead of at the far edge. */
static double
used_width (KsKernelPanelFigure *self,
            double               width,
            double               height)
{
  KsHeatmapLayout full;
  double lo = 0.0;
  double hi = width;

  grid_layout (self, width, height, &full);
  for (guint step = 0; step < 30 && hi - lo > 0.25; step++)
    {
      double mid = (lo + hi) / 2;
      KsHeatmapLayout layout;

      grid_layout (self, mid, height, &layout);
      if (layout.cell_size >= 0.999 * full.cell_size)
        hi = mid;
      else
        lo = mid;
    }
  return ceil (hi);
}

void
ks_kernel_panel_figure_get_layout (KsKernelPanelFigure *self,
                                   double               width,
                                   double               height,
                                   KsHeatmapLayout     *layout)
{
  double used = used_width (self, width, height);

  grid_layout (self, used, height, layout);
  layout->cells.x += (width - used) / 2;
}

/* Square cells as large as the width allows, and no taller. */
static gboolean
cells_fill_width (double   width,
                  double   height,
                  gpointer user_data)
{
  KsKernelPanelFigure *self = user_data;
  KsRect rect = ks_figure_grid_get_panel_rect (self->grid, width, height, 0);
  gsize p = ks_dataset_get_n_points (self->dataset);
  KsHeatmapLayout layout;

  grid_layout (self, width, height, &layout);
  return layout.cell_size >= 0.999 * (rect.width - layout.row_label_width) / p;
}

static double
panel_figure_preferred_height (gpointer figure,
                               double   width)
{
  return ks_figure_fit_height (width, 20.0, 2.0 * width + 100.0, cells_fill_width, figure);
}

static void
panel_figure_draw (gpointer  figure,
                   cairo_t  *cr,
                   double    width,
                   double    height)
{
  KsKernelPanelFigure *self = figure;
  double used = used_width (self, width, height);

  cairo_save (cr);
  cairo_translate (cr, (width - used) / 2, 0);
  ks_figure_grid_draw (self->grid, cr, used, height);
  cairo_restore (cr);
}

static char *
point_description (KsKernelPanelFigure *self,
                   gsize                index)
{
  int klass;

  if (self->class_names == NULL)
    return g_strdup_printf ("%zu", index + 1);
  klass = ks_dataset_get_labels (self->dataset)[index];
  if ((guint) klass < self->n_classes && self->class_names[klass] != NULL)
    return g_strdup_printf ("%zu (%s)", index + 1, self->class_names[klass]);
  return g_strdup_printf ("%zu (class %d)", index + 1, klass);
}

static gboolean
panel_figure_hit (gpointer     figure,
                  double       width,
                  double       height,
                  double       x,
                  double       y,
                  KsFigureHit *hit)
{
  KsKernelPanelFigure *self = figure;
  g_autofree char *row = NULL;
  g_autofree char *column = NULL;
  g_autofree char *value = NULL;
  KsHeatmapLayout layout;
  KsMatrixView view;

  ks_figure_hit_init (hit);
  if (self->matrix == NULL)
    return FALSE;
  ks_kernel_panel_figure_get_layout (self, width, height, &layout);
  if (!ks_rect_contains (&layout.cells, x, y))
    return FALSE;
  hit->panel = 0;
  view = matrix_view (self->matrix);
  if (!ks_heatmap_hit (&layout, &view, x, y, &hit->i, &hit->j, &hit->value))
    return FALSE;
  hit->in_cells = TRUE;
  hit->cell = ks_rect_make (layout.cells.x + hit->j * layout.cell_size,
                            layout.cells.y + hit->i * layout.cell_size,
                            layout.cell_size, layout.cell_size);
  if (self->class_names != NULL)
    {
      hit->class_i = ks_dataset_get_labels (self->dataset)[hit->i];
      hit->class_j = ks_dataset_get_labels (self->dataset)[hit->j];
    }
  row = point_description (self, hit->i);
  column = point_description (self, hit->j);
  value = ks_format_number (hit->value, 4);
  g_snprintf (hit->readout, sizeof hit->readout, "row %s, column %s: %s", row, column, value);
  return TRUE;
}

const KsFigureFuncs ks_kernel_panel_figure_funcs = {
  .build = panel_figure_build,
  .free = panel_figure_free,
  .preferred_height = panel_figure_preferred_height,
  .draw = panel_figure_draw,
  .hit = panel_figure_hit,
};
