/* ks-figure-cka-depth.c: the figure of each layer's CKA to the input and to the output
 * against depth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-figure-cka-depth.h"

#include <math.h>

#include "ks-error.h"
#include "ks-figure-private.h"
#include "ks-line-plot.h"
#include "ks-text.h"
#include "ks-ticks.h"

/* Height of a panel's box relative to its width. */
#define PANEL_ASPECT 0.78
/* A hover read-out names the curve point within this distance, in points. */
#define HIT_RADIUS 8.0
/* Length of a line sample in the legend, in points. */
#define LEGEND_SAMPLE_LENGTH 18.0

typedef struct
{
  KsKernelKind kind;
  guint        color;
  KsMarker     marker;
  KsLineStyle  line;
} CurveLook;

/* The infinite network first, drawn plain; the prior sample dashed; the posterior, the
 * figure's point, in a strong colour with its own marker. */
static const CurveLook curve_looks[] = {
  { KS_KERNEL_NNGP, 0, KS_MARKER_CIRCLE, KS_LINE_SOLID },
  { KS_KERNEL_SAMPLE, 1, KS_MARKER_SQUARE, KS_LINE_DASHED },
  { KS_KERNEL_POSTERIOR, 2, KS_MARKER_TRIANGLE, KS_LINE_SOLID },
};

/* Consecutive layers whose features are finitely many: a finite dense layer and the
 * nonlinearities after it. */
typedef struct
{
  guint first;   /* depths, from 1 */
  guint last;
  guint width;
} FiniteBand;

struct _KsFigureCkaDepth
{
  KsResult      *result;
  char          *footnote;
  guint          n_layers;
  guint          n_curves;
  KsKernelKind   kinds[G_N_ELEMENTS (curve_looks)];
  GPtrArray     *series[KS_CKA_DEPTH_N_PANELS];   /* KsFigureSeries, one per curve */
  KsKernelKind   series_kinds[KS_CKA_DEPTH_N_PANELS][G_N_ELEMENTS (curve_looks)];
  KsLinePlot    *plots[KS_CKA_DEPTH_N_PANELS];
  GArray        *bands;                          /* FiniteBand */
  KsFigureGrid  *grid;
};

static const char * const panel_titles[KS_CKA_DEPTH_N_PANELS] = {
  "CKA to the input kernel K₀",
  "CKA to the output kernel YYᵀ",
};

guint
ks_figure_cka_depth_get_n_curves (KsFigureCkaDepth *self,
                                  KsCkaDepthPanel   panel)
{
  g_return_val_if_fail (panel < KS_CKA_DEPTH_N_PANELS, 0);
  return self->series[panel]->len;
}

KsKernelKind
ks_figure_cka_depth_get_curve_kind (KsFigureCkaDepth *self,
                                    KsCkaDepthPanel   panel,
                                    guint             curve)
{
  g_return_val_if_fail (panel < KS_CKA_DEPTH_N_PANELS && curve < self->series[panel]->len,
                        KS_KERNEL_NNGP);
  return self->series_kinds[panel][curve];
}

double
ks_figure_cka_depth_get_value (KsFigureCkaDepth *self,
                               KsCkaDepthPanel   panel,
                               guint             curve,
                               guint             depth)
{
  const KsFigureSeries *series;

  g_return_val_if_fail (panel < KS_CKA_DEPTH_N_PANELS, NAN);
  if (curve >= self->series[panel]->len || depth > self->n_layers)
    return NAN;
  series = g_ptr_array_index (self->series[panel], curve);
  return series->y[depth];
}

/* ---- the data ---- */

/* The bandwidth the run used for RBF CKA, from its settings (1 when not recorded). */
static double
result_cka_tau (KsResult *result)
{
  g_autoptr(JsonNode) summary = ks_result_to_summary_json (result);
  JsonObject *root = json_node_get_object (summary);
  JsonObject *experiment;

  if (!json_object_has_member (root, "experiment"))
    return 1.0;
  experiment = json_object_get_object_member (root, "experiment");
  if (experiment == NULL || !json_object_has_member (experiment, "tau"))
    return 1.0;
  return json_object_get_double_member (experiment, "tau");
}

