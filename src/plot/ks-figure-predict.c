/* ks-figure-predict.c: the figure of the test score of the deep kernel machine against
 * the width scale, with the NNGP as reference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-figure-predict.h"

#include <math.h>

#include "ks-error.h"
#include "ks-figure-line.h"
#include "ks-line-plot.h"
#include "ks-text.h"
#include "ks-ticks.h"

/* Height of the plot's box relative to its width. */
#define PANEL_ASPECT 0.68
#define HIT_RADIUS 8.0
/* Accuracies spread over more than this many percentage points get the whole 0..100 %
 * axis; closer ones an axis fitted to them, lest their differences vanish. */
#define FULL_AXIS_SPREAD 40.0

struct _KsFigurePredict
{
  KsPredictSweep *sweep;
  guint           n_curves;
  guint           layers[KS_FIGURE_PREDICT_MAX_CURVES];
  /* The line's series, for hits: one per curve, x the width scale, y the score as drawn
   * (percent for accuracy). */
  KsFigureLine    line;
};

guint
ks_figure_predict_get_n_curves (KsFigurePredict *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_curves;
}

guint
ks_figure_predict_get_curve_layer (KsFigurePredict *self,
                                   guint            curve)
{
  g_return_val_if_fail (self != NULL && curve < self->n_curves, 0);
  return self->layers[curve];
}

static gboolean
is_accuracy (KsFigurePredict *self)
{
  return ks_predict_sweep_get_metric (self->sweep) == KS_PREDICT_ACCURACY;
}

/* Accuracy is shown in percent. */
static double
shown (KsFigurePredict *self,
       double           score)
{
  return is_accuracy (self) ? 100.0 * score : score;
}

/* The scored layers, the last KS_FIGURE_PREDICT_MAX_CURVES of them. */
static gboolean
choose_layers (KsFigurePredict  *self,
               GError          **error)
{
  guint n_layers = ks_predict_sweep_get_n_layers (self->sweep);

  for (guint l = n_layers; l-- > 0 && self->n_curves < KS_FIGURE_PREDICT_MAX_CURVES;)
    if (ks_predict_sweep_has_layer (self->sweep, l))
      self->layers[self->n_curves++] = l;
  if (self->n_curves == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the prediction sweep scored no layer to draw");
      return FALSE;
    }
  /* In stack order, shallow to deep. */
  for (guint a = 0, b = self->n_curves - 1; a < b; a++, b--)
    {
      guint swap = self->layers[a];

      self->layers[a] = self->layers[b];
      self->layers[b] = swap;
    }
  return TRUE;
}

static char *
curve_name (KsFigurePredict *self,
            guint            curve)
{
  g_autofree char *heading = ks_figure_layer_heading (ks_predict_sweep_get_stack (self->sweep),
                                                      self->layers[curve]);

  if (self->n_curves == 1)
    return g_strdup_printf ("deep kernel machine, layer %s", heading);
  return g_strdup_printf ("layer %s", heading);
}

static void
add_curve (KsFigurePredict *self,
           guint            curve,
           KsRange         *scores)
{
  guint layer = self->layers[curve];
  guint n = ks_predict_sweep_get_n_width_scales (self->sweep);
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  g_autofree char *name = curve_name (self, curve);
  double nngp = shown (self, ks_predict_sweep_get_nngp (self->sweep, layer)->score);
  g_autofree char *label = NULL;
  guint index;

  for (guint i = 0; i < n; i++)
    {
      x[i] = ks_predict_sweep_get_width_scale (self->sweep, i);
      y[i] = shown (self, ks_predict_sweep_get_dkm (self->sweep, i, layer)->score);
      if (isfinite (y[i]))
        ks_range_include (scores, y[i]);
    }
  if (isfinite (nngp))
    ks_range_include (scores, nngp);
  index = ks_line_plot_add_series (self->line.plot, name, x, y, NULL, n);
  ks_line_plot_set_series_style (self->line.plot, index, KS_MARKER_CIRCLE, KS_LINE_SOLID,
                                 KS_ERROR_BARS);
  ks_line_plot_set_series_color (self->line.plot, index, curve);
  g_ptr_array_add (self->line.series, ks_figure_series_new (name, x, y, NULL, n));

  /* The reference is named in the legend, not at its end, where the curve often runs
   * over it as it approaches it: for one curve what it is, for several which layer. */
  if (!isfinite (nngp))
    return;
  if (self->n_curves == 1)
    label = g_strdup ("NNGP (infinite width)");
  else
    label = g_strdup_printf ("NNGP, layer %u", layer + 1);
  ks_line_plot_add_reference (self->line.plot, nngp, NULL, (int) curve);
  index = ks_line_plot_add_series (self->line.plot, label, NULL, NULL, NULL, 0);
  ks_line_plot_set_series_style (self->line.plot, index, KS_MARKER_NONE, KS_LINE_DASHED,
                                 KS_ERROR_BARS);
  ks_line_plot_set_series_color (self->line.plot, index, curve);
}

