/* test-dkm.c: the deep kernel machine (MATHS section 3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_roots.h>

#include "ks-dkm.h"
#include "ks-error.h"
#include "ks-lbfgs.h"
#include "ks-linalg.h"
#include "ks-nngp.h"
#include "ks-posterior.h"

/* Random inputs */

static double
gaussian (GRand *rand)
{
  double u = g_rand_double (rand), v = g_rand_double (rand);

  return sqrt (-2.0 * log (1.0 - u)) * cos (2.0 * M_PI * v);
}

static gsl_matrix *
gaussian_matrix (GRand *rand,
                 gsize  rows,
                 gsize  cols)
{
  gsl_matrix *m = gsl_matrix_alloc (rows, cols);

  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      gsl_matrix_set (m, i, j, gaussian (rand));
  return m;
}

/* X X^T / d of a P x d Gaussian X: full rank for d >= P. */
static gsl_matrix *
random_kernel (GRand *rand,
               gsize  size,
               gsize  d)
{
  g_autoptr(gsl_matrix) x = gaussian_matrix (rand, size, d);
  gsl_matrix *k = gsl_matrix_alloc (size, size);

  ks_gram (x, 1.0 / (double) d, k);
  return k;
}

static gsl_matrix *
one_hot (gsize size,
         gsize n_classes)
{
  gsl_matrix *y = gsl_matrix_calloc (size, n_classes);

  for (gsize i = 0; i < size; i++)
    gsl_matrix_set (y, i, i % n_classes, 1.0);
  return y;
}

static gsl_matrix *
copy_matrix (const gsl_matrix *m)
{
  gsl_matrix *copy = gsl_matrix_alloc (m->size1, m->size2);

  gsl_matrix_memcpy (copy, m);
  return copy;
}

static KsStack *
parse (const char *spec)
{
  g_autoptr(GError) error = NULL;
  KsStack *stack = ks_stack_parse (spec, &error);

  g_assert_no_error (error);
  return stack;
}

static KsDkmProblem *
masked_problem_new (const char       *spec,
                    const gsl_matrix *k0,
                    const gsl_matrix *y,
                    double            width_scale,
                    double            tolerance,
                    const gboolean   *train_mask)
{
  g_autoptr(KsStack) stack = parse (spec);
  g_autoptr(GError) error = NULL;
  KsDkmOptions options;
  KsDkmProblem *problem;

  ks_dkm_options_init (&options);
  options.width_scale = width_scale;
  options.gradient_tolerance = tolerance;
  options.train_mask = train_mask;
  problem = ks_dkm_problem_new (stack, k0, y, &options, &error);
  g_assert_no_error (error);
  return problem;
}

static KsDkmProblem *
problem_new (const char       *spec,
             const gsl_matrix *k0,
             const gsl_matrix *y,
             double            width_scale,
             double            tolerance)
{
  return masked_problem_new (spec, k0, y, width_scale, tolerance, NULL);
}

static KsDkmSolution *
solve (const KsDkmProblem  *problem,
       const KsDkmSolution *warm_start)
{
  g_autoptr(GError) error = NULL;
  KsDkmSolution *solution = ks_dkm_solve (problem, warm_start, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (solution);
  return solution;
}

/* Symmetric matrix functions by eigendecomposition */

/* U diag(f(lambda)) U^T with f(lambda) = lambda^power. */
static gsl_matrix *
symmetric_power (const gsl_matrix *m,
                 double            power)
{
  gsize size = m->size1;
  g_autoptr(gsl_matrix) work = copy_matrix (m);
  g_autoptr(gsl_matrix) vectors = gsl_matrix_alloc (size, size);
  g_autoptr(gsl_matrix) scaled = gsl_matrix_alloc (size, size);
  gsl_vector *values = gsl_vector_alloc (size);
  gsl_eigen_symmv_workspace *workspace = gsl_eigen_symmv_alloc (size);
  gsl_matrix *result = gsl_matrix_alloc (size, size);

  gsl_eigen_symmv (work, values, vectors, workspace);
  gsl_matrix_memcpy (scaled, vectors);
  for (gsize j = 0; j < size; j++)
    {
      gsl_vector_view column = gsl_matrix_column (scaled, j);

      g_assert_cmpfloat (gsl_vector_get (values, j), >, 0.0);
      gsl_vector_scale (&column.vector, pow (gsl_vector_get (values, j), power));
    }
  gsl_blas_dgemm (CblasNoTrans, CblasTrans, 1.0, scaled, vectors, 0.0, result);
  gsl_eigen_symmv_free (workspace);
  gsl_vector_free (values);
  return result;
}

static gsl_matrix *
product3 (const gsl_matrix *a,
          const gsl_matrix *b,
          const gsl_matrix *c)
{
  g_autoptr(gsl_matrix) ab = gsl_matrix_alloc (a->size1, b->size2);
  gsl_matrix *abc = gsl_matrix_alloc (a->size1, c->size2);

  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, a, b, 0.0, ab);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, ab, c, 0.0, abc);
  return abc;
}

/* K0^{1/2} (K0^{-1/2} Yhat K0^{-1/2})^t K0^{1/2} */
static gsl_matrix *
geometric_interpolation (const gsl_matrix *k0,
                         const gsl_matrix *yhat,
                         double            t)
{
  g_autoptr(gsl_matrix) root = symmetric_power (k0, 0.5);
  g_autoptr(gsl_matrix) inverse_root = symmetric_power (k0, -0.5);
  g_autoptr(gsl_matrix) whitened = product3 (inverse_root, yhat, inverse_root);
  g_autoptr(gsl_matrix) powered = NULL;

  ks_matrix_symmetrize_from_lower (whitened);
  powered = symmetric_power (whitened, t);
  return product3 (root, powered, root);
}

static gsl_matrix *
output_kernel (const gsl_matrix *y)
{
  gsl_matrix *yhat = gsl_matrix_alloc (y->size1, y->size1);

  ks_gram (y, 1.0 / (double) y->size2, yhat);
  return yhat;
}

/* The deep linear closed forms */

typedef struct
{
  gsize size;
  guint depth;
} GeometricCase;

/* Deep linear, equal widths N = N_out = 2P (so Yhat is full rank), no noise: the optimum
 * is the matrix geometric interpolation between K0 and Yhat. With the tolerance at 1e-11
 * the remaining error of the kernels is below 1e-10; 1e-8 is the acceptance bound. */
static void
test_geometric_interpolation (gconstpointer data)
{
  const GeometricCase *c = data;
  GRand *rand = g_rand_new_with_seed (100 + c->size + c->depth);
  gsize width = 2 * c->size;
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, c->size, 2 * c->size);
  g_autoptr(gsl_matrix) y = gaussian_matrix (rand, c->size, width);
  g_autoptr(gsl_matrix) yhat = output_kernel (y);
  g_autoptr(GString) spec = g_string_new (NULL);
  g_autoptr(KsDkmProblem) problem = NULL;
  g_autoptr(KsDkmSolution) solution = NULL;
  double worst = 0.0;

  for (guint l = 0; l < c->depth; l++)
    g_string_append_printf (spec, "dense:%zu,", width);
  g_string_append_printf (spec, "readout:%zu", width);
  problem = problem_new (spec->str, k0, y, 1.0, 1e-11);
  solution = solve (problem, NULL);
  g_assert_true (ks_dkm_solution_get_converged (solution));
  g_assert_cmpuint (ks_dkm_solution_get_n_variables (solution), ==, c->depth);

  for (guint l = 1; l <= c->depth; l++)
    {
      g_autoptr(gsl_matrix) expected = geometric_interpolation (k0, yhat,
                                                                (double) l / (c->depth + 1));
      double error = ks_matrix_relative_difference (ks_dkm_solution_get_variable (solution, l - 1),
                                                    expected);

      worst = MAX (worst, error);
      g_assert_cmpfloat (error, <=, 1e-8);
      g_assert_true (gsl_matrix_equal (ks_dkm_solution_get_kernel (solution, l - 1),
                                       ks_dkm_solution_get_variable (solution, l - 1)));
    }
  /* No noise: the readout's kernel is the last G. */
  g_assert_true (gsl_matrix_equal (ks_dkm_solution_get_kernel (solution, c->depth),
                                   ks_dkm_solution_get_variable (solution, c->depth - 1)));
  g_test_message ("P = %zu, L = %u: %u iterations, %u evaluations, %.3f s, worst relative "
                  "error %.2e", c->size, c->depth, ks_dkm_solution_get_n_iterations (solution),
                  ks_dkm_solution_get_n_evaluations (solution),
                  ks_dkm_solution_get_seconds (solution), worst);
  g_rand_free (rand);
}

