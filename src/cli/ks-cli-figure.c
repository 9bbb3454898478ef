/* ks-cli-figure.c: "kernelscope-cli figure", a figure of an experiment as PDF, SVG or PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-cli-commands.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ks-atomic-file.h"
#include "ks-cli-common.h"
#include "ks-cli-data-options.h"
#include "ks-cli-job.h"
#include "ks-error.h"
#include "ks-experiment.h"
#include "ks-export.h"
#include "ks-cli-output-options.h"
#include "ks-evidence.h"
#include "ks-figure-cka-depth.h"
#include "ks-figure-cka-matrix.h"
#include "ks-figure-evidence.h"
#include "ks-figure-kernels.h"
#include "ks-figure-predict.h"
#include "ks-figure-spread.h"
#include "ks-linalg.h"
#include "ks-predict-sweep.h"
#include "ks-spread-sweep.h"

#define DEFAULT_STACK "dense:inf:wv=2,relu,dense:16:wv=2,relu,dense:inf:wv=2,relu"
#define DEFAULT_N_POINTS 200
#define DEFAULT_N_SAMPLES 16
#define SPREAD_N_POINTS 16
#define SPREAD_N_SAMPLES 400
#define SPREAD_DEPTHS "1,2,4,8"
#define SPREAD_WIDTHS "2,4,8,16,32,64,128,256,512,1024"
#define SPREAD_BLOCK "dense:N"
#define EVIDENCE_STACK "dense:1,relu,dense:1"
#define EVIDENCE_N_POINTS 50
#define EVIDENCE_WIDTHS "1,2,4,8,16,64,256,inf"
#define PREDICT_WIDTH_SCALES "0.1,0.3,1,3,10"
#define PREDICT_TEST_FRACTION 0.2
/* Sizes beyond these are surely typing mistakes (a PDF page may be 5 m a side). */
#define MAX_SIZE_MM 5000.0
#define MAX_DPI 2400.0

#define FIGURE_SUMMARY \
  "Draws one of Kernelscope's figures of an experiment and writes it as PDF, SVG or PNG\n" \
  "(from the extension of --output). Text stays text in PDF and SVG; the file appears\n" \
  "complete or not at all. NAME is one of (see --list):\n" \
  "  kernels      every layer's kernel: infinite width, one finite-width network, the\n" \
  "               mean of S networks and, when the data has outputs, the posterior\n" \
  "  cka-matrix   CKA between every pair of layers\n" \
  "  cka-depth    CKA of each layer to the input and to the output kernel against depth:\n" \
  "               infinite network, a finite network from the prior, the posterior\n" \
  "  spread       prior variance of the top-layer kernel against width, several depths\n" \
  "  evidence     log evidence log P(Y) against width, infinite width as reference\n" \
  "  predict      test accuracy (or RMSE) of the deep kernel machine against width scale,\n" \
  "               the NNGP as reference"

#define FIGURE_DESCRIPTION \
  KS_CLI_STACK_HELP \
  "--stack defaults to the bottleneck network " DEFAULT_STACK ",\n" \
  "for evidence to " EVIDENCE_STACK " (whose widths --widths replaces).\n" \
  "\n" \
  KS_CLI_DATA_HELP \
  "\n" \
  KS_CLI_OUTPUT_HELP \
  "\n" \
  "kernels, cka-matrix, cka-depth: when the data has outputs (class labels or --targets)\n" \
  "the posterior given them is computed by the deep kernel machine (width scale 1) and\n" \
  "drawn; --no-posterior leaves it out.\n" \
  "\n" \
  "kernels: one column per layer, every layer when there are at most 12, else every k-th\n" \
  "layer counted back from the last (the fewest that keeps 12 columns); --layers 1,4,8\n" \
  "or --layers all chooses. With --ranges row (the default) every panel of a row shares\n" \
  "one colour range, and one colour bar serves all rows when their ranges agree (each\n" \
  "covers 70% of their union); with --ranges panel each panel has its own range, written\n" \
  "above it, and the colour bar shows positions within a range. When a few extreme\n" \
  "entries stretch a range 1.5-fold beyond its central 99%, the colours span that\n" \
  "central 99% and saturate beyond (the footnote gives the full range).\n" \
  "\n" \
  "spread: for each depth L of --depths and width N of --widths, the block of --block\n" \
  "(default " SPREAD_BLOCK ", N standing for the width) is stacked L times, and the\n" \
  "variance of the top-layer kernel entries is summarised as v = mean over i <= j of\n" \
  "Var(K_ij) / (R_ij^2 + R_ii R_jj), R the infinite-width kernel (about\n" \
  "depth / width for deep linear networks): exactly for deep linear blocks, and by Monte\n" \
  "Carlo over --samples networks (default 400) with jackknife standard errors. --points\n" \
  "defaults to 16 here; --stack does not apply.\n" \
  "\n" \
  "evidence: log P(Y) of the stack with every dense layer set to each width of --widths\n" \
  "(default " EVIDENCE_WIDTHS "), as 'kernelscope-cli evidence' computes it:\n" \
  "exact at inf, else by --estimator (auto, mc or ais) with --runs, --temperatures or\n" \
  "--samples. --points defaults to 50 here.\n" \
  "\n" \
  "predict: the points are split into training and test points (--test-fraction,\n" \
  "default 0.2, by --seed) and layer --layer's kernel (default: the last before the\n" \
  "readout) predicts the test outputs, as 'kernelscope-cli predict' computes it: the\n" \
  "NNGP, and the deep kernel machine at each width scale of --width-scales (default\n" \
  PREDICT_WIDTH_SCALES ").\n" \
  "\n" \
  "Size: --width-mm defaults to 180 (120 for spread, evidence and predict); --height-mm\n" \
  "to the height that fits the figure without empty bands. PNG files have --dpi pixels\n" \
  "per inch (300).\n" \
  "\n" \
  "Exit status: 0 done, 1 the file could not be written, 2 bad options or data,\n" \
  "130 interrupted.\n" \
  "\n" \
  "Examples:\n" \
  "  kernelscope-cli figure --list\n" \
  "  kernelscope-cli figure kernels --data digits --points 200 --output kernels.pdf\n" \
  "  kernelscope-cli figure kernels --stack dense:64,relu,dense:64,relu,dense:64,relu \\\n" \
  "      --layers 2,4,6 --colormap magma --ranges panel --output deep.png --dpi 200\n" \
  "  kernelscope-cli figure cka-depth --output cka-depth.svg --theme screen\n" \
  "  kernelscope-cli figure spread --depths 1,2,4,8 --widths 2,8,32,128,512 --output spread.pdf\n" \
  "  kernelscope-cli figure evidence --stack dense:1,relu,dense:1 --data iris --points 30 \\\n" \
  "      --widths 1,2,4,8,32,inf --output evidence.pdf\n" \
  "  kernelscope-cli figure predict --width-scales 0.03,0.1,0.3,1,3,10 --output predict.png\n"

