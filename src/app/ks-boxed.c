/* ks-boxed.c: GObject types for the core's plain C values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-boxed.h"

G_DEFINE_BOXED_TYPE (KsStack, ks_stack, ks_stack_copy, ks_stack_unref)
G_DEFINE_BOXED_TYPE (KsResult, ks_result, ks_result_ref, ks_result_unref)
G_DEFINE_BOXED_TYPE (KsExperiment, ks_experiment, ks_experiment_ref, ks_experiment_unref)
G_DEFINE_BOXED_TYPE (KsDataset, ks_dataset, ks_dataset_ref, ks_dataset_unref)

GType
ks_cka_kind_get_type (void)
{
  static gsize type_id = 0;
  static const GEnumValue values[] = {
    { KS_CKA_LINEAR, "KS_CKA_LINEAR", "linear" },
    { KS_CKA_RBF, "KS_CKA_RBF", "rbf" },
    { KS_CKA_DEBIASED, "KS_CKA_DEBIASED", "debiased" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("KsCkaKind", values));
  return type_id;
}

GType
ks_posterior_method_get_type (void)
{
  static gsize type_id = 0;
  static const GEnumValue values[] = {
    { KS_POSTERIOR_DKM, "KS_POSTERIOR_DKM", "dkm" },
    { KS_POSTERIOR_HMC, "KS_POSTERIOR_HMC", "hmc" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("KsPosteriorMethod", values));
  return type_id;
}
