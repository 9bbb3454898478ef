/* ks-predictions-view.c: the Predictions tab: test accuracy against the width scale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-predictions-view.h"

#include "ks-error.h"
#include "ks-figure-predict.h"
#include "ks-linalg.h"
#include "ks-sweep-input.h"

#define TEST_FRACTION 0.2

/* From deep kernel machines that trust the data (small nu) to ones that keep the prior
 * (large nu, back to the NNGP), a factor of two apart: the warm starts stay close. */
static const double width_scales[] = {
  1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2, 1, 2, 4, 8, 16, 32, 64,
};

struct _KsPredictionsView
{
  KsSweepView parent_instance;
};

G_DEFINE_FINAL_TYPE (KsPredictionsView, ks_predictions_view, KS_TYPE_SWEEP_VIEW)

/* ---- the figure's source: the sweep and the name of its data ---- */

typedef struct
{
  KsPredictSweep *sweep;
  char           *data_name;
} PredictSource;

static void
predict_source_clear (PredictSource *source)
{
  ks_predict_sweep_unref (source->sweep);
  g_free (source->data_name);
}

static gpointer
predict_source_ref (gpointer source)
{
  return g_atomic_rc_box_acquire (source);
}

static void
predict_source_unref (gpointer source)
{
  g_atomic_rc_box_release_full (source, (GDestroyNotify) predict_source_clear);
}

static gpointer
predict_build (gpointer             source,
               const KsFigureStyle *style,
               const KsPlotTheme   *theme,
               GError             **error)
{
  PredictSource *predict = source;

  return ks_figure_predict_new (predict->sweep, predict->data_name, style, theme, error);
}

static void
predict_free (gpointer figure)
{
  ks_figure_predict_free (figure);
}

static double
predict_preferred_height (gpointer figure,
                          double   width)
{
  return ks_figure_predict_preferred_height (figure, width);
}

static void
predict_draw (gpointer  figure,
              cairo_t  *cr,
              double    width,
              double    height)
{
  ks_figure_predict_draw (figure, cr, width, height);
}

static gboolean
predict_hit (gpointer     figure,
             double       width,
             double       height,
             double       x,
             double       y,
             KsFigureHit *hit)
{
  return ks_figure_predict_hit (figure, width, height, x, y, hit);
}

static const KsFigureFuncs predict_figure_funcs = {
  .build = predict_build,
  .free = predict_free,
  .preferred_height = predict_preferred_height,
  .draw = predict_draw,
  .hit = predict_hit,
};

/* ---- the sweep ---- */

static gpointer
predict_make_input (KsSweepView  *view,
                    KsDocument   *document,
                    char        **key,
                    GError      **error)
{
  KsSweepInput *input = ks_sweep_input_new (document, G_MAXUINT);

  if (input == NULL)
    return NULL;
  *key = ks_sweep_input_key (input, document, input->stack);
  return input;
}

/* The representation the readout sees: the last layer before it. Every layer's curve
 * would hide each other where they agree, as they mostly do. */
static guint
top_layer (const KsStack *stack)
{
  guint n = ks_stack_get_n_layers (stack);

  return ks_stack_get_readout (stack) != NULL && n >= 2 ? n - 2 : n - 1;
}

static gpointer
predict_run (gpointer          data,
             KsSweepProgress  *progress,
             GCancellable     *cancellable,
             GError          **error)
{
  KsSweepInput *input = data;
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;
  g_autoptr(KsDataset) standardized = ks_sweep_input_load (input, "Predictions need", &inputs,
                                                           &outputs, error);
  const int *labels;
  gboolean accuracy;
  KsPredictSweepOptions options;
  KsPredictSweep *sweep;
  PredictSource *source;

  if (standardized == NULL)
    return NULL;
  /* Classes are scored by accuracy, real targets by their error. */
  accuracy = ks_dataset_get_n_targets (standardized) == 0 && ks_dataset_has_labels (standardized);

  ks_predict_sweep_options_init (&options);
  options.width_scales = width_scales;
  options.n_width_scales = G_N_ELEMENTS (width_scales);
  options.test_fraction = TEST_FRACTION;
  options.seed = input->seed;
  options.metric = accuracy ? KS_PREDICT_ACCURACY : KS_PREDICT_RMSE;
  options.layer = top_layer (input->stack);
  labels = ks_dataset_has_labels (standardized) ? ks_dataset_get_labels (standardized) : NULL;
  sweep = ks_predict_sweep_run (input->stack, inputs, outputs, labels, &options,
                                ks_sweep_input_report_progress, progress, cancellable,
                                error);
  if (sweep == NULL)
    return NULL;

  source = g_atomic_rc_box_new0 (PredictSource);
  source->sweep = sweep;
  source->data_name = g_strdup (ks_dataset_get_name (input->data));
  return source;
}

GtkWidget *
ks_predictions_view_new (void)
{
  return g_object_new (KS_TYPE_PREDICTIONS_VIEW, NULL);
}

static void
ks_predictions_view_class_init (KsPredictionsViewClass *klass)
{
  KsSweepViewClass *sweep_class = KS_SWEEP_VIEW_CLASS (klass);

  sweep_class->make_input = predict_make_input;
  sweep_class->run = predict_run;
  sweep_class->free_input = ks_sweep_input_free;
  sweep_class->ref_output = predict_source_ref;
  sweep_class->free_output = predict_source_unref;
  sweep_class->figure_funcs = &predict_figure_funcs;
  sweep_class->computing_title = "Scoring the Predictions";
  sweep_class->computing_description =
    "The deep kernel machine at width scales from 1/16 to 64, a fifth of the points held out.";
  sweep_class->hint = "Point at a marker to read the score at that width scale.";
}

static void
ks_predictions_view_init (KsPredictionsView *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (ks_sweep_view_get_area (KS_SWEEP_VIEW (self))),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Test accuracy against the width scale", -1);
}
