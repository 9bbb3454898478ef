/* ks-document.c: the settings of the experiment on screen, the single source of truth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-document.h"
#include "ks-document-private.h"

#include <math.h>

#include "ks-boxed.h"
#include "ks-dataset-loader.h"

struct _KsDocument
{
  GObject          parent_instance;

  KsDocumentState  state;
  char            *title;
  GFile           *file;

  KsDataset       *dataset;
  /* What a generated data set was made with, to know when it must be made again. */
  guint            dataset_points;
  guint64          dataset_seed;

  /* Non-NULL while a data set loads; a newer load cancels the older one. */
  char            *loading_source;
  GCancellable    *load_cancellable;

  gboolean         changed_pending;
  guint            changed_idle;
};

G_DEFINE_FINAL_TYPE (KsDocument, ks_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STACK,
  PROP_DATA_SOURCE,
  PROP_LOADING,
  PROP_DATASET,
  PROP_N_POINTS,
  PROP_SEED,
  PROP_N_OUTPUTS,
  PROP_NOISE,
  PROP_N_SAMPLES,
  PROP_POSTERIOR_METHOD,
  PROP_WIDTH_SCALE,
  PROP_CKA_KIND,
  PROP_CKA_TAU,
  PROP_COLORMAP,
  PROP_TITLE,
  PROP_FILE,
  N_PROPS
};

