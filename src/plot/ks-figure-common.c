/* ks-figure-common.c: what Kernelscope's figures share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-figure-private.h"

#include <math.h>
#include <string.h>

#include "ks-error.h"
#include "ks-text.h"
#include "ks-ticks.h"

static const struct
{
  const char *name;
  const char *description;
  double      default_width_mm;
} figure_kinds[KS_N_FIGURES] = {
  [KS_FIGURE_KERNELS] = {
    "kernels",
    "each layer's kernel: infinite width, one finite network, their mean", 180.0 },
  [KS_FIGURE_CKA_MATRIX] = {
    "cka-matrix",
    "CKA between every pair of layers, infinite beside finite width", 180.0 },
  [KS_FIGURE_CKA_DEPTH] = {
    "cka-depth",
    "CKA of each layer to the input and to the output against depth", 180.0 },
  [KS_FIGURE_SPREAD] = {
    "spread",
    "prior variance of the top-layer kernel against width and depth", 120.0 },
  [KS_FIGURE_EVIDENCE] = {
    "evidence",
    "log evidence log P(Y) against width, infinite width as reference", 120.0 },
  [KS_FIGURE_PREDICT] = {
    "predict",
    "test accuracy (or RMSE) of the deep kernel machine against width scale", 120.0 },
};

const char *
ks_figure_kind_to_string (KsFigureKind kind)
{
  g_return_val_if_fail (kind < KS_N_FIGURES, NULL);
  return figure_kinds[kind].name;
}

const char *
ks_figure_kind_describe (KsFigureKind kind)
{
  g_return_val_if_fail (kind < KS_N_FIGURES, NULL);
  return figure_kinds[kind].description;
}

double
ks_figure_kind_default_width (KsFigureKind kind)
{
  g_return_val_if_fail (kind < KS_N_FIGURES, 0.0);
  return ks_mm_to_pt (figure_kinds[kind].default_width_mm);
}

gboolean
ks_figure_kind_from_string (const char    *name,
                            KsFigureKind  *kind,
                            GError       **error)
{
  g_autoptr(GString) known = g_string_new (NULL);

  g_return_val_if_fail (kind != NULL, FALSE);

  for (guint k = 0; k < KS_N_FIGURES; k++)
    {
      if (name != NULL && g_ascii_strcasecmp (name, figure_kinds[k].name) == 0)
        {
          *kind = (KsFigureKind) k;
          return TRUE;
        }
      g_string_append_printf (known, "%s%s", k > 0 ? ", " : "", figure_kinds[k].name);
    }
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE, "Unknown figure “%s”; known figures: %s",
               name != NULL ? name : "", known->str);
  return FALSE;
}

void
ks_figure_style_init (KsFigureStyle *style)
{
  g_return_if_fail (style != NULL);

  *style = (KsFigureStyle) {
    .colormap = KS_COLORMAP_VIRIDIS,
    .panel_letters = TRUE,
    .ranges = KS_FIGURE_RANGES_ROW,
    .show_posterior = TRUE,
  };
}

static const char * const range_names[] = {
  [KS_FIGURE_RANGES_ROW] = "row",
  [KS_FIGURE_RANGES_PANEL] = "panel",
};

const char *
ks_figure_ranges_to_string (KsFigureRanges ranges)
{
  g_return_val_if_fail (ranges < G_N_ELEMENTS (range_names), NULL);
  return range_names[ranges];
}

gboolean
ks_figure_ranges_from_string (const char     *name,
                              KsFigureRanges *ranges,
                              GError        **error)
{
  g_return_val_if_fail (ranges != NULL, FALSE);

  for (guint r = 0; r < G_N_ELEMENTS (range_names); r++)
    if (name != NULL && g_ascii_strcasecmp (name, range_names[r]) == 0)
      {
        *ranges = (KsFigureRanges) r;
        return TRUE;
      }
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
               "--ranges: expected row (one colour range per row) or panel (one per "
               "panel), got '%s'", name != NULL ? name : "");
  return FALSE;
}

guint
ks_figure_choose_layers (guint  n_layers,
                         guint *layers)
{
  guint step = (n_layers + KS_FIGURE_MAX_AUTO_LAYERS - 1) / KS_FIGURE_MAX_AUTO_LAYERS;
  guint count = 0;

  if (n_layers == 0)
    return 0;
  step = MAX (step, 1);
  count = MIN ((n_layers + step - 1) / step, KS_FIGURE_MAX_AUTO_LAYERS);
  /* Counted back from the top: layer n - 1, n - 1 - step, ... */
  for (guint c = 0; c < count; c++)
    layers[count - 1 - c] = n_layers - 1 - c * step;
  return count;
}

