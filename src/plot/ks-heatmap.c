/* ks-heatmap.c: a matrix drawn as crisp square cells with a colour map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-heatmap.h"

#include <math.h>

#include "ks-text.h"

void
ks_heatmap_style_init (KsHeatmapStyle *style)
{
  g_return_if_fail (style != NULL);

  *style = (KsHeatmapStyle) {
    .colormap = KS_COLORMAP_VIRIDIS,
    .vmin = NAN,
    .vmax = NAN,
    .show_separators = TRUE,
    .show_row_labels = TRUE,
    .show_col_labels = TRUE,
  };
}

void
ks_heatmap_range_include (KsRange            *range,
                          const KsMatrixView *matrix)
{
  for (gsize i = 0; i < matrix->rows; i++)
    for (gsize j = 0; j < matrix->cols; j++)
      ks_range_include (range, ks_matrix_view_get (matrix, i, j));
}

void
ks_heatmap_range_settle (KsRange  *range,
                         gboolean  diverging)
{
  if (ks_range_is_empty (range))
    *range = diverging ? (KsRange) { -1.0, 1.0 } : (KsRange) { 0.0, 1.0 };
  if (diverging)
    {
      double half = MAX (fabs (range->lo), fabs (range->hi));

      *range = (KsRange) { -half, half };
    }
  if (range->hi - range->lo <= 1e-12 * MAX (fabs (range->lo), fabs (range->hi)))
    {
      /* One value: a narrow honest range around it rather than a division by zero. */
      double half = MAX (fabs (range->lo) * 0.01, 1e-12);

      *range = (KsRange) { range->lo - half, range->hi + half };
    }
}

KsRange
ks_heatmap_resolve_range (const KsMatrixView   *matrix,
                          const KsHeatmapStyle *style)
{
  KsRange range = KS_RANGE_EMPTY;

  if (isfinite (style->vmin) && isfinite (style->vmax) && style->vmax > style->vmin)
    return (KsRange) { style->vmin, style->vmax };
  if (matrix != NULL)
    ks_heatmap_range_include (&range, matrix);
  if (isfinite (style->vmin))
    range.lo = style->vmin;
  if (isfinite (style->vmax))
    range.hi = style->vmax;
  ks_heatmap_range_settle (&range, style->diverging);
  return range;
}

static guint32
color_to_argb (const KsColor *color)
{
  return 0xff000000u |
         (guint32) lround (CLAMP (color->red, 0, 1) * 255) << 16 |
         (guint32) lround (CLAMP (color->green, 0, 1) * 255) << 8 |
         (guint32) lround (CLAMP (color->blue, 0, 1) * 255);
}

cairo_surface_t *
ks_heatmap_render_cells (const KsMatrixView *matrix,
                         KsColormap          colormap,
                         double              vmin,
                         double              vmax,
                         const KsColor      *missing)
{
  const guint32 *table = ks_colormap_argb_table (colormap);
  guint32 missing_argb = color_to_argb (missing);
  double scale = vmax > vmin ? 1.0 / (vmax - vmin) : 0.0;
  cairo_surface_t *image;
  guint8 *pixels;
  int stride;

  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                      (int) MIN (matrix->cols, G_MAXINT),
                                      (int) MIN (matrix->rows, G_MAXINT));
  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    return image;

  cairo_surface_flush (image);
  pixels = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  for (gsize i = 0; i < matrix->rows; i++)
    {
      guint32 *row = (guint32 *) (pixels + i * stride);
      const double *values = matrix->data + i * matrix->stride;

      for (gsize j = 0; j < matrix->cols; j++)
        row[j] = isfinite (values[j]) ? table[ks_colormap_index ((values[j] - vmin) * scale)]
                                      : missing_argb;
    }
  cairo_surface_mark_dirty (image);
  return image;
}

/* Each pixel repeated factor x factor times. */
static cairo_surface_t *
upsample_image (cairo_surface_t *image,
                int              factor)
{
  int width = cairo_image_surface_get_width (image);
  int height = cairo_image_surface_get_height (image);
  int stride = cairo_image_surface_get_stride (image);
  const guint8 *pixels = cairo_image_surface_get_data (image);
  cairo_surface_t *large;
  guint8 *large_pixels;
  int large_stride;

  large = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * factor, height * factor);
  if (cairo_surface_status (large) != CAIRO_STATUS_SUCCESS)
    return large;
  cairo_surface_flush (large);
  large_pixels = cairo_image_surface_get_data (large);
  large_stride = cairo_image_surface_get_stride (large);
  for (int y = 0; y < height * factor; y++)
    {
      const guint32 *from = (const guint32 *) (pixels + (y / factor) * stride);
      guint32 *to = (guint32 *) (large_pixels + y * large_stride);

      for (int x = 0; x < width * factor; x++)
        to[x] = from[x / factor];
    }
  cairo_surface_mark_dirty (large);
  return large;
}

