/* ks-figure-cka-matrix.c: the figure of CKA similarity between every pair of layers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-figure-cka-matrix.h"

#include <math.h>

#include "ks-error.h"
#include "ks-figure-private.h"
#include "ks-text.h"
#include "ks-ticks.h"

/* Cells lighter than this (relative luminance) get dark value labels, others light. */
#define DARK_TEXT_LUMINANCE 0.36

static const KsKernelKind panel_kinds[] = {
  KS_KERNEL_NNGP, KS_KERNEL_SAMPLE, KS_KERNEL_POSTERIOR,
};

struct _KsFigureCkaMatrix
{
  KsResult      *result;
  KsColormap     colormap;
  char          *footnote;

  guint          n_panels;
  KsKernelKind   kinds[G_N_ELEMENTS (panel_kinds)];
  gsl_matrix    *matrices[G_N_ELEMENTS (panel_kinds)];

  guint          n_layers;
  guint         *layers;        /* the result's layer of each row and column */
  int           *identity;      /* 0, 1, ...: each row its own "class", to name it */
  char         **layer_names;   /* "3 dense 16" */

  KsFigureGrid  *grid;
};

guint
ks_figure_cka_matrix_get_n_panels (KsFigureCkaMatrix *self)
{
  return self->n_panels;
}

KsKernelKind
ks_figure_cka_matrix_get_panel_kind (KsFigureCkaMatrix *self,
                                     guint              panel)
{
  g_return_val_if_fail (panel < self->n_panels, KS_KERNEL_NNGP);
  return self->kinds[panel];
}

const gsl_matrix *
ks_figure_cka_matrix_get_matrix (KsFigureCkaMatrix *self,
                                 guint              panel)
{
  g_return_val_if_fail (panel < self->n_panels, NULL);
  return self->matrices[panel];
}

/* ---- construction ---- */

static gboolean
choose_layers (KsFigureCkaMatrix    *self,
               const KsFigureStyle  *style,
               GError              **error)
{
  guint n_layers = ks_result_get_n_layers (self->result);

  if (style->layers == NULL || style->n_layers == 0)
    {
      self->n_layers = n_layers;
      self->layers = g_new (guint, MAX (n_layers, 1));
      for (guint l = 0; l < n_layers; l++)
        self->layers[l] = l;
      return TRUE;
    }
  for (guint l = 0; l < style->n_layers; l++)
    if (style->layers[l] >= n_layers)
      {
        g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                     "the network has %u layers, so there is no layer %u to draw",
                     n_layers, style->layers[l] + 1);
        return FALSE;
      }
  self->n_layers = style->n_layers;
  self->layers = g_memdup2 (style->layers, style->n_layers * sizeof (guint));
  return TRUE;
}

static gboolean
take_matrices (KsFigureCkaMatrix  *self,
               GError            **error)
{
  for (guint k = 0; k < G_N_ELEMENTS (panel_kinds); k++)
    {
      const gsl_matrix *cka = ks_result_get_cka_matrix (self->result, panel_kinds[k]);
      gsl_matrix *chosen;

      if (cka == NULL)
        continue;
      chosen = gsl_matrix_alloc (MAX (self->n_layers, 1), MAX (self->n_layers, 1));
      for (guint a = 0; a < self->n_layers; a++)
        for (guint b = 0; b < self->n_layers; b++)
          gsl_matrix_set (chosen, a, b, gsl_matrix_get (cka, self->layers[a], self->layers[b]));
      self->kinds[self->n_panels] = panel_kinds[k];
      self->matrices[self->n_panels++] = chosen;
    }
  if (self->n_panels > 0 && self->n_layers > 0)
    return TRUE;
  g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                       "the result has no CKA between layers to draw yet");
  return FALSE;
}

static void
name_layers (KsFigureCkaMatrix *self)
{
  const KsStack *stack = ks_result_get_stack (self->result);

  self->identity = g_new (int, self->n_layers);
  self->layer_names = g_new0 (char *, self->n_layers + 1);
  for (guint l = 0; l < self->n_layers; l++)
    {
      self->identity[l] = (int) l;
      self->layer_names[l] = ks_figure_layer_heading (stack, self->layers[l]);
    }
}

