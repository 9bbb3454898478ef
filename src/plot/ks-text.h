/* ks-text.h: measuring and drawing labels with the theme's fonts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "ks-plot-theme.h"

G_BEGIN_DECLS

typedef enum
{
  KS_TEXT_HORIZONTAL,
  KS_TEXT_VERTICAL_UP,    /* reads from bottom to top, as a y-axis title */
  KS_TEXT_VERTICAL_DOWN,  /* reads from top to bottom */
} KsTextDirection;

/* Text laid out the same way whatever it is drawn on: glyph advances are not hinted or
 * rounded, so a label measured for layout has the same size on screen, in PNG, PDF and
 * SVG. wrap_width > 0 breaks lines at that width (centred lines). */
PangoLayout  *ks_text_layout_new     (const KsPlotTheme *theme,
                                      KsTextRole         role,
                                      const char        *text,
                                      double             wrap_width);

/* The logical size of the text, before any rotation. */
void          ks_text_measure        (const KsPlotTheme *theme,
                                      KsTextRole         role,
                                      const char        *text,
                                      double             wrap_width,
                                      double            *width,
                                      double            *height);

/* Draws text so that the point (x, y) falls at (halign, valign) of the text's logical box
 * (0 = left/top, 0.5 = centre, 1 = right/bottom, in the text's own reading direction),
 * then turned about that point by direction. color NULL means the theme's text colour.
 * The text is drawn as text (pango_cairo_show_layout): it stays searchable in PDF, and an
 * SVG export adds it as <text> (see ks-svg-text.h). */
void          ks_text_draw           (cairo_t           *cr,
                                      const KsPlotTheme *theme,
                                      KsTextRole         role,
                                      const char        *text,
                                      const KsColor     *color,
                                      double             x,
                                      double             y,
                                      double             halign,
                                      double             valign,
                                      KsTextDirection    direction);

/* The same with a wrap width (0 for none). */
void          ks_text_draw_wrapped   (cairo_t           *cr,
                                      const KsPlotTheme *theme,
                                      KsTextRole         role,
                                      const char        *text,
                                      double             wrap_width,
                                      const KsColor     *color,
                                      double             x,
                                      double             y,
                                      double             halign,
                                      double             valign,
                                      KsTextDirection    direction);

G_END_DECLS
