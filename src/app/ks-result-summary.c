/* ks-result-summary.c: a table of each layer's kernel scale and CKA, until the heatmaps come
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-result-summary.h"

#include "ks-boxed.h"

struct _KsResultSummary
{
  GtkWidget  parent_instance;

  KsResult  *result;

  GtkGrid   *grid;
  GtkLabel  *footnote;
};

G_DEFINE_FINAL_TYPE (KsResultSummary, ks_result_summary, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Rows 0 and 1 are headings. */
#define FIRST_LAYER_ROW 2

double
ks_kernel_mean_diagonal (const gsl_matrix *kernel)
{
  double sum = 0.0;

  for (size_t i = 0; i < kernel->size1; i++)
    sum += gsl_matrix_get (kernel, i, i);
  return kernel->size1 > 0 ? sum / kernel->size1 : 0.0;
}

typedef enum
{
  VALUE_SCALE,           /* the kernel's mean diagonal */
  VALUE_CKA_TO_INPUT,
  VALUE_CKA_TO_OUTPUT,
} ValueKind;

/* The table's columns after the layer's name, grouped under three headings. */
static const struct
{
  ValueKind    value;
  KsKernelKind kernel;
  const char  *heading;  /* NULL: the sample count "Mean of S" */
} columns[] = {
  { VALUE_SCALE, KS_KERNEL_NNGP, "Infinite" },
  { VALUE_SCALE, KS_KERNEL_SAMPLE, "One net" },
  { VALUE_SCALE, KS_KERNEL_SAMPLE_MEAN, NULL },
  { VALUE_SCALE, KS_KERNEL_POSTERIOR, "Posterior" },
  { VALUE_CKA_TO_INPUT, KS_KERNEL_NNGP, "Infinite" },
  { VALUE_CKA_TO_INPUT, KS_KERNEL_SAMPLE, "One net" },
  { VALUE_CKA_TO_INPUT, KS_KERNEL_POSTERIOR, "Posterior" },
  { VALUE_CKA_TO_OUTPUT, KS_KERNEL_NNGP, "Infinite" },
  { VALUE_CKA_TO_OUTPUT, KS_KERNEL_SAMPLE, "One net" },
  { VALUE_CKA_TO_OUTPUT, KS_KERNEL_POSTERIOR, "Posterior" },
};

static const char * const group_headings[] = {
  [VALUE_SCALE] = "Kernel scale (mean diagonal)",
  [VALUE_CKA_TO_INPUT] = "CKA to the input",
  [VALUE_CKA_TO_OUTPUT] = "CKA to the labels",
};

static GtkWidget *
add_label (KsResultSummary *self,
           const char      *text,
           int              column,
           int              row,
           int              width,
           const char      *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0f : width > 1 ? 0.5f : 1.0f);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_grid_attach (self->grid, label, column, row, width, 1);
  return label;
}

static void
add_headings (KsResultSummary *self)
{
  guint n_done = ks_result_get_n_samples_done (self->result);
  g_autofree char *mean = n_done > 0 ? g_strdup_printf ("Mean of %u", n_done) : g_strdup ("Mean");
  guint first = 0;

  add_label (self, "Layer", 0, 1, 1, "heading");
  for (guint i = 0; i <= G_N_ELEMENTS (columns); i++)
    {
      if (i == G_N_ELEMENTS (columns) || columns[i].value != columns[first].value)
        {
          add_label (self, group_headings[columns[first].value], first + 1, 0, i - first, "heading");
          first = i;
        }
      if (i < G_N_ELEMENTS (columns))
        add_label (self, columns[i].heading ? columns[i].heading : mean, i + 1, 1, 1, "dim-label");
    }
}

/* An em dash for what is not computed (yet). */
static char *
format_value (KsResult *result,
              guint     column,
              guint     layer)
{
  KsKernelKind kind = columns[column].kernel;
  const double *values = NULL;
  const gsl_matrix *kernel;

  switch (columns[column].value)
    {
    case VALUE_SCALE:
      kernel = ks_result_get_kernel (result, kind, layer);
      return kernel ? g_strdup_printf ("%.4g", ks_kernel_mean_diagonal (kernel)) : g_strdup ("—");
    case VALUE_CKA_TO_INPUT:
      values = ks_result_get_cka_to_input (result, kind);
      break;
    case VALUE_CKA_TO_OUTPUT:
    default:
      values = ks_result_get_cka_to_output (result, kind);
      break;
    }
  return values ? g_strdup_printf ("%.3f", values[layer]) : g_strdup ("—");
}

