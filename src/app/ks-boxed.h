/* ks-boxed.h: GObject types for the core's plain C values, so they can be properties
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ks-cka.h"
#include "ks-dataset.h"
#include "ks-experiment.h"
#include "ks-posterior.h"
#include "ks-result.h"
#include "ks-stack.h"

G_BEGIN_DECLS

/* A stack is mutable: the boxed copy is a deep copy, so a property never shares one. */
#define KS_TYPE_STACK (ks_stack_get_type ())
/* Results, experiments and data sets are treated as immutable once built: copies are refs. */
#define KS_TYPE_RESULT (ks_result_get_type ())
#define KS_TYPE_EXPERIMENT (ks_experiment_get_type ())
#define KS_TYPE_DATASET (ks_dataset_get_type ())
#define KS_TYPE_CKA_KIND (ks_cka_kind_get_type ())
#define KS_TYPE_POSTERIOR_METHOD (ks_posterior_method_get_type ())

GType ks_stack_get_type      (void) G_GNUC_CONST;
GType ks_result_get_type     (void) G_GNUC_CONST;
GType ks_experiment_get_type (void) G_GNUC_CONST;
GType ks_dataset_get_type    (void) G_GNUC_CONST;
GType ks_cka_kind_get_type   (void) G_GNUC_CONST;
GType ks_posterior_method_get_type (void) G_GNUC_CONST;

G_END_DECLS
