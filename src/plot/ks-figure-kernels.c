/* ks-figure-kernels.c: the figure of every layer's kernels, one row per kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-figure-kernels.h"

#include <math.h>

#include "ks-error.h"
#include "ks-figure-private.h"
#include "ks-text.h"
#include "ks-ticks.h"

/* Rows whose ranges each cover this much of their union share one colour bar. */
#define SHARED_RANGE_COVERAGE 0.7
/* A row's colours span its central 1 - 2 TAIL of entries instead of all of them when the
 * extremes stretch the range more than STRETCH-fold: a few points of large norm would
 * otherwise leave every other entry in one dull colour. */
#define RANGE_TAIL 0.005
#define RANGE_STRETCH 1.5
/* Entries sorted to find those quantiles, at most (a regular subsample beyond). */
#define RANGE_MAX_VALUES 250000

static const KsKernelKind row_kinds[] = {
  KS_KERNEL_NNGP, KS_KERNEL_SAMPLE, KS_KERNEL_SAMPLE_MEAN, KS_KERNEL_POSTERIOR,
};

struct _KsFigureKernels
{
  KsResult      *result;
  KsDataset     *dataset;
  KsColormap     colormap;
  char          *footnote;

  guint          n_rows;
  KsKernelKind   kinds[G_N_ELEMENTS (row_kinds)];
  char          *row_headings[G_N_ELEMENTS (row_kinds)];
  KsRange        ranges[G_N_ELEMENTS (row_kinds)];      /* of the colours */
  KsRange        full_ranges[G_N_ELEMENTS (row_kinds)]; /* of the entries */
  gboolean       clipped;
  gboolean       shared_range;
  guint          n_columns;
  guint         *layers;

  /* Class of each point and the names of the classes, or NULL without labels. */
  const int     *labels;
  char         **class_names;
  guint          n_classes;

  KsFigureGrid  *grid;
};

guint
ks_figure_kernels_get_n_rows (KsFigureKernels *self)
{
  return self->n_rows;
}

guint
ks_figure_kernels_get_n_columns (KsFigureKernels *self)
{
  return self->n_columns;
}

KsKernelKind
ks_figure_kernels_get_row_kind (KsFigureKernels *self,
                                guint            row)
{
  g_return_val_if_fail (row < self->n_rows, KS_KERNEL_NNGP);
  return self->kinds[row];
}

guint
ks_figure_kernels_get_column_layer (KsFigureKernels *self,
                                    guint            column)
{
  g_return_val_if_fail (column < self->n_columns, 0);
  return self->layers[column];
}

KsRange
ks_figure_kernels_get_row_range (KsFigureKernels *self,
                                 guint            row)
{
  g_return_val_if_fail (row < self->n_rows, KS_RANGE_EMPTY);
  return self->ranges[row];
}

gboolean
ks_figure_kernels_has_shared_range (KsFigureKernels *self)
{
  return self->shared_range;
}

const gsl_matrix *
ks_figure_kernels_get_matrix (KsFigureKernels *self,
                              guint            row,
                              guint            column)
{
  g_return_val_if_fail (row < self->n_rows && column < self->n_columns, NULL);
  return ks_result_get_kernel (self->result, self->kinds[row], self->layers[column]);
}

static KsMatrixView
matrix_view (const gsl_matrix *m)
{
  return (KsMatrixView) { m->data, m->size1, m->size2, m->tda };
}

/* ---- construction ---- */

static gboolean
choose_columns (KsFigureKernels      *self,
                const KsFigureStyle  *style,
                GError              **error)
{
  guint n_layers = ks_result_get_n_layers (self->result);

  if (style->layers == NULL || style->n_layers == 0)
    {
      self->layers = g_new (guint, KS_FIGURE_MAX_AUTO_LAYERS);
      self->n_columns = ks_figure_choose_layers (n_layers, self->layers);
      return self->n_columns > 0 ||
             (g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                                   "the network has no layers to draw"), FALSE);
    }
  for (guint c = 0; c < style->n_layers; c++)
    if (style->layers[c] >= n_layers)
      {
        g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                     "the network has %u layers, so there is no layer %u to draw",
                     n_layers, style->layers[c] + 1);
        return FALSE;
      }
  self->layers = g_memdup2 (style->layers, style->n_layers * sizeof (guint));
  self->n_columns = style->n_layers;
  return TRUE;
}

