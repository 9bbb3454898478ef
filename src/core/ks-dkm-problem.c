/* ks-dkm-problem.c: the deep kernel machine's model of a stack, data and outputs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-dkm-private.h"

#include <math.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-nngp.h"

void
ks_dkm_options_init (KsDkmOptions *options)
{
  *options = (KsDkmOptions) {
    .width_scale = 1.0,
    .gradient_tolerance = 1e-6,
    .max_iterations = 1000,
    .n_threads = 0,
    .train_mask = NULL,
  };
}

/* Segments */

guint
dkm_segment_first_layer (const KsDkmProblem *problem,
                         guint               segment)
{
  return segment == 0 ? 0 : problem->variable_layers[segment - 1] + 1;
}

guint
dkm_segment_end_layer (const KsDkmProblem *problem,
                       guint               segment)
{
  return segment < problem->n_variables ? problem->variable_layers[segment] + 1
                                        : problem->n_layers;
}

char *
dkm_describe_layer (const KsDkmProblem *problem,
                    guint               layer)
{
  g_autofree char *description = ks_layer_describe (ks_stack_get_layer (problem->stack, layer));

  return g_strdup_printf ("layer %u (%s)", layer + 1, description);
}

/* Checks */

static gboolean
check_options (const KsDkmOptions *options,
               GError            **error)
{
  if (!(options->width_scale > 0.0) || !isfinite (options->width_scale))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The width scale of the deep kernel machine must be positive and finite, "
                   "got %g", options->width_scale);
      return FALSE;
    }
  if (!(options->gradient_tolerance >= 0.0) || !isfinite (options->gradient_tolerance))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The gradient tolerance must be zero or positive, got %g",
                   options->gradient_tolerance);
      return FALSE;
    }
  return TRUE;
}

/* Only the training rows of the outputs are read, so only they must be finite. */
static gboolean
check_training_outputs (const gsl_matrix *y,
                        const gboolean   *train_mask,
                        GError          **error)
{
  if (train_mask == NULL)
    return ks_matrix_check_finite (y, "The outputs", error);
  for (gsize i = 0; i < y->size1; i++)
    for (gsize j = 0; train_mask[i] && j < y->size2; j++)
      if (!isfinite (gsl_matrix_get (y, i, j)))
        {
          g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
                       "The output of training point %zu, column %zu, is not finite (%g)",
                       i + 1, j + 1, gsl_matrix_get (y, i, j));
          return FALSE;
        }
  return TRUE;
}

static gboolean
check_data (const KsStack    *stack,
            const gsl_matrix *k0,
            const gsl_matrix *y,
            const gboolean   *train_mask,
            GError          **error)
{
  for (guint l = 0; l < ks_stack_get_n_layers (stack); l++)
    if (!ks_layer_validate (ks_stack_get_layer (stack, l), error))
      {
        g_prefix_error (error, "layer %u: ", l + 1);
        return FALSE;
      }
  if (k0->size1 != k0->size2 || k0->size1 == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The input kernel must be square and not empty, not %zu x %zu",
                   k0->size1, k0->size2);
      return FALSE;
    }
  if (!ks_matrix_check_finite (k0, "The input kernel", error))
    return FALSE;
  if (y == NULL)
    return TRUE;
  if (y->size1 != k0->size1 || y->size2 == 0)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The outputs must have one row per data point (%zu) and at least one "
                   "column, not %zu x %zu", k0->size1, y->size1, y->size2);
      return FALSE;
    }
  return check_training_outputs (y, train_mask, error);
}

/* Setup */

static void
find_variables (KsDkmProblem *self)
{
  g_autoptr(GArray) layers = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint l = 0; l < self->n_layers; l++)
    {
      const KsLayer *layer = ks_stack_get_layer (self->stack, l);

      if (layer->kind == KS_LAYER_DENSE && layer->width != KS_WIDTH_INFINITE)
        g_array_append_val (layers, l);
    }
  self->n_variables = layers->len;
  self->variable_layers = g_new0 (guint, MAX (layers->len, 1));
  self->variable_weights = g_new0 (double, MAX (layers->len, 1));
  self->step_weights = g_new0 (double, MAX (layers->len, 1));
  for (guint k = 0; k < layers->len; k++)
    {
      const KsLayer *layer;

      self->variable_layers[k] = g_array_index (layers, guint, k);
      layer = ks_stack_get_layer (self->stack, self->variable_layers[k]);
      self->variable_weights[k] = self->options.width_scale * layer->width;
    }
  for (guint k = 0; k < layers->len; k++)
    self->step_weights[k] = self->variable_weights[k]
                            + (k + 1 < layers->len ? self->variable_weights[k + 1]
                                                   : self->output_weight);
}

