/* ks-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-error.h"

G_DEFINE_QUARK (ks-error-quark, ks_error)
