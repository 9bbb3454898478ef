/* ks-export.c: a figure written to SVG, PDF or PNG, atomically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-config.h"

#include "ks-export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>

#include "ks-atomic-file.h"
#include "ks-error.h"
#include "ks-plot-types.h"

/* A cairo_write_func_t writing to the KsAtomicFile passed as closure. */
static cairo_status_t
atomic_file_cairo_write (void                *closure,
                         const unsigned char *data,
                         unsigned int         length)
{
  return ks_atomic_file_write (closure, data, length) ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

/* PDF pages may be at most 200 inches a side; cairo's images 32767 pixels. */
#define MAX_PDF_PT (200.0 * KS_PT_PER_INCH)
#define MAX_PNG_PX 32767
/* 8-byte signature and the 25-byte IHDR chunk that libpng always writes first. */
#define PNG_HEADER_LENGTH 33

void
ks_export_options_init (KsExportOptions *options,
                        double           width_pt,
                        double           height_pt)
{
  g_return_if_fail (options != NULL);

  *options = (KsExportOptions) {
    .format = KS_EXPORT_FORMAT_AUTO,
    .width_pt = width_pt,
    .height_pt = height_pt,
    .dpi = KS_EXPORT_DEFAULT_DPI,
    .svg_text = KS_SVG_TEXT_OUTLINES_AND_TEXT,
  };
}

const char *
ks_export_format_to_string (KsExportFormat format)
{
  switch (format)
    {
    case KS_EXPORT_FORMAT_SVG:
      return "svg";
    case KS_EXPORT_FORMAT_PDF:
      return "pdf";
    case KS_EXPORT_FORMAT_PNG:
      return "png";
    case KS_EXPORT_FORMAT_AUTO:
    default:
      return "auto";
    }
}

gboolean
ks_export_format_from_path (const char      *path,
                            KsExportFormat  *format,
                            GError         **error)
{
  const char *dot = path != NULL ? strrchr (path, '.') : NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (format != NULL, FALSE);

  if (dot != NULL && strchr (dot, G_DIR_SEPARATOR) == NULL)
    for (KsExportFormat f = KS_EXPORT_FORMAT_SVG; f <= KS_EXPORT_FORMAT_PNG; f++)
      if (g_ascii_strcasecmp (dot + 1, ks_export_format_to_string (f)) == 0)
        {
          *format = f;
          return TRUE;
        }
  display = g_filename_display_name (path != NULL ? path : "");
  g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
               "Cannot tell the format of “%s” from its name: "
               "it should end in .pdf, .svg or .png", display);
  return FALSE;
}

void
ks_export_png_size (const KsExportOptions *options,
                    int                   *width_px,
                    int                   *height_px)
{
  double scale = options->dpi / KS_PT_PER_INCH;

  *width_px = (int) MIN (lround (options->width_pt * scale), G_MAXINT);
  *height_px = (int) MIN (lround (options->height_pt * scale), G_MAXINT);
}

static gboolean
check_options (const KsExportOptions *options,
               KsExportFormat         format,
               GError               **error)
{
  int width_px;
  int height_px;

  if (!(options->width_pt > 0 && options->height_pt > 0 &&
        isfinite (options->width_pt) && isfinite (options->height_pt)))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "A figure needs a positive width and height (got %g x %g pt)",
                   options->width_pt, options->height_pt);
      return FALSE;
    }
  if (format == KS_EXPORT_FORMAT_PDF &&
      (options->width_pt > MAX_PDF_PT || options->height_pt > MAX_PDF_PT))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "A PDF page can be at most 200 inches (5080 mm) a side; "
                   "the figure is %.0f x %.0f mm",
                   ks_pt_to_mm (options->width_pt), ks_pt_to_mm (options->height_pt));
      return FALSE;
    }
  if (format != KS_EXPORT_FORMAT_PNG)
    return TRUE;
  if (!(options->dpi > 0 && isfinite (options->dpi)))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The resolution must be a positive number of dots per inch (got %g)",
                   options->dpi);
      return FALSE;
    }
  ks_export_png_size (options, &width_px, &height_px);
  if (width_px < 1 || height_px < 1 || width_px > MAX_PNG_PX || height_px > MAX_PNG_PX)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "At %g dpi the figure would be %d x %d pixels; a PNG can have 1 to %d "
                   "pixels a side", options->dpi, width_px, height_px, MAX_PNG_PX);
      return FALSE;
    }
  return TRUE;
}

