/* ks-colorbar.c: the key from colours back to values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-colorbar.h"

#include <math.h>

#include "ks-heatmap.h"
#include "ks-text.h"
#include "ks-ticks.h"

void
ks_colorbar_style_init (KsColorbarStyle *style,
                        KsColormap       colormap,
                        double           vmin,
                        double           vmax,
                        const char      *label)
{
  g_return_if_fail (style != NULL);

  *style = (KsColorbarStyle) {
    .colormap = colormap,
    .vmin = vmin,
    .vmax = vmax,
    .label = label,
    .orientation = KS_ORIENTATION_VERTICAL,
  };
}

static double
bar_thickness (const KsColorbarStyle *style,
               const KsPlotTheme     *theme)
{
  return style->thickness > 0.0 ? style->thickness : theme->font_size;
}

static double
tick_label_height (const KsPlotTheme *theme)
{
  double height;

  ks_text_measure (theme, KS_TEXT_ROLE_TICK, "0", 0, NULL, &height);
  return height;
}

static KsRange
bar_range (const KsColorbarStyle *style)
{
  KsRange range = { style->vmin, style->vmax };

  if (!(isfinite (range.lo) && isfinite (range.hi) && range.hi > range.lo))
    {
      range = KS_RANGE_EMPTY;
      ks_range_include (&range, style->vmin);
      ks_range_include (&range, style->vmax);
      ks_heatmap_range_settle (&range, FALSE);
    }
  return range;
}

/* Vertical bars need half a label's height at the ends, horizontal ones about half a
 * label's width. */
double
ks_colorbar_end_inset (const KsColorbarStyle *style,
                       const KsPlotTheme     *theme)
{
  if (style->orientation == KS_ORIENTATION_HORIZONTAL)
    return tick_label_height (theme);
  return tick_label_height (theme) / 2;
}

KsRect
ks_colorbar_bar_rect (const KsRect          *rect,
                      const KsColorbarStyle *style,
                      const KsPlotTheme     *theme)
{
  double thickness = bar_thickness (style, theme);
  double inset = ks_colorbar_end_inset (style, theme);

  if (style->orientation == KS_ORIENTATION_HORIZONTAL)
    return ks_rect_make (rect->x + inset, rect->y,
                         rect->width - 2 * inset, MIN (thickness, rect->height));
  return ks_rect_make (rect->x, rect->y + inset,
                       MIN (thickness, rect->width), rect->height - 2 * inset);
}

/* Ticks that leave at least a label's height (or width) of space between labels. */
static void
choose_ticks (const KsColorbarStyle *style,
              const KsPlotTheme     *theme,
              double                 length,
              KsTicks               *ticks)
{
  KsRange range = bar_range (style);
  double spacing = tick_label_height (theme) * 2.2;

  for (guint max_ticks = KS_TICKS_DEFAULT_COUNT; ; max_ticks--)
    {
      double widest = 0.0;

      ks_ticks_linear (range.lo, range.hi, max_ticks, ticks);
      if (style->orientation == KS_ORIENTATION_HORIZONTAL)
        for (guint i = 0; i < ticks->n; i++)
          {
            g_autofree char *text = ks_ticks_label (ticks, i);
            double width;

            ks_text_measure (theme, KS_TEXT_ROLE_TICK, text, 0, &width, NULL);
            widest = MAX (widest, width);
          }
      spacing = MAX (spacing, widest + theme->padding * 2);
      if (max_ticks <= 3 || ticks->n <= 1 ||
          length * ticks->step / (range.hi - range.lo) >= spacing)
        return;
    }
}

static double
widest_tick_label (const KsTicks     *ticks,
                   const KsPlotTheme *theme)
{
  double widest = 0.0;

  for (guint i = 0; i < ticks->n; i++)
    {
      g_autofree char *text = ks_ticks_label (ticks, i);
      double width;

      ks_text_measure (theme, KS_TEXT_ROLE_TICK, text, 0, &width, NULL);
      widest = MAX (widest, width);
    }
  return widest;
}

double
ks_colorbar_preferred_extent (const KsColorbarStyle *style,
                              const KsPlotTheme     *theme)
{
  double label_height = 0.0;
  KsTicks ticks;

  g_return_val_if_fail (style != NULL && theme != NULL, 0.0);

  if (style->label != NULL && *style->label != '\0')
    ks_text_measure (theme, KS_TEXT_ROLE_LABEL, style->label, 0, NULL, &label_height);
  if (style->orientation == KS_ORIENTATION_HORIZONTAL)
    return bar_thickness (style, theme) + theme->tick_length + theme->padding / 2 +
           tick_label_height (theme) + (label_height > 0 ? theme->padding + label_height : 0);

  /* The widest label of the densest tick set the bar could choose. */
  ks_ticks_linear (bar_range (style).lo, bar_range (style).hi, KS_TICKS_DEFAULT_COUNT, &ticks);
  return bar_thickness (style, theme) + theme->tick_length + theme->padding / 2 +
         widest_tick_label (&ticks, theme) +
         (label_height > 0 ? theme->padding + label_height : 0);
}

