/* ks-figure-evidence.c: the figure of the model evidence log P(Y) against width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-figure-evidence.h"

#include <math.h>

#include "ks-error.h"
#include "ks-figure-line.h"
#include "ks-line-plot.h"
#include "ks-text.h"
#include "ks-ticks.h"

/* Height of the plot's box relative to its width. */
#define PANEL_ASPECT 0.68
#define HIT_RADIUS 8.0
/* Palette entries of the finite widths by estimator. */
#define AIS_COLOR 0
#define MONTE_CARLO_COLOR 1
/* The palette entry of the reference line: the text colour. */
#define REFERENCE_COLOR -1

struct _KsFigureEvidence
{
  KsEvidenceEstimate *estimates;
  guint               n_estimates;
  /* The line's series are the finite widths, for hits: x the width, y the estimate,
   * error its standard error; finite_index maps them back to the estimates given. */
  guint              *finite_index;
  int                 infinite;       /* index of the infinite-width estimate, or -1 */
  KsFigureLine        line;
};

static gboolean
is_infinite (const KsEvidenceEstimate *estimate)
{
  return estimate->width == KS_WIDTH_INFINITE || estimate->estimator == KS_EVIDENCE_EXACT;
}

gboolean
ks_figure_evidence_has_infinite (KsFigureEvidence *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->infinite >= 0;
}

double
ks_figure_evidence_get_infinite (KsFigureEvidence *self)
{
  g_return_val_if_fail (self != NULL, NAN);
  return self->infinite >= 0 ? self->estimates[self->infinite].log_evidence : NAN;
}

/* "annealed importance sampling", "Monte Carlo over prior samples". */
static const char *
estimator_name (KsEvidenceEstimator estimator)
{
  switch (estimator)
    {
    case KS_EVIDENCE_AIS:
      return "annealed importance sampling";
    case KS_EVIDENCE_MONTE_CARLO:
      return "Monte Carlo over prior samples";
    case KS_EVIDENCE_EXACT:
      return "exact";
    case KS_EVIDENCE_AUTO:
    default:
      return "estimate";
    }
}

/* The finite widths, in the order given, with one drawn series per estimator so that
 * the legend names each. */
static void
add_finite (KsFigureEvidence *self)
{
  g_autofree double *x = g_new (double, self->n_estimates);
  g_autofree double *y = g_new (double, self->n_estimates);
  g_autofree double *se = g_new (double, self->n_estimates);
  guint n = 0;

  self->finite_index = g_new (guint, self->n_estimates);
  for (guint i = 0; i < self->n_estimates; i++)
    {
      const KsEvidenceEstimate *estimate = &self->estimates[i];

      if (is_infinite (estimate))
        continue;
      x[n] = estimate->width;
      y[n] = estimate->log_evidence;
      se[n] = estimate->standard_error;
      self->finite_index[n++] = i;
    }
  g_ptr_array_add (self->line.series, ks_figure_series_new ("finite width", x, y, se, n));

  for (KsEvidenceEstimator e = KS_EVIDENCE_MONTE_CARLO; e <= KS_EVIDENCE_AIS; e++)
    {
      g_autofree double *ye = g_new (double, MAX (n, 1));
      g_autofree char *name = NULL;
      gboolean any = FALSE;
      guint index;

      for (guint k = 0; k < n; k++)
        {
          gboolean mine = self->estimates[self->finite_index[k]].estimator == e;

          ye[k] = mine ? y[k] : NAN;
          any = any || mine;
        }
      if (!any)
        continue;
      name = g_strdup_printf ("finite width, %s ± 1 SE",
                              e == KS_EVIDENCE_AIS ? "AIS" : "Monte Carlo");
      index = ks_line_plot_add_series (self->line.plot, name, x, ye, se, n);
      ks_line_plot_set_series_style (self->line.plot, index, e == KS_EVIDENCE_AIS
                                     ? KS_MARKER_CIRCLE : KS_MARKER_SQUARE,
                                     KS_LINE_SOLID, KS_ERROR_BARS);
      ks_line_plot_set_series_color (self->line.plot, index, e == KS_EVIDENCE_AIS ? AIS_COLOR
                                                                      : MONTE_CARLO_COLOR);
    }
}