static void
panel_style (KsFigureCkaMatrix *self,
             guint              panel,
             KsHeatmapStyle    *style)
{
  ks_heatmap_style_init (style);
  style->colormap = self->colormap;
  style->vmin = 0.0;
  style->vmax = 1.0;
  style->row_classes = self->identity;
  style->class_names = (const char * const *) self->layer_names;
  style->n_class_names = self->n_layers;
  style->show_separators = FALSE;
  /* Every panel names the layers: the room is kept in all of them anyway, so that their
   * cells are one size, and each panel then reads on its own. */
  style->show_row_labels = TRUE;
}

/* Below the cells: the column numbers, then the axis title. */
static double
bottom_strip (const KsPlotTheme *theme)
{
  double tick_height;
  double label_height;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, "0", 0, NULL, &tick_height);
  ks_text_measure (theme, KS_TEXT_ROLE_LABEL, "layer", 0, NULL, &label_height);
  return tick_height + label_height + 2 * theme->padding;
}

static void
panel_layout (KsFigureCkaMatrix *self,
              const KsRect      *rect,
              guint              panel,
              KsHeatmapLayout   *layout)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  KsRect inner = ks_rect_inset (rect, 0, 0, 0, bottom_strip (theme));
  KsHeatmapStyle style;

  panel_style (self, panel, &style);
  ks_heatmap_layout (&inner, self->n_layers, self->n_layers, &style, theme, layout);
}

/* Layer numbers under the columns (every k-th when they would crowd) and "layer". */
static void
draw_column_labels (KsFigureCkaMatrix     *self,
                    cairo_t               *cr,
                    const KsHeatmapLayout *layout)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  g_autofree char *widest = g_strdup_printf ("%u", self->layers[self->n_layers - 1] + 1);
  double label_width;
  double tick_height;
  guint step = 1;
  double y = layout->cells.y + layout->cells.height + theme->padding;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, widest, 0, &label_width, &tick_height);
  while (step < self->n_layers && step * layout->cell_size < label_width + theme->padding)
    step++;
  for (guint l = 0; l < self->n_layers; l += step)
    {
      g_autofree char *number = g_strdup_printf ("%u", self->layers[l] + 1);

      ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, number, NULL,
                    layout->cells.x + (l + 0.5) * layout->cell_size, y, 0.5, 0.0,
                    KS_TEXT_HORIZONTAL);
    }
  ks_text_draw (cr, theme, KS_TEXT_ROLE_LABEL, "layer", NULL,
                layout->cells.x + layout->cells.width / 2,
                y + tick_height + theme->padding / 2, 0.5, 0.0, KS_TEXT_HORIZONTAL);
}

static double
luminance (const double rgb[3])
{
  double linear[3];

  for (int c = 0; c < 3; c++)
    linear[c] = rgb[c] <= 0.04045 ? rgb[c] / 12.92 : pow ((rgb[c] + 0.055) / 1.055, 2.4);
  return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
}

/* Each value in its cell, when "0.00" fits with a little room to spare. */
static void
draw_cell_values (KsFigureCkaMatrix     *self,
                  cairo_t               *cr,
                  const KsHeatmapLayout *layout,
                  const gsl_matrix      *m)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  const KsColor dark = { 0, 0, 0, 0.9 };
  const KsColor light = { 1, 1, 1, 0.95 };
  double width;
  double height;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, "0.00", 0, &width, &height);
  if (layout->cell_size < width + theme->padding / 2 || layout->cell_size < height + 1)
    return;
  for (guint a = 0; a < self->n_layers; a++)
    for (guint b = 0; b < self->n_layers; b++)
      {
        double value = gsl_matrix_get (m, a, b);
        g_autofree char *text = NULL;
        double rgb[3];

        if (!isfinite (value))
          continue;
        ks_colormap_map (self->colormap, value, rgb);
        text = g_strdup_printf ("%.2f", value);
        ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, text,
                      luminance (rgb) > DARK_TEXT_LUMINANCE ? &dark : &light,
                      layout->cells.x + (b + 0.5) * layout->cell_size,
                      layout->cells.y + (a + 0.5) * layout->cell_size, 0.5, 0.5,
                      KS_TEXT_HORIZONTAL);
      }
}

