/* ks-dataset-generators.c: small synthetic data sets in the plane
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every generator writes its points grouped by class (class 0 first), so a kernel over
 * them shows the classes as blocks on its diagonal, and draws all randomness from one
 * stream keyed by the seed, so a seed always gives the same points.
 */
#include "ks-dataset-private.h"

#include <math.h>
#include <gsl/gsl_randist.h>

#include "ks-error.h"
#include "ks-linalg.h"
#include "ks-rng.h"

#define MIN_POINTS 4

typedef void (*GenerateFunc) (gsl_rng *rng,
                              guint    n_points,
                              double  *inputs,
                              int     *labels);

/* Point i of n in k equal consecutive groups: 0 for the first n/k points, and so on. */
static int
block_of (guint i,
          guint n_points,
          guint n_blocks)
{
  return (int) ((guint64) i * n_blocks / n_points);
}

/* Evenly spread angles around the unit circle with Gaussian noise of standard deviation
 * 0.05 on each coordinate. The label is the quarter of the circle (4 classes), so that
 * neighbours in angle share a class and the kernel's decay with angle shows as blocks. */
static void
generate_ring (gsl_rng *rng,
               guint    n_points,
               double  *inputs,
               int     *labels)
{
  for (guint i = 0; i < n_points; i++)
    {
      double angle = 2.0 * G_PI * i / n_points;

      inputs[2 * i] = cos (angle) + gsl_ran_gaussian_ziggurat (rng, 0.05);
      inputs[2 * i + 1] = sin (angle) + gsl_ran_gaussian_ziggurat (rng, 0.05);
      labels[i] = block_of (i, n_points, 4);
    }
}

/* Two spirals of one and a half turns each, the second turned by half a circle, radius
 * growing from near 0 to 1, with noise of standard deviation 0.02: class = spiral. */
static void
generate_spirals (gsl_rng *rng,
                  guint    n_points,
                  double  *inputs,
                  int     *labels)
{
  guint first = (n_points + 1) / 2;

  for (guint i = 0; i < n_points; i++)
    {
      int spiral = i < first ? 0 : 1;
      guint count = spiral == 0 ? first : n_points - first;
      guint k = spiral == 0 ? i : i - first;
      double t = (k + 1.0) / count;
      double angle = 3.0 * G_PI * t + spiral * G_PI;

      inputs[2 * i] = t * cos (angle) + gsl_ran_gaussian_ziggurat (rng, 0.02);
      inputs[2 * i + 1] = t * sin (angle) + gsl_ran_gaussian_ziggurat (rng, 0.02);
      labels[i] = spiral;
    }
}

/* Three round Gaussian clusters of standard deviation 0.5 centred on the corners of an
 * equilateral triangle of circumradius 2: class = cluster. */
static void
generate_blobs (gsl_rng *rng,
                guint    n_points,
                double  *inputs,
                int     *labels)
{
  for (guint i = 0; i < n_points; i++)
    {
      int cluster = block_of (i, n_points, 3);
      double angle = G_PI / 2.0 + 2.0 * G_PI * cluster / 3.0;

      inputs[2 * i] = 2.0 * cos (angle) + gsl_ran_gaussian_ziggurat (rng, 0.5);
      inputs[2 * i + 1] = 2.0 * sin (angle) + gsl_ran_gaussian_ziggurat (rng, 0.5);
      labels[i] = cluster;
    }
}

/* Uniform in the square (-1, 1)^2 with class = (x < 0) xor (y < 0): class 0 fills the
 * first and third quadrants, class 1 the second and fourth. Each point draws its
 * magnitudes and one random sign; its class fixes the other sign. */
static void
generate_xor (gsl_rng *rng,
              guint    n_points,
              double  *inputs,
              int     *labels)
{
  for (guint i = 0; i < n_points; i++)
    {
      int klass = block_of (i, n_points, 2);
      double sign = gsl_rng_uniform (rng) < 0.5 ? -1.0 : 1.0;

      inputs[2 * i] = sign * gsl_rng_uniform_pos (rng);
      inputs[2 * i + 1] = (klass == 0 ? sign : -sign) * gsl_rng_uniform_pos (rng);
      labels[i] = klass;
    }
}

static const struct
{
  const char *name;
  GenerateFunc generate;
} generators[] = {
  { "ring", generate_ring },
  { "spirals", generate_spirals },
  { "blobs", generate_blobs },
  { "xor", generate_xor },
};

gboolean
ks_dataset_is_generator_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (generators); i++)
    if (g_str_equal (generators[i].name, name))
      return TRUE;
  return FALSE;
}

KsDataset *
ks_dataset_generate (const char *name,
                     guint       n_points,
                     guint64     seed,
                     GError    **error)
{
  g_autoptr(gsl_rng) rng = NULL;
  double *inputs;
  int *labels;
  guint which;

  g_return_val_if_fail (name != NULL, NULL);

  for (which = 0; which < G_N_ELEMENTS (generators); which++)
    if (g_str_equal (generators[which].name, name))
      break;
  if (which == G_N_ELEMENTS (generators))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "No generator is called “%s”: there are ring, spirals, blobs and xor",
                   name);
      return NULL;
    }
  if (n_points < MIN_POINTS || n_points > KS_DATASET_MAX_POINTS)
    {
      g_set_error (error, KS_ERROR, KS_ERROR_INVALID,
                   "The %s generator makes from %d to %u points, not %u",
                   name, MIN_POINTS, KS_DATASET_MAX_POINTS, n_points);
      return NULL;
    }

  ks_core_init ();
  rng = ks_rng_new_stream (seed, KS_DATASET_RNG_SAMPLE, KS_DATASET_RNG_GENERATE);
  inputs = g_new (double, 2 * (gsize) n_points);
  labels = g_new (int, n_points);
  generators[which].generate (rng, n_points, inputs, labels);
  return ks_dataset_new_take (name, n_points, 2, inputs, labels, 0, NULL);
}
