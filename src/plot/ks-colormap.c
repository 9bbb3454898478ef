/* ks-colormap.c: colour maps from values in [0, 1] to colours
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-colormap.h"
#include "ks-colormap-private.h"

#include <math.h>

#include "ks-error.h"

G_STATIC_ASSERT (KS_COLORMAP_N_ENTRIES == KS_COLORMAP_TABLE_SIZE);

typedef struct
{
  const char   *name;
  const char   *description;
  const double (*table)[3];
  gboolean      diverging;
} ColormapInfo;

static const ColormapInfo colormaps[KS_N_COLORMAPS] = {
  [KS_COLORMAP_VIRIDIS] = { "viridis", "perceptually uniform, dark blue to yellow",
                            ks_colormap_table_viridis, FALSE },
  [KS_COLORMAP_MAGMA] = { "magma", "perceptually uniform, black to light yellow",
                          ks_colormap_table_magma, FALSE },
  [KS_COLORMAP_CIVIDIS] = { "cividis",
                            "perceptually uniform, readable with colour-vision deficiency",
                            ks_colormap_table_cividis, FALSE },
  [KS_COLORMAP_RDBU] = { "rdbu", "diverging blue-white-red, centred on 0, for signed data",
                         ks_colormap_table_rdbu, TRUE },
};

static const ColormapInfo *
colormap_info (KsColormap colormap)
{
  if ((guint) colormap >= KS_N_COLORMAPS)
    {
      g_critical ("Unknown colour map %d", (int) colormap);
      return &colormaps[KS_COLORMAP_VIRIDIS];
    }
  return &colormaps[colormap];
}

const char *
ks_colormap_to_string (KsColormap colormap)
{
  return colormap_info (colormap)->name;
}

const char *
ks_colormap_describe (KsColormap colormap)
{
  return colormap_info (colormap)->description;
}

gboolean
ks_colormap_is_diverging (KsColormap colormap)
{
  return colormap_info (colormap)->diverging;
}

gboolean
ks_colormap_from_string (const char  *name,
                         KsColormap  *colormap,
                         GError     **error)
{
  g_autoptr(GString) known = g_string_new (NULL);

  g_return_val_if_fail (colormap != NULL, FALSE);

  if (name != NULL && g_ascii_strcasecmp (name, "diverging") == 0)
    {
      *colormap = KS_COLORMAP_RDBU;
      return TRUE;
    }
  for (guint i = 0; i < KS_N_COLORMAPS; i++)
    {
      if (name != NULL && g_ascii_strcasecmp (name, colormaps[i].name) == 0)
        {
          *colormap = (KsColormap) i;
          return TRUE;
        }
      g_string_append_printf (known, "%s%s", i > 0 ? ", " : "", colormaps[i].name);
    }
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
               "Unknown colour map “%s”; known colour maps: %s (or “diverging”)",
               name != NULL ? name : "", known->str);
  return FALSE;
}

static double
clamp_unit (double t)
{
  return t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
}

void
ks_colormap_map (KsColormap colormap,
                 double     t,
                 double     rgb[3])
{
  const double (*table)[3] = colormap_info (colormap)->table;
  double position;
  guint below;
  double fraction;

  if (isnan (t))
    {
      rgb[0] = rgb[1] = rgb[2] = 0.5;
      return;
    }
  position = clamp_unit (t) * (KS_COLORMAP_TABLE_SIZE - 1);
  below = MIN ((guint) position, KS_COLORMAP_TABLE_SIZE - 2);
  fraction = position - below;
  for (guint c = 0; c < 3; c++)
    rgb[c] = table[below][c] + fraction * (table[below + 1][c] - table[below][c]);
}

guint
ks_colormap_index (double t)
{
  if (isnan (t))
    return 0;
  return (guint) lround (clamp_unit (t) * (KS_COLORMAP_TABLE_SIZE - 1));
}

const double (*ks_colormap_table (KsColormap colormap))[3]
{
  return colormap_info (colormap)->table;
}

static guint8
to_byte (double component)
{
  return (guint8) lround (clamp_unit (component) * 255.0);
}

const guint32 *
ks_colormap_argb_table (KsColormap colormap)
{
  static guint32 argb[KS_N_COLORMAPS][KS_COLORMAP_TABLE_SIZE];
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      for (guint m = 0; m < KS_N_COLORMAPS; m++)
        for (guint i = 0; i < KS_COLORMAP_TABLE_SIZE; i++)
          {
            const double *rgb = colormaps[m].table[i];

            argb[m][i] = 0xff000000u | (guint32) to_byte (rgb[0]) << 16 |
                         (guint32) to_byte (rgb[1]) << 8 | to_byte (rgb[2]);
          }
      g_once_init_leave (&initialised, 1);
    }
  return argb[colormap_info (colormap) - colormaps];
}
