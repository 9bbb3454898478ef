/* ks-cli-output-folder.c: all of a command's files appear in a folder, or none do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The files are written into a staging folder inside the destination (same file system,
 * so moving them is a rename). A replaced file is first linked (or moved) aside into the
 * staging folder, so that a failure halfway through can put every old file back.
 */
#include "ks-cli-output-folder.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define STAGING_TEMPLATE ".kernelscope-cli-XXXXXX"

struct _KsCliOutputFolder
{
  char *folder;
  char *staging;        /* the new files, until commit */
  char *previous;       /* inside staging: the files commit replaced */
  GPtrArray *created;   /* folders new () made, outermost first */
  GPtrArray *names;     /* of the staged files */
  gboolean committed;
};

/* "<action> <path>: <reason>", e.g. "Cannot create the output folder /a/b: Permission denied". */
static void
set_error_from_errno (GError    **error,
                      int         saved_errno,
                      const char *action,
                      const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s %s: %s", action, path, g_strerror (saved_errno));
}

/* The folder itself when it exists, else its closest ancestor that does. */
static char *
nearest_existing (const char *path)
{
  char *existing = g_strdup (path);

  while (!g_file_test (existing, G_FILE_TEST_EXISTS))
    {
      char *parent = g_path_get_dirname (existing);

      if (strcmp (parent, existing) == 0)
        {
          g_free (parent);
          break;
        }
      g_free (existing);
      existing = parent;
    }
  return existing;
}

