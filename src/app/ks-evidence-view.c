/* ks-evidence-view.c: the Evidence tab: the log evidence of the data against width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-evidence-view.h"

#include "ks-error.h"
#include "ks-figure-evidence.h"
#include "ks-linalg.h"
#include "ks-stack-scale.h"
#include "ks-sweep-input.h"

/* Annealed importance sampling costs a Hamiltonian step over every weight per point and
 * temperature: on 40 points, 8 runs of 50 temperatures take a few seconds for widths up
 * to 128 on two cores, with standard errors under one nat. */
#define EVIDENCE_MAX_POINTS 40
#define EVIDENCE_RUNS 8
#define EVIDENCE_TEMPERATURES 50
#define EVIDENCE_SAMPLES 400

static const guint evidence_widths[] = { 1, 2, 4, 8, 16, 32, 64, 128, KS_WIDTH_INFINITE };

struct _KsEvidenceView
{
  KsSweepView parent_instance;
};

G_DEFINE_FINAL_TYPE (KsEvidenceView, ks_evidence_view, KS_TYPE_SWEEP_VIEW)

/* ---- the figure's source: the curve and what it was estimated from ---- */

typedef struct
{
  KsEvidenceEstimate *estimates;
  guint               n_estimates;
  KsStack            *stack;
  KsEvidenceOptions   options;
  guint               n_points;
  guint               n_outputs;
  char               *data_name;
} EvidenceSource;

static void
evidence_source_clear (EvidenceSource *source)
{
  g_free (source->estimates);
  ks_stack_unref (source->stack);
  g_free (source->data_name);
}

static gpointer
evidence_source_ref (gpointer source)
{
  return g_atomic_rc_box_acquire (source);
}

static void
evidence_source_unref (gpointer source)
{
  g_atomic_rc_box_release_full (source, (GDestroyNotify) evidence_source_clear);
}

static gpointer
evidence_build (gpointer             source,
                const KsFigureStyle *style,
                const KsPlotTheme   *theme,
                GError             **error)
{
  EvidenceSource *evidence = source;

  return ks_figure_evidence_new (evidence->estimates, evidence->n_estimates, evidence->stack,
                                 &evidence->options, evidence->n_points, evidence->n_outputs,
                                 evidence->data_name, style, theme, error);
}

static void
evidence_free (gpointer figure)
{
  ks_figure_evidence_free (figure);
}

static double
evidence_preferred_height (gpointer figure,
                           double   width)
{
  return ks_figure_evidence_preferred_height (figure, width);
}

static void
evidence_draw (gpointer  figure,
               cairo_t  *cr,
               double    width,
               double    height)
{
  ks_figure_evidence_draw (figure, cr, width, height);
}

static gboolean
evidence_hit (gpointer     figure,
              double       width,
              double       height,
              double       x,
              double       y,
              KsFigureHit *hit)
{
  return ks_figure_evidence_hit (figure, width, height, x, y, hit);
}

static const KsFigureFuncs evidence_figure_funcs = {
  .build = evidence_build,
  .free = evidence_free,
  .preferred_height = evidence_preferred_height,
  .draw = evidence_draw,
  .hit = evidence_hit,
};

/* ---- the curve ---- */

static gpointer
evidence_make_input (KsSweepView  *view,
                     KsDocument   *document,
                     char        **key,
                     GError      **error)
{
  KsSweepInput *input = ks_sweep_input_new (document, EVIDENCE_MAX_POINTS);
  g_autoptr(KsStack) any_width = NULL;

  if (input == NULL)
    return NULL;
  /* The curve sets every width itself: moving the width slider changes nothing here. */
  any_width = ks_stack_with_width (input->stack, KS_WIDTH_INFINITE);
  *key = ks_sweep_input_key (input, document, any_width);
  return input;
}

/* The readout must emit as many channels as the outputs have columns. */
static gboolean
match_readout (KsStack           *stack,
               const gsl_matrix  *outputs,
               GError           **error)
{
  guint last = ks_stack_get_n_layers (stack) - 1;
  const KsLayer *readout = ks_stack_get_readout (stack);
  KsLayer layer;

  if (readout == NULL || readout->width == outputs->size2)
    return TRUE;
  layer = ks_layer_readout (outputs->size2, readout->noise_var);
  return ks_stack_replace (stack, last, &layer, error);
}

static gpointer
evidence_run (gpointer          data,
              KsSweepProgress  *progress,
              GCancellable     *cancellable,
              GError          **error)
{
  KsSweepInput *input = data;
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;
  g_autoptr(KsDataset) points = ks_sweep_input_load (input, "The evidence needs", &inputs,
                                                     &outputs, error);
  KsEvidenceEstimate *estimates;
  EvidenceSource *source;
  KsEvidenceOptions options;

  if (points == NULL)
    return NULL;
  if (!match_readout (input->stack, outputs, error))
    return NULL;

  ks_evidence_options_init (&options);
  options.n_samples = EVIDENCE_SAMPLES;
  options.n_runs = EVIDENCE_RUNS;
  options.n_temperatures = EVIDENCE_TEMPERATURES;
  options.seed = input->seed;
  estimates = ks_evidence_curve (input->stack, inputs, outputs, evidence_widths,
                                 G_N_ELEMENTS (evidence_widths), &options,
                                 ks_sweep_input_report_progress, progress, cancellable, error);
  if (estimates == NULL)
    return NULL;

  source = g_atomic_rc_box_new0 (EvidenceSource);
  source->estimates = estimates;
  source->n_estimates = G_N_ELEMENTS (evidence_widths);
  source->stack = ks_stack_ref (input->stack);
  source->options = options;
  source->n_points = ks_dataset_get_n_points (points);
  source->n_outputs = outputs->size2;
  source->data_name = g_strdup (ks_dataset_get_name (input->data));
  return source;
}

GtkWidget *
ks_evidence_view_new (void)
{
  return g_object_new (KS_TYPE_EVIDENCE_VIEW, NULL);
}

static void
ks_evidence_view_class_init (KsEvidenceViewClass *klass)
{
  KsSweepViewClass *sweep_class = KS_SWEEP_VIEW_CLASS (klass);

  sweep_class->make_input = evidence_make_input;
  sweep_class->run = evidence_run;
  sweep_class->free_input = ks_sweep_input_free;
  sweep_class->ref_output = evidence_source_ref;
  sweep_class->free_output = evidence_source_unref;
  sweep_class->figure_funcs = &evidence_figure_funcs;
  sweep_class->computing_title = "Estimating the Evidence";
  sweep_class->computing_description =
    "The network at widths from 1 to 128 and at infinite width, on up to 40 of the points.";
  sweep_class->hint = "Point at a marker to read the estimate and its standard error.";
}

static void
ks_evidence_view_init (KsEvidenceView *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (ks_sweep_view_get_area (KS_SWEEP_VIEW (self))),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Log evidence against width", -1);
}