/* CKA of the input kernel itself to the output kernel: where every curve of panel (b)
 * starts. NAN when it is undefined (e.g. a constant kernel). */
static double
input_to_output (KsResult *result)
{
  const gsl_matrix *output = ks_result_get_output_kernel (result);
  double value = NAN;

  if (output == NULL ||
      !ks_cka (ks_result_get_input_kernel (result), output, ks_result_get_cka_kind (result),
               result_cka_tau (result), &value, NULL))
    return NAN;
  return value;
}

/* What the legend calls a curve: the prior sample is one of many networks, the
 * posterior says how it was computed. */
static char *
curve_name (KsResult     *result,
            KsKernelKind  kind)
{
  if (kind == KS_KERNEL_SAMPLE)
    return g_strdup ("one finite-width network from the prior");
  return ks_figure_result_kind_heading (result, kind);
}

static void
add_curves (KsFigureCkaDepth *self,
            KsCkaDepthPanel   panel,
            double            at_input)
{
  g_autofree double *x = g_new (double, self->n_layers + 1);
  g_autofree double *y = g_new (double, self->n_layers + 1);

  self->series[panel] = g_ptr_array_new_with_free_func (ks_figure_series_free);
  for (guint c = 0; c < self->n_curves; c++)
    {
      const double *values = panel == KS_CKA_DEPTH_TO_INPUT
                             ? ks_result_get_cka_to_input (self->result, self->kinds[c])
                             : ks_result_get_cka_to_output (self->result, self->kinds[c]);
      g_autofree char *name = curve_name (self->result, self->kinds[c]);

      if (values == NULL)
        continue;
      self->series_kinds[panel][self->series[panel]->len] = self->kinds[c];
      x[0] = 0.0;
      y[0] = at_input;
      for (guint l = 0; l < self->n_layers; l++)
        {
          x[l + 1] = l + 1.0;
          y[l + 1] = values[l];
        }
      g_ptr_array_add (self->series[panel],
                       ks_figure_series_new (name, x, y, NULL, self->n_layers + 1));
    }
}

static gboolean
choose_curves (KsFigureCkaDepth  *self,
               GError           **error)
{
  for (guint c = 0; c < G_N_ELEMENTS (curve_looks); c++)
    if (ks_result_get_cka_to_input (self->result, curve_looks[c].kind) != NULL)
      self->kinds[self->n_curves++] = curve_looks[c].kind;
  if (self->n_curves > 0 && self->n_layers > 0)
    return TRUE;
  g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                       "the result has no CKA of its layers to draw yet");
  return FALSE;
}

static void
find_finite_bands (KsFigureCkaDepth *self)
{
  const KsStack *stack = ks_result_get_stack (self->result);
  guint width = KS_WIDTH_INFINITE;

  self->bands = g_array_new (FALSE, FALSE, sizeof (FiniteBand));
  for (guint l = 0; l < self->n_layers; l++)
    {
      const KsLayer *layer = ks_stack_get_layer (stack, l);
      FiniteBand *last = self->bands->len > 0
                         ? &g_array_index (self->bands, FiniteBand, self->bands->len - 1) : NULL;

      if (layer->kind == KS_LAYER_DENSE)
        width = layer->width;
      else if (!ks_layer_kind_is_nonlinearity (layer->kind))
        width = KS_WIDTH_INFINITE;
      if (width == KS_WIDTH_INFINITE)
        continue;
      if (last != NULL && last->last == l && layer->kind != KS_LAYER_DENSE)
        last->last = l + 1;
      else
        {
          FiniteBand band = { l + 1, l + 1, width };

          g_array_append_val (self->bands, band);
        }
    }
}

