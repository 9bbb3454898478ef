/* ks-line-plot.c: curves against a variable, with error bands, markers and a legend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-line-plot.h"

#include <math.h>

#include "ks-plot-axis.h"
#include "ks-text.h"

/* Length of the line sample in a legend entry, in points. */
#define LEGEND_SAMPLE_LENGTH 16.0
/* Line samples taken along each segment when judging what a legend would hide. */
#define SAMPLES_PER_SEGMENT 8

typedef struct
{
  char        *name;
  double      *x;
  double      *y;
  double      *error;        /* NULL when the series has none */
  gsize        n;
  KsMarker     marker;
  KsLineStyle  line;
  KsErrorStyle error_style;
  guint        color;
} Series;

typedef struct
{
  double  y;
  char   *label;
  int     color;
} Reference;

typedef struct
{
  char   *title;
  KsScale scale;
  double  fixed_lo;
  double  fixed_hi;
} AxisSpec;

struct _KsLinePlot
{
  char             *title;
  AxisSpec          axes[2];
  GPtrArray        *series;       /* Series */
  GArray           *references;   /* Reference */
  KsLegendPlacement legend;
  char             *empty_note;
};

/* Everything about where things go, for one rectangle and theme. */
typedef struct
{
  KsRect     frame;
  KsPlotAxis x;
  KsPlotAxis y;
  gboolean   empty;
  gboolean   has_legend;
  gboolean   legend_outside;
  double     legend_width;
  double     legend_height;
  KsRect     legend;
  double     title_wrap;   /* width the title is wrapped to */
} Layout;

static void
series_free (gpointer data)
{
  Series *series = data;

  g_free (series->name);
  g_free (series->x);
  g_free (series->y);
  g_free (series->error);
  g_free (series);
}

static void
reference_clear (gpointer data)
{
  Reference *reference = data;

  g_free (reference->label);
}

KsLinePlot *
ks_line_plot_new (void)
{
  KsLinePlot *plot = g_new0 (KsLinePlot, 1);

  for (guint a = 0; a < 2; a++)
    plot->axes[a] = (AxisSpec) { NULL, KS_SCALE_LINEAR, NAN, NAN };
  plot->series = g_ptr_array_new_with_free_func (series_free);
  plot->references = g_array_new (FALSE, TRUE, sizeof (Reference));
  g_array_set_clear_func (plot->references, reference_clear);
  plot->empty_note = g_strdup ("no data");
  return plot;
}

void
ks_line_plot_free (KsLinePlot *plot)
{
  if (plot == NULL)
    return;
  g_free (plot->title);
  for (guint a = 0; a < 2; a++)
    g_free (plot->axes[a].title);
  g_ptr_array_unref (plot->series);
  g_array_unref (plot->references);
  g_free (plot->empty_note);
  g_free (plot);
}

void
ks_line_plot_set_title (KsLinePlot *plot,
                        const char *title)
{
  g_return_if_fail (plot != NULL);

  g_free (plot->title);
  plot->title = g_strdup (title);
}

void
ks_line_plot_set_axis (KsLinePlot *plot,
                       KsAxis      axis,
                       const char *title,
                       KsScale     scale)
{
  g_return_if_fail (plot != NULL && (axis == KS_AXIS_X || axis == KS_AXIS_Y));

  g_free (plot->axes[axis].title);
  plot->axes[axis].title = g_strdup (title);
  plot->axes[axis].scale = scale;
}

void
ks_line_plot_set_axis_range (KsLinePlot *plot,
                             KsAxis      axis,
                             double      lo,
                             double      hi)
{
  g_return_if_fail (plot != NULL && (axis == KS_AXIS_X || axis == KS_AXIS_Y));

  plot->axes[axis].fixed_lo = lo;
  plot->axes[axis].fixed_hi = hi;
}