static gboolean
parse_layer_number (const char  *text,
                    guint        n_layers,
                    guint       *layer,
                    GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  guint64 number;

  if (!g_ascii_string_to_unsigned (trimmed, 10, 1, G_MAXUINT, &number, NULL))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "--layers: expected layer numbers from 1 separated by commas, or all; "
                   "got '%s'", trimmed);
      return FALSE;
    }
  if (number > n_layers)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "--layers: the network has %u layers, so there is no layer %s",
                   n_layers, trimmed);
      return FALSE;
    }
  *layer = (guint) number - 1;
  return TRUE;
}

guint *
ks_figure_parse_layers (const char  *text,
                        guint        n_layers,
                        guint       *n_chosen,
                        GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint *layers = NULL;
  guint count = 0;

  g_return_val_if_fail (text != NULL && n_chosen != NULL, NULL);

  if (g_ascii_strcasecmp (text, "all") == 0)
    {
      layers = g_new (guint, MAX (n_layers, 1));
      for (guint l = 0; l < n_layers; l++)
        layers[l] = l;
      *n_chosen = n_layers;
      return g_steal_pointer (&layers);
    }
  parts = g_strsplit (text, ",", -1);
  layers = g_new (guint, g_strv_length (parts) + 1);
  for (guint p = 0; parts[p] != NULL; p++)
    {
      guint layer;

      if (!parse_layer_number (parts[p], n_layers, &layer, error))
        return NULL;
      for (guint q = 0; q < count; q++)
        if (layers[q] == layer)
          {
            g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                         "--layers: layer %u is listed twice", layer + 1);
            return NULL;
          }
      layers[count++] = layer;
    }
  if (count == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_PARSE,
                           "--layers: expected layer numbers such as 1,4,8, or all");
      return NULL;
    }
  *n_chosen = count;
  return g_steal_pointer (&layers);
}

void
ks_figure_hit_init (KsFigureHit *hit)
{
  g_return_if_fail (hit != NULL);

  memset (hit, 0, sizeof *hit);
  hit->panel = -1;
  hit->value = NAN;
  hit->class_i = hit->class_j = -1;
  hit->x = hit->y = NAN;
  hit->series = hit->point = -1;
  hit->point_x = hit->point_y = hit->point_error = NAN;
}

/* ---- private helpers ---- */

char *
ks_figure_layer_heading (const KsStack *stack,
                         guint          layer)
{
  g_autofree char *description = ks_layer_describe (ks_stack_get_layer (stack, layer));

  return g_strdup_printf ("%u %s", layer + 1, description);
}

char *
ks_figure_stack_text (const KsStack *stack)
{
  g_autofree char *spec = ks_stack_to_string (stack);
  g_auto(GStrv) layers = g_strsplit (spec, ",", -1);

  return g_strjoinv (", ", layers);
}

