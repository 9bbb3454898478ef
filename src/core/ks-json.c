/* ks-json.c: JSON text that every JSON parser reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-json.h"

#include <string.h>

/* Appends the number token of length n at text, moving a ".0" that follows an exponent
 * ("1e-10.0") in front of it ("1.0e-10"). */
static void
append_number (GString    *out,
               const char *text,
               gsize       n)
{
  const char *exponent = memchr (text, 'e', n);
  const char *point = memchr (text, '.', n);

  if (exponent == NULL)
    exponent = memchr (text, 'E', n);
  if (exponent == NULL || point == NULL || point < exponent || n < 2
      || strncmp (text + n - 2, ".0", 2) != 0)
    {
      g_string_append_len (out, text, n);
      return;
    }
  g_string_append_len (out, text, exponent - text);
  g_string_append (out, ".0");
  g_string_append_len (out, exponent, text + n - 2 - exponent);
}

char *
ks_json_to_string (JsonNode *node,
                   gboolean  pretty)
{
  g_autofree char *text = json_to_string (node, pretty);
  GString *out = g_string_sized_new (strlen (text) + 16);
  gboolean in_string = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (in_string)
        {
          g_string_append_c (out, *p);
          if (*p == '\\' && p[1] != '\0')
            g_string_append_c (out, *++p);
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '-' || g_ascii_isdigit (*p))
        {
          gsize n = strspn (p, "0123456789+-.eE");

          append_number (out, p, n);
          p += n - 1;
        }
      else
        {
          in_string = *p == '"';
          g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}