typedef struct
{
  KsCliDataOptions data;
  char *stack_text;
  char *samples_text;
  char *threads_text;
  char *cka_text;
  char *tau_text;
  char *layers_text;
  char *depths_text;
  char *widths_text;
  char *block_text;
  char *output;
  char *width_text;
  char *height_text;
  char *dpi_text;
  char *colormap_text;
  char *theme_text;
  char *title;
  char *ranges_text;
  char *estimator_text;
  char *runs_text;
  char *temperatures_text;
  char *width_scales_text;
  char *test_fraction_text;
  char *layer_text;
  KsCliOutputOptions outputs;
  gboolean posterior;
  gboolean no_posterior;
  gboolean list;
  gboolean quiet;

  KsFigureKind kind;
  KsStack *stack;
  KsStack *block;
  guint n_samples;
  guint n_threads;
  KsCkaKind cka_kind;
  double tau;
  guint *layers;
  guint n_layers;
  GArray *depths;
  GArray *widths;
  double width_pt;    /* 0: the figure's default */
  double height_pt;   /* 0: the figure's preferred height */
  double dpi;
  KsColormap colormap;
  KsPlotThemeKind theme_kind;
  KsFigureRanges ranges;
  KsEvidenceOptions evidence;
  GArray *width_scales;
  double test_fraction;
  guint layer;          /* predict: counted from 1; 0: the last before the readout */

  /* The exit status of a failure that does not decide its own (see ks_cli_exit_for_error). */
  KsCliExit failure;
} FigureCommand;

