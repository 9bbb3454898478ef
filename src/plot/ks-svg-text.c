/* ks-svg-text.c: the text of an SVG export as real <text> elements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-svg-text.h"

#include <string.h>

typedef struct
{
  char          *text;
  char          *family;       /* a Pango family list */
  double         size;         /* in the text's own units */
  int            weight;
  gboolean       italic;
  KsColor        color;
  cairo_matrix_t matrix;       /* text space to SVG user space */
  double         x;            /* start of the baseline, in text space */
  double         y;
  double         width;        /* logical advance of the line */
} TextLine;

struct _KsSvgTextLayer
{
  KsSvgTextMode mode;
  GArray       *lines;         /* TextLine */
};

static const cairo_user_data_key_t layer_key;

static void
text_line_clear (gpointer data)
{
  TextLine *line = data;

  g_free (line->text);
  g_free (line->family);
}

KsSvgTextLayer *
ks_svg_text_layer_new (KsSvgTextMode mode)
{
  KsSvgTextLayer *layer = g_new0 (KsSvgTextLayer, 1);

  layer->mode = mode;
  layer->lines = g_array_new (FALSE, TRUE, sizeof (TextLine));
  g_array_set_clear_func (layer->lines, text_line_clear);
  return layer;
}

void
ks_svg_text_layer_free (KsSvgTextLayer *layer)
{
  if (layer == NULL)
    return;
  g_array_unref (layer->lines);
  g_free (layer);
}

void
ks_svg_text_layer_attach (KsSvgTextLayer  *layer,
                          cairo_surface_t *surface)
{
  cairo_surface_set_user_data (surface, &layer_key, layer, NULL);
}

KsSvgTextLayer *
ks_svg_text_layer_for (cairo_t *cr)
{
  return cairo_surface_get_user_data (cairo_get_target (cr), &layer_key);
}

gboolean
ks_svg_text_layer_draws_glyphs (KsSvgTextLayer *layer)
{
  return layer->mode == KS_SVG_TEXT_OUTLINES_AND_TEXT;
}

guint
ks_svg_text_layer_get_n_lines (KsSvgTextLayer *layer)
{
  return layer->lines->len;
}

void
ks_svg_text_layer_add (KsSvgTextLayer *layer,
                       cairo_t        *cr,
                       PangoLayout    *layout,
                       const KsColor  *color)
{
  const PangoFontDescription *font = pango_layout_get_font_description (layout);
  const char *text = pango_layout_get_text (layout);
  PangoLayoutIter *iter;
  double origin_x = 0.0;
  double origin_y = 0.0;

  if (cairo_has_current_point (cr))
    cairo_get_current_point (cr, &origin_x, &origin_y);
  /* A layout without a font of its own uses its context's. */
  if (font == NULL)
    font = pango_context_get_font_description (pango_layout_get_context (layout));

  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutLine *layout_line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      TextLine line = { 0 };

      if (layout_line->length == 0)
        continue;
      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      line.text = g_strndup (text + layout_line->start_index, layout_line->length);
      g_strchomp (line.text);
      line.family = g_strdup (pango_font_description_get_family (font));
      line.size = pango_units_to_double (pango_font_description_get_size (font));
      line.weight = (int) pango_font_description_get_weight (font);
      line.italic = pango_font_description_get_style (font) != PANGO_STYLE_NORMAL;
      line.color = *color;
      cairo_get_matrix (cr, &line.matrix);
      line.x = origin_x + pango_units_to_double (logical.x);
      line.y = origin_y + pango_units_to_double (pango_layout_iter_get_baseline (iter));
      line.width = pango_units_to_double (logical.width);
      g_array_append_val (layer->lines, line);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

/* text escaped for XML content or attributes: valid UTF-8, and no control characters,
 * which XML 1.0 cannot hold even as references. */
static char *
xml_escape (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  for (char *c = valid; *c != '\0'; c++)
    if ((guchar) *c < 0x20)
      *c = ' ';
  return g_markup_escape_text (valid, -1);
}

/* A Pango family list as a CSS font-family value, ending with the generic family. */
static char *
css_font_family (const char *families)
{
  g_auto(GStrv) names = g_strsplit (families != NULL ? families : "", ",", -1);
  GString *css = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;

      g_strstrip (names[i]);
      if (*names[i] == '\0')
        continue;
      escaped = xml_escape (names[i]);
      g_string_append_printf (css, "'%s', ", escaped);
    }
  g_string_append (css, "sans-serif");
  return g_string_free (css, FALSE);
}