guint
ks_line_plot_add_series (KsLinePlot   *plot,
                         const char   *name,
                         const double *x,
                         const double *y,
                         const double *y_error,
                         gsize         n)
{
  Series *series;

  g_return_val_if_fail (plot != NULL, 0);
  g_return_val_if_fail (n == 0 || (x != NULL && y != NULL), 0);

  series = g_new0 (Series, 1);
  series->name = g_strdup (name);
  series->n = n;
  series->x = g_memdup2 (x, n * sizeof (double));
  series->y = g_memdup2 (y, n * sizeof (double));
  series->error = y_error != NULL ? g_memdup2 (y_error, n * sizeof (double)) : NULL;
  series->marker = KS_MARKER_NONE;
  series->line = KS_LINE_SOLID;
  series->error_style = KS_ERROR_BAND;
  series->color = plot->series->len;
  g_ptr_array_add (plot->series, series);
  return plot->series->len - 1;
}

static Series *
get_series (const KsLinePlot *plot,
            guint             index)
{
  g_return_val_if_fail (index < plot->series->len, NULL);
  return g_ptr_array_index (plot->series, index);
}

void
ks_line_plot_set_series_style (KsLinePlot  *plot,
                               guint        index,
                               KsMarker     marker,
                               KsLineStyle  line,
                               KsErrorStyle error_style)
{
  Series *series = get_series (plot, index);

  if (series == NULL)
    return;
  series->marker = marker;
  series->line = line;
  series->error_style = error_style;
}

void
ks_line_plot_set_series_color (KsLinePlot *plot,
                               guint       index,
                               guint       palette_index)
{
  Series *series = get_series (plot, index);

  if (series != NULL)
    series->color = palette_index;
}

void
ks_line_plot_add_reference (KsLinePlot *plot,
                            double      y,
                            const char *label,
                            int         palette_index)
{
  Reference reference = { y, g_strdup (label), palette_index };

  g_return_if_fail (plot != NULL);
  g_array_append_val (plot->references, reference);
}

void
ks_line_plot_set_legend (KsLinePlot        *plot,
                         KsLegendPlacement  placement)
{
  g_return_if_fail (plot != NULL);
  plot->legend = placement;
}

void
ks_line_plot_set_empty_note (KsLinePlot *plot,
                             const char *note)
{
  g_return_if_fail (plot != NULL);
  g_free (plot->empty_note);
  plot->empty_note = g_strdup (note);
}

/* ---- data ranges ---- */

static gboolean
point_shown (const KsLinePlot *plot,
             const Series     *series,
             gsize             i)
{
  return ks_plot_axis_accepts (plot->axes[KS_AXIS_X].scale, series->x[i]) &&
         ks_plot_axis_accepts (plot->axes[KS_AXIS_Y].scale, series->y[i]);
}

static double
point_error (const Series *series,
             gsize         i)
{
  return series->error != NULL && isfinite (series->error[i]) ? fabs (series->error[i]) : 0.0;
}

/* The ranges of every point that will be drawn, with error extents and reference lines;
 * returns whether there is any point at all. */
static gboolean
data_ranges (const KsLinePlot *plot,
             KsRange          *x_range,
             KsRange          *y_range)
{
  KsScale y_scale = plot->axes[KS_AXIS_Y].scale;
  gboolean any = FALSE;

  *x_range = KS_RANGE_EMPTY;
  *y_range = KS_RANGE_EMPTY;
  for (guint s = 0; s < plot->series->len; s++)
    {
      const Series *series = g_ptr_array_index (plot->series, s);

      for (gsize i = 0; i < series->n; i++)
        {
          double e;

          if (!point_shown (plot, series, i))
            continue;
          any = TRUE;
          e = point_error (series, i);
          ks_range_include (x_range, series->x[i]);
          ks_range_include (y_range, series->y[i] + e);
          if (ks_plot_axis_accepts (y_scale, series->y[i] - e))
            ks_range_include (y_range, series->y[i] - e);
        }
    }
  if (any)
    for (guint r = 0; r < plot->references->len; r++)
      {
        double y = g_array_index (plot->references, Reference, r).y;

        if (ks_plot_axis_accepts (y_scale, y))
          ks_range_include (y_range, y);
      }
  return any;
}

/* ---- legend ---- */

static gboolean
series_in_legend (const Series *series)
{
  return series->name != NULL && *series->name != '\0';
}

static guint
legend_entries (const KsLinePlot *plot)
{
  guint n = 0;

  for (guint s = 0; s < plot->series->len; s++)
    n += series_in_legend (g_ptr_array_index (plot->series, s));
  return n;
}