static gboolean
choose_rows (KsFigureKernels  *self,
             GError          **error)
{
  for (guint k = 0; k < G_N_ELEMENTS (row_kinds); k++)
    if (ks_result_has_kernels (self->result, row_kinds[k]))
      self->kinds[self->n_rows++] = row_kinds[k];
  if (self->n_rows > 0)
    return TRUE;
  g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                       "the result has no kernels to draw yet");
  return FALSE;
}

static double
range_span (const KsRange *range)
{
  return range->hi - range->lo;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The finite entries i <= j of a row's panels (the kernels are symmetric), every k-th
 * when there are too many, sorted. */
static GArray *
row_entries (KsFigureKernels *self,
             guint            row)
{
  gsize p = ks_dataset_get_n_points (self->dataset);
  gsize total = self->n_columns * p * (p + 1) / 2;
  gsize stride = (total + RANGE_MAX_VALUES - 1) / RANGE_MAX_VALUES;
  GArray *values = g_array_sized_new (FALSE, FALSE, sizeof (double), total / stride + 1);
  gsize k = 0;

  for (guint c = 0; c < self->n_columns; c++)
    {
      const gsl_matrix *m = ks_figure_kernels_get_matrix (self, row, c);

      for (gsize i = 0; m != NULL && i < p; i++)
        for (gsize j = i; j < p; j++, k++)
          {
            double value = gsl_matrix_get (m, i, j);

            if (k % stride == 0 && isfinite (value))
              g_array_append_val (values, value);
          }
    }
  g_array_sort (values, compare_doubles);
  return values;
}

/* All of the row's entries, or their central part when the extremes are far out. */
static KsRange
row_range (KsFigureKernels *self,
           guint            row,
           gboolean        *clipped)
{
  g_autoptr(GArray) values = row_entries (self, row);
  const double *v = (const double *) values->data;
  gsize n = values->len;
  KsRange full;
  KsRange central;

  *clipped = FALSE;
  if (n == 0)
    return KS_RANGE_EMPTY;
  full = (KsRange) { v[0], v[n - 1] };
  central = (KsRange) { v[(gsize) floor (RANGE_TAIL * (n - 1))],
                        v[(gsize) ceil ((1.0 - RANGE_TAIL) * (n - 1))] };
  self->full_ranges[row] = full;
  if (central.hi > central.lo && full.hi - full.lo > RANGE_STRETCH * (central.hi - central.lo))
    {
      *clipped = TRUE;
      return central;
    }
  return full;
}

/* One range per row over its panels; the union for every row when each row's range
 * covers most of it. */
static void
choose_ranges (KsFigureKernels *self)
{
  gboolean diverging = ks_colormap_is_diverging (self->colormap);
  KsRange all = KS_RANGE_EMPTY;

  for (guint r = 0; r < self->n_rows; r++)
    {
      gboolean clipped;
      KsRange range = row_range (self, r, &clipped);

      self->clipped = self->clipped || clipped;
      ks_heatmap_range_settle (&range, diverging);
      self->ranges[r] = range;
      ks_range_include (&all, range.lo);
      ks_range_include (&all, range.hi);
    }

  self->shared_range = TRUE;
  for (guint r = 0; r < self->n_rows; r++)
    if (range_span (&self->ranges[r]) < SHARED_RANGE_COVERAGE * range_span (&all))
      self->shared_range = FALSE;
  if (self->shared_range)
    for (guint r = 0; r < self->n_rows; r++)
      self->ranges[r] = all;
}

static void
take_classes (KsFigureKernels *self)
{
  if (!ks_dataset_has_labels (self->dataset))
    return;
  self->labels = ks_dataset_get_labels (self->dataset);
  self->n_classes = ks_dataset_get_n_classes (self->dataset);
  self->class_names = g_new0 (char *, self->n_classes + 1);
  for (guint c = 0; c < self->n_classes; c++)
    self->class_names[c] = g_strdup (ks_dataset_get_class_name (self->dataset, c));
}

static void
panel_style (KsFigureKernels *self,
             guint            row,
             guint            column,
             KsHeatmapStyle  *style)
{
  ks_heatmap_style_init (style);
  style->colormap = self->colormap;
  style->vmin = self->ranges[row].lo;
  style->vmax = self->ranges[row].hi;
  style->diverging = ks_colormap_is_diverging (self->colormap);
  style->row_classes = self->labels;
  style->col_classes = self->labels;
  style->class_names = (const char * const *) self->class_names;
  style->n_class_names = self->n_classes;
  /* Class names on the outer panels only; every panel keeps their room, so that the
   * cells of all panels are one size and line up. */
  style->show_row_labels = column == 0;
  style->show_col_labels = row == self->n_rows - 1;
  style->reserve_label_space = TRUE;
}

/* The fewest points of one class: the narrowest block between separators. */
static gsize
smallest_class (KsFigureKernels *self)
{
  gsize p = ks_dataset_get_n_points (self->dataset);
  gsize smallest = p;
  gsize start = 0;

  if (self->labels == NULL)
    return p;
  for (gsize i = 1; i <= p; i++)
    if (i == p || self->labels[i] != self->labels[start])
      {
        smallest = MIN (smallest, i - start);
        start = i;
      }
  return MAX (smallest, 1);
}

/* Class separators at most a tenth of the narrowest class block wide, so that many small
 * panels do not turn into grids of white lines. */
static double
separator_width (KsFigureKernels      *self,
                 const KsRect         *rect,
                 const KsHeatmapStyle *style,
                 const KsPlotTheme    *theme)
{
  gsize p = ks_dataset_get_n_points (self->dataset);
  KsHeatmapLayout layout;

  ks_heatmap_layout (rect, p, p, style, theme, &layout);
  return MIN (theme->separator_line_width, 0.1 * layout.cell_size * smallest_class (self));
}

static void
draw_panel (cairo_t      *cr,
            const KsRect *rect,
            guint         panel,
            gpointer      user_data)
{
  KsFigureKernels *self = user_data;
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  guint row = panel / self->n_columns;
  guint column = panel % self->n_columns;
  const gsl_matrix *m = ks_figure_kernels_get_matrix (self, row, column);
  KsHeatmapStyle style;
  KsMatrixView view;
  KsPlotTheme thin;

  if (m == NULL)
    {
      ks_text_draw (cr, theme, KS_TEXT_ROLE_NOTE, "not computed", NULL,
                    rect->x + rect->width / 2, rect->y + rect->height / 2, 0.5, 0.5,
                    KS_TEXT_HORIZONTAL);
      return;
    }
  panel_style (self, row, column, &style);
  view = matrix_view (m);
  /* A shallow copy: the heatmap only reads the theme. */
  thin = *theme;
  thin.separator_line_width = separator_width (self, rect, &style, theme);
  ks_heatmap_draw (cr, rect, &view, &style, &thin);
}

static KsRect
panel_content (const KsRect *rect,
               guint         panel,
               gpointer      user_data)
{
  KsFigureKernels *self = user_data;
  guint row = panel / self->n_columns;
  guint column = panel % self->n_columns;
  gsize p = ks_dataset_get_n_points (self->dataset);
  KsHeatmapStyle style;
  KsHeatmapLayout layout;

  panel_style (self, row, column, &style);
  ks_heatmap_layout (rect, p, p, &style, ks_figure_grid_get_theme (self->grid), &layout);
  return layout.cells;
}

static char *
default_title (KsFigureKernels *self)
{
  return g_strdup_printf ("Kernels layer by layer: %s, P = %u points",
                          ks_dataset_get_name (self->dataset),
                          ks_dataset_get_n_points (self->dataset));
}

/* "−1.21 to 10.5" */
static char *
describe_range (const KsRange *range)
{
  g_autofree char *lo = ks_format_number (range->lo, 3);
  g_autofree char *hi = ks_format_number (range->hi, 3);

  return g_strdup_printf ("%s to %s", lo, hi);
}

static void
append_range_note (KsFigureKernels *self,
                   GString         *text)
{
  KsRange all = KS_RANGE_EMPTY;
  g_autofree char *colours = describe_range (&self->ranges[0]);
  g_autofree char *entries = NULL;

  for (guint r = 0; r < self->n_rows; r++)
    if (!ks_range_is_empty (&self->full_ranges[r]))
      {
        ks_range_include (&all, self->full_ranges[r].lo);
        ks_range_include (&all, self->full_ranges[r].hi);
      }
  entries = describe_range (&all);
  if (self->shared_range)
    g_string_append_printf (text, " One colour range for every panel, %s", colours);
  else
    g_string_append (text, " One colour range for each row, Kᵢⱼ on its bar");
  if (self->clipped)
    g_string_append_printf (text, ": the central 99 %% of the entries, colours saturating "
                            "beyond (all entries lie in %s).", entries);
  else
    g_string_append (text, ".");
}

static char *
default_footnote (KsFigureKernels *self)
{
  g_autofree char *stack = ks_figure_stack_text (ks_result_get_stack (self->result));
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "Network %s. Each panel: the P × P kernel K(xᵢ, xⱼ) after "
                          "the layer", stack);
  if (self->labels != NULL)
    g_string_append (text, ", points sorted by class (lines separate the classes)");
  if (ks_result_has_kernels (self->result, KS_KERNEL_SAMPLE))
    g_string_append (text, "; finite-width networks drawn from the prior");
  g_string_append_c (text, '.');
  append_range_note (self, text);
  return g_string_free (text, FALSE);
}

