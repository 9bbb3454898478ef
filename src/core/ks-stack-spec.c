/* ks-stack-spec.c: the one-line text form of a stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Grammar: comma-separated tokens, each one of
 *   dense:WIDTH[:wv=V][:bv=V]   WIDTH a positive integer or "inf"
 *   relu | erf | tanh | gelu | identity
 *   readout:NOUT[:noise=V]
 * Formatting writes defaults (wv=1, bv=0, noise=0) out and numbers in their shortest
 * exact form, so parse (format (s)) == s for every stack.
 */
#include "ks-stack.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ks-error.h"

char *
ks_format_double (double value)
{
  char best[G_ASCII_DTOSTR_BUF_SIZE] = "";

  /* The shortest text among the %g precisions that read back to the same double: 10 is
   * "10" (not "1e+01"), 1e-05 stays "1e-05". */
  for (int digits = 1; digits <= 17; digits++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value && (best[0] == '\0' || strlen (buf) < strlen (best)))
        g_strlcpy (best, buf, sizeof best);
    }
  return g_strdup (best);
}

typedef struct
{
  const char *spec;
  const char *token;   /* the whole token, for messages */
  guint       index;   /* 1-based token number */
  gsize       offset;  /* 0-based character offset of the token in spec */
} TokenContext;

G_GNUC_PRINTF (3, 4)
static gboolean
token_error (const TokenContext *ctx,
             GError            **error,
             const char         *format,
             ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
               "stack spec, token %u '%s' (at character %zu): %s",
               ctx->index, ctx->token, ctx->offset + 1, detail);
  return FALSE;
}

static gboolean
parse_number (const char *text,
              double     *value)
{
  char *end = NULL;

  if (*text == '\0' || g_ascii_isspace (*text))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtod (text, &end);
  return errno == 0 && end != NULL && *end == '\0' && isfinite (*value);
}

static gboolean
parse_count (const char *text,
             guint64     max,
             guint64    *value)
{
  char *end = NULL;

  if (!g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoull (text, &end, 10);
  return errno == 0 && *end == '\0' && *value >= 1 && *value <= max;
}

/* Reads "name=value" options after the first field; "seen" stops repeats. */
static gboolean
parse_option (const TokenContext *ctx,
              const char         *field,
              const char * const *names,
              double            **targets,
              guint              *seen,
              GError            **error)
{
  const char *eq = strchr (field, '=');
  g_autofree char *name = NULL;

  if (eq == NULL)
    return token_error (ctx, error, "expected an option like %s=VALUE, found '%s'", names[0], field);
  name = g_strndup (field, eq - field);
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (!g_str_equal (name, names[i]))
        continue;
      if (*seen & (1u << i))
        return token_error (ctx, error, "option '%s' is given twice", name);
      *seen |= 1u << i;
      if (!parse_number (eq + 1, targets[i]))
        return token_error (ctx, error, "expected a number for %s, found '%s'", name, eq + 1);
      return TRUE;
    }
  {
    g_autofree char *known = g_strjoinv ("=, ", (char **) names);
    return token_error (ctx, error, "unknown option '%s' (expected %s=)", name, known);
  }
}

static gboolean
parse_dense (const TokenContext *ctx,
             char              **fields,
             KsLayer            *layer,
             GError            **error)
{
  static const char * const names[] = { "wv", "bv", NULL };
  guint64 width = 0;
  guint seen = 0;

  *layer = ks_layer_dense (KS_WIDTH_INFINITE, 1.0, 0.0);
  if (fields[1] == NULL)
    return token_error (ctx, error, "expected a width after 'dense:' (a positive integer or 'inf')");
  if (!g_str_equal (fields[1], "inf"))
    {
      if (!parse_count (fields[1], KS_WIDTH_MAX, &width))
        return token_error (ctx, error, "expected a width from 1 to %u or 'inf', found '%s'",
                            KS_WIDTH_MAX, fields[1]);
      layer->width = (guint) width;
    }
  for (guint i = 2; fields[i] != NULL; i++)
    if (!parse_option (ctx, fields[i], names,
                       (double *[]) { &layer->weight_var, &layer->bias_var }, &seen, error))
      return FALSE;
  return TRUE;
}