static void
fit_score_axis (KsFigurePredict *self,
                const KsRange   *scores)
{
  if (!is_accuracy (self) || ks_range_is_empty (scores))
    return;
  if (scores->hi - scores->lo > FULL_AXIS_SPREAD)
    ks_line_plot_set_axis_range (self->line.plot, KS_AXIS_Y, 0.0, 100.0);
  else if (scores->hi >= 99.5)
    /* Room for markers at 100 % without ticks beyond it. */
    ks_line_plot_set_axis_range (self->line.plot, KS_AXIS_Y, NAN, 100.5);
}

static void
build_plot (KsFigurePredict *self)
{
  KsRange scores = KS_RANGE_EMPTY;

  ks_figure_line_init (&self->line);
  ks_line_plot_set_axis (self->line.plot, KS_AXIS_X,
                         "width scale ν (each finite layer weighted by ν × its width)",
                         KS_SCALE_LOG);
  ks_line_plot_set_axis (self->line.plot, KS_AXIS_Y,
                         is_accuracy (self) ? "test accuracy (%)" : "test RMSE",
                         KS_SCALE_LINEAR);
  for (guint c = 0; c < self->n_curves; c++)
    add_curve (self, c, &scores);
  fit_score_axis (self, &scores);
  ks_line_plot_set_legend (self->line.plot, KS_LEGEND_AUTO);
}

/* ", 1 (max. iterations) at a relative gradient 3×10⁻⁵" for each unconverged solve. */
static void
append_convergence_note (KsFigurePredict *self,
                         GString         *text)
{
  g_autoptr(GString) stopped = g_string_new (NULL);

  for (guint i = 0; i < ks_predict_sweep_get_n_width_scales (self->sweep); i++)
    {
      const KsPredictFit *fit = ks_predict_sweep_get_fit (self->sweep, i);
      g_autofree char *scale = NULL;
      g_autofree char *norm = NULL;

      if (fit->status == KS_DKM_CONVERGED)
        continue;
      scale = ks_format_number (fit->width_scale, 3);
      norm = ks_format_number (fit->gradient_norm, 2);
      g_string_append_printf (stopped, "%s ν = %s (%s at a relative gradient of %s)",
                              stopped->len > 0 ? "," : "", scale,
                              ks_dkm_status_to_string (fit->status), norm);
    }
  if (stopped->len > 0)
    g_string_append_printf (text, " Not converged:%s.", stopped->str);
  else
    g_string_append (text, " Every solve converged.");
}

static char *
default_footnote (KsFigurePredict *self)
{
  const KsStack *stack = ks_predict_sweep_get_stack (self->sweep);
  g_autofree char *spec = ks_figure_stack_text (stack);
  const KsLayer *readout = ks_stack_get_readout (stack);
  guint n_test = ks_predict_sweep_get_n_test (self->sweep);
  guint n_train = ks_predict_sweep_get_n_points (self->sweep) - n_test;
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "Network %s. Gaussian-process prediction K*ₜ (Kₜₜ + σ²I)⁻¹ Yₜ "
                          "from a layer's kernel", spec);
  if (readout != NULL)
    {
      g_autofree char *noise = ks_format_number (readout->noise_var, 3);

      g_string_append_printf (text, " (σ² = %s)", noise);
    }
  g_string_append_printf (text, ": the deep kernel machine's posterior kernel at each width "
                          "scale ν, each solve started from the previous one, and the "
                          "NNGP's (dotted; the limit ν → ∞). %u training and %u test points "
                          "(seed %" G_GUINT64_FORMAT "%s); only the training outputs enter "
                          "the posterior.", n_train, n_test,
                          ks_predict_sweep_get_seed (self->sweep),
                          is_accuracy (self) ? ", split within each class" : "");
  if (is_accuracy (self))
    {
      g_autofree char *step = ks_format_number (100.0 / n_test, 2);

      g_string_append_printf (text, " One test point is %s %%.", step);
    }
  append_convergence_note (self, text);
  return g_string_free (text, FALSE);
}