/* A bar beside one row is only a row high: it gets the symbol, the footnote the words. */
static const char *
colorbar_label (KsFigureKernels *self)
{
  if (!self->shared_range)
    return "Kᵢⱼ";
  return self->clipped ? "kernel entry Kᵢⱼ (central 99 %)" : "kernel entry Kᵢⱼ";
}

static void
build_grid (KsFigureKernels     *self,
            const KsFigureStyle *style,
            const KsPlotTheme   *theme)
{
  g_autofree char *title = default_title (self);
  KsColorbarStyle bar;

  self->grid = ks_figure_grid_new (self->n_rows, self->n_columns);
  ks_figure_grid_set_theme (self->grid, theme);
  ks_figure_grid_set_title (self->grid, ks_figure_text_or_default (style->title, title));
  for (guint r = 0; r < self->n_rows; r++)
    {
      self->row_headings[r] = ks_figure_kind_heading (self->kinds[r],
                                                      ks_result_get_n_samples_done (self->result));
      ks_figure_grid_set_row_heading (self->grid, r, self->row_headings[r]);
    }
  for (guint c = 0; c < self->n_columns; c++)
    {
      g_autofree char *heading = ks_figure_layer_heading (ks_result_get_stack (self->result),
                                                          self->layers[c]);

      ks_figure_grid_set_column_heading (self->grid, c, heading);
    }
  ks_figure_grid_set_panel_func (self->grid, draw_panel, self);
  ks_figure_grid_set_content_func (self->grid, panel_content);

  if (self->shared_range)
    {
      ks_colorbar_style_init (&bar, self->colormap, self->ranges[0].lo, self->ranges[0].hi,
                              colorbar_label (self));
      ks_figure_grid_set_shared_colorbar (self->grid, &bar);
    }
  else
    for (guint r = 0; r < self->n_rows; r++)
      {
        ks_colorbar_style_init (&bar, self->colormap, self->ranges[r].lo, self->ranges[r].hi,
                                colorbar_label (self));
        ks_figure_grid_set_row_colorbar (self->grid, r, &bar);
      }
}

