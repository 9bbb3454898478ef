/* ks-experiment-file.c: experiment files, the document's settings as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-experiment-file.h"

#include <json-glib/json-glib.h>

#include "ks-dataset.h"
#include "ks-error.h"
#include "ks-json.h"

static char *
data_source_for_file (const char *data_source,
                      GFile      *folder)
{
  g_autoptr(GFile) data_file = NULL;
  char *relative;

  if (folder == NULL || ks_dataset_is_builtin_name (data_source))
    return g_strdup (data_source);
  data_file = g_file_new_for_path (data_source);
  relative = g_file_get_relative_path (folder, data_file);
  return relative != NULL ? relative : g_strdup (data_source);
}

char *
ks_experiment_file_serialize (const KsDocumentState *state,
                              GFile                 *folder)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *spec = ks_stack_to_string (state->stack);
  g_autofree char *data = data_source_for_file (state->data_source, folder);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, KS_EXPERIMENT_FILE_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, KS_EXPERIMENT_FILE_VERSION);
  json_builder_set_member_name (builder, "stack");
  json_builder_add_string_value (builder, spec);
  json_builder_set_member_name (builder, "data");
  json_builder_add_string_value (builder, data);
  json_builder_set_member_name (builder, "points");
  json_builder_add_int_value (builder, state->n_points);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) state->seed);
  json_builder_set_member_name (builder, "outputs");
  json_builder_add_int_value (builder, state->n_outputs);
  json_builder_set_member_name (builder, "noise");
  json_builder_add_double_value (builder, state->noise);
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, state->n_samples);
  json_builder_set_member_name (builder, "posterior");
  json_builder_add_string_value (builder, ks_posterior_method_to_string (state->posterior_method));
  json_builder_set_member_name (builder, "width-scale");
  json_builder_add_double_value (builder, state->width_scale);
  json_builder_set_member_name (builder, "cka");
  json_builder_add_string_value (builder, ks_cka_kind_to_string (state->cka_kind));
  json_builder_set_member_name (builder, "tau");
  json_builder_add_double_value (builder, state->cka_tau);
  json_builder_set_member_name (builder, "colormap");
  json_builder_add_string_value (builder, state->colormap);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return ks_json_to_string (root, TRUE);
}

/* Reading one member at a time, each error naming the member. */
typedef struct
{
  JsonObject *object;
  GError    **error;
} Reader;

static JsonNode *
member_value (Reader     *reader,
              const char *name,
              gboolean    required,
              gboolean   *present)
{
  JsonNode *node = json_object_get_member (reader->object, name);

  *present = node != NULL;
  if (node == NULL && required)
    g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA, "the member \"%s\" is missing", name);
  return node;
}

static gboolean
read_string (Reader      *reader,
             const char  *name,
             gboolean     required,
             const char **value)
{
  gboolean present;
  JsonNode *node = member_value (reader, name, required, &present);

  if (!present)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA,
                        "the member \"%s\" must be a string", name), FALSE;
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_uint (Reader     *reader,
           const char *name,
           gboolean    required,
           guint64    *value)
{
  gboolean present;
  JsonNode *node = member_value (reader, name, required, &present);

  if (!present)
    return !required;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0)
    return g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA,
                        "the member \"%s\" must be a whole number of at least 0", name), FALSE;
  *value = (guint64) json_node_get_int (node);
  return TRUE;
}

static gboolean
read_double (Reader     *reader,
             const char *name,
             double     *value)
{
  gboolean present;
  JsonNode *node = member_value (reader, name, FALSE, &present);
  GType type;

  if (!present)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA,
                        "the member \"%s\" must be a number", name), FALSE;
  *value = json_node_get_double (node);
  return TRUE;
}

static gboolean
read_header (Reader *reader)
{
  const char *format = NULL;
  guint64 version = 0;

  if (!read_string (reader, "format", TRUE, &format))
    return FALSE;
  if (g_strcmp0 (format, KS_EXPERIMENT_FILE_FORMAT) != 0)
    return g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA,
                        "the member \"format\" is \"%s\", not \"" KS_EXPERIMENT_FILE_FORMAT "\"",
                        format), FALSE;
  if (!read_uint (reader, "version", TRUE, &version))
    return FALSE;
  if (version != KS_EXPERIMENT_FILE_VERSION)
    return g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA,
                        "the member \"version\" is %" G_GUINT64_FORMAT
                        ", but this version of Kernelscope reads version %d",
                        version, KS_EXPERIMENT_FILE_VERSION), FALSE;
  return TRUE;
}

