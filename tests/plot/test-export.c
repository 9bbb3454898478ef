/* test-export.c: SVG, PDF and PNG files from ks-export, and their failures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "ks-error.h"
#include "ks-export.h"
#include "ks-line-plot.h"
#include "ks-plot-types.h"
#include "ks-text.h"
#include "plot-test-util.h"

#define TITLE "Spread at width 64 & depth <3>"
#define CREATOR "/Creator (Kernelscope " KS_VERSION ")"

typedef struct
{
  char *folder;   /* a fresh temporary folder per test */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp ("ks-plot-export-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->folder, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->folder);
  g_free (fixture->folder);
}

/* The names in folder (hidden ones too), sorted and joined by spaces. */
static char *
folder_listing (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* A titled line plot with axis titles, drawn on a white background. */
static void
draw_figure (cairo_t  *cr,
             double    width,
             double    height,
             gpointer  user_data)
{
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);
  g_autoptr(KsLinePlot) plot = ks_line_plot_new ();
  const double x[5] = { 2, 8, 32, 128, 512 };
  const double y[5] = { 1.2, 0.6, 0.4, 0.32, 0.3 };
  const double e[5] = { 0.1, 0.05, 0.03, 0.02, 0.01 };
  KsRect rect = ks_rect_make (4, 4, width - 8, height - 8);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  ks_line_plot_set_title (plot, TITLE);
  ks_line_plot_set_axis (plot, KS_AXIS_X, "network width", KS_SCALE_LOG);
  ks_line_plot_set_axis (plot, KS_AXIS_Y, "kernel variance", KS_SCALE_LINEAR);
  ks_line_plot_add_series (plot, "depth 2", x, y, e, 5);
  ks_line_plot_add_reference (plot, 0.3, "infinite width", -1);
  ks_line_plot_draw (plot, cr, &rect, theme);
}

/* Leaves cr in an error state, as a drawing bug would. */
static void
draw_broken (cairo_t  *cr,
             double    width,
             double    height,
             gpointer  user_data)
{
  draw_figure (cr, width, height, user_data);
  cairo_scale (cr, 0, 0);
}

static gboolean
export_to (const char            *path,
           const KsExportOptions *options,
           KsExportDrawFunc       draw,
           GError               **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return ks_export (file, options, draw, NULL, error);
}

/* ---- SVG ---- */

typedef struct
{
  gboolean in_text;
  gboolean in_title;
  GString *text;       /* the content of every <text>, one per line */
  GString *title;
  guint    n_text;
  guint    n_visible_text;
  guint    n_glyphs;
  gboolean root_is_svg;
  guint    depth;
} SvgScan;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  SvgScan *scan = user_data;

  if (scan->depth++ == 0)
    scan->root_is_svg = g_str_equal (element, "svg");
  if (g_str_equal (element, "text"))
    {
      scan->in_text = TRUE;
      scan->n_text++;
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "fill-opacity") && g_ascii_strtod (values[i], NULL) > 0.5)
          scan->n_visible_text++;
    }
  if (g_str_equal (element, "title"))
    scan->in_title = TRUE;
  if (g_str_equal (element, "symbol"))
    for (guint i = 0; names[i] != NULL; i++)
      if (g_str_equal (names[i], "id") && g_str_has_prefix (values[i], "glyph"))
        scan->n_glyphs++;
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  SvgScan *scan = user_data;

  scan->depth--;
  if (g_str_equal (element, "text"))
    {
      scan->in_text = FALSE;
      g_string_append_c (scan->text, '\n');
    }
  if (g_str_equal (element, "title"))
    scan->in_title = FALSE;
}

static void
svg_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              user_data,
          GError              **error)
{
  SvgScan *scan = user_data;

  if (scan->in_text)
    g_string_append_len (scan->text, text, length);
  if (scan->in_title)
    g_string_append_len (scan->title, text, length);
}

/* GMarkup lets character references to control characters through; XML 1.0 forbids
 * them (stricter parsers such as libxml2 and expat reject the document). */
static void
assert_no_control_references (const char *contents)
{
  for (const char *ref = strstr (contents, "&#"); ref != NULL; ref = strstr (ref + 2, "&#"))
    {
      gboolean hex = ref[2] == 'x';
      guint64 code = g_ascii_strtoull (ref + (hex ? 3 : 2), NULL, hex ? 16 : 10);

      g_assert_true (code >= 0x20 || code == 0x9 || code == 0xa || code == 0xd);
    }
}