typedef struct
{
  const double *weights;  /* nu_1 .. nu_{L+1} */
  guint         n;
  double        target;   /* g_Y / g_0 */
} RatioEquation;

static double
ratio_equation (double c,
                void  *data)
{
  const RatioEquation *e = data;
  double product = 1.0;

  for (guint l = 0; l < e->n; l++)
    product *= 1.0 + c / e->weights[l];
  return product - e->target;
}

/* c with prod_l (1 + c / nu_l) = target, by Brent's method on (-min nu, upper). */
static double
solve_ratio (const double *weights,
             guint         n,
             double        target)
{
  RatioEquation equation = { weights, n, target };
  gsl_function f = { ratio_equation, &equation };
  gsl_root_fsolver *solver = gsl_root_fsolver_alloc (gsl_root_fsolver_brent);
  double smallest = weights[0], lower, upper = 1.0, root = 0.0;

  for (guint l = 1; l < n; l++)
    smallest = MIN (smallest, weights[l]);
  lower = -smallest * (1.0 - 1e-12);
  while (ratio_equation (upper, &equation) < 0.0)
    upper *= 2.0;
  gsl_root_fsolver_set (solver, &f, lower, upper);
  for (int i = 0; i < 200; i++)
    {
      gsl_root_fsolver_iterate (solver);
      root = gsl_root_fsolver_root (solver);
      lower = gsl_root_fsolver_x_lower (solver);
      upper = gsl_root_fsolver_x_upper (solver);
      if (gsl_root_test_interval (lower, upper, 0.0, 1e-15) == GSL_SUCCESS)
        break;
    }
  gsl_root_fsolver_free (solver);
  return root;
}

/* Unequal widths, K0 = Q diag(k) Q^T and Yhat = Q diag(y) Q^T: per shared eigenvalue
 * g_l / g_{l-1} = 1 + c / nu_l with prod_{l=1}^{L+1} (1 + c / nu_l) = y / k. Checked for
 * two width scales (nu_l = scale N_l, nu_out = N_out), to 1e-8 like the equal-width case. */
static void
test_commuting_unequal_widths (void)
{
  static const guint widths[] = { 5, 12, 30 };
  static const double scales[] = { 1.0, 0.3 };
  const gsize size = 8, depth = G_N_ELEMENTS (widths);
  GRand *rand = g_rand_new_with_seed (8);
  g_autoptr(gsl_matrix) symmetric = random_kernel (rand, size, size);
  g_autoptr(gsl_matrix) basis = gsl_matrix_alloc (size, size);
  g_autoptr(gsl_matrix) k0 = gsl_matrix_alloc (size, size);
  g_autoptr(gsl_matrix) y = gsl_matrix_alloc (size, size);
  double k_values[8], y_values[8];
  gsl_vector *values = gsl_vector_alloc (size);
  gsl_eigen_symmv_workspace *workspace = gsl_eigen_symmv_alloc (size);

  gsl_eigen_symmv (symmetric, values, basis, workspace);
  gsl_eigen_symmv_free (workspace);
  gsl_vector_free (values);
  for (gsize i = 0; i < size; i++)
    {
      k_values[i] = g_rand_double_range (rand, 0.5, 2.0);
      y_values[i] = g_rand_double_range (rand, 0.2, 5.0);
    }
  /* K0 = Q diag(k) Q^T; Y = Q diag(sqrt(N_out y)) with N_out = P columns. */
  for (gsize i = 0; i < size; i++)
    for (gsize j = 0; j < size; j++)
      {
        double sum = 0.0;

        for (gsize m = 0; m < size; m++)
          sum += gsl_matrix_get (basis, i, m) * k_values[m] * gsl_matrix_get (basis, j, m);
        gsl_matrix_set (k0, i, j, sum);
        gsl_matrix_set (y, i, j, gsl_matrix_get (basis, i, j) * sqrt (size * y_values[j]));
      }

  for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
    {
      g_autofree char *spec = g_strdup_printf ("dense:%u,dense:%u,dense:%u,readout:%zu",
                                               widths[0], widths[1], widths[2], size);
      g_autoptr(KsDkmProblem) problem = problem_new (spec, k0, y, scales[s], 1e-11);
      g_autoptr(KsDkmSolution) solution = solve (problem, NULL);
      double weights[4] = { scales[s] * widths[0], scales[s] * widths[1],
                            scales[s] * widths[2], (double) size };
      double worst = 0.0;

      g_assert_true (ks_dkm_solution_get_converged (solution));
      for (guint l = 0; l < depth; l++)
        {
          g_autoptr(gsl_matrix) expected = gsl_matrix_calloc (size, size);
          double g_values[8];

          for (gsize m = 0; m < size; m++)
            {
              double c = solve_ratio (weights, depth + 1, y_values[m] / k_values[m]);

              g_values[m] = k_values[m];
              for (guint i = 0; i <= l; i++)
                g_values[m] *= 1.0 + c / weights[i];
            }
          for (gsize i = 0; i < size; i++)
            for (gsize j = 0; j < size; j++)
              {
                double sum = 0.0;

                for (gsize m = 0; m < size; m++)
                  sum += gsl_matrix_get (basis, i, m) * g_values[m] * gsl_matrix_get (basis, j, m);
                gsl_matrix_set (expected, i, j, sum);
              }
          worst = MAX (worst, ks_matrix_relative_difference (
                         ks_dkm_solution_get_variable (solution, l), expected));
        }
      g_test_message ("width scale %g: %u iterations, worst relative error %.2e", scales[s],
                      ks_dkm_solution_get_n_iterations (solution), worst);
      g_assert_cmpfloat (worst, <=, 1e-8);
    }
  g_rand_free (rand);
}

/* The gradient */

static double
objective_at (const KsDkmProblem *problem,
              gsl_matrix        **g)
{
  g_autoptr(GError) error = NULL;
  double value;

  g_assert_true (ks_dkm_problem_evaluate (problem, (const gsl_matrix * const *) g, &value,
                                          NULL, NULL, &error));
  g_assert_no_error (error);
  return value;
}

/* Every entry of dL/dG_l against a central difference along the symmetric direction
 * E_ij + E_ji (E_ii on the diagonal), which by the convention dL = sum_ij grad_ij dG_ij
 * measures 2 grad_ij off the diagonal: this checks the factor 2 and the symmetry. With
 * h = 1e-5 the truncation error (h^2 / 6 times third derivatives of order nu / lambda^3)
 * and the rounding error (eps |L| / h) are both below 1e-8 relative to the gradient here,
 * so 1e-6 relative (Frobenius) catches any wrong term. */