static gboolean
parse_readout (const TokenContext *ctx,
               char              **fields,
               KsLayer            *layer,
               GError            **error)
{
  static const char * const names[] = { "noise", NULL };
  guint64 n_out = 0;
  guint seen = 0;

  if (fields[1] == NULL || !parse_count (fields[1], KS_N_OUT_MAX, &n_out))
    return token_error (ctx, error, "expected the number of output channels (1 to %u) after 'readout:', found '%s'",
                        KS_N_OUT_MAX, fields[1] ? fields[1] : "");
  *layer = ks_layer_readout ((guint) n_out, 0.0);
  for (guint i = 2; fields[i] != NULL; i++)
    if (!parse_option (ctx, fields[i], names, (double *[]) { &layer->noise_var }, &seen, error))
      return FALSE;
  return TRUE;
}

static gboolean
parse_token (const TokenContext *ctx,
             KsLayer            *layer,
             GError            **error)
{
  g_auto(GStrv) fields = g_strsplit (ctx->token, ":", -1);
  KsLayerKind kind;
  g_autoptr(GError) local_error = NULL;

  if (ctx->token[0] == '\0')
    return token_error (ctx, error, "empty token (two commas in a row, or a comma at an end)");
  if (!ks_layer_kind_from_string (fields[0], &kind))
    return token_error (ctx, error,
                        "unknown layer '%s' (expected dense, relu, erf, tanh, gelu, identity or readout)",
                        fields[0]);
  if (kind == KS_LAYER_DENSE && !parse_dense (ctx, fields, layer, error))
    return FALSE;
  if (kind == KS_LAYER_READOUT && !parse_readout (ctx, fields, layer, error))
    return FALSE;
  if (ks_layer_kind_is_nonlinearity (kind))
    {
      if (fields[1] != NULL)
        return token_error (ctx, error, "'%s' takes no options", fields[0]);
      *layer = ks_layer_nonlinearity (kind);
    }
  if (!ks_layer_validate (layer, &local_error))
    return token_error (ctx, error, "%s", local_error->message);
  return TRUE;
}

KsStack *
ks_stack_parse (const char *spec,
                GError    **error)
{
  g_autoptr(KsStack) stack = ks_stack_new ();
  g_auto(GStrv) tokens = NULL;
  gsize offset = 0;

  g_autofree char *trimmed = g_strstrip (g_strdup (spec));

  if (*trimmed == '\0')
    {
      g_set_error (error, KS_ERROR, KS_ERROR_PARSE,
                   "stack spec is empty: expected layers such as 'dense:inf,relu'");
      return NULL;
    }
  tokens = g_strsplit (spec, ",", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_autofree char *token = g_strstrip (g_strdup (tokens[i]));
      TokenContext ctx = { spec, token, i + 1, offset };
      g_autoptr(GError) local_error = NULL;
      KsLayer layer;

      offset += strlen (tokens[i]) + 1;
      if (!parse_token (&ctx, &layer, error))
        return NULL;
      if (!ks_stack_append (stack, &layer, &local_error))
        {
          token_error (&ctx, error, "%s", local_error->message);
          return NULL;
        }
    }
  return g_steal_pointer (&stack);
}

static void
append_option (GString    *out,
               const char *name,
               double      value)
{
  g_autofree char *number = ks_format_double (value);

  g_string_append_printf (out, ":%s=%s", name, number);
}

char *
ks_stack_to_string (const KsStack *self)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < ks_stack_get_n_layers (self); i++)
    {
      const KsLayer *layer = ks_stack_get_layer (self, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, ks_layer_kind_to_string (layer->kind));
      if (layer->kind == KS_LAYER_DENSE)
        {
          if (layer->width == KS_WIDTH_INFINITE)
            g_string_append (out, ":inf");
          else
            g_string_append_printf (out, ":%u", layer->width);
          if (layer->weight_var != 1.0)
            append_option (out, "wv", layer->weight_var);
          if (layer->bias_var != 0.0)
            append_option (out, "bv", layer->bias_var);
        }
      else if (layer->kind == KS_LAYER_READOUT)
        {
          g_string_append_printf (out, ":%u", layer->width);
          if (layer->noise_var != 0.0)
            append_option (out, "noise", layer->noise_var);
        }
    }
  return g_string_free (out, FALSE);
}
