/* ks-lbfgs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * L-BFGS (Nocedal and Wright, Numerical Optimization, algorithm 7.5) with the two-loop
 * recursion for the search direction and the bracketing / zoom line search of their
 * algorithms 3.5 and 3.6, interpolating with the cubic through both ends' values and
 * slopes. Near the optimum f stops resolving the decrease of a step (its change falls
 * below rounding) while the gradient still resolves the slope, so a step is also accepted
 * when f did not rise beyond its rounding level and the slope meets the curvature
 * condition (Hager and Zhang's approximate Wolfe conditions).
 */
#include "ks-lbfgs.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cblas.h>

void
ks_lbfgs_options_init (KsLbfgsOptions *options)
{
  *options = (KsLbfgsOptions) {
    .memory = 10,
    .max_iterations = 1000,
    .max_evaluations_per_search = 30,
    .sufficient_decrease = 1e-4,
    .curvature = 0.9,
    .first_step = 0.0,
    .value_noise = 1e-10,
  };
}

static double
dot (gsize         n,
     const double *a,
     const double *b)
{
  return cblas_ddot ((int) n, a, 1, b, 1);
}

/* Line search */

typedef struct
{
  double alpha;
  double value;  /* +inf outside the domain */
  double slope;  /* along the direction */
} LinePoint;

typedef struct
{
  gsize                 n;
  const KsLbfgsOptions *options;
  KsLbfgsObjective      objective;
  gpointer              user_data;
  const double         *origin;
  const double         *direction;
  LinePoint             start;
  double               *x;         /* the last trial point */
  double               *gradient;  /* at x */
  double               *value;     /* at x */
  guint                 n_evaluations;
} LineSearch;

static gboolean
line_evaluate (LineSearch *search,
               double      alpha,
               LinePoint  *point,
               GError    **error)
{
  double value;

  for (gsize i = 0; i < search->n; i++)
    search->x[i] = search->origin[i] + alpha * search->direction[i];
  if (!search->objective (search->x, &value, search->gradient, search->user_data, error))
    return FALSE;
  search->n_evaluations++;

  point->alpha = alpha;
  point->value = isfinite (value) ? value : INFINITY;
  point->slope = isfinite (value) ? dot (search->n, search->gradient, search->direction) : NAN;
  if (!isfinite (point->slope))
    point->value = INFINITY;
  *search->value = point->value;
  return TRUE;
}

static gboolean
sufficient_decrease (const LineSearch *search,
                     const LinePoint  *point)
{
  return point->value <= search->start.value
                         + search->options->sufficient_decrease * point->alpha
                           * search->start.slope;
}

static gboolean
within_rounding (const LineSearch *search,
                 double            value,
                 double            reference)
{
  return fabs (value - reference) <= search->options->value_noise * fabs (search->start.value);
}

static gboolean
acceptable (const LineSearch *search,
            const LinePoint  *point)
{
  if (!isfinite (point->value)
      || fabs (point->slope) > -search->options->curvature * search->start.slope)
    return FALSE;
  return sufficient_decrease (search, point)
         || point->value <= search->start.value
                            + search->options->value_noise * fabs (search->start.value);
}

/* A trial step strictly inside the bracket [lo, hi] (either order): the minimiser of the
 * cubic through both ends, or of the secant of the slopes when the values differ by
 * rounding only, kept at least a tenth of the width away from the ends. */
static double
interpolate (const LineSearch *search,
             const LinePoint  *lo,
             const LinePoint  *hi)
{
  double width = hi->alpha - lo->alpha;
  double low = MIN (lo->alpha, hi->alpha) + 0.1 * fabs (width);
  double high = MAX (lo->alpha, hi->alpha) - 0.1 * fabs (width);
  double step = NAN;

  if (!isfinite (hi->value))
    return lo->alpha + 0.2 * width;

  if (within_rounding (search, hi->value, lo->value))
    {
      if (hi->slope != lo->slope)
        step = lo->alpha - lo->slope * width / (hi->slope - lo->slope);
    }
  else
    {
      double d1 = lo->slope + hi->slope - 3.0 * (lo->value - hi->value) / (lo->alpha - hi->alpha);
      double discriminant = d1 * d1 - lo->slope * hi->slope;

      if (discriminant >= 0.0)
        {
          double d2 = copysign (sqrt (discriminant), width);

          step = hi->alpha - width * (hi->slope + d2 - d1) / (hi->slope - lo->slope + 2.0 * d2);
        }
    }
  if (!isfinite (step))
    return lo->alpha + 0.5 * width;
  return CLAMP (step, low, high);
}

