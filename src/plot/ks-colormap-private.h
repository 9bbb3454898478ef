/* ks-colormap-private.h: the generated colour tables behind ks-colormap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#define KS_COLORMAP_TABLE_SIZE 256

extern const double ks_colormap_table_viridis[KS_COLORMAP_TABLE_SIZE][3];
extern const double ks_colormap_table_magma[KS_COLORMAP_TABLE_SIZE][3];
extern const double ks_colormap_table_cividis[KS_COLORMAP_TABLE_SIZE][3];
extern const double ks_colormap_table_rdbu[KS_COLORMAP_TABLE_SIZE][3];
