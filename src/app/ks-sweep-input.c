/* ks-sweep-input.c: what the Evidence and Predictions sweeps start from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-sweep-input.h"

#include "ks-error.h"

KsSweepInput *
ks_sweep_input_new (KsDocument *document,
                    guint       max_points)
{
  g_autoptr(KsExperiment) experiment = ks_document_build_experiment (document);
  KsSweepInput *input;

  if (experiment == NULL)
    return NULL;
  input = g_new0 (KsSweepInput, 1);
  input->stack = ks_stack_copy (ks_experiment_get_stack (experiment));
  input->data = ks_dataset_ref (ks_experiment_get_data (experiment));
  input->n_points = MIN (ks_document_get_n_points (document), max_points);
  input->seed = ks_document_get_seed (document);
  return input;
}

void
ks_sweep_input_free (gpointer data)
{
  KsSweepInput *input = data;

  ks_stack_unref (input->stack);
  ks_dataset_unref (input->data);
  g_free (input);
}

char *
ks_sweep_input_key (const KsSweepInput *input,
                    KsDocument         *document,
                    const KsStack      *described)
{
  g_autofree char *stack_text = ks_stack_to_string (described);

  return g_strdup_printf ("%s|%s|%u|%u|%" G_GUINT64_FORMAT, stack_text,
                          ks_document_get_data_source (document),
                          ks_dataset_get_n_points (input->data), input->n_points, input->seed);
}

KsDataset *
ks_sweep_input_load (const KsSweepInput  *input,
                     const char          *subject,
                     gsl_matrix         **inputs,
                     gsl_matrix         **outputs,
                     GError             **error)
{
  g_autoptr(KsDataset) points = ks_dataset_subsample (input->data, input->n_points, input->seed, error);
  g_autoptr(KsDataset) standardized = NULL;

  if (points == NULL)
    return NULL;
  standardized = ks_dataset_standardize (points);
  *outputs = ks_dataset_output_matrix (standardized);
  if (*outputs == NULL)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA, "%s outputs, and “%s” has neither class "
                   "labels nor targets: choose another data set in the Data group.",
                   subject, ks_dataset_get_name (input->data));
      return NULL;
    }
  *inputs = ks_dataset_input_matrix (standardized);
  return g_steal_pointer (&standardized);
}

void
ks_sweep_input_report_progress (double   fraction,
                                gpointer user_data)
{
  ks_sweep_progress_set (user_data, fraction);
}
