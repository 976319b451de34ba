/* SPDX-License-Identifier: GPL-2.0-or-later
 * Resolving and creating paths inside a container rootfs without ever leaving it.
 *
 * A path is resolved as if root_fd were "/": absolute symlinks restart at root_fd, ".." never
 * climbs above it, magic links (/proc/self/fd/N, /proc/<pid>/root) are not followed. The kernel
 * does this with openat2(2) RESOLVE_IN_ROOT; where openat2 is missing (ENOSYS, Linux < 5.6) a
 * component-by-component walk over O_PATH fds with O_NOFOLLOW does the same. Callers mount on the
 * returned fd (never on a path string), so a symlink swapped in after the lookup cannot redirect
 * the mount (CVE-2021-30465). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

enum path_flags {
        PATH_NOFOLLOW_LAST = 1 << 0,   /* the last component itself, even if a symlink */
        PATH_MKDIR         = 1 << 1,   /* create missing directories (mode 0755) */
        PATH_MKFILE_LAST   = 1 << 2,   /* with PATH_MKDIR: create the last component as a file */
        PATH_FORCE_WALK    = 1 << 3,   /* skip openat2 (tests use it to exercise the walk) */
        PATH_NO_SYMLINKS   = 1 << 4,   /* -ELOOP at any symlink, instead of following it */
};

/* Resolve path (absolute or relative, both taken from root_fd) inside root_fd and return an
 * O_PATH|O_CLOEXEC fd in *ret_fd. With PATH_MKDIR, missing components are created inside the
 * root, following symlinks only inside it (a dangling "/a -> /b" creates <root>/b). Fails with
 * -ENOENT, -ENOTDIR, -ELOOP (more than 40 links), ...; the result is never outside the root. */
int path_open_in_root(int root_fd, const char *path, int flags, int *ret_fd);

/* The path of fd relative to root_path ("/proc/sys" for <rootfs>/proc/sys), from
 * /proc/self/fd. -EXDEV if fd is not below root_path. */
int path_fd_relative_to(int fd, const char *root_path, char **ret);

/* Lexical normalisation: collapse "//", "/./", resolve ".." without going above "/", drop a
 * trailing "/". "a/../b" -> "/b", "" -> "/". The result is always absolute. */
int path_normalize(const char *path, char **ret);

/* Is path (normalised) equal to prefix or below it? path_is_below("/proc/sys", "/proc") -> true. */
bool path_is_below(const char *path, const char *prefix);

/* The /proc/self/fd/N string for fd (buf at least 32 bytes). */
const char *path_procfd(char *buf, size_t n, int fd);
