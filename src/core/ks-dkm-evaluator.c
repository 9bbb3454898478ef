/* ks-dkm-evaluator.c: the deep kernel machine's objective and its gradient at one point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per prior segment, with K = L L^T (the prior mean) and G = F F^T (the variable), the
 * term -nu/2 (tr(K^{-1} G) - P + log|K| - log|G|) takes W = L^{-1} F, tr(K^{-1} G) =
 * ||W||_F^2, and its gradient in K, -nu/2 (K^{-1} - K^{-1} G K^{-1}), takes
 * Z = L^{-T} W with K^{-1} G K^{-1} = Z Z^T. The gradient in K then flows back through the
 * segment's layers to its source: a dense map scales it by sw2 (the bias is a constant),
 * the readout passes it on, a nonlinearity goes through ks_activation_kernel_backward.
 */
#include "ks-dkm-private.h"

#include <math.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_linalg.h>

#include "ks-activation.h"
#include "ks-activation-gradient.h"
#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-nngp.h"

typedef struct
{
  guint        first_layer;
  guint        end_layer;
  gsl_matrix **kernels;          /* the output of each of its layers */
  gsl_matrix  *factor;           /* Cholesky factor of the target */
  gsl_matrix  *inverse;          /* the prior mean's inverse */
  gsl_matrix  *gradient;         /* dL / d target, and a buffer of the backward pass */
  gsl_matrix  *work;             /* W and Z, and the other backward buffer */
  gsl_matrix  *source_gradient;  /* gradient or work after the backward, or NULL */
  double       value;
  double       jitter;
  GError      *error;
} Segment;

struct _DkmEvaluator
{
  const KsDkmProblem *problem;
  guint               n_threads;
  gsl_matrix        **g;
  gsl_matrix        **factor;
  gsl_matrix        **partial_gradient;
  Segment            *segments;      /* 0..n_variables; 0 only holds W of the first term */
  double              objective;
  double              max_jitter;
  /* Of the current run */
  gboolean            with_gradient;
  guint               inner_threads;
  GCancellable       *cancellable;
};

/* Parallel tasks */

typedef struct
{
  DkmTaskFunc task;
  gpointer    data;
  guint       n_tasks;
  gint        next;
} TaskQueue;

static gpointer
task_worker (gpointer data)
{
  TaskQueue *queue = data;

  for (;;)
    {
      guint index = (guint) g_atomic_int_add (&queue->next, 1);

      if (index >= queue->n_tasks)
        return NULL;
      queue->task (index, queue->data);
    }
}

void
dkm_run_parallel (guint       n_tasks,
                  guint       n_workers,
                  DkmTaskFunc task,
                  gpointer    data)
{
  TaskQueue queue = { task, data, n_tasks, 0 };
  g_autofree GThread **threads = NULL;

  n_workers = MAX (1, MIN (n_workers, n_tasks));
  threads = g_new0 (GThread *, n_workers);
  for (guint k = 1; k < n_workers; k++)
    threads[k] = g_thread_try_new ("ks-dkm", task_worker, &queue, NULL);
  task_worker (&queue);
  for (guint k = 1; k < n_workers; k++)
    if (threads[k] != NULL)
      g_thread_join (threads[k]);
}

/* Small matrix helpers */

static void
zero_upper (gsl_matrix *m)
{
  for (gsize i = 0; i < m->size1; i++)
    for (gsize j = i + 1; j < m->size2; j++)
      gsl_matrix_set (m, i, j, 0.0);
}

static double
sum_of_squares (const gsl_matrix *m)
{
  double sum = 0.0;

  for (gsize i = 0; i < m->size1; i++)
    {
      const double *row = gsl_matrix_const_ptr (m, i, 0);

      for (gsize j = 0; j < m->size2; j++)
        sum += row[j] * row[j];
    }
  return sum;
}

/* log|F F^T| of a triangular F whose diagonal may be negative. */
static double
factor_log_det (const gsl_matrix *f)
{
  double sum = 0.0;

  for (gsize i = 0; i < f->size1; i++)
    sum += log (fabs (gsl_matrix_get (f, i, i)));
  return 2.0 * sum;
}

/* b := L^{-1} b (transpose: L^{-T} b) for lower triangular L. */
static void
solve_lower (const gsl_matrix *l,
             gboolean          transpose,
             gsl_matrix       *b)
{
  cblas_dtrsm (CblasRowMajor, CblasLeft, CblasLower, transpose ? CblasTrans : CblasNoTrans,
               CblasNonUnit, (int) b->size1, (int) b->size2, 1.0, l->data, (int) l->tda,
               b->data, (int) b->tda);
}