static const CurveLook *
look_of (KsKernelKind kind)
{
  for (guint c = 0; c < G_N_ELEMENTS (curve_looks); c++)
    if (curve_looks[c].kind == kind)
      return &curve_looks[c];
  return &curve_looks[0];
}

static KsLinePlot *
build_plot (KsFigureCkaDepth *self,
            KsCkaDepthPanel   panel)
{
  KsLinePlot *plot = ks_line_plot_new ();
  double lowest = 0.0;

  ks_line_plot_set_axis (plot, KS_AXIS_X, "depth (layer number; 0 is the input)",
                         KS_SCALE_LINEAR);
  ks_line_plot_set_axis (plot, KS_AXIS_Y, ks_figure_cka_name (ks_result_get_cka_kind (self->result)),
                         KS_SCALE_LINEAR);
  for (guint c = 0; c < self->series[panel]->len; c++)
    {
      const KsFigureSeries *series = g_ptr_array_index (self->series[panel], c);
      const CurveLook *look = look_of (self->series_kinds[panel][c]);
      guint index = ks_line_plot_add_series (plot, series->name, series->x, series->y, NULL,
                                             series->n);

      ks_line_plot_set_series_style (plot, index, look->marker, look->line, KS_ERROR_BAND);
      ks_line_plot_set_series_color (plot, index, look->color);
      for (gsize i = 0; i < series->n; i++)
        if (isfinite (series->y[i]))
          lowest = MIN (lowest, series->y[i]);
    }
  /* CKA lies in [0, 1]; the debiased estimate may dip below 0, and then the axis goes
   * down with it. A little room above 1 keeps markers at 1 whole. */
  ks_line_plot_set_axis_range (plot, KS_AXIS_X, -0.4, self->n_layers + 0.4);
  ks_line_plot_set_axis_range (plot, KS_AXIS_Y, lowest < 0.0 ? lowest - 0.05 : 0.0, 1.05);
  /* One legend under both panels hides nothing of either. */
  ks_line_plot_set_legend (plot, KS_LEGEND_NONE);
  ks_line_plot_set_empty_note (plot, panel == KS_CKA_DEPTH_TO_OUTPUT
                               ? "no outputs: the data has neither labels nor targets"
                               : "no data");
  return plot;
}

/* ---- drawing ---- */

static void
draw_bands (KsFigureCkaDepth   *self,
            cairo_t            *cr,
            const KsFigureAxes *axes)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  const KsRect *frame = &axes->frame;

  cairo_save (cr);
  cairo_rectangle (cr, frame->x, frame->y, frame->width, frame->height);
  cairo_clip (cr);
  for (guint b = 0; b < self->bands->len; b++)
    {
      const FiniteBand *band = &g_array_index (self->bands, FiniteBand, b);
      double left = ks_figure_axes_x (axes, band->first - 0.5);
      double right = ks_figure_axes_x (axes, band->last + 0.5);
      g_autofree char *label = g_strdup_printf ("width %u", band->width);
      double label_width;

      ks_color_set_source_alpha (cr, &theme->text, 0.08);
      cairo_rectangle (cr, left, frame->y, right - left, frame->height);
      cairo_fill (cr);
      ks_text_measure (theme, KS_TEXT_ROLE_NOTE, label, 0, &label_width, NULL);
      if (label_width <= right - left)
        {
          KsColor color = theme->text;

          color.alpha *= 0.65;
          ks_text_draw (cr, theme, KS_TEXT_ROLE_NOTE, label, &color, (left + right) / 2,
                        frame->y + frame->height - theme->padding, 0.5, 1.0,
                        KS_TEXT_HORIZONTAL);
        }
    }
  cairo_restore (cr);
}