KsFigurePredict *
ks_figure_predict_new (KsPredictSweep      *sweep,
                       const char          *data_name,
                       const KsFigureStyle *style,
                       const KsPlotTheme   *theme,
                       GError             **error)
{
  g_autoptr(KsFigurePredict) self = NULL;
  g_autoptr(GString) title = g_string_new (NULL);
  g_autofree char *footnote = NULL;

  g_return_val_if_fail (sweep != NULL && style != NULL && theme != NULL, NULL);

  self = g_new0 (KsFigurePredict, 1);
  self->sweep = ks_predict_sweep_ref (sweep);
  if (!choose_layers (self, error))
    return NULL;
  build_plot (self);

  g_string_append_printf (title, "Test %s against width scale ν",
                          is_accuracy (self) ? "accuracy" : "RMSE");
  if (data_name != NULL)
    g_string_append_printf (title, ": %s", data_name);
  g_string_append_printf (title, "%sP = %u points", data_name != NULL ? ", " : ": ",
                          ks_predict_sweep_get_n_points (sweep));
  footnote = default_footnote (self);
  ks_figure_line_set_grid (&self->line, theme, style, title->str, footnote);
  return g_steal_pointer (&self);
}

void
ks_figure_predict_free (KsFigurePredict *self)
{
  if (self == NULL)
    return;
  ks_figure_line_clear (&self->line);
  g_clear_pointer (&self->sweep, ks_predict_sweep_unref);
  g_free (self);
}

double
ks_figure_predict_preferred_height (KsFigurePredict *self,
                                    double           width)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return ks_figure_line_preferred_height (&self->line, width, PANEL_ASPECT);
}

void
ks_figure_predict_draw (KsFigurePredict *self,
                        cairo_t         *cr,
                        double           width,
                        double           height)
{
  g_return_if_fail (self != NULL && cr != NULL);
  ks_figure_line_draw (&self->line, cr, width, height);
}

void
ks_figure_predict_draw_func (cairo_t  *cr,
                             double    width,
                             double    height,
                             gpointer  user_data)
{
  ks_figure_predict_draw (user_data, cr, width, height);
}

KsRect
ks_figure_predict_get_frame (KsFigurePredict *self,
                             double           width,
                             double           height)
{
  g_return_val_if_fail (self != NULL, ks_rect_make (0, 0, 0, 0));
  return ks_figure_line_get_frame (&self->line, width, height);
}

void
ks_figure_predict_data_to_figure (KsFigurePredict *self,
                                  double           width,
                                  double           height,
                                  double           data_x,
                                  double           data_y,
                                  double          *x,
                                  double          *y)
{
  KsFigureAxes axes;

  g_return_if_fail (self != NULL && x != NULL && y != NULL);

  ks_figure_line_probe_axes (&self->line, width, height, KS_SCALE_LOG, KS_SCALE_LINEAR, &axes);
  *x = ks_figure_axes_x (&axes, data_x);
  *y = ks_figure_axes_y (&axes, shown (self, data_y));
}

/* "91.5 %" or "0.412". */
static char *
format_score (KsFigurePredict *self,
              double           score)
{
  if (is_accuracy (self))
    return g_strdup_printf ("%.1f %%", 100.0 * score);
  return ks_format_number (score, 3);
}

static void
describe_hit (KsFigurePredict *self,
              KsFigureHit     *hit)
{
  guint layer = self->layers[hit->series];
  g_autofree char *heading = ks_figure_layer_heading (ks_predict_sweep_get_stack (self->sweep),
                                                      layer);
  g_autofree char *scale = ks_format_number (hit->point_x, 3);
  g_autofree char *score = format_score (self, ks_predict_sweep_get_dkm (self->sweep,
                                                                          hit->point,
                                                                          layer)->score);
  g_autofree char *nngp = format_score (self, ks_predict_sweep_get_nngp (self->sweep,
                                                                         layer)->score);

  g_snprintf (hit->readout, sizeof hit->readout, "layer %s, width scale %s: test %s %s "
              "(NNGP %s)", heading, scale, is_accuracy (self) ? "accuracy" : "RMSE", score,
              nngp);
}

gboolean
ks_figure_predict_hit (KsFigurePredict *self,
                       double           width,
                       double           height,
                       double           x,
                       double           y,
                       KsFigureHit     *hit)
{
  KsFigureAxes axes;

  g_return_val_if_fail (self != NULL && hit != NULL, FALSE);

  if (!ks_figure_line_hit (&self->line, width, height, x, y, KS_SCALE_LOG, KS_SCALE_LINEAR,
                           HIT_RADIUS, &axes, hit))
    return FALSE;
  if (is_accuracy (self))
    hit->y /= 100.0;
  if (hit->series < 0)
    return TRUE;
  if (is_accuracy (self))
    hit->point_y /= 100.0;
  describe_hit (self, hit);
  return TRUE;
}