static double
legend_row_height (const KsPlotTheme *theme)
{
  double height;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, "Ag", 0, NULL, &height);
  return MAX (height, theme->marker_size) + theme->padding / 2;
}

static void
measure_legend (const KsLinePlot  *plot,
                const KsPlotTheme *theme,
                double            *width,
                double            *height)
{
  double widest = 0.0;

  for (guint s = 0; s < plot->series->len; s++)
    {
      const Series *series = g_ptr_array_index (plot->series, s);
      double name_width;

      if (!series_in_legend (series))
        continue;
      ks_text_measure (theme, KS_TEXT_ROLE_TICK, series->name, 0, &name_width, NULL);
      widest = MAX (widest, name_width);
    }
  *width = 2 * theme->padding + LEGEND_SAMPLE_LENGTH + theme->padding + widest;
  *height = 2 * theme->padding + legend_entries (plot) * legend_row_height (theme) -
            theme->padding / 2;
}

/* ---- layout ---- */

static double
frame_x (const Layout *layout,
         double        value)
{
  return layout->frame.x + ks_plot_axis_fraction (&layout->x, value) * layout->frame.width;
}

static double
frame_y (const Layout *layout,
         double        value)
{
  return layout->frame.y + (1 - ks_plot_axis_fraction (&layout->y, value)) * layout->frame.height;
}

static void
compute_layout (const KsLinePlot  *plot,
                const KsRect      *rect,
                const KsPlotTheme *theme,
                gboolean           legend_outside,
                Layout            *layout)
{
  const AxisSpec *xs = &plot->axes[KS_AXIS_X];
  const AxisSpec *ys = &plot->axes[KS_AXIS_Y];
  KsRange x_range;
  KsRange y_range;
  double tick_height;
  double label_height;
  double top;
  double bottom;
  double left;
  double right;
  double outside = 0.0;

  *layout = (Layout) { 0 };
  layout->empty = !data_ranges (plot, &x_range, &y_range);
  ks_plot_axis_set_range (&layout->x, xs->scale, &x_range, xs->fixed_lo, xs->fixed_hi);
  ks_plot_axis_set_range (&layout->y, ys->scale, &y_range, ys->fixed_lo, ys->fixed_hi);

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, "0", 0, NULL, &tick_height);
  ks_text_measure (theme, KS_TEXT_ROLE_LABEL, "Ag", 0, NULL, &label_height);

  layout->has_legend = plot->legend != KS_LEGEND_NONE && legend_entries (plot) > 0;
  layout->legend_outside = layout->has_legend && legend_outside;
  if (layout->has_legend)
    measure_legend (plot, theme, &layout->legend_width, &layout->legend_height);
  if (layout->legend_outside)
    outside = layout->legend_width + theme->padding;

  bottom = theme->tick_length + theme->padding / 2 + tick_height;
  if (xs->title != NULL && *xs->title != '\0')
    bottom += theme->padding + label_height;

  /* The title is centred on the frame, so it may only be as wide as the frame plus the
   * smaller of the two margins on each side; a second pass narrows it once the margins
   * are known. */
  layout->title_wrap = rect->width;
  for (guint pass = 0; pass < 2; pass++)
    {
      double symmetric;

      top = tick_height / 2;
      if (plot->title != NULL && *plot->title != '\0')
        {
          ks_text_measure (theme, KS_TEXT_ROLE_TITLE, plot->title, layout->title_wrap,
                           NULL, &top);
          top += theme->padding;
        }
      /* Height first (it fixes the y ticks and so the left margin), then the width. */
      ks_plot_axis_choose_ticks (&layout->y, theme, rect->height - top - bottom, FALSE);
      left = theme->tick_length + theme->padding / 2 +
             ks_plot_axis_widest_label (&layout->y, theme);
      if (ys->title != NULL && *ys->title != '\0')
        left += theme->padding + label_height;
      ks_plot_axis_choose_ticks (&layout->x, theme, rect->width - left - outside, TRUE);
      right = ks_plot_axis_widest_label (&layout->x, theme) / 2 + outside;
      ks_plot_axis_choose_ticks (&layout->x, theme, rect->width - left - right, TRUE);

      symmetric = rect->width - left - right + 2 * MIN (left, right);
      if (symmetric >= layout->title_wrap || pass == 1)
        break;
      layout->title_wrap = symmetric;
    }

  layout->frame = ks_rect_inset (rect, left, top, right, bottom);
  if (layout->legend_outside)
    layout->legend = ks_rect_make (rect->x + rect->width - layout->legend_width,
                                   layout->frame.y, layout->legend_width, layout->legend_height);
}