/* When the search runs out of evaluations, the best point with sufficient decrease is
 * still progress: evaluate it again so that it is the last point passed to f. */
static gboolean
settle_for (LineSearch      *search,
            const LinePoint *best,
            gboolean        *found,
            GError         **error)
{
  LinePoint again;

  *found = FALSE;
  if (!(best->alpha > 0.0 && best->value < search->start.value))
    return TRUE;
  if (!line_evaluate (search, best->alpha, &again, error))
    return FALSE;
  *found = again.value < search->start.value;
  return TRUE;
}

static gboolean
zoom (LineSearch *search,
      LinePoint   lo,
      LinePoint   hi,
      guint       budget,
      gboolean   *found,
      GError    **error)
{
  for (guint j = 0; j < budget; j++)
    {
      LinePoint current;

      if (fabs (hi.alpha - lo.alpha) <= 1e-15 * MAX (fabs (lo.alpha), fabs (hi.alpha)))
        break;
      if (!line_evaluate (search, interpolate (search, &lo, &hi), &current, error))
        return FALSE;
      if (acceptable (search, &current))
        {
          *found = TRUE;
          return TRUE;
        }
      if (!isfinite (current.value) || !sufficient_decrease (search, &current)
          || current.value >= lo.value)
        hi = current;
      else
        {
          if (current.slope * (hi.alpha - lo.alpha) >= 0.0)
            hi = lo;
          lo = current;
        }
    }
  return settle_for (search, &lo, found, error);
}

/* Strong Wolfe step along the direction, starting with step length alpha. */
static gboolean
line_search (LineSearch *search,
             double      alpha,
             gboolean   *found,
             GError    **error)
{
  guint budget = MAX (search->options->max_evaluations_per_search, 2);
  LinePoint previous = search->start;

  *found = FALSE;
  for (guint i = 0; i < budget; i++)
    {
      LinePoint current;

      if (!line_evaluate (search, alpha, &current, error))
        return FALSE;
      if (acceptable (search, &current))
        {
          *found = TRUE;
          return TRUE;
        }
      if (!isfinite (current.value) || !sufficient_decrease (search, &current)
          || (i > 0 && current.value >= previous.value))
        return zoom (search, previous, current, budget - i - 1, found, error);
      if (current.slope >= 0.0)
        return zoom (search, current, previous, budget - i - 1, found, error);
      previous = current;
      alpha *= 4.0;
    }
  return settle_for (search, &previous, found, error);
}

/* Correction pairs */

typedef struct
{
  gsize    n;
  guint    capacity;
  guint    count;
  guint    newest;
  double **s;
  double **y;
  double  *rho;    /* 1 / (y . s) */
  double  *alpha;  /* two-loop scratch */
} Memory;

static Memory *
memory_new (gsize n,
            guint capacity)
{
  Memory *self = g_new0 (Memory, 1);

  self->n = n;
  self->capacity = MAX (capacity, 1);
  self->s = g_new (double *, self->capacity);
  self->y = g_new (double *, self->capacity);
  for (guint i = 0; i < self->capacity; i++)
    {
      self->s[i] = g_new (double, n);
      self->y[i] = g_new (double, n);
    }
  self->rho = g_new (double, self->capacity);
  self->alpha = g_new (double, self->capacity);
  return self;
}

static void
memory_free (Memory *self)
{
  for (guint i = 0; i < self->capacity; i++)
    {
      g_free (self->s[i]);
      g_free (self->y[i]);
    }
  g_free (self->s);
  g_free (self->y);
  g_free (self->rho);
  g_free (self->alpha);
  g_free (self);
}

