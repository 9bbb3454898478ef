/* ks-colormap.h: colour maps from values in [0, 1] to colours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* viridis, magma and cividis are perceptually uniform and monotone in lightness, for
 * unsigned data; rdbu is diverging (blue, white, red) for signed data centred on 0. */
typedef enum
{
  KS_COLORMAP_VIRIDIS,
  KS_COLORMAP_MAGMA,
  KS_COLORMAP_CIVIDIS,
  KS_COLORMAP_RDBU,
  KS_N_COLORMAPS,
} KsColormap;

#define KS_COLORMAP_N_ENTRIES 256

const char  *ks_colormap_to_string     (KsColormap   colormap);
/* One line for --help and menus, e.g. "perceptually uniform, dark blue to yellow". */
const char  *ks_colormap_describe      (KsColormap   colormap);
/* Case-insensitive; "diverging" is another name for rdbu. The error (KS_ERROR_PARSE)
 * lists the known names. */
gboolean     ks_colormap_from_string   (const char  *name,
                                        KsColormap  *colormap,
                                        GError     **error);
gboolean     ks_colormap_is_diverging  (KsColormap   colormap);

/* The colour at t in [0, 1] (clamped), interpolated linearly between table entries;
 * components in [0, 1]. NaN gives mid grey. */
void         ks_colormap_map           (KsColormap   colormap,
                                        double       t,
                                        double       rgb[3]);
/* The table entry used for t when building images: round (t * 255) after clamping. */
guint        ks_colormap_index         (double       t);
/* The published table: KS_COLORMAP_N_ENTRIES rows of r, g, b in [0, 1]. */
const double (*ks_colormap_table       (KsColormap   colormap))[3];
/* The same table as opaque cairo ARGB32 pixels (0xffRRGGBB), for filling image surfaces. */
const guint32 *ks_colormap_argb_table  (KsColormap   colormap);

G_END_DECLS