/* How much of the drawing a legend at box would cover, counted in line samples. */
static guint
legend_overlap (const KsLinePlot *plot,
                const Layout     *layout,
                const KsRect     *box)
{
  guint hidden = 0;

  for (guint s = 0; s < plot->series->len; s++)
    {
      const Series *series = g_ptr_array_index (plot->series, s);
      gboolean previous = FALSE;

      for (gsize i = 0; i < series->n; i++)
        {
          double x;
          double y;
          double e;

          if (!point_shown (plot, series, i))
            {
              previous = FALSE;
              continue;
            }
          x = frame_x (layout, series->x[i]);
          y = frame_y (layout, series->y[i]);
          e = point_error (series, i);
          hidden += ks_rect_contains (box, x, y) ? SAMPLES_PER_SEGMENT : 0;
          if (e > 0)
            hidden += ks_rect_contains (box, x, frame_y (layout, series->y[i] + e)) +
                      ks_rect_contains (box, x, frame_y (layout, series->y[i] - e));
          if (previous && series->line != KS_LINE_NONE)
            {
              double x0 = frame_x (layout, series->x[i - 1]);
              double y0 = frame_y (layout, series->y[i - 1]);

              for (guint k = 1; k < SAMPLES_PER_SEGMENT; k++)
                {
                  double t = (double) k / SAMPLES_PER_SEGMENT;

                  hidden += ks_rect_contains (box, x0 + t * (x - x0), y0 + t * (y - y0));
                }
            }
          previous = TRUE;
        }
    }
  for (guint r = 0; r < plot->references->len; r++)
    {
      double y = frame_y (layout, g_array_index (plot->references, Reference, r).y);

      if (isfinite (y) && y >= box->y && y < box->y + box->height)
        hidden += SAMPLES_PER_SEGMENT;
    }
  return hidden;
}

/* Tries the four inside corners and keeps the one that hides least; FALSE when every
 * corner hides something (the legend then goes outside). */
static gboolean
place_legend_inside (const KsLinePlot  *plot,
                     const KsPlotTheme *theme,
                     Layout            *layout)
{
  const KsRect *f = &layout->frame;
  double inset = theme->padding;
  double w = layout->legend_width;
  double h = layout->legend_height;
  KsRect corners[4] = {
    ks_rect_make (f->x + f->width - w - inset, f->y + inset, w, h),
    ks_rect_make (f->x + inset, f->y + inset, w, h),
    ks_rect_make (f->x + f->width - w - inset, f->y + f->height - h - inset, w, h),
    ks_rect_make (f->x + inset, f->y + f->height - h - inset, w, h),
  };
  guint best = G_MAXUINT;

  if (w + 2 * inset > f->width || h + 2 * inset > f->height)
    return FALSE;
  for (guint c = 0; c < G_N_ELEMENTS (corners); c++)
    {
      guint hidden = legend_overlap (plot, layout, &corners[c]);

      if (hidden < best)
        {
          best = hidden;
          layout->legend = corners[c];
        }
    }
  return best == 0;
}

static void
full_layout (const KsLinePlot  *plot,
             const KsRect      *rect,
             const KsPlotTheme *theme,
             Layout            *layout)
{
  compute_layout (plot, rect, theme, plot->legend == KS_LEGEND_OUTSIDE_RIGHT, layout);
  if (plot->legend != KS_LEGEND_AUTO || !layout->has_legend)
    return;
  if (layout->empty || place_legend_inside (plot, theme, layout))
    return;
  /* Outside only when that leaves the plot most of the width. */
  if (layout->legend_width < rect->width * 0.4)
    compute_layout (plot, rect, theme, TRUE, layout);
}

