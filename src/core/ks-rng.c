/* ks-rng.c: xoshiro256** streams keyed by (seed, sample, layer)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GSL's generators take 32-bit seeds, too few to keep every (seed, sample, layer) stream
 * apart, so the streams use xoshiro256** (Blackman and Vigna) behind a gsl_rng_type: the
 * whole 256-bit state is filled from the three keys by splitmix64, and GSL's samplers
 * (ziggurat Gaussians, gamma, chi-squared) draw from it unchanged.
 */
#include "ks-rng.h"

#include <gsl/gsl_randist.h>

typedef struct
{
  guint64 s[4];
} XoshiroState;

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
xoshiro_next (XoshiroState *st)
{
  guint64 *s = st->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void
xoshiro_seed_keys (XoshiroState *st, guint64 a, guint64 b, guint64 c)
{
  guint64 x = a;

  /* Mix each key into the splitmix sequence so nearby keys give unrelated states. */
  x = splitmix64 (&x) ^ b;
  x = splitmix64 (&x) ^ c;
  for (int i = 0; i < 4; i++)
    st->s[i] = splitmix64 (&x);
}

static void
xoshiro_set (void *state, unsigned long seed)
{
  xoshiro_seed_keys (state, seed, 0, 0);
}

/* GSL's ziggurat reads 32 random bits per call when the range is 2^32. */
static unsigned long
xoshiro_get (void *state)
{
  return (unsigned long) (xoshiro_next (state) >> 32);
}

static double
xoshiro_get_double (void *state)
{
  return (double) (xoshiro_next (state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
  "ks-xoshiro256**",
  0xffffffffUL,
  0,
  sizeof (XoshiroState),
  xoshiro_set,
  xoshiro_get,
  xoshiro_get_double,
};

gsl_rng *
ks_rng_new_stream (guint64 seed,
                   guint64 sample,
                   guint64 layer)
{
  gsl_rng *rng = gsl_rng_alloc (&xoshiro_type);

  xoshiro_seed_keys (rng->state, seed, sample, layer);
  return rng;
}

void
ks_rng_fill_gaussian (gsl_rng *rng,
                      double  *out,
                      gsize    n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = gsl_ran_gaussian_ziggurat (rng, 1.0);
}
