/* ks-plot-theme.h: fonts, line widths and colours of a figure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>
#include <pango/pango.h>

G_BEGIN_DECLS

typedef struct
{
  double red;
  double green;
  double blue;
  double alpha;
} KsColor;

typedef enum
{
  KS_PLOT_THEME_PAPER,         /* white background, black text: for print */
  KS_PLOT_THEME_SCREEN_LIGHT,  /* the window with the light desktop style */
  KS_PLOT_THEME_SCREEN_DARK,   /* the window with the dark desktop style */
} KsPlotThemeKind;

/* What a piece of text is; the theme gives each role its size and weight. */
typedef enum
{
  KS_TEXT_ROLE_TICK,          /* tick labels, class labels, legend entries */
  KS_TEXT_ROLE_LABEL,         /* axis titles, colour bar labels */
  KS_TEXT_ROLE_TITLE,         /* a panel's title */
  KS_TEXT_ROLE_HEADING,       /* row and column headings of a figure grid */
  KS_TEXT_ROLE_PANEL_LETTER,  /* (a), (b), ... */
  KS_TEXT_ROLE_NOTE,          /* "no data" and similar */
} KsTextRole;

#define KS_PLOT_THEME_MAX_SERIES 8

/* All lengths in points. Fields may be changed after ks_plot_theme_new (). */
typedef struct
{
  KsPlotThemeKind kind;
  char   *font_family;         /* a Pango family list, e.g. "Cantarell, DejaVu Sans" */
  double  font_size;           /* of axis titles and headings; ticks are a little smaller */

  double  axis_line_width;
  double  grid_line_width;
  double  series_line_width;
  double  separator_line_width;
  double  tick_length;
  double  marker_size;         /* diameter of a circle marker */
  double  padding;             /* between a label and what it labels */
  double  panel_gap;           /* between neighbouring panels of a figure grid */
  double  margin;              /* around a whole figure */
  double  band_alpha;          /* opacity of standard-error bands */

  KsColor background;
  KsColor text;
  KsColor axis;
  KsColor grid;
  KsColor separator;           /* class separators on sequential colour maps */
  KsColor separator_diverging; /* ... and on diverging maps, whose centre is white */
  KsColor missing;             /* heatmap cells that hold NaN */
  KsColor series[KS_PLOT_THEME_MAX_SERIES];
} KsPlotTheme;

#define KS_TYPE_PLOT_THEME (ks_plot_theme_get_type ())

GType         ks_plot_theme_get_type           (void) G_GNUC_CONST;
KsPlotTheme  *ks_plot_theme_new                (KsPlotThemeKind    kind);
KsPlotTheme  *ks_plot_theme_copy               (const KsPlotTheme *theme);
void          ks_plot_theme_free               (KsPlotTheme       *theme);

/* "paper", "screen" (the light variant), "screen-light", "screen-dark"; the error
 * (KS_ERROR_PARSE) lists them. */
gboolean      ks_plot_theme_kind_from_string   (const char        *name,
                                                KsPlotThemeKind   *kind,
                                                GError           **error);
const char   *ks_plot_theme_kind_to_string     (KsPlotThemeKind    kind);

void          ks_plot_theme_set_font           (KsPlotTheme       *theme,
                                                const char        *family,
                                                double             size_pt);
/* A new font description for the role (family, size in points, weight). */
PangoFontDescription *
              ks_plot_theme_font               (const KsPlotTheme *theme,
                                                KsTextRole         role);
/* The colour of series i; the palette (Okabe and Ito's, safe for colour-vision
 * deficiency) repeats after KS_PLOT_THEME_MAX_SERIES. */
const KsColor *ks_plot_theme_series_color      (const KsPlotTheme *theme,
                                                guint              index);

void          ks_color_set_source              (cairo_t           *cr,
                                                const KsColor     *color);
void          ks_color_set_source_alpha        (cairo_t           *cr,
                                                const KsColor     *color,
                                                double             alpha);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsPlotTheme, ks_plot_theme_free)

G_END_DECLS
