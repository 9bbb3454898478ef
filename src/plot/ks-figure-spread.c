/* ks-figure-spread.c: the figure of the prior spread of the top-layer kernel against
 * width, for several depths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-figure-spread.h"

#include <math.h>

#include "ks-figure-line.h"
#include "ks-line-plot.h"
#include "ks-text.h"
#include "ks-ticks.h"

/* Height of the plot's box relative to its width. */
#define PANEL_ASPECT 0.72
#define HIT_RADIUS 8.0
/* The palette entry of the text colour, for legend keys that stand for every depth. */
#define NEUTRAL_COLOR 6

struct _KsFigureSpread
{
  KsSpreadSweep *sweep;
  /* Its series, for hits: per depth the closed form (when there is one), then the Monte
   * Carlo points (when there are any); names say which. */
  KsFigureLine   line;
};

static guint
finite_layers_per_block (const KsStack *block)
{
  guint count = 0;

  for (guint i = 0; i < ks_stack_get_n_layers (block); i++)
    {
      const KsLayer *layer = ks_stack_get_layer (block, i);

      count += layer->kind == KS_LAYER_DENSE && layer->width != KS_WIDTH_INFINITE;
    }
  return count;
}

static gboolean
sweep_has_monte_carlo (KsSpreadSweep *sweep)
{
  return ks_spread_sweep_get_n_samples (sweep) > 0;
}

/* One depth's values of the sweep, by width. */
static void
depth_values (KsSpreadSweep *sweep,
              guint          d,
              double        *widths,
              double        *analytic,
              double        *monte_carlo,
              double        *standard_error)
{
  for (guint w = 0; w < ks_spread_sweep_get_n_widths (sweep); w++)
    {
      const KsSpreadSweepPoint *point = ks_spread_sweep_get_point (sweep, d, w);

      widths[w] = point->width;
      analytic[w] = point->analytic;
      monte_carlo[w] = point->monte_carlo;
      standard_error[w] = point->monte_carlo_se;
    }
}

static void
add_depth (KsFigureSpread *self,
           guint           d)
{
  KsSpreadSweep *sweep = self->sweep;
  guint n = ks_spread_sweep_get_n_widths (sweep);
  guint depth = ks_spread_sweep_get_point (sweep, d, 0)->depth;
  gboolean analytic = ks_spread_sweep_has_analytic (sweep);
  double per_width = (double) finite_layers_per_block (ks_spread_sweep_get_block (sweep)) * depth;
  g_autofree double *x = g_new (double, n);
  g_autofree double *exact = g_new (double, n);
  g_autofree double *mc = g_new (double, n);
  g_autofree double *se = g_new (double, n);
  g_autofree double *first_order = g_new (double, n);
  g_autofree char *name = g_strdup_printf ("depth %u", depth);
  guint index;

  depth_values (sweep, d, x, exact, mc, se);
  if (analytic)
    {
      g_autofree char *hit_name = g_strdup_printf ("depth %u, closed form", depth);

      for (guint w = 0; w < n; w++)
        first_order[w] = per_width / x[w];
      index = ks_line_plot_add_series (self->line.plot, NULL, x, first_order, NULL, n);
      ks_line_plot_set_series_style (self->line.plot, index, KS_MARKER_NONE, KS_LINE_DASHED,
                                     KS_ERROR_BARS);
      ks_line_plot_set_series_color (self->line.plot, index, d);
      index = ks_line_plot_add_series (self->line.plot, name, x, exact, NULL, n);
      ks_line_plot_set_series_color (self->line.plot, index, d);
      g_ptr_array_add (self->line.series, ks_figure_series_new (hit_name, x, exact, NULL, n));
    }
  if (sweep_has_monte_carlo (sweep))
    {
      g_autofree char *hit_name = g_strdup_printf ("depth %u, Monte Carlo", depth);

      /* Without a closed form the points are the curve, joined by a dashed line. */
      index = ks_line_plot_add_series (self->line.plot, analytic ? NULL : name, x, mc, se, n);
      ks_line_plot_set_series_style (self->line.plot, index, KS_MARKER_CIRCLE,
                                     analytic ? KS_LINE_NONE : KS_LINE_DASHED, KS_ERROR_BARS);
      ks_line_plot_set_series_color (self->line.plot, index, d);
      g_ptr_array_add (self->line.series, ks_figure_series_new (hit_name, x, mc, se, n));
    }
}