char *
ks_figure_kind_heading (KsKernelKind kind,
                        guint        n_samples)
{
  switch (kind)
    {
    case KS_KERNEL_NNGP:
      return g_strdup ("infinite width (NNGP)");
    case KS_KERNEL_NTK:
      return g_strdup ("neural tangent kernel");
    case KS_KERNEL_SAMPLE:
      return g_strdup ("one finite-width sample");
    case KS_KERNEL_SAMPLE_MEAN:
      return g_strdup_printf ("mean of %u samples", n_samples);
    case KS_KERNEL_SAMPLE_STD:
      return g_strdup_printf ("std. dev. of %u samples", n_samples);
    case KS_KERNEL_POSTERIOR:
      return g_strdup ("posterior");
    case KS_N_KERNEL_KINDS:
    default:
      return g_strdup ("");
    }
}

static const char *
posterior_method (KsResult *result)
{
  /* The result keeps its diagnostics. */
  JsonNode *diagnostics = ks_result_get_posterior_diagnostics (result);
  JsonObject *object;

  if (diagnostics == NULL || !JSON_NODE_HOLDS_OBJECT (diagnostics))
    return NULL;
  object = json_node_get_object (diagnostics);
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "method", ""), "hmc") == 0)
    return "hmc";
  return "dkm";
}

char *
ks_figure_result_kind_heading (KsResult     *result,
                               KsKernelKind  kind)
{
  const char *method;

  if (kind != KS_KERNEL_POSTERIOR || (method = posterior_method (result)) == NULL)
    return ks_figure_kind_heading (kind, ks_result_get_n_samples_done (result));
  return g_strdup (g_str_equal (method, "hmc") ? "posterior, HMC mean"
                                               : "posterior, deep kernel machine");
}

static void
append_dkm_note (JsonObject *object,
                 GString    *text)
{
  g_autofree char *scale = ks_format_number (
    json_object_get_double_member_with_default (object, "width_scale", 1.0), 3);
  g_autofree char *norm = ks_format_number (
    json_object_get_double_member_with_default (object, "relative_gradient_norm", NAN), 2);
  gboolean converged = json_object_get_boolean_member_with_default (object, "converged",
                                                                    FALSE);

  g_string_append_printf (text, " Posterior: the deep kernel machine given Y, each finite "
                          "layer weighted by ν × its width, ν = %s; %s after %" G_GINT64_FORMAT
                          " iterations (relative gradient %s).", scale,
                          converged ? "converged" : "not converged",
                          json_object_get_int_member_with_default (object, "iterations", 0),
                          norm);
}

static void
append_hmc_note (JsonObject *object,
                 GString    *text)
{
  g_autofree char *acceptance = ks_format_number (
    json_object_get_double_member_with_default (object, "acceptance_rate", NAN), 2);

  g_string_append_printf (text, " Posterior: the mean over %" G_GINT64_FORMAT " Hamiltonian "
                          "Monte Carlo draws of the weights given Y per chain (acceptance %s).",
                          json_object_get_int_member_with_default (object, "draws", 0),
                          acceptance);
}

char *
ks_figure_posterior_note (KsResult *result)
{
  JsonNode *diagnostics = ks_result_get_posterior_diagnostics (result);
  GString *text = g_string_new (NULL);
  JsonObject *object;

  if (diagnostics == NULL || !JSON_NODE_HOLDS_OBJECT (diagnostics) ||
      !ks_result_has_kernels (result, KS_KERNEL_POSTERIOR))
    return g_string_free (text, FALSE);
  object = json_node_get_object (diagnostics);
  if (g_str_equal (posterior_method (result), "hmc"))
    append_hmc_note (object, text);
  else
    append_dkm_note (object, text);
  return g_string_free (text, FALSE);
}

const char *
ks_figure_cka_name (KsCkaKind kind)
{
  switch (kind)
    {
    case KS_CKA_RBF:
      return "RBF CKA";
    case KS_CKA_DEBIASED:
      return "debiased CKA";
    case KS_CKA_LINEAR:
    default:
      return "linear CKA";
    }
}

