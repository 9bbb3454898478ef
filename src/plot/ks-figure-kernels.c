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

  /* KS_FIGURE_RANGES_PANEL: each panel's own colour range (row by row), and whether its
   * extremes were left to saturate. */
  KsFigureRanges range_mode;
  KsRange       *panel_ranges;
  gboolean      *panel_clipped;

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

KsRange
ks_figure_kernels_get_panel_range (KsFigureKernels *self,
                                   guint            row,
                                   guint            column)
{
  g_return_val_if_fail (row < self->n_rows && column < self->n_columns, KS_RANGE_EMPTY);
  if (self->range_mode == KS_FIGURE_RANGES_PANEL)
    return self->panel_ranges[row * self->n_columns + column];
  return self->ranges[row];
}

gboolean
ks_figure_kernels_has_shared_range (KsFigureKernels *self)
{
  return self->shared_range;
}

KsFigureRanges
ks_figure_kernels_get_ranges (KsFigureKernels *self)
{
  return self->range_mode;
}

const gsl_matrix *
ks_figure_kernels_get_matrix (KsFigureKernels *self,
                              guint            row,
                              guint            column)
{
  g_return_val_if_fail (row < self->n_rows && column < self->n_columns, NULL);
  return ks_result_get_kernel (self->result, self->kinds[row], self->layers[column]);
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
choose_rows (KsFigureKernels      *self,
             const KsFigureStyle  *style,
             GError              **error)
{
  for (guint k = 0; k < G_N_ELEMENTS (row_kinds); k++)
    if (ks_result_has_kernels (self->result, row_kinds[k]) &&
        (row_kinds[k] != KS_KERNEL_POSTERIOR || style->show_posterior))
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

/* The finite entries i <= j (the kernels are symmetric) of a row's panels in columns
 * first .. last, every k-th when there are too many, sorted. */
static GArray *
panel_entries (KsFigureKernels *self,
               guint            row,
               guint            first,
               guint            last)
{
  gsize p = ks_dataset_get_n_points (self->dataset);
  gsize total = (last - first + 1) * p * (p + 1) / 2;
  gsize stride = (total + RANGE_MAX_VALUES - 1) / RANGE_MAX_VALUES;
  GArray *values = g_array_sized_new (FALSE, FALSE, sizeof (double), total / stride + 1);
  gsize k = 0;

  for (guint c = first; c <= last; c++)
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

/* All of the sorted values, or their central part when the extremes are far out; full
 * gets the whole range. */
static KsRange
values_range (GArray   *values,
              KsRange  *full,
              gboolean *clipped)
{
  const double *v = (const double *) values->data;
  gsize n = values->len;
  KsRange central;

  *clipped = FALSE;
  *full = KS_RANGE_EMPTY;
  if (n == 0)
    return KS_RANGE_EMPTY;
  *full = (KsRange) { v[0], v[n - 1] };
  central = (KsRange) { v[(gsize) floor (RANGE_TAIL * (n - 1))],
                        v[(gsize) ceil ((1.0 - RANGE_TAIL) * (n - 1))] };
  if (central.hi > central.lo && full->hi - full->lo > RANGE_STRETCH * (central.hi - central.lo))
    {
      *clipped = TRUE;
      return central;
    }
  return *full;
}

static KsRange
row_range (KsFigureKernels *self,
           guint            row,
           gboolean        *clipped)
{
  g_autoptr(GArray) values = panel_entries (self, row, 0, self->n_columns - 1);

  return values_range (values, &self->full_ranges[row], clipped);
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

/* Each panel its own range, by the rule of the rows; the rows keep theirs for the
 * footnote's full ranges. One colour bar, of positions within a range, serves all. */
static void
choose_panel_ranges (KsFigureKernels *self)
{
  gboolean diverging = ks_colormap_is_diverging (self->colormap);
  guint n_panels = self->n_rows * self->n_columns;

  self->panel_ranges = g_new (KsRange, n_panels);
  self->panel_clipped = g_new0 (gboolean, n_panels);
  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < self->n_columns; c++)
      {
        g_autoptr(GArray) values = panel_entries (self, r, c, c);
        guint panel = r * self->n_columns + c;
        KsRange full;
        KsRange range = values_range (values, &full, &self->panel_clipped[panel]);

        self->clipped = self->clipped || self->panel_clipped[panel];
        ks_heatmap_range_settle (&range, diverging);
        self->panel_ranges[panel] = range;
      }
  self->shared_range = TRUE;
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
  style->vmin = ks_figure_kernels_get_panel_range (self, row, column).lo;
  style->vmax = ks_figure_kernels_get_panel_range (self, row, column).hi;
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

/* Per-panel ranges are written above each panel's cells, in this much room. */
static double
annotation_height (const KsPlotTheme *theme)
{
  double height;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, "0123456789", 0, NULL, &height);
  return height + theme->padding / 2;
}

/* Where a panel's heatmap goes within the panel. */
static KsRect
heatmap_rect (KsFigureKernels   *self,
              const KsRect      *rect,
              const KsPlotTheme *theme)
{
  if (self->range_mode != KS_FIGURE_RANGES_PANEL)
    return *rect;
  return ks_rect_inset (rect, 0, annotation_height (theme), 0, 0);
}

/* "−0.66 … 3.04", with a star when the extremes saturate. */
static char *
describe_panel_range (const KsRange *range,
                      gboolean       clipped,
                      int            significant)
{
  g_autofree char *lo = ks_format_number (range->lo, significant);
  g_autofree char *hi = ks_format_number (range->hi, significant);

  return g_strdup_printf ("%s … %s%s", lo, hi, clipped ? "*" : "");
}

/* The digits and the size (a factor on the tick font) that let every panel's range fit
 * in the room above its cells: three digits when all fit, else two, made smaller as much as the
 * widest needs, so that the ranges read alike and neighbours never run together. */
static int
panel_range_digits (KsFigureKernels   *self,
                    double             room,
                    const KsPlotTheme *theme,
                    double            *shrink)
{
  guint n_panels = self->n_rows * self->n_columns;
  double widest = 0.0;
  int digits = 3;

  for (guint pass = 0; pass < 2; pass++, digits--)
    {
      widest = 0.0;
      for (guint panel = 0; panel < n_panels; panel++)
        {
          g_autofree char *text = describe_panel_range (&self->panel_ranges[panel],
                                                        self->panel_clipped[panel], digits);
          double width;

          ks_text_measure (theme, KS_TEXT_ROLE_TICK, text, 0, &width, NULL);
          widest = MAX (widest, width);
        }
      if (widest <= room)
        break;
    }
  digits = MAX (digits, 2);
  *shrink = widest > room && room > 0.0 ? room / widest : 1.0;
  return digits;
}

static void
draw_panel_range (KsFigureKernels       *self,
                  cairo_t               *cr,
                  const KsHeatmapLayout *layout,
                  guint                  panel,
                  const KsPlotTheme     *theme)
{
  /* Centred on the cells, the range may reach half of the room kept for class names
   * into that room on its left, and as far on its right, where the gap and the next
   * panel's room lie. */
  double room = layout->cells.width + layout->row_label_width;
  double shrink;
  int digits = panel_range_digits (self, room, theme, &shrink);
  g_autofree char *text = describe_panel_range (&self->panel_ranges[panel],
                                                self->panel_clipped[panel], digits);

  cairo_save (cr);
  cairo_translate (cr, layout->cells.x + layout->cells.width / 2,
                   layout->cells.y - theme->padding / 4);
  cairo_scale (cr, shrink, shrink);
  ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, text, NULL, 0.0, 0.0, 0.5, 1.0,
                KS_TEXT_HORIZONTAL);
  cairo_restore (cr);
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
  KsRect cells;

  if (m == NULL)
    {
      ks_text_draw (cr, theme, KS_TEXT_ROLE_NOTE, "not computed", NULL,
                    rect->x + rect->width / 2, rect->y + rect->height / 2, 0.5, 0.5,
                    KS_TEXT_HORIZONTAL);
      return;
    }
  panel_style (self, row, column, &style);
  view = ks_figure_matrix_view (m);
  cells = heatmap_rect (self, rect, theme);
  /* A shallow copy: the heatmap only reads the theme. */
  thin = *theme;
  thin.separator_line_width = separator_width (self, &cells, &style, theme);
  ks_heatmap_draw (cr, &cells, &view, &style, &thin);
  if (self->range_mode == KS_FIGURE_RANGES_PANEL)
    {
      KsHeatmapLayout layout;

      ks_heatmap_layout (&cells, m->size1, m->size2, &style, theme, &layout);
      draw_panel_range (self, cr, &layout, panel, theme);
    }
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
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  KsRect cells = heatmap_rect (self, rect, theme);
  KsHeatmapStyle style;
  KsHeatmapLayout layout;

  panel_style (self, row, column, &style);
  ks_heatmap_layout (&cells, p, p, &style, theme, &layout);
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
  if (self->range_mode == KS_FIGURE_RANGES_PANEL)
    {
      g_string_append (text, " Each panel has its own colour range, written above it "
                       "(lowest … highest colour), so that every layer shows its own "
                       "structure; equal colours in two panels need not be equal values");
      if (self->clipped)
        g_string_append_printf (text, ". *: the central 99 %% of the panel's entries, "
                                "colours saturating beyond (all entries lie in %s).", entries);
      else
        g_string_append (text, ".");
      return;
    }
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
  for (guint r = 0; r < self->n_rows; r++)
    if (self->kinds[r] == KS_KERNEL_POSTERIOR)
      {
        g_autofree char *posterior = ks_figure_posterior_note (self->result);

        g_string_append (text, posterior);
      }
  return g_string_free (text, FALSE);
}

/* A bar beside one row is only a row high: it gets the symbol, the footnote the words.
 * With a range per panel the bar maps positions within a panel's range. */
static const char *
colorbar_label (KsFigureKernels *self)
{
  if (self->range_mode == KS_FIGURE_RANGES_PANEL)
    return ks_colormap_is_diverging (self->colormap)
           ? "Kᵢⱼ / bound of its panel (bounds above the panels)"
           : "(Kᵢⱼ − low) / (high − low) of its panel (above it)";
  if (!self->shared_range)
    return "Kᵢⱼ";
  return self->clipped ? "kernel entry Kᵢⱼ (central 99 %)" : "kernel entry Kᵢⱼ";
}

static const char *
colorbar_symbol (KsFigureKernels *self)
{
  return self->range_mode == KS_FIGURE_RANGES_PANEL ? "Kᵢⱼ in its panel's range" : "Kᵢⱼ";
}

/* The values at the ends of the shared bar. */
static KsRange
colorbar_range (KsFigureKernels *self)
{
  if (self->range_mode != KS_FIGURE_RANGES_PANEL)
    return self->ranges[0];
  return ks_colormap_is_diverging (self->colormap) ? (KsRange) { -1.0, 1.0 }
                                                   : (KsRange) { 0.0, 1.0 };
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
      self->row_headings[r] = ks_figure_result_kind_heading (self->result, self->kinds[r]);
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
      KsRange range = colorbar_range (self);

      ks_colorbar_style_init (&bar, self->colormap, range.lo, range.hi, colorbar_label (self));
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
  self->range_mode = style->ranges;
  if (!choose_columns (self, style, error) || !choose_rows (self, style, error))
    return NULL;
  choose_ranges (self);
  if (self->range_mode == KS_FIGURE_RANGES_PANEL)
    choose_panel_ranges (self);
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
  g_free (self->panel_ranges);
  g_free (self->panel_clipped);
  g_free (self->footnote);
  g_clear_pointer (&self->result, ks_result_unref);
  g_free (self);
}

/* ---- layout and drawing ---- */

/* Where a panel's heatmap falls in a grid width x grid_height. */
static void
layout_in_grid (KsFigureKernels *self,
                double           width,
                double           grid_height,
                guint            row,
                guint            column,
                KsHeatmapLayout *layout)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  KsRect panel = ks_figure_grid_get_panel_rect (self->grid, width, grid_height,
                                                row * self->n_columns + column);
  KsRect rect = heatmap_rect (self, &panel, theme);
  gsize p = ks_dataset_get_n_points (self->dataset);
  KsHeatmapStyle style;

  panel_style (self, row, column, &style);
  ks_heatmap_layout (&rect, p, p, &style, theme, layout);
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
  KsRange range = colorbar_range (self);
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
    label = colorbar_symbol (self);
  ks_colorbar_style_init (&bar, self->colormap, range.lo, range.hi, label);
  ks_figure_grid_set_shared_colorbar (self->grid, &bar);
}

/* The height of the grid above the footnote, with the colour bar's label made to fit
 * it. */
static double
grid_height (KsFigureKernels *self,
             double           width,
             double           height)
{
  double grid = ks_figure_grid_height (self->grid, self->footnote, width, height);

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
  /* In a figure too low for its headings (wrapped a word or a letter to a line, they
   * leave the panels no width) nothing fits. */
  if (rect.width - layout.row_label_width <= 0.0 || layout.cell_size <= 0.0)
    return FALSE;
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
  g_autofree char *kind = ks_figure_result_kind_heading (self->result, self->kinds[hit->row]);
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
  if (!ks_figure_heatmap_hit (&layout, m, x, y, hit))
    return FALSE;
  if (self->labels != NULL)
    {
      hit->class_i = self->labels[hit->i];
      hit->class_j = self->labels[hit->j];
    }
  describe_hit (self, hit);
  return TRUE;
}