static void
draw_panel (cairo_t      *cr,
            const KsRect *rect,
            guint         panel,
            gpointer      user_data)
{
  KsFigureCkaMatrix *self = user_data;
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  KsRect inner = ks_rect_inset (rect, 0, 0, 0, bottom_strip (theme));
  KsMatrixView view = ks_figure_matrix_view (self->matrices[panel]);
  KsHeatmapStyle style;
  KsHeatmapLayout layout;

  panel_style (self, panel, &style);
  ks_heatmap_draw (cr, &inner, &view, &style, theme);
  ks_heatmap_layout (&inner, self->n_layers, self->n_layers, &style, theme, &layout);
  if (layout.cell_size <= 0)
    return;
  draw_cell_values (self, cr, &layout, self->matrices[panel]);
  draw_column_labels (self, cr, &layout);
}

static KsRect
panel_content (const KsRect *rect,
               guint         panel,
               gpointer      user_data)
{
  KsHeatmapLayout layout;

  panel_layout (user_data, rect, panel, &layout);
  return layout.cells;
}

static void
build_grid (KsFigureCkaMatrix   *self,
            const KsFigureStyle *style,
            const KsPlotTheme   *theme)
{
  KsDataset *dataset = ks_result_get_dataset (self->result);
  const char *cka = ks_figure_cka_name (ks_result_get_cka_kind (self->result));
  g_autofree char *title = g_strdup_printf ("Similarity between layers (%s): %s, P = %u "
                                            "points", cka, ks_dataset_get_name (dataset),
                                            ks_dataset_get_n_points (dataset));
  KsColorbarStyle bar;

  self->grid = ks_figure_grid_new (1, self->n_panels);
  ks_figure_grid_set_theme (self->grid, theme);
  ks_figure_grid_set_title (self->grid, ks_figure_text_or_default (style->title, title));
  ks_figure_grid_set_panel_letters (self->grid, style->panel_letters && self->n_panels > 1);
  for (guint p = 0; p < self->n_panels; p++)
    {
      g_autofree char *heading = ks_figure_kind_heading (self->kinds[p],
                                                         ks_result_get_n_samples_done (self->result));

      ks_figure_grid_set_column_heading (self->grid, p, heading);
    }
  ks_figure_grid_set_panel_func (self->grid, draw_panel, self);
  ks_figure_grid_set_content_func (self->grid, panel_content);
  ks_colorbar_style_init (&bar, self->colormap, 0.0, 1.0, cka);
  ks_figure_grid_set_shared_colorbar (self->grid, &bar);
}

static char *
default_footnote (KsFigureCkaMatrix *self)
{
  g_autofree char *stack = ks_figure_stack_text (ks_result_get_stack (self->result));

  return g_strdup_printf ("Network %s. Cell (a, b): CKA between the kernels of layers a "
                          "and b, from 0 (unrelated) to 1 (the same representation up to "
                          "scale). The finite-width panel is one network drawn from the "
                          "prior%s.", stack,
                          ks_result_has_kernels (self->result, KS_KERNEL_POSTERIOR)
                          ? "; the posterior has been conditioned on the outputs" : "");
}

KsFigureCkaMatrix *
ks_figure_cka_matrix_new (KsResult            *result,
                          const KsFigureStyle *style,
                          const KsPlotTheme   *theme,
                          GError             **error)
{
  g_autoptr(KsFigureCkaMatrix) self = NULL;
  g_autofree char *footnote = NULL;

  g_return_val_if_fail (result != NULL && style != NULL && theme != NULL, NULL);

  self = g_new0 (KsFigureCkaMatrix, 1);
  self->result = ks_result_ref (result);
  self->colormap = style->colormap;
  if (!choose_layers (self, style, error) || !take_matrices (self, error))
    return NULL;
  name_layers (self);
  build_grid (self, style, theme);
  footnote = default_footnote (self);
  self->footnote = g_strdup (ks_figure_text_or_default (style->footnote, footnote));
  return g_steal_pointer (&self);
}