static void
figure_command_clear (FigureCommand *self)
{
  ks_cli_data_options_clear (&self->data);
  g_clear_pointer (&self->stack_text, g_free);
  g_clear_pointer (&self->samples_text, g_free);
  g_clear_pointer (&self->threads_text, g_free);
  g_clear_pointer (&self->cka_text, g_free);
  g_clear_pointer (&self->tau_text, g_free);
  g_clear_pointer (&self->layers_text, g_free);
  g_clear_pointer (&self->depths_text, g_free);
  g_clear_pointer (&self->widths_text, g_free);
  g_clear_pointer (&self->block_text, g_free);
  g_clear_pointer (&self->output, g_free);
  g_clear_pointer (&self->width_text, g_free);
  g_clear_pointer (&self->height_text, g_free);
  g_clear_pointer (&self->dpi_text, g_free);
  g_clear_pointer (&self->colormap_text, g_free);
  g_clear_pointer (&self->theme_text, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->ranges_text, g_free);
  g_clear_pointer (&self->estimator_text, g_free);
  g_clear_pointer (&self->runs_text, g_free);
  g_clear_pointer (&self->temperatures_text, g_free);
  g_clear_pointer (&self->width_scales_text, g_free);
  g_clear_pointer (&self->test_fraction_text, g_free);
  g_clear_pointer (&self->layer_text, g_free);
  ks_cli_output_options_clear (&self->outputs);
  g_clear_pointer (&self->stack, ks_stack_unref);
  g_clear_pointer (&self->block, ks_stack_unref);
  g_clear_pointer (&self->layers, g_free);
  g_clear_pointer (&self->depths, g_array_unref);
  g_clear_pointer (&self->widths, g_array_unref);
  g_clear_pointer (&self->width_scales, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FigureCommand, figure_command_clear)

static GOptionContext *
figure_option_context (FigureCommand *self)
{
  GOptionContext *context = g_option_context_new ("NAME");
  const GOptionEntry entries[] = {
    { "list", 0, 0, G_OPTION_ARG_NONE, &self->list,
      "List the figures, one a line, and exit", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &self->output,
      "The file to write: .pdf, .svg or .png (required)", "FILE" },
    { "stack", 's', 0, G_OPTION_ARG_STRING, &self->stack_text,
      "The network (default: the bottleneck network below)", "SPEC" },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &self->samples_text,
      "Finite-width networks to draw (default: 16; spread: 400 per depth and width; "
      "evidence: prior networks per width for mc, 2000)", "S" },
    { "posterior", 0, 0, G_OPTION_ARG_NONE, &self->posterior,
      "Condition on the outputs and draw the posterior (the default when the data has "
      "outputs; then an error when it has none)", NULL },
    { "no-posterior", 0, 0, G_OPTION_ARG_NONE, &self->no_posterior,
      "kernels, cka-matrix, cka-depth: leave the posterior out", NULL },
    { "ranges", 0, 0, G_OPTION_ARG_STRING, &self->ranges_text,
      "kernels: one colour range per row, or per panel (default: row)", "row|panel" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &self->threads_text,
      "Worker threads, 0 for one per core (default: 0); results do not depend on it", "T" },
    { "cka", 0, 0, G_OPTION_ARG_STRING, &self->cka_text,
      "CKA between layers: linear, rbf or debiased (default: linear)", "KIND" },
    { "tau", 0, 0, G_OPTION_ARG_STRING, &self->tau_text,
      "Bandwidth of the RBF CKA, relative to the median distance (default: 1)", "T" },
    { "layers", 0, 0, G_OPTION_ARG_STRING, &self->layers_text,
      "kernels, cka-matrix: the layers to draw, counted from 1, or all", "1,4,8|all" },
    { "depths", 0, 0, G_OPTION_ARG_STRING, &self->depths_text,
      "spread: the depths, in blocks (default: " SPREAD_DEPTHS ")", "LIST" },
    { "widths", 0, 0, G_OPTION_ARG_STRING, &self->widths_text,
      "spread: the widths (default: 2,4,...,1024); evidence: the widths, inf for infinite "
      "(default: " EVIDENCE_WIDTHS ")", "LIST" },
    { "estimator", 0, 0, G_OPTION_ARG_STRING, &self->estimator_text,
      "evidence: estimator of finite widths, auto, mc or ais (default: auto)", "NAME" },
    { "runs", 0, 0, G_OPTION_ARG_STRING, &self->runs_text,
      "evidence: independent annealing runs per width for ais (default: 16)", "R" },
    { "temperatures", 0, 0, G_OPTION_ARG_STRING, &self->temperatures_text,
      "evidence: temperatures of each ais run (default: 400)", "T" },
    { "width-scales", 0, 0, G_OPTION_ARG_STRING, &self->width_scales_text,
      "predict: width scales of the deep kernel machine (default: " PREDICT_WIDTH_SCALES ")",
      "S,S,..." },
    { "test-fraction", 0, 0, G_OPTION_ARG_STRING, &self->test_fraction_text,
      "predict: fraction of the points held out for testing (default: 0.2)", "F" },
    { "layer", 0, 0, G_OPTION_ARG_STRING, &self->layer_text,
      "predict: the layer whose kernel predicts, counted from 1 (default: the last before "
      "the readout)", "L" },
    { "block", 0, 0, G_OPTION_ARG_STRING, &self->block_text,
      "spread: the block stacked depth times, N its width (default: " SPREAD_BLOCK ")",
      "SPEC" },
    { "width-mm", 0, 0, G_OPTION_ARG_STRING, &self->width_text,
      "Width of the figure in millimetres (default: 180; spread, evidence, predict: 120)",
      "W" },
    { "height-mm", 0, 0, G_OPTION_ARG_STRING, &self->height_text,
      "Height in millimetres (default: what the figure needs at that width)", "H" },
    { "dpi", 0, 0, G_OPTION_ARG_STRING, &self->dpi_text,
      "Pixels per inch of a PNG (default: 300)", "D" },
    { "colormap", 0, 0, G_OPTION_ARG_STRING, &self->colormap_text,
      "Colour map of the heatmaps: viridis, magma, cividis or rdbu (default: viridis)",
      "NAME" },
    { "theme", 0, 0, G_OPTION_ARG_STRING, &self->theme_text,
      "paper (white, for print) or screen (default: paper)", "NAME" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &self->title,
      "The figure's title instead of its own; '' for none", "TEXT" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &self->quiet,
      "Show no progress", NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_summary (context, FIGURE_SUMMARY);
  g_option_context_set_description (context, FIGURE_DESCRIPTION);
  g_option_context_add_main_entries (context, entries, NULL);
  ks_cli_output_options_add_entries (&self->outputs, context);
  ks_cli_data_options_add_entries (&self->data, context);
  return context;
}

/* ---- option values ---- */

/* "1,2,4": numbers from min to max, separated by commas. */
static GArray *
parse_uint_list (const char  *option,
                 const char  *text,
                 guint        min,
                 guint        max,
                 GError     **error)
{
  g_auto(GStrv) tokens = g_strsplit (text, ",", -1);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = g_strstrip (tokens[i]);
      guint64 value;

      if (!g_ascii_string_to_unsigned (token, 10, min, max, &value, NULL))
        {
          g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                       "%s: expected numbers from %u to %u separated by commas, got '%s' "
                       "in '%s'", option, min, max, token, text);
          return NULL;
        }
      g_array_append_val (values, value);
    }
  if (values->len == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "%s: expected numbers separated by commas, got '%s'", option, text);
      return NULL;
    }
  return g_steal_pointer (&values);
}

/* The block's finite widths may be written N: each becomes a placeholder width, since
 * the sweep sets them all. */
