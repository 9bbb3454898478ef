/* test-json.c: JSON text that every JSON parser reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "ks-json.h"

static const double values[] = { 1e-10, 1e20, 2e-5, 0.5, 3.0, -1e-300, 1.5e-10, 100.0, 0.0 };

static JsonNode *
sample_node (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, "1e-10.0 \"quoted\" 2e+5.0");
  json_builder_set_member_name (builder, "values");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    json_builder_add_double_value (builder, values[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, -12);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Doubles with an exponent and one significant digit (1e-10, as a jitter often is) read
 * back, exactly, through json-glib's own parser, in compact and pretty form; strings
 * that look like such numbers, and integers, pass unchanged. */
static void
test_doubles_read_back (void)
{
  g_autoptr(JsonNode) node = sample_node ();

  for (int pretty = 0; pretty < 2; pretty++)
    {
      g_autofree char *text = ks_json_to_string (node, pretty);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *root;
      JsonArray *array;

      json_parser_load_from_data (parser, text, -1, &error);
      g_assert_no_error (error);
      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (root, "text"), ==,
                       "1e-10.0 \"quoted\" 2e+5.0");
      g_assert_cmpint (json_object_get_int_member (root, "count"), ==, -12);
      array = json_object_get_array_member (root, "values");
      g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (values));
      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        g_assert_cmpfloat (json_array_get_double_element (array, i), ==, values[i]);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/doubles-read-back", test_doubles_read_back);
  return g_test_run ();
}