KsRect
ks_line_plot_get_frame (const KsLinePlot  *plot,
                        const KsRect      *rect,
                        const KsPlotTheme *theme)
{
  Layout layout;

  full_layout (plot, rect, theme, &layout);
  return layout.frame;
}

gboolean
ks_line_plot_data_at (const KsLinePlot  *plot,
                      const KsRect      *rect,
                      const KsPlotTheme *theme,
                      double             x,
                      double             y,
                      double            *data_x,
                      double            *data_y)
{
  Layout layout;

  full_layout (plot, rect, theme, &layout);
  if (!ks_rect_contains (&layout.frame, x, y))
    return FALSE;
  if (data_x != NULL)
    *data_x = ks_plot_axis_value_at (&layout.x, (x - layout.frame.x) / layout.frame.width);
  if (data_y != NULL)
    *data_y = ks_plot_axis_value_at (&layout.y, 1 - (y - layout.frame.y) / layout.frame.height);
  return TRUE;
}

/* ---- drawing ---- */

static void
set_line_style (cairo_t           *cr,
                const KsPlotTheme *theme,
                KsLineStyle        line)
{
  cairo_set_line_width (cr, theme->series_line_width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  if (line == KS_LINE_DASHED)
    {
      double dashes[2] = { 3.5 * theme->series_line_width, 2.0 * theme->series_line_width };

      cairo_set_dash (cr, dashes, 2, 0);
    }
  else
    cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_grid_and_axes (cairo_t           *cr,
                    const Layout      *layout,
                    const KsPlotTheme *theme)
{
  const KsRect *f = &layout->frame;

  cairo_save (cr);
  ks_color_set_source (cr, &theme->grid);
  cairo_set_line_width (cr, theme->grid_line_width);
  for (guint i = 0; i < layout->x.ticks.n; i++)
    {
      double x = frame_x (layout, layout->x.ticks.values[i]);

      cairo_move_to (cr, x, f->y);
      cairo_line_to (cr, x, f->y + f->height);
    }
  for (guint i = 0; i < layout->y.ticks.n; i++)
    {
      double y = frame_y (layout, layout->y.ticks.values[i]);

      cairo_move_to (cr, f->x, y);
      cairo_line_to (cr, f->x + f->width, y);
    }
  cairo_stroke (cr);

  ks_color_set_source (cr, &theme->axis);
  cairo_set_line_width (cr, theme->axis_line_width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  cairo_move_to (cr, f->x, f->y);
  cairo_line_to (cr, f->x, f->y + f->height);
  cairo_line_to (cr, f->x + f->width, f->y + f->height);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_axis_ticks (cairo_t           *cr,
                 const Layout      *layout,
                 const KsPlotTheme *theme,
                 gboolean           horizontal)
{
  const KsPlotAxis *axis = horizontal ? &layout->x : &layout->y;
  const KsRect *f = &layout->frame;
  double bottom = f->y + f->height;
  double label_gap = theme->tick_length + theme->padding / 2;

  cairo_save (cr);
  ks_color_set_source (cr, &theme->axis);
  cairo_set_line_width (cr, theme->axis_line_width);
  for (guint i = 0; i < axis->ticks.n; i++)
    {
      g_autofree char *label = ks_ticks_label (&axis->ticks, i);

      if (horizontal)
        {
          double x = frame_x (layout, axis->ticks.values[i]);

          cairo_move_to (cr, x, bottom);
          cairo_line_to (cr, x, bottom + theme->tick_length);
          ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, label, NULL, x, bottom + label_gap,
                        0.5, 0.0, KS_TEXT_HORIZONTAL);
        }
      else
        {
          double y = frame_y (layout, axis->ticks.values[i]);

          cairo_move_to (cr, f->x, y);
          cairo_line_to (cr, f->x - theme->tick_length, y);
          ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, label, NULL, f->x - label_gap, y,
                        1.0, 0.5, KS_TEXT_HORIZONTAL);
        }
    }
  for (guint i = 0; i < axis->ticks.n_minor; i++)
    {
      if (horizontal)
        {
          double x = frame_x (layout, axis->ticks.minor[i]);

          cairo_move_to (cr, x, bottom);
          cairo_line_to (cr, x, bottom + theme->tick_length * 0.6);
        }
      else
        {
          double y = frame_y (layout, axis->ticks.minor[i]);

          cairo_move_to (cr, f->x, y);
          cairo_line_to (cr, f->x - theme->tick_length * 0.6, y);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_titles (cairo_t           *cr,
             const KsLinePlot  *plot,
             const KsRect      *rect,
             const Layout      *layout,
             const KsPlotTheme *theme)
{
  const KsRect *f = &layout->frame;

  if (plot->title != NULL && *plot->title != '\0')
    ks_text_draw_wrapped (cr, theme, KS_TEXT_ROLE_TITLE, plot->title, layout->title_wrap, NULL,
                          f->x + f->width / 2, rect->y, 0.5, 0.0, KS_TEXT_HORIZONTAL);
  if (plot->axes[KS_AXIS_X].title != NULL)
    ks_text_draw (cr, theme, KS_TEXT_ROLE_LABEL, plot->axes[KS_AXIS_X].title, NULL,
                  f->x + f->width / 2, rect->y + rect->height, 0.5, 1.0, KS_TEXT_HORIZONTAL);
  if (plot->axes[KS_AXIS_Y].title != NULL)
    ks_text_draw (cr, theme, KS_TEXT_ROLE_LABEL, plot->axes[KS_AXIS_Y].title, NULL,
                  rect->x, f->y + f->height / 2, 0.5, 0.0, KS_TEXT_VERTICAL_UP);
}

/* The y of a band's or error bar's end; an end a log axis cannot show goes to the frame's
 * bottom edge. */
static double
error_end_y (const Layout *layout,
             double        value)
{
  double y = frame_y (layout, value);

  return isfinite (y) ? y : layout->frame.y + layout->frame.height;
}

/* One closed band per run of consecutive drawable points. */
static void
draw_band (cairo_t           *cr,
           const KsLinePlot  *plot,
           const Layout      *layout,
           const Series      *series,
           const KsPlotTheme *theme)
{
  gsize start = 0;

  ks_color_set_source_alpha (cr, ks_plot_theme_series_color (theme, series->color),
                             theme->band_alpha);
  while (start < series->n)
    {
      gsize end = start;

      while (end < series->n && point_shown (plot, series, end))
        end++;
      if (end - start >= 2)
        {
          for (gsize i = start; i < end; i++)
            cairo_line_to (cr, frame_x (layout, series->x[i]),
                           error_end_y (layout, series->y[i] + point_error (series, i)));
          for (gsize i = end; i-- > start;)
            cairo_line_to (cr, frame_x (layout, series->x[i]),
                           error_end_y (layout, series->y[i] - point_error (series, i)));
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      start = end + 1;
    }
}

static void
draw_error_bars (cairo_t           *cr,
                 const KsLinePlot  *plot,
                 const Layout      *layout,
                 const Series      *series,
                 const KsPlotTheme *theme)
{
  double cap = theme->marker_size * 0.6;

  ks_color_set_source (cr, ks_plot_theme_series_color (theme, series->color));
  cairo_set_line_width (cr, theme->series_line_width * 0.75);
  cairo_set_dash (cr, NULL, 0, 0);
  for (gsize i = 0; i < series->n; i++)
    {
      double x;
      double e = point_error (series, i);
      double top;
      double bottom;

      if (!point_shown (plot, series, i) || e <= 0)
        continue;
      x = frame_x (layout, series->x[i]);
      top = error_end_y (layout, series->y[i] + e);
      bottom = error_end_y (layout, series->y[i] - e);
      cairo_move_to (cr, x, top);
      cairo_line_to (cr, x, bottom);
      cairo_move_to (cr, x - cap, top);
      cairo_line_to (cr, x + cap, top);
      cairo_move_to (cr, x - cap, bottom);
      cairo_line_to (cr, x + cap, bottom);
    }
  cairo_stroke (cr);
}

static void
draw_polyline (cairo_t           *cr,
               const KsLinePlot  *plot,
               const Layout      *layout,
               const Series      *series,
               const KsPlotTheme *theme)
{
  gboolean drawing = FALSE;

  if (series->line == KS_LINE_NONE)
    return;
  ks_color_set_source (cr, ks_plot_theme_series_color (theme, series->color));
  set_line_style (cr, theme, series->line);
  for (gsize i = 0; i < series->n; i++)
    {
      if (!point_shown (plot, series, i))
        {
          drawing = FALSE;
          continue;
        }
      if (drawing)
        cairo_line_to (cr, frame_x (layout, series->x[i]), frame_y (layout, series->y[i]));
      else
        cairo_move_to (cr, frame_x (layout, series->x[i]), frame_y (layout, series->y[i]));
      drawing = TRUE;
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
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
    case KS_MARKER_CIRCLE:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    case KS_MARKER_SQUARE:
      r *= 0.9;
      cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
      break;
    case KS_MARKER_TRIANGLE:
      /* Same area as the circle, centred on its centroid. */
      r *= 1.3;
      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + r * 0.866, y + r * 0.5);
      cairo_line_to (cr, x - r * 0.866, y + r * 0.5);
      cairo_close_path (cr);
      break;
    case KS_MARKER_NONE:
    default:
      break;
    }
}

static void
draw_markers (cairo_t           *cr,
              const KsLinePlot  *plot,
              const Layout      *layout,
              const Series      *series,
              const KsPlotTheme *theme)
{
  if (series->marker == KS_MARKER_NONE)
    return;
  for (gsize i = 0; i < series->n; i++)
    if (point_shown (plot, series, i))
      marker_path (cr, series->marker, frame_x (layout, series->x[i]),
                   frame_y (layout, series->y[i]), theme->marker_size);
  ks_color_set_source (cr, ks_plot_theme_series_color (theme, series->color));
  cairo_fill_preserve (cr);
  /* A thin rim in the background colour keeps overlapping markers apart. */
  ks_color_set_source (cr, &theme->background);
  cairo_set_line_width (cr, theme->series_line_width * 0.4);
  cairo_stroke (cr);
}

static const KsColor *
reference_color (const KsPlotTheme *theme,
                 const Reference   *reference)
{
  return reference->color >= 0 ? ks_plot_theme_series_color (theme, reference->color)
                               : &theme->text;
}

static void
draw_reference_lines (cairo_t           *cr,
                      const KsLinePlot  *plot,
                      const Layout      *layout,
                      const KsPlotTheme *theme)
{
  const double dashes[2] = { 1.0, 2.0 };

  cairo_save (cr);
  cairo_set_line_width (cr, theme->series_line_width * 0.8);
  cairo_set_dash (cr, dashes, 2, 0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint r = 0; r < plot->references->len; r++)
    {
      const Reference *reference = &g_array_index (plot->references, Reference, r);
      double y = frame_y (layout, reference->y);

      if (!isfinite (y))
        continue;
      ks_color_set_source (cr, reference_color (theme, reference));
      cairo_move_to (cr, layout->frame.x, y);
      cairo_line_to (cr, layout->frame.x + layout->frame.width, y);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

/* Labels above their line at the right end, or below it when the line is near the top. */
static void
draw_reference_labels (cairo_t           *cr,
                       const KsLinePlot  *plot,
                       const Layout      *layout,
                       const KsPlotTheme *theme)
{
  const KsRect *f = &layout->frame;
  double label_height;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, "Ag", 0, NULL, &label_height);
  for (guint r = 0; r < plot->references->len; r++)
    {
      const Reference *reference = &g_array_index (plot->references, Reference, r);
      double y = frame_y (layout, reference->y);
      gboolean above;

      if (!isfinite (y) || y < f->y || y > f->y + f->height ||
          reference->label == NULL || *reference->label == '\0')
        continue;
      above = y - f->y > label_height + theme->padding;
      ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, reference->label,
                    reference_color (theme, reference), f->x + f->width - theme->padding,
                    above ? y - theme->padding / 2 : y + theme->padding / 2,
                    1.0, above ? 1.0 : 0.0, KS_TEXT_HORIZONTAL);
    }
}

static void
draw_legend (cairo_t           *cr,
             const KsLinePlot  *plot,
             const Layout      *layout,
             const KsPlotTheme *theme)
{
  const KsRect *box = &layout->legend;
  double row_height = legend_row_height (theme);
  double y = box->y + theme->padding + (row_height - theme->padding / 2) / 2;
  double sample_x = box->x + theme->padding;

  cairo_save (cr);
  if (!layout->legend_outside)
    {
      ks_color_set_source_alpha (cr, &theme->background, 0.85);
      cairo_rectangle (cr, box->x, box->y, box->width, box->height);
      cairo_fill (cr);
    }
  for (guint s = 0; s < plot->series->len; s++)
    {
      const Series *series = g_ptr_array_index (plot->series, s);
      const KsColor *color = ks_plot_theme_series_color (theme, series->color);

      if (!series_in_legend (series))
        continue;
      if (series->error != NULL && series->error_style == KS_ERROR_BAND)
        {
          ks_color_set_source_alpha (cr, color, theme->band_alpha);
          cairo_rectangle (cr, sample_x, y - theme->marker_size / 2,
                           LEGEND_SAMPLE_LENGTH, theme->marker_size);
          cairo_fill (cr);
        }
      if (series->line != KS_LINE_NONE)
        {
          ks_color_set_source (cr, color);
          set_line_style (cr, theme, series->line);
          cairo_move_to (cr, sample_x, y);
          cairo_line_to (cr, sample_x + LEGEND_SAMPLE_LENGTH, y);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
      if (series->marker != KS_MARKER_NONE)
        {
          marker_path (cr, series->marker, sample_x + LEGEND_SAMPLE_LENGTH / 2, y,
                       theme->marker_size);
          ks_color_set_source (cr, color);
          cairo_fill (cr);
        }
      ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, series->name, NULL,
                    sample_x + LEGEND_SAMPLE_LENGTH + theme->padding, y, 0.0, 0.5,
                    KS_TEXT_HORIZONTAL);
      y += row_height;
    }
  cairo_restore (cr);
}

static void
draw_data (cairo_t           *cr,
           const KsLinePlot  *plot,
           const Layout      *layout,
           const KsPlotTheme *theme)
{
  cairo_save (cr);
  cairo_rectangle (cr, layout->frame.x, layout->frame.y,
                   layout->frame.width, layout->frame.height);
  cairo_clip (cr);
  for (guint s = 0; s < plot->series->len; s++)
    {
      const Series *series = g_ptr_array_index (plot->series, s);

      if (series->error != NULL && series->error_style == KS_ERROR_BAND)
        draw_band (cr, plot, layout, series, theme);
    }
  draw_reference_lines (cr, plot, layout, theme);
  for (guint s = 0; s < plot->series->len; s++)
    {
      const Series *series = g_ptr_array_index (plot->series, s);

      if (series->error != NULL && series->error_style == KS_ERROR_BARS)
        draw_error_bars (cr, plot, layout, series, theme);
      draw_polyline (cr, plot, layout, series, theme);
    }
  /* Markers on top of every line, so that none hides behind another series. */
  for (guint s = 0; s < plot->series->len; s++)
    draw_markers (cr, plot, layout, g_ptr_array_index (plot->series, s), theme);
  cairo_restore (cr);
}

void
ks_line_plot_draw (const KsLinePlot  *plot,
                   cairo_t           *cr,
                   const KsRect      *rect,
                   const KsPlotTheme *theme)
{
  Layout layout;

  g_return_if_fail (plot != NULL && cr != NULL && rect != NULL && theme != NULL);

  full_layout (plot, rect, theme, &layout);
  if (layout.frame.width <= 0 || layout.frame.height <= 0)
    return;

  cairo_save (cr);
  draw_grid_and_axes (cr, &layout, theme);
  draw_axis_ticks (cr, &layout, theme, TRUE);
  draw_axis_ticks (cr, &layout, theme, FALSE);
  draw_titles (cr, plot, rect, &layout, theme);
  if (layout.empty)
    ks_text_draw (cr, theme, KS_TEXT_ROLE_NOTE, plot->empty_note, NULL,
                  layout.frame.x + layout.frame.width / 2,
                  layout.frame.y + layout.frame.height / 2, 0.5, 0.5, KS_TEXT_HORIZONTAL);
  else
    {
      draw_data (cr, plot, &layout, theme);
      draw_reference_labels (cr, plot, &layout, theme);
      if (layout.has_legend)
        draw_legend (cr, plot, &layout, theme);
    }
  cairo_restore (cr);
}