/* Parses path as XML (GMarkup accepts only well-formed documents) and collects its text. */
static void
scan_svg (const char *path,
          SvgScan    *scan)
{
  static const GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  const char *body;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  /* GMarkup does not take the XML declaration; everything after it must parse. */
  g_assert_true (g_str_has_prefix (contents, "<?xml"));
  body = strstr (contents, "?>") + 2;
  assert_no_control_references (body);
  *scan = (SvgScan) { .text = g_string_new (NULL), .title = g_string_new (NULL) };
  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, scan, NULL);
  g_assert_true (g_markup_parse_context_parse (context, body, length - (body - contents), &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_true (scan->root_is_svg);
}

static void
svg_scan_clear (SvgScan *scan)
{
  g_string_free (scan->text, TRUE);
  g_string_free (scan->title, TRUE);
}

/* The default SVG is well-formed XML whose <text> elements hold the plot's title (with
 * its & and < intact), axis titles and tick labels, laid transparently over cairo's
 * glyph outlines; the document <title> is the export title. */
static void
test_svg_text (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, "figure.svg", NULL);
  g_autoptr(GError) error = NULL;
  KsExportOptions options;
  SvgScan scan;

  ks_export_options_init (&options, ks_mm_to_pt (120), ks_mm_to_pt (80));
  options.title = "Figure 3 & co";
  g_assert_true (export_to (path, &options, draw_figure, &error));
  g_assert_no_error (error);

  scan_svg (path, &scan);
  g_assert_nonnull (strstr (scan.text->str, TITLE "\n"));
  g_assert_nonnull (strstr (scan.text->str, "network width\n"));
  g_assert_nonnull (strstr (scan.text->str, "kernel variance\n"));
  g_assert_nonnull (strstr (scan.text->str, "100\n"));
  g_assert_cmpstr (scan.title->str, ==, "Figure 3 & co");
  g_assert_cmpuint (scan.n_glyphs, >, 0);
  g_assert_cmpuint (scan.n_text, >, 5);
  g_assert_cmpuint (scan.n_visible_text, ==, 0);
  svg_scan_clear (&scan);
}

/* In the editable mode the text is only <text>, visible, and cairo draws no glyphs. */
static void
test_svg_editable_text (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, "figure.svg", NULL);
  g_autoptr(GError) error = NULL;
  KsExportOptions options;
  SvgScan scan;

  ks_export_options_init (&options, 300, 200);
  options.svg_text = KS_SVG_TEXT_ELEMENTS;
  g_assert_true (export_to (path, &options, draw_figure, &error));
  g_assert_no_error (error);

  scan_svg (path, &scan);
  g_assert_nonnull (strstr (scan.text->str, TITLE "\n"));
  g_assert_cmpuint (scan.n_glyphs, ==, 0);
  g_assert_cmpuint (scan.n_visible_text, ==, scan.n_text);
  svg_scan_clear (&scan);
}

/* Text and a title with control characters and bytes that are not UTF-8 (as a file name
 * might give) still make a well-formed SVG that keeps the readable part of the text. */
static void
draw_odd_text (cairo_t  *cr,
               double    width,
               double    height,
               gpointer  user_data)
{
  g_autoptr(KsPlotTheme) theme = ks_plot_theme_new (KS_PLOT_THEME_PAPER);

  ks_text_draw (cr, theme, KS_TEXT_ROLE_LABEL, "bell\x07 and \xff\xfe bytes", NULL,
                10, 10, 0, 0, KS_TEXT_HORIZONTAL);
}

static void
test_svg_odd_text (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, "odd.svg", NULL);
  g_autoptr(GError) error = NULL;
  KsExportOptions options;
  SvgScan scan;

  ks_export_options_init (&options, 200, 50);
  options.title = "odd\x01 title";
  g_assert_true (export_to (path, &options, draw_odd_text, &error));
  g_assert_no_error (error);
  scan_svg (path, &scan);
  g_assert_nonnull (strstr (scan.text->str, "bell"));
  g_assert_nonnull (strstr (scan.text->str, " bytes\n"));
  g_assert_cmpstr (scan.title->str, ==, "odd  title");
  svg_scan_clear (&scan);
}