/* A 1 x 256 (or 256 x 1) image of the colour map's table, high values at the top. */
static cairo_surface_t *
gradient_image (KsColormap    colormap,
                KsOrientation orientation)
{
  const guint32 *table = ks_colormap_argb_table (colormap);
  gboolean vertical = orientation == KS_ORIENTATION_VERTICAL;
  cairo_surface_t *image;
  guint8 *pixels;
  int stride;

  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                      vertical ? 1 : KS_COLORMAP_N_ENTRIES,
                                      vertical ? KS_COLORMAP_N_ENTRIES : 1);
  cairo_surface_flush (image);
  pixels = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  for (guint i = 0; i < KS_COLORMAP_N_ENTRIES; i++)
    {
      if (vertical)
        *(guint32 *) (pixels + i * stride) = table[KS_COLORMAP_N_ENTRIES - 1 - i];
      else
        ((guint32 *) pixels)[i] = table[i];
    }
  cairo_surface_mark_dirty (image);
  return image;
}

static void
draw_ticks (cairo_t               *cr,
            const KsRect          *bar,
            const KsColorbarStyle *style,
            const KsPlotTheme     *theme,
            const KsTicks         *ticks,
            double                *labels_end)
{
  KsRange range = bar_range (style);
  gboolean vertical = style->orientation == KS_ORIENTATION_VERTICAL;
  double widest = 0.0;
  double label_offset = theme->tick_length + theme->padding / 2;

  cairo_save (cr);
  ks_color_set_source (cr, &theme->axis);
  cairo_set_line_width (cr, theme->axis_line_width);
  for (guint i = 0; i < ticks->n; i++)
    {
      double t = (ticks->values[i] - range.lo) / (range.hi - range.lo);
      g_autofree char *text = ks_ticks_label (ticks, i);
      double width;

      ks_text_measure (theme, KS_TEXT_ROLE_TICK, text, 0, &width, NULL);
      widest = MAX (widest, width);
      if (vertical)
        {
          double y = bar->y + (1 - t) * bar->height;
          double x = bar->x + bar->width;

          cairo_move_to (cr, x, y);
          cairo_line_to (cr, x + theme->tick_length, y);
          ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, text, NULL,
                        x + label_offset, y, 0.0, 0.5, KS_TEXT_HORIZONTAL);
        }
      else
        {
          double x = bar->x + t * bar->width;
          double y = bar->y + bar->height;

          cairo_move_to (cr, x, y);
          cairo_line_to (cr, x, y + theme->tick_length);
          ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, text, NULL,
                        x, y + label_offset, 0.5, 0.0, KS_TEXT_HORIZONTAL);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);

  if (vertical)
    *labels_end = bar->x + bar->width + label_offset + widest;
  else
    *labels_end = bar->y + bar->height + label_offset + tick_label_height (theme);
}

void
ks_colorbar_draw (cairo_t               *cr,
                  const KsRect          *rect,
                  const KsColorbarStyle *style,
                  const KsPlotTheme     *theme)
{
  KsRect bar;
  cairo_surface_t *image;
  KsTicks ticks;
  double labels_end;

  g_return_if_fail (cr != NULL && rect != NULL && style != NULL && theme != NULL);

  bar = ks_colorbar_bar_rect (rect, style, theme);
  if (bar.width <= 0 || bar.height <= 0)
    return;

  image = gradient_image (style->colormap, style->orientation);
  ks_paint_image_cells (cr, image, &bar);
  cairo_surface_destroy (image);

  cairo_save (cr);
  ks_color_set_source (cr, &theme->axis);
  cairo_set_line_width (cr, theme->axis_line_width / 2);
  cairo_rectangle (cr, bar.x, bar.y, bar.width, bar.height);
  cairo_stroke (cr);
  cairo_restore (cr);

  choose_ticks (style, theme,
                style->orientation == KS_ORIENTATION_VERTICAL ? bar.height : bar.width, &ticks);
  draw_ticks (cr, &bar, style, theme, &ticks, &labels_end);

  if (style->label == NULL || *style->label == '\0')
    return;
  if (style->orientation == KS_ORIENTATION_VERTICAL)
    ks_text_draw (cr, theme, KS_TEXT_ROLE_LABEL, style->label, NULL,
                  labels_end + theme->padding, bar.y + bar.height / 2, 0.5, 0.0,
                  KS_TEXT_VERTICAL_UP);
  else
    ks_text_draw (cr, theme, KS_TEXT_ROLE_LABEL, style->label, NULL,
                  bar.x + bar.width / 2, labels_end + theme->padding, 0.5, 0.0,
                  KS_TEXT_HORIZONTAL);
}