static void
draw_panel (cairo_t      *cr,
            const KsRect *rect,
            guint         panel,
            gpointer      user_data)
{
  KsFigureCkaDepth *self = user_data;
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  KsFigureAxes axes;

  ks_figure_axes_probe (self->plots[panel], rect, theme, KS_SCALE_LINEAR, KS_SCALE_LINEAR,
                        &axes);
  if (self->series[panel]->len > 0)
    draw_bands (self, cr, &axes);
  ks_line_plot_draw (self->plots[panel], cr, rect, theme);
}

static KsRect
panel_content (const KsRect *rect,
               guint         panel,
               gpointer      user_data)
{
  KsFigureCkaDepth *self = user_data;

  return ks_line_plot_get_frame (self->plots[panel], rect,
                                 ks_figure_grid_get_theme (self->grid));
}

/* ---- the legend under the panels ---- */

static double
legend_row_height (const KsPlotTheme *theme)
{
  double text_height;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, "Ag", 0, NULL, &text_height);
  return MAX (text_height, theme->marker_size) + 2 * theme->padding;
}

static void
marker_path (cairo_t  *cr,
             KsMarker  marker,
             double    x,
             double    y,
             double    size)
{
  double r = size / 2;

  switch (marker)
    {
    case KS_MARKER_SQUARE:
      cairo_rectangle (cr, x - 0.9 * r, y - 0.9 * r, 1.8 * r, 1.8 * r);
      break;
    case KS_MARKER_TRIANGLE:
      cairo_move_to (cr, x, y - 1.3 * r);
      cairo_line_to (cr, x + 1.3 * r * 0.866, y + 1.3 * r * 0.5);
      cairo_line_to (cr, x - 1.3 * r * 0.866, y + 1.3 * r * 0.5);
      cairo_close_path (cr);
      break;
    case KS_MARKER_CIRCLE:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    case KS_MARKER_NONE:
    default:
      break;
    }
}

/* A curve's key: its line (dashed or not) with its marker in the middle. */
static void
draw_curve_key (cairo_t           *cr,
                const KsPlotTheme *theme,
                const CurveLook   *look,
                double             x,
                double             y)
{
  const KsColor *color = ks_plot_theme_series_color (theme, look->color);
  double width = theme->series_line_width;
  double dashes[2] = { 3.5 * width, 2.0 * width };

  cairo_save (cr);
  ks_color_set_source (cr, color);
  cairo_set_line_width (cr, width);
  cairo_set_dash (cr, dashes, look->line == KS_LINE_DASHED ? 2 : 0, 0);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + LEGEND_SAMPLE_LENGTH, y);
  cairo_stroke (cr);
  marker_path (cr, look->marker, x + LEGEND_SAMPLE_LENGTH / 2, y, theme->marker_size);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
draw_band_key (cairo_t           *cr,
               const KsPlotTheme *theme,
               double             x,
               double             y)
{
  cairo_save (cr);
  ks_color_set_source_alpha (cr, &theme->text, 0.08);
  cairo_rectangle (cr, x, y - theme->marker_size, LEGEND_SAMPLE_LENGTH, 2 * theme->marker_size);
  cairo_fill (cr);
  cairo_restore (cr);
}

static double
key_width (const KsPlotTheme *theme,
           const char        *name)
{
  double width;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, name, 0, &width, NULL);
  return LEGEND_SAMPLE_LENGTH + theme->padding + width;
}

#define BAND_KEY_NAME "layers of finite width"

/* The legend's keys: one per curve (the same in both panels), then the shading's. */
static guint
n_keys (KsFigureCkaDepth *self)
{
  return self->series[KS_CKA_DEPTH_TO_INPUT]->len + (self->bands->len > 0 ? 1 : 0);
}

static const char *
key_name (KsFigureCkaDepth *self,
          guint             key)
{
  GPtrArray *curves = self->series[KS_CKA_DEPTH_TO_INPUT];

  if (key < curves->len)
    return ((KsFigureSeries *) g_ptr_array_index (curves, key))->name;
  return BAND_KEY_NAME;
}

static double
key_spacing (const KsPlotTheme *theme)
{
  return 4 * theme->padding;
}