static void
add_layer_row (KsResultSummary *self,
               guint            layer)
{
  const KsStack *stack = ks_result_get_stack (self->result);
  g_autofree char *description = ks_layer_describe (ks_stack_get_layer (stack, layer));
  g_autofree char *name = g_strdup_printf ("%u  %s", layer + 1, description);

  add_label (self, name, 0, FIRST_LAYER_ROW + layer, 1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *text = format_value (self->result, i, layer);
      add_label (self, text, i + 1, FIRST_LAYER_ROW + layer, 1, "numeric");
    }
}

static char *
describe_result (KsResult *result)
{
  KsDataset *data = ks_result_get_dataset (result);
  const gsl_matrix *input = ks_result_get_input_kernel (result);
  g_autoptr(JsonNode) summary = ks_result_to_summary_json (result);
  JsonObject *experiment = json_object_get_object_member (json_node_get_object (summary), "experiment");
  guint total = json_object_get_int_member_with_default (experiment, "samples", 0);
  const char *cka = json_object_get_string_member_with_default (experiment, "cka", "linear");
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%zu points of %s, %u features", input->size1,
                          ks_dataset_get_name (data), ks_dataset_get_n_features (data));
  g_string_append_printf (text, " · %u of %u finite networks", ks_result_get_n_samples_done (result), total);
  g_string_append_printf (text, " · %s CKA", cka);
  if (ks_result_is_complete (result))
    {
      double seconds = 0.0;

      for (const char * const *stage = (const char * const[]) { "data", "nngp", "samples", "posterior", "cka", NULL };
           *stage != NULL; stage++)
        seconds += MAX (ks_result_get_seconds (result, *stage), 0.0);
      g_string_append_printf (text, " · computed in %.2f s", seconds);
    }
  else
    g_string_append (text, " · refining…");
  return g_string_free (text, FALSE);
}

static void
rebuild (KsResultSummary *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  gtk_widget_set_visible (GTK_WIDGET (self->grid), self->result != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->footnote), self->result != NULL);
  if (self->result == NULL)
    return;

  add_headings (self);
  for (guint layer = 0; layer < ks_result_get_n_layers (self->result); layer++)
    add_layer_row (self, layer);

  {
    g_autofree char *footnote = describe_result (self->result);
    gtk_label_set_label (self->footnote, footnote);
  }
}

KsResult *
ks_result_summary_get_result (KsResultSummary *self)
{
  g_return_val_if_fail (KS_IS_RESULT_SUMMARY (self), NULL);
  return self->result;
}

void
ks_result_summary_set_result (KsResultSummary *self,
                              KsResult        *result)
{
  g_return_if_fail (KS_IS_RESULT_SUMMARY (self));

  if (result == self->result)
    return;
  g_clear_pointer (&self->result, ks_result_unref);
  self->result = result ? ks_result_ref (result) : NULL;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

static void
ks_result_summary_dispose (GObject *object)
{
  KsResultSummary *self = KS_RESULT_SUMMARY (object);
  GtkWidget *child;

  g_clear_pointer (&self->result, ks_result_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_RESULT_SUMMARY);
  /* The template's box is not bound to a field, so it is not unparented above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ks_result_summary_parent_class)->dispose (object);
}

static void
ks_result_summary_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KsResultSummary *self = KS_RESULT_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_RESULT: g_value_set_boxed (value, self->result); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_result_summary_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  KsResultSummary *self = KS_RESULT_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_RESULT: ks_result_summary_set_result (self, g_value_get_boxed (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_result_summary_class_init (KsResultSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_result_summary_dispose;
  object_class->get_property = ks_result_summary_get_property;
  object_class->set_property = ks_result_summary_set_property;

  properties[PROP_RESULT] =
    g_param_spec_boxed ("result", NULL, NULL, KS_TYPE_RESULT,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kernelscope/Kernelscope/ks-result-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, KsResultSummary, grid);
  gtk_widget_class_bind_template_child (widget_class, KsResultSummary, footnote);
}

static void
ks_result_summary_init (KsResultSummary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  rebuild (self);
}
