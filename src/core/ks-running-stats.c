/* ks-running-stats.c: per-layer matrices of running statistics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-running-stats.h"

#include <math.h>

gsl_matrix **
ks_matrix_array_new (guint n,
                     gsize size)
{
  gsl_matrix **array = g_new0 (gsl_matrix *, n);

  for (guint i = 0; i < n; i++)
    if ((array[i] = gsl_matrix_alloc (size, size)) == NULL)
      return array;
  return array;
}

gboolean
ks_matrix_array_complete (gsl_matrix **array,
                          guint        n)
{
  return n == 0 || array[n - 1] != NULL;
}

void
ks_matrix_array_free (gsl_matrix **array,
                      guint        n)
{
  if (array == NULL)
    return;
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&array[i], gsl_matrix_free);
  g_free (array);
}

void
ks_running_std (gsl_matrix       *std,
                const gsl_matrix *m2,
                double            count)
{
  gsize n = m2->size1 * m2->size2;

  for (gsize k = 0; k < n; k++)
    std->data[k] = count > 1 ? sqrt (m2->data[k] / (count - 1)) : 0.0;
}