static void
check_gradient_with_mask (const char     *spec,
                          double          width_scale,
                          guint64         seed,
                          const gboolean *train_mask)
{
  GRand *rand = g_rand_new_with_seed (seed);
  const gsize size = 6;
  const double h = 1e-5;
  g_autoptr(KsStack) stack = parse (spec);
  const KsLayer *readout = ks_stack_get_readout (stack);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, size, 2 * size);
  g_autoptr(gsl_matrix) y = gaussian_matrix (rand, size, readout ? readout->width : 3);
  g_autoptr(KsDkmProblem) problem = masked_problem_new (spec, k0, y, width_scale, 1e-6,
                                                        train_mask);
  guint n = ks_dkm_problem_get_n_variables (problem);
  g_autofree gsl_matrix **g = g_new0 (gsl_matrix *, n);
  g_autofree gsl_matrix **gradient = g_new0 (gsl_matrix *, n);
  g_autoptr(GError) error = NULL;
  double value;

  g_assert_cmpuint (n, >, 0);
  for (guint k = 0; k < n; k++)
    {
      g[k] = random_kernel (rand, size, 2 * size);
      gradient[k] = gsl_matrix_alloc (size, size);
    }
  g_assert_true (ks_dkm_problem_evaluate (problem, (const gsl_matrix * const *) g, &value,
                                          gradient, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (value, ==, objective_at (problem, g));

  for (guint k = 0; k < n; k++)
    {
      g_autoptr(gsl_matrix) fd = gsl_matrix_alloc (size, size);
      double relative;

      for (gsize i = 0; i < size; i++)
        for (gsize j = 0; j <= i; j++)
          {
            double sides[2];

            for (int side = 0; side < 2; side++)
              {
                double step = side == 0 ? h : -h;

                *gsl_matrix_ptr (g[k], i, j) += step;
                if (i != j)
                  *gsl_matrix_ptr (g[k], j, i) += step;
                sides[side] = objective_at (problem, g);
                *gsl_matrix_ptr (g[k], i, j) -= step;
                if (i != j)
                  *gsl_matrix_ptr (g[k], j, i) -= step;
              }
            gsl_matrix_set (fd, i, j, (sides[0] - sides[1]) / (2 * h) / (i == j ? 1.0 : 2.0));
            gsl_matrix_set (fd, j, i, gsl_matrix_get (fd, i, j));
          }
      relative = ks_matrix_relative_difference (gradient[k], fd);
      g_test_message ("%s, variable %u: relative difference %.2e", spec, k, relative);
      g_assert_cmpfloat (relative, <=, 1e-6);
    }
  for (guint k = 0; k < n; k++)
    {
      gsl_matrix_free (g[k]);
      gsl_matrix_free (gradient[k]);
    }
  g_rand_free (rand);
}

static void
check_gradient (const char *spec,
                double      width_scale,
                guint64     seed)
{
  check_gradient_with_mask (spec, width_scale, seed, NULL);
}

static void
test_gradient_identity (void)
{
  check_gradient ("dense:3,dense:5:wv=1.5,readout:4:noise=0.1", 1.0, 1);
  check_gradient ("dense:4,identity,dense:inf:bv=0.3,identity,dense:2", 0.7, 2);
}

static void
test_gradient_relu (void)
{
  check_gradient ("dense:4:wv=2:bv=0.1,relu,dense:inf:wv=2,relu,dense:6:wv=2,relu,"
                  "readout:3:noise=0.05", 1.0, 3);
  check_gradient ("dense:3:wv=2,dense:5:wv=2,relu,readout:2", 2.0, 4);
}

static void
test_gradient_erf (void)
{
  check_gradient ("dense:inf:wv=1.5,erf,dense:5:wv=2:bv=0.2,erf,dense:3,erf,readout:2:noise=0.1",
                  1.0, 5);
}

/* tanh and GELU go through the same chain with quadrature derivatives (accurate to 1e-9),
 * so the same tolerance applies. */
static void
test_gradient_quadrature_kinds (void)
{
  check_gradient ("dense:3:bv=0.1,tanh,dense:4,gelu,readout:2:noise=0.1", 1.0, 6);
}

/* The objective itself, against MATHS section 3 written out with GSL for a one-layer
 * deep linear net: L = -N_out/2 (log|K| + tr(K^{-1} Yhat)) - nu/2 (tr(M^{-1} G) - P
 * + log|M| - log|G|) with K = G + s2 I and M = sw2 K0 + sb2 11^T. Agreement to 1e-12
 * relative is rounding. */
static void
test_objective_value (void)
{
  GRand *rand = g_rand_new_with_seed (21);
  const gsize size = 7;
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, size, 10);
  g_autoptr(gsl_matrix) y = gaussian_matrix (rand, size, 3);
  g_autoptr(gsl_matrix) g = random_kernel (rand, size, 12);
  g_autoptr(KsDkmProblem) problem = problem_new ("dense:9:wv=1.5:bv=0.2,readout:3:noise=0.3",
                                                 k0, y, 2.0, 1e-6);
  g_autoptr(gsl_matrix) yhat = output_kernel (y);
  g_autoptr(gsl_matrix) k = copy_matrix (g);
  g_autoptr(gsl_matrix) m = copy_matrix (k0);
  g_autoptr(gsl_matrix) gg = copy_matrix (g);
  g_autoptr(gsl_matrix) product = gsl_matrix_alloc (size, size);
  double nu = 2.0 * 9, nu_out = 3, expected, value, trace_k = 0, trace_m = 0;
  gsl_matrix *variables[1] = { g };

  for (gsize i = 0; i < size; i++)
    *gsl_matrix_ptr (k, i, i) += 0.3;
  gsl_matrix_scale (m, 1.5);
  gsl_matrix_add_constant (m, 0.2);
  g_assert_true (gsl_linalg_cholesky_decomp1 (k) == GSL_SUCCESS);
  g_assert_true (gsl_linalg_cholesky_decomp1 (m) == GSL_SUCCESS);
  g_assert_true (gsl_linalg_cholesky_decomp1 (gg) == GSL_SUCCESS);
  /* tr(A^{-1} B) = sum_j (A^{-1} b_j)_j */
  gsl_matrix_memcpy (product, yhat);
  for (gsize j = 0; j < size; j++)
    {
      gsl_vector_view column = gsl_matrix_column (product, j);

      gsl_linalg_cholesky_svx (k, &column.vector);
      trace_k += gsl_matrix_get (product, j, j);
    }
  gsl_matrix_memcpy (product, g);
  for (gsize j = 0; j < size; j++)
    {
      gsl_vector_view column = gsl_matrix_column (product, j);

      gsl_linalg_cholesky_svx (m, &column.vector);
      trace_m += gsl_matrix_get (product, j, j);
    }
  expected = -nu_out / 2 * (ks_cholesky_log_det (k) + trace_k)
             - nu / 2 * (trace_m - size + ks_cholesky_log_det (m) - ks_cholesky_log_det (gg));
  g_assert_true (ks_dkm_problem_evaluate (problem, (const gsl_matrix * const *) variables,
                                          &value, NULL, NULL, NULL));
  g_assert_cmpfloat (fabs (value - expected), <=, 1e-12 * fabs (expected));
  g_rand_free (rand);
}

/* Limits */