/* out := alpha a a^T - beta s, on the lower triangle, then mirrored. */
static void
outer_minus (gsl_matrix       *out,
             double            alpha,
             const gsl_matrix *a,
             double            beta,
             const gsl_matrix *s)
{
  cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans, (int) a->size1, (int) a->size2,
               alpha, a->data, (int) a->tda, 0.0, out->data, (int) out->tda);
  for (gsize i = 0; i < out->size1; i++)
    {
      double *row = gsl_matrix_ptr (out, i, 0);
      const double *s_row = gsl_matrix_const_ptr (s, i, 0);

      for (gsize j = 0; j <= i; j++)
        row[j] -= beta * s_row[j];
    }
  ks_matrix_symmetrize_from_lower (out);
}

/* Lower Cholesky factor (upper zeroed) of a kernel the model must factorise. */
static gboolean
factorise_kernel (const gsl_matrix *k,
                  gsl_matrix       *factor,
                  const char       *what,
                  double           *jitter,
                  GError          **error)
{
  gsl_matrix_memcpy (factor, k);
  if (!ks_cholesky_with_jitter (factor, what, jitter, error))
    return FALSE;
  zero_upper (factor);
  return TRUE;
}

/* The output term */

/* Over every point: K, factor (scratch) and gradient are n_train x n_train. */
static gboolean
output_term_dense (const KsDkmProblem *problem,
                   const gsl_matrix   *k_out,
                   gsl_matrix         *factor,
                   double             *value,
                   gsl_matrix         *gradient,
                   double             *jitter,
                   GError            **error)
{
  const gsl_matrix *u = problem->output_factor;
  g_autoptr(gsl_matrix) q = NULL;
  double nu = problem->output_weight;

  if (!factorise_kernel (k_out, factor, "The output kernel K_out", jitter, error))
    return FALSE;
  q = gsl_matrix_alloc (u->size1, u->size2);
  gsl_matrix_memcpy (q, u);
  solve_lower (factor, FALSE, q);
  *value = -0.5 * nu * (ks_cholesky_log_det (factor) + sum_of_squares (q));
  if (gradient == NULL)
    return TRUE;

  /* K^{-1} Yhat K^{-1} = (L^{-T} Q) (L^{-T} Q)^T */
  solve_lower (factor, TRUE, q);
  if (gsl_linalg_cholesky_invert (factor) != GSL_SUCCESS)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_NOT_POSITIVE_DEFINITE,
                   "The output kernel K_out could not be inverted");
      return FALSE;
    }
  outer_minus (gradient, 0.5 * nu, q, 0.5 * nu, factor);
  return TRUE;
}

/* The term over the training block of K_out; its gradient, zero outside that block, goes
 * back into the P x P gradient. */
gboolean
dkm_output_term (const KsDkmProblem *problem,
                 const gsl_matrix   *k_out,
                 gsl_matrix         *factor,
                 double             *value,
                 gsl_matrix         *gradient,
                 double             *jitter,
                 GError            **error)
{
  const guint *train = problem->train_indices;
  guint n_train = problem->n_train;
  g_autoptr(gsl_matrix) k_train = NULL;
  g_autoptr(gsl_matrix) train_gradient = NULL;
  gsl_matrix_view train_factor;

  if (train == NULL)
    return output_term_dense (problem, k_out, factor, value, gradient, jitter, error);

  k_train = gsl_matrix_alloc (n_train, n_train);
  for (guint a = 0; a < n_train; a++)
    for (guint b = 0; b < n_train; b++)
      gsl_matrix_set (k_train, a, b, gsl_matrix_get (k_out, train[a], train[b]));
  train_factor = gsl_matrix_submatrix (factor, 0, 0, n_train, n_train);
  if (gradient != NULL)
    train_gradient = gsl_matrix_alloc (n_train, n_train);
  if (!output_term_dense (problem, k_train, &train_factor.matrix, value, train_gradient,
                          jitter, error))
    return FALSE;
  if (gradient == NULL)
    return TRUE;

  gsl_matrix_set_zero (gradient);
  for (guint a = 0; a < n_train; a++)
    for (guint b = 0; b < n_train; b++)
      gsl_matrix_set (gradient, train[a], train[b], gsl_matrix_get (train_gradient, a, b));
  return TRUE;
}

/* The evaluator */