/* Stores (x_new - x_old, g_new - g_old) as the newest pair if its curvature s . y is
 * positive, so that the implied inverse Hessian stays positive definite. When the memory
 * is full the pair takes the oldest one's place, which is dropped either way. */
static void
memory_push (Memory       *self,
             const double *x_new,
             const double *x_old,
             const double *g_new,
             const double *g_old)
{
  guint slot = self->count == 0 ? 0 : (self->newest + 1) % self->capacity;
  double *s = self->s[slot], *y = self->y[slot];
  double sy;

  for (gsize i = 0; i < self->n; i++)
    {
      s[i] = x_new[i] - x_old[i];
      y[i] = g_new[i] - g_old[i];
    }
  sy = dot (self->n, s, y);
  if (!(sy > 1e-12 * sqrt (dot (self->n, y, y) * dot (self->n, s, s))))
    {
      if (self->count == self->capacity)
        self->count--;
      return;
    }
  self->rho[slot] = 1.0 / sy;
  self->newest = slot;
  self->count = MIN (self->count + 1, self->capacity);
}

typedef struct
{
  KsLbfgsPreconditioner apply;
  gpointer              user_data;
  double               *applied;  /* P v */
} Preconditioner;

static void
precondition (const Preconditioner *preconditioner,
              gsize                 n,
              const double         *v,
              double               *out)
{
  if (preconditioner->apply != NULL)
    preconditioner->apply (v, out, preconditioner->user_data);
  else
    memcpy (out, v, n * sizeof *v);
}

/* direction = -H gradient by the two-loop recursion, H0 = gamma P with
 * gamma = s.y / y.P y of the newest pair. */
static void
memory_direction (Memory               *self,
                  const Preconditioner *preconditioner,
                  const double         *gradient,
                  double               *direction)
{
  gsize n = self->n;
  guint slot;

  for (gsize i = 0; i < n; i++)
    direction[i] = -gradient[i];
  if (self->count == 0)
    {
      precondition (preconditioner, n, direction, preconditioner->applied);
      memcpy (direction, preconditioner->applied, n * sizeof *direction);
      return;
    }

  slot = self->newest;
  for (guint k = 0; k < self->count; k++)
    {
      self->alpha[slot] = self->rho[slot] * dot (n, self->s[slot], direction);
      cblas_daxpy ((int) n, -self->alpha[slot], self->y[slot], 1, direction, 1);
      slot = (slot + self->capacity - 1) % self->capacity;
    }
  {
    double *y = self->y[self->newest];
    double gamma;

    precondition (preconditioner, n, y, preconditioner->applied);
    gamma = 1.0 / (self->rho[self->newest] * dot (n, y, preconditioner->applied));
    precondition (preconditioner, n, direction, preconditioner->applied);
    memcpy (direction, preconditioner->applied, n * sizeof *direction);
    cblas_dscal ((int) n, gamma, direction, 1);
  }
  slot = (self->newest + self->capacity - self->count + 1) % self->capacity;
  for (guint k = 0; k < self->count; k++)
    {
      double beta = self->rho[slot] * dot (n, self->y[slot], direction);

      cblas_daxpy ((int) n, self->alpha[slot] - beta, self->s[slot], 1, direction, 1);
      slot = (slot + 1) % self->capacity;
    }
}

/* The minimisation */

typedef struct
{
  double *origin;
  double *origin_gradient;
  double *direction;
} Scratch;

static double
first_step_length (const KsLbfgsOptions *options,
                   gsize                 n,
                   const double         *gradient)
{
  if (options->first_step > 0.0)
    return options->first_step;
  return 1.0 / MAX (sqrt (dot (n, gradient, gradient)), 1e-300);
}

/* One accepted step from x; *found is FALSE when the line search made no progress (x,
 * value and gradient are then restored). */
