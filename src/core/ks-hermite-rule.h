/* ks-hermite-rule.h: the positive half of an even Gauss-Hermite rule for N(0, 1), shared
 * by the kernel maps and their gradients
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint   n_half;   /* nodes on one side: the rule is symmetric and has no node at 0 */
  double *nodes;    /* the positive nodes for N(0, 1) */
  double *weights;  /* probability weights of each positive node (and of its mirror) */
} KsHermiteRule;

/* The node count a variance needs: that of the first tier whose bound it does not exceed,
 * the last tier having an infinite bound. */
typedef struct
{
  double max_variance;
  guint  n_nodes;
} KsNodeTier;

/* FALSE when GSL cannot compute the n_nodes-node rule (n_nodes even). */
gboolean             ks_hermite_rule_init       (KsHermiteRule    *rule,
                                                 guint             n_nodes);
void                 ks_hermite_rule_clear      (KsHermiteRule    *rule);
/* The rules of 16, 24, 32, 48, 64, 96, 128, 192 and 256 nodes, computed once for every
 * thread; NULL for another count. */
const KsHermiteRule *ks_hermite_rule_cached     (guint             n_nodes);
/* Computes the cached rules now, before workers need them. */
void                 ks_hermite_rules_prepare   (void);
guint                ks_node_tier_count         (const KsNodeTier *tiers,
                                                 double            variance);

G_END_DECLS