static void
segment_init (Segment *segment,
              guint    first_layer,
              guint    end_layer,
              gsize    size)
{
  segment->first_layer = first_layer;
  segment->end_layer = end_layer;
  segment->kernels = g_new0 (gsl_matrix *, end_layer - first_layer);
  for (guint l = 0; l < end_layer - first_layer; l++)
    segment->kernels[l] = gsl_matrix_alloc (size, size);
  segment->factor = gsl_matrix_alloc (size, size);
  segment->inverse = gsl_matrix_alloc (size, size);
  segment->gradient = gsl_matrix_alloc (size, size);
  segment->work = gsl_matrix_alloc (size, size);
}

static void
segment_clear (Segment *segment)
{
  for (guint l = 0; l < segment->end_layer - segment->first_layer; l++)
    gsl_matrix_free (segment->kernels[l]);
  g_clear_pointer (&segment->kernels, g_free);
  g_clear_pointer (&segment->factor, gsl_matrix_free);
  g_clear_pointer (&segment->inverse, gsl_matrix_free);
  g_clear_pointer (&segment->gradient, gsl_matrix_free);
  g_clear_pointer (&segment->work, gsl_matrix_free);
  g_clear_error (&segment->error);
}

DkmEvaluator *
dkm_evaluator_new (const KsDkmProblem *problem,
                   guint               n_threads)
{
  DkmEvaluator *self = g_new0 (DkmEvaluator, 1);
  guint n = problem->n_variables;
  gsize size = problem->n_points;

  self->problem = problem;
  self->n_threads = n_threads != 0 ? n_threads : ks_default_n_threads ();
  self->g = g_new0 (gsl_matrix *, n);
  self->factor = g_new0 (gsl_matrix *, n);
  self->partial_gradient = g_new0 (gsl_matrix *, n);
  for (guint k = 0; k < n; k++)
    {
      self->g[k] = gsl_matrix_alloc (size, size);
      self->factor[k] = gsl_matrix_calloc (size, size);
      self->partial_gradient[k] = gsl_matrix_alloc (size, size);
    }
  self->segments = g_new0 (Segment, n + 1);
  if (n > 0)
    {
      self->segments[0].work = gsl_matrix_alloc (size, size);
      for (guint s = 1; s <= n; s++)
        segment_init (&self->segments[s], dkm_segment_first_layer (problem, s),
                      dkm_segment_end_layer (problem, s), size);
    }
  return self;
}

void
dkm_evaluator_free (DkmEvaluator *self)
{
  guint n = self->problem->n_variables;

  for (guint k = 0; k < n; k++)
    {
      gsl_matrix_free (self->g[k]);
      gsl_matrix_free (self->factor[k]);
      gsl_matrix_free (self->partial_gradient[k]);
    }
  g_free (self->g);
  g_free (self->factor);
  g_free (self->partial_gradient);
  for (guint s = 0; s <= n; s++)
    segment_clear (&self->segments[s]);
  g_free (self->segments);
  g_free (self);
}

guint
dkm_evaluator_get_n_threads (const DkmEvaluator *self)
{
  return self->n_threads;
}

gsl_matrix *
dkm_evaluator_get_g (DkmEvaluator *self,
                     guint         variable)
{
  return self->g[variable];
}

gsl_matrix *
dkm_evaluator_get_factor (DkmEvaluator *self,
                          guint         variable)
{
  return self->factor[variable];
}

const gsl_matrix *
dkm_evaluator_get_partial_gradient (const DkmEvaluator *self,
                                    guint               variable)
{
  return self->partial_gradient[variable];
}

double
dkm_evaluator_get_objective (const DkmEvaluator *self)
{
  return self->objective;
}

double
dkm_evaluator_get_max_jitter (const DkmEvaluator *self)
{
  return self->max_jitter;
}

/* Segments */

/* -nu/2 (tr(K^{-1} G) - P + log|K| - log|G|), leaving W = L^{-1} F in w. */
static double
prior_term (double            nu,
            const gsl_matrix *prior_factor,
            double            prior_log_det,
            const gsl_matrix *variable_factor,
            gsl_matrix       *w)
{
  gsl_matrix_memcpy (w, variable_factor);
  solve_lower (prior_factor, FALSE, w);
  return -0.5 * nu * (sum_of_squares (w) - (double) w->size1 + prior_log_det
                      - factor_log_det (variable_factor));
}

static gboolean
layer_forward (DkmEvaluator     *self,
               guint             index,
               const gsl_matrix *input,
               gsl_matrix       *output,
               GError          **error)
{
  const KsLayer *layer = ks_stack_get_layer (self->problem->stack, index);

  if (ks_layer_kind_is_nonlinearity (layer->kind))
    return ks_activation_kernel_full (layer->kind, input, output, NULL, self->inner_threads,
                                      self->cancellable, error);
  return ks_layer_forward_infinite (layer, input, output, self->cancellable, error);
}

