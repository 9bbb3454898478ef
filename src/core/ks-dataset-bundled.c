/* ks-dataset-bundled.c: the data sets compiled into the program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * digits (1797 handwritten digits, 8 x 8 pixels, classes 0..9) and iris (150 flowers,
 * 4 measurements, 3 species) live in a GResource and are read by the CSV reader, so
 * they meet exactly the checks a file from disk meets.
 */
#include "ks-dataset-private.h"

#include "ks-config.h"
#include "ks-data-resources.h"
#include "ks-error.h"

static const struct
{
  const char *name;
  const char *resource;
} bundled_sets[] = {
  { "digits", "digits.csv.gz" },
  { "iris", "iris.csv" },
};

gboolean
ks_dataset_is_bundled_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (bundled_sets); i++)
    if (g_str_equal (bundled_sets[i].name, name))
      return TRUE;
  return FALSE;
}

/* A header of the form "n_points,n_features,name0,name1,..." names the classes. */
static void
take_class_names (KsDataset         *dataset,
                  const char * const *header)
{
  guint n_classes = ks_dataset_get_n_classes (dataset);

  if (header != NULL && g_strv_length ((char **) header) == 2 + n_classes)
    ks_dataset_set_class_names (dataset, header + 2);
}

static KsDataset *
read_resource (const char *name,
               const char *resource,
               GError    **error)
{
  g_autofree char *path = g_strconcat (KS_RESOURCE_PREFIX, "/data/", resource, NULL);
  g_autofree char *display_name = g_strdup_printf ("the bundled %s", resource);
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_auto(GStrv) header = NULL;
  KsDataset *dataset;

  /* Referencing the resource keeps its object file, and with it the constructor that
   * registers it, in every program linked against the static core library. */
  if (ks_data_get_resource () == NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA, "The bundled data sets are missing");
      return NULL;
    }

  raw = g_resources_open_stream (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (raw == NULL)
    return NULL;
  stream = ks_dataset_maybe_decompress (raw, display_name, NULL, error);
  if (stream == NULL)
    return NULL;
  dataset = ks_dataset_read_csv_stream (stream, display_name, name, KS_LABEL_COLUMN_LAST,
                                        &header, NULL, error);
  if (dataset != NULL)
    take_class_names (dataset, (const char * const *) header);
  return dataset;
}

KsDataset *
ks_dataset_load_bundled (const char *name,
                         GError    **error)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bundled_sets); i++)
    if (g_str_equal (bundled_sets[i].name, name))
      return read_resource (name, bundled_sets[i].resource, error);

  g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
               "No bundled data set is called “%s”: there are digits and iris", name);
  return NULL;
}
