/* ks-dataset.c: the data set value, its derived sets and matrices, and opening by name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-dataset-private.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-rng.h"

struct _KsDataset
{
  gatomicrefcount ref_count;
  char *name;
  guint n_points;
  guint n_features;
  double *inputs;       /* n_points x n_features, row-major */
  int *labels;          /* n_points, or NULL */
  guint n_classes;
  GStrv class_names;    /* or NULL */
  guint n_targets;
  double *targets;      /* n_points x n_targets, row-major, or NULL */
};

static guint
count_classes (const int *labels,
               guint      n_points)
{
  int largest = -1;

  for (guint i = 0; i < n_points; i++)
    largest = MAX (largest, labels[i]);
  return (guint) (largest + 1);
}

KsDataset *
ks_dataset_new_take (const char *name,
                     guint       n_points,
                     guint       n_features,
                     double     *inputs,
                     int        *labels,
                     guint       n_targets,
                     double     *targets)
{
  KsDataset *self;

  g_return_val_if_fail (n_points > 0 && n_points <= KS_DATASET_MAX_POINTS, NULL);
  g_return_val_if_fail (n_features > 0 && n_features <= KS_DATASET_MAX_FEATURES, NULL);
  g_return_val_if_fail (inputs != NULL, NULL);
  g_return_val_if_fail (targets == NULL || n_targets > 0, NULL);

  self = g_new0 (KsDataset, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name != NULL ? name : "data");
  self->n_points = n_points;
  self->n_features = n_features;
  self->inputs = inputs;
  self->labels = labels;
  self->n_classes = labels != NULL ? count_classes (labels, n_points) : 0;
  self->n_targets = targets != NULL ? n_targets : 0;
  self->targets = targets;
  return self;
}

KsDataset *
ks_dataset_new (const char   *name,
                guint         n_points,
                guint         n_features,
                const double *inputs,
                const int    *labels,
                guint         n_targets,
                const double *targets)
{
  g_return_val_if_fail (inputs != NULL, NULL);

  if (labels != NULL)
    for (guint i = 0; i < n_points; i++)
      g_return_val_if_fail (labels[i] >= 0 && labels[i] < KS_DATASET_MAX_CLASSES, NULL);

  return ks_dataset_new_take (name, n_points, n_features,
                              g_memdup2 (inputs, sizeof (double) * n_points * n_features),
                              labels != NULL ? g_memdup2 (labels, sizeof (int) * n_points) : NULL,
                              n_targets,
                              targets != NULL
                                ? g_memdup2 (targets, sizeof (double) * n_points * n_targets)
                                : NULL);
}

KsDataset *
ks_dataset_ref (KsDataset *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ks_dataset_unref (KsDataset *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->name);
  g_free (self->inputs);
  g_free (self->labels);
  g_strfreev (self->class_names);
  g_free (self->targets);
  g_free (self);
}

const char *
ks_dataset_get_name (const KsDataset *self)
{
  return self->name;
}

guint
ks_dataset_get_n_points (const KsDataset *self)
{
  return self->n_points;
}

guint
ks_dataset_get_n_features (const KsDataset *self)
{
  return self->n_features;
}

const double *
ks_dataset_get_inputs (const KsDataset *self)
{
  return self->inputs;
}

gboolean
ks_dataset_has_labels (const KsDataset *self)
{
  return self->labels != NULL;
}

const int *
ks_dataset_get_labels (const KsDataset *self)
{
  return self->labels;
}

guint
ks_dataset_get_n_classes (const KsDataset *self)
{
  return self->n_classes;
}

const char *
ks_dataset_get_class_name (const KsDataset *self,
                           guint            klass)
{
  if (self->class_names == NULL || klass >= g_strv_length (self->class_names))
    return NULL;
  return self->class_names[klass];
}

void
ks_dataset_set_class_names (KsDataset          *self,
                            const char * const *names)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->class_names, g_strfreev);
  if (names != NULL)
    self->class_names = g_strdupv ((char **) names);
}

guint
ks_dataset_get_n_targets (const KsDataset *self)
{
  return self->n_targets;
}

const double *
ks_dataset_get_targets (const KsDataset *self)
{
  return self->targets;
}

gboolean
ks_dataset_set_targets (KsDataset    *self,
                        guint         n_targets,
                        const double *targets,
                        GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (targets != NULL && n_targets > KS_DATASET_MAX_FEATURES)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_TOO_LARGE,
                   "%u targets per point are more than the %u this program handles",
                   n_targets, KS_DATASET_MAX_FEATURES);
      return FALSE;
    }
  for (gsize k = 0; targets != NULL && k < (gsize) self->n_points * n_targets; k++)
    if (!isfinite (targets[k]))
      {
        g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
                     "Target %zu of point %zu is %g, not a finite number",
                     k % n_targets + 1, k / n_targets + 1, targets[k]);
        return FALSE;
      }

  g_clear_pointer (&self->targets, g_free);
  self->n_targets = 0;
  if (targets != NULL && n_targets > 0)
    {
      self->targets = g_memdup2 (targets, sizeof (double) * self->n_points * n_targets);
      self->n_targets = n_targets;
    }
  return TRUE;
}