static gboolean
find_training_points (KsDkmProblem   *self,
                      const gboolean *train_mask,
                      GError        **error)
{
  if (train_mask == NULL)
    {
      self->n_train = self->n_points;
      return TRUE;
    }
  self->train_indices = g_new0 (guint, self->n_points);
  for (guint i = 0; i < self->n_points; i++)
    if (train_mask[i])
      self->train_indices[self->n_train++] = i;
  if (self->n_train > 0)
    return TRUE;
  g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
               "The train mask leaves no training point whose outputs could enter the "
               "likelihood (all %u points are held out)", self->n_points);
  return FALSE;
}

/* The rows of y at the training points (a copy, even of every row). */
static gsl_matrix *
training_rows_new (const KsDkmProblem *self,
                   const gsl_matrix   *y)
{
  gsl_matrix *rows = gsl_matrix_alloc (self->n_train, y->size2);

  for (guint t = 0; t < self->n_train; t++)
    {
      guint i = self->train_indices != NULL ? self->train_indices[t] : t;
      gsl_vector_const_view source = gsl_matrix_const_row (y, i);

      gsl_matrix_set_row (rows, t, &source.vector);
    }
  return rows;
}

/* U with U U^T = Y Y^T / n_cols: Y itself scaled when it has at most as many columns as
 * rows, else from the eigendecomposition of Yhat (so that U never has more columns than
 * rows). */
static gsl_matrix *
output_factor_new (const gsl_matrix *y)
{
  gsize size = y->size1, n_cols = y->size2;
  g_autoptr(gsl_matrix) yhat = NULL;
  g_autoptr(gsl_matrix) vectors = NULL;
  gsl_vector *values;
  gsl_eigen_symmv_workspace *workspace;
  gsl_matrix *u = gsl_matrix_alloc (size, MIN (size, n_cols));

  if (n_cols <= size)
    {
      gsl_matrix_memcpy (u, y);
      gsl_matrix_scale (u, 1.0 / sqrt ((double) n_cols));
      return u;
    }
  yhat = gsl_matrix_alloc (size, size);
  ks_gram (y, 1.0 / (double) n_cols, yhat);
  vectors = gsl_matrix_alloc (size, size);
  values = gsl_vector_alloc (size);
  workspace = gsl_eigen_symmv_alloc (size);
  gsl_eigen_symmv (yhat, values, vectors, workspace);
  gsl_eigen_symmv_free (workspace);
  for (gsize j = 0; j < size; j++)
    {
      gsl_vector_view column = gsl_matrix_column (vectors, j);

      gsl_vector_scale (&column.vector, sqrt (MAX (gsl_vector_get (values, j), 0.0)));
    }
  gsl_matrix_memcpy (u, vectors);
  gsl_vector_free (values);
  return u;
}

static gboolean
forward_fixed_layers (KsDkmProblem *self,
                      GError      **error)
{
  const gsl_matrix *input = self->k0;

  self->n_fixed_layers = self->n_variables > 0 ? self->variable_layers[0] + 1 : self->n_layers;
  self->fixed_kernels = g_new0 (gsl_matrix *, MAX (self->n_fixed_layers, 1));
  for (guint l = 0; l < self->n_fixed_layers; l++)
    {
      self->fixed_kernels[l] = gsl_matrix_alloc (self->n_points, self->n_points);
      if (!ks_layer_forward_infinite (ks_stack_get_layer (self->stack, l), input,
                                      self->fixed_kernels[l], NULL, error))
        {
          g_autofree char *where = dkm_describe_layer (self, l);

          g_prefix_error (error, "%s: ", where);
          return FALSE;
        }
      input = self->fixed_kernels[l];
    }
  return TRUE;
}

