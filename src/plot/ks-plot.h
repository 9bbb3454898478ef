/* ks-plot.h: libks-plot, every drawing routine of Kernelscope's figures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-colorbar.h"
#include "ks-colormap.h"
#include "ks-export.h"
#include "ks-figure-cka-depth.h"
#include "ks-figure-cka-matrix.h"
#include "ks-figure-common.h"
#include "ks-figure-evidence.h"
#include "ks-figure-grid.h"
#include "ks-figure-kernels.h"
#include "ks-figure-predict.h"
#include "ks-figure-spread.h"
#include "ks-heatmap.h"
#include "ks-line-plot.h"
#include "ks-plot-theme.h"
#include "ks-plot-types.h"
#include "ks-svg-text.h"
#include "ks-text.h"
#include "ks-ticks.h"