gboolean
ks_dataset_is_builtin_name (const char *name)
{
  return name != NULL
         && (ks_dataset_is_bundled_name (name) || ks_dataset_is_generator_name (name));
}

/* Reading files -------------------------------------------------------------------------- */

char *
ks_dataset_display_name (GFile *file)
{
  return g_file_get_parse_name (file);
}

/* The first two bytes, or fewer at the end of a short file. */
static gboolean
peek_head (GBufferedInputStream *buffered,
           GCancellable         *cancellable,
           GError              **error)
{
  while (g_buffered_input_stream_get_available (buffered) < 2)
    {
      gssize got = g_buffered_input_stream_fill (buffered, -1, cancellable, error);

      if (got < 0)
        return FALSE;
      if (got == 0)
        break;
    }
  return TRUE;
}

GInputStream *
ks_dataset_maybe_decompress (GInputStream *raw,
                             const char   *display_name,
                             GCancellable *cancellable,
                             GError      **error)
{
  g_autoptr(GInputStream) buffered = g_buffered_input_stream_new (raw);
  g_autoptr(GZlibDecompressor) decompressor = NULL;
  g_autoptr(GError) read_error = NULL;
  const guchar *head;
  gsize available = 0;

  if (!peek_head (G_BUFFERED_INPUT_STREAM (buffered), cancellable, &read_error))
    {
      ks_dataset_propagate_read_error (error, g_steal_pointer (&read_error), buffered,
                                       display_name);
      return NULL;
    }
  head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (buffered), &available);
  if (available < 2 || head[0] != 0x1f || head[1] != 0x8b)
    return g_steal_pointer (&buffered);

  decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  return g_converter_input_stream_new (buffered, G_CONVERTER (decompressor));
}

GInputStream *
ks_dataset_open_file_stream (GFile        *file,
                             GCancellable *cancellable,
                             GError      **error)
{
  g_autofree char *display_name = ks_dataset_display_name (file);
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GError) open_error = NULL;

  raw = g_file_read (file, cancellable, &open_error);
  if (raw != NULL)
    return ks_dataset_maybe_decompress (G_INPUT_STREAM (raw), display_name, cancellable, error);

  if (g_error_matches (open_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&open_error));
  else if (g_error_matches (open_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                 "%s: no such file", display_name);
  else if (g_error_matches (open_error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                 "%s is a folder, not a data file", display_name);
  else
    g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                 "%s could not be opened: %s", display_name, open_error->message);
  return NULL;
}

void
ks_dataset_propagate_read_error (GError      **error,
                                 GError       *read_error,
                                 GInputStream *stream,
                                 const char   *display_name)
{
  if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, read_error);
      return;
    }
  /* zlib's own words ("Invalid compressed data") do not say which file or what to do. */
  if (G_IS_CONVERTER_INPUT_STREAM (stream))
    g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                 "%s starts like a gzip file but is not valid gzip data "
                 "(damaged or cut short: %s)", display_name, read_error->message);
  else
    g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                 "%s could not be read: %s", display_name, read_error->message);
  g_error_free (read_error);
}

static gboolean
is_idx_name (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  static const char * const suffixes[] = { ".idx", "-ubyte", ".idx.gz", "-ubyte.gz" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

KsDataset *
ks_dataset_open (const char   *name_or_path,
                 int           label_column,
                 const char   *labels_path,
                 guint         n_points,
                 guint64       seed,
                 GCancellable *cancellable,
                 GError      **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) labels = NULL;

  if (name_or_path == NULL || *name_or_path == '\0')
    {
      g_set_error_literal (error, KS_ERROR, KS_ERROR_INVALID,
                           "No data set given: name a bundled set (digits, iris), "
                           "a generator (ring, spirals, blobs, xor) or a file");
      return NULL;
    }
  if (ks_dataset_is_bundled_name (name_or_path))
    return ks_dataset_load_bundled (name_or_path, error);
  if (ks_dataset_is_generator_name (name_or_path))
    return ks_dataset_generate (name_or_path, n_points, seed, error);

  file = g_file_new_for_commandline_arg (name_or_path);
  if (is_idx_name (name_or_path))
    {
      if (labels_path != NULL)
        labels = g_file_new_for_commandline_arg (labels_path);
      return ks_dataset_load_idx (file, labels, cancellable, error);
    }
  if (labels_path != NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "A separate labels file (%s) applies only to IDX data, and %s is read as CSV",
                   labels_path, name_or_path);
      return NULL;
    }
  return ks_dataset_load_csv (file, label_column, cancellable, error);
}