static KsStack *
parse_block (const char  *text,
             GError     **error)
{
  g_auto(GStrv) layers = g_strsplit (text, ",", -1);
  g_autofree char *spec = NULL;

  for (guint i = 0; layers[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (layers[i], ":", -1);

      if (fields[0] != NULL && fields[1] != NULL && g_strcmp0 (g_strstrip (fields[0]), "dense") == 0
          && g_strcmp0 (g_strstrip (fields[1]), "N") == 0)
        {
          g_free (fields[1]);
          fields[1] = g_strdup ("1");
          g_free (layers[i]);
          layers[i] = g_strjoinv (":", fields);
        }
    }
  spec = g_strjoinv (",", layers);
  return ks_stack_parse (spec, error);
}

static gboolean
parse_size_mm (const char  *option,
               const char  *text,
               double      *points,
               GError     **error)
{
  double mm = 0.0;

  if (text == NULL)
    return TRUE;
  if (!ks_cli_parse_positive_double (option, text, &mm, error))
    return FALSE;
  if (mm > MAX_SIZE_MM)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "%s: expected at most %.0f mm, got '%s'", option, MAX_SIZE_MM, text);
      return FALSE;
    }
  *points = ks_mm_to_pt (mm);
  return TRUE;
}

static gboolean
parse_look (FigureCommand  *self,
            GError        **error)
{
  if (self->colormap_text != NULL &&
      !ks_colormap_from_string (self->colormap_text, &self->colormap, error))
    {
      g_prefix_error (error, "--colormap: ");
      return FALSE;
    }
  if (self->theme_text != NULL &&
      !ks_plot_theme_kind_from_string (self->theme_text, &self->theme_kind, error))
    {
      g_prefix_error (error, "--theme: ");
      return FALSE;
    }
  if (!ks_cli_parse_positive_double ("--dpi", self->dpi_text, &self->dpi, error))
    return FALSE;
  if (self->dpi > MAX_DPI)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "--dpi: expected at most %.0f, got '%s'", MAX_DPI, self->dpi_text);
      return FALSE;
    }
  return parse_size_mm ("--width-mm", self->width_text, &self->width_pt, error)
         && parse_size_mm ("--height-mm", self->height_text, &self->height_pt, error);
}

#define KIND(k) (1u << (k))
#define EXPERIMENT_KINDS (KIND (KS_FIGURE_KERNELS) | KIND (KS_FIGURE_CKA_MATRIX) | \
                          KIND (KS_FIGURE_CKA_DEPTH))

