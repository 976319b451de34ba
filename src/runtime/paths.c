/* SPDX-License-Identifier: GPL-2.0-or-later
 * Safe path resolution inside a rootfs: openat2(2) RESOLVE_IN_ROOT, or an O_PATH walk. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "paths.h"

#define PATH_MAX_SYMLINKS 40   /* as the kernel's MAXSYMLINKS */

const char *path_procfd(char *buf, size_t n, int fd) {
        snprintf(buf, n, "/proc/self/fd/%d", fd);
        return buf;
}

/* Do two fds refer to the same inode (".." at the root stays there)? */
static bool fd_same_inode(int a, int b) {
        struct stat sa, sb;

        if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0)
                return false;
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Read the target of the symlink an O_PATH fd refers to. */
static int readlink_fd(int fd, char **ret) {
        char buf[PATH_MAX];
        ssize_t n = readlinkat(fd, "", buf, sizeof(buf) - 1);

        if (n < 0)
                return -errno;
        if ((size_t) n >= sizeof(buf) - 1)
                return -ENAMETOOLONG;
        buf[n] = '\0';
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

/* Create the missing component name in dir: a directory, or an empty file when as_file. An
 * entry that appeared meanwhile (EEXIST) is fine: the caller opens whatever is there. */
static int create_component(int dir, const char *name, bool as_file) {
        if (as_file) {
                int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);

                if (fd < 0)
                        return errno == EEXIST ? 0 : -errno;
                close(fd);
                return 0;
        }
        if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

/* Build "<target>/<rest>" for the next round of the walk after a symlink. */
static int join_link(const char *target, const char *rest, char **ret) {
        char *s = NULL;

        if (asprintf(&s, "%s/%s", target, rest) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* The walk: one component at a time with O_PATH|O_NOFOLLOW, symlink targets re-resolved from
 * root_fd (absolute) or the current directory (relative), ".." clamped at root_fd. */
static int path_walk(int root_fd, const char *path, int flags, int *ret_fd) {
        _cleanup_free_ char *todo = strdup(path);
        _cleanup_close_ int cur = -EBADF;
        unsigned links = 0;
        char *p;
        int r;

        if (!todo)
                return -ENOMEM;
        cur = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cur < 0)
                return -errno;

        p = todo;
        for (;;) {
                _cleanup_close_ int nfd = -EBADF;
                struct stat st;
                char *comp, *next;
                bool last;

                while (*p == '/')
                        p++;
                if (*p == '\0')
                        break;
                comp = p;
                next = strchrnul(p, '/');
                if (*next == '/')
                        *next++ = '\0';
                while (*next == '/')
                        next++;
                last = *next == '\0';

                if (strcmp(comp, ".") == 0) {
                        p = next;
                        continue;
                }
                if (strcmp(comp, "..") == 0) {
                        if (!fd_same_inode(cur, root_fd)) {
                                nfd = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                                if (nfd < 0)
                                        return -errno;
                                safe_close(cur);
                                cur = TAKE_FD(nfd);
                        }
                        p = next;
                        continue;
                }

                nfd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (nfd < 0 && errno == ENOENT && (flags & PATH_MKDIR)) {
                        r = create_component(cur, comp, last && (flags & PATH_MKFILE_LAST));
                        if (r < 0)
                                return r;
                        nfd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                }
                if (nfd < 0)
                        return -errno;
                if (fstat(nfd, &st) < 0)
                        return -errno;

                if (S_ISLNK(st.st_mode) && !(last && (flags & PATH_NOFOLLOW_LAST))) {
                        _cleanup_free_ char *target = NULL;
                        char *joined = NULL;

                        if ((flags & PATH_NO_SYMLINKS) || ++links > PATH_MAX_SYMLINKS)
                                return -ELOOP;
                        r = readlink_fd(nfd, &target);
                        if (r < 0)
                                return r;
                        r = join_link(target, next, &joined);
                        if (r < 0)
                                return r;
                        if (target[0] == '/') {
                                int rfd = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

                                if (rfd < 0) {
                                        free(joined);
                                        return -errno;
                                }
                                safe_close(cur);
                                cur = rfd;
                        }
                        free(todo);
                        todo = joined;
                        p = todo;
                        continue;
                }
                if (!last && !S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                safe_close(cur);
                cur = TAKE_FD(nfd);
                p = next;
        }

        *ret_fd = TAKE_FD(cur);
        return 0;
}

/* openat2(2) RESOLVE_IN_ROOT (Linux 5.6). -ENOSYS (or -EPERM from an old seccomp profile) tells the
 * caller to walk instead; -EAGAIN (a rename raced with "..") is retried. */
static int path_openat2(int root_fd, const char *path, int flags, int *ret_fd) {
        struct open_how how = {
                .flags = O_PATH | O_CLOEXEC | ((flags & PATH_NOFOLLOW_LAST) ? O_NOFOLLOW : 0),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
                           ((flags & PATH_NO_SYMLINKS) ? RESOLVE_NO_SYMLINKS : 0),
        };

        for (int attempt = 0; attempt < 16; attempt++) {
                long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));

                if (fd >= 0) {
                        *ret_fd = (int) fd;
                        return 0;
                }
                if (errno != EAGAIN)
                        return -errno;
        }
        return -EAGAIN;
}

int path_open_in_root(int root_fd, const char *path, int flags, int *ret_fd) {
        int r = -ENOSYS;

        if (!(flags & PATH_FORCE_WALK)) {
                r = path_openat2(root_fd, *path ? path : ".", flags, ret_fd);
                if (r >= 0)
                        return r;
                if (r != -ENOSYS && r != -EPERM && !(r == -ENOENT && (flags & PATH_MKDIR)))
                        return r;
        }
        return path_walk(root_fd, path, flags, ret_fd);
}

int path_fd_relative_to(int fd, const char *root_path, char **ret) {
        char proc[32], buf[PATH_MAX];
        size_t rl = strlen(root_path);
        ssize_t n;
        char *s;

        n = readlink(path_procfd(proc, sizeof(proc), fd), buf, sizeof(buf) - 1);
        if (n < 0)
                return -errno;
        if ((size_t) n >= sizeof(buf) - 1)
                return -ENAMETOOLONG;
        buf[n] = '\0';

        while (rl > 1 && root_path[rl - 1] == '/')
                rl--;
        if (rl == 1 && root_path[0] == '/')
                rl = 0;
        if (strncmp(buf, root_path, rl) != 0 || (buf[rl] != '/' && buf[rl] != '\0'))
                return -EXDEV;
        s = strdup(buf[rl] ? buf + rl : "/");
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int path_normalize(const char *path, char **ret) {
        size_t len = strlen(path);
        char *out = malloc(len + 2);
        size_t o = 0;
        const char *p = path;

        if (!out)
                return -ENOMEM;
        while (*p) {
                const char *e;
                size_t l;

                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                e = strchrnul(p, '/');
                l = (size_t) (e - p);
                if (l == 1 && p[0] == '.') {
                        /* skip */
                } else if (l == 2 && p[0] == '.' && p[1] == '.') {
                        while (o > 0 && out[o - 1] != '/')
                                o--;
                        if (o > 0)
                                o--;
                } else {
                        out[o++] = '/';
                        memcpy(out + o, p, l);
                        o += l;
                }
                p = e;
        }
        if (o == 0)
                out[o++] = '/';
        out[o] = '\0';
        *ret = out;
        return 0;
}

bool path_is_below(const char *path, const char *prefix) {
        size_t l = strlen(prefix);

        if (l == 1 && prefix[0] == '/')
                return path[0] == '/';
        return strncmp(path, prefix, l) == 0 && (path[l] == '\0' || path[l] == '/');
}