KsFigureKernels *
ks_figure_kernels_new (KsResult            *result,
                       const KsFigureStyle *style,
                       const KsPlotTheme   *theme,
                       GError             **error)
{
  g_autoptr(KsFigureKernels) self = NULL;
  g_autofree char *footnote = NULL;

  g_return_val_if_fail (result != NULL && style != NULL && theme != NULL, NULL);

  self = g_new0 (KsFigureKernels, 1);
  self->result = ks_result_ref (result);
  self->dataset = ks_result_get_dataset (result);
  self->colormap = style->colormap;
  for (guint r = 0; r < G_N_ELEMENTS (row_kinds); r++)
    self->full_ranges[r] = KS_RANGE_EMPTY;
  if (!choose_columns (self, style, error) || !choose_rows (self, error))
    return NULL;
  choose_ranges (self);
  take_classes (self);
  build_grid (self, style, theme);
  footnote = default_footnote (self);
  self->footnote = g_strdup (ks_figure_text_or_default (style->footnote, footnote));
  return g_steal_pointer (&self);
}

void
ks_figure_kernels_free (KsFigureKernels *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->grid, ks_figure_grid_free);
  /* Not g_strfreev (): classes without a name leave NULL holes. */
  for (guint c = 0; c < self->n_classes; c++)
    g_free (self->class_names[c]);
  g_free (self->class_names);
  for (guint r = 0; r < self->n_rows; r++)
    g_free (self->row_headings[r]);
  g_free (self->layers);
  g_free (self->footnote);
  g_clear_pointer (&self->result, ks_result_unref);
  g_free (self);
}