/* The keys fill centred rows as wide as the figure's margins allow; row_starts (n_keys + 1
 * entries) gets the first key of each row. Returns the number of rows. */
static guint
legend_rows (KsFigureCkaDepth *self,
             double            width,
             guint            *row_starts)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  double available = width - 2 * theme->margin;
  double used = 0.0;
  guint rows = 0;

  row_starts[0] = 0;
  for (guint k = 0; k < n_keys (self); k++)
    {
      double key = key_width (theme, key_name (self, k));

      if (k > 0 && used + key_spacing (theme) + key > available)
        {
          row_starts[++rows] = k;
          used = 0.0;
        }
      used += (used > 0.0 ? key_spacing (theme) : 0.0) + key;
    }
  row_starts[++rows] = n_keys (self);
  return rows;
}

static double
legend_height (KsFigureCkaDepth *self,
               double            width)
{
  g_autofree guint *row_starts = g_new (guint, n_keys (self) + 2);

  return legend_rows (self, width, row_starts) *
         legend_row_height (ks_figure_grid_get_theme (self->grid));
}

static void
draw_key (KsFigureCkaDepth *self,
          cairo_t          *cr,
          guint             key,
          double            x,
          double            y)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);

  if (key < self->series[KS_CKA_DEPTH_TO_INPUT]->len)
    draw_curve_key (cr, theme, look_of (self->series_kinds[KS_CKA_DEPTH_TO_INPUT][key]), x, y);
  else
    draw_band_key (cr, theme, x, y);
  ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, key_name (self, key), NULL,
                x + LEGEND_SAMPLE_LENGTH + theme->padding, y, 0.0, 0.5, KS_TEXT_HORIZONTAL);
}

/* The keys in centred rows from y down. */
static void
draw_legend (KsFigureCkaDepth *self,
             cairo_t          *cr,
             double            width,
             double            y)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);
  g_autofree guint *row_starts = g_new (guint, n_keys (self) + 2);
  guint rows = legend_rows (self, width, row_starts);
  double row_height = legend_row_height (theme);

  for (guint r = 0; r < rows; r++)
    {
      double total = 0.0;
      double x;

      for (guint k = row_starts[r]; k < row_starts[r + 1]; k++)
        total += key_width (theme, key_name (self, k)) +
                 (k > row_starts[r] ? key_spacing (theme) : 0.0);
      x = (width - total) / 2;
      for (guint k = row_starts[r]; k < row_starts[r + 1]; k++)
        {
          draw_key (self, cr, k, x, y + (r + 0.5) * row_height);
          x += key_width (theme, key_name (self, k)) + key_spacing (theme);
        }
    }
}

static char *
default_footnote (KsFigureCkaDepth *self)
{
  g_autofree char *stack = ks_figure_stack_text (ks_result_get_stack (self->result));
  KsDataset *dataset = ks_result_get_dataset (self->result);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "Network %s. Depth 0 is the input kernel K₀ = XXᵀ/D", stack);
  if (ks_dataset_get_n_targets (dataset) > 0)
    g_string_append (text, "; Y holds the targets");
  else if (ks_dataset_has_labels (dataset))
    g_string_append (text, "; Y holds the one-hot class labels");
  g_string_append (text, ". The infinite network's kernels are fixed by its architecture; "
                   "the finite-width curve is one network drawn from the prior");
  if (ks_result_has_kernels (self->result, KS_KERNEL_POSTERIOR))
    {
      g_autofree char *posterior = ks_figure_posterior_note (self->result);

      g_string_append (text, "; the posterior is conditioned on the outputs, and where "
                       "layers are finite it can move away from the input towards them.");
      g_string_append (text, posterior);
    }
  else
    g_string_append_c (text, '.');
  return g_string_free (text, FALSE);
}

