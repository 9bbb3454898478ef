/* ks-svg-text.h: the text of an SVG export as real <text> elements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <pango/pango.h>

#include "ks-plot-theme.h"

G_BEGIN_DECLS

/* cairo's SVG surface writes text as glyph outlines (<symbol>/<use>), which look right
 * everywhere but cannot be searched, selected or edited. While a figure is drawn onto an
 * SVG surface, ks_text_draw () also records each line of text here, with its font, size,
 * colour and full transformation; ks_svg_text_layer_apply () then adds the lines to the
 * finished file as <text> elements. */
typedef enum
{
  /* Glyph outlines as drawn by cairo (identical to PDF and PNG in any viewer), plus the
   * same text as transparent <text> laid exactly over them: search, selection and
   * copying work, and the look never depends on the viewer's fonts. */
  KS_SVG_TEXT_OUTLINES_AND_TEXT,
  /* Only visible <text> elements, stretched to the measured width (textLength): editable
   * in Inkscape or Illustrator, but drawn with whatever font the viewer has. */
  KS_SVG_TEXT_ELEMENTS,
} KsSvgTextMode;

typedef struct _KsSvgTextLayer KsSvgTextLayer;

KsSvgTextLayer *ks_svg_text_layer_new             (KsSvgTextMode    mode);
void            ks_svg_text_layer_free            (KsSvgTextLayer  *layer);
/* Makes every ks_text_draw () on a cairo_t targeting surface record into layer; the
 * layer must outlive the drawing. */
void            ks_svg_text_layer_attach          (KsSvgTextLayer  *layer,
                                                   cairo_surface_t *surface);
/* The layer recording for cr's target, or NULL. */
KsSvgTextLayer *ks_svg_text_layer_for             (cairo_t         *cr);
gboolean        ks_svg_text_layer_draws_glyphs    (KsSvgTextLayer  *layer);
/* Records the lines of layout as drawn from cr's current point with cr's matrix. */
void            ks_svg_text_layer_add             (KsSvgTextLayer  *layer,
                                                   cairo_t         *cr,
                                                   PangoLayout     *layout,
                                                   const KsColor   *color);
guint           ks_svg_text_layer_get_n_lines     (KsSvgTextLayer  *layer);
/* The SVG document cairo wrote, with the recorded text added as a last group, a <title>
 * (when title is not NULL) and crisp rendering for its images (every image libks-plot
 * draws is meant to be seen pixel by pixel). NULL if svg is not an SVG document. */
GString        *ks_svg_text_layer_apply           (KsSvgTextLayer  *layer,
                                                   const char      *svg,
                                                   gsize            length,
                                                   const char      *title);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsSvgTextLayer, ks_svg_text_layer_free)

G_END_DECLS
