/* ks-hermite-rule.c: the positive half of an even Gauss-Hermite rule for N(0, 1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-hermite-rule.h"

#include <math.h>
#include <gsl/gsl_integration.h>

#include "ks-linalg.h"

static const guint cached_node_counts[] = { 16, 24, 32, 48, 64, 96, 128, 192, 256 };

gboolean
ks_hermite_rule_init (KsHermiteRule *rule,
                      guint          n_nodes)
{
  gsl_integration_fixed_workspace *workspace;
  const double *nodes, *weights;
  double total = 0.0;
  guint k = 0;

  /* Weight exp(-x^2 / 2): the nodes are already those of a standard normal. */
  workspace = gsl_integration_fixed_alloc (gsl_integration_fixed_hermite, n_nodes,
                                           0.0, 0.5, 0.0, 0.0);
  if (workspace == NULL)
    return FALSE;

  nodes = gsl_integration_fixed_nodes (workspace);
  weights = gsl_integration_fixed_weights (workspace);
  rule->n_half = n_nodes / 2;
  rule->nodes = g_new (double, rule->n_half);
  rule->weights = g_new (double, rule->n_half);
  for (guint i = 0; i < n_nodes && k < rule->n_half; i++)
    if (nodes[i] > 0.0)
      {
        rule->nodes[k] = nodes[i];
        rule->weights[k] = weights[i];
        total += 2.0 * weights[i];
        k++;
      }
  gsl_integration_fixed_free (workspace);

  g_assert (k == rule->n_half);
  for (guint i = 0; i < rule->n_half; i++)
    rule->weights[i] /= total;
  return TRUE;
}

void
ks_hermite_rule_clear (KsHermiteRule *rule)
{
  g_clear_pointer (&rule->nodes, g_free);
  g_clear_pointer (&rule->weights, g_free);
}

static const KsHermiteRule *
cached_rules (void)
{
  static KsHermiteRule *rules = NULL;

  if (g_once_init_enter (&rules))
    {
      KsHermiteRule *table = g_new0 (KsHermiteRule, G_N_ELEMENTS (cached_node_counts));

      ks_core_init ();
      for (guint i = 0; i < G_N_ELEMENTS (cached_node_counts); i++)
        if (!ks_hermite_rule_init (&table[i], cached_node_counts[i]))
          g_error ("Could not compute the %u-node Gauss-Hermite rule", cached_node_counts[i]);
      g_once_init_leave (&rules, table);
    }
  return rules;
}

const KsHermiteRule *
ks_hermite_rule_cached (guint n_nodes)
{
  const KsHermiteRule *rules = cached_rules ();

  for (guint i = 0; i < G_N_ELEMENTS (cached_node_counts); i++)
    if (cached_node_counts[i] == n_nodes)
      return &rules[i];
  return NULL;
}

void
ks_hermite_rules_prepare (void)
{
  cached_rules ();
}

guint
ks_node_tier_count (const KsNodeTier *tiers,
                    double            variance)
{
  guint i = 0;

  while (!(variance <= tiers[i].max_variance) && isfinite (tiers[i].max_variance))
    i++;
  return tiers[i].n_nodes;
}
