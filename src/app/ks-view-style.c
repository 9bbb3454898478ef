/* ks-view-style.c: how the tabs' figures look on screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-view-style.h"

void
ks_view_style_init (KsFigureStyle *style,
                    KsDocument    *document)
{
  KsColormap colormap = KS_COLORMAP_VIRIDIS;

  ks_figure_style_init (style);
  /* The document only ever holds the names its own setter accepted. */
  if (document != NULL)
    ks_colormap_from_string (ks_document_get_colormap (document), &colormap, NULL);
  style->colormap = colormap;
  style->title = "";
  /* Letters serve a caption in a paper; on screen the panels have their titles. */
  style->panel_letters = FALSE;
}
