/* ks-predictions-view.c: the Predictions tab: test accuracy against the width scale
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-predictions-view.h"

#include "ks-error.h"
#include "ks-figure-predict.h"
#include "ks-linalg.h"

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

typedef struct
{
  KsStack   *stack;     /* with its readout */
  KsDataset *data;
  guint      n_points;
  guint64    seed;
} PredictInput;

static void
predict_input_free (gpointer data)
{
  PredictInput *input = data;

  ks_stack_unref (input->stack);
  ks_dataset_unref (input->data);
  g_free (input);
}

static gpointer
predict_make_input (KsSweepView  *view,
                    KsDocument   *document,
                    char        **key,
                    GError      **error)
{
  g_autoptr(KsExperiment) experiment = ks_document_build_experiment (document);
  g_autofree char *stack_text = NULL;
  PredictInput *input;

  if (experiment == NULL)
    return NULL;
  input = g_new0 (PredictInput, 1);
  input->stack = ks_stack_copy (ks_experiment_get_stack (experiment));
  input->data = ks_dataset_ref (ks_experiment_get_data (experiment));
  input->n_points = ks_document_get_n_points (document);
  input->seed = ks_document_get_seed (document);
  stack_text = ks_stack_to_string (input->stack);
  *key = g_strdup_printf ("%s|%s|%u|%u|%" G_GUINT64_FORMAT, stack_text,
                          ks_document_get_data_source (document),
                          ks_dataset_get_n_points (input->data), input->n_points, input->seed);
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

static void
on_sweep_progress (double   fraction,
                   gpointer user_data)
{
  ks_sweep_progress_set (user_data, fraction);
}

static gpointer
predict_run (gpointer          data,
             KsSweepProgress  *progress,
             GCancellable     *cancellable,
             GError          **error)
{
  PredictInput *input = data;
  g_autoptr(KsDataset) points = ks_dataset_subsample (input->data, input->n_points, input->seed, error);
  g_autoptr(KsDataset) standardized = NULL;
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;
  const int *labels;
  gboolean accuracy;
  KsPredictSweepOptions options;
  KsPredictSweep *sweep;
  PredictSource *source;

  if (points == NULL)
    return NULL;
  standardized = ks_dataset_standardize (points);
  inputs = ks_dataset_input_matrix (standardized);
  outputs = ks_dataset_output_matrix (standardized);
  if (outputs == NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA, "Predictions need outputs, and “%s” has "
                   "neither class labels nor targets: choose another data set in the Data group.",
                   ks_dataset_get_name (input->data));
      return NULL;
    }
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
                                on_sweep_progress, progress, cancellable, error);
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
  sweep_class->free_input = predict_input_free;
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