const char *
ks_figure_text_or_default (const char *asked,
                           const char *fallback)
{
  return asked != NULL ? asked : fallback;
}

/* The footnote spans the figure's width less its margins (text is drawn exactly as
 * measured, see ks-text.c, so its longest lines end at the margins). */
static double
footnote_wrap (const KsPlotTheme *theme,
               double             width)
{
  return MAX (width - 2 * theme->margin, 1.0);
}

double
ks_figure_footnote_height (const KsPlotTheme *theme,
                           const char        *footnote,
                           double             width)
{
  double height;

  if (footnote == NULL || *footnote == '\0')
    return 0.0;
  ks_text_measure (theme, KS_TEXT_ROLE_NOTE, footnote, footnote_wrap (theme, width),
                   NULL, &height);
  return height + theme->padding;
}

void
ks_figure_draw_with_footnote (cairo_t      *cr,
                              KsFigureGrid *grid,
                              const char   *footnote,
                              double        width,
                              double        height,
                              double        grid_height)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (grid);
  double note_height = ks_figure_footnote_height (theme, footnote, width);

  cairo_save (cr);
  ks_color_set_source (cr, &theme->background);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  ks_figure_grid_draw (grid, cr, width, grid_height);
  if (note_height > 0.0)
    ks_text_draw_wrapped (cr, theme, KS_TEXT_ROLE_NOTE, footnote,
                          footnote_wrap (theme, width), NULL, width / 2,
                          height - theme->margin, 0.5, 1.0, KS_TEXT_HORIZONTAL);
  cairo_restore (cr);
}

double
ks_figure_fit_height (double           width,
                      double           lo,
                      double           hi,
                      KsFigureFitsFunc fits,
                      gpointer         user_data)
{
  if (!fits (width, hi, user_data))
    return hi;
  /* The data grows with the height until the width limits it: bisect for the corner. */
  for (guint step = 0; step < 40 && hi - lo > 0.25; step++)
    {
      double mid = (lo + hi) / 2;

      if (fits (width, mid, user_data))
        hi = mid;
      else
        lo = mid;
    }
  return ceil (hi);
}

char *
ks_figure_break_lines (const KsPlotTheme *theme,
                       KsTextRole         role,
                       const char        *text,
                       double             width)
{
  g_autoptr(PangoLayout) layout = ks_text_layout_new (theme, role, text, MAX (width, 1.0));
  const char *laid_out = pango_layout_get_text (layout);
  GString *lines = g_string_new (NULL);

  for (int i = 0; i < pango_layout_get_line_count (layout); i++)
    {
      PangoLayoutLine *line = pango_layout_get_line_readonly (layout, i);
      gsize length = line->length;

      /* The space a line was broken at stays with the line above: drop it. */
      while (length > 0 && laid_out[line->start_index + length - 1] == ' ')
        length--;
      if (i > 0)
        g_string_append_c (lines, '\n');
      g_string_append_len (lines, laid_out + line->start_index, length);
    }
  return g_string_free (lines, FALSE);
}

/* ---- line plot axes ---- */

static double
to_scale (KsScale scale,
          double  value)
{
  if (scale == KS_SCALE_LOG)
    return value > 0.0 ? log10 (value) : NAN;
  return value;
}

/* The plot tells data values at points; two points per axis fix its affine map (in
 * log10 units on log axes). */
void
ks_figure_axes_probe (const KsLinePlot  *plot,
                      const KsRect      *rect,
                      const KsPlotTheme *theme,
                      KsScale            x_scale,
                      KsScale            y_scale,
                      KsFigureAxes      *axes)
{
  double x0 = NAN, y0 = NAN, xm = NAN, ym = NAN;
  KsRect frame = ks_line_plot_get_frame (plot, rect, theme);

  *axes = (KsFigureAxes) { frame, x_scale, y_scale, 0.0, 1.0, 0.0, 1.0 };
  if (frame.width <= 0 || frame.height <= 0)
    return;
  ks_line_plot_data_at (plot, rect, theme, frame.x, frame.y, &x0, &y0);
  ks_line_plot_data_at (plot, rect, theme, frame.x + frame.width / 2,
                        frame.y + frame.height / 2, &xm, &ym);
  axes->x_lo = to_scale (x_scale, x0);
  axes->x_hi = 2 * to_scale (x_scale, xm) - axes->x_lo;
  axes->y_hi = to_scale (y_scale, y0);
  axes->y_lo = 2 * to_scale (y_scale, ym) - axes->y_hi;
}

