/* ks-plot-theme.c: fonts, line widths and colours of a figure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-plot-theme.h"

#include "ks-error.h"

G_DEFINE_BOXED_TYPE (KsPlotTheme, ks_plot_theme, ks_plot_theme_copy, ks_plot_theme_free)

/* DejaVu Sans is on every Linux system and in the GNOME runtime, so a paper figure looks
 * the same wherever it is made; the window follows the desktop's Cantarell. */
#define PAPER_FONT_FAMILY  "DejaVu Sans"
#define SCREEN_FONT_FAMILY "Cantarell, DejaVu Sans"

static KsColor
rgb_hex (guint32 rgb)
{
  KsColor color = {
    ((rgb >> 16) & 0xff) / 255.0,
    ((rgb >> 8) & 0xff) / 255.0,
    (rgb & 0xff) / 255.0,
    1.0,
  };

  return color;
}

static KsColor
rgba (double red,
      double green,
      double blue,
      double alpha)
{
  KsColor color = { red, green, blue, alpha };

  return color;
}

/* Okabe and Ito (2008), ordered so that the first colours keep good contrast on white;
 * the text colour comes seventh and yellow, faint on white, last. */
static void
set_palette (KsPlotTheme *theme)
{
  static const guint32 okabe_ito[6] = {
    0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7, 0xe69f00, 0x56b4e9,
  };

  G_STATIC_ASSERT (KS_PLOT_THEME_MAX_SERIES == G_N_ELEMENTS (okabe_ito) + 2);
  for (guint i = 0; i < G_N_ELEMENTS (okabe_ito); i++)
    theme->series[i] = rgb_hex (okabe_ito[i]);
  theme->series[6] = theme->text;
  theme->series[7] = rgb_hex (0xf0e442);
  if (theme->kind == KS_PLOT_THEME_SCREEN_DARK)
    {
      /* Dark blue vanishes on a dark background: lead with sky blue instead. */
      theme->series[0] = rgb_hex (0x56b4e9);
      theme->series[5] = rgb_hex (0x0072b2);
    }
}

static void
set_common_lengths (KsPlotTheme *theme)
{
  theme->axis_line_width = 0.6;
  theme->grid_line_width = 0.4;
  theme->series_line_width = 1.2;
  theme->separator_line_width = 0.5;
  theme->tick_length = 3.0;
  theme->marker_size = 4.0;
  theme->padding = 3.0;
  theme->panel_gap = 8.0;
  theme->margin = 4.0;
  theme->band_alpha = 0.22;
}

KsPlotTheme *
ks_plot_theme_new (KsPlotThemeKind kind)
{
  KsPlotTheme *theme = g_new0 (KsPlotTheme, 1);

  theme->kind = kind;
  set_common_lengths (theme);
  switch (kind)
    {
    case KS_PLOT_THEME_SCREEN_DARK:
      theme->font_family = g_strdup (SCREEN_FONT_FAMILY);
      theme->font_size = 9.0;
      theme->background = rgb_hex (0x1e1e1e);
      theme->text = rgb_hex (0xffffff);
      theme->axis = rgb_hex (0xc0c0c0);
      theme->grid = rgb_hex (0x3a3a3a);
      theme->missing = rgb_hex (0x5e5c64);
      break;

    case KS_PLOT_THEME_SCREEN_LIGHT:
      theme->font_family = g_strdup (SCREEN_FONT_FAMILY);
      theme->font_size = 9.0;
      theme->background = rgb_hex (0xffffff);
      theme->text = rgba (0, 0, 0, 0.8);
      theme->axis = rgb_hex (0x3d3846);
      theme->grid = rgb_hex (0xe6e6e6);
      theme->missing = rgb_hex (0x9a9996);
      break;

    case KS_PLOT_THEME_PAPER:
    default:
      theme->kind = KS_PLOT_THEME_PAPER;
      theme->font_family = g_strdup (PAPER_FONT_FAMILY);
      theme->font_size = 8.0;
      theme->background = rgb_hex (0xffffff);
      theme->text = rgb_hex (0x000000);
      theme->axis = rgb_hex (0x262626);
      theme->grid = rgb_hex (0xe3e3e3);
      theme->missing = rgb_hex (0x9a9a9a);
      break;
    }
  theme->separator = rgba (1, 1, 1, 0.9);
  theme->separator_diverging = rgba (0.15, 0.15, 0.15, 0.9);
  set_palette (theme);
  return theme;
}