/* nu -> infinity pins every G_l to its prior mean: at width scale 1e8 the optimum differs
 * from the NNGP by about nu_out / nu ~ 1e-9 relative. Solving from the NNGP converges at
 * once; solving from the width-scale-1 solution (which is far from the NNGP) must travel all
 * the way back. Both match ks_nngp_propagate to 1e-6. */
static void
test_large_width_recovers_nngp (void)
{
  const char *spec = "dense:inf:wv=2,relu,dense:4:wv=2:bv=0.1,relu,dense:inf:wv=2,relu,"
                     "dense:6:wv=2,relu,readout:3:noise=0.1";
  GRand *rand = g_rand_new_with_seed (31);
  const gsize size = 12;
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, size, 5);
  g_autoptr(gsl_matrix) y = one_hot (size, 3);
  g_autoptr(KsStack) stack = parse (spec);
  g_autoptr(KsDkmProblem) narrow = problem_new (spec, k0, y, 1.0, 1e-8);
  g_autoptr(KsDkmProblem) wide = problem_new (spec, k0, y, 1e8, 1e-8);
  g_autoptr(KsDkmSolution) learned = solve (narrow, NULL);
  g_autoptr(KsDkmSolution) cold = solve (wide, NULL);
  g_autoptr(KsDkmSolution) warm = solve (wide, learned);
  guint n_layers = ks_stack_get_n_layers (stack);
  g_autofree gsl_matrix **nngp = g_new0 (gsl_matrix *, n_layers);
  double moved = 0.0;

  g_assert_true (ks_nngp_propagate (stack, k0, nngp, NULL, NULL, NULL));
  g_assert_true (ks_dkm_solution_get_converged (learned));
  g_assert_true (ks_dkm_solution_get_converged (cold));
  g_assert_true (ks_dkm_solution_get_converged (warm));
  g_assert_cmpuint (ks_dkm_solution_get_n_iterations (warm), >, 0);
  for (guint l = 0; l < n_layers; l++)
    {
      moved = MAX (moved, ks_matrix_relative_difference (ks_dkm_solution_get_kernel (learned, l),
                                                         nngp[l]));
      g_assert_cmpfloat (ks_matrix_relative_difference (ks_dkm_solution_get_kernel (cold, l),
                                                        nngp[l]), <=, 1e-6);
      g_assert_cmpfloat (ks_matrix_relative_difference (ks_dkm_solution_get_kernel (warm, l),
                                                        nngp[l]), <=, 1e-6);
    }
  g_test_message ("width scale 1 moved the kernels by %.3f (relative); back to the NNGP in %u "
                  "iterations", moved, ks_dkm_solution_get_n_iterations (warm));
  g_assert_cmpfloat (moved, >, 1e-2);
  for (guint l = 0; l < n_layers; l++)
    gsl_matrix_free (nngp[l]);
  g_rand_free (rand);
}

/* Without finite layers nothing is learned: the posterior is the NNGP, after no iteration,
 * and L is the output log-likelihood at the NNGP's K_out. */
static void
test_no_variables (void)
{
  const char *spec = "dense:inf:wv=2,relu,readout:2:noise=0.2";
  GRand *rand = g_rand_new_with_seed (41);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 5, 8);
  g_autoptr(gsl_matrix) y = gaussian_matrix (rand, 5, 2);
  g_autoptr(KsStack) stack = parse (spec);
  g_autoptr(KsDkmProblem) problem = problem_new (spec, k0, y, 1.0, 1e-6);
  g_autoptr(KsDkmSolution) solution = solve (problem, NULL);
  gsl_matrix *nngp[3];
  double value;

  g_assert_true (ks_nngp_propagate (stack, k0, nngp, NULL, NULL, NULL));
  g_assert_cmpuint (ks_dkm_solution_get_n_iterations (solution), ==, 0);
  g_assert_true (ks_dkm_solution_get_converged (solution));
  for (guint l = 0; l < 3; l++)
    {
      g_assert_cmpfloat (ks_matrix_relative_difference (ks_dkm_solution_get_kernel (solution, l),
                                                        nngp[l]), <=, 1e-15);
      gsl_matrix_free (nngp[l]);
    }
  g_assert_true (ks_dkm_problem_evaluate (problem, NULL, &value, NULL, NULL, NULL));
  g_assert_cmpfloat (value, ==, ks_dkm_solution_get_objective (solution));
  g_rand_free (rand);
}

/* Without outputs the KL terms alone vanish at the prior means: the NNGP is the optimum
 * and its gradient is zero up to rounding, so the solver stops at iteration 0. */
static void
test_no_outputs (void)
{
  const char *spec = "dense:3:wv=2,relu,dense:5:wv=2,erf,readout:2";
  GRand *rand = g_rand_new_with_seed (43);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 6, 8);
  g_autoptr(KsStack) stack = parse (spec);
  g_autoptr(KsDkmProblem) problem = problem_new (spec, k0, NULL, 1.0, 1e-8);
  g_autoptr(KsDkmSolution) solution = solve (problem, NULL);
  gsl_matrix *nngp[5];

  g_assert_cmpfloat (ks_dkm_problem_get_output_weight (problem), ==, 0.0);
  g_assert_true (ks_nngp_propagate (stack, k0, nngp, NULL, NULL, NULL));
  g_assert_cmpuint (ks_dkm_solution_get_n_iterations (solution), ==, 0);
  g_assert_cmpfloat (fabs (ks_dkm_solution_get_objective (solution)), <=, 1e-12);
  for (guint l = 0; l < 5; l++)
    {
      g_assert_cmpfloat (ks_matrix_relative_difference (ks_dkm_solution_get_kernel (solution, l),
                                                        nngp[l]), <=, 1e-14);
      gsl_matrix_free (nngp[l]);
    }
  g_rand_free (rand);
}

/* The solver */

/* After a 10% change of every width, starting from the previous solution re-converges in
 * fewer iterations than starting from the NNGP (it starts closer: here its relative gradient
 * norm is ten times smaller), to the same optimum (1e-4, a hundred times the
 * tolerance, since the error of a point grows with the condition number). */
static void
test_warm_start (void)
{
  const char *before = "dense:inf:wv=2,relu,dense:20:wv=2,relu,dense:20:wv=2,relu,"
                       "readout:3:noise=0.05";
  const char *after = "dense:inf:wv=2,relu,dense:22:wv=2,relu,dense:22:wv=2,relu,"
                      "readout:3:noise=0.05";
  GRand *rand = g_rand_new_with_seed (51);
  const gsize size = 40;
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, size, 10);
  g_autoptr(gsl_matrix) y = one_hot (size, 3);
  g_autoptr(KsDkmProblem) first = problem_new (before, k0, y, 1.0, 1e-6);
  g_autoptr(KsDkmProblem) second = problem_new (after, k0, y, 1.0, 1e-6);
  g_autoptr(KsDkmSolution) previous = solve (first, NULL);
  g_autoptr(KsDkmSolution) cold = solve (second, NULL);
  g_autoptr(KsDkmSolution) warm = solve (second, previous);
  guint n_cold = ks_dkm_solution_get_n_iterations (cold);
  guint n_warm = ks_dkm_solution_get_n_iterations (warm);
  double cold_start = ks_dkm_solution_get_gradient_norm_trace (cold, NULL)[0];
  double warm_start = ks_dkm_solution_get_gradient_norm_trace (warm, NULL)[0];

  g_test_message ("width 20 -> 22: cold start %u iterations (%u evaluations) from a relative "
                  "gradient norm of %.1e, warm start %u (%u evaluations) from %.1e", n_cold,
                  ks_dkm_solution_get_n_evaluations (cold), cold_start, n_warm,
                  ks_dkm_solution_get_n_evaluations (warm), warm_start);
  g_assert_cmpfloat (warm_start, <, cold_start);
  g_assert_true (ks_dkm_solution_get_converged (cold));
  g_assert_true (ks_dkm_solution_get_converged (warm));
  g_assert_cmpuint (n_warm, <, n_cold);
  for (guint l = 0; l < ks_dkm_solution_get_n_layers (cold); l++)
    g_assert_cmpfloat (ks_matrix_relative_difference (ks_dkm_solution_get_kernel (warm, l),
                                                      ks_dkm_solution_get_kernel (cold, l)),
                       <=, 1e-4);
  g_rand_free (rand);
}