static void
build_plot (KsFigureEvidence *self)
{
  ks_figure_line_init (&self->line);
  ks_line_plot_set_axis (self->line.plot, KS_AXIS_X, "width N of every dense layer",
                         KS_SCALE_LOG);
  ks_line_plot_set_axis (self->line.plot, KS_AXIS_Y, "log evidence log P(Y) (nats)",
                         KS_SCALE_LINEAR);
  add_finite (self);
  if (self->infinite >= 0)
    ks_line_plot_add_reference (self->line.plot, self->estimates[self->infinite].log_evidence,
                                "infinite width (exact)", REFERENCE_COLOR);
  ks_line_plot_set_legend (self->line.plot, KS_LEGEND_AUTO);
  ks_line_plot_set_empty_note (self->line.plot, "no finite width to draw");
}

static void
append_estimator_note (KsFigureEvidence        *self,
                       const KsEvidenceOptions *options,
                       GString                 *text)
{
  gboolean seen[KS_EVIDENCE_AIS + 1] = { FALSE };

  for (guint i = 0; i < self->n_estimates; i++)
    if (!is_infinite (&self->estimates[i]) && self->estimates[i].estimator <= KS_EVIDENCE_AIS)
      seen[self->estimates[i].estimator] = TRUE;
  if (seen[KS_EVIDENCE_AIS])
    {
      g_string_append_printf (text, " Finite widths: %s over the weights",
                              estimator_name (KS_EVIDENCE_AIS));
      if (options != NULL)
        g_string_append_printf (text, " (%u runs of %u temperatures, %u leapfrog steps each)",
                                options->n_runs, options->n_temperatures,
                                options->n_leapfrog);
      g_string_append (text, ", ± 1 standard error over the runs (a bar hidden by its "
                       "marker is shorter than it).");
    }
  if (seen[KS_EVIDENCE_MONTE_CARLO])
    {
      g_string_append_printf (text, " Finite widths: %s of the kernels",
                              estimator_name (KS_EVIDENCE_MONTE_CARLO));
      if (options != NULL)
        g_string_append_printf (text, " (%u networks per width)", options->n_samples);
      g_string_append (text, ", ± 1 standard error (delta method; a bar hidden by its "
                       "marker is shorter than it); it underestimates where few prior draws "
                       "fit the data.");
    }
  if (self->infinite >= 0)
    g_string_append (text, " Dotted line: the infinite network, exact (the NNGP's Gaussian "
                     "likelihood).");
}

/* The stack's text form with N for the width of every dense layer, which the curve
 * sets. */
static char *
describe_template (const KsStack *template_stack)
{
  g_autofree char *spec = ks_figure_stack_text (template_stack);
  g_auto(GStrv) layers = g_strsplit (spec, ", ", -1);

  for (guint i = 0; layers[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (layers[i], ":", -1);

      if (g_strcmp0 (fields[0], "dense") != 0 || fields[1] == NULL)
        continue;
      g_free (fields[1]);
      fields[1] = g_strdup ("N");
      g_free (layers[i]);
      layers[i] = g_strjoinv (":", fields);
    }
  return g_strjoinv (", ", layers);
}

static char *
default_footnote (KsFigureEvidence        *self,
                  const KsStack           *template_stack,
                  const KsEvidenceOptions *options,
                  guint                    n_outputs)
{
  g_autofree char *stack = describe_template (template_stack);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "Network %s, every dense layer of width N.", stack);
  if (n_outputs > 0)
    g_string_append_printf (text, " Y: %u output column%s.", n_outputs,
                            n_outputs == 1 ? "" : "s");
  append_estimator_note (self, options, text);
  if (options != NULL)
    g_string_append_printf (text, " Seed %" G_GUINT64_FORMAT ".", options->seed);
  return g_string_free (text, FALSE);
}

KsFigureEvidence *
ks_figure_evidence_new (const KsEvidenceEstimate *estimates,
                        guint                     n_estimates,
                        const KsStack            *template_stack,
                        const KsEvidenceOptions  *options,
                        guint                     n_points,
                        guint                     n_outputs,
                        const char               *data_name,
                        const KsFigureStyle      *style,
                        const KsPlotTheme        *theme,
                        GError                  **error)
{
  g_autoptr(KsFigureEvidence) self = NULL;
  g_autoptr(GString) title = g_string_new ("Model evidence against width");
  g_autofree char *footnote = NULL;

  g_return_val_if_fail (template_stack != NULL && style != NULL && theme != NULL, NULL);

  if (estimates == NULL || n_estimates == 0)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "there is no evidence estimate to draw");
      return NULL;
    }
  self = g_new0 (KsFigureEvidence, 1);
  self->estimates = g_memdup2 (estimates, n_estimates * sizeof *estimates);
  self->n_estimates = n_estimates;
  self->infinite = -1;
  for (guint i = 0; i < n_estimates; i++)
    if (is_infinite (&estimates[i]))
      self->infinite = (int) i;
  build_plot (self);

  if (data_name != NULL)
    g_string_append_printf (title, ": %s", data_name);
  if (n_points > 0)
    g_string_append_printf (title, "%sP = %u points", data_name != NULL ? ", " : ": ",
                            n_points);
  footnote = default_footnote (self, template_stack, options, n_outputs);
  ks_figure_line_set_grid (&self->line, theme, style, title->str, footnote);
  return g_steal_pointer (&self);
}

