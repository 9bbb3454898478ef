/* ks-plot-types.h: rectangles and lengths shared by every libks-plot drawing routine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

/* Every routine draws in points (1/72 inch). A widget showing a figure on a 96 dpi screen
 * scales its cairo_t by KS_SCREEN_PX_PER_PT and passes its size divided by it, so that the
 * window shows exactly what export writes. */
#define KS_PT_PER_INCH     72.0
#define KS_MM_PER_INCH     25.4
#define KS_SCREEN_PX_PER_PT (96.0 / 72.0)

static inline double
ks_mm_to_pt (double mm)
{
  return mm * KS_PT_PER_INCH / KS_MM_PER_INCH;
}

static inline double
ks_inch_to_pt (double inches)
{
  return inches * KS_PT_PER_INCH;
}

static inline double
ks_pt_to_mm (double pt)
{
  return pt * KS_MM_PER_INCH / KS_PT_PER_INCH;
}

/* A rectangle in the user space of the cairo_t being drawn on. */
typedef struct
{
  double x;
  double y;
  double width;
  double height;
} KsRect;

static inline KsRect
ks_rect_make (double x,
              double y,
              double width,
              double height)
{
  KsRect rect = { x, y, MAX (width, 0.0), MAX (height, 0.0) };

  return rect;
}

/* The rectangle with the given insets removed from each side (never negative in size). */
static inline KsRect
ks_rect_inset (const KsRect *rect,
               double        left,
               double        top,
               double        right,
               double        bottom)
{
  return ks_rect_make (rect->x + left, rect->y + top,
                       rect->width - left - right, rect->height - top - bottom);
}

static inline gboolean
ks_rect_contains (const KsRect *rect,
                  double        x,
                  double        y)
{
  return x >= rect->x && x < rect->x + rect->width &&
         y >= rect->y && y < rect->y + rect->height;
}

/* A read-only view of a row-major matrix of doubles: element (i, j) is
 * data[i * stride + j]. A gsl_matrix m is { m->data, m->size1, m->size2, m->tda }. */
typedef struct
{
  const double *data;
  gsize         rows;
  gsize         cols;
  gsize         stride;
} KsMatrixView;

static inline double
ks_matrix_view_get (const KsMatrixView *view,
                    gsize               row,
                    gsize               col)
{
  return view->data[row * view->stride + col];
}

/* A closed value interval; lo > hi means empty. */
typedef struct
{
  double lo;
  double hi;
} KsRange;

#define KS_RANGE_EMPTY ((KsRange) { G_MAXDOUBLE, -G_MAXDOUBLE })

static inline gboolean
ks_range_is_empty (const KsRange *range)
{
  return !(range->lo <= range->hi);
}

static inline void
ks_range_include (KsRange *range,
                  double   value)
{
  if (!isfinite (value))
    return;
  range->lo = MIN (range->lo, value);
  range->hi = MAX (range->hi, value);
}

G_END_DECLS