/* Surfaces whose viewer decides how images are scaled. A recording surface (GTK's cairo
 * nodes) is replayed onto pixels whose size its device units give, so it counts as
 * raster. */
static gboolean
is_vector_surface (cairo_surface_t *surface)
{
  switch (cairo_surface_get_type (surface))
    {
    case CAIRO_SURFACE_TYPE_PDF:
    case CAIRO_SURFACE_TYPE_PS:
    case CAIRO_SURFACE_TYPE_SVG:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The length on the target, in device units (pixels or points), of the user-space
 * vector (dx, dy). */
static double
device_length (cairo_t *cr,
               double   dx,
               double   dy)
{
  cairo_user_to_device_distance (cr, &dx, &dy);
  return hypot (dx, dy);
}

/* SVG viewers that ignore image-rendering (librsvg, behind GNOME's image viewer, is one)
 * smooth an image across whole cells. Repeating each cell's pixel so that a pixel is
 * about a quarter of a point keeps their smoothing to a thin rim at cell borders. */
static int
svg_upsampling (double cell_width,
                double cell_height,
                int    width,
                int    height)
{
  int factor = (int) CLAMP (ceil (4.0 * MAX (cell_width, cell_height)), 1, 16);

  while (factor > 1 && (double) width * height * factor * factor > 16e6)
    factor--;
  return factor;
}

void
ks_paint_image_cells (cairo_t         *cr,
                      cairo_surface_t *image,
                      const KsRect    *rect)
{
  cairo_surface_t *target = cairo_get_target (cr);
  cairo_surface_t *large = NULL;
  cairo_filter_t filter = CAIRO_FILTER_NEAREST;
  int width = cairo_image_surface_get_width (image);
  int height = cairo_image_surface_get_height (image);
  double cell_width;
  double cell_height;

  if (width <= 0 || height <= 0 || rect->width <= 0 || rect->height <= 0)
    return;
  cell_width = device_length (cr, rect->width / width, 0.0);
  cell_height = device_length (cr, 0.0, rect->height / height);

  if (cairo_surface_get_type (target) == CAIRO_SURFACE_TYPE_SVG)
    {
      int factor = svg_upsampling (cell_width, cell_height, width, height);

      if (factor > 1)
        large = upsample_image (image, factor);
      if (large != NULL && cairo_surface_status (large) == CAIRO_STATUS_SUCCESS)
        {
          image = large;
          width *= factor;
          height *= factor;
        }
    }
  else if (!is_vector_surface (target) && MIN (cell_width, cell_height) < 1.0)
    filter = CAIRO_FILTER_GOOD;

  cairo_save (cr);
  if (filter == CAIRO_FILTER_GOOD)
    {
      /* Averaging interpolates where cells are larger than a pixel, towards the
       * transparent outside of the image, and its kernel reaches beyond the image's
       * edge: padded with the edge cells and clipped to the box, the cells end where the
       * box does. */
      cairo_rectangle (cr, rect->x, rect->y, rect->width, rect->height);
      cairo_clip (cr);
    }
  cairo_translate (cr, rect->x, rect->y);
  cairo_scale (cr, rect->width / width, rect->height / height);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), filter);
  if (filter == CAIRO_FILTER_GOOD)
    cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  /* Paint, not fill: cairo's SVG surface then places the image itself (<use> of an
   * <image>) where a fill would go through a <pattern>, which viewers smooth. */
  cairo_paint (cr);
  cairo_restore (cr);
  g_clear_pointer (&large, cairo_surface_destroy);
}

static char *
class_name (const KsHeatmapStyle *style,
            int                   class_id)
{
  if (class_id >= 0 && (guint) class_id < style->n_class_names &&
      style->class_names[class_id] != NULL)
    return g_strdup (style->class_names[class_id]);
  return g_strdup_printf ("%d", class_id);
}

static gboolean
shows_row_labels (const KsHeatmapStyle *style)
{
  return style->show_row_labels && style->row_classes != NULL;
}

static gboolean
shows_col_labels (const KsHeatmapStyle *style)
{
  return style->show_col_labels && style->col_classes != NULL;
}

/* The widest name among the classes present; 0 when there is nothing to label. */
static double
widest_class_label (const KsHeatmapStyle *style,
                    const KsPlotTheme    *theme,
                    const int            *classes,
                    gsize                 n)
{
  double widest = 0.0;

  for (gsize i = 0; i < n; i++)
    if (i == 0 || classes[i] != classes[i - 1])
      {
        g_autofree char *name = class_name (style, classes[i]);
        double width;

        ks_text_measure (theme, KS_TEXT_ROLE_TICK, name, 0, &width, NULL);
        widest = MAX (widest, width);
      }
  return widest;
}