/* Derived data sets ---------------------------------------------------------------------- */

/* A new set holding the given rows of self, in that order, with everything that travels
 * with a point (label, targets) and the class names. */
static KsDataset *
select_rows (const KsDataset *self,
             const guint     *rows,
             guint            n_rows)
{
  guint d = self->n_features;
  guint t = self->n_targets;
  double *inputs = g_new (double, (gsize) n_rows * d);
  int *labels = self->labels != NULL ? g_new (int, n_rows) : NULL;
  double *targets = self->targets != NULL ? g_new (double, (gsize) n_rows * t) : NULL;
  KsDataset *subset;

  for (guint i = 0; i < n_rows; i++)
    {
      memcpy (inputs + (gsize) i * d, self->inputs + (gsize) rows[i] * d, sizeof (double) * d);
      if (labels != NULL)
        labels[i] = self->labels[rows[i]];
      if (targets != NULL)
        memcpy (targets + (gsize) i * t, self->targets + (gsize) rows[i] * t, sizeof (double) * t);
    }
  subset = ks_dataset_new_take (self->name, n_rows, d, inputs, labels, t, targets);
  ks_dataset_set_class_names (subset, (const char * const *) self->class_names);
  return subset;
}

/* Shares of n_points proportional to counts by largest remainders (exact integer
 * arithmetic, ties to the lower class); then, when n_points allows, every class present
 * gets at least one point, taken from the currently largest share. */
static void
allocate_shares (const guint *counts,
                 guint        n_classes,
                 guint        total,
                 guint        n_points,
                 guint       *shares)
{
  g_autofree guint64 *remainders = g_new (guint64, n_classes);
  guint assigned = 0;
  guint n_present = 0;

  for (guint k = 0; k < n_classes; k++)
    {
      guint64 exact = (guint64) n_points * counts[k];

      shares[k] = (guint) (exact / total);
      remainders[k] = exact % total;
      assigned += shares[k];
      n_present += counts[k] > 0;
    }
  while (assigned < n_points)
    {
      guint best = 0;

      for (guint k = 1; k < n_classes; k++)
        if (remainders[k] > remainders[best])
          best = k;
      shares[best]++;
      remainders[best] = 0;
      assigned++;
    }

  if (n_points < n_present)
    return;
  for (guint k = 0; k < n_classes; k++)
    if (counts[k] > 0 && shares[k] == 0)
      {
        guint largest = 0;

        for (guint j = 1; j < n_classes; j++)
          if (shares[j] > shares[largest])
            largest = j;
        shares[largest]--;
        shares[k] = 1;
      }
}

/* Row indices grouped by class (class 0 first), each group in original row order. */
static guint *
rows_by_class (const KsDataset *self,
               guint           *counts)
{
  g_autofree guint *starts = g_new0 (guint, self->n_classes);
  guint *rows = g_new (guint, self->n_points);

  for (guint i = 0; i < self->n_points; i++)
    counts[self->labels[i]]++;
  for (guint k = 1; k < self->n_classes; k++)
    starts[k] = starts[k - 1] + counts[k - 1];
  for (guint i = 0; i < self->n_points; i++)
    rows[starts[self->labels[i]]++] = i;
  return rows;
}

static KsDataset *
subsample_unlabelled (const KsDataset *self,
                      guint            n_points,
                      gsl_rng         *rng)
{
  g_autofree guint *all = g_new (guint, self->n_points);
  g_autofree guint *chosen = g_new (guint, n_points);

  for (guint i = 0; i < self->n_points; i++)
    all[i] = i;
  /* gsl_ran_choose keeps the order of its source, so the subset stays in file order. */
  gsl_ran_choose (rng, chosen, n_points, all, self->n_points, sizeof (guint));
  return select_rows (self, chosen, n_points);
}

static KsDataset *
subsample_stratified (const KsDataset *self,
                      guint            n_points,
                      gsl_rng         *rng)
{
  g_autofree guint *counts = g_new0 (guint, self->n_classes);
  g_autofree guint *shares = g_new0 (guint, self->n_classes);
  g_autofree guint *grouped = rows_by_class (self, counts);
  g_autofree guint *chosen = g_new (guint, n_points);
  guint source = 0;
  guint taken = 0;

  allocate_shares (counts, self->n_classes, self->n_points, n_points, shares);
  for (guint k = 0; k < self->n_classes; k++)
    {
      if (shares[k] > 0)
        gsl_ran_choose (rng, chosen + taken, shares[k], grouped + source, counts[k],
                        sizeof (guint));
      taken += shares[k];
      source += counts[k];
    }
  return select_rows (self, chosen, taken);
}

