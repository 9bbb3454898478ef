/* ks-ticks.h: well-chosen tick values for linear and logarithmic axes, and their labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  KS_SCALE_LINEAR,
  KS_SCALE_LOG,
} KsScale;

#define KS_TICKS_MAX 32
#define KS_TICKS_DEFAULT_COUNT 8

typedef struct
{
  KsScale scale;
  guint   n;                    /* labelled ticks, ascending, inside [lo, hi] */
  double  values[KS_TICKS_MAX];
  guint   n_minor;              /* unlabelled ticks between them (log axes) */
  double  minor[KS_TICKS_MAX];
  /* How the labels are written, shared by all ticks of the axis so they read alike. */
  double  step;                 /* linear: the spacing, 1, 2 or 5 times a power of ten */
  gboolean scientific;          /* labels as m×10ⁿ (or 10ⁿ on log axes) */
  int     decimals;             /* digits after the point in plain labels */
} KsTicks;

/* Ticks at multiples of a 1-2-5 step inside [lo, hi], at most max_ticks of them and at
 * least 3 when the range allows (a degenerate range gives the single value lo). */
void      ks_ticks_linear       (double   lo,
                                 double   hi,
                                 guint    max_ticks,
                                 KsTicks *ticks);
/* Ticks for a logarithmic axis over [lo, hi] (both > 0): decades, every k-th decade when
 * there are too many, and 2 and 5 times each decade when the range spans two decades or
 * less. Ranges within one decade fall back to nice linear values. */
void      ks_ticks_log          (double   lo,
                                 double   hi,
                                 guint    max_ticks,
                                 KsTicks *ticks);
/* The label of tick i: "0.25", "−3", "10⁻⁵", "2×10⁴" (Unicode minus and superscripts). */
char     *ks_ticks_label        (const KsTicks *ticks,
                                 guint          i);

/* A value with the given significant digits, shortest form, same typography as tick
 * labels: 0.412, −1.5, 3×10⁻⁶. For read-outs and reference-line labels. */
char     *ks_format_number      (double value,
                                 int    significant);

G_END_DECLS