typedef struct
{
  guint         calls;
  guint         cancel_at;
  GCancellable *cancellable;
  double        last_gradient_norm;
} ProgressLog;

static void
log_progress (guint    iteration,
              double   objective,
              double   gradient_norm,
              gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpuint (iteration, ==, log->calls);
  g_assert_true (isfinite (objective));
  log->calls++;
  log->last_gradient_norm = gradient_norm;
  if (log->cancellable != NULL && iteration == log->cancel_at)
    g_cancellable_cancel (log->cancellable);
}

/* The traces hold the start and every iteration; each step increases L (up to the
 * rounding level 1e-10 |L| that the line search may accept); the progress callback sees
 * every iteration; max_iterations stops the solver without an error. */
static void
test_diagnostics_and_max_iterations (void)
{
  const char *spec = "dense:inf:wv=2,relu,dense:8:wv=2,relu,dense:8:wv=2,relu,readout:2";
  GRand *rand = g_rand_new_with_seed (61);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 15, 6);
  g_autoptr(gsl_matrix) y = one_hot (15, 2);
  g_autoptr(KsStack) stack = parse (spec);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDkmSolution) solution = NULL;
  g_autoptr(KsDkmProblem) problem = NULL;
  KsDkmOptions options;
  ProgressLog log = { 0 };
  const double *objectives, *norms;
  guint n_objectives, n_norms;

  ks_dkm_options_init (&options);
  options.max_iterations = 3;
  options.gradient_tolerance = 1e-12;
  problem = ks_dkm_problem_new (stack, k0, y, &options, &error);
  g_assert_no_error (error);
  solution = ks_dkm_solve (problem, NULL, log_progress, &log, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (ks_dkm_solution_get_status (solution), ==, KS_DKM_MAX_ITERATIONS);
  g_assert_false (ks_dkm_solution_get_converged (solution));
  g_assert_cmpuint (ks_dkm_solution_get_n_iterations (solution), ==, 3);
  g_assert_cmpuint (log.calls, ==, 4);
  objectives = ks_dkm_solution_get_objective_trace (solution, &n_objectives);
  norms = ks_dkm_solution_get_gradient_norm_trace (solution, &n_norms);
  g_assert_cmpuint (n_objectives, ==, 4);
  g_assert_cmpuint (n_norms, ==, 4);
  for (guint i = 0; i + 1 < n_objectives; i++)
    g_assert_cmpfloat (objectives[i + 1], >=, objectives[i] - 1e-10 * fabs (objectives[i]));
  g_assert_cmpfloat (objectives[3], ==, ks_dkm_solution_get_objective (solution));
  g_assert_cmpfloat (norms[3], ==, ks_dkm_solution_get_gradient_norm (solution));
  g_assert_cmpfloat (norms[3], ==, log.last_gradient_norm);
  g_assert_cmpfloat (norms[0], >, 1e-3);
  g_assert_cmpfloat (ks_dkm_solution_get_max_jitter (solution), ==, 0.0);
  g_assert_cmpstr (ks_dkm_status_to_string (KS_DKM_MAX_ITERATIONS), ==, "max-iterations");
  g_rand_free (rand);
}

/* Cancelled before the start, or from the progress callback (as the GUI does when a slider
 * moves): G_IO_ERROR_CANCELLED, and the solver stops at that iteration. */
static void
test_cancellation (void)
{
  const char *spec = "dense:inf:wv=2,relu,dense:8:wv=2,relu,dense:8:wv=2,relu,readout:2";
  GRand *rand = g_rand_new_with_seed (71);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 15, 6);
  g_autoptr(gsl_matrix) y = one_hot (15, 2);
  g_autoptr(KsDkmProblem) problem = problem_new (spec, k0, y, 1.0, 1e-12);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) early = g_cancellable_new ();
  ProgressLog log = { 0, 2, cancellable, 0 };
  GError *error = NULL;
  KsDkmSolution *solution;

  g_cancellable_cancel (early);
  solution = ks_dkm_solve (problem, NULL, NULL, NULL, early, &error);
  g_assert_null (solution);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  solution = ks_dkm_solve (problem, NULL, log_progress, &log, cancellable, &error);
  g_assert_null (solution);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (log.calls, ==, 3);
  g_clear_error (&error);
  g_rand_free (rand);
}

/* Worker threads share segments and rows, but each result is computed in one fixed order:
 * the solutions agree bit for bit. */
static void
test_thread_independent (void)
{
  const char *spec = "dense:5:wv=2,relu,dense:inf:wv=2,relu,dense:7:wv=2,erf,dense:4,"
                     "readout:2:noise=0.1";
  GRand *rand = g_rand_new_with_seed (81);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 30, 40);
  g_autoptr(gsl_matrix) y = gaussian_matrix (rand, 30, 2);
  g_autoptr(KsStack) stack = parse (spec);
  KsDkmSolution *solutions[2];

  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(KsDkmProblem) problem = NULL;
      KsDkmOptions options;

      ks_dkm_options_init (&options);
      options.n_threads = t == 0 ? 1 : 3;
      problem = ks_dkm_problem_new (stack, k0, y, &options, NULL);
      solutions[t] = solve (problem, NULL);
    }
  g_assert_cmpuint (ks_dkm_solution_get_n_iterations (solutions[0]), ==,
                    ks_dkm_solution_get_n_iterations (solutions[1]));
  for (guint l = 0; l < ks_stack_get_n_layers (stack); l++)
    g_assert_true (gsl_matrix_equal (ks_dkm_solution_get_kernel (solutions[0], l),
                                     ks_dkm_solution_get_kernel (solutions[1], l)));
  ks_dkm_solution_unref (solutions[0]);
  ks_dkm_solution_unref (solutions[1]);
  g_rand_free (rand);
}

/* The optimiser */

typedef struct
{
  gsize         n;
  const double *curvatures;  /* of the quadratic */
  double        tolerance;
} QuadraticCase;

static gboolean
rosenbrock (const double *x,
            double       *value,
            double       *gradient,
            gpointer      user_data,
            GError      **error)
{
  double a = 1.0 - x[0], b = x[1] - x[0] * x[0];

  *value = a * a + 100.0 * b * b;
  gradient[0] = -2.0 * a - 400.0 * x[0] * b;
  gradient[1] = 200.0 * b;
  return TRUE;
}

static gboolean
small_gradient (guint         iteration,
                double        value,
                const double *gradient,
                gboolean     *converged,
                gpointer      user_data,
                GError      **error)
{
  const QuadraticCase *c = user_data;
  double norm2 = 0.0;

  for (gsize i = 0; i < c->n; i++)
    norm2 += gradient[i] * gradient[i];
  *converged = sqrt (norm2) <= c->tolerance;
  return TRUE;
}

/* The Rosenbrock valley from (-1.2, 1), the classic test of a quasi-Newton method with a
 * line search: it must reach the minimum (1, 1) (to 1e-6, from a gradient below 1e-10)
 * within the 100 iterations such methods need at most (typically 30 to 40). */