/* Options of another kind of figure are mistakes worth saying so. */
static gboolean
refuse_foreign_options (FigureCommand  *self,
                        GError        **error)
{
  const struct
  {
    gboolean    given;
    const char *option;
    guint       kinds;
  } options[] = {
    { self->stack_text != NULL, "--stack", ~KIND (KS_FIGURE_SPREAD) },
    { self->layers_text != NULL, "--layers",
      KIND (KS_FIGURE_KERNELS) | KIND (KS_FIGURE_CKA_MATRIX) },
    { self->cka_text != NULL, "--cka", EXPERIMENT_KINDS },
    { self->tau_text != NULL, "--tau", EXPERIMENT_KINDS },
    { self->posterior, "--posterior", EXPERIMENT_KINDS },
    { self->no_posterior, "--no-posterior", EXPERIMENT_KINDS },
    { self->ranges_text != NULL, "--ranges", KIND (KS_FIGURE_KERNELS) },
    { self->samples_text != NULL, "--samples", ~KIND (KS_FIGURE_PREDICT) },
    { self->depths_text != NULL, "--depths", KIND (KS_FIGURE_SPREAD) },
    { self->block_text != NULL, "--block", KIND (KS_FIGURE_SPREAD) },
    { self->widths_text != NULL, "--widths",
      KIND (KS_FIGURE_SPREAD) | KIND (KS_FIGURE_EVIDENCE) },
    { self->estimator_text != NULL, "--estimator", KIND (KS_FIGURE_EVIDENCE) },
    { self->runs_text != NULL, "--runs", KIND (KS_FIGURE_EVIDENCE) },
    { self->temperatures_text != NULL, "--temperatures", KIND (KS_FIGURE_EVIDENCE) },
    { self->width_scales_text != NULL, "--width-scales", KIND (KS_FIGURE_PREDICT) },
    { self->test_fraction_text != NULL, "--test-fraction", KIND (KS_FIGURE_PREDICT) },
    { self->layer_text != NULL, "--layer", KIND (KS_FIGURE_PREDICT) },
    { self->outputs.targets_path != NULL, "--targets", ~KIND (KS_FIGURE_SPREAD) },
    { self->outputs.noise_text != NULL, "--noise",
      KIND (KS_FIGURE_EVIDENCE) | KIND (KS_FIGURE_PREDICT) },
  };

  for (guint o = 0; o < G_N_ELEMENTS (options); o++)
    if (options[o].given && !(options[o].kinds & KIND (self->kind)))
      {
        g_set_error (error, KS_ERROR, KS_ERROR_INVALID, "%s does not apply to the %s figure "
                     "(see 'kernelscope-cli figure --help')", options[o].option,
                     ks_figure_kind_to_string (self->kind));
        return FALSE;
      }
  if (self->posterior && self->no_posterior)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "--posterior and --no-posterior contradict each other");
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_spread (FigureCommand  *self,
               GError        **error)
{
  if (self->data.points_text == NULL)
    self->data.n_points = SPREAD_N_POINTS;
  if (self->samples_text == NULL)
    self->n_samples = SPREAD_N_SAMPLES;
  self->depths = parse_uint_list ("--depths", self->depths_text ? self->depths_text
                                  : SPREAD_DEPTHS, 1, 1024, error);
  if (self->depths == NULL)
    return FALSE;
  self->widths = parse_uint_list ("--widths", self->widths_text ? self->widths_text
                                  : SPREAD_WIDTHS, 1, KS_WIDTH_MAX, error);
  if (self->widths == NULL)
    return FALSE;
  self->block = parse_block (self->block_text ? self->block_text : SPREAD_BLOCK, error);
  if (self->block == NULL)
    {
      g_prefix_error (error, "--block: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_estimator (const char          *text,
                 KsEvidenceEstimator *estimator,
                 GError             **error)
{
  if (text == NULL)
    return TRUE;
  if (ks_evidence_estimator_from_string (text, estimator) && *estimator != KS_EVIDENCE_EXACT)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
               "--estimator: expected auto, mc or ais, got '%s'", text);
  return FALSE;
}

static gboolean
finish_evidence (FigureCommand  *self,
                 GError        **error)
{
  KsEvidenceOptions *options = &self->evidence;

  if (self->data.points_text == NULL)
    self->data.n_points = EVIDENCE_N_POINTS;
  if (!parse_estimator (self->estimator_text, &options->estimator, error)
      || !ks_cli_parse_positive_uint ("--samples", self->samples_text, &options->n_samples,
                                      error)
      || !ks_cli_parse_positive_uint ("--runs", self->runs_text, &options->n_runs, error)
      || !ks_cli_parse_positive_uint ("--temperatures", self->temperatures_text,
                                      &options->n_temperatures, error))
    return FALSE;
  options->seed = self->data.seed;
  options->n_threads = self->n_threads;
  self->widths = ks_cli_parse_widths ("--widths", self->widths_text != NULL
                                      ? self->widths_text : EVIDENCE_WIDTHS, error);
  if (self->widths == NULL)
    return FALSE;
  self->stack = ks_cli_parse_stack (self->stack_text ? self->stack_text : EVIDENCE_STACK,
                                    error);
  return self->stack != NULL;
}

static gboolean
finish_predict (FigureCommand  *self,
                GError        **error)
{
  if (!ks_cli_parse_fraction ("--test-fraction", self->test_fraction_text,
                              &self->test_fraction, error)
      || !ks_cli_parse_positive_uint ("--layer", self->layer_text, &self->layer, error))
    return FALSE;
  self->width_scales = ks_cli_parse_width_scales ("--width-scales",
                                                  self->width_scales_text != NULL
                                                  ? self->width_scales_text
                                                  : PREDICT_WIDTH_SCALES, NULL, error);
  if (self->width_scales == NULL)
    return FALSE;
  self->stack = ks_cli_parse_stack (self->stack_text ? self->stack_text : DEFAULT_STACK,
                                    error);
  return self->stack != NULL;
}

static gboolean
finish_experiment (FigureCommand  *self,
                   GError        **error)
{
  if (!ks_cli_parse_cka_kind ("--cka", self->cka_text, &self->cka_kind, error)
      || !ks_cli_parse_positive_double ("--tau", self->tau_text, &self->tau, error))
    return FALSE;
  if (self->ranges_text != NULL &&
      !ks_figure_ranges_from_string (self->ranges_text, &self->ranges, error))
    return FALSE;
  self->stack = ks_cli_parse_stack (self->stack_text ? self->stack_text : DEFAULT_STACK,
                                    error);
  if (self->stack == NULL)
    return FALSE;
  if (self->layers_text != NULL)
    {
      self->layers = ks_figure_parse_layers (self->layers_text,
                                             ks_stack_get_n_layers (self->stack),
                                             &self->n_layers, error);
      return self->layers != NULL;
    }
  return TRUE;
}

static gboolean
figure_command_finish (FigureCommand  *self,
                       const char     *name,
                       GError        **error)
{
  KsExportFormat format;

  if (!ks_figure_kind_from_string (name, &self->kind, error))
    return FALSE;
  if (!refuse_foreign_options (self, error)
      || !ks_cli_data_options_finish (&self->data, error)
      || !ks_cli_output_options_finish (&self->outputs, error)
      || !ks_cli_parse_positive_uint ("--samples", self->samples_text, &self->n_samples, error)
      || !ks_cli_parse_uint ("--threads", self->threads_text, &self->n_threads, error)
      || !parse_look (self, error))
    return FALSE;
  if (self->output == NULL || *self->output == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "--output is required: the .pdf, .svg or .png file to write");
      return FALSE;
    }
  if (!ks_export_format_from_path (self->output, &format, error))
    return FALSE;
  switch (self->kind)
    {
    case KS_FIGURE_SPREAD:
      return finish_spread (self, error);
    case KS_FIGURE_EVIDENCE:
      return finish_evidence (self, error);
    case KS_FIGURE_PREDICT:
      return finish_predict (self, error);
    case KS_FIGURE_KERNELS:
    case KS_FIGURE_CKA_MATRIX:
    case KS_FIGURE_CKA_DEPTH:
    case KS_N_FIGURES:
    default:
      return finish_experiment (self, error);
    }
}

/* Fails before a long computation when the file could never be written: a temporary
 * file is made beside it and removed again. */
static gboolean
check_output (const char  *output,
              GError     **error)
{
  g_autoptr(KsAtomicFile) probe = ks_atomic_file_open (output, error);

  return probe != NULL;
}

static void
print_list (void)
{
  for (guint k = 0; k < KS_N_FIGURES; k++)
    printf ("%-11s %s\n", ks_figure_kind_to_string (k), ks_figure_kind_describe (k));
}

/* ---- the figure ---- */

/* Whichever figure was made, with what export needs of it. */
typedef struct
{
  gpointer         figure;
  GDestroyNotify   free;
  KsExportDrawFunc draw;
  double           (*preferred_height) (gpointer figure, double width);
} Figure;

