/* ks-figure-area.h: a widget showing one of libks-plot's figures, drawn off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ks-export.h"
#include "ks-figure-common.h"

G_BEGIN_DECLS

/* What the area needs to know about one kind of figure. build runs in a worker thread;
 * the figure it returns is then used by one thread at a time (the worker drawing it, or
 * the main thread answering the pointer), as libks-plot requires. Sizes are in points. */
typedef struct
{
  gpointer (*build)            (gpointer             source,
                                const KsFigureStyle *style,
                                const KsPlotTheme   *theme,
                                GError             **error);
  void     (*free)             (gpointer             figure);
  double   (*preferred_height) (gpointer             figure,
                                double               width);
  void     (*draw)             (gpointer             figure,
                                cairo_t             *cr,
                                double               width,
                                double               height);
  gboolean (*hit)              (gpointer             figure,
                                double               width,
                                double               height,
                                double               x,
                                double               y,
                                KsFigureHit         *hit);
} KsFigureFuncs;

typedef enum
{
  KS_FIGURE_AREA_EMPTY,      /* no source */
  KS_FIGURE_AREA_DRAWING,    /* a source, but nothing drawn of it yet */
  KS_FIGURE_AREA_READY,      /* a drawing of the source (perhaps of an older size) */
  KS_FIGURE_AREA_FAILED,     /* the figure could not be built: see "error" */
} KsFigureAreaState;

/* Signals: "clicked" (a KsFigureHit * of a click on a panel) and "drawn" (a drawing has
 * just been put on screen: of the current source, or of one that a newer source replaced
 * while it was drawn, the newer one being drawn next). */
#define KS_TYPE_FIGURE_AREA (ks_figure_area_get_type ())

G_DECLARE_FINAL_TYPE (KsFigureArea, ks_figure_area, KS, FIGURE_AREA, GtkWidget)

/* The figure is built and drawn into an image in a worker thread whenever the source,
 * the style, the light or dark style of the desktop or the size change, one drawing at a
 * time (changes meanwhile coalesce into one more); frames only paint that image, so a
 * frame costs the same for a 2000 x 2000 kernel as for a line plot. The figure is drawn
 * at the area's width and at the smaller of its height and the figure's preferred
 * height for that width, centred. */
GtkWidget   *ks_figure_area_new              (const KsFigureFuncs *funcs);
/* funcs must outlive the area (a static table); a template's area gets them here. */
void         ks_figure_area_set_funcs        (KsFigureArea        *self,
                                              const KsFigureFuncs *funcs);
/* Takes over source (NULL for none), released with destroy once neither the area nor a
 * worker drawing it needs it any more. */
void         ks_figure_area_set_source       (KsFigureArea        *self,
                                              gpointer             source,
                                              GDestroyNotify       destroy);
gpointer     ks_figure_area_get_source       (KsFigureArea        *self);
/* Gives up the drawing under way, if its figure is still being built: for a source that
 * makes the one being drawn worthless (new settings, not a refinement of the same ones),
 * so that the new one comes on screen sooner. What is on screen stays until then. */
void         ks_figure_area_drop_drawing     (KsFigureArea        *self);
/* Copied, layers included; the title and footnote pointers must stay valid as long as
 * the area uses the style (string literals or NULL). */
void         ks_figure_area_set_style        (KsFigureArea        *self,
                                              const KsFigureStyle *style);
const KsFigureStyle *
             ks_figure_area_get_style        (KsFigureArea        *self);
/* The area's smallest size, in pixels: below it the area scrolls (in a scrolled window). */
void         ks_figure_area_set_min_size     (KsFigureArea        *self,
                                              int                  width,
                                              int                  height);
/* The widest the figure is drawn (0: the area's width); wider areas centre it. */
void         ks_figure_area_set_max_width    (KsFigureArea        *self,
                                              int                  width);

KsFigureAreaState ks_figure_area_get_state   (KsFigureArea        *self);
/* Why the figure could not be built, in the state KS_FIGURE_AREA_FAILED. */
const char  *ks_figure_area_get_error        (KsFigureArea        *self);
/* What lies under the pointer ("" when nothing). */
const char  *ks_figure_area_get_readout      (KsFigureArea        *self);
/* Whether what is on screen is the current source and style at the current size, with no
 * drawing under way. */
gboolean     ks_figure_area_is_current       (KsFigureArea        *self);
/* The image on screen, or NULL. */
GdkTexture  *ks_figure_area_get_texture      (KsFigureArea        *self);
/* The source the image on screen was drawn from, or NULL. */
gpointer     ks_figure_area_get_drawn_source (KsFigureArea        *self);

/* What lies under (x, y) of the area (pixels), as the figure on screen answers; FALSE
 * outside it. Waits for a drawing under way, so not for pointer motion. */
gboolean     ks_figure_area_hit              (KsFigureArea        *self,
                                              double               x,
                                              double               y,
                                              KsFigureHit         *hit);
/* What pointer motion to (x, y) does: the read-out and the marked cell follow it (unless
 * a drawing is under way, which the pointer does not wait for). */
void         ks_figure_area_hover            (KsFigureArea        *self,
                                              double               x,
                                              double               y);
/* Where a figure shorter than the area sits: 0 at the top, 0.5 (the default) centred. */
void         ks_figure_area_set_yalign       (KsFigureArea        *self,
                                              float                yalign);
/* The cursor over a panel of the figure (e.g. "zoom-in" where a click enlarges it), or
 * NULL for the default. */
void         ks_figure_area_set_panel_cursor (KsFigureArea        *self,
                                              const char          *cursor_name);

typedef void (*KsFigureAreaFunc) (gpointer figure,
                                  double   width_pt,
                                  double   height_pt,
                                  gpointer user_data);
/* Calls func with the figure on screen and its size in points, on the main thread, while
 * no worker uses the figure. FALSE (func not called) when nothing is on screen. */
gboolean     ks_figure_area_with_figure      (KsFigureArea        *self,
                                              KsFigureAreaFunc     func,
                                              gpointer             user_data);
/* A point of the figure on screen (points) in the area's coordinates (pixels). */
void         ks_figure_area_figure_to_widget (KsFigureArea        *self,
                                              double               figure_x,
                                              double               figure_y,
                                              double              *x,
                                              double              *y);

/* Builds the figure anew for print (the paper theme, the figure's own title) and writes
 * it with ks_export () in a worker thread. A height of 0 takes the figure's preferred
 * height for the width. */
void         ks_figure_area_export_async     (KsFigureArea        *self,
                                              GFile               *file,
                                              const KsExportOptions *options,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     ks_figure_area_export_finish    (KsFigureArea        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
