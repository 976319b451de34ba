/* SPDX-License-Identifier: GPL-2.0-or-later
 * Mounting one OCI mounts[] entry into a rootfs, and the fd-based mount primitives the rest of
 * the rootfs code (devices, masked and readonly paths, console) uses.
 *
 * Every destination is resolved inside the rootfs (paths.h) to an O_PATH fd and the mount goes
 * onto that fd (move_mount(2), or mount(2) on /proc/self/fd/N), never onto a path string. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cleanup.h"

struct oci_mount;
struct oci_id_mapping;

struct mnt_ctx {
        int root_fd;                 /* O_PATH fd of the rootfs (after its self bind) */
        const char *rootfs;          /* its absolute path */
        const char *bundle;          /* relative bind sources are taken from here (NULL: cwd) */
        bool in_userns;
        /* linux.uidMappings/gidMappings: the default for "idmap" mounts without their own */
        const struct oci_id_mapping *uid_mappings;
        size_t n_uid_mappings;
        const struct oci_id_mapping *gid_mappings;
        size_t n_gid_mappings;
};

/* Mount m (mounts[index]) into the rootfs. On failure *ret_error is
 * "mounts[<index>] (<destination>): <what>: <strerror>". */
int mnt_apply(const struct mnt_ctx *c, const struct oci_mount *m, size_t index, char **ret_error);

/* Bind the file or directory src_fd refers to (any fd with a path, O_PATH is fine) onto dst_fd.
 * recursive: the whole tree below src (rbind). */
int mnt_bind_fd(int src_fd, int dst_fd, bool recursive);
/* Bind a host path onto dst_fd. */
int mnt_bind_path(const char *src, int dst_fd, bool recursive);
/* Mount a filesystem onto dst_fd (mount(2) through /proc/self/fd). */
int mnt_mount_fd(const char *source, const char *type, unsigned long flags, const char *data,
                 int dst_fd);
/* Remount the bind mount whose root is fd with MS_REMOUNT|MS_BIND|flags. In a user namespace the
 * flags the source has locked (ro, nosuid, nodev, noexec, atime) cannot be cleared: on EPERM
 * they are kept and the remount retried (runc: libcontainer/rootfs_linux.go remount). */
int mnt_remount_bind(int fd, unsigned long flags);
/* Make the mount whose root is fd read-only, keeping its other flags (mount_setattr(2); on
 * kernels without it, a bind remount that keeps the current flags). Needs no /proc. */
int mnt_set_readonly(int fd);
/* Make the tree at fd read-only, recursively, in place (bind onto itself + mount_setattr). */
int mnt_make_readonly_tree(int fd);
/* Mount an empty read-only tmpfs (nosuid, nodev, noexec) onto fd: how maskedPaths hides a
 * directory. */
int mnt_mount_tmpfs_ro(int fd);
/* Change propagation of the mount whose root is fd. */
int mnt_set_propagation(int fd, unsigned long flags);

/* Set *ret_error to "<formatted>: <strerror(-r)>" (or just the text when r is 0) and return r
 * (or -EINVAL for r == 0). ret_error may be NULL; an existing message is kept. */
int mnt_errorf(char **ret_error, int r, const char *fmt, ...) _printf_(3, 4);