static void
figure_clear (Figure *figure)
{
  if (figure->figure != NULL)
    figure->free (figure->figure);
  figure->figure = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Figure, figure_clear)

static double
kernels_height (gpointer figure, double width)
{
  return ks_figure_kernels_preferred_height (figure, width);
}

static double
cka_matrix_height (gpointer figure, double width)
{
  return ks_figure_cka_matrix_preferred_height (figure, width);
}

static double
cka_depth_height (gpointer figure, double width)
{
  return ks_figure_cka_depth_preferred_height (figure, width);
}

static double
spread_height (gpointer figure, double width)
{
  return ks_figure_spread_preferred_height (figure, width);
}

static double
evidence_height (gpointer figure, double width)
{
  return ks_figure_evidence_preferred_height (figure, width);
}

static double
predict_height (gpointer figure, double width)
{
  return ks_figure_predict_preferred_height (figure, width);
}

static void
figure_style (FigureCommand *self,
              KsFigureStyle *style)
{
  ks_figure_style_init (style);
  style->colormap = self->colormap;
  style->title = self->title;
  style->layers = self->layers;
  style->n_layers = self->n_layers;
  style->ranges = self->ranges;
  style->show_posterior = !self->no_posterior;
}

static gboolean
figure_from_result (FigureCommand  *self,
                    KsResult       *result,
                    Figure         *figure,
                    GError        **error)
{
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (self->theme_kind);
  KsFigureStyle style;

  figure_style (self, &style);
  switch (self->kind)
    {
    case KS_FIGURE_KERNELS:
      *figure = (Figure) { ks_figure_kernels_new (result, &style, theme, error),
                           (GDestroyNotify) ks_figure_kernels_free,
                           ks_figure_kernels_draw_func, kernels_height };
      break;
    case KS_FIGURE_CKA_MATRIX:
      *figure = (Figure) { ks_figure_cka_matrix_new (result, &style, theme, error),
                           (GDestroyNotify) ks_figure_cka_matrix_free,
                           ks_figure_cka_matrix_draw_func, cka_matrix_height };
      break;
    case KS_FIGURE_CKA_DEPTH:
    default:
      *figure = (Figure) { ks_figure_cka_depth_new (result, &style, theme, error),
                           (GDestroyNotify) ks_figure_cka_depth_free,
                           ks_figure_cka_depth_draw_func, cka_depth_height };
      break;
    }
  return figure->figure != NULL;
}

static void
on_experiment_progress (const KsProgress *progress,
                        gpointer          user_data)
{
  ks_cli_job_set_progress (user_data, progress->stage, progress->fraction);
}

static KsExperiment *
figure_experiment (FigureCommand *self,
                   KsDataset     *data)
{
  KsExperiment *experiment = ks_experiment_new (self->stack, data);
  KsComputeFlags compute = KS_COMPUTE_NNGP | KS_COMPUTE_SAMPLES | KS_COMPUTE_CKA;

  ks_experiment_set_n_points (experiment, self->data.n_points);
  ks_experiment_set_seed (experiment, self->data.seed);
  ks_experiment_set_standardize (experiment, !self->data.no_standardize);
  ks_experiment_set_n_samples (experiment, self->n_samples);
  ks_experiment_set_n_threads (experiment, self->n_threads);
  ks_experiment_set_cka (experiment, self->cka_kind, self->tau);
  /* Without outputs the run leaves the posterior out by itself. */
  ks_experiment_set_compute (experiment, self->no_posterior ? compute
                                                            : compute | KS_COMPUTE_POSTERIOR);
  return experiment;
}

static gboolean
has_outputs (KsDataset *data)
{
  return ks_dataset_has_labels (data) || ks_dataset_get_n_targets (data) > 0;
}

static gboolean
compute_experiment_figure (FigureCommand  *self,
                           KsCliJob       *job,
                           KsDataset      *data,
                           Figure         *figure,
                           GError        **error)
{
  GCancellable *cancellable = ks_cli_job_get_cancellable (job);
  g_autoptr(KsExperiment) experiment = NULL;
  g_autoptr(KsResult) result = NULL;

  if (!ks_cli_output_options_load_targets (&self->outputs, data, cancellable, error))
    return FALSE;
  if (self->posterior && !has_outputs (data))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "--posterior: the data %s has neither class labels nor targets to "
                   "condition on (give --targets)", ks_dataset_get_name (data));
      return FALSE;
    }
  experiment = figure_experiment (self, data);
  if (!ks_experiment_validate (experiment, error))
    return FALSE;
  self->failure = KS_CLI_EXIT_FAILURE;
  result = ks_experiment_run (experiment, on_experiment_progress, job, cancellable, error);
  return result != NULL && figure_from_result (self, result, figure, error);
}

static void
on_sweep_progress (double   fraction,
                   gpointer user_data)
{
  ks_cli_job_set_progress (user_data, "spread", fraction);
}