/* Legend keys for what every depth shares: no points of their own. */
static void
add_legend_keys (KsFigureSpread *self)
{
  guint index;

  if (!ks_spread_sweep_has_analytic (self->sweep))
    return;
  index = ks_line_plot_add_series (self->line.plot, "first order, Σ 1/Nₗ", NULL, NULL, NULL, 0);
  ks_line_plot_set_series_style (self->line.plot, index, KS_MARKER_NONE, KS_LINE_DASHED,
                                 KS_ERROR_BARS);
  ks_line_plot_set_series_color (self->line.plot, index, NEUTRAL_COLOR);
  if (!sweep_has_monte_carlo (self->sweep))
    return;
  index = ks_line_plot_add_series (self->line.plot, "Monte Carlo ± 1 SE", NULL, NULL, NULL, 0);
  ks_line_plot_set_series_style (self->line.plot, index, KS_MARKER_CIRCLE, KS_LINE_NONE,
                                 KS_ERROR_BARS);
  ks_line_plot_set_series_color (self->line.plot, index, NEUTRAL_COLOR);
}

static void
build_plot (KsFigureSpread *self)
{
  ks_figure_line_init (&self->line);
  ks_line_plot_set_axis (self->line.plot, KS_AXIS_X, "width N of each finite layer", KS_SCALE_LOG);
  ks_line_plot_set_axis (self->line.plot, KS_AXIS_Y,
                         "normalised variance v of the top-layer kernel",
                         KS_SCALE_LOG);
  for (guint d = 0; d < ks_spread_sweep_get_n_depths (self->sweep); d++)
    add_depth (self, d);
  add_legend_keys (self);
  ks_line_plot_set_legend (self->line.plot, KS_LEGEND_AUTO);
}

/* The block's text form with N for its finite widths, which the sweep sets. */
static char *
describe_block (const KsStack *block)
{
  g_autofree char *spec = ks_figure_stack_text (block);
  g_auto(GStrv) layers = g_strsplit (spec, ", ", -1);

  for (guint i = 0; layers[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (layers[i], ":", -1);

      if (g_strcmp0 (fields[0], "dense") != 0 || fields[1] == NULL ||
          g_strcmp0 (fields[1], "inf") == 0)
        continue;
      g_free (fields[1]);
      fields[1] = g_strdup ("N");
      g_free (layers[i]);
      layers[i] = g_strjoinv (":", fields);
    }
  return g_strjoinv (", ", layers);
}

static char *
default_footnote (KsFigureSpread *self)
{
  g_autofree char *block = describe_block (ks_spread_sweep_get_block (self->sweep));
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "v = mean over i ≤ j of Var(Kᵢⱼ) / (Rᵢⱼ² + Rᵢᵢ Rⱼⱼ): K the "
                          "top-layer kernel of a network drawn from the prior, R its "
                          "infinite-width limit (where v = 0, off these log axes). Depth L: "
                          "the block %s stacked L times.", block);
  if (ks_spread_sweep_has_analytic (self->sweep))
    g_string_append (text, " Lines: closed form; dashed: its first order Σ 1/Nₗ = "
                     "depth/width.");
  if (sweep_has_monte_carlo (self->sweep))
    g_string_append_printf (text, " Points: Monte Carlo over %u networks ± 1 SE (jackknife), "
                            "low where narrow, deep networks make the entries so heavy-tailed "
                            "that the rare draws carrying the variance are missed.",
                            ks_spread_sweep_get_n_samples (self->sweep));
  return g_string_free (text, FALSE);
}