static void
build_grid (KsFigureCkaDepth    *self,
            const KsFigureStyle *style,
            const KsPlotTheme   *theme)
{
  KsDataset *dataset = ks_result_get_dataset (self->result);
  g_autofree char *title = g_strdup_printf ("Each layer's similarity to the input and to "
                                            "the output: %s, P = %u points",
                                            ks_dataset_get_name (dataset),
                                            ks_dataset_get_n_points (dataset));

  self->grid = ks_figure_grid_new (1, KS_CKA_DEPTH_N_PANELS);
  ks_figure_grid_set_theme (self->grid, theme);
  ks_figure_grid_set_title (self->grid, ks_figure_text_or_default (style->title, title));
  ks_figure_grid_set_panel_letters (self->grid, style->panel_letters);
  for (guint p = 0; p < KS_CKA_DEPTH_N_PANELS; p++)
    ks_figure_grid_set_column_heading (self->grid, p, panel_titles[p]);
  ks_figure_grid_set_panel_func (self->grid, draw_panel, self);
  ks_figure_grid_set_content_func (self->grid, panel_content);
}

KsFigureCkaDepth *
ks_figure_cka_depth_new (KsResult            *result,
                         const KsFigureStyle *style,
                         const KsPlotTheme   *theme,
                         GError             **error)
{
  g_autoptr(KsFigureCkaDepth) self = NULL;
  g_autofree char *footnote = NULL;

  g_return_val_if_fail (result != NULL && style != NULL && theme != NULL, NULL);

  self = g_new0 (KsFigureCkaDepth, 1);
  self->result = ks_result_ref (result);
  self->n_layers = ks_result_get_n_layers (result);
  if (!choose_curves (self, error))
    return NULL;
  add_curves (self, KS_CKA_DEPTH_TO_INPUT, 1.0);
  add_curves (self, KS_CKA_DEPTH_TO_OUTPUT, input_to_output (result));
  find_finite_bands (self);
  for (guint p = 0; p < KS_CKA_DEPTH_N_PANELS; p++)
    self->plots[p] = build_plot (self, p);
  build_grid (self, style, theme);
  footnote = default_footnote (self);
  self->footnote = g_strdup (ks_figure_text_or_default (style->footnote, footnote));
  return g_steal_pointer (&self);
}

void
ks_figure_cka_depth_free (KsFigureCkaDepth *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->grid, ks_figure_grid_free);
  for (guint p = 0; p < KS_CKA_DEPTH_N_PANELS; p++)
    {
      g_clear_pointer (&self->plots[p], ks_line_plot_free);
      g_clear_pointer (&self->series[p], g_ptr_array_unref);
    }
  g_clear_pointer (&self->bands, g_array_unref);
  g_free (self->footnote);
  g_clear_pointer (&self->result, ks_result_unref);
  g_free (self);
}

/* Above the legend and the footnote. */
static double
grid_height (KsFigureCkaDepth *self,
             double            width,
             double            height)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (self->grid);

  return MAX (height - ks_figure_footnote_height (theme, self->footnote, width) -
              legend_height (self, width), 1.0);
}

/* The panels' width does not depend on the height: measure what surrounds a panel once,
 * then give the panel its aspect. */
double
ks_figure_cka_depth_preferred_height (KsFigureCkaDepth *self,
                                      double            width)
{
  const KsPlotTheme *theme;
  KsRect panel;
  double trial = width;

  g_return_val_if_fail (self != NULL, 0.0);

  theme = ks_figure_grid_get_theme (self->grid);
  panel = ks_figure_grid_get_panel_rect (self->grid, width, trial, 0);
  return ceil (trial - panel.height + PANEL_ASPECT * panel.width + legend_height (self, width) +
               ks_figure_footnote_height (theme, self->footnote, width));
}

void
ks_figure_cka_depth_draw (KsFigureCkaDepth *self,
                          cairo_t          *cr,
                          double            width,
                          double            height)
{
  double grid;

  g_return_if_fail (self != NULL && cr != NULL);

  grid = grid_height (self, width, height);
  ks_figure_draw_with_footnote (cr, self->grid, self->footnote, width, height, grid);
  draw_legend (self, cr, width, grid);
}