/* ---- PDF ---- */

/* Whether needle occurs in the binary data (which may hold NUL bytes). */
static gboolean
contains_bytes (const char *data,
                gsize       length,
                const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (data + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

/* The PDF starts with %PDF-, carries the title and "Kernelscope <version>" as creator in
 * its metadata, and pdftotext (poppler) finds the axis titles as text. */
static void
test_pdf (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, "figure.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autofree char *errors = NULL;
  const char *argv[] = { "pdftotext", path, "-", NULL };
  KsExportOptions options;
  gsize length;
  int status;

  ks_export_options_init (&options, ks_mm_to_pt (120), ks_mm_to_pt (80));
  options.title = "Spread figure";
  g_assert_true (export_to (path, &options, draw_figure, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_true (contains_bytes (contents, length, "/Title (Spread figure)"));
  g_assert_true (contains_bytes (contents, length, CREATOR));

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &text, &errors, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "network width"));
  g_assert_nonnull (strstr (text, "kernel variance"));
  g_assert_nonnull (strstr (text, "infinite width"));
}

/* ---- PNG ---- */

/* The value of the PNG's pHYs chunk (pixels per metre along x), or 0 without one. */
static guint32
png_pixels_per_metre (const guint8 *png,
                      gsize         length)
{
  for (gsize offset = 8; offset + 12 <= length;)
    {
      guint32 chunk = (guint32) png[offset] << 24 | png[offset + 1] << 16 |
                      png[offset + 2] << 8 | png[offset + 3];

      if (memcmp (png + offset + 4, "pHYs", 4) == 0 && offset + 17 <= length)
        return (guint32) png[offset + 8] << 24 | png[offset + 9] << 16 |
               png[offset + 10] << 8 | png[offset + 11];
      offset += 12 + chunk;
    }
  return 0;
}

/* 100 mm x 50 mm at 300 dpi is 1181.1 x 590.6 pixels, rounded to 1181 x 591; the file
 * records 300 dpi as 11811 pixels per metre, and cairo reads it back as a valid PNG. */
static void
test_png_size (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, "figure.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *contents = NULL;
  cairo_surface_t *image;
  KsExportOptions options;
  int width;
  int height;
  gsize length;

  ks_export_options_init (&options, ks_mm_to_pt (100), ks_mm_to_pt (50));
  options.dpi = 300;
  ks_export_png_size (&options, &width, &height);
  g_assert_cmpint (width, ==, 1181);
  g_assert_cmpint (height, ==, 591);
  g_assert_true (export_to (path, &options, draw_figure, &error));
  g_assert_no_error (error);

  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 1181);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 591);
  cairo_surface_destroy (image);

  g_assert_true (g_file_get_contents (path, (char **) &contents, &length, &error));
  g_assert_cmpuint (png_pixels_per_metre (contents, length), ==, 11811);
}

/* What you see is what you export: a PNG at 72 dpi holds exactly the pixels of the same
 * drawing function run on an image surface of the same size (as a window would). */
static void
test_png_matches_screen (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, "figure.png", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *screen = test_canvas_new (320, 210);
  cairo_surface_t *exported;
  cairo_t *cr = cairo_create (screen);
  KsExportOptions options;

  draw_figure (cr, 320, 210, NULL);
  cairo_destroy (cr);
  ks_export_options_init (&options, 320, 210);
  options.dpi = 72;
  g_assert_true (export_to (path, &options, draw_figure, &error));
  g_assert_no_error (error);
  exported = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (exported), ==, 320);
  g_assert_cmpint (cairo_image_surface_get_height (exported), ==, 210);
  for (int y = 0; y < 210; y++)
    for (int x = 0; x < 320; x++)
      {
        double a[3];
        double b[3];

        test_pixel (screen, x, y, a);
        test_pixel (exported, x, y, b);
        test_assert_colour (a, b, 0.0);
      }
  cairo_surface_destroy (screen);
  cairo_surface_destroy (exported);
}

/* The colour type of a PNG's IHDR chunk: 2 for RGB, 6 for RGB with alpha. */
static int
png_colour_type (const guint8 *png,
                 gsize         length)
{
  g_assert_cmpuint (length, >, 25);
  g_assert_cmpint (memcmp (png + 12, "IHDR", 4), ==, 0);
  return png[25];
}

