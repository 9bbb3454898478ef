/* ks-dataset-idx.c: points from the IDX files of MNIST
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An IDX file is two zero bytes, a type byte, a dimension count byte, that many
 * big-endian 32-bit sizes, then the values, big-endian, row-major. The first dimension
 * counts the points; the others multiply to the features (28 x 28 images: 784).
 * The values are read in chunks as they arrive, so a header that promises more than the
 * file holds fails with a message instead of a huge allocation.
 */
#include "ks-dataset-private.h"

#include <math.h>
#include <string.h>

#include "ks-error.h"

#define CHUNK_BYTES 65536 /* a multiple of every element size */

typedef struct
{
  const char *display_name;
  GInputStream *stream;
  guint8 type;
  gsize element_size;
  guint n_dims;
  guint n_points;
  guint n_features;      /* 1 for a labels file */
} IdxFile;

static void
idx_file_clear (IdxFile *idx)
{
  g_clear_object (&idx->stream);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdxFile, idx_file_clear)

static gsize
element_size_of (guint8 type)
{
  switch (type)
    {
    case 0x08: /* unsigned byte */
    case 0x09: /* signed byte */
      return 1;
    case 0x0B: /* int16 */
      return 2;
    case 0x0C: /* int32 */
    case 0x0D: /* float32 */
      return 4;
    case 0x0E: /* float64 */
      return 8;
    default:
      return 0;
    }
}

static gboolean
is_integer_type (guint8 type)
{
  return type == 0x08 || type == 0x09 || type == 0x0B || type == 0x0C;
}

/* Reads exactly size bytes; a short read is an error naming what was expected. */
static gboolean
read_exactly (IdxFile      *idx,
              void         *buffer,
              gsize         size,
              gsize        *got,
              GCancellable *cancellable,
              GError      **error)
{
  g_autoptr(GError) read_error = NULL;

  if (!g_input_stream_read_all (idx->stream, buffer, size, got, cancellable, &read_error))
    {
      ks_dataset_propagate_read_error (error, g_steal_pointer (&read_error), idx->stream,
                                       idx->display_name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_magic (IdxFile      *idx,
            GCancellable *cancellable,
            GError      **error)
{
  guint8 magic[4];
  gsize got = 0;

  if (!read_exactly (idx, magic, sizeof magic, &got, cancellable, error))
    return FALSE;
  if (got < sizeof magic)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s is cut short: an IDX header needs 4 bytes, the file has %zu",
                   idx->display_name, got);
      return FALSE;
    }
  idx->type = magic[2];
  idx->element_size = element_size_of (magic[2]);
  if (magic[0] != 0 || magic[1] != 0 || idx->element_size == 0 || magic[3] == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s is not an IDX file: it starts with bytes %02x %02x %02x %02x, "
                   "expected 00 00, a type (08, 09, 0b, 0c, 0d or 0e) and a dimension count",
                   idx->display_name, magic[0], magic[1], magic[2], magic[3]);
      return FALSE;
    }
  idx->n_dims = magic[3];
  return TRUE;
}

/* The dimension sizes, checked against the limits one product at a time so that the
 * arithmetic never overflows. */
