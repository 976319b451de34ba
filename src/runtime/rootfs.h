/* SPDX-License-Identifier: GPL-2.0-or-later
 * The container's filesystem: everything between "we are in a new mount namespace" and "/ is the
 * container's root".
 *
 * The container child calls, in order:
 *   rootfs_mount_all()          before pivot: propagation of /, the rootfs bind, mounts[] in order,
 *                               /dev (default devices, linux.devices, pts, ptmx, fd/std symlinks,
 *                               console). Destinations are resolved inside the rootfs (never through
 *                               a symlink that leaves it) and mounted through an fd.
 *   (createContainer hooks run here, in the container namespaces, before pivot)
 *   rootfs_pivot_and_finalize() pivot_root (or MS_MOVE + chroot with no_pivot), maskedPaths,
 *                               readonlyPaths, root.readonly, rootfsPropagation; cwd is "/".
 *
 * Both run in the child, in the container's mount namespace, as (namespace) root. A spec without a
 * mount namespace shares the runtime's: then "/" keeps its propagation, the rootfs is bound onto
 * itself only for root.readonly, rootfsPropagation is refused, and chroot(2) replaces the pivot;
 * what is mounted below the rootfs stays after the container and is the caller's to record
 * and remove (mount-record.h). On failure they
 * return -errno and set *ret_error (if not NULL) to an allocated one-line message naming the field
 * ("mounts[3] (/data): mount bind /src: No such file or directory"); the caller frees it. */
#pragma once

#include <stdbool.h>

struct oci_spec;

struct rootfs_options {
        bool no_pivot;      /* --no-pivot: MS_MOVE the rootfs onto / and chroot (for ramfs roots) */
        bool in_userns;     /* the child is in a new user namespace: bind devices instead of mknod,
                             * keep the locked flags of bind sources on remount */
        int console_fd;     /* pty slave to bind on /dev/console (process.terminal), or -1:
                             * rootfs_mount_all() binds it when >= 0 */
        const char *bundle; /* relative bind mount sources are taken from here (NULL: cwd) */
        bool defer_protected_paths; /* rootfs_pivot_and_finalize() leaves maskedPaths and
                             * readonlyPaths to a later rootfs_protect_paths() call, so that
                             * linux.sysctl can still write /proc/sys (runc's order) */
};

#define ROOTFS_OPTIONS_INIT { .no_pivot = false, .in_userns = false, .console_fd = -1, .bundle = NULL, \
                              .defer_protected_paths = false }

/* Prepare the rootfs at rootfs_abs (absolute) in the current mount namespace; opts may be NULL.
 * Must be called in a private mount namespace (CLONE_NEWNS) unless the spec has none. */
int rootfs_mount_all(const struct oci_spec *spec, const char *rootfs_abs,
                     const struct rootfs_options *opts, char **ret_error);

/* Make rootfs_abs the root of the mount namespace and apply what must happen after the last
 * mount: rootfsPropagation, process.cwd created, /dev and root.readonly, then (unless
 * opts->defer_protected_paths) readonlyPaths and maskedPaths. Leaves cwd at "/". */
int rootfs_pivot_and_finalize(const struct oci_spec *spec, const char *rootfs_abs,
                              const struct rootfs_options *opts, char **ret_error);

/* After the pivot: linux.readonlyPaths then linux.maskedPaths (missing paths are skipped). For
 * callers that set defer_protected_paths, after writing linux.sysctl. */
int rootfs_protect_paths(const struct oci_spec *spec, char **ret_error);

/* After the pivot: bind the pty slave console_fd onto /dev/console, for a caller that opens the
 * terminal inside the container (from its /dev/ptmx) rather than before rootfs_mount_all(). */
int rootfs_bind_console(int console_fd, char **ret_error);