static gboolean
read_stack_and_data (Reader          *reader,
                     GFile           *folder,
                     KsDocumentState *state)
{
  const char *spec = NULL, *data = NULL;
  g_autoptr(GError) parse_error = NULL;
  KsStack *stack;

  if (!read_string (reader, "stack", TRUE, &spec) || !read_string (reader, "data", TRUE, &data))
    return FALSE;
  stack = ks_stack_parse (spec, &parse_error);
  if (stack == NULL)
    return g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA,
                        "the member \"stack\" is not a layer stack: %s", parse_error->message), FALSE;
  g_clear_pointer (&state->stack, ks_stack_unref);
  state->stack = stack;

  g_clear_pointer (&state->data_source, g_free);
  if (ks_dataset_is_builtin_name (data) || g_path_is_absolute (data) || folder == NULL)
    state->data_source = g_strdup (data);
  else
    {
      g_autoptr(GFile) resolved = g_file_resolve_relative_path (folder, data);
      state->data_source = g_file_get_path (resolved);
    }
  return TRUE;
}

static gboolean
read_enums (Reader          *reader,
            KsDocumentState *state)
{
  const char *posterior = NULL, *cka = NULL, *colormap = NULL;

  if (!read_string (reader, "posterior", FALSE, &posterior)
      || !read_string (reader, "cka", FALSE, &cka)
      || !read_string (reader, "colormap", FALSE, &colormap))
    return FALSE;
  if (posterior != NULL && !ks_posterior_method_from_string (posterior, &state->posterior_method, NULL))
    return g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA,
                        "the member \"posterior\" is \"%s\": expected \"dkm\" or \"hmc\"",
                        posterior), FALSE;
  if (cka != NULL && !ks_cka_kind_from_string (cka, &state->cka_kind, NULL))
    return g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA,
                        "the member \"cka\" is \"%s\": expected \"linear\", \"rbf\" or \"debiased\"",
                        cka), FALSE;
  if (colormap != NULL)
    {
      if (!g_strv_contains ((const char * const[]) { "viridis", "magma", "cividis", NULL }, colormap))
        return g_set_error (reader->error, KS_ERROR, KS_ERROR_DATA,
                            "the member \"colormap\" is \"%s\": expected \"viridis\", \"magma\" "
                            "or \"cividis\"", colormap), FALSE;
      g_free (state->colormap);
      state->colormap = g_strdup (colormap);
    }
  return TRUE;
}

static gboolean
read_numbers (Reader          *reader,
              KsDocumentState *state)
{
  guint64 points = state->n_points, outputs = state->n_outputs, samples = state->n_samples;

  if (!read_uint (reader, "points", FALSE, &points)
      || !read_uint (reader, "seed", FALSE, &state->seed)
      || !read_uint (reader, "outputs", FALSE, &outputs)
      || !read_uint (reader, "samples", FALSE, &samples)
      || !read_double (reader, "noise", &state->noise)
      || !read_double (reader, "width-scale", &state->width_scale)
      || !read_double (reader, "tau", &state->cka_tau))
    return FALSE;
  /* Out-of-range values are caught by validation; clamp only to keep them representable. */
  state->n_points = (guint) MIN (points, G_MAXUINT);
  state->n_outputs = (guint) MIN (outputs, G_MAXUINT);
  state->n_samples = (guint) MIN (samples, G_MAXUINT);
  return TRUE;
}

static gboolean
parse_object (JsonObject      *object,
              GFile           *folder,
              KsDocumentState *state,
              GError         **error)
{
  Reader reader = { object, error };

  return read_header (&reader)
         && read_stack_and_data (&reader, folder, state)
         && read_numbers (&reader, state)
         && read_enums (&reader, state)
         && ks_document_state_validate (state, error);
}

gboolean
ks_experiment_file_parse (const char      *contents,
                          gsize            length,
                          GFile           *file,
                          KsDocumentState *state,
                          GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GError) local_error = NULL;
  KsDocumentState parsed;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA, "%s is not valid JSON: %s",
                   name, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, KS_ERROR, KS_ERROR_DATA,
                   "%s is not a Kernelscope experiment: it does not hold a JSON object", name);
      return FALSE;
    }

  ks_document_state_init_default (&parsed);
  if (!parse_object (json_node_get_object (root), folder, &parsed, &local_error))
    {
      ks_document_state_clear (&parsed);
      g_set_error (error, KS_ERROR, KS_ERROR_DATA, "%s: %s", name, local_error->message);
      return FALSE;
    }
  ks_document_state_clear (state);
  *state = parsed;
  return TRUE;
}