enum {
  CHANGED,
  LOAD_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_load (KsDocument *self,
                        const char *source);

KsDocument *
ks_document_new (void)
{
  return g_object_new (KS_TYPE_DOCUMENT, NULL);
}

static gboolean
emit_changed (gpointer user_data)
{
  KsDocument *self = user_data;

  self->changed_idle = 0;
  /* A load started since: "changed" comes when it ends. */
  if (self->loading_source != NULL)
    return G_SOURCE_REMOVE;
  self->changed_pending = FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
flush_changed (KsDocument *self)
{
  if (self->changed_pending && self->loading_source == NULL && self->changed_idle == 0)
    self->changed_idle = g_idle_add (emit_changed, self);
}

static void
schedule_changed (KsDocument *self)
{
  self->changed_pending = TRUE;
  flush_changed (self);
}

static void
update_title (KsDocument *self)
{
  g_autofree char *data = ks_describe_data_source (self->state.data_source);
  g_autofree char *network = ks_describe_stack (self->state.stack);
  g_autofree char *title = g_strdup_printf ("%s, %s", data, network);

  if (g_strcmp0 (title, self->title) == 0)
    return;
  g_free (self->title);
  self->title = g_steal_pointer (&title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static gboolean
is_generated (const char *source)
{
  return ks_dataset_is_builtin_name (source)
         && g_strcmp0 (source, "digits") != 0 && g_strcmp0 (source, "iris") != 0;
}

/* Generated data sets depend on P and the seed: make them again when those change. */
static void
regenerate_if_needed (KsDocument *self)
{
  const char *target = self->loading_source ? self->loading_source : self->state.data_source;

  if (!is_generated (target))
    return;
  if (self->loading_source == NULL && self->dataset != NULL
      && self->dataset_points == self->state.n_points && self->dataset_seed == self->state.seed)
    return;
  start_load (self, target);
}

static void
set_loading_source (KsDocument *self,
                    const char *source)
{
  gboolean was_loading = self->loading_source != NULL;

  g_free (self->loading_source);
  self->loading_source = g_strdup (source);
  if (was_loading != (source != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
take_dataset (KsDocument *self,
              const char *source,
              KsDataset  *dataset)
{
  g_clear_pointer (&self->dataset, ks_dataset_unref);
  self->dataset = dataset;
  self->dataset_points = self->state.n_points;
  self->dataset_seed = self->state.seed;
  if (g_strcmp0 (source, self->state.data_source) != 0)
    {
      g_free (self->state.data_source);
      self->state.data_source = g_strdup (source);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA_SOURCE]);
      update_title (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
  schedule_changed (self);
}

typedef struct
{
  KsDocument   *self;
  char         *source;
  GCancellable *cancellable;
} LoadClosure;

static void
load_closure_free (LoadClosure *closure)
{
  g_object_unref (closure->self);
  g_free (closure->source);
  g_object_unref (closure->cancellable);
  g_free (closure);
}

static void
on_dataset_loaded (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LoadClosure *closure = user_data;
  KsDocument *self = closure->self;
  g_autoptr(GError) error = NULL;
  KsDataset *dataset = ks_dataset_loader_load_finish (result, &error);

  /* A newer load took over: it owns the loading state now. */
  if (g_cancellable_is_cancelled (closure->cancellable))
    {
      g_clear_pointer (&dataset, ks_dataset_unref);
      load_closure_free (closure);
      return;
    }
  g_clear_object (&self->load_cancellable);
  set_loading_source (self, NULL);
  if (dataset != NULL)
    take_dataset (self, closure->source, dataset);
  else
    {
      g_signal_emit (self, signals[LOAD_FAILED], 0, error);
      regenerate_if_needed (self);
    }
  flush_changed (self);
  load_closure_free (closure);
}

static void
start_load (KsDocument *self,
            const char *source)
{
  LoadClosure *closure = g_new0 (LoadClosure, 1);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  set_loading_source (self, source);

  closure->self = g_object_ref (self);
  closure->source = g_strdup (source);
  closure->cancellable = g_object_ref (self->load_cancellable);
  ks_dataset_loader_load_async (source, self->state.n_points, self->state.seed,
                                self->load_cancellable, on_dataset_loaded, closure);
}

static void
ks_document_dispose (GObject *object)
{
  KsDocument *self = KS_DOCUMENT (object);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->changed_idle, g_source_remove);
  G_OBJECT_CLASS (ks_document_parent_class)->dispose (object);
}

static void
ks_document_finalize (GObject *object)
{
  KsDocument *self = KS_DOCUMENT (object);

  ks_document_state_clear (&self->state);
  g_clear_pointer (&self->title, g_free);
  g_clear_object (&self->file);
  g_clear_pointer (&self->dataset, ks_dataset_unref);
  g_clear_pointer (&self->loading_source, g_free);
  G_OBJECT_CLASS (ks_document_parent_class)->finalize (object);
}

static void
ks_document_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KsDocument *self = KS_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_STACK: g_value_set_boxed (value, self->state.stack); break;
    case PROP_DATA_SOURCE: g_value_set_string (value, self->state.data_source); break;
    case PROP_LOADING: g_value_set_boolean (value, self->loading_source != NULL); break;
    case PROP_DATASET: g_value_set_boxed (value, self->dataset); break;
    case PROP_N_POINTS: g_value_set_uint (value, self->state.n_points); break;
    case PROP_SEED: g_value_set_uint64 (value, self->state.seed); break;
    case PROP_N_OUTPUTS: g_value_set_uint (value, self->state.n_outputs); break;
    case PROP_NOISE: g_value_set_double (value, self->state.noise); break;
    case PROP_N_SAMPLES: g_value_set_uint (value, self->state.n_samples); break;
    case PROP_POSTERIOR_METHOD: g_value_set_enum (value, self->state.posterior_method); break;
    case PROP_WIDTH_SCALE: g_value_set_double (value, self->state.width_scale); break;
    case PROP_CKA_KIND: g_value_set_enum (value, self->state.cka_kind); break;
    case PROP_CKA_TAU: g_value_set_double (value, self->state.cka_tau); break;
    case PROP_COLORMAP: g_value_set_string (value, self->state.colormap); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_FILE: g_value_set_object (value, self->file); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_document_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  KsDocument *self = KS_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_STACK: ks_document_set_stack (self, g_value_get_boxed (value)); break;
    case PROP_DATA_SOURCE: ks_document_set_data_source (self, g_value_get_string (value)); break;
    case PROP_N_POINTS: ks_document_set_n_points (self, g_value_get_uint (value)); break;
    case PROP_SEED: ks_document_set_seed (self, g_value_get_uint64 (value)); break;
    case PROP_N_OUTPUTS: ks_document_set_n_outputs (self, g_value_get_uint (value)); break;
    case PROP_NOISE: ks_document_set_noise (self, g_value_get_double (value)); break;
    case PROP_N_SAMPLES: ks_document_set_n_samples (self, g_value_get_uint (value)); break;
    case PROP_POSTERIOR_METHOD: ks_document_set_posterior_method (self, g_value_get_enum (value)); break;
    case PROP_WIDTH_SCALE: ks_document_set_width_scale (self, g_value_get_double (value)); break;
    case PROP_CKA_KIND: ks_document_set_cka_kind (self, g_value_get_enum (value)); break;
    case PROP_CKA_TAU: ks_document_set_cka_tau (self, g_value_get_double (value)); break;
    case PROP_COLORMAP: ks_document_set_colormap (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_properties (GObjectClass *object_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  properties[PROP_STACK] = g_param_spec_boxed ("stack", NULL, NULL, KS_TYPE_STACK, rw);
  properties[PROP_DATA_SOURCE] =
    g_param_spec_string ("data-source", NULL, NULL, KS_DEFAULT_DATA_SOURCE, rw);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_DATASET] = g_param_spec_boxed ("dataset", NULL, NULL, KS_TYPE_DATASET, ro);
  properties[PROP_N_POINTS] =
    g_param_spec_uint ("n-points", NULL, NULL, KS_POINTS_MIN, KS_POINTS_MAX, 200, rw);
  properties[PROP_SEED] = g_param_spec_uint64 ("seed", NULL, NULL, 0, KS_SEED_MAX, 1, rw);
  properties[PROP_N_OUTPUTS] =
    g_param_spec_uint ("n-outputs", NULL, NULL, 0, KS_OUTPUTS_MAX, 0, rw);
  properties[PROP_NOISE] =
    g_param_spec_double ("noise", NULL, NULL, KS_NOISE_MIN, KS_NOISE_MAX, 0.1, rw);
  properties[PROP_N_SAMPLES] =
    g_param_spec_uint ("n-samples", NULL, NULL, KS_SAMPLES_MIN, KS_SAMPLES_MAX, 16, rw);
  properties[PROP_POSTERIOR_METHOD] =
    g_param_spec_enum ("posterior-method", NULL, NULL, KS_TYPE_POSTERIOR_METHOD,
                       KS_POSTERIOR_DKM, rw);
  properties[PROP_WIDTH_SCALE] =
    g_param_spec_double ("width-scale", NULL, NULL, KS_WIDTH_SCALE_MIN, KS_WIDTH_SCALE_MAX, 1.0, rw);
  properties[PROP_CKA_KIND] =
    g_param_spec_enum ("cka-kind", NULL, NULL, KS_TYPE_CKA_KIND, KS_CKA_LINEAR, rw);
  properties[PROP_CKA_TAU] =
    g_param_spec_double ("cka-tau", NULL, NULL, KS_CKA_TAU_MIN, KS_CKA_TAU_MAX, 1.0, rw);
  properties[PROP_COLORMAP] =
    g_param_spec_string ("colormap", NULL, NULL, KS_DEFAULT_COLORMAP, rw);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ks_document_class_init (KsDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ks_document_dispose;
  object_class->finalize = ks_document_finalize;
  object_class->get_property = ks_document_get_property;
  object_class->set_property = ks_document_set_property;
  install_properties (object_class);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[LOAD_FAILED] = g_signal_new ("load-failed", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
ks_document_init (KsDocument *self)
{
  ks_document_state_init_default (&self->state);
  update_title (self);
  start_load (self, self->state.data_source);
}

const KsStack *
ks_document_get_stack (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), NULL);
  return self->state.stack;
}

void
ks_document_set_stack (KsDocument    *self,
                       const KsStack *stack)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (stack != NULL);

  if (ks_stack_equal (stack, self->state.stack))
    return;
  g_clear_pointer (&self->state.stack, ks_stack_unref);
  self->state.stack = ks_stack_copy (stack);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STACK]);
  update_title (self);
  schedule_changed (self);
}

const char *
ks_document_get_data_source (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), NULL);
  return self->state.data_source;
}

void
ks_document_set_data_source (KsDocument *self,
                             const char *data_source)
{
  const char *target;

  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (data_source != NULL);

  target = self->loading_source ? self->loading_source : self->state.data_source;
  if (g_strcmp0 (data_source, target) == 0)
    return;
  /* Back to the source on screen while another loads: drop that load. */
  if (g_strcmp0 (data_source, self->state.data_source) == 0 && self->dataset != NULL
      && !is_generated (data_source))
    {
      g_cancellable_cancel (self->load_cancellable);
      g_clear_object (&self->load_cancellable);
      set_loading_source (self, NULL);
      flush_changed (self);
      return;
    }
  start_load (self, data_source);
}

gboolean
ks_document_get_loading (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), FALSE);
  return self->loading_source != NULL;
}