static gboolean
cairo_ok (cairo_status_t   status,
          const char      *display_name,
          GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, KS_ERROR, status == CAIRO_STATUS_NO_MEMORY ? KS_ERROR_TOO_LARGE
                                                                 : KS_ERROR_INVALID,
               "Cannot draw “%s”: %s", display_name, cairo_status_to_string (status));
  return FALSE;
}

/* Draws onto surface and finishes it (vector surfaces write their file then) or flushes
 * it (image surfaces are written afterwards); reports the first error of the drawing, the
 * file or the surface. */
static gboolean
draw_and_finish (cairo_surface_t       *surface,
                 double                 scale,
                 const KsExportOptions *options,
                 KsExportDrawFunc       draw,
                 gpointer               user_data,
                 KsAtomicFile          *file,
                 const char            *display_name,
                 GError               **error)
{
  cairo_status_t status = cairo_surface_status (surface);
  cairo_t *cr;

  if (status == CAIRO_STATUS_SUCCESS)
    {
      cr = cairo_create (surface);
      cairo_scale (cr, scale, scale);
      draw (cr, options->width_pt, options->height_pt, user_data);
      status = cairo_status (cr);
      cairo_destroy (cr);
      if (cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE)
        cairo_surface_flush (surface);
      else
        cairo_surface_finish (surface);
    }
  if (file != NULL && ks_atomic_file_get_error (file) != NULL)
    {
      g_propagate_error (error, g_error_copy (ks_atomic_file_get_error (file)));
      return FALSE;
    }
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  return cairo_ok (status, display_name, error);
}

static gboolean
export_pdf (KsAtomicFile          *file,
            const KsExportOptions *options,
            KsExportDrawFunc       draw,
            gpointer               user_data,
            const char            *display_name,
            GError               **error)
{
  /* cairo refuses metadata that is not UTF-8. */
  g_autofree char *creator = g_utf8_make_valid (options->creator != NULL ? options->creator
                                                : "Kernelscope " KS_VERSION, -1);
  g_autofree char *title = NULL;
  cairo_surface_t *surface;
  gboolean ok;

  surface = cairo_pdf_surface_create_for_stream (atomic_file_cairo_write, file,
                                                 options->width_pt, options->height_pt);
  if (options->title != NULL)
    {
      title = g_utf8_make_valid (options->title, -1);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
    }
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, creator);
  ok = draw_and_finish (surface, 1.0, options, draw, user_data, file, display_name, error);
  cairo_surface_destroy (surface);
  return ok;
}

static cairo_status_t
append_to_bytes (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* cairo writes the SVG into memory; the text layer is added before it reaches the file. */
static gboolean
export_svg (KsAtomicFile          *file,
            const KsExportOptions *options,
            KsExportDrawFunc       draw,
            gpointer               user_data,
            const char            *display_name,
            GError               **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(KsSvgTextLayer) layer = ks_svg_text_layer_new (options->svg_text);
  g_autoptr(GString) document = NULL;
  cairo_surface_t *surface;
  gboolean ok;

  surface = cairo_svg_surface_create_for_stream (append_to_bytes, bytes,
                                                 options->width_pt, options->height_pt);
  cairo_svg_surface_restrict_to_version (surface, CAIRO_SVG_VERSION_1_1);
  ks_svg_text_layer_attach (layer, surface);
  ok = draw_and_finish (surface, 1.0, options, draw, user_data, NULL, display_name, error);
  cairo_surface_destroy (surface);
  if (!ok)
    return FALSE;

  document = ks_svg_text_layer_apply (layer, (const char *) bytes->data, bytes->len,
                                      options->title);
  if (document == NULL)
    return cairo_ok (CAIRO_STATUS_WRITE_ERROR, display_name, error);
  if (!ks_atomic_file_write (file, document->str, document->len))
    {
      g_propagate_error (error, g_error_copy (ks_atomic_file_get_error (file)));
      return FALSE;
    }
  return TRUE;
}

/* ---- PNG with its resolution recorded (a pHYs chunk), so that documents place it at
 * the intended size ---- */

typedef struct
{
  KsAtomicFile *file;
  gsize         offset;
  guint8        phys[21];   /* length, type, data, CRC */
} PngWriter;

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         length)
{
  /* The CRC of the PNG specification (ISO 3309), bit by bit: a chunk is a few bytes. */
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (guint bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
    }
  return ~crc;
}

static void
put_be32 (guint8  *out,
          guint32  value)
{
  out[0] = value >> 24;
  out[1] = value >> 16;
  out[2] = value >> 8;
  out[3] = value;
}

