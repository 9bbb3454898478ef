/* ks-main.c: the entry point of the kernelscope program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Kernelscope"

#include "ks-application.h"
#include "ks-linalg.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KsApplication) application = NULL;

  ks_core_init ();
  application = ks_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (application), argc, argv);
}