KsDataset *
ks_document_get_dataset (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), NULL);
  return self->dataset;
}

/* The common tail of every numeric setter. */
static void
setting_changed (KsDocument *self,
                 guint       prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  schedule_changed (self);
}

guint
ks_document_get_n_points (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), 0);
  return self->state.n_points;
}

void
ks_document_set_n_points (KsDocument *self,
                          guint       n_points)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));

  n_points = CLAMP (n_points, KS_POINTS_MIN, KS_POINTS_MAX);
  if (n_points == self->state.n_points)
    return;
  self->state.n_points = n_points;
  setting_changed (self, PROP_N_POINTS);
  regenerate_if_needed (self);
}

guint64
ks_document_get_seed (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), 0);
  return self->state.seed;
}

void
ks_document_set_seed (KsDocument *self,
                      guint64     seed)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));

  seed = MIN (seed, (guint64) KS_SEED_MAX);
  if (seed == self->state.seed)
    return;
  self->state.seed = seed;
  setting_changed (self, PROP_SEED);
  regenerate_if_needed (self);
}

guint
ks_document_get_n_outputs (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), 0);
  return self->state.n_outputs;
}

void
ks_document_set_n_outputs (KsDocument *self,
                           guint       n_outputs)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));

  n_outputs = MIN (n_outputs, KS_OUTPUTS_MAX);
  if (n_outputs == self->state.n_outputs)
    return;
  self->state.n_outputs = n_outputs;
  setting_changed (self, PROP_N_OUTPUTS);
}