/* ---- layout and drawing ---- */

/* The grid measures rotated row headings against an estimate of the row height but draws
 * them wrapped to the panel's height: broken into lines that fit the panel beforehand,
 * they keep the same lines both times and never run into the class names. The panels'
 * height does not depend on the row headings, only their width does. */
static void
break_row_headings (KsFigureKernels *self,
                    double           width,
                    double           grid_height)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  KsRect panel = ks_figure_grid_get_panel_rect (self->grid, width, grid_height, 0);

  for (guint r = 0; r < self->n_rows; r++)
    {
      g_autofree char *lines = ks_figure_break_lines (theme, KS_TEXT_ROLE_HEADING,
                                                      self->row_headings[r],
                                                      panel.height - 1.0);

      ks_figure_grid_set_row_heading (self->grid, r, lines);
    }
}

/* Where a panel's heatmap falls in a grid width x grid_height. */
static void
layout_in_grid (KsFigureKernels *self,
                double           width,
                double           grid_height,
                guint            row,
                guint            column,
                KsHeatmapLayout *layout)
{
  KsRect rect = ks_figure_grid_get_panel_rect (self->grid, width, grid_height,
                                               row * self->n_columns + column);
  gsize p = ks_dataset_get_n_points (self->dataset);
  KsHeatmapStyle style;

  panel_style (self, row, column, &style);
  ks_heatmap_layout (&rect, p, p, &style, ks_figure_grid_get_theme (self->grid), layout);
}

/* A colour bar is as long as the cells of the rows it serves: its label is the words
 * when they fit along it, else the symbol. */
static void
fit_colorbar_labels (KsFigureKernels *self,
                     double           width,
                     double           grid_height)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  const char *label = colorbar_label (self);
  KsHeatmapLayout top;
  KsHeatmapLayout bottom;
  KsColorbarStyle bar;
  double label_width;

  if (!self->shared_range)
    return;
  layout_in_grid (self, width, grid_height, 0, 0, &top);
  layout_in_grid (self, width, grid_height, self->n_rows - 1, 0, &bottom);
  ks_text_measure (theme, KS_TEXT_ROLE_LABEL, label, 0, &label_width, NULL);
  if (label_width > bottom.cells.y + bottom.cells.height - top.cells.y)
    label = "Kᵢⱼ";
  ks_colorbar_style_init (&bar, self->colormap, self->ranges[0].lo, self->ranges[0].hi, label);
  ks_figure_grid_set_shared_colorbar (self->grid, &bar);
}

/* The height of the grid above the footnote, with the headings and colour bar labels
 * made to fit it. */
static double
grid_height (KsFigureKernels *self,
             double           width,
             double           height)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  double grid = MAX (height - ks_figure_footnote_height (theme, self->footnote, width), 1.0);

  break_row_headings (self, width, grid);
  fit_colorbar_labels (self, width, grid);
  return grid;
}

void
ks_figure_kernels_get_panel_layout (KsFigureKernels *self,
                                    double           width,
                                    double           height,
                                    guint            row,
                                    guint            column,
                                    KsHeatmapLayout *layout)
{
  g_return_if_fail (self != NULL && layout != NULL);
  g_return_if_fail (row < self->n_rows && column < self->n_columns);

  layout_in_grid (self, width, grid_height (self, width, height), row, column, layout);
}

