/* ks-atomic-file.c: a file that appears complete or not at all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ks-atomic-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

struct _KsAtomicFile
{
  char   *path;
  char   *display_name;
  char   *temp_path;     /* NULL once renamed or removed */
  int     fd;
  GError *error;
};

static void
set_errno_error (GError    **error,
                 int         saved_errno,
                 const char *display_name,
                 const char *doing)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "Cannot %s “%s”: %s", doing, display_name, g_strerror (saved_errno));
}

KsAtomicFile *
ks_atomic_file_open (const char  *path,
                     GError     **error)
{
  g_autoptr(KsAtomicFile) file = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *base = NULL;
  GStatBuf status;
  gboolean exists;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_new0 (KsAtomicFile, 1);
  file->fd = -1;
  file->path = g_strdup (path);
  file->display_name = g_filename_display_name (path);

  exists = g_stat (path, &status) == 0;
  if (exists && !S_ISREG (status.st_mode))
    {
      g_set_error (error, G_IO_ERROR,
                   S_ISDIR (status.st_mode) ? G_IO_ERROR_IS_DIRECTORY : G_IO_ERROR_NOT_REGULAR_FILE,
                   "Cannot write “%s”: it is %s, not a regular file", file->display_name,
                   S_ISDIR (status.st_mode) ? "a folder" : "a device or other special file");
      return NULL;
    }

  folder = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  file->temp_path = g_strdup_printf ("%s%c.%s.XXXXXX", folder, G_DIR_SEPARATOR, base);
  file->fd = g_mkstemp_full (file->temp_path, O_WRONLY | O_CLOEXEC, 0666);
  if (file->fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&file->temp_path, g_free);
      set_errno_error (error, saved_errno, file->display_name, "write");
      return NULL;
    }
  /* A replaced file keeps its permissions; a new one gets 0666 less the umask. */
  if (exists)
    fchmod (file->fd, status.st_mode & 07777);
  return g_steal_pointer (&file);
}

gboolean
ks_atomic_file_write (KsAtomicFile *file,
                      const void   *data,
                      gsize         length)
{
  const guint8 *cursor = data;

  if (file->error != NULL || file->fd < 0)
    return FALSE;
  while (length > 0)
    {
      gssize written = write (file->fd, cursor, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          set_errno_error (&file->error, written < 0 ? errno : ENOSPC,
                           file->display_name, "write");
          return FALSE;
        }
      cursor += written;
      length -= written;
    }
  return TRUE;
}

const GError *
ks_atomic_file_get_error (KsAtomicFile *file)
{
  return file->error;
}

static void
remove_temporary (KsAtomicFile *file)
{
  if (file->fd >= 0)
    {
      g_close (file->fd, NULL);
      file->fd = -1;
    }
  if (file->temp_path != NULL)
    {
      g_unlink (file->temp_path);
      g_clear_pointer (&file->temp_path, g_free);
    }
}

gboolean
ks_atomic_file_commit (KsAtomicFile  *file,
                       GError       **error)
{
  int fd = file->fd;

  g_return_val_if_fail (file->temp_path != NULL, FALSE);

  if (file->error != NULL)
    {
      g_propagate_error (error, g_error_copy (file->error));
      remove_temporary (file);
      return FALSE;
    }
  /* A full disk may only show at sync or close (delayed allocation, network file
   * systems): both are checked before the rename makes the file visible. */
  file->fd = -1;
  if (g_fsync (fd) != 0)
    {
      set_errno_error (error, errno, file->display_name, "write");
      close (fd);
      remove_temporary (file);
      return FALSE;
    }
  /* On Linux the descriptor is gone even when close () reports EINTR. */
  if (close (fd) != 0 && errno != EINTR)
    {
      set_errno_error (error, errno, file->display_name, "write");
      remove_temporary (file);
      return FALSE;
    }
  if (g_rename (file->temp_path, file->path) != 0)
    {
      set_errno_error (error, errno, file->display_name, "replace");
      remove_temporary (file);
      return FALSE;
    }
  g_clear_pointer (&file->temp_path, g_free);
  return TRUE;
}

void
ks_atomic_file_free (KsAtomicFile *file)
{
  if (file == NULL)
    return;
  remove_temporary (file);
  g_clear_error (&file->error);
  g_free (file->path);
  g_free (file->display_name);
  g_free (file);
}