double
ks_document_get_noise (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), 0.0);
  return self->state.noise;
}

void
ks_document_set_noise (KsDocument *self,
                       double      noise)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (!isnan (noise));

  noise = CLAMP (noise, KS_NOISE_MIN, KS_NOISE_MAX);
  if (noise == self->state.noise)
    return;
  self->state.noise = noise;
  setting_changed (self, PROP_NOISE);
}

guint
ks_document_get_n_samples (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), 0);
  return self->state.n_samples;
}

void
ks_document_set_n_samples (KsDocument *self,
                           guint       n_samples)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));

  n_samples = CLAMP (n_samples, KS_SAMPLES_MIN, KS_SAMPLES_MAX);
  if (n_samples == self->state.n_samples)
    return;
  self->state.n_samples = n_samples;
  setting_changed (self, PROP_N_SAMPLES);
}

KsPosteriorMethod
ks_document_get_posterior_method (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), KS_POSTERIOR_DKM);
  return self->state.posterior_method;
}

void
ks_document_set_posterior_method (KsDocument        *self,
                                  KsPosteriorMethod  method)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (method == KS_POSTERIOR_DKM || method == KS_POSTERIOR_HMC);

  if (method == self->state.posterior_method)
    return;
  self->state.posterior_method = method;
  setting_changed (self, PROP_POSTERIOR_METHOD);
}

double
ks_document_get_width_scale (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), 1.0);
  return self->state.width_scale;
}

void
ks_document_set_width_scale (KsDocument *self,
                             double      width_scale)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (!isnan (width_scale));

  width_scale = CLAMP (width_scale, KS_WIDTH_SCALE_MIN, KS_WIDTH_SCALE_MAX);
  if (width_scale == self->state.width_scale)
    return;
  self->state.width_scale = width_scale;
  setting_changed (self, PROP_WIDTH_SCALE);
}

KsCkaKind
ks_document_get_cka_kind (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), KS_CKA_LINEAR);
  return self->state.cka_kind;
}

void
ks_document_set_cka_kind (KsDocument *self,
                          KsCkaKind   kind)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (kind == KS_CKA_LINEAR || kind == KS_CKA_RBF || kind == KS_CKA_DEBIASED);

  if (kind == self->state.cka_kind)
    return;
  self->state.cka_kind = kind;
  setting_changed (self, PROP_CKA_KIND);
}

double
ks_document_get_cka_tau (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), 1.0);
  return self->state.cka_tau;
}