double
ks_figure_axes_x (const KsFigureAxes *axes,
                  double              value)
{
  double t = (to_scale (axes->x_scale, value) - axes->x_lo) / (axes->x_hi - axes->x_lo);

  return axes->frame.x + t * axes->frame.width;
}

double
ks_figure_axes_y (const KsFigureAxes *axes,
                  double              value)
{
  double t = (to_scale (axes->y_scale, value) - axes->y_lo) / (axes->y_hi - axes->y_lo);

  return axes->frame.y + (1 - t) * axes->frame.height;
}

KsFigureSeries *
ks_figure_series_new (const char   *name,
                      const double *x,
                      const double *y,
                      const double *error,
                      gsize         n)
{
  KsFigureSeries *series = g_new0 (KsFigureSeries, 1);

  series->name = g_strdup (name);
  series->x = g_memdup2 (x, n * sizeof (double));
  series->y = g_memdup2 (y, n * sizeof (double));
  series->error = error != NULL ? g_memdup2 (error, n * sizeof (double)) : NULL;
  series->n = n;
  return series;
}

void
ks_figure_series_free (gpointer data)
{
  KsFigureSeries *series = data;

  g_free (series->name);
  g_free (series->x);
  g_free (series->y);
  g_free (series->error);
  g_free (series);
}

void
ks_figure_series_nearest (GPtrArray          *series,
                          const KsFigureAxes *axes,
                          double              x,
                          double              y,
                          double              radius,
                          KsFigureHit        *hit)
{
  double best = radius;

  for (guint s = 0; s < series->len; s++)
    {
      const KsFigureSeries *one = g_ptr_array_index (series, s);

      for (gsize i = 0; i < one->n; i++)
        {
          double distance = hypot (ks_figure_axes_x (axes, one->x[i]) - x,
                                   ks_figure_axes_y (axes, one->y[i]) - y);

          if (!(distance <= best))
            continue;
          best = distance;
          hit->series = (int) s;
          hit->point = (int) i;
          hit->point_x = one->x[i];
          hit->point_y = one->y[i];
          hit->point_error = one->error != NULL ? one->error[i] : NAN;
        }
    }
}

double
ks_figure_grid_height (KsFigureGrid *grid,
                       const char   *footnote,
                       double        width,
                       double        height)
{
  const KsPlotTheme *theme = ks_figure_grid_get_theme (grid);

  return MAX (height - ks_figure_footnote_height (theme, footnote, width), 1.0);
}

KsMatrixView
ks_figure_matrix_view (const gsl_matrix *m)
{
  return (KsMatrixView) { m->data, m->size1, m->size2, m->tda };
}

gboolean
ks_figure_heatmap_hit (const KsHeatmapLayout *layout,
                       const gsl_matrix      *m,
                       double                 x,
                       double                 y,
                       KsFigureHit           *hit)
{
  KsMatrixView view = ks_figure_matrix_view (m);

  if (!ks_heatmap_hit (layout, &view, x, y, &hit->i, &hit->j, &hit->value))
    return FALSE;
  hit->in_cells = TRUE;
  hit->cell = ks_rect_make (layout->cells.x + hit->j * layout->cell_size,
                            layout->cells.y + hit->i * layout->cell_size,
                            layout->cell_size, layout->cell_size);
  return TRUE;
}
