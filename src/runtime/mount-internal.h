/* SPDX-License-Identifier: GPL-2.0-or-later
 * Helpers of mount.c that live in their own files: idmapped mounts (mount-idmap.c) and the
 * tmpcopyup copy (mount-copyup.c). */
#pragma once

#include <stddef.h>

#include "mount-options.h"
#include "mount.h"

struct oci_id_mapping;

/* A user namespace fd whose uid/gid maps are the given mappings ("containerID hostID size"),
 * for mount_setattr(2) MOUNT_ATTR_IDMAP: a file owned by containerID on disk shows as hostID.
 * Made by a short-lived child that unshares CLONE_NEWUSER; the caller writes its maps. */
int mnt_userns_fd(const struct oci_id_mapping *uid, size_t n_uid,
                  const struct oci_id_mapping *gid, size_t n_gid, int *ret_fd);

/* Copy the contents of directory src_dir_fd into dst_dir_fd (files, directories, symlinks,
 * device nodes and fifos, with mode, owner and times), for "tmpcopyup". */
int mnt_copy_tree(int src_dir_fd, int dst_dir_fd);

/* type "cgroup"/"cgroup2" (mount-cgroup.c): a cgroup2 mount (or, where the kernel refuses one, a
 * bind of the host's /sys/fs/cgroup) on a unified host, and runc's emulation on a v1/hybrid host:
 * a tmpfs with a bind of the container's own cgroup of every hierarchy. */
int mnt_cgroup_apply(const struct mnt_ctx *c, const struct oci_mount *m, size_t index,
                     const struct mnt_options *o, char **ret_error);

/* mnt_apply() itself; plain: a "cgroup"/"cgroup2" entry is mounted as it is (what
 * mnt_cgroup_apply() does for the pieces it makes), not expanded again. */
int mnt_apply_internal(const struct mnt_ctx *c, const struct oci_mount *m, size_t index,
                       bool plain, char **ret_error);
