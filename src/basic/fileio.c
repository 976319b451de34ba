/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

int read_full_fd(int fd, char **ret, size_t *ret_size) {
        size_t cap = 4096, len = 0;
        _cleanup_free_ char *buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (cap - len < 2) {
                        if (cap > (64u << 20))
                                return -EFBIG;
                        char *n = realloc(buf, cap * 2);
                        if (!n)
                                return -ENOMEM;
                        buf = n;
                        cap *= 2;
                }
                ssize_t k = read(fd, buf + len, cap - len - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                len += (size_t) k;
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = len;
        return 0;
}

int read_full_file_at(int dirfd, const char *path, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return read_full_fd(fd, ret, ret_size);
}

int read_one_line_at(int dirfd, const char *path, char **ret) {
        char *s;
        int r = read_full_file_at(dirfd, path, &s, NULL);
        if (r < 0)
                return r;
        s[strcspn(s, "\n")] = '\0';
        *ret = s;
        return 0;
}

int write_file_atomic_at(int dirfd, const char *path, const void *buf, size_t n, mode_t mode, bool sync) {
        char tmp[4096];
        if ((size_t) snprintf(tmp, sizeof tmp, "%s.husk-tmp", path) >= sizeof tmp)
                return -ENAMETOOLONG;
        int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0)
                return -errno;
        int r = loop_write(fd, buf, n);
        if (r >= 0 && sync && fsync(fd) < 0)
                r = -errno;
        safe_close(fd);
        if (r >= 0 && renameat(dirfd, tmp, dirfd, path) < 0)
                r = -errno;
        if (r < 0)
                (void) unlinkat(dirfd, tmp, 0);
        return r;
}

int loop_write_nosigpipe(int fd, const void *buf, size_t n) {
        sigset_t pipe_only, old;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        /* A SIGPIPE pending already is not ours to drop. */
        sigset_t pending;
        bool was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
        if (sigprocmask(SIG_BLOCK, &pipe_only, &old) < 0)
                return -errno;
        int r = loop_write(fd, buf, n);
        if (r == -EPIPE && !was_pending && !sigismember(&old, SIGPIPE)) {
                const struct timespec zero = {};
                while (sigtimedwait(&pipe_only, NULL, &zero) < 0 && errno == EINTR)
                        ;
        }
        (void) sigprocmask(SIG_SETMASK, &old, NULL);
        return r;
}

int loop_write(int fd, const void *buf, size_t n) {
        const char *p = buf;
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        return -EIO;
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

int write_string_file_at(int dirfd, const char *path, const char *s) {
        _cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        size_t n = strlen(s);
        ssize_t k = write(fd, s, n);
        if (k < 0)
                return -errno;
        if ((size_t) k != n)
                return -EIO;
        return 0;
}