void
ks_document_set_cka_tau (KsDocument *self,
                         double      tau)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (!isnan (tau));

  tau = CLAMP (tau, KS_CKA_TAU_MIN, KS_CKA_TAU_MAX);
  if (tau == self->state.cka_tau)
    return;
  self->state.cka_tau = tau;
  setting_changed (self, PROP_CKA_TAU);
}

const char *
ks_document_get_colormap (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), NULL);
  return self->state.colormap;
}

void
ks_document_set_colormap (KsDocument *self,
                          const char *colormap)
{
  static const char * const known[] = { "viridis", "magma", "cividis", NULL };

  g_return_if_fail (KS_IS_DOCUMENT (self));
  g_return_if_fail (colormap != NULL && g_strv_contains (known, colormap));

  if (g_strcmp0 (colormap, self->state.colormap) == 0)
    return;
  g_free (self->state.colormap);
  self->state.colormap = g_strdup (colormap);
  /* Only the drawing changes: no new computation. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLORMAP]);
}

const char *
ks_document_get_title (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), NULL);
  return self->title;
}

GFile *
ks_document_get_file (KsDocument *self)
{
  g_return_val_if_fail (KS_IS_DOCUMENT (self), NULL);
  return self->file;
}

void
ks_document_set_file (KsDocument *self,
                      GFile      *file)
{
  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

void
ks_document_get_state (KsDocument      *self,
                       KsDocumentState *state)
{
  g_return_if_fail (KS_IS_DOCUMENT (self));
  ks_document_state_copy (state, &self->state);
}

void
ks_document_apply_state (KsDocument            *self,
                         const KsDocumentState *state)
{
  g_object_freeze_notify (G_OBJECT (self));
  ks_document_set_stack (self, state->stack);
  ks_document_set_n_points (self, state->n_points);
  ks_document_set_seed (self, state->seed);
  ks_document_set_n_outputs (self, state->n_outputs);
  ks_document_set_noise (self, state->noise);
  ks_document_set_n_samples (self, state->n_samples);
  ks_document_set_posterior_method (self, state->posterior_method);
  ks_document_set_width_scale (self, state->width_scale);
  ks_document_set_cka_kind (self, state->cka_kind);
  ks_document_set_cka_tau (self, state->cka_tau);
  ks_document_set_colormap (self, state->colormap);
  ks_document_set_data_source (self, state->data_source);
  g_object_thaw_notify (G_OBJECT (self));
}

/* One output channel per class, or per target column, unless the document says. */
static guint
effective_n_outputs (KsDocument *self)
{
  guint from_data;

  if (self->state.n_outputs > 0)
    return self->state.n_outputs;
  from_data = ks_dataset_get_n_targets (self->dataset);
  if (from_data == 0)
    from_data = ks_dataset_get_n_classes (self->dataset);
  return MAX (from_data, 1);
}

static KsStack *
stack_with_readout (KsDocument *self)
{
  g_autoptr(KsStack) stack = ks_stack_copy (self->state.stack);
  KsLayer readout = ks_layer_readout (effective_n_outputs (self), self->state.noise);
  guint n_layers = ks_stack_get_n_layers (stack);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (ks_stack_get_readout (stack) != NULL)
    ok = ks_stack_replace (stack, n_layers - 1, &readout, &error);
  else
    ok = ks_stack_append (stack, &readout, &error);
  /* The readout's values come from validated ranges; a refusal is a programming error. */
  if (!ok)
    g_critical ("Could not set the readout layer: %s", error->message);
  return g_steal_pointer (&stack);
}

KsExperiment *
ks_document_build_experiment (KsDocument *self)
{
  g_autoptr(KsStack) stack = NULL;
  KsExperiment *experiment;

  g_return_val_if_fail (KS_IS_DOCUMENT (self), NULL);

  if (self->dataset == NULL)
    return NULL;
  stack = stack_with_readout (self);
  experiment = ks_experiment_new (stack, self->dataset);
  ks_experiment_set_n_points (experiment, self->state.n_points);
  ks_experiment_set_seed (experiment, self->state.seed);
  ks_experiment_set_n_samples (experiment, self->state.n_samples);
  ks_experiment_set_cka (experiment, self->state.cka_kind, self->state.cka_tau);
  ks_experiment_set_posterior_method (experiment, self->state.posterior_method);
  ks_experiment_set_width_scale (experiment, self->state.width_scale);
  return experiment;
}