KsPlotTheme *
ks_plot_theme_copy (const KsPlotTheme *theme)
{
  KsPlotTheme *copy;

  g_return_val_if_fail (theme != NULL, NULL);

  copy = g_memdup2 (theme, sizeof *theme);
  copy->font_family = g_strdup (theme->font_family);
  return copy;
}

void
ks_plot_theme_free (KsPlotTheme *theme)
{
  if (theme == NULL)
    return;
  g_free (theme->font_family);
  g_free (theme);
}

static const char * const kind_names[] = {
  [KS_PLOT_THEME_PAPER] = "paper",
  [KS_PLOT_THEME_SCREEN_LIGHT] = "screen-light",
  [KS_PLOT_THEME_SCREEN_DARK] = "screen-dark",
};

const char *
ks_plot_theme_kind_to_string (KsPlotThemeKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (kind_names))
    return "paper";
  return kind_names[kind];
}

gboolean
ks_plot_theme_kind_from_string (const char       *name,
                                KsPlotThemeKind  *kind,
                                GError          **error)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (name != NULL && g_ascii_strcasecmp (name, "screen") == 0)
    {
      *kind = KS_PLOT_THEME_SCREEN_LIGHT;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (name != NULL && g_ascii_strcasecmp (name, kind_names[i]) == 0)
      {
        *kind = (KsPlotThemeKind) i;
        return TRUE;
      }
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
               "Unknown theme “%s”; known themes: paper, screen, screen-light, screen-dark",
               name != NULL ? name : "");
  return FALSE;
}

void
ks_plot_theme_set_font (KsPlotTheme *theme,
                        const char  *family,
                        double       size_pt)
{
  g_return_if_fail (theme != NULL);

  if (family != NULL && *family != '\0')
    {
      g_free (theme->font_family);
      theme->font_family = g_strdup (family);
    }
  if (size_pt > 0.0 && size_pt < 1000.0)
    theme->font_size = size_pt;
}

PangoFontDescription *
ks_plot_theme_font (const KsPlotTheme *theme,
                    KsTextRole         role)
{
  PangoFontDescription *font = pango_font_description_new ();
  double scale = 1.0;
  PangoWeight weight = PANGO_WEIGHT_NORMAL;

  switch (role)
    {
    case KS_TEXT_ROLE_TICK:
      scale = 0.875;
      break;
    case KS_TEXT_ROLE_TITLE:
      scale = 1.125;
      break;
    case KS_TEXT_ROLE_HEADING:
      weight = PANGO_WEIGHT_BOLD;
      break;
    case KS_TEXT_ROLE_PANEL_LETTER:
      scale = 1.125;
      weight = PANGO_WEIGHT_BOLD;
      break;
    case KS_TEXT_ROLE_NOTE:
      scale = 0.875;
      break;
    case KS_TEXT_ROLE_LABEL:
    default:
      break;
    }
  pango_font_description_set_family (font, theme->font_family);
  pango_font_description_set_weight (font, weight);
  /* Absolute size in user units: the drawing is in points whatever the surface. */
  pango_font_description_set_absolute_size (font, theme->font_size * scale * PANGO_SCALE);
  return font;
}

const KsColor *
ks_plot_theme_series_color (const KsPlotTheme *theme,
                            guint              index)
{
  return &theme->series[index % KS_PLOT_THEME_MAX_SERIES];
}

void
ks_color_set_source (cairo_t       *cr,
                     const KsColor *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

void
ks_color_set_source_alpha (cairo_t       *cr,
                           const KsColor *color,
                           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}