static gboolean
segment_forward (DkmEvaluator *self,
                 guint         s,
                 GError      **error)
{
  Segment *segment = &self->segments[s];
  const gsl_matrix *input = self->g[s - 1];

  for (guint l = segment->first_layer; l < segment->end_layer; l++)
    {
      gsl_matrix *output = segment->kernels[l - segment->first_layer];

      if (!layer_forward (self, l, input, output, error))
        {
          g_autofree char *where = dkm_describe_layer (self->problem, l);

          g_prefix_error (error, "%s: ", where);
          return FALSE;
        }
      input = output;
    }
  return TRUE;
}

static const gsl_matrix *
segment_target (DkmEvaluator *self,
                guint         s)
{
  Segment *segment = &self->segments[s];

  if (segment->end_layer == segment->first_layer)
    return self->g[s - 1];
  return segment->kernels[segment->end_layer - segment->first_layer - 1];
}

static gboolean
prior_segment_term (DkmEvaluator *self,
                    guint         s,
                    GError      **error)
{
  const KsDkmProblem *problem = self->problem;
  Segment *segment = &self->segments[s];
  double nu = problem->variable_weights[s];
  g_autofree char *where = dkm_describe_layer (problem, problem->variable_layers[s]);
  g_autofree char *what = g_strdup_printf ("The prior mean of %s", where);

  if (!factorise_kernel (segment_target (self, s), segment->factor, what, &segment->jitter,
                         error))
    return FALSE;
  segment->value = prior_term (nu, segment->factor, ks_cholesky_log_det (segment->factor),
                               self->factor[s], segment->work);
  if (!self->with_gradient)
    return TRUE;

  solve_lower (segment->factor, TRUE, segment->work);
  gsl_matrix_memcpy (segment->inverse, segment->factor);
  if (gsl_linalg_cholesky_invert (segment->inverse) != GSL_SUCCESS)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_NOT_POSITIVE_DEFINITE,
                   "%s could not be inverted", what);
      return FALSE;
    }
  outer_minus (segment->gradient, 0.5 * nu, segment->work, 0.5 * nu, segment->inverse);
  return TRUE;
}

static gboolean
segment_backward (DkmEvaluator *self,
                  guint         s,
                  GError      **error)
{
  Segment *segment = &self->segments[s];
  /* The gradient ping-pongs between two buffers; work is free once the term is done. */
  gsl_matrix *bar = segment->gradient, *spare = segment->work;

  for (guint l = segment->end_layer; l-- > segment->first_layer;)
    {
      const KsLayer *layer = ks_stack_get_layer (self->problem->stack, l);
      const gsl_matrix *input;
      gsl_matrix *swap;

      if (layer->kind == KS_LAYER_DENSE)
        gsl_matrix_scale (bar, layer->weight_var);
      if (!ks_layer_kind_is_nonlinearity (layer->kind))
        continue;

      input = l > segment->first_layer ? segment->kernels[l - segment->first_layer - 1]
                                       : self->g[s - 1];
      if (!ks_activation_kernel_backward_full (layer->kind, input, bar, spare,
                                               self->inner_threads, self->cancellable, error))
        {
          g_autofree char *where = dkm_describe_layer (self->problem, l);

          g_prefix_error (error, "%s: ", where);
          return FALSE;
        }
      swap = bar;
      bar = spare;
      spare = swap;
    }
  segment->source_gradient = bar;
  return TRUE;
}

static gboolean
run_segment (DkmEvaluator *self,
             guint         s,
             GError      **error)
{
  const KsDkmProblem *problem = self->problem;
  Segment *segment = &self->segments[s];
  gboolean is_output = s == problem->n_variables;

  segment->value = 0.0;
  segment->jitter = 0.0;
  segment->source_gradient = NULL;
  if (!segment_forward (self, s, error))
    return FALSE;

  if (!is_output)
    {
      if (!prior_segment_term (self, s, error))
        return FALSE;
    }
  else if (problem->output_weight > 0.0)
    {
      if (!dkm_output_term (problem, segment_target (self, s), segment->factor,
                            &segment->value, self->with_gradient ? segment->gradient : NULL,
                            &segment->jitter, error))
        return FALSE;
    }
  else
    return TRUE;

  return !self->with_gradient || segment_backward (self, s, error);
}

