/* ks-text.c: measuring and drawing labels with the theme's fonts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-text.h"

#include <math.h>

#include "ks-svg-text.h"

/* Text is laid out once, in a context that knows nothing of the surface it will be drawn
 * on, and drawn from that very layout (see ks_text_draw_wrapped ()). Unhinted metrics and
 * unrounded positions keep the advances linear in the font size; unhinted outlines keep
 * the glyphs' ink where the layout says it is at any resolution. */
static void
configure_context (PangoContext *context)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_context_set_round_glyph_positions (context, FALSE);
  cairo_font_options_destroy (options);
}

/* A context for measuring without a cairo_t; pango font maps are per thread, so is it. */
static PangoContext *
measuring_context (void)
{
  static GPrivate context_key = G_PRIVATE_INIT (g_object_unref);
  PangoContext *context = g_private_get (&context_key);

  if (context == NULL)
    {
      context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      configure_context (context);
      g_private_set (&context_key, context);
    }
  return context;
}

static void
setup_layout (PangoLayout       *layout,
              const KsPlotTheme *theme,
              KsTextRole         role,
              const char        *text,
              double             wrap_width)
{
  g_autoptr(PangoFontDescription) font = ks_plot_theme_font (theme, role);
  g_autofree char *valid = NULL;

  /* Labels may come from file names or data files in any encoding. */
  if (text == NULL)
    text = "";
  else if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  if (wrap_width > 0.0)
    {
      pango_layout_set_width (layout, pango_units_from_double (wrap_width));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
    }
}

PangoLayout *
ks_text_layout_new (const KsPlotTheme *theme,
                    KsTextRole         role,
                    const char        *text,
                    double             wrap_width)
{
  PangoLayout *layout;

  g_return_val_if_fail (theme != NULL, NULL);

  layout = pango_layout_new (measuring_context ());
  setup_layout (layout, theme, role, text, wrap_width);
  return layout;
}

void
ks_text_measure (const KsPlotTheme *theme,
                 KsTextRole         role,
                 const char        *text,
                 double             wrap_width,
                 double            *width,
                 double            *height)
{
  g_autoptr(PangoLayout) layout = ks_text_layout_new (theme, role, text, wrap_width);
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  if (width != NULL)
    *width = pango_units_to_double (logical.width);
  if (height != NULL)
    *height = pango_units_to_double (logical.height);
}

static double
direction_angle (KsTextDirection direction)
{
  switch (direction)
    {
    case KS_TEXT_VERTICAL_UP:
      return -G_PI / 2;
    case KS_TEXT_VERTICAL_DOWN:
      return G_PI / 2;
    case KS_TEXT_HORIZONTAL:
    default:
      return 0.0;
    }
}

void
ks_text_draw_wrapped (cairo_t           *cr,
                      const KsPlotTheme *theme,
                      KsTextRole         role,
                      const char        *text,
                      double             wrap_width,
                      const KsColor     *color,
                      double             x,
                      double             y,
                      double             halign,
                      double             valign,
                      KsTextDirection    direction)
{
  g_autoptr(PangoLayout) layout = NULL;
  KsSvgTextLayer *svg_layer;
  PangoRectangle logical;
  double width;
  double height;

  g_return_if_fail (cr != NULL && theme != NULL);

  if (text == NULL || *text == '\0')
    return;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, direction_angle (direction));

  /* Not pango_cairo_create_layout (cr): a layout made for cr's matrix loads its fonts at
   * the device size, where Pango's size quantisation and the surface's hinting give other
   * advances than the measured layout's, so that text drawn on a PNG or on screen came
   * out up to a few tenths of a point longer or shorter than measured, and wrapped text
   * could break elsewhere. Drawing the measured layout itself makes the drawn text exactly
   * what was measured; cairo still renders its glyphs at the device resolution. */
  layout = ks_text_layout_new (theme, role, text, wrap_width);
  pango_layout_get_extents (layout, NULL, &logical);

  width = pango_units_to_double (logical.width);
  height = pango_units_to_double (logical.height);
  cairo_move_to (cr, -halign * width - pango_units_to_double (logical.x),
                 -valign * height - pango_units_to_double (logical.y));
  color = color != NULL ? color : &theme->text;
  ks_color_set_source (cr, color);

  svg_layer = ks_svg_text_layer_for (cr);
  if (svg_layer != NULL)
    ks_svg_text_layer_add (svg_layer, cr, layout, color);
  if (svg_layer == NULL || ks_svg_text_layer_draws_glyphs (svg_layer))
    pango_cairo_show_layout (cr, layout);

  cairo_restore (cr);
}

void
ks_text_draw (cairo_t           *cr,
              const KsPlotTheme *theme,
              KsTextRole         role,
              const char        *text,
              const KsColor     *color,
              double             x,
              double             y,
              double             halign,
              double             valign,
              KsTextDirection    direction)
{
  ks_text_draw_wrapped (cr, theme, role, text, 0.0, color, x, y, halign, valign, direction);
}