static void
png_writer_init (PngWriter    *writer,
                 KsAtomicFile *file,
                 double        dpi)
{
  guint32 per_metre = (guint32) lround (dpi / 0.0254);

  writer->file = file;
  writer->offset = 0;
  put_be32 (writer->phys, 9);
  memcpy (writer->phys + 4, "pHYs", 4);
  put_be32 (writer->phys + 8, per_metre);
  put_be32 (writer->phys + 12, per_metre);
  writer->phys[16] = 1;   /* unit: metre */
  put_be32 (writer->phys + 17, crc32_update (0, writer->phys + 4, 13));
}

static cairo_status_t
png_writer_write (void                *closure,
                  const unsigned char *data,
                  unsigned int         length)
{
  PngWriter *writer = closure;
  gsize before = writer->offset;
  gsize head = 0;

  writer->offset += length;
  if (before < PNG_HEADER_LENGTH && writer->offset >= PNG_HEADER_LENGTH)
    {
      head = PNG_HEADER_LENGTH - before;
      if (!ks_atomic_file_write (writer->file, data, head) ||
          !ks_atomic_file_write (writer->file, writer->phys, sizeof writer->phys))
        return CAIRO_STATUS_WRITE_ERROR;
    }
  return atomic_file_cairo_write (writer->file, data + head, length - head);
}

static gboolean
is_opaque (cairo_surface_t *surface)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);

  cairo_surface_flush (surface);
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < width; x++)
        if ((row[x] >> 24) != 0xff)
          return FALSE;
    }
  return TRUE;
}

/* A figure on an opaque background (the paper and screen themes) has no use for an alpha
 * channel: the same pixels, seen as RGB24 (ARGB32 with the alpha byte ignored), make
 * cairo write an RGB PNG, a quarter smaller before compression. */
static cairo_surface_t *
png_surface (cairo_surface_t *drawn)
{
  if (!is_opaque (drawn))
    return cairo_surface_reference (drawn);
  return cairo_image_surface_create_for_data (cairo_image_surface_get_data (drawn),
                                              CAIRO_FORMAT_RGB24,
                                              cairo_image_surface_get_width (drawn),
                                              cairo_image_surface_get_height (drawn),
                                              cairo_image_surface_get_stride (drawn));
}

static gboolean
export_png (KsAtomicFile          *file,
            const KsExportOptions *options,
            KsExportDrawFunc       draw,
            gpointer               user_data,
            const char            *display_name,
            GError               **error)
{
  cairo_surface_t *surface;
  PngWriter writer;
  cairo_status_t status;
  int width_px;
  int height_px;
  gboolean ok;

  ks_export_png_size (options, &width_px, &height_px);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width_px, height_px);
  ok = draw_and_finish (surface, options->dpi / KS_PT_PER_INCH, options, draw, user_data,
                        NULL, display_name, error);
  if (ok)
    {
      cairo_surface_t *png = png_surface (surface);

      png_writer_init (&writer, file, options->dpi);
      status = cairo_surface_write_to_png_stream (png, png_writer_write, &writer);
      cairo_surface_destroy (png);
      if (ks_atomic_file_get_error (file) != NULL)
        {
          g_propagate_error (error, g_error_copy (ks_atomic_file_get_error (file)));
          ok = FALSE;
        }
      else
        ok = cairo_ok (status, display_name, error);
    }
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
ks_export (GFile                 *file,
           const KsExportOptions *options,
           KsExportDrawFunc       draw,
           gpointer               user_data,
           GError               **error)
{
  g_autoptr(KsAtomicFile) output = NULL;
  g_autofree char *display_name = NULL;
  KsExportFormat format;
  const char *path;
  gboolean ok = FALSE;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (options != NULL && draw != NULL, FALSE);

  display_name = g_file_get_parse_name (file);
  path = g_file_peek_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Cannot write “%s”: figures can only be saved to local files", display_name);
      return FALSE;
    }
  format = options->format;
  if (format == KS_EXPORT_FORMAT_AUTO && !ks_export_format_from_path (path, &format, error))
    return FALSE;
  if (!check_options (options, format, error))
    return FALSE;

  output = ks_atomic_file_open (path, error);
  if (output == NULL)
    return FALSE;
  switch (format)
    {
    case KS_EXPORT_FORMAT_PDF:
      ok = export_pdf (output, options, draw, user_data, display_name, error);
      break;
    case KS_EXPORT_FORMAT_SVG:
      ok = export_svg (output, options, draw, user_data, display_name, error);
      break;
    case KS_EXPORT_FORMAT_PNG:
      ok = export_png (output, options, draw, user_data, display_name, error);
      break;
    case KS_EXPORT_FORMAT_AUTO:
    default:
      g_assert_not_reached ();
    }
  return ok && ks_atomic_file_commit (output, error);
}