static gboolean
take_step (gsize                 n,
           double               *x,
           double               *value,
           double               *gradient,
           const KsLbfgsOptions *options,
           Memory               *memory,
           const Preconditioner *preconditioner,
           Scratch              *scratch,
           KsLbfgsObjective      objective,
           gpointer              user_data,
           KsLbfgsReport        *report,
           gboolean             *found,
           GError              **error)
{
  double slope, alpha;
  LineSearch search;

  memory_direction (memory, preconditioner, gradient, scratch->direction);
  slope = dot (n, gradient, scratch->direction);
  if (!(slope < 0.0))
    {
      /* Rounding broke the descent property: start the memory afresh. */
      memory->count = 0;
      memory_direction (memory, preconditioner, gradient, scratch->direction);
      slope = dot (n, gradient, scratch->direction);
    }
  alpha = memory->count > 0 ? 1.0 : first_step_length (options, n, gradient);

  memcpy (scratch->origin, x, n * sizeof *x);
  memcpy (scratch->origin_gradient, gradient, n * sizeof *gradient);
  search = (LineSearch) {
    .n = n,
    .options = options,
    .objective = objective,
    .user_data = user_data,
    .origin = scratch->origin,
    .direction = scratch->direction,
    .start = { 0.0, *value, slope },
    .x = x,
    .gradient = gradient,
    .value = value,
  };
  if (!line_search (&search, alpha, found, error))
    return FALSE;
  report->n_evaluations += search.n_evaluations;

  if (!*found)
    {
      memcpy (x, scratch->origin, n * sizeof *x);
      memcpy (gradient, scratch->origin_gradient, n * sizeof *gradient);
      *value = search.start.value;
      return TRUE;
    }
  memory_push (memory, x, scratch->origin, gradient, scratch->origin_gradient);
  return TRUE;
}

gboolean
ks_lbfgs_minimize (gsize                 n,
                   double               *x,
                   double               *value,
                   double               *gradient,
                   const KsLbfgsOptions *options,
                   KsLbfgsObjective      objective,
                   KsLbfgsPreconditioner apply_preconditioner,
                   KsLbfgsMonitor        monitor,
                   gpointer              user_data,
                   KsLbfgsReport        *report,
                   GError              **error)
{
  g_autofree double *origin = g_new (double, n);
  g_autofree double *origin_gradient = g_new (double, n);
  g_autofree double *direction = g_new (double, n);
  Memory *memory;
  g_autofree double *applied = g_new (double, n);
  Scratch scratch = { origin, origin_gradient, direction };
  Preconditioner preconditioner = { apply_preconditioner, user_data, applied };
  gboolean converged = FALSE, ok = TRUE;

  g_return_val_if_fail (x != NULL && value != NULL && gradient != NULL, FALSE);
  g_return_val_if_fail (options != NULL && objective != NULL && monitor != NULL, FALSE);

  *report = (KsLbfgsReport) { KS_LBFGS_MAX_ITERATIONS, 0, 0 };
  if (!monitor (0, *value, gradient, &converged, user_data, error))
    return FALSE;
  if (converged)
    {
      report->outcome = KS_LBFGS_CONVERGED;
      return TRUE;
    }

  memory = memory_new (n, options->memory);
  while (report->n_iterations < options->max_iterations)
    {
      gboolean found;

      ok = take_step (n, x, value, gradient, options, memory, &preconditioner, &scratch,
                      objective, user_data, report, &found, error);
      if (ok && !found && memory->count > 0)
        {
          /* The quasi-Newton direction may be poor after a sharp change of curvature:
           * retry once along the gradient before giving up. */
          memory->count = 0;
          ok = take_step (n, x, value, gradient, options, memory, &preconditioner,
                          &scratch, objective, user_data, report, &found, error);
        }
      if (!ok)
        break;
      if (!found)
        {
          report->outcome = KS_LBFGS_STALLED;
          break;
        }
      report->n_iterations++;
      ok = monitor (report->n_iterations, *value, gradient, &converged, user_data, error);
      if (!ok)
        break;
      if (converged)
        {
          report->outcome = KS_LBFGS_CONVERGED;
          break;
        }
    }
  memory_free (memory);
  return ok;
}
