/* ks-view-style.h: how the tabs' figures look on screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-document.h"
#include "ks-figure-common.h"

G_BEGIN_DECLS

/* The figure style of the window's tabs: the document's colour map, no title (the tab
 * and the line above the figure say what it shows; exports get their title back) and no
 * panel letters. */
void         ks_view_style_init          (KsFigureStyle *style,
                                          KsDocument    *document);

G_END_DECLS