static gboolean
compute_spread_figure (FigureCommand  *self,
                       KsCliJob       *job,
                       KsDataset      *full,
                       Figure         *figure,
                       GError        **error)
{
  g_autoptr(KsDataset) points = ks_cli_data_options_prepare (&self->data, full, error);
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(KsSpreadSweep) sweep = NULL;
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (self->theme_kind);
  KsFigureStyle style;
  KsSpreadSweepOptions options = {
    .block = self->block,
    .depths = (const guint *) self->depths->data,
    .n_depths = self->depths->len,
    .widths = (const guint *) self->widths->data,
    .n_widths = self->widths->len,
    .n_samples = self->n_samples,
    .seed = self->data.seed,
    .n_threads = self->n_threads,
  };

  if (points == NULL)
    return FALSE;
  inputs = ks_dataset_input_matrix (points);
  sweep = ks_spread_sweep_run (&options, inputs, on_sweep_progress, job,
                               ks_cli_job_get_cancellable (job), error);
  if (sweep == NULL)
    return FALSE;
  figure_style (self, &style);
  *figure = (Figure) { ks_figure_spread_new (sweep, ks_dataset_get_name (full), &style, theme,
                                             error),
                       (GDestroyNotify) ks_figure_spread_free,
                       ks_figure_spread_draw_func, spread_height };
  return figure->figure != NULL;
}

/* The sizes the kernels command would refuse are refused here too: for evidence, at
 * every width of the curve. */
static gboolean
validate_sizes (FigureCommand  *self,
                KsDataset      *full,
                GError        **error)
{
  guint n_widths = self->kind == KS_FIGURE_EVIDENCE ? self->widths->len : 1;

  for (guint i = 0; i < n_widths; i++)
    {
      g_autoptr(KsStack) stack = self->kind == KS_FIGURE_EVIDENCE
                                 ? ks_evidence_stack_at_width (self->stack,
                                                               g_array_index (self->widths,
                                                                              guint, i),
                                                               error)
                                 : ks_stack_ref (self->stack);
      g_autoptr(KsExperiment) experiment = NULL;

      if (stack == NULL)
        return FALSE;
      experiment = ks_experiment_new (stack, full);
      ks_experiment_set_n_points (experiment, self->data.n_points);
      ks_experiment_set_compute (experiment, KS_COMPUTE_NNGP);
      if (!ks_experiment_validate (experiment, error))
        return FALSE;
    }
  return TRUE;
}

/* The subsampled points with their outputs, and the stack completed by a readout. */
static gboolean
prepare_outputs (FigureCommand  *self,
                 KsCliJob       *job,
                 KsDataset      *full,
                 KsDataset     **points,
                 gsl_matrix    **outputs,
                 GError        **error)
{
  if (!ks_cli_output_options_load_targets (&self->outputs, full,
                                           ks_cli_job_get_cancellable (job), error))
    return FALSE;
  /* The subsample carries the targets along with their points. */
  *points = ks_cli_data_options_prepare (&self->data, full, error);
  if (*points == NULL)
    return FALSE;
  *outputs = ks_cli_output_options_get_outputs (&self->outputs, *points, error);
  return *outputs != NULL
         && ks_cli_output_options_match_readout (&self->outputs, self->stack,
                                                 (guint) (*outputs)->size2, error)
         && validate_sizes (self, full, error);
}

static void
on_evidence_progress (double   fraction,
                      gpointer user_data)
{
  ks_cli_job_set_progress (user_data, "evidence", fraction);
}

static gboolean
compute_evidence_figure (FigureCommand  *self,
                         KsCliJob       *job,
                         KsDataset      *full,
                         Figure         *figure,
                         GError        **error)
{
  g_autoptr(KsDataset) points = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (self->theme_kind);
  g_autofree KsEvidenceEstimate *curve = NULL;
  KsFigureStyle style;

  if (!prepare_outputs (self, job, full, &points, &outputs, error))
    return FALSE;
  inputs = ks_dataset_input_matrix (points);
  self->failure = KS_CLI_EXIT_FAILURE;
  curve = ks_evidence_curve (self->stack, inputs, outputs, (const guint *) self->widths->data,
                             self->widths->len, &self->evidence, on_evidence_progress, job,
                             ks_cli_job_get_cancellable (job), error);
  if (curve == NULL)
    return FALSE;
  figure_style (self, &style);
  *figure = (Figure) { ks_figure_evidence_new (curve, self->widths->len, self->stack,
                                               &self->evidence,
                                               ks_dataset_get_n_points (points),
                                               (guint) outputs->size2,
                                               ks_dataset_get_name (full), &style, theme,
                                               error),
                       (GDestroyNotify) ks_figure_evidence_free,
                       ks_figure_evidence_draw_func, evidence_height };
  return figure->figure != NULL;
}

static void
on_predict_progress (double   fraction,
                     gpointer user_data)
{
  ks_cli_job_set_progress (user_data, "deep kernel machine", fraction);
}

/* --layer, or the last layer before the readout (which the stack now has). */
static gboolean
predict_layer (FigureCommand  *self,
               guint          *layer,
               GError        **error)
{
  guint n_layers = ks_stack_get_n_layers (self->stack);

  if (self->layer == 0 && n_layers < 2)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "the stack has no layer before its readout to predict from");
      return FALSE;
    }
  if (self->layer > n_layers)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "--layer: expected a layer from 1 to %u, got '%s'", n_layers,
                   self->layer_text);
      return FALSE;
    }
  *layer = self->layer != 0 ? self->layer - 1 : n_layers - 2;
  return TRUE;
}