/* The title is centred on the cells, which sit left labels / 2 right of the rectangle's
 * centre: it may be as wide as the rectangle without those labels. */
static double
title_wrap (const KsRect *rect,
            double        left_labels)
{
  return MAX (rect->width - left_labels, 1.0);
}

void
ks_heatmap_layout (const KsRect         *rect,
                   gsize                 rows,
                   gsize                 cols,
                   const KsHeatmapStyle *style,
                   const KsPlotTheme    *theme,
                   KsHeatmapLayout      *layout)
{
  double left = 0.0;
  double top = 0.0;
  double bottom = 0.0;
  double cell;
  double block_width;
  double block_height;
  KsRect inner;

  g_return_if_fail (rect != NULL && style != NULL && theme != NULL && layout != NULL);

  if (style->row_classes != NULL && (style->show_row_labels || style->reserve_label_space))
    left = widest_class_label (style, theme, style->row_classes, rows) + theme->padding;
  if (style->title != NULL && *style->title != '\0')
    {
      ks_text_measure (theme, KS_TEXT_ROLE_TITLE, style->title, title_wrap (rect, left),
                       NULL, &top);
      top += theme->padding;
    }
  if (style->col_classes != NULL && (style->show_col_labels || style->reserve_label_space))
    {
      ks_text_measure (theme, KS_TEXT_ROLE_TICK, "0", 0, NULL, &bottom);
      bottom += theme->padding;
    }

  inner = ks_rect_inset (rect, left, top, 0, bottom);
  cell = (rows > 0 && cols > 0) ? MIN (inner.width / cols, inner.height / rows) : 0.0;
  /* Centre the whole block (labels, title and cells) in the rectangle. */
  block_width = left + cell * cols;
  block_height = top + cell * rows + bottom;
  layout->rows = rows;
  layout->cols = cols;
  layout->cell_size = cell;
  layout->row_label_width = left;
  layout->cells = ks_rect_make (rect->x + (rect->width - block_width) / 2 + left,
                                rect->y + (rect->height - block_height) / 2 + top,
                                cell * cols, cell * rows);
}

gboolean
ks_heatmap_hit (const KsHeatmapLayout *layout,
                const KsMatrixView    *matrix,
                double                 x,
                double                 y,
                gsize                 *row,
                gsize                 *col,
                double                *value)
{
  gsize i;
  gsize j;

  g_return_val_if_fail (layout != NULL, FALSE);

  if (layout->cell_size <= 0.0 || !ks_rect_contains (&layout->cells, x, y))
    return FALSE;
  i = MIN ((gsize) ((y - layout->cells.y) / layout->cell_size), layout->rows - 1);
  j = MIN ((gsize) ((x - layout->cells.x) / layout->cell_size), layout->cols - 1);
  if (row != NULL)
    *row = i;
  if (col != NULL)
    *col = j;
  if (value != NULL)
    *value = (matrix != NULL && i < matrix->rows && j < matrix->cols)
             ? ks_matrix_view_get (matrix, i, j) : NAN;
  return TRUE;
}