/* A translucent disc on nothing. */
static void
draw_translucent (cairo_t  *cr,
                  double    width,
                  double    height,
                  gpointer  user_data)
{
  cairo_set_source_rgba (cr, 0.2, 0.4, 0.6, 0.5);
  cairo_arc (cr, width / 2, height / 2, MIN (width, height) / 3, 0, 2 * G_PI);
  cairo_fill (cr);
}

/* A figure on an opaque background is written as RGB, without an alpha channel that
 * would only say "opaque" at every pixel, and keeps its colours; a drawing that leaves
 * pixels transparent keeps its alpha. */
static void
test_png_rgb_when_opaque (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *opaque = g_build_filename (fixture->folder, "opaque.png", NULL);
  g_autofree char *clear = g_build_filename (fixture->folder, "clear.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *contents = NULL;
  g_autofree guint8 *clear_contents = NULL;
  cairo_surface_t *screen = test_canvas_new (160, 100);
  cairo_surface_t *exported;
  cairo_t *cr = cairo_create (screen);
  KsExportOptions options;
  gsize length;

  draw_figure (cr, 160, 100, NULL);
  cairo_destroy (cr);
  ks_export_options_init (&options, 160, 100);
  options.dpi = 72;
  g_assert_true (export_to (opaque, &options, draw_figure, &error));
  g_assert_true (export_to (clear, &options, draw_translucent, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (opaque, (char **) &contents, &length, &error));
  g_assert_cmpint (png_colour_type (contents, length), ==, 2);
  g_assert_true (g_file_get_contents (clear, (char **) &clear_contents, &length, &error));
  g_assert_cmpint (png_colour_type (clear_contents, length), ==, 6);

  exported = cairo_image_surface_create_from_png (opaque);
  for (int y = 0; y < 100; y += 3)
    for (int x = 0; x < 160; x += 3)
      {
        double a[3];
        double b[3];

        test_pixel (screen, x, y, a);
        test_pixel (exported, x, y, b);
        test_assert_colour (a, b, 0.0);
      }
  cairo_surface_destroy (exported);
  cairo_surface_destroy (screen);
}

/* ---- failures ---- */

/* A folder that does not exist: G_IO_ERROR_NOT_FOUND naming the file, and nothing is
 * created anywhere in the parent. */
static void
test_missing_folder (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, "no-such-folder", "figure.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  KsExportOptions options;

  ks_export_options_init (&options, 200, 100);
  g_assert_false (export_to (path, &options, draw_figure, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, path));
  listing = folder_listing (fixture->folder);
  g_assert_cmpstr (listing, ==, "");
}

/* A "folder" that is a regular file: G_IO_ERROR_NOT_DIRECTORY, and the folder still holds
 * only that file. */
static void
test_folder_is_a_file (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *file = g_build_filename (fixture->folder, "notes.txt", NULL);
  g_autofree char *path = g_build_filename (file, "figure.svg", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  KsExportOptions options;

  g_assert_true (g_file_set_contents (file, "notes", -1, NULL));
  ks_export_options_init (&options, 200, 100);
  g_assert_false (export_to (path, &options, draw_figure, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, path));
  listing = folder_listing (fixture->folder);
  g_assert_cmpstr (listing, ==, "notes.txt");
}

/* /dev/full (writes fail with "no space") is a device: it is refused before anything is
 * written, and stays a device, with no temporary left beside it. */
static void
test_dev_full (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dev = NULL;
  KsExportOptions options;
  GStatBuf status;
  const char *name;

  ks_export_options_init (&options, 200, 100);
  options.format = KS_EXPORT_FORMAT_PDF;
  g_assert_false (export_to ("/dev/full", &options, draw_figure, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_assert_nonnull (strstr (error->message, "/dev/full"));
  g_assert_cmpint (g_stat ("/dev/full", &status), ==, 0);
  g_assert_true (S_ISCHR (status.st_mode));
  dev = g_dir_open ("/dev", 0, NULL);
  while (dev != NULL && (name = g_dir_read_name (dev)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".full."));
}

/* A disk that fills up mid-write (a 4 KiB file size limit, which makes write () fail with
 * EFBIG): each format fails with an error naming the file, and the folder is left empty. */
static void
test_disk_full_subprocess (const char *folder)
{
  struct rlimit limit = { 4096, 4096 };
  const char *names[] = { "figure.pdf", "figure.svg", "figure.png" };
  g_autofree char *listing = NULL;

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (folder, names[i], NULL);
      g_autoptr(GError) error = NULL;
      KsExportOptions options;

      ks_export_options_init (&options, ks_mm_to_pt (180), ks_mm_to_pt (120));
      g_assert_false (export_to (path, &options, draw_figure, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
    }
  listing = folder_listing (folder);
  g_assert_cmpstr (listing, ==, "");
}

static void
test_disk_full (Fixture       *fixture,
                gconstpointer  data)
{
  /* The child runs this test with a fixture (and folder) of its own. */
  if (g_test_subprocess ())
    {
      test_disk_full_subprocess (fixture->folder);
      return;
    }
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A drawing that leaves cairo in an error state fails the export with cairo's reason, and
 * an existing file of that name keeps its old contents. */
static void
test_drawing_error_keeps_old_file (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, "figure.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *listing = NULL;
  KsExportOptions options;

  g_assert_true (g_file_set_contents (path, "old figure", -1, NULL));
  ks_export_options_init (&options, 200, 100);
  g_assert_false (export_to (path, &options, draw_broken, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, cairo_status_to_string (CAIRO_STATUS_INVALID_MATRIX)));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old figure");
  listing = folder_listing (fixture->folder);
  g_assert_cmpstr (listing, ==, "figure.pdf");
}

/* A successful export replaces an existing file whole, keeps its permissions and leaves
 * nothing else behind. */
static void
test_replaces_existing (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->folder, "figure.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *listing = NULL;
  KsExportOptions options;
  GStatBuf status;

  g_assert_true (g_file_set_contents (path, "old figure", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  ks_export_options_init (&options, 200, 100);
  g_assert_true (export_to (path, &options, draw_figure, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_cmpint (g_stat (path, &status), ==, 0);
  g_assert_cmpint (status.st_mode & 0777, ==, 0640);
  listing = folder_listing (fixture->folder);
  g_assert_cmpstr (listing, ==, "figure.pdf");
}

/* Formats come from the extension in any case; an unknown extension, a zero size and an
 * absurd PNG resolution are refused before any file is made. */
static void
test_bad_requests (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *jpeg = g_build_filename (fixture->folder, "figure.jpg", NULL);
  g_autofree char *png = g_build_filename (fixture->folder, "figure.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  KsExportFormat format;
  KsExportOptions options;

  g_assert_true (ks_export_format_from_path ("a/b.PDF", &format, NULL));
  g_assert_cmpint (format, ==, KS_EXPORT_FORMAT_PDF);
  g_assert_true (ks_export_format_from_path ("b.Svg", &format, NULL));
  g_assert_cmpint (format, ==, KS_EXPORT_FORMAT_SVG);
  g_assert_false (ks_export_format_from_path ("dir.png/figure", &format, NULL));

  ks_export_options_init (&options, 200, 100);
  g_assert_false (export_to (jpeg, &options, draw_figure, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, ".png"));
  g_clear_error (&error);

  ks_export_options_init (&options, 0, 100);
  g_assert_false (export_to (png, &options, draw_figure, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  ks_export_options_init (&options, 200, 100);
  options.dpi = 1e6;
  g_assert_false (export_to (png, &options, draw_figure, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_TOO_LARGE);

  listing = folder_listing (fixture->folder);
  g_assert_cmpstr (listing, ==, "");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/export/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("svg-text", test_svg_text);
  ADD ("svg-editable-text", test_svg_editable_text);
  ADD ("svg-odd-text", test_svg_odd_text);
  ADD ("pdf", test_pdf);
  ADD ("png-size", test_png_size);
  ADD ("png-matches-screen", test_png_matches_screen);
  ADD ("png-rgb-when-opaque", test_png_rgb_when_opaque);
  ADD ("missing-folder", test_missing_folder);
  ADD ("folder-is-a-file", test_folder_is_a_file);
  ADD ("dev-full", test_dev_full);
  ADD ("disk-full", test_disk_full);
  ADD ("drawing-error-keeps-old-file", test_drawing_error_keeps_old_file);
  ADD ("replaces-existing", test_replaces_existing);
  ADD ("bad-requests", test_bad_requests);
#undef ADD

  return g_test_run ();
}