gboolean
ks_cli_output_folder_check (const char  *folder,
                            GError     **error)
{
  g_autofree char *absolute = g_canonicalize_filename (folder, NULL);
  g_autofree char *existing = nearest_existing (absolute);

  if (!g_file_test (existing, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   "Cannot write the output folder %s: %s is not a folder",
                   folder, existing);
      return FALSE;
    }
  if (g_access (existing, W_OK | X_OK) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot write the output folder %s: %s: %s",
                   folder, existing, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_folders (KsCliOutputFolder *self,
              GError           **error)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *existing = nearest_existing (self->folder);
  g_autofree char *path = g_strdup (self->folder);

  while (strcmp (path, existing) != 0)
    {
      char *parent = g_path_get_dirname (path);

      g_ptr_array_insert (missing, 0, g_steal_pointer (&path));
      path = parent;
    }

  for (guint i = 0; i < missing->len; i++)
    {
      const char *missing_folder = g_ptr_array_index (missing, i);

      if (g_mkdir (missing_folder, 0777) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Cannot create the output folder %s: %s: %s", self->folder,
                       missing_folder, g_strerror (saved_errno));
          return FALSE;
        }
      g_ptr_array_add (self->created, g_strdup (missing_folder));
    }

  if (!g_file_test (self->folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   "Cannot write the output folder %s: it is not a folder", self->folder);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_staging (KsCliOutputFolder *self,
              GError           **error)
{
  g_autofree char *staging = g_build_filename (self->folder, STAGING_TEMPLATE, NULL);
  g_autofree char *previous = NULL;

  if (g_mkdtemp (staging) == NULL)
    {
      set_error_from_errno (error, errno, "Cannot write into the output folder",
                            self->folder);
      return FALSE;
    }
  self->staging = g_steal_pointer (&staging);

  previous = g_build_filename (self->staging, "previous", NULL);
  if (g_mkdir (previous, 0700) != 0)
    {
      set_error_from_errno (error, errno, "Cannot create", previous);
      return FALSE;
    }
  self->previous = g_steal_pointer (&previous);
  return TRUE;
}

KsCliOutputFolder *
ks_cli_output_folder_new (const char  *folder,
                          GError     **error)
{
  g_autoptr(KsCliOutputFolder) self = g_new0 (KsCliOutputFolder, 1);

  /* Absolute and without a trailing "/", so that its parents are plain prefixes. */
  self->folder = g_canonicalize_filename (folder, NULL);
  self->created = g_ptr_array_new_with_free_func (g_free);
  self->names = g_ptr_array_new_with_free_func (g_free);
  if (!make_folders (self, error) || !make_staging (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

GFile *
ks_cli_output_folder_add (KsCliOutputFolder *self,
                          const char        *name)
{
  g_return_val_if_fail (strchr (name, G_DIR_SEPARATOR) == NULL, NULL);

  g_ptr_array_add (self->names, g_strdup (name));
  return g_file_new_build_filename (self->staging, name, NULL);
}

/* Sets the file the staged one replaces aside; *had_previous says whether there was one. */
static gboolean
set_previous_aside (KsCliOutputFolder *self,
                    const char        *name,
                    gboolean          *had_previous,
                    GError           **error)
{
  g_autofree char *target = g_build_filename (self->folder, name, NULL);
  g_autofree char *previous = g_build_filename (self->previous, name, NULL);
  GStatBuf info;

  *had_previous = FALSE;
  if (g_lstat (target, &info) != 0)
    return TRUE;
  if (S_ISDIR (info.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   "Cannot replace %s: it is a folder", target);
      return FALSE;
    }
  /* A hard link leaves the old file in place until the rename replaces it. */
  if (link (target, previous) != 0 && g_rename (target, previous) != 0)
    {
      set_error_from_errno (error, errno, "Cannot replace", target);
      return FALSE;
    }
  *had_previous = TRUE;
  return TRUE;
}

static gboolean
move_into_place (KsCliOutputFolder *self,
                 const char        *name,
                 gboolean          *had_previous,
                 GError           **error)
{
  g_autofree char *staged = g_build_filename (self->staging, name, NULL);
  g_autofree char *target = g_build_filename (self->folder, name, NULL);

  if (!set_previous_aside (self, name, had_previous, error))
    return FALSE;
  if (g_rename (staged, target) != 0)
    {
      set_error_from_errno (error, errno, "Cannot write", target);
      return FALSE;
    }
  return TRUE;
}

/* Undoes the moves of the first n_moved names, newest first; best effort. */
static void
roll_back (KsCliOutputFolder *self,
           guint              n_moved,
           const gboolean    *had_previous)
{
  for (guint i = n_moved; i-- > 0;)
    {
      const char *name = g_ptr_array_index (self->names, i);
      g_autofree char *target = g_build_filename (self->folder, name, NULL);
      g_autofree char *previous = g_build_filename (self->previous, name, NULL);

      if (had_previous[i])
        g_rename (previous, target);
      else
        g_unlink (target);
    }
}

gboolean
ks_cli_output_folder_commit (KsCliOutputFolder *self,
                             GError           **error)
{
  g_autofree gboolean *had_previous = g_new0 (gboolean, self->names->len);

  g_return_val_if_fail (!self->committed, FALSE);

  for (guint i = 0; i < self->names->len; i++)
    if (!move_into_place (self, g_ptr_array_index (self->names, i), &had_previous[i], error))
      {
        /* The failed name may already have been set aside: undo it too. */
        roll_back (self, i + 1, had_previous);
        return FALSE;
      }
  self->committed = TRUE;
  return TRUE;
}

/* Removes path and, for a folder, everything in it; only what this command created. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  GStatBuf info;

  if (g_lstat (path, &info) != 0)
    return;
  if (!S_ISDIR (info.st_mode))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

void
ks_cli_output_folder_free (KsCliOutputFolder *self)
{
  if (self->staging != NULL)
    remove_tree (self->staging);
  /* Only folders left empty go: g_rmdir refuses the others. */
  if (!self->committed)
    for (guint i = self->created->len; i-- > 0;)
      g_rmdir (g_ptr_array_index (self->created, i));

  g_free (self->folder);
  g_free (self->staging);
  g_free (self->previous);
  g_ptr_array_unref (self->created);
  g_ptr_array_unref (self->names);
  g_free (self);
}