void
ks_figure_evidence_free (KsFigureEvidence *self)
{
  if (self == NULL)
    return;
  ks_figure_line_clear (&self->line);
  g_free (self->finite_index);
  g_free (self->estimates);
  g_free (self);
}

double
ks_figure_evidence_preferred_height (KsFigureEvidence *self,
                                     double            width)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return ks_figure_line_preferred_height (&self->line, width, PANEL_ASPECT);
}

void
ks_figure_evidence_draw (KsFigureEvidence *self,
                         cairo_t          *cr,
                         double            width,
                         double            height)
{
  g_return_if_fail (self != NULL && cr != NULL);
  ks_figure_line_draw (&self->line, cr, width, height);
}

void
ks_figure_evidence_draw_func (cairo_t  *cr,
                              double    width,
                              double    height,
                              gpointer  user_data)
{
  ks_figure_evidence_draw (user_data, cr, width, height);
}

KsRect
ks_figure_evidence_get_frame (KsFigureEvidence *self,
                              double            width,
                              double            height)
{
  g_return_val_if_fail (self != NULL, ks_rect_make (0, 0, 0, 0));
  return ks_figure_line_get_frame (&self->line, width, height);
}

void
ks_figure_evidence_data_to_figure (KsFigureEvidence *self,
                                   double            width,
                                   double            height,
                                   double            data_x,
                                   double            data_y,
                                   double           *x,
                                   double           *y)
{
  KsFigureAxes axes;

  g_return_if_fail (self != NULL && x != NULL && y != NULL);

  ks_figure_line_probe_axes (&self->line, width, height, KS_SCALE_LOG, KS_SCALE_LINEAR, &axes);
  *x = ks_figure_axes_x (&axes, data_x);
  *y = ks_figure_axes_y (&axes, data_y);
}

static void
describe_estimate (const KsEvidenceEstimate *estimate,
                   KsFigureHit              *hit)
{
  g_autofree char *value = ks_format_number (estimate->log_evidence, 5);
  g_autofree char *error = ks_format_number (estimate->standard_error, 2);

  if (is_infinite (estimate))
    g_snprintf (hit->readout, sizeof hit->readout, "infinite width: log P(Y) = %s (exact)",
                value);
  else
    g_snprintf (hit->readout, sizeof hit->readout, "width %u: log P(Y) = %s ± %s (%s)",
                estimate->width, value, error,
                ks_evidence_estimator_to_string (estimate->estimator));
}

gboolean
ks_figure_evidence_hit (KsFigureEvidence *self,
                        double            width,
                        double            height,
                        double            x,
                        double            y,
                        KsFigureHit      *hit)
{
  KsFigureAxes axes;

  g_return_val_if_fail (self != NULL && hit != NULL, FALSE);

  if (!ks_figure_line_hit (&self->line, width, height, x, y, KS_SCALE_LOG, KS_SCALE_LINEAR,
                           HIT_RADIUS, &axes, hit))
    return FALSE;
  if (hit->series >= 0)
    {
      hit->point = (int) self->finite_index[hit->point];
      describe_estimate (&self->estimates[hit->point], hit);
    }
  else if (self->infinite >= 0 &&
           fabs (ks_figure_axes_y (&axes, ks_figure_evidence_get_infinite (self)) - y)
           <= HIT_RADIUS / 2)
    {
      hit->series = 1;
      hit->point = self->infinite;
      hit->point_x = INFINITY;
      hit->point_y = ks_figure_evidence_get_infinite (self);
      hit->point_error = 0.0;
      describe_estimate (&self->estimates[self->infinite], hit);
    }
  return TRUE;
}
