/* ks-method-group.c: the Method group of the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-method-group.h"

struct _KsMethodGroup
{
  AdwPreferencesGroup  parent_instance;

  KsDocument          *document;
  GBindingGroup       *bindings;

  GtkAdjustment       *samples_adjustment;
  AdwComboRow         *posterior_row;
  AdwComboRow         *cka_row;
  AdwActionRow        *tau_row;
  GtkAdjustment       *tau_adjustment;
  AdwComboRow         *colormap_row;
};

G_DEFINE_FINAL_TYPE (KsMethodGroup, ks_method_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* In the order of the colour map row's items. */
static const char * const colormaps[] = { "viridis", "magma", "cividis" };

/* The combo rows list the enums in their numeric order. */
static gboolean
enum_to_selected (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  g_value_set_uint (to, (guint) g_value_get_enum (from));
  return TRUE;
}

static gboolean
selected_to_enum (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  guint selected = g_value_get_uint (from);

  if (selected == GTK_INVALID_LIST_POSITION)
    return FALSE;
  g_value_set_enum (to, (int) selected);
  return TRUE;
}

static gboolean
colormap_to_selected (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  const char *name = g_value_get_string (from);

  for (guint i = 0; i < G_N_ELEMENTS (colormaps); i++)
    if (g_strcmp0 (name, colormaps[i]) == 0)
      {
        g_value_set_uint (to, i);
        return TRUE;
      }
  return FALSE;
}

static gboolean
selected_to_colormap (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  guint selected = g_value_get_uint (from);

  if (selected >= G_N_ELEMENTS (colormaps))
    return FALSE;
  g_value_set_string (to, colormaps[selected]);
  return TRUE;
}

static gboolean
cka_kind_is_rbf (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_enum (from) == KS_CKA_RBF);
  return TRUE;
}

KsDocument *
ks_method_group_get_document (KsMethodGroup *self)
{
  g_return_val_if_fail (KS_IS_METHOD_GROUP (self), NULL);
  return self->document;
}

void
ks_method_group_set_document (KsMethodGroup *self,
                              KsDocument    *document)
{
  g_return_if_fail (KS_IS_METHOD_GROUP (self));

  if (!g_set_object (&self->document, document))
    return;
  g_binding_group_set_source (self->bindings, document);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

static void
ks_method_group_dispose (GObject *object)
{
  KsMethodGroup *self = KS_METHOD_GROUP (object);

  g_clear_object (&self->bindings);
  g_clear_object (&self->document);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_METHOD_GROUP);
  G_OBJECT_CLASS (ks_method_group_parent_class)->dispose (object);
}

static void
ks_method_group_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KsMethodGroup *self = KS_METHOD_GROUP (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT: g_value_set_object (value, self->document); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_method_group_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KsMethodGroup *self = KS_METHOD_GROUP (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT: ks_method_group_set_document (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_method_group_class_init (KsMethodGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_method_group_dispose;
  object_class->get_property = ks_method_group_get_property;
  object_class->set_property = ks_method_group_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, KS_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-method-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KsMethodGroup, samples_adjustment);
  gtk_widget_class_bind_template_child (widget_class, KsMethodGroup, posterior_row);
  gtk_widget_class_bind_template_child (widget_class, KsMethodGroup, cka_row);
  gtk_widget_class_bind_template_child (widget_class, KsMethodGroup, tau_row);
  gtk_widget_class_bind_template_child (widget_class, KsMethodGroup, tau_adjustment);
  gtk_widget_class_bind_template_child (widget_class, KsMethodGroup, colormap_row);
}

static void
ks_method_group_init (KsMethodGroup *self)
{
  const GBindingFlags flags = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bindings = g_binding_group_new ();
  g_binding_group_bind (self->bindings, "n-samples", self->samples_adjustment, "value", flags);
  g_binding_group_bind (self->bindings, "cka-tau", self->tau_adjustment, "value", flags);
  g_binding_group_bind_full (self->bindings, "posterior-method", self->posterior_row, "selected",
                             flags, enum_to_selected, selected_to_enum, NULL, NULL);
  g_binding_group_bind_full (self->bindings, "cka-kind", self->cka_row, "selected",
                             flags, enum_to_selected, selected_to_enum, NULL, NULL);
  g_binding_group_bind_full (self->bindings, "colormap", self->colormap_row, "selected",
                             flags, colormap_to_selected, selected_to_colormap, NULL, NULL);
  /* τ only means something for RBF CKA: show it only then. */
  g_binding_group_bind_full (self->bindings, "cka-kind", self->tau_row, "visible",
                             G_BINDING_SYNC_CREATE, cka_kind_is_rbf, NULL, NULL, NULL);
}