void
ks_figure_cka_depth_draw_func (cairo_t  *cr,
                               double    width,
                               double    height,
                               gpointer  user_data)
{
  ks_figure_cka_depth_draw (user_data, cr, width, height);
}

static KsRect
panel_rect (KsFigureCkaDepth *self,
            double            width,
            double            height,
            KsCkaDepthPanel   panel)
{
  return ks_figure_grid_get_panel_rect (self->grid, width, grid_height (self, width, height),
                                        panel);
}

KsRect
ks_figure_cka_depth_get_frame (KsFigureCkaDepth *self,
                               double            width,
                               double            height,
                               KsCkaDepthPanel   panel)
{
  KsRect rect;

  g_return_val_if_fail (self != NULL && panel < KS_CKA_DEPTH_N_PANELS,
                        ks_rect_make (0, 0, 0, 0));

  rect = panel_rect (self, width, height, panel);
  return ks_line_plot_get_frame (self->plots[panel], &rect,
                                 ks_figure_grid_get_theme (self->grid));
}

void
ks_figure_cka_depth_data_to_figure (KsFigureCkaDepth *self,
                                    double            width,
                                    double            height,
                                    KsCkaDepthPanel   panel,
                                    double            data_x,
                                    double            data_y,
                                    double           *x,
                                    double           *y)
{
  KsRect rect;
  KsFigureAxes axes;

  g_return_if_fail (self != NULL && panel < KS_CKA_DEPTH_N_PANELS && x != NULL && y != NULL);

  rect = panel_rect (self, width, height, panel);
  ks_figure_axes_probe (self->plots[panel], &rect, ks_figure_grid_get_theme (self->grid),
                        KS_SCALE_LINEAR, KS_SCALE_LINEAR, &axes);
  *x = ks_figure_axes_x (&axes, data_x);
  *y = ks_figure_axes_y (&axes, data_y);
}

static void
describe_hit (KsFigureCkaDepth *self,
              KsFigureHit      *hit)
{
  const KsFigureSeries *series;
  g_autofree char *value = NULL;
  g_autofree char *layer = NULL;

  if (hit->series < 0)
    return;
  series = g_ptr_array_index (self->series[hit->panel], hit->series);
  value = ks_format_number (hit->point_y, 3);
  layer = hit->point == 0 ? g_strdup ("the input")
                          : ks_figure_layer_heading (ks_result_get_stack (self->result),
                                                     hit->point - 1);
  g_snprintf (hit->readout, sizeof hit->readout, "%s, layer %s, %s: %s",
              panel_titles[hit->panel], layer, series->name, value);
}

gboolean
ks_figure_cka_depth_hit (KsFigureCkaDepth *self,
                         double            width,
                         double            height,
                         double            x,
                         double            y,
                         KsFigureHit      *hit)
{
  const KsPlotTheme *theme;
  KsFigureAxes axes;
  KsRect rect;
  int panel;

  g_return_val_if_fail (self != NULL && hit != NULL, FALSE);

  ks_figure_hit_init (hit);
  theme = ks_figure_grid_get_theme (self->grid);
  panel = ks_figure_grid_panel_at (self->grid, width, grid_height (self, width, height), x, y);
  if (panel < 0)
    return FALSE;
  hit->panel = panel;
  hit->column = panel;
  rect = panel_rect (self, width, height, panel);
  if (!ks_line_plot_data_at (self->plots[panel], &rect, theme, x, y, &hit->x, &hit->y))
    return FALSE;
  hit->in_frame = TRUE;
  ks_figure_axes_probe (self->plots[panel], &rect, theme, KS_SCALE_LINEAR, KS_SCALE_LINEAR,
                        &axes);
  ks_figure_series_nearest (self->series[panel], &axes, x, y, HIT_RADIUS, hit);
  describe_hit (self, hit);
  return TRUE;
}
