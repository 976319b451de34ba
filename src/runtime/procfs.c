/* SPDX-License-Identifier: GPL-2.0-or-later
 * Verified procfs access (see procfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "procfs.h"

#define PROC_ROOT_INO 1

/* Is fd on a procfs (and, for the root, the root of one)? */
static bool fd_on_procfs(int fd, bool root) {
        struct statfs sf;
        struct stat st;

        if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
                return false;
        return !root || (fstat(fd, &st) == 0 && st.st_ino == PROC_ROOT_INO);
}

/* A procfs root nothing is mounted on: a new instance for our pid namespace (needs
 * CAP_SYS_ADMIN over it, and a fully visible procfs in a user namespace), else a clone of the
 * /proc mount without its submounts, else /proc itself. */
static int procfs_root(int *ret_fd) {
        _cleanup_close_ int fs = fsopen("proc", FSOPEN_CLOEXEC), fd = -EBADF;

        if (fs >= 0 && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) >= 0)
                fd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        if (fd < 0)
                fd = open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        /* Without CAP_SYS_ADMIN (unprivileged callers): /proc itself, which must be a procfs
         * root; RESOLVE_NO_XDEV below still refuses anything mounted on top of its files. */
        if (fd < 0 && errno == EPERM)
                fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (!fd_on_procfs(fd, true))
                return -EXDEV;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* The rest of path after its first component if that is name ("" for path == name), or NULL. */
static const char *after_component(const char *path, const char *name) {
        size_t l = strlen(name);

        if (strncmp(path, name, l) != 0 || (path[l] != '\0' && path[l] != '/'))
                return NULL;
        return path + l;
}

/* "self/x" -> "<pid>/x", "thread-self/x" -> "<pid>/task/<tid>/x": the fresh instance's pids are
 * those of our pid namespace, which is what getpid(2) and gettid(2) return. */
static int procfs_subpath(const char *path, char **ret) {
        const char *rest;
        char *s = NULL;
        int k;

        if ((rest = after_component(path, "self")))
                k = asprintf(&s, "%d%s", (int) getpid(), rest);
        else if ((rest = after_component(path, "thread-self")))
                k = asprintf(&s, "%d/task/%d%s", (int) getpid(), (int) gettid(), rest);
        else
                k = asprintf(&s, "%s", path);
        if (k < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* Open sub (self/thread-self already replaced) below a fresh procfs root. */
static int open_below(const char *sub, int flags, int *ret_fd) {
        _cleanup_close_ int root = -EBADF, fd = -EBADF;
        struct open_how how = {
                /* openat2 refuses O_NOCTTY with O_PATH (EINVAL), open(2) ignored it */
                .flags = (uint64_t) (flags | O_CLOEXEC | O_NOFOLLOW | ((flags & O_PATH) ? 0 : O_NOCTTY)),
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        int r;

        r = procfs_root(&root);
        if (r < 0)
                return r;
        fd = (int) syscall(SYS_openat2, root, sub, &how, sizeof(how));
        /* Before Linux 5.6: the clone or new instance has no mounts on it and we named every
         * component, so only a last-component symlink could lead elsewhere. */
        if (fd < 0 && errno == ENOSYS)
                fd = openat(root, sub, (int) how.flags);
        if (fd < 0)
                return -errno;
        if (!fd_on_procfs(fd, false))
                return -EXDEV;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int procfs_open(const char *path, int flags, int *ret_fd) {
        _cleanup_free_ char *sub = NULL;
        int r = procfs_subpath(path, &sub);

        if (r < 0)
                return r;
        return open_below(sub, flags, ret_fd);
}

int procfs_open_parent(const char *path, int *ret_dfd, const char **ret_name) {
        _cleanup_free_ char *sub = NULL;
        char *slash;
        int r;

        if (!strchr(path, '/'))
                return -EINVAL;
        r = procfs_subpath(path, &sub);
        if (r < 0)
                return r;
        slash = strrchr(sub, '/');
        *slash = '\0';
        r = open_below(sub, O_PATH | O_DIRECTORY, ret_dfd);
        if (r < 0)
                return r;
        *ret_name = path + strlen(path) - strlen(slash + 1);
        return 0;
}

int procfs_write(const char *path, const char *s) {
        _cleanup_close_ int dfd = -EBADF;
        const char *name = NULL;
        int r = procfs_open_parent(path, &dfd, &name);

        if (r < 0)
                return r;
        return write_string_file_at(dfd, name, s);
}

int procfs_read_line(const char *path, char **ret) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *s = NULL;

        if (!strchr(path, '/'))
                return -EINVAL;
        int r = procfs_open(path, O_RDONLY, &fd);
        if (r >= 0)
                r = read_full_fd(fd, &s, NULL);
        if (r < 0)
                return r;
        s[strcspn(s, "\n")] = '\0';
        *ret = TAKE_PTR(s);
        return 0;
}
