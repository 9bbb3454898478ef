/* ks-spread-view.c: the Spread tab: the prior spread of the top-layer kernel against width
 * and depth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-spread-view.h"

#include "ks-error.h"
#include "ks-figure-spread.h"
#include "ks-linalg.h"
#include "ks-stack-scale.h"

/* The summary hardly depends on the data (about depth / width for deep linear blocks),
 * and its cost grows with P²: a few points show the law. 400 networks per point give
 * standard errors of a few per cent where the prior is not heavy-tailed. */
#define SPREAD_POINTS 16
#define SPREAD_SAMPLES 400

static const guint spread_depths[] = { 1, 2, 4, 8 };
static const guint spread_widths[] = { 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };

struct _KsSpreadView
{
  KsSweepView parent_instance;
};

G_DEFINE_FINAL_TYPE (KsSpreadView, ks_spread_view, KS_TYPE_SWEEP_VIEW)

/* ---- the figure's source: a sweep and the name of its data ---- */

typedef struct
{
  KsSpreadSweep *sweep;
  char          *data_name;
} SpreadSource;

static void
spread_source_clear (SpreadSource *source)
{
  ks_spread_sweep_unref (source->sweep);
  g_free (source->data_name);
}

static gpointer
spread_source_ref (gpointer source)
{
  return g_atomic_rc_box_acquire (source);
}

static void
spread_source_unref (gpointer source)
{
  g_atomic_rc_box_release_full (source, (GDestroyNotify) spread_source_clear);
}

static gpointer
spread_build (gpointer             source,
              const KsFigureStyle *style,
              const KsPlotTheme   *theme,
              GError             **error)
{
  SpreadSource *spread = source;

  return ks_figure_spread_new (spread->sweep, spread->data_name, style, theme, error);
}

static void
spread_free (gpointer figure)
{
  ks_figure_spread_free (figure);
}

static double
spread_preferred_height (gpointer figure,
                         double   width)
{
  return ks_figure_spread_preferred_height (figure, width);
}

static void
spread_draw (gpointer  figure,
             cairo_t  *cr,
             double    width,
             double    height)
{
  ks_figure_spread_draw (figure, cr, width, height);
}

static gboolean
spread_hit (gpointer     figure,
            double       width,
            double       height,
            double       x,
            double       y,
            KsFigureHit *hit)
{
  return ks_figure_spread_hit (figure, width, height, x, y, hit);
}

static const KsFigureFuncs spread_figure_funcs = {
  .build = spread_build,
  .free = spread_free,
  .preferred_height = spread_preferred_height,
  .draw = spread_draw,
  .hit = spread_hit,
};

/* ---- the sweep ---- */

typedef struct
{
  KsStack   *block;
  KsDataset *data;
  guint64    seed;
} SpreadInput;

static void
spread_input_free (gpointer data)
{
  SpreadInput *input = data;

  ks_stack_unref (input->block);
  ks_dataset_unref (input->data);
  g_free (input);
}

KsStack *
ks_spread_view_block_for (const KsStack  *stack,
                          GError        **error)
{
  g_autoptr(KsStack) block = ks_stack_new ();
  guint n = ks_stack_get_n_layers (stack);
  guint first = 0;

  while (first < n && ks_stack_get_layer (stack, first)->kind != KS_LAYER_DENSE)
    first++;
  if (first == n)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "The network has no dense layer, so no width to vary: add one in "
                           "the Network group.");
      return NULL;
    }
  for (guint i = first; i < n; i++)
    {
      const KsLayer *layer = ks_stack_get_layer (stack, i);

      if (i > first && (layer->kind == KS_LAYER_DENSE || layer->kind == KS_LAYER_READOUT))
        break;
      if (!ks_stack_append (block, layer, error))
        return NULL;
    }
  /* Any finite width: the sweep sets each in turn. */
  return ks_stack_with_width (block, 1);
}

static gpointer
spread_make_input (KsSweepView  *view,
                   KsDocument   *document,
                   char        **key,
                   GError      **error)
{
  KsDataset *data = ks_document_get_dataset (document);
  g_autofree char *block_text = NULL;
  SpreadInput *input;
  KsStack *block;

  if (data == NULL)
    return NULL;
  block = ks_spread_view_block_for (ks_document_get_stack (document), error);
  if (block == NULL)
    return NULL;
  input = g_new0 (SpreadInput, 1);
  input->block = block;
  input->data = ks_dataset_ref (data);
  input->seed = ks_document_get_seed (document);
  block_text = ks_stack_to_string (block);
  *key = g_strdup_printf ("%s|%s|%u|%" G_GUINT64_FORMAT, block_text,
                          ks_document_get_data_source (document),
                          ks_dataset_get_n_points (data), input->seed);
  return input;
}

static void
on_sweep_progress (double   fraction,
                   gpointer user_data)
{
  ks_sweep_progress_set (user_data, fraction);
}

static gpointer
spread_run (gpointer          data,
            KsSweepProgress  *progress,
            GCancellable     *cancellable,
            GError          **error)
{
  SpreadInput *input = data;
  g_autoptr(KsDataset) points = ks_dataset_subsample (input->data, SPREAD_POINTS, input->seed, error);
  g_autoptr(KsDataset) standardized = NULL;
  g_autoptr(gsl_matrix) inputs = NULL;
  KsSpreadSweepOptions options = {
    .block = input->block,
    .depths = spread_depths,
    .n_depths = G_N_ELEMENTS (spread_depths),
    .widths = spread_widths,
    .n_widths = G_N_ELEMENTS (spread_widths),
    .n_samples = SPREAD_SAMPLES,
    .seed = input->seed,
  };
  SpreadSource *source;
  KsSpreadSweep *sweep;

  if (points == NULL)
    return NULL;
  standardized = ks_dataset_standardize (points);
  inputs = ks_dataset_input_matrix (standardized);
  sweep = ks_spread_sweep_run (&options, inputs, on_sweep_progress, progress, cancellable, error);
  if (sweep == NULL)
    return NULL;
  source = g_atomic_rc_box_new0 (SpreadSource);
  source->sweep = sweep;
  source->data_name = g_strdup (ks_dataset_get_name (input->data));
  return source;
}

GtkWidget *
ks_spread_view_new (void)
{
  return g_object_new (KS_TYPE_SPREAD_VIEW, NULL);
}

static void
ks_spread_view_class_init (KsSpreadViewClass *klass)
{
  KsSweepViewClass *sweep_class = KS_SWEEP_VIEW_CLASS (klass);

  sweep_class->make_input = spread_make_input;
  sweep_class->run = spread_run;
  sweep_class->free_input = spread_input_free;
  sweep_class->ref_output = spread_source_ref;
  sweep_class->free_output = spread_source_unref;
  sweep_class->figure_funcs = &spread_figure_funcs;
  sweep_class->computing_title = "Sampling Networks of Every Width";
  sweep_class->computing_description =
    "400 finite networks for each width from 2 to 1024 and each depth from 1 to 8 blocks, "
    "on 16 points of the data.";
  sweep_class->hint = "Point at a marker to read the spread at that width and depth.";
}

static void
ks_spread_view_init (KsSpreadView *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (ks_sweep_view_get_area (KS_SWEEP_VIEW (self))),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Spread of the top-layer kernel against width", -1);
}