static gboolean
factorise_first_prior (KsDkmProblem *self,
                       GError      **error)
{
  g_autofree char *where = dkm_describe_layer (self, self->variable_layers[0]);
  g_autofree char *what = g_strdup_printf ("The prior mean of %s", where);
  gsl_matrix *factor = gsl_matrix_alloc (self->n_points, self->n_points);

  self->first_prior_factor = factor;
  gsl_matrix_memcpy (factor, self->fixed_kernels[self->n_fixed_layers - 1]);
  if (!ks_cholesky_with_jitter (factor, what, &self->first_prior_jitter, error))
    return FALSE;
  for (gsize i = 0; i < factor->size1; i++)
    for (gsize j = i + 1; j < factor->size2; j++)
      gsl_matrix_set (factor, i, j, 0.0);
  self->first_prior_log_det = ks_cholesky_log_det (factor);

  self->first_prior_inverse = gsl_matrix_alloc (self->n_points, self->n_points);
  gsl_matrix_memcpy (self->first_prior_inverse, factor);
  if (gsl_linalg_cholesky_invert (self->first_prior_inverse) != GSL_SUCCESS)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_NOT_POSITIVE_DEFINITE,
                   "%s could not be inverted", what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
fix_constant_objective (KsDkmProblem *self,
                        GError      **error)
{
  g_autoptr(gsl_matrix) factor = NULL;
  const gsl_matrix *k_out;

  if (self->output_weight == 0.0)
    return TRUE;
  k_out = self->n_layers > 0 ? self->fixed_kernels[self->n_layers - 1] : self->k0;
  factor = gsl_matrix_alloc (self->n_points, self->n_points);
  return dkm_output_term (self, k_out, factor, &self->fixed_objective, NULL,
                          &self->fixed_jitter, error);
}

KsDkmProblem *
ks_dkm_problem_new (const KsStack      *stack,
                    const gsl_matrix   *k0,
                    const gsl_matrix   *y,
                    const KsDkmOptions *options,
                    GError            **error)
{
  g_autoptr(KsDkmProblem) self = NULL;
  const KsLayer *readout;
  KsDkmOptions defaults;

  g_return_val_if_fail (stack != NULL && k0 != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ks_core_init ();
  if (options == NULL)
    {
      ks_dkm_options_init (&defaults);
      options = &defaults;
    }
  if (!check_options (options, error)
      || !check_data (stack, k0, y, options->train_mask, error))
    return NULL;

  self = g_new0 (KsDkmProblem, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->stack = ks_stack_copy (stack);
  self->options = *options;
  /* The caller's mask need not outlive the call: the training indices replace it. */
  self->options.train_mask = NULL;
  self->n_points = (guint) k0->size1;
  self->n_layers = ks_stack_get_n_layers (stack);
  self->k0 = gsl_matrix_alloc (k0->size1, k0->size2);
  gsl_matrix_memcpy (self->k0, k0);
  ks_matrix_symmetrize_from_lower (self->k0);

  if (!find_training_points (self, options->train_mask, error))
    return NULL;
  readout = ks_stack_get_readout (stack);
  if (y != NULL)
    {
      g_autoptr(gsl_matrix) y_train = training_rows_new (self, y);

      self->output_weight = readout != NULL ? readout->width : (double) y->size2;
      self->output_factor = output_factor_new (y_train);
    }
  find_variables (self);

  if (!forward_fixed_layers (self, error))
    return NULL;
  if (self->n_variables > 0 ? !factorise_first_prior (self, error)
                            : !fix_constant_objective (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

KsDkmProblem *
ks_dkm_problem_ref (KsDkmProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ks_dkm_problem_unref (KsDkmProblem *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  if (self->fixed_kernels != NULL)
    for (guint l = 0; l < self->n_fixed_layers; l++)
      g_clear_pointer (&self->fixed_kernels[l], gsl_matrix_free);
  g_free (self->fixed_kernels);
  g_clear_pointer (&self->first_prior_factor, gsl_matrix_free);
  g_clear_pointer (&self->first_prior_inverse, gsl_matrix_free);
  g_clear_pointer (&self->output_factor, gsl_matrix_free);
  g_clear_pointer (&self->k0, gsl_matrix_free);
  g_free (self->train_indices);
  g_free (self->variable_layers);
  g_free (self->variable_weights);
  g_free (self->step_weights);
  g_clear_pointer (&self->stack, ks_stack_unref);
  g_free (self);
}

guint
ks_dkm_problem_get_n_points (const KsDkmProblem *self)
{
  return self->n_points;
}

guint
ks_dkm_problem_get_n_layers (const KsDkmProblem *self)
{
  return self->n_layers;
}

guint
ks_dkm_problem_get_n_variables (const KsDkmProblem *self)
{
  return self->n_variables;
}

guint
ks_dkm_problem_get_variable_layer (const KsDkmProblem *self,
                                   guint               variable)
{
  g_return_val_if_fail (variable < self->n_variables, 0);

  return self->variable_layers[variable];
}

double
ks_dkm_problem_get_variable_weight (const KsDkmProblem *self,
                                    guint               variable)
{
  g_return_val_if_fail (variable < self->n_variables, NAN);

  return self->variable_weights[variable];
}

double
ks_dkm_problem_get_output_weight (const KsDkmProblem *self)
{
  return self->output_weight;
}

/* Evaluation at given variables */

static gboolean
load_variable (const KsDkmProblem *self,
               DkmEvaluator       *evaluator,
               guint               k,
               const gsl_matrix   *g,
               GError            **error)
{
  g_autofree char *where = dkm_describe_layer (self, self->variable_layers[k]);
  g_autofree char *what = g_strdup_printf ("The variable of %s", where);
  gsl_matrix *own = dkm_evaluator_get_g (evaluator, k);
  gsl_matrix *factor = dkm_evaluator_get_factor (evaluator, k);

  if (g == NULL || g->size1 != self->n_points || g->size2 != self->n_points)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID, "%s must be %u x %u", what,
                   self->n_points, self->n_points);
      return FALSE;
    }
  if (!ks_matrix_check_finite (g, what, error))
    return FALSE;
  gsl_matrix_memcpy (own, g);
  ks_matrix_symmetrize_from_lower (own);
  gsl_matrix_memcpy (factor, own);
  if (gsl_linalg_cholesky_decomp1 (factor) != GSL_SUCCESS)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_NOT_POSITIVE_DEFINITE,
                   "%s is not positive definite", what);
      return FALSE;
    }
  for (gsize i = 0; i < factor->size1; i++)
    for (gsize j = i + 1; j < factor->size2; j++)
      gsl_matrix_set (factor, i, j, 0.0);
  return TRUE;
}

/* dL/dG = the partial gradient + nu/2 G^{-1} */
static void
complete_gradient (const KsDkmProblem *self,
                   DkmEvaluator       *evaluator,
                   guint               k,
                   gsl_matrix         *gradient)
{
  gsl_matrix_memcpy (gradient, dkm_evaluator_get_factor (evaluator, k));
  gsl_linalg_cholesky_invert (gradient);
  gsl_matrix_scale (gradient, 0.5 * self->variable_weights[k]);
  gsl_matrix_add (gradient, dkm_evaluator_get_partial_gradient (evaluator, k));
}

gboolean
ks_dkm_problem_evaluate (const KsDkmProblem       *self,
                         const gsl_matrix * const *g,
                         double                   *objective,
                         gsl_matrix * const       *gradient,
                         GCancellable             *cancellable,
                         GError                  **error)
{
  g_autoptr(DkmEvaluator) evaluator = NULL;

  g_return_val_if_fail (self != NULL && objective != NULL, FALSE);
  g_return_val_if_fail (g != NULL || self->n_variables == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint k = 0; gradient != NULL && k < self->n_variables; k++)
    g_return_val_if_fail (gradient[k] != NULL && gradient[k]->size1 == self->n_points
                          && gradient[k]->size2 == self->n_points, FALSE);

  ks_core_init ();
  evaluator = dkm_evaluator_new (self, self->options.n_threads);
  for (guint k = 0; k < self->n_variables; k++)
    if (!load_variable (self, evaluator, k, g[k], error))
      return FALSE;
  if (!dkm_evaluator_run (evaluator, gradient != NULL, cancellable, error))
    return FALSE;

  *objective = dkm_evaluator_get_objective (evaluator);
  for (guint k = 0; gradient != NULL && k < self->n_variables; k++)
    complete_gradient (self, evaluator, k, gradient[k]);
  return TRUE;
}