static void
segment_task (guint    index,
              gpointer data)
{
  DkmEvaluator *self = data;
  const KsDkmProblem *problem = self->problem;
  Segment *segment = &self->segments[index];

  if (index == 0)
    {
      segment->value = prior_term (problem->variable_weights[0], problem->first_prior_factor,
                                   problem->first_prior_log_det, self->factor[0],
                                   segment->work);
      segment->jitter = problem->first_prior_jitter;
      return;
    }
  run_segment (self, index, &segment->error);
}

/* dL/dG_k without nu_k/2 G_k^{-1}: -nu_k/2 K_k^{-1} from its own term, plus what flows
 * back from the segment it feeds. */
static void
combine_gradients (DkmEvaluator *self)
{
  const KsDkmProblem *problem = self->problem;

  for (guint k = 0; k < problem->n_variables; k++)
    {
      const gsl_matrix *prior_inverse = k == 0 ? problem->first_prior_inverse
                                               : self->segments[k].inverse;
      const gsl_matrix *downstream = self->segments[k + 1].source_gradient;
      gsl_matrix *out = self->partial_gradient[k];

      gsl_matrix_memcpy (out, prior_inverse);
      gsl_matrix_scale (out, -0.5 * problem->variable_weights[k]);
      if (downstream != NULL)
        gsl_matrix_add (out, downstream);
    }
}

gboolean
dkm_evaluator_run (DkmEvaluator *self,
                   gboolean      with_gradient,
                   GCancellable *cancellable,
                   GError      **error)
{
  const KsDkmProblem *problem = self->problem;
  guint n = problem->n_variables;
  gboolean parallel = n >= 2 && self->n_threads >= 2;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (n == 0)
    {
      self->objective = problem->fixed_objective;
      self->max_jitter = problem->fixed_jitter;
      return TRUE;
    }

  /* Several segments share the threads among themselves; a single one gives them to the
   * row loops of its nonlinearities. */
  self->with_gradient = with_gradient;
  self->cancellable = cancellable;
  self->inner_threads = parallel ? 1 : self->n_threads;
  dkm_run_parallel (n + 1, parallel ? self->n_threads : 1, segment_task, self);
  self->cancellable = NULL;

  for (guint s = 0; s <= n; s++)
    if (self->segments[s].error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&self->segments[s].error));
        for (guint t = s + 1; t <= n; t++)
          g_clear_error (&self->segments[t].error);
        return FALSE;
      }

  self->objective = 0.0;
  self->max_jitter = 0.0;
  for (guint s = 0; s <= n; s++)
    {
      self->objective += self->segments[s].value;
      self->max_jitter = MAX (self->max_jitter, self->segments[s].jitter);
    }
  if (!isfinite (self->objective))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_NON_FINITE,
                   "The deep kernel machine's objective is not finite (%g)", self->objective);
      return FALSE;
    }
  if (with_gradient)
    combine_gradients (self);
  return TRUE;
}

gboolean
dkm_evaluator_set_prior_means (DkmEvaluator *self,
                               GCancellable *cancellable,
                               GError      **error)
{
  const KsDkmProblem *problem = self->problem;

  if (problem->n_variables == 0)
    return TRUE;
  gsl_matrix_memcpy (self->g[0], problem->fixed_kernels[problem->n_fixed_layers - 1]);
  self->inner_threads = self->n_threads;
  self->cancellable = cancellable;
  for (guint s = 1; s < problem->n_variables; s++)
    {
      if (!segment_forward (self, s, error))
        {
          self->cancellable = NULL;
          return FALSE;
        }
      gsl_matrix_memcpy (self->g[s], segment_target (self, s));
    }
  self->cancellable = NULL;
  return TRUE;
}

static gsl_matrix *
copy_matrix (const gsl_matrix *m)
{
  gsl_matrix *copy = gsl_matrix_alloc (m->size1, m->size2);

  gsl_matrix_memcpy (copy, m);
  return copy;
}

gsl_matrix **
dkm_evaluator_collect_kernels (const DkmEvaluator *self)
{
  const KsDkmProblem *problem = self->problem;
  gsl_matrix **kernels = g_new0 (gsl_matrix *, MAX (problem->n_layers, 1));
  guint s = 0;

  for (guint l = 0; l < problem->n_layers; l++)
    {
      while (s < problem->n_variables && l > problem->variable_layers[s])
        s++;
      if (s < problem->n_variables && l == problem->variable_layers[s])
        kernels[l] = copy_matrix (self->g[s]);
      else if (l < problem->n_fixed_layers)
        kernels[l] = copy_matrix (problem->fixed_kernels[l]);
      else
        kernels[l] = copy_matrix (self->segments[s].kernels[l - self->segments[s].first_layer]);
    }
  return kernels;
}