/* Whether the cells are as large as the panels' width allows. */
static gboolean
cells_fill_width (double   width,
                  double   height,
                  gpointer user_data)
{
  KsFigureKernels *self = user_data;
  gsize p = ks_dataset_get_n_points (self->dataset);
  double grid = grid_height (self, width, height);
  KsHeatmapLayout layout;
  KsRect rect;

  layout_in_grid (self, width, grid, 0, 0, &layout);
  rect = ks_figure_grid_get_panel_rect (self->grid, width, grid, 0);
  return layout.cell_size >= 0.999 * (rect.width - layout.row_label_width) / p;
}

double
ks_figure_kernels_preferred_height (KsFigureKernels *self,
                                    double           width)
{
  double tallest = 200.0 + 2.0 * width * self->n_rows / self->n_columns;

  g_return_val_if_fail (self != NULL, 0.0);
  return ks_figure_fit_height (width, 20.0, tallest, cells_fill_width, self);
}

void
ks_figure_kernels_draw (KsFigureKernels *self,
                        cairo_t         *cr,
                        double           width,
                        double           height)
{
  g_return_if_fail (self != NULL && cr != NULL);
  ks_figure_draw_with_footnote (cr, self->grid, self->footnote, width, height,
                                grid_height (self, width, height));
}

void
ks_figure_kernels_draw_func (cairo_t  *cr,
                             double    width,
                             double    height,
                             gpointer  user_data)
{
  ks_figure_kernels_draw (user_data, cr, width, height);
}

static char *
point_description (KsFigureKernels *self,
                   gsize            index)
{
  int klass;

  if (self->labels == NULL)
    return g_strdup_printf ("%zu", index + 1);
  klass = self->labels[index];
  if ((guint) klass < self->n_classes && self->class_names[klass] != NULL)
    return g_strdup_printf ("%zu (%s)", index + 1, self->class_names[klass]);
  return g_strdup_printf ("%zu (class %d)", index + 1, klass);
}

static void
describe_hit (KsFigureKernels *self,
              KsFigureHit     *hit)
{
  g_autofree char *kind = ks_figure_kind_heading (self->kinds[hit->row],
                                                  ks_result_get_n_samples_done (self->result));
  g_autofree char *layer = ks_figure_layer_heading (ks_result_get_stack (self->result),
                                                    self->layers[hit->column]);
  g_autofree char *row = point_description (self, hit->i);
  g_autofree char *column = point_description (self, hit->j);
  g_autofree char *value = ks_format_number (hit->value, 4);

  g_snprintf (hit->readout, sizeof hit->readout, "%s, layer %s: row %s, column %s: %s",
              kind, layer, row, column, value);
}

gboolean
ks_figure_kernels_hit (KsFigureKernels *self,
                       double           width,
                       double           height,
                       double           x,
                       double           y,
                       KsFigureHit     *hit)
{
  const gsl_matrix *m;
  KsHeatmapLayout layout;
  KsMatrixView view;
  int panel;

  g_return_val_if_fail (self != NULL && hit != NULL, FALSE);

  ks_figure_hit_init (hit);
  panel = ks_figure_grid_panel_at (self->grid, width, grid_height (self, width, height), x, y);
  if (panel < 0)
    return FALSE;
  hit->panel = panel;
  hit->row = panel / self->n_columns;
  hit->column = panel % self->n_columns;
  m = ks_figure_kernels_get_matrix (self, hit->row, hit->column);
  if (m == NULL)
    return FALSE;
  layout_in_grid (self, width, grid_height (self, width, height), hit->row, hit->column, &layout);
  view = matrix_view (m);
  if (!ks_heatmap_hit (&layout, &view, x, y, &hit->i, &hit->j, &hit->value))
    return FALSE;
  hit->in_cells = TRUE;
  hit->cell = ks_rect_make (layout.cells.x + hit->j * layout.cell_size,
                            layout.cells.y + hit->i * layout.cell_size,
                            layout.cell_size, layout.cell_size);
  if (self->labels != NULL)
    {
      hit->class_i = self->labels[hit->i];
      hit->class_j = self->labels[hit->j];
    }
  describe_hit (self, hit);
  return TRUE;
}
