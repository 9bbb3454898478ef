/* ks-error.h: the error domain of libks-core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KS_ERROR (ks_error_quark ())

typedef enum
{
  KS_ERROR_PARSE,        /* a stack spec or option value could not be read */
  KS_ERROR_INVALID,      /* a value is out of its allowed range */
  KS_ERROR_DATA,         /* a data file is malformed */
  KS_ERROR_NON_FINITE,   /* a NaN or infinity appeared in a computation */
  KS_ERROR_NOT_POSITIVE_DEFINITE,
  KS_ERROR_TOO_LARGE,    /* a size that would not fit in memory */
  KS_ERROR_UNSUPPORTED,  /* the request does not apply to this stack */
} KsError;

GQuark ks_error_quark (void);

G_END_DECLS