static void
draw_separators (cairo_t               *cr,
                 const KsHeatmapLayout *layout,
                 const KsHeatmapStyle  *style,
                 const KsPlotTheme     *theme)
{
  const KsRect *cells = &layout->cells;

  cairo_save (cr);
  ks_color_set_source (cr, ks_colormap_is_diverging (style->colormap)
                           ? &theme->separator_diverging : &theme->separator);
  cairo_set_line_width (cr, theme->separator_line_width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  if (style->row_classes != NULL)
    for (gsize i = 1; i < layout->rows; i++)
      if (style->row_classes[i] != style->row_classes[i - 1])
        {
          double y = cells->y + i * layout->cell_size;

          cairo_move_to (cr, cells->x, y);
          cairo_line_to (cr, cells->x + cells->width, y);
        }
  if (style->col_classes != NULL)
    for (gsize j = 1; j < layout->cols; j++)
      if (style->col_classes[j] != style->col_classes[j - 1])
        {
          double x = cells->x + j * layout->cell_size;

          cairo_move_to (cr, x, cells->y);
          cairo_line_to (cr, x, cells->y + cells->height);
        }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Names centred on each class block; a name that would crowd its neighbour is left out
 * rather than overlapping it. */
typedef struct
{
  char   *name;
  double  centre;   /* along the axis labelled */
  double  extent;   /* of the name along that axis */
} ClassLabel;

static void
class_label_clear (gpointer data)
{
  g_free (((ClassLabel *) data)->name);
}

/* One label per class block, at the block's centre. */
static GArray *
class_labels (const KsHeatmapLayout *layout,
              const KsHeatmapStyle  *style,
              const KsPlotTheme     *theme,
              const int             *classes,
              gsize                  n,
              gboolean               along_rows)
{
  GArray *labels = g_array_new (FALSE, FALSE, sizeof (ClassLabel));
  gsize start = 0;

  g_array_set_clear_func (labels, class_label_clear);
  for (gsize i = 1; i <= n; i++)
    {
      ClassLabel label;
      double width;
      double height;

      if (i < n && classes[i] == classes[start])
        continue;
      label.name = class_name (style, classes[start]);
      ks_text_measure (theme, KS_TEXT_ROLE_TICK, label.name, 0, &width, &height);
      label.centre = ((start + i) / 2.0) * layout->cell_size +
                     (along_rows ? layout->cells.y : layout->cells.x);
      label.extent = along_rows ? height : width;
      g_array_append_val (labels, label);
      start = i;
    }
  return labels;
}

/* Whether labelling every step-th block keeps the names apart. */
static gboolean
labels_fit (GArray            *labels,
            guint              step,
            const KsPlotTheme *theme)
{
  double last_end = -G_MAXDOUBLE;

  for (guint k = 0; k < labels->len; k += step)
    {
      const ClassLabel *label = &g_array_index (labels, ClassLabel, k);

      if (label->centre - label->extent / 2 < last_end + theme->padding / 2)
        return FALSE;
      last_end = label->centre + label->extent / 2;
    }
  return TRUE;
}

/* Names of every class when they fit, else of every second, third, ... class, so that
 * the labels that are shown fall at regular steps. */
static void
draw_class_labels (cairo_t               *cr,
                   const KsHeatmapLayout *layout,
                   const KsHeatmapStyle  *style,
                   const KsPlotTheme     *theme,
                   const int             *classes,
                   gsize                  n,
                   gboolean               along_rows)
{
  g_autoptr(GArray) labels = class_labels (layout, style, theme, classes, n, along_rows);
  guint step = 1;

  while (step < labels->len && !labels_fit (labels, step, theme))
    step++;
  if (!labels_fit (labels, step, theme))
    return;
  for (guint k = 0; k < labels->len; k += step)
    {
      const ClassLabel *label = &g_array_index (labels, ClassLabel, k);

      if (along_rows)
        ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, label->name, NULL,
                      layout->cells.x - theme->padding, label->centre, 1.0, 0.5,
                      KS_TEXT_HORIZONTAL);
      else
        ks_text_draw (cr, theme, KS_TEXT_ROLE_TICK, label->name, NULL, label->centre,
                      layout->cells.y + layout->cells.height + theme->padding, 0.5, 0.0,
                      KS_TEXT_HORIZONTAL);
    }
}

void
ks_heatmap_draw (cairo_t              *cr,
                 const KsRect         *rect,
                 const KsMatrixView   *matrix,
                 const KsHeatmapStyle *style,
                 const KsPlotTheme    *theme)
{
  cairo_surface_t *image;
  KsHeatmapLayout layout;
  KsRange range;

  g_return_if_fail (cr != NULL && rect != NULL && matrix != NULL);
  g_return_if_fail (style != NULL && theme != NULL);

  ks_heatmap_layout (rect, matrix->rows, matrix->cols, style, theme, &layout);
  if (style->title != NULL && *style->title != '\0')
    ks_text_draw_wrapped (cr, theme, KS_TEXT_ROLE_TITLE, style->title,
                          title_wrap (rect, layout.row_label_width), NULL,
                          layout.cells.x + layout.cells.width / 2,
                          layout.cells.y - theme->padding, 0.5, 1.0, KS_TEXT_HORIZONTAL);
  if (layout.cell_size <= 0.0)
    return;

  range = ks_heatmap_resolve_range (matrix, style);
  image = ks_heatmap_render_cells (matrix, style->colormap, range.lo, range.hi,
                                   &theme->missing);
  if (cairo_surface_status (image) == CAIRO_STATUS_SUCCESS)
    ks_paint_image_cells (cr, image, &layout.cells);
  else
    ks_text_draw (cr, theme, KS_TEXT_ROLE_NOTE, "matrix too large to draw", NULL,
                  layout.cells.x + layout.cells.width / 2,
                  layout.cells.y + layout.cells.height / 2, 0.5, 0.5, KS_TEXT_HORIZONTAL);
  cairo_surface_destroy (image);

  if (style->show_separators)
    draw_separators (cr, &layout, style, theme);
  if (shows_row_labels (style))
    draw_class_labels (cr, &layout, style, theme, style->row_classes, layout.rows, TRUE);
  if (shows_col_labels (style))
    draw_class_labels (cr, &layout, style, theme, style->col_classes, layout.cols, FALSE);
}