static gboolean
read_dimensions (IdxFile      *idx,
                 GCancellable *cancellable,
                 GError      **error)
{
  guint n_dims = idx->n_dims;
  guint32 sizes[255];
  guint64 n_features = 1;
  gsize got = 0;

  if (!read_exactly (idx, sizes, sizeof (guint32) * n_dims, &got, cancellable, error))
    return FALSE;
  if (got < sizeof (guint32) * n_dims)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s is cut short: its header declares %u dimensions (%zu bytes of sizes), "
                   "the file has %zu bytes after the first 4",
                   idx->display_name, n_dims, sizeof (guint32) * n_dims, got);
      return FALSE;
    }

  for (guint d = 0; d < n_dims; d++)
    {
      guint32 size = GUINT32_FROM_BE (sizes[d]);

      if (size == 0)
        {
          g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                       "%s: dimension %u has size 0, so the file holds no data",
                       idx->display_name, d + 1);
          return FALSE;
        }
      if (d == 0 && size > KS_DATASET_MAX_POINTS)
        {
          g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                       "%s declares %" G_GUINT32_FORMAT " points, more than the %u this "
                       "program handles", idx->display_name, size, KS_DATASET_MAX_POINTS);
          return FALSE;
        }
      if (d == 0)
        {
          idx->n_points = size;
          continue;
        }
      n_features *= size;
      if (n_features > KS_DATASET_MAX_FEATURES)
        {
          g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                       "%s declares more than %u features per point (dimension %u is %"
                       G_GUINT32_FORMAT "), more than this program handles",
                       idx->display_name, KS_DATASET_MAX_FEATURES, d + 1, size);
          return FALSE;
        }
    }
  idx->n_features = (guint) n_features;
  return TRUE;
}

static gboolean
idx_file_open (IdxFile      *idx,
               GFile        *file,
               const char   *display_name,
               GCancellable *cancellable,
               GError      **error)
{
  idx->display_name = display_name;
  idx->stream = ks_dataset_open_file_stream (file, cancellable, error);
  return idx->stream != NULL
         && read_magic (idx, cancellable, error)
         && read_dimensions (idx, cancellable, error);
}

static double
decode (guint8        type,
        const guint8 *bytes)
{
  guint16 u16;
  guint32 u32;
  guint64 u64;
  float f32;
  double f64;

  switch (type)
    {
    case 0x08:
      return bytes[0];
    case 0x09:
      return (gint8) bytes[0];
    case 0x0B:
      memcpy (&u16, bytes, 2);
      return (gint16) GUINT16_FROM_BE (u16);
    case 0x0C:
      memcpy (&u32, bytes, 4);
      return (gint32) GUINT32_FROM_BE (u32);
    case 0x0D:
      memcpy (&u32, bytes, 4);
      u32 = GUINT32_FROM_BE (u32);
      memcpy (&f32, &u32, 4);
      return f32;
    default:
      memcpy (&u64, bytes, 8);
      u64 = GUINT64_FROM_BE (u64);
      memcpy (&f64, &u64, 8);
      return f64;
    }
}

static gboolean
check_finite (const IdxFile *idx,
              double         value,
              guint64        index,
              GError       **error)
{
  if (isfinite (value))
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
               "%s: value %g of point %" G_GUINT64_FORMAT ", feature %" G_GUINT64_FORMAT
               " is not a finite number",
               idx->display_name, value, index / idx->n_features + 1,
               index % idx->n_features + 1);
  return FALSE;
}

static gboolean
expect_end (IdxFile      *idx,
            guint64       n_bytes,
            GCancellable *cancellable,
            GError      **error)
{
  guint8 extra;
  gsize got = 0;

  if (!read_exactly (idx, &extra, 1, &got, cancellable, error))
    return FALSE;
  if (got == 0)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_DATA,
               "%s: expected %" G_GUINT64_FORMAT " bytes of data after the header, found "
               "more; do its dimensions match the data?", idx->display_name, n_bytes);
  return FALSE;
}

