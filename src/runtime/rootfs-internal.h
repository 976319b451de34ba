/* SPDX-License-Identifier: GPL-2.0-or-later
 * Shared by rootfs.c (before the pivot) and rootfs-finalize.c (the pivot and after). */
#pragma once

#include <stdbool.h>

struct oci_spec;
struct oci_mount;

/* linux.rootfsPropagation as MS_* flags, 0 when unset. */
int rootfs_propagation(const struct oci_spec *spec, unsigned long *ret, char **ret_error);
/* realpath(3) of root.path: /proc/self/fd links are compared against it. */
int rootfs_canonical(const char *rootfs_abs, char **ret, char **ret_error);
/* Is m a bind mount onto /dev (then husk leaves /dev alone)? */
bool rootfs_mount_is_dev_bind(const struct oci_mount *m);