static void
append_number (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.4f", value));
}

static void
append_color (GString       *out,
              const KsColor *color)
{
  g_string_append_printf (out, "rgb(%d,%d,%d)",
                          (int) (CLAMP (color->red, 0, 1) * 255 + 0.5),
                          (int) (CLAMP (color->green, 0, 1) * 255 + 0.5),
                          (int) (CLAMP (color->blue, 0, 1) * 255 + 0.5));
}

static void
append_text_line (GString          *out,
                  const TextLine   *line,
                  KsSvgTextMode     mode)
{
  const double m[6] = { line->matrix.xx, line->matrix.yx, line->matrix.xy,
                        line->matrix.yy, line->matrix.x0, line->matrix.y0 };
  g_autofree char *family = css_font_family (line->family);
  g_autofree char *escaped = xml_escape (line->text);

  g_string_append (out, "<text xml:space=\"preserve\" transform=\"matrix(");
  for (guint i = 0; i < 6; i++)
    {
      append_number (out, m[i]);
      if (i < 5)
        g_string_append_c (out, ',');
    }
  g_string_append (out, ")\" x=\"");
  append_number (out, line->x);
  g_string_append (out, "\" y=\"");
  append_number (out, line->y);
  g_string_append_printf (out, "\" font-family=\"%s\" font-size=\"", family);
  append_number (out, line->size);
  g_string_append_printf (out, "\" font-weight=\"%d\"", line->weight);
  if (line->italic)
    g_string_append (out, " font-style=\"italic\"");
  g_string_append (out, " textLength=\"");
  append_number (out, line->width);
  g_string_append (out, "\" lengthAdjust=\"spacingAndGlyphs\" fill=\"");
  append_color (out, &line->color);
  g_string_append (out, "\" fill-opacity=\"");
  /* Transparent over the outlines: found and selected, never drawn twice. */
  append_number (out, mode == KS_SVG_TEXT_ELEMENTS ? line->color.alpha : 0.0);
  g_string_append_printf (out, "\">%s</text>\n", escaped);
}

/* Where the root element's start tag ends, just after its '>'; -1 if there is none. */
static gssize
root_start_tag_end (const char *svg,
                    gsize       length)
{
  const char *root = g_strstr_len (svg, length, "<svg");
  const char *end;

  if (root == NULL)
    return -1;
  end = memchr (root, '>', length - (root - svg));
  return end != NULL ? end + 1 - svg : -1;
}

static gssize
root_end_tag_start (const char *svg,
                    gsize       length)
{
  const char *end = g_strrstr_len (svg, length, "</svg>");

  return end != NULL ? end - svg : -1;
}

/* <image ...> as nearest-neighbour: attribute for SVG 1.1 viewers, style for browsers. */
static void
append_crisp_images (GString    *out,
                     const char *svg,
                     gsize       length)
{
  const char *cursor = svg;
  const char *end = svg + length;
  const char *image;

  while ((image = g_strstr_len (cursor, end - cursor, "<image ")) != NULL)
    {
      image += strlen ("<image ");
      g_string_append_len (out, cursor, image - cursor);
      g_string_append (out, "image-rendering=\"optimizeSpeed\" "
                            "style=\"image-rendering:pixelated\" ");
      cursor = image;
    }
  g_string_append_len (out, cursor, end - cursor);
}

GString *
ks_svg_text_layer_apply (KsSvgTextLayer *layer,
                         const char     *svg,
                         gsize           length,
                         const char     *title)
{
  gssize head_end = root_start_tag_end (svg, length);
  gssize tail_start = root_end_tag_start (svg, length);
  GString *out;

  if (head_end < 0 || tail_start < head_end)
    return NULL;

  out = g_string_sized_new (length + 128 * layer->lines->len + 256);
  g_string_append_len (out, svg, head_end);
  if (title != NULL && *title != '\0')
    {
      g_autofree char *escaped = xml_escape (title);

      g_string_append_printf (out, "\n<title>%s</title>", escaped);
    }
  append_crisp_images (out, svg + head_end, tail_start - head_end);
  if (layer->lines->len > 0)
    {
      g_string_append (out, "<g id=\"text\">\n");
      for (guint i = 0; i < layer->lines->len; i++)
        append_text_line (out, &g_array_index (layer->lines, TextLine, i), layer->mode);
      g_string_append (out, "</g>\n");
    }
  g_string_append_len (out, svg + tail_start, length - tail_start);
  return out;
}