static gboolean
compute_predict_figure (FigureCommand  *self,
                        KsCliJob       *job,
                        KsDataset      *full,
                        Figure         *figure,
                        GError        **error)
{
  g_autoptr(KsDataset) points = NULL;
  g_autoptr(gsl_matrix) outputs = NULL;
  g_autoptr(gsl_matrix) inputs = NULL;
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (self->theme_kind);
  g_autoptr(KsPredictSweep) sweep = NULL;
  KsPredictSweepOptions options;
  KsFigureStyle style;

  ks_predict_sweep_options_init (&options);
  if (!prepare_outputs (self, job, full, &points, &outputs, error)
      || !predict_layer (self, &options.layer, error))
    return FALSE;
  inputs = ks_dataset_input_matrix (points);
  options.width_scales = (const double *) self->width_scales->data;
  options.n_width_scales = self->width_scales->len;
  options.test_fraction = self->test_fraction;
  options.seed = self->data.seed;
  options.metric = self->outputs.targets_path != NULL ? KS_PREDICT_RMSE : KS_PREDICT_ACCURACY;
  options.n_threads = self->n_threads;
  self->failure = KS_CLI_EXIT_FAILURE;
  sweep = ks_predict_sweep_run (self->stack, inputs, outputs,
                                ks_dataset_has_labels (points)
                                ? ks_dataset_get_labels (points) : NULL,
                                &options, on_predict_progress, job,
                                ks_cli_job_get_cancellable (job), error);
  if (sweep == NULL)
    return FALSE;
  figure_style (self, &style);
  *figure = (Figure) { ks_figure_predict_new (sweep, ks_dataset_get_name (full), &style, theme,
                                              error),
                       (GDestroyNotify) ks_figure_predict_free,
                       ks_figure_predict_draw_func, predict_height };
  return figure->figure != NULL;
}

static gboolean
export_figure (FigureCommand  *self,
               Figure         *figure,
               GError        **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (self->output);
  g_autofree char *title = NULL;
  KsExportOptions options;
  double width = self->width_pt > 0 ? self->width_pt
                                    : ks_figure_kind_default_width (self->kind);
  double height = self->height_pt > 0 ? self->height_pt
                                      : figure->preferred_height (figure->figure, width);

  ks_export_options_init (&options, width, height);
  options.dpi = self->dpi;
  title = self->title != NULL && *self->title != '\0'
          ? g_strdup (self->title)
          : g_strdup_printf ("Kernelscope figure “%s”: %s", ks_figure_kind_to_string (self->kind),
                             ks_figure_kind_describe (self->kind));
  options.title = title;
  self->failure = KS_CLI_EXIT_FAILURE;
  return ks_export (file, &options, figure->draw, figure->figure, error);
}

static gboolean
run_figure (KsCliJob *job,
            gpointer  user_data,
            GError  **error)
{
  FigureCommand *self = user_data;
  g_autoptr(KsDataset) data = NULL;
  g_auto(Figure) figure = { 0 };
  gboolean made;

  self->failure = KS_CLI_EXIT_BAD_INPUT;
  ks_cli_job_set_progress (job, "loading data", 0.0);
  data = ks_cli_data_options_open (&self->data, ks_cli_job_get_cancellable (job), error);
  if (data == NULL)
    return FALSE;
  switch (self->kind)
    {
    case KS_FIGURE_SPREAD:
      made = compute_spread_figure (self, job, data, &figure, error);
      break;
    case KS_FIGURE_EVIDENCE:
      made = compute_evidence_figure (self, job, data, &figure, error);
      break;
    case KS_FIGURE_PREDICT:
      made = compute_predict_figure (self, job, data, &figure, error);
      break;
    case KS_FIGURE_KERNELS:
    case KS_FIGURE_CKA_MATRIX:
    case KS_FIGURE_CKA_DEPTH:
    case KS_N_FIGURES:
    default:
      made = compute_experiment_figure (self, job, data, &figure, error);
      break;
    }
  if (!made)
    return FALSE;

  ks_cli_job_set_progress (job, "drawing", 1.0);
  return !g_cancellable_set_error_if_cancelled (ks_cli_job_get_cancellable (job), error)
         && export_figure (self, &figure, error);
}

static gboolean
take_name (int          argc,
           char       **argv,
           const char **name,
           GError     **error)
{
  if (argc < 2)
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_PARSE,
                           "which figure? Give its name, e.g. 'figure kernels' (see "
                           "'figure --list')");
      return FALSE;
    }
  *name = argv[1];
  return ks_cli_check_no_arguments (argc - 1, argv + 1, error);
}

int
ks_cli_figure (int    argc,
               char **argv)
{
  g_auto(FigureCommand) self = {
    .n_samples = DEFAULT_N_SAMPLES,
    .cka_kind = KS_CKA_LINEAR,
    .tau = 1.0,
    .dpi = KS_EXPORT_DEFAULT_DPI,
    .colormap = KS_COLORMAP_VIRIDIS,
    .theme_kind = KS_PLOT_THEME_PAPER,
    .ranges = KS_FIGURE_RANGES_ROW,
    .test_fraction = PREDICT_TEST_FRACTION,
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = NULL;
  int status;

  ks_cli_data_options_init (&self.data, DEFAULT_N_POINTS);
  ks_cli_output_options_init (&self.outputs, FALSE);
  ks_evidence_options_init (&self.evidence);
  context = figure_option_context (&self);
  if (!ks_cli_parse_options (context, "figure", &argc, &argv, &status))
    return status;
  if (self.list)
    {
      print_list ();
      return KS_CLI_EXIT_SUCCESS;
    }
  if (!take_name (argc, argv, &name, &error) || !figure_command_finish (&self, name, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_BAD_INPUT);
  if (!check_output (self.output, &error))
    return ks_cli_report_error (error, KS_CLI_EXIT_FAILURE);

  if (!ks_cli_job_run (run_figure, &self, !self.quiet && isatty (STDERR_FILENO), &error))
    return ks_cli_report_error (error, self.failure);
  return KS_CLI_EXIT_SUCCESS;
}
