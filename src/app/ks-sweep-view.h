/* ks-sweep-view.h: a tab whose figure needs a computation of its own (Spread, Evidence,
 * Predictions)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-document.h"
#include "ks-figure-area.h"
#include "ks-sweep-runner.h"

G_BEGIN_DECLS

#define KS_TYPE_SWEEP_VIEW (ks_sweep_view_get_type ())

G_DECLARE_DERIVABLE_TYPE (KsSweepView, ks_sweep_view, KS, SWEEP_VIEW, GtkWidget)

/* The computation is started when the document's settings change and the tab is on
 * screen (or when it comes on screen after a change), in a worker of the view's
 * KsSweepRunner: a newer change cancels it. The output of the newest request is the
 * figure's source; until it arrives the previous figure stays, with a progress bar. */
struct _KsSweepViewClass
{
  GtkWidgetClass parent_class;

  /* On the main thread, without computing: the input of the sweep for the document's
   * settings and a key (equal keys, equal outputs: no new computation). NULL without an
   * error while there is nothing to compute from yet (no data set); NULL with an error
   * when the settings do not allow the sweep (shown in the tab). */
  gpointer     (*make_input)  (KsSweepView  *self,
                               KsDocument   *document,
                               char        **key,
                               GError      **error);
  KsSweepFunc    run;
  GDestroyNotify free_input;
  /* The output is the figure's source. */
  GBoxedCopyFunc ref_output;
  GDestroyNotify free_output;
  const KsFigureFuncs *figure_funcs;
  /* The status page while the first figure is computed, and the line under the figure
   * when the pointer is on nothing. */
  const char    *computing_title;
  const char    *computing_description;
  const char    *hint;
};

void          ks_sweep_view_set_document   (KsSweepView *self,
                                            KsDocument  *document);
KsDocument   *ks_sweep_view_get_document   (KsSweepView *self);
KsFigureArea *ks_sweep_view_get_area       (KsSweepView *self);
KsSweepRunner *ks_sweep_view_get_runner    (KsSweepView *self);
/* The key of the figure's source, or NULL. */
const char   *ks_sweep_view_get_shown_key  (KsSweepView *self);
/* "figure", "computing", "failed" or "waiting". */
const char   *ks_sweep_view_get_page       (KsSweepView *self);
/* The line under the figure. */
const char   *ks_sweep_view_get_status     (KsSweepView *self);

G_END_DECLS