/* All values as doubles, n_points x n_features, row-major. */
static double *
read_values (IdxFile      *idx,
             GCancellable *cancellable,
             GError      **error)
{
  guint64 n_values = (guint64) idx->n_points * idx->n_features;
  guint64 n_bytes = n_values * idx->element_size;
  g_autofree guint8 *chunk = g_malloc (CHUNK_BYTES);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 done = 0;

  if (n_values > G_MAXUINT)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "%s declares %" G_GUINT64_FORMAT " values, more than this program handles",
                   idx->display_name, n_values);
      return NULL;
    }
  while (done < n_bytes)
    {
      gsize want = (gsize) MIN (n_bytes - done, CHUNK_BYTES);
      gsize got = 0;
      guint first = values->len;

      if (!read_exactly (idx, chunk, want, &got, cancellable, error))
        return NULL;
      if (got < want)
        {
          g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                       "%s is cut short: expected %" G_GUINT64_FORMAT " bytes of data, "
                       "found %" G_GUINT64_FORMAT, idx->display_name, n_bytes, done + got);
          return NULL;
        }
      g_array_set_size (values, first + want / idx->element_size);
      for (guint k = 0; k < want / idx->element_size; k++)
        {
          double value = decode (idx->type, chunk + (gsize) k * idx->element_size);

          if (!check_finite (idx, value, first + k, error))
            return NULL;
          g_array_index (values, double, first + k) = value;
        }
      done += want;
    }
  if (!expect_end (idx, n_bytes, cancellable, error))
    return NULL;
  return (double *) (void *) g_array_free (g_steal_pointer (&values), FALSE);
}

static gboolean
check_labels_header (const IdxFile *labels,
                     const IdxFile *images,
                     GError       **error)
{
  if (labels->n_features != 1 || !is_integer_type (labels->type))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s is not an IDX labels file: labels are one integer per point "
                   "(one dimension, type 08, 09, 0b or 0c)", labels->display_name);
      return FALSE;
    }
  if (labels->n_points != images->n_points)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s has %u labels but %s has %u points",
                   labels->display_name, labels->n_points, images->display_name,
                   images->n_points);
      return FALSE;
    }
  return TRUE;
}

static int *
read_labels (IdxFile      *idx,
             GCancellable *cancellable,
             GError      **error)
{
  g_autofree double *values = read_values (idx, cancellable, error);
  g_autofree int *labels = NULL;

  if (values == NULL)
    return NULL;
  labels = g_new (int, idx->n_points);
  for (guint i = 0; i < idx->n_points; i++)
    {
      if (values[i] < 0 || values[i] >= KS_DATASET_MAX_CLASSES)
        {
          g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                       "%s: the label of point %u is %g, not a class number (0 to %d)",
                       idx->display_name, i + 1, values[i], KS_DATASET_MAX_CLASSES - 1);
          return NULL;
        }
      labels[i] = (int) values[i];
    }
  return g_steal_pointer (&labels);
}

KsDataset *
ks_dataset_load_idx (GFile        *images,
                     GFile        *labels,
                     GCancellable *cancellable,
                     GError      **error)
{
  g_autofree char *images_name = NULL;
  g_autofree char *labels_name = NULL;
  g_autofree char *basename = NULL;
  g_auto(IdxFile) image_file = { 0 };
  g_auto(IdxFile) label_file = { 0 };
  g_autofree double *inputs = NULL;
  g_autofree int *classes = NULL;

  g_return_val_if_fail (G_IS_FILE (images), NULL);
  g_return_val_if_fail (labels == NULL || G_IS_FILE (labels), NULL);

  images_name = ks_dataset_display_name (images);
  if (!idx_file_open (&image_file, images, images_name, cancellable, error))
    return NULL;
  if (image_file.n_dims < 2)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s has one dimension, like a labels file; the images need two or more "
                   "(the points, then the features)", images_name);
      return NULL;
    }

  /* Both headers first, so a mismatch shows before megabytes of pixels are read. */
  if (labels != NULL)
    {
      labels_name = ks_dataset_display_name (labels);
      if (!idx_file_open (&label_file, labels, labels_name, cancellable, error)
          || !check_labels_header (&label_file, &image_file, error))
        return NULL;
    }

  inputs = read_values (&image_file, cancellable, error);
  if (inputs == NULL)
    return NULL;
  if (labels != NULL)
    {
      classes = read_labels (&label_file, cancellable, error);
      if (classes == NULL)
        return NULL;
    }

  basename = g_file_get_basename (images);
  return ks_dataset_new_take (basename, image_file.n_points, image_file.n_features,
                              g_steal_pointer (&inputs), g_steal_pointer (&classes), 0, NULL);
}
