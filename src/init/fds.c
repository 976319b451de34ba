/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "fds.h"
#include "parse.h"

#ifndef SYS_close_range
#define SYS_close_range 436 /* the same number on every architecture (asm-generic/unistd.h) */
#endif

static bool fd_wanted(int fd, unsigned n_pass, const int *keep, size_t n_keep) {
        if (fd < 3 || (unsigned) fd < 3 + n_pass)
                return true;
        for (size_t i = 0; i < n_keep; i++)
                if (keep[i] == fd)
                        return true;
        return false;
}

/* Without close_range(2) (Linux < 5.9): list /proc/self/fd, or walk up to the fd limit. */
static int close_listed_fds(unsigned n_pass, const int *keep, size_t n_keep) {
        _cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
        if (!d) {
                long max = sysconf(_SC_OPEN_MAX);
                for (int fd = 3; fd < (max > 0 ? max : 65536); fd++)
                        if (!fd_wanted(fd, n_pass, keep, n_keep))
                                (void) close(fd);
                return 0;
        }
        int self = dirfd(d);
        struct dirent *de;
        while ((de = readdir(d))) {
                int fd;
                if (safe_atoi(de->d_name, &fd) < 0 || fd == self)
                        continue;
                if (!fd_wanted(fd, n_pass, keep, n_keep))
                        (void) close(fd);
        }
        return 0;
}

int fds_close_inherited(unsigned n_pass, const int *keep, size_t n_keep) {
        for (size_t i = 0; i < n_keep; i++)
                if (keep[i] >= 0 && fcntl(keep[i], F_SETFD, FD_CLOEXEC) < 0)
                        return -errno;

        /* close_range() over the gaps between the fds we keep. */
        unsigned from = 3 + n_pass;
        for (;;) {
                unsigned next = ~0U;
                for (size_t i = 0; i < n_keep; i++)
                        if (keep[i] >= 0 && (unsigned) keep[i] >= from && (unsigned) keep[i] < next)
                                next = (unsigned) keep[i];
                unsigned last = next == ~0U ? ~0U : next - 1;
                if (next > from && syscall(SYS_close_range, from, last, 0) < 0) {
                        if (errno == ENOSYS)
                                return close_listed_fds(n_pass, keep, n_keep);
                        return -errno;
                }
                if (next == ~0U)
                        return 0;
                from = next + 1;
        }
}