KsFigureSpread *
ks_figure_spread_new (KsSpreadSweep       *sweep,
                      const char          *data_name,
                      const KsFigureStyle *style,
                      const KsPlotTheme   *theme,
                      GError             **error)
{
  g_autoptr(KsFigureSpread) self = NULL;
  g_autofree char *title = NULL;
  g_autofree char *footnote = NULL;

  g_return_val_if_fail (sweep != NULL && style != NULL && theme != NULL, NULL);

  self = g_new0 (KsFigureSpread, 1);
  self->sweep = ks_spread_sweep_ref (sweep);
  build_plot (self);

  title = g_strdup_printf ("Prior spread of the top-layer kernel against width: %s%sP = %u "
                           "points", data_name != NULL ? data_name : "",
                           data_name != NULL ? ", " : "", ks_spread_sweep_get_n_points (sweep));
  footnote = default_footnote (self);
  ks_figure_line_set_grid (&self->line, theme, style, title, footnote);
  return g_steal_pointer (&self);
}

void
ks_figure_spread_free (KsFigureSpread *self)
{
  if (self == NULL)
    return;
  ks_figure_line_clear (&self->line);
  g_clear_pointer (&self->sweep, ks_spread_sweep_unref);
  g_free (self);
}

double
ks_figure_spread_preferred_height (KsFigureSpread *self,
                                   double          width)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return ks_figure_line_preferred_height (&self->line, width, PANEL_ASPECT);
}

void
ks_figure_spread_draw (KsFigureSpread *self,
                       cairo_t        *cr,
                       double          width,
                       double          height)
{
  g_return_if_fail (self != NULL && cr != NULL);
  ks_figure_line_draw (&self->line, cr, width, height);
}

void
ks_figure_spread_draw_func (cairo_t  *cr,
                            double    width,
                            double    height,
                            gpointer  user_data)
{
  ks_figure_spread_draw (user_data, cr, width, height);
}

KsRect
ks_figure_spread_get_frame (KsFigureSpread *self,
                            double          width,
                            double          height)
{
  g_return_val_if_fail (self != NULL, ks_rect_make (0, 0, 0, 0));
  return ks_figure_line_get_frame (&self->line, width, height);
}

void
ks_figure_spread_data_to_figure (KsFigureSpread *self,
                                 double          width,
                                 double          height,
                                 double          data_x,
                                 double          data_y,
                                 double         *x,
                                 double         *y)
{
  KsFigureAxes axes;

  g_return_if_fail (self != NULL && x != NULL && y != NULL);

  ks_figure_line_probe_axes (&self->line, width, height, KS_SCALE_LOG, KS_SCALE_LOG, &axes);
  *x = ks_figure_axes_x (&axes, data_x);
  *y = ks_figure_axes_y (&axes, data_y);
}

gboolean
ks_figure_spread_hit (KsFigureSpread *self,
                      double          width,
                      double          height,
                      double          x,
                      double          y,
                      KsFigureHit    *hit)
{
  const KsFigureSeries *series;
  g_autofree char *value = NULL;
  KsFigureAxes axes;

  g_return_val_if_fail (self != NULL && hit != NULL, FALSE);

  if (!ks_figure_line_hit (&self->line, width, height, x, y, KS_SCALE_LOG, KS_SCALE_LOG,
                           HIT_RADIUS, &axes, hit))
    return FALSE;
  if (hit->series < 0)
    return TRUE;
  series = g_ptr_array_index (self->line.series, hit->series);
  value = ks_format_number (hit->point_y, 3);
  if (isfinite (hit->point_error))
    {
      g_autofree char *error = ks_format_number (hit->point_error, 2);

      g_snprintf (hit->readout, sizeof hit->readout, "%s, width %g: v = %s ± %s",
                  series->name, hit->point_x, value, error);
    }
  else
    g_snprintf (hit->readout, sizeof hit->readout, "%s, width %g: v = %s",
                series->name, hit->point_x, value);
  return TRUE;
}