static void
test_lbfgs_rosenbrock (void)
{
  QuadraticCase c = { 2, NULL, 1e-10 };
  double x[2] = { -1.2, 1.0 }, gradient[2], value;
  KsLbfgsOptions options;
  KsLbfgsReport report;
  g_autoptr(GError) error = NULL;

  ks_lbfgs_options_init (&options);
  rosenbrock (x, &value, gradient, NULL, NULL);
  g_assert_true (ks_lbfgs_minimize (2, x, &value, gradient, &options, rosenbrock, NULL,
                                    small_gradient, &c, &report, &error));
  g_assert_no_error (error);
  g_test_message ("Rosenbrock: %u iterations, %u evaluations", report.n_iterations,
                  report.n_evaluations);
  g_assert_cmpint (report.outcome, ==, KS_LBFGS_CONVERGED);
  g_assert_cmpuint (report.n_iterations, <, 100);
  g_assert_cmpfloat_with_epsilon (x[0], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (x[1], 1.0, 1e-6);
}

static gboolean
quadratic (const double *x,
           double       *value,
           double       *gradient,
           gpointer      user_data,
           GError      **error)
{
  const QuadraticCase *c = user_data;

  *value = 0.0;
  for (gsize i = 0; i < c->n; i++)
    {
      *value += 0.5 * c->curvatures[i] * x[i] * x[i];
      gradient[i] = c->curvatures[i] * x[i];
    }
  return TRUE;
}

static void
inverse_curvature (const double *v,
                   double       *out,
                   gpointer      user_data)
{
  const QuadraticCase *c = user_data;

  for (gsize i = 0; i < c->n; i++)
    out[i] = v[i] / c->curvatures[i];
}

/* A quadratic with curvatures from 1 to 1e4: with its exact inverse Hessian as the
 * preconditioner the first (unit) step lands on the minimum, so L-BFGS needs one
 * iteration; without, it still converges to the same relative tolerance but needs many
 * more. */
static void
test_lbfgs_preconditioner (void)
{
  double curvatures[50], x[50], gradient[50], value;
  QuadraticCase c = { 50, curvatures, 0.0 };
  KsLbfgsOptions options;
  KsLbfgsReport report;
  guint plain_iterations = 0;

  ks_lbfgs_options_init (&options);
  options.first_step = 1.0;
  for (int run = 0; run < 2; run++)
    {
      for (gsize i = 0; i < c.n; i++)
        {
          curvatures[i] = pow (1e4, (double) i / (c.n - 1));
          x[i] = 1.0 + 0.1 * i;
        }
      quadratic (x, &value, gradient, &c, NULL);
      /* Eight orders of magnitude below the starting gradient. */
      c.tolerance = 0.0;
      for (gsize i = 0; i < c.n; i++)
        c.tolerance += gradient[i] * gradient[i];
      c.tolerance = 1e-8 * sqrt (c.tolerance);
      g_assert_true (ks_lbfgs_minimize (c.n, x, &value, gradient, &options, quadratic,
                                        run == 0 ? NULL : inverse_curvature, small_gradient,
                                        &c, &report, NULL));
      g_assert_cmpint (report.outcome, ==, KS_LBFGS_CONVERGED);
      if (run == 0)
        plain_iterations = report.n_iterations;
    }
  g_test_message ("curvatures 1 to 1e4: %u iterations plain, %u preconditioned",
                  plain_iterations, report.n_iterations);
  g_assert_cmpuint (report.n_iterations, ==, 1);
  g_assert_cmpuint (plain_iterations, >, 10);
}

/* f = x - log x is +inf for x <= 0: a first step far into that region must be pulled back
 * by the line search, which then finds the minimum x = 1. */
static gboolean
barrier (const double *x,
         double       *value,
         double       *gradient,
         gpointer      user_data,
         GError      **error)
{
  *value = x[0] > 0.0 ? x[0] - log (x[0]) : INFINITY;
  gradient[0] = 1.0 - 1.0 / x[0];
  return TRUE;
}

static void
test_lbfgs_domain (void)
{
  QuadraticCase c = { 1, NULL, 1e-12 };
  double x[1] = { 10.0 }, gradient[1], value;
  KsLbfgsOptions options;
  KsLbfgsReport report;

  ks_lbfgs_options_init (&options);
  options.first_step = 100.0;
  barrier (x, &value, gradient, NULL, NULL);
  g_assert_true (ks_lbfgs_minimize (1, x, &value, gradient, &options, barrier, NULL,
                                    small_gradient, &c, &report, NULL));
  g_assert_cmpint (report.outcome, ==, KS_LBFGS_CONVERGED);
  g_assert_cmpfloat_with_epsilon (x[0], 1.0, 1e-10);
}

/* Errors */

static void
test_invalid_input (void)
{
  GRand *rand = g_rand_new_with_seed (91);
  g_autoptr(KsStack) stack = parse ("dense:4,dense:5,readout:2");
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 5, 8);
  g_autoptr(gsl_matrix) y = gaussian_matrix (rand, 5, 2);
  g_autoptr(gsl_matrix) wrong_y = gaussian_matrix (rand, 4, 2);
  g_autoptr(gsl_matrix) rectangle = gsl_matrix_calloc (5, 4);
  g_autoptr(gsl_matrix) bad = copy_matrix (k0);
  KsDkmOptions options;
  GError *error = NULL;

  ks_dkm_options_init (&options);
  g_assert_null (ks_dkm_problem_new (stack, rectangle, y, &options, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (ks_dkm_problem_new (stack, k0, wrong_y, &options, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  gsl_matrix_set (bad, 2, 1, NAN);
  g_assert_null (ks_dkm_problem_new (stack, bad, y, &options, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NON_FINITE);
  g_assert_nonnull (strstr (error->message, "row 3, column 2"));
  g_clear_error (&error);

  options.width_scale = 0.0;
  g_assert_null (ks_dkm_problem_new (stack, k0, y, &options, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);

  ks_dkm_options_init (&options);
  options.gradient_tolerance = -1.0;
  g_assert_null (ks_dkm_problem_new (stack, k0, y, &options, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
  g_rand_free (rand);
}

/* A variable that is not positive definite is named by its layer. */
static void
test_evaluate_not_positive_definite (void)
{
  GRand *rand = g_rand_new_with_seed (93);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 5, 8);
  g_autoptr(gsl_matrix) y = gaussian_matrix (rand, 5, 2);
  g_autoptr(KsDkmProblem) problem = problem_new ("dense:inf,relu,dense:4,dense:5,readout:2",
                                                 k0, y, 1.0, 1e-6);
  g_autoptr(gsl_matrix) good = random_kernel (rand, 5, 8);
  g_autoptr(gsl_matrix) singular = random_kernel (rand, 5, 3);
  const gsl_matrix *g[2] = { good, singular };
  GError *error = NULL;
  double value;

  g_assert_false (ks_dkm_problem_evaluate (problem, g, &value, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_NOT_POSITIVE_DEFINITE);
  g_assert_nonnull (strstr (error->message, "layer 4 (dense 5)"));
  g_clear_error (&error);
  g_rand_free (rand);
}

/* A warm start must have the problem's shape. */
static void
test_warm_start_shape (void)
{
  GRand *rand = g_rand_new_with_seed (95);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 5, 8);
  g_autoptr(gsl_matrix) y = gaussian_matrix (rand, 5, 2);
  g_autoptr(KsDkmProblem) one = problem_new ("dense:4,readout:2", k0, y, 1.0, 1e-6);
  g_autoptr(KsDkmProblem) two = problem_new ("dense:4,dense:4,readout:2", k0, y, 1.0, 1e-6);
  g_autoptr(KsDkmSolution) solution = solve (one, NULL);
  GError *error = NULL;

  g_assert_null (ks_dkm_solve (two, solution, NULL, NULL, NULL, &error));
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_clear_error (&error);
  g_rand_free (rand);
}

/* A rank-deficient input kernel (P > features) feeding a finite layer directly makes its
 * prior mean singular: it gets the documented jitter, which is reported, not an error. */
static void
test_singular_input_jitter (void)
{
  GRand *rand = g_rand_new_with_seed (97);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 10, 3);
  g_autoptr(gsl_matrix) y = one_hot (10, 2);
  g_autoptr(KsDkmProblem) problem = problem_new ("dense:6:wv=2,relu,readout:2:noise=0.1",
                                                 k0, y, 1.0, 1e-6);
  g_autoptr(KsDkmSolution) solution = solve (problem, NULL);

  g_assert_cmpfloat (ks_dkm_solution_get_max_jitter (solution), >, 0.0);
  g_rand_free (rand);
}

/* Training points only (MATHS section 6) */

/* Points 2 and 5 of six held out: the masked output term's gradient, embedded into the
 * P x P gradient with zeros outside the training block, must still match central
 * differences (same step and 1e-6 tolerance as the unmasked checks, for the same reasons);
 * stacks with and without readout noise, linear and ReLU. */
static void
test_train_mask_gradient (void)
{
  static const gboolean mask[6] = { TRUE, FALSE, TRUE, TRUE, FALSE, TRUE };

  check_gradient_with_mask ("dense:3,dense:5:wv=1.5,readout:4:noise=0.1", 1.0, 61, mask);
  check_gradient_with_mask ("dense:4:wv=2:bv=0.1,relu,dense:inf:wv=2,relu,dense:6:wv=2,relu,"
                            "readout:3:noise=0.05", 1.0, 62, mask);
  check_gradient_with_mask ("dense:4,identity,dense:inf:bv=0.3,identity,dense:2", 0.7, 63,
                            mask);
}

/* The masked objective splits into two problems the library solves without a mask: the
 * KL term over all P points (the same stack without outputs) plus the output term of the
 * training block alone (a stack without variables, dense:inf with sw2 = 1 and sb2 = 0,
 * whose input kernel is G_tt, so that K_out = G_tt + s2 I, on the training rows of Y).
 * Agreement to 1e-12 relative is rounding. */
static void
test_train_mask_objective (void)
{
  static const gboolean mask[7] = { TRUE, TRUE, FALSE, TRUE, FALSE, FALSE, TRUE };
  static const guint train[4] = { 0, 1, 3, 6 };
  const char *spec = "dense:5:wv=1.5:bv=0.2,readout:3:noise=0.3";
  GRand *rand = g_rand_new_with_seed (64);
  const gsize size = 7;
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, size, 10);
  g_autoptr(gsl_matrix) y = gaussian_matrix (rand, size, 3);
  g_autoptr(gsl_matrix) g = random_kernel (rand, size, 12);
  g_autoptr(gsl_matrix) g_train = gsl_matrix_alloc (4, 4);
  g_autoptr(gsl_matrix) y_train = gsl_matrix_alloc (4, 3);
  g_autoptr(KsDkmProblem) masked = masked_problem_new (spec, k0, y, 2.0, 1e-6, mask);
  g_autoptr(KsDkmProblem) prior_only = problem_new (spec, k0, NULL, 2.0, 1e-6);
  g_autoptr(KsDkmProblem) output_only = NULL;
  gsl_matrix *variables[1] = { g };
  double value, kl_part, output_part;

  for (guint a = 0; a < 4; a++)
    {
      for (guint b = 0; b < 4; b++)
        gsl_matrix_set (g_train, a, b, gsl_matrix_get (g, train[a], train[b]));
      for (guint c = 0; c < 3; c++)
        gsl_matrix_set (y_train, a, c, gsl_matrix_get (y, train[a], c));
    }
  output_only = problem_new ("dense:inf,readout:3:noise=0.3", g_train, y_train, 1.0, 1e-6);
  g_assert_cmpuint (ks_dkm_problem_get_n_variables (output_only), ==, 0);

  g_assert_true (ks_dkm_problem_evaluate (masked, (const gsl_matrix * const *) variables,
                                          &value, NULL, NULL, NULL));
  g_assert_true (ks_dkm_problem_evaluate (prior_only, (const gsl_matrix * const *) variables,
                                          &kl_part, NULL, NULL, NULL));
  g_assert_true (ks_dkm_problem_evaluate (output_only, NULL, &output_part, NULL, NULL, NULL));
  g_assert_cmpfloat (fabs (value - (kl_part + output_part)), <=,
                     1e-12 * (fabs (kl_part) + fabs (output_part)));
  g_rand_free (rand);
}

static KsDkmSolution *
solve_masked (const char       *spec,
              const gsl_matrix *k0,
              const gsl_matrix *y,
              const gboolean   *mask)
{
  g_autoptr(KsDkmProblem) problem = masked_problem_new (spec, k0, y, 1.0, 1e-8, mask);

  return solve (problem, NULL);
}

static gboolean
same_bits (const gsl_matrix *a,
           const gsl_matrix *b)
{
  return a->size1 == b->size1 && a->size2 == b->size2 && a->tda == a->size2
         && b->tda == b->size2
         && memcmp (a->data, b->data, a->size1 * a->size2 * sizeof (double)) == 0;
}

static void
assert_same_solution (const KsDkmSolution *a,
                      const KsDkmSolution *b)
{
  g_assert_cmpuint (ks_dkm_solution_get_n_iterations (a), ==,
                    ks_dkm_solution_get_n_iterations (b));
  g_assert_cmpfloat (ks_dkm_solution_get_objective (a), ==, ks_dkm_solution_get_objective (b));
  for (guint l = 0; l < ks_dkm_solution_get_n_layers (a); l++)
    g_assert_true (same_bits (ks_dkm_solution_get_kernel (a, l),
                              ks_dkm_solution_get_kernel (b, l)));
}

#define MASK_STACK "dense:inf:wv=2,relu,dense:4:wv=2,relu,dense:inf:wv=2,relu,readout:3:noise=0.1"

/* A mask that keeps every point is no mask: the same solution, bit for bit. */
static void
test_train_mask_all_true (void)
{
  GRand *rand = g_rand_new_with_seed (65);
  const gsize size = 12;
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, size, 5);
  g_autoptr(gsl_matrix) y = one_hot (size, 3);
  gboolean mask[12];
  g_autoptr(KsDkmSolution) unmasked = NULL;
  g_autoptr(KsDkmSolution) masked = NULL;

  for (gsize i = 0; i < size; i++)
    mask[i] = TRUE;
  unmasked = solve_masked (MASK_STACK, k0, y, NULL);
  masked = solve_masked (MASK_STACK, k0, y, mask);
  g_assert_true (ks_dkm_solution_get_converged (unmasked));
  assert_same_solution (unmasked, masked);
  g_rand_free (rand);
}

/* The outputs of held-out points are never read: changing them (even to NaN) leaves the
 * solution identical bit for bit. The mask does matter: the solution differs from the
 * unmasked one by more than 1e-3 relative at the bottleneck (here by about 0.3). */
static void
test_train_mask_ignores_test_outputs (void)
{
  static const gboolean mask[12] = { TRUE, FALSE, TRUE, TRUE, TRUE, FALSE,
                                     TRUE, TRUE, FALSE, TRUE, TRUE, FALSE };
  GRand *rand = g_rand_new_with_seed (66);
  const gsize size = 12;
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, size, 5);
  g_autoptr(gsl_matrix) y = one_hot (size, 3);
  g_autoptr(gsl_matrix) changed = copy_matrix (y);
  g_autoptr(KsDkmSolution) masked = NULL;
  g_autoptr(KsDkmSolution) masked_changed = NULL;
  g_autoptr(KsDkmSolution) unmasked = NULL;
  double difference;

  for (gsize i = 0; i < size; i++)
    for (gsize j = 0; !mask[i] && j < 3; j++)
      gsl_matrix_set (changed, i, j, i == 5 ? NAN : 7.0 * (double) (j + 1) - (double) i);
  masked = solve_masked (MASK_STACK, k0, y, mask);
  masked_changed = solve_masked (MASK_STACK, k0, changed, mask);
  unmasked = solve_masked (MASK_STACK, k0, y, NULL);
  g_assert_true (ks_dkm_solution_get_converged (masked));
  assert_same_solution (masked, masked_changed);

  difference = ks_matrix_relative_difference (ks_dkm_solution_get_kernel (masked, 2),
                                              ks_dkm_solution_get_kernel (unmasked, 2));
  g_test_message ("masking 4 of 12 points changed the bottleneck by %.3f (relative)",
                  difference);
  g_assert_cmpfloat (difference, >, 1e-3);
  g_rand_free (rand);
}

/* A mask that holds out every point leaves nothing to learn from: an error, not the NNGP. */
static void
test_train_mask_empty (void)
{
  g_autoptr(KsStack) stack = parse (MASK_STACK);
  GRand *rand = g_rand_new_with_seed (67);
  g_autoptr(gsl_matrix) k0 = random_kernel (rand, 4, 5);
  g_autoptr(gsl_matrix) y = one_hot (4, 3);
  static const gboolean mask[4] = { FALSE, FALSE, FALSE, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDkmProblem) problem = NULL;
  KsDkmOptions options;

  ks_dkm_options_init (&options);
  options.train_mask = mask;
  problem = ks_dkm_problem_new (stack, k0, y, &options, &error);
  g_assert_null (problem);
  g_assert_error (error, KS_ERROR, KS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no training point"));
  g_rand_free (rand);
}

/* ks_posterior_compute passes the mask on to the deep kernel machine (the same kernels,
 * bit for bit, as solving the masked problem directly with the default tolerance), and HMC,
 * whose likelihood spans every point, refuses a mask that holds points out. */
static void
test_train_mask_posterior (void)
{
  static const gboolean mask[8] = { TRUE, TRUE, FALSE, TRUE, TRUE, FALSE, TRUE, TRUE };
  GRand *rand = g_rand_new_with_seed (68);
  const gsize size = 8;
  g_autoptr(gsl_matrix) inputs = gaussian_matrix (rand, size, 5);
  g_autoptr(gsl_matrix) k0 = gsl_matrix_alloc (size, size);
  g_autoptr(gsl_matrix) y = one_hot (size, 3);
  g_autoptr(KsStack) stack = parse (MASK_STACK);
  g_autoptr(KsStack) finite = parse ("dense:4,relu,readout:3:noise=0.1");
  g_autoptr(KsPosterior) posterior = NULL;
  g_autoptr(KsPosterior) sampled = NULL;
  g_autoptr(KsDkmProblem) problem = NULL;
  g_autoptr(KsDkmSolution) direct = NULL;
  g_autoptr(GError) error = NULL;
  KsPosteriorOptions options;

  ks_gram (inputs, 1.0 / 5.0, k0);
  ks_posterior_options_init (&options);
  options.train_mask = mask;
  options.n_threads = 1;
  posterior = ks_posterior_compute (stack, inputs, k0, y, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  problem = masked_problem_new (MASK_STACK, k0, y, 1.0, 1e-6, mask);
  direct = solve (problem, NULL);
  g_assert_cmpuint (ks_posterior_get_n_layers (posterior), ==,
                    ks_dkm_solution_get_n_layers (direct));
  for (guint l = 0; l < ks_posterior_get_n_layers (posterior); l++)
    g_assert_true (same_bits (ks_posterior_get_kernel (posterior, l),
                              ks_dkm_solution_get_kernel (direct, l)));

  options.method = KS_POSTERIOR_HMC;
  options.n_warmup = 2;
  options.n_draws = 2;
  sampled = ks_posterior_compute (finite, inputs, k0, y, &options, NULL, NULL, NULL, &error);
  g_assert_null (sampled);
  g_assert_error (error, KS_ERROR, KS_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "2 of the 8 points"));
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  static const GeometricCase geometric[] = { { 5, 1 }, { 20, 3 }, { 50, 10 } };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (geometric); i++)
    {
      g_autofree char *path = g_strdup_printf ("/dkm/deep-linear/geometric/P%zu-L%u",
                                               geometric[i].size, geometric[i].depth);

      g_test_add_data_func (path, &geometric[i], test_geometric_interpolation);
    }
  g_test_add_func ("/dkm/deep-linear/commuting-unequal-widths", test_commuting_unequal_widths);
  g_test_add_func ("/dkm/gradient/identity", test_gradient_identity);
  g_test_add_func ("/dkm/gradient/relu", test_gradient_relu);
  g_test_add_func ("/dkm/gradient/erf", test_gradient_erf);
  g_test_add_func ("/dkm/gradient/tanh-gelu", test_gradient_quadrature_kinds);
  g_test_add_func ("/dkm/objective-value", test_objective_value);
  g_test_add_func ("/dkm/limits/large-width-is-nngp", test_large_width_recovers_nngp);
  g_test_add_func ("/dkm/limits/no-variables", test_no_variables);
  g_test_add_func ("/dkm/limits/no-outputs", test_no_outputs);
  g_test_add_func ("/dkm/solver/warm-start", test_warm_start);
  g_test_add_func ("/dkm/solver/diagnostics", test_diagnostics_and_max_iterations);
  g_test_add_func ("/dkm/solver/cancellation", test_cancellation);
  g_test_add_func ("/dkm/solver/threads", test_thread_independent);
  g_test_add_func ("/dkm/lbfgs/rosenbrock", test_lbfgs_rosenbrock);
  g_test_add_func ("/dkm/lbfgs/preconditioner", test_lbfgs_preconditioner);
  g_test_add_func ("/dkm/lbfgs/domain", test_lbfgs_domain);
  g_test_add_func ("/dkm/errors/invalid-input", test_invalid_input);
  g_test_add_func ("/dkm/errors/not-positive-definite", test_evaluate_not_positive_definite);
  g_test_add_func ("/dkm/errors/warm-start-shape", test_warm_start_shape);
  g_test_add_func ("/dkm/errors/singular-input-jitter", test_singular_input_jitter);
  g_test_add_func ("/dkm/train-mask/gradient", test_train_mask_gradient);
  g_test_add_func ("/dkm/train-mask/objective", test_train_mask_objective);
  g_test_add_func ("/dkm/train-mask/all-true", test_train_mask_all_true);
  g_test_add_func ("/dkm/train-mask/ignores-test-outputs", test_train_mask_ignores_test_outputs);
  g_test_add_func ("/dkm/train-mask/empty", test_train_mask_empty);
  g_test_add_func ("/dkm/train-mask/posterior", test_train_mask_posterior);
  return g_test_run ();
}
