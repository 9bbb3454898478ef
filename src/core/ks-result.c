/* ks-result.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Matrices are stored behind reference-counted boxes so that the partial snapshots sent
 * with progress share them instead of copying megabytes each time.
 */
#include "ks-result-private.h"

#include "ks-config.h"

typedef struct
{
  gsl_matrix *matrix;
} SharedMatrix;

static void
shared_matrix_clear (gpointer data)
{
  SharedMatrix *shared = data;

  g_clear_pointer (&shared->matrix, gsl_matrix_free);
}

static SharedMatrix *
shared_matrix_new (gsl_matrix *matrix)
{
  SharedMatrix *shared = g_atomic_rc_box_new0 (SharedMatrix);

  shared->matrix = matrix;
  return shared;
}

static SharedMatrix *
shared_matrix_ref (SharedMatrix *shared)
{
  return shared ? g_atomic_rc_box_acquire (shared) : NULL;
}

static void
shared_matrix_unref (SharedMatrix *shared)
{
  if (shared)
    g_atomic_rc_box_release_full (shared, shared_matrix_clear);
}

typedef struct
{
  SharedMatrix *matrix;
  double       *to_input;   /* n_layers, or NULL */
  double       *to_output;  /* n_layers, or NULL */
} CkaTables;

struct _KsResult
{
  gatomicrefcount ref_count;
  KsStack *stack;
  KsDataset *dataset;
  JsonNode *experiment_json;
  guint n_layers;
  SharedMatrix *input_kernel;
  SharedMatrix *output_kernel;
  SharedMatrix **kernels[KS_N_KERNEL_KINDS]; /* n_layers each, or NULL */
  CkaTables cka[KS_N_KERNEL_KINDS];
  KsCkaKind cka_kind;
  guint n_samples_done;
  guint n_samples_total;
  gboolean complete;
  double max_jitter;
  GArray *timings; /* of Timing */
  JsonNode *posterior_diagnostics;
  KsDkmSolution *dkm_solution;
};

typedef struct
{
  const char *stage; /* interned */
  double seconds;
} Timing;

static const char *kernel_kind_names[KS_N_KERNEL_KINDS] = {
  "nngp", "ntk", "sample", "sample-mean", "sample-std", "posterior",
};

const char *
ks_kernel_kind_to_string (KsKernelKind kind)
{
  g_return_val_if_fail (kind < KS_N_KERNEL_KINDS, NULL);
  return kernel_kind_names[kind];
}

