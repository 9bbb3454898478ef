/* ks-settings.c: the program's GSettings, installed or from the build folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-settings.h"

#include "ks-config.h"

static GSettingsSchema *
find_schema (void)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  GSettingsSchema *schema = NULL;
  g_autoptr(GSettingsSchemaSource) build = NULL;

  if (installed != NULL)
    schema = g_settings_schema_source_lookup (installed, KS_APP_ID, TRUE);
  if (schema != NULL)
    return schema;
  build = g_settings_schema_source_new_from_directory (KS_SCHEMA_BUILD_DIR, installed, FALSE, NULL);
  if (build != NULL)
    schema = g_settings_schema_source_lookup (build, KS_APP_ID, FALSE);
  return schema;
}

GSettings *
ks_settings_new (void)
{
  g_autoptr(GSettingsSchema) schema = find_schema ();

  if (schema == NULL)
    g_error ("The settings schema %s is not installed, nor compiled in %s: "
             "install Kernelscope or build it again", KS_APP_ID, KS_SCHEMA_BUILD_DIR);
  return g_settings_new_full (schema, NULL, NULL);
}
