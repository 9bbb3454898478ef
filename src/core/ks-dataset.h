/* ks-dataset.h: P points with D features, optional class labels and real targets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gsl/gsl_matrix.h>

G_BEGIN_DECLS

/* Label column choices for the CSV loader, besides a 0-based column index. */
#define KS_LABEL_COLUMN_LAST (-1)
#define KS_LABEL_COLUMN_NONE (-2)

/* Points and features beyond these are refused as absurd sizes. */
#define KS_DATASET_MAX_POINTS   (1u << 20)
#define KS_DATASET_MAX_FEATURES (1u << 20)
#define KS_DATASET_MAX_CLASSES  4096

typedef struct _KsDataset KsDataset;

/* Copies everything it is given. labels (n_points ints >= 0) and targets
 * (n_points x n_targets, row-major) may be NULL. */
KsDataset   *ks_dataset_new               (const char      *name,
                                           guint            n_points,
                                           guint            n_features,
                                           const double    *inputs,
                                           const int       *labels,
                                           guint            n_targets,
                                           const double    *targets);
KsDataset   *ks_dataset_ref               (KsDataset       *self);
void         ks_dataset_unref             (KsDataset       *self);

const char  *ks_dataset_get_name          (const KsDataset *self);
guint        ks_dataset_get_n_points      (const KsDataset *self);
guint        ks_dataset_get_n_features    (const KsDataset *self);
/* Row-major n_points x n_features. */
const double *ks_dataset_get_inputs       (const KsDataset *self);
gboolean     ks_dataset_has_labels        (const KsDataset *self);
const int   *ks_dataset_get_labels        (const KsDataset *self);
/* 1 + the largest label; 0 without labels. */
guint        ks_dataset_get_n_classes     (const KsDataset *self);
/* Class names where the data carries them (iris), else NULL. */
const char  *ks_dataset_get_class_name    (const KsDataset *self,
                                           guint            klass);
void         ks_dataset_set_class_names   (KsDataset       *self,
                                           const char * const *names);
guint        ks_dataset_get_n_targets     (const KsDataset *self);
const double *ks_dataset_get_targets      (const KsDataset *self);
/* Replaces the targets (e.g. from a --targets file); n_points rows of n_targets. */
gboolean     ks_dataset_set_targets       (KsDataset       *self,
                                           guint            n_targets,
                                           const double    *targets,
                                           GError         **error);

/* The bundled sets: "digits" (1797 x 64, classes 0..9) and "iris" (150 x 4, classes 0..2). */
KsDataset   *ks_dataset_load_bundled      (const char      *name,
                                           GError         **error);
/* Generators: "ring", "spirals", "blobs", "xor"; deterministic in seed. */
KsDataset   *ks_dataset_generate          (const char      *name,
                                           guint            n_points,
                                           guint64          seed,
                                           GError         **error);
gboolean     ks_dataset_is_builtin_name   (const char      *name);
/* CSV, comma or white-space separated, optional header line, .gz accepted.
 * label_column: 0-based index, KS_LABEL_COLUMN_LAST or KS_LABEL_COLUMN_NONE.
 * Errors name the file, the line and the offending value. */
KsDataset   *ks_dataset_load_csv          (GFile           *file,
                                           int              label_column,
                                           GCancellable    *cancellable,
                                           GError         **error);
/* The IDX format of MNIST; labels may be NULL. .gz accepted for both. */
KsDataset   *ks_dataset_load_idx          (GFile           *images,
                                           GFile           *labels,
                                           GCancellable    *cancellable,
                                           GError         **error);
/* A bundled or generated name, else a path: *.idx / *-ubyte (with labels_path, may be
 * NULL) or CSV. n_points and seed serve the generators. */
KsDataset   *ks_dataset_open              (const char      *name_or_path,
                                           int              label_column,
                                           const char      *labels_path,
                                           guint            n_points,
                                           guint64          seed,
                                           GCancellable    *cancellable,
                                           GError         **error);

/* n_points drawn without replacement, stratified by class (proportional, each class
 * present keeps at least one point when n_points allows), then sorted by class with
 * ties in original order. n_points >= the size keeps every point (sorted by class). */
KsDataset   *ks_dataset_subsample         (const KsDataset *self,
                                           guint            n_points,
                                           guint64          seed,
                                           GError         **error);
/* Every feature to mean 0 and variance 1; constant features become 0. */
KsDataset   *ks_dataset_standardize       (const KsDataset *self);

/* X as a new P x D matrix. */
gsl_matrix  *ks_dataset_input_matrix      (const KsDataset *self);
/* K0 = X X^T / D. */
gsl_matrix  *ks_dataset_input_kernel      (const KsDataset *self);
/* Y: the targets if set, else one-hot class labels (P x n_classes); NULL with neither. */
gsl_matrix  *ks_dataset_output_matrix     (const KsDataset *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsDataset, ks_dataset_unref)

G_END_DECLS