/* Every point, sorted by class when there are classes. */
static KsDataset *
every_point (const KsDataset *self)
{
  g_autofree guint *rows = NULL;

  if (self->labels != NULL)
    {
      g_autofree guint *counts = g_new0 (guint, self->n_classes);

      rows = rows_by_class (self, counts);
    }
  else
    {
      rows = g_new (guint, self->n_points);
      for (guint i = 0; i < self->n_points; i++)
        rows[i] = i;
    }
  return select_rows (self, rows, self->n_points);
}

KsDataset *
ks_dataset_subsample (const KsDataset *self,
                      guint            n_points,
                      guint64          seed,
                      GError         **error)
{
  g_autoptr(gsl_rng) rng = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  ks_core_init ();
  if (n_points == 0 || n_points >= self->n_points)
    return every_point (self);

  rng = ks_rng_new_stream (seed, KS_DATASET_RNG_SAMPLE, KS_DATASET_RNG_SUBSAMPLE);
  if (self->labels != NULL)
    return subsample_stratified (self, n_points, rng);
  return subsample_unlabelled (self, n_points, rng);
}

static gboolean
all_equal (const double *column,
           guint         n_points,
           guint         stride)
{
  for (guint i = 1; i < n_points; i++)
    if (column[(gsize) i * stride] != column[0])
      return FALSE;
  return TRUE;
}

/* In place on one strided column: (x - mean) / sd with the population sd. Deviations are
 * scaled by their largest magnitude first so that neither tiny nor huge values under- or
 * overflow; a feature whose values are all equal becomes exactly 0. */
static void
standardize_column (double *column,
                    guint   n_points,
                    guint   stride)
{
  double mean = 0.0;
  double largest = 0.0;
  double sum_squares = 0.0;
  double scale;

  for (guint i = 0; i < n_points; i++)
    mean += column[(gsize) i * stride];
  mean /= n_points;
  for (guint i = 0; i < n_points; i++)
    largest = MAX (largest, fabs (column[(gsize) i * stride] - mean));

  /* The rounded mean of equal values may differ from them by an ulp: test equality. */
  if (largest == 0.0 || all_equal (column, n_points, stride))
    {
      for (guint i = 0; i < n_points; i++)
        column[(gsize) i * stride] = 0.0;
      return;
    }
  for (guint i = 0; i < n_points; i++)
    {
      double scaled = (column[(gsize) i * stride] - mean) / largest;

      column[(gsize) i * stride] = scaled;
      sum_squares += scaled * scaled;
    }
  scale = 1.0 / sqrt (sum_squares / n_points);
  for (guint i = 0; i < n_points; i++)
    column[(gsize) i * stride] *= scale;
}

KsDataset *
ks_dataset_standardize (const KsDataset *self)
{
  KsDataset *result;

  g_return_val_if_fail (self != NULL, NULL);

  result = ks_dataset_new (self->name, self->n_points, self->n_features, self->inputs,
                           self->labels, self->n_targets, self->targets);
  ks_dataset_set_class_names (result, (const char * const *) self->class_names);
  for (guint j = 0; j < self->n_features; j++)
    standardize_column (result->inputs + j, self->n_points, self->n_features);
  return result;
}

/* Matrices -------------------------------------------------------------------------------- */

static gsl_matrix *
matrix_from_rows (const double *values,
                  guint         n_rows,
                  guint         n_columns)
{
  gsl_matrix *m = gsl_matrix_alloc (n_rows, n_columns);

  for (guint i = 0; i < n_rows; i++)
    memcpy (gsl_matrix_ptr (m, i, 0), values + (gsize) i * n_columns,
            sizeof (double) * n_columns);
  return m;
}

gsl_matrix *
ks_dataset_input_matrix (const KsDataset *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  ks_core_init ();
  return matrix_from_rows (self->inputs, self->n_points, self->n_features);
}

gsl_matrix *
ks_dataset_input_kernel (const KsDataset *self)
{
  g_autoptr(gsl_matrix) x = NULL;
  gsl_matrix *k0;

  g_return_val_if_fail (self != NULL, NULL);

  x = ks_dataset_input_matrix (self);
  k0 = gsl_matrix_alloc (self->n_points, self->n_points);
  ks_gram (x, 1.0 / self->n_features, k0);
  return k0;
}

gsl_matrix *
ks_dataset_output_matrix (const KsDataset *self)
{
  gsl_matrix *y;

  g_return_val_if_fail (self != NULL, NULL);

  ks_core_init ();
  if (self->targets != NULL)
    return matrix_from_rows (self->targets, self->n_points, self->n_targets);
  if (self->labels == NULL)
    return NULL;

  y = gsl_matrix_calloc (self->n_points, self->n_classes);
  for (guint i = 0; i < self->n_points; i++)
    gsl_matrix_set (y, i, self->labels[i], 1.0);
  return y;
}