void
ks_figure_cka_matrix_free (KsFigureCkaMatrix *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->grid, ks_figure_grid_free);
  for (guint p = 0; p < self->n_panels; p++)
    gsl_matrix_free (self->matrices[p]);
  g_strfreev (self->layer_names);
  g_free (self->identity);
  g_free (self->layers);
  g_free (self->footnote);
  g_clear_pointer (&self->result, ks_result_unref);
  g_free (self);
}

/* ---- layout, drawing and hits ---- */

static double
grid_height (KsFigureCkaMatrix *self,
             double             width,
             double             height)
{
  return ks_figure_grid_height (self->grid, self->footnote, width, height);
}

void
ks_figure_cka_matrix_get_panel_layout (KsFigureCkaMatrix *self,
                                       double             width,
                                       double             height,
                                       guint              panel,
                                       KsHeatmapLayout   *layout)
{
  KsRect rect;

  g_return_if_fail (self != NULL && layout != NULL && panel < self->n_panels);

  rect = ks_figure_grid_get_panel_rect (self->grid, width, grid_height (self, width, height),
                                        panel);
  panel_layout (self, &rect, panel, layout);
}

/* Whether the cells are as large as the panels' width allows. */
static gboolean
cells_fill_width (double   width,
                  double   height,
                  gpointer user_data)
{
  KsFigureCkaMatrix *self = user_data;
  KsHeatmapLayout layout;
  KsRect rect;

  ks_figure_cka_matrix_get_panel_layout (self, width, height, 0, &layout);
  rect = ks_figure_grid_get_panel_rect (self->grid, width, grid_height (self, width, height), 0);
  return layout.cell_size >= 0.999 * (rect.width - layout.row_label_width) / self->n_layers;
}

double
ks_figure_cka_matrix_preferred_height (KsFigureCkaMatrix *self,
                                       double             width)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return ks_figure_fit_height (width, 20.0, 200.0 + 2.0 * width / self->n_panels,
                               cells_fill_width, self);
}

void
ks_figure_cka_matrix_draw (KsFigureCkaMatrix *self,
                           cairo_t           *cr,
                           double             width,
                           double             height)
{
  g_return_if_fail (self != NULL && cr != NULL);
  ks_figure_draw_with_footnote (cr, self->grid, self->footnote, width, height,
                                grid_height (self, width, height));
}

void
ks_figure_cka_matrix_draw_func (cairo_t  *cr,
                                double    width,
                                double    height,
                                gpointer  user_data)
{
  ks_figure_cka_matrix_draw (user_data, cr, width, height);
}

gboolean
ks_figure_cka_matrix_hit (KsFigureCkaMatrix *self,
                          double             width,
                          double             height,
                          double             x,
                          double             y,
                          KsFigureHit       *hit)
{
  g_autofree char *kind = NULL;
  g_autofree char *value = NULL;
  KsHeatmapLayout layout;
  int panel;

  g_return_val_if_fail (self != NULL && hit != NULL, FALSE);

  ks_figure_hit_init (hit);
  panel = ks_figure_grid_panel_at (self->grid, width, grid_height (self, width, height), x, y);
  if (panel < 0)
    return FALSE;
  hit->panel = panel;
  hit->column = panel;
  ks_figure_cka_matrix_get_panel_layout (self, width, height, panel, &layout);
  if (!ks_figure_heatmap_hit (&layout, self->matrices[panel], x, y, hit))
    return FALSE;
  kind = ks_figure_kind_heading (self->kinds[panel], ks_result_get_n_samples_done (self->result));
  value = ks_format_number (hit->value, 3);
  g_snprintf (hit->readout, sizeof hit->readout, "%s: %s between layer %s and layer %s: %s",
              kind, ks_figure_cka_name (ks_result_get_cka_kind (self->result)),
              self->layer_names[hit->i], self->layer_names[hit->j], value);
  return TRUE;
}
