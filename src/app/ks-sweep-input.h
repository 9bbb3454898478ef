/* ks-sweep-input.h: what the Evidence and Predictions sweeps start from: the document's
 * network with its readout, its data set, how many points and the seed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ks-document.h"
#include "ks-sweep-runner.h"

G_BEGIN_DECLS

typedef struct
{
  KsStack   *stack;     /* with its readout */
  KsDataset *data;
  guint      n_points;
  guint64    seed;
} KsSweepInput;

/* On the main thread: NULL while the document has no experiment yet. At most
 * max_points of the document's points are used. */
KsSweepInput *ks_sweep_input_new             (KsDocument          *document,
                                              guint                max_points);
void          ks_sweep_input_free            (gpointer             input);
/* The sweep's key: `described` (the stack as far as it matters to the sweep), the data
 * and the sampling. */
char         *ks_sweep_input_key             (const KsSweepInput  *input,
                                              KsDocument          *document,
                                              const KsStack       *described);

/* In the worker: the subsample, standardized, with its input and output matrices.
 * `subject` starts the error when the data set has no outputs, e.g. "Predictions need". */
KsDataset    *ks_sweep_input_load            (const KsSweepInput  *input,
                                              const char          *subject,
                                              gsl_matrix         **inputs,
                                              gsl_matrix         **outputs,
                                              GError             **error);

/* A progress callback of the core sweeps that forwards to the KsSweepProgress in
 * user_data. */
void          ks_sweep_input_report_progress (double               fraction,
                                              gpointer             user_data);

G_END_DECLS