KsResult *
ks_result_new (const KsStack *stack,
               KsDataset     *dataset,
               JsonNode      *experiment_json)
{
  KsResult *self = g_new0 (KsResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->stack = ks_stack_copy (stack);
  self->dataset = ks_dataset_ref (dataset);
  self->experiment_json = json_node_ref (experiment_json);
  self->n_layers = ks_stack_get_n_layers (stack);
  self->timings = g_array_new (FALSE, FALSE, sizeof (Timing));
  return self;
}

static SharedMatrix **
share_layers (SharedMatrix **layers,
              guint          n_layers)
{
  SharedMatrix **copy;

  if (layers == NULL)
    return NULL;
  copy = g_new0 (SharedMatrix *, n_layers);
  for (guint i = 0; i < n_layers; i++)
    copy[i] = shared_matrix_ref (layers[i]);
  return copy;
}

static void
free_layers (SharedMatrix **layers,
             guint          n_layers)
{
  if (layers == NULL)
    return;
  for (guint i = 0; i < n_layers; i++)
    shared_matrix_unref (layers[i]);
  g_free (layers);
}

static double *
dup_values (const double *values,
            guint         n)
{
  return values ? g_memdup2 (values, n * sizeof (double)) : NULL;
}

KsResult *
ks_result_snapshot (const KsResult *self)
{
  KsResult *copy = ks_result_new (self->stack, self->dataset, self->experiment_json);

  copy->input_kernel = shared_matrix_ref (self->input_kernel);
  copy->output_kernel = shared_matrix_ref (self->output_kernel);
  for (guint k = 0; k < KS_N_KERNEL_KINDS; k++)
    {
      copy->kernels[k] = share_layers (self->kernels[k], self->n_layers);
      copy->cka[k].matrix = shared_matrix_ref (self->cka[k].matrix);
      copy->cka[k].to_input = dup_values (self->cka[k].to_input, self->n_layers);
      copy->cka[k].to_output = dup_values (self->cka[k].to_output, self->n_layers);
    }
  copy->cka_kind = self->cka_kind;
  copy->n_samples_done = self->n_samples_done;
  copy->n_samples_total = self->n_samples_total;
  copy->complete = self->complete;
  copy->max_jitter = self->max_jitter;
  if (self->posterior_diagnostics)
    copy->posterior_diagnostics = json_node_ref (self->posterior_diagnostics);
  if (self->dkm_solution)
    copy->dkm_solution = ks_dkm_solution_ref (self->dkm_solution);
  g_array_append_vals (copy->timings, self->timings->data, self->timings->len);
  return copy;
}

KsResult *
ks_result_ref (KsResult *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ks_result_unref (KsResult *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  ks_stack_unref (self->stack);
  ks_dataset_unref (self->dataset);
  json_node_unref (self->experiment_json);
  shared_matrix_unref (self->input_kernel);
  shared_matrix_unref (self->output_kernel);
  for (guint k = 0; k < KS_N_KERNEL_KINDS; k++)
    {
      free_layers (self->kernels[k], self->n_layers);
      shared_matrix_unref (self->cka[k].matrix);
      g_free (self->cka[k].to_input);
      g_free (self->cka[k].to_output);
    }
  g_array_unref (self->timings);
  g_clear_pointer (&self->posterior_diagnostics, json_node_unref);
  g_clear_pointer (&self->dkm_solution, ks_dkm_solution_unref);
  g_free (self);
}

void
ks_result_take_input_kernel (KsResult   *self,
                             gsl_matrix *k0)
{
  shared_matrix_unref (self->input_kernel);
  self->input_kernel = shared_matrix_new (k0);
}

void
ks_result_take_output_kernel (KsResult   *self,
                              gsl_matrix *yyt)
{
  shared_matrix_unref (self->output_kernel);
  self->output_kernel = yyt ? shared_matrix_new (yyt) : NULL;
}

void
ks_result_take_kernels (KsResult     *self,
                        KsKernelKind  kind,
                        gsl_matrix  **matrices)
{
  g_return_if_fail (kind < KS_N_KERNEL_KINDS);

  free_layers (self->kernels[kind], self->n_layers);
  self->kernels[kind] = g_new0 (SharedMatrix *, self->n_layers);
  for (guint i = 0; i < self->n_layers; i++)
    self->kernels[kind][i] = shared_matrix_new (matrices[i]);
}

void
ks_result_set_n_samples (KsResult *self,
                         guint     done,
                         guint     total)
{
  self->n_samples_done = done;
  self->n_samples_total = total;
}

void
ks_result_take_cka (KsResult     *self,
                    KsKernelKind  kind,
                    KsCkaKind     cka_kind,
                    gsl_matrix   *matrix,
                    double       *to_input,
                    double       *to_output)
{
  CkaTables *tables = &self->cka[kind];

  shared_matrix_unref (tables->matrix);
  g_free (tables->to_input);
  g_free (tables->to_output);
  tables->matrix = matrix ? shared_matrix_new (matrix) : NULL;
  tables->to_input = to_input;
  tables->to_output = to_output;
  self->cka_kind = cka_kind;
}

void
ks_result_take_posterior_info (KsResult      *self,
                               JsonNode      *diagnostics,
                               KsDkmSolution *solution)
{
  g_clear_pointer (&self->posterior_diagnostics, json_node_unref);
  g_clear_pointer (&self->dkm_solution, ks_dkm_solution_unref);
  self->posterior_diagnostics = diagnostics;
  self->dkm_solution = solution ? ks_dkm_solution_ref (solution) : NULL;
}

JsonNode *
ks_result_get_posterior_diagnostics (const KsResult *self)
{
  return self->posterior_diagnostics;
}

KsDkmSolution *
ks_result_get_dkm_solution (const KsResult *self)
{
  return self->dkm_solution;
}

void
ks_result_note_jitter (KsResult *self,
                       double    jitter)
{
  self->max_jitter = MAX (self->max_jitter, jitter);
}

void
ks_result_set_seconds (KsResult   *self,
                       const char *stage,
                       double      seconds)
{
  Timing timing = { g_intern_string (stage), seconds };

  for (guint i = 0; i < self->timings->len; i++)
    if (g_array_index (self->timings, Timing, i).stage == timing.stage)
      {
        g_array_index (self->timings, Timing, i).seconds = seconds;
        return;
      }
  g_array_append_val (self->timings, timing);
}

void
ks_result_set_complete (KsResult *self)
{
  self->complete = TRUE;
}

const KsStack *
ks_result_get_stack (const KsResult *self)
{
  return self->stack;
}

KsDataset *
ks_result_get_dataset (const KsResult *self)
{
  return self->dataset;
}

guint
ks_result_get_n_layers (const KsResult *self)
{
  return self->n_layers;
}

const gsl_matrix *
ks_result_get_input_kernel (const KsResult *self)
{
  return self->input_kernel ? self->input_kernel->matrix : NULL;
}

const gsl_matrix *
ks_result_get_output_kernel (const KsResult *self)
{
  return self->output_kernel ? self->output_kernel->matrix : NULL;
}

gboolean
ks_result_has_kernels (const KsResult *self,
                       KsKernelKind    kind)
{
  g_return_val_if_fail (kind < KS_N_KERNEL_KINDS, FALSE);
  return self->kernels[kind] != NULL;
}

const gsl_matrix *
ks_result_get_kernel (const KsResult *self,
                      KsKernelKind    kind,
                      guint           layer)
{
  g_return_val_if_fail (kind < KS_N_KERNEL_KINDS, NULL);
  g_return_val_if_fail (layer < self->n_layers, NULL);

  if (self->kernels[kind] == NULL)
    return NULL;
  return self->kernels[kind][layer]->matrix;
}

guint
ks_result_get_n_samples_done (const KsResult *self)
{
  return self->n_samples_done;
}

gboolean
ks_result_is_complete (const KsResult *self)
{
  return self->complete;
}

const gsl_matrix *
ks_result_get_cka_matrix (const KsResult *self,
                          KsKernelKind    kind)
{
  g_return_val_if_fail (kind < KS_N_KERNEL_KINDS, NULL);
  return self->cka[kind].matrix ? self->cka[kind].matrix->matrix : NULL;
}

const double *
ks_result_get_cka_to_input (const KsResult *self,
                            KsKernelKind    kind)
{
  g_return_val_if_fail (kind < KS_N_KERNEL_KINDS, NULL);
  return self->cka[kind].to_input;
}

const double *
ks_result_get_cka_to_output (const KsResult *self,
                             KsKernelKind    kind)
{
  g_return_val_if_fail (kind < KS_N_KERNEL_KINDS, NULL);
  return self->cka[kind].to_output;
}

KsCkaKind
ks_result_get_cka_kind (const KsResult *self)
{
  return self->cka_kind;
}

double
ks_result_get_max_jitter (const KsResult *self)
{
  return self->max_jitter;
}

double
ks_result_get_seconds (const KsResult *self,
                       const char     *stage)
{
  const char *interned = g_intern_string (stage);

  for (guint i = 0; i < self->timings->len; i++)
    if (g_array_index (self->timings, Timing, i).stage == interned)
      return g_array_index (self->timings, Timing, i).seconds;
  return -1.0;
}

static void
add_values (JsonBuilder  *builder,
            const char   *name,
            const double *values,
            guint         n)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    json_builder_add_double_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_layers (JsonBuilder    *builder,
            const KsResult *self)
{
  json_builder_set_member_name (builder, "layers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->n_layers; i++)
    {
      g_autofree char *name = ks_layer_describe (ks_stack_get_layer (self->stack, i));

      json_builder_add_string_value (builder, name);
    }
  json_builder_end_array (builder);
}

static void
add_cka (JsonBuilder    *builder,
         const KsResult *self)
{
  json_builder_set_member_name (builder, "cka");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, ks_cka_kind_to_string (self->cka_kind));
  for (guint k = 0; k < KS_N_KERNEL_KINDS; k++)
    {
      const CkaTables *tables = &self->cka[k];

      if (tables->to_input == NULL && tables->to_output == NULL)
        continue;
      json_builder_set_member_name (builder, kernel_kind_names[k]);
      json_builder_begin_object (builder);
      if (tables->to_input)
        add_values (builder, "to_input", tables->to_input, self->n_layers);
      if (tables->to_output)
        add_values (builder, "to_output", tables->to_output, self->n_layers);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

static void
add_dataset (JsonBuilder    *builder,
             const KsResult *self)
{
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, ks_dataset_get_name (self->dataset));
  json_builder_set_member_name (builder, "points");
  json_builder_add_int_value (builder, ks_dataset_get_n_points (self->dataset));
  json_builder_set_member_name (builder, "features");
  json_builder_add_int_value (builder, ks_dataset_get_n_features (self->dataset));
  json_builder_set_member_name (builder, "classes");
  json_builder_add_int_value (builder, ks_dataset_get_n_classes (self->dataset));
  json_builder_end_object (builder);
}

JsonNode *
ks_result_to_summary_json (const KsResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "program");
  json_builder_add_string_value (builder, "Kernelscope " KS_VERSION);
  json_builder_set_member_name (builder, "experiment");
  json_builder_add_value (builder, json_node_copy (self->experiment_json));
  add_dataset (builder, self);
  add_layers (builder, self);
  json_builder_set_member_name (builder, "samples_done");
  json_builder_add_int_value (builder, self->n_samples_done);
  json_builder_set_member_name (builder, "complete");
  json_builder_add_boolean_value (builder, self->complete);
  json_builder_set_member_name (builder, "max_jitter");
  json_builder_add_double_value (builder, self->max_jitter);
  json_builder_set_member_name (builder, "seconds");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->timings->len; i++)
    {
      const Timing *timing = &g_array_index (self->timings, Timing, i);

      json_builder_set_member_name (builder, timing->stage);
      json_builder_add_double_value (builder, timing->seconds);
    }
  json_builder_end_object (builder);
  add_cka (builder, self);
  if (self->posterior_diagnostics)
    {
      json_builder_set_member_name (builder, "posterior");
      json_builder_add_value (builder, json_node_copy (self->posterior_diagnostics));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
