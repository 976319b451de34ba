/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Noticing change: an inotify fd on every limit file of the leaf and of every ancestor (a write
 * to a parent's memory.max does not touch the child's file), re-resolving after the process is
 * moved (the kernel notifies no move), and PSI triggers (Documentation/accounting/psi.rst). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cleanup.h"
#include "limits-internal.h"

/* Each limit file is watched for IN_MODIFY, which vfs_write() raises on any filesystem,
 * cgroupfs included; IN_DELETE_SELF/IN_IGNORED report a removed cgroup. */
int cg_watch_add_all(const struct husk_limits *l, int fd) {
        for (size_t c = 0; c < _CG_CTRL_MAX; c++) {
                const struct cg_chain *ch = &l->chains[c];
                for (size_t i = 0; i < ch->n_levels; i++)
                        for (size_t f = 0; f < _CG_FILE_MAX; f++) {
                                const struct cg_file *cf = &ch->levels[i].files[f];
                                if (cf->fd < 0)
                                        continue;
                                char p[64];
                                /* the fd's own inode, whatever root prefix it was opened under */
                                snprintf(p, sizeof p, "/proc/self/fd/%d", cf->fd);
                                if (inotify_add_watch(fd, p, IN_MODIFY | IN_DELETE_SELF) < 0)
                                        return -errno;
                        }
        }
        return 0;
}

int husk_limits_watch_fd(struct husk_limits *l) {
        if (!l)
                return -EINVAL;
        if (l->watch_fd >= 0)
                return l->watch_fd;
        _cleanup_close_ int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0)
                return -errno;
        int r = cg_watch_add_all(l, fd);
        if (r < 0)
                return r;
        l->watch_fd = TAKE_FD(fd);
        return l->watch_fd;
}

int husk_limits_watch_drain(struct husk_limits *l) {
        if (!l)
                return -EINVAL;
        if (l->watch_fd < 0)
                return 0;
        bool changed = false;
        for (;;) {
                char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
                ssize_t n = read(l->watch_fd, buf, sizeof buf);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                break;
                        return -errno;
                }
                if (n == 0)
                        break;
                changed = true;
        }
        return changed;
}

/* Rebuild every chain into a scratch handle, then swap it in, so a failure leaves l intact.
 * The watch fd keeps its number: a fresh inotify instance is dup3()ed over it. */
int husk_limits_refresh(struct husk_limits *l) {
        if (!l)
                return -EINVAL;
        if (l->disabled)
                return 0;
        char p[96];
        _cleanup_free_ char *text = NULL;
        snprintf(p, sizeof p, "%s/cgroup", l->proc_dir);
        int r = cg_read_rooted(l, p, &text);
        if (r < 0)
                return r;
        if (l->cgroup_text && strcmp(text, l->cgroup_text) == 0)
                return 0;

        struct husk_limits n = *l;
        memset(n.chains, 0, sizeof n.chains);
        n.cgroup_text = NULL;
        r = cg_resolve(&n);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = -EBADF;
        if (l->watch_fd >= 0) {
                fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
                r = fd < 0 ? -errno : cg_watch_add_all(&n, fd);
        }
        /* earlier snapshots keep pointing at the old directory names */
        if (r >= 0)
                r = cg_chains_retire(l);
        if (r >= 0 && fd >= 0 && dup3(fd, l->watch_fd, O_CLOEXEC) < 0)
                r = -errno;
        if (r < 0) {
                cg_chains_done(&n);
                free(n.cgroup_text);
                return r;
        }
        cg_chains_done(l);
        free(l->cgroup_text);
        memcpy(l->chains, n.chains, sizeof l->chains);
        l->cgroup_text = n.cgroup_text;
        l->version = n.version;
        return 1;
}

int husk_limits_psi_open(struct husk_limits *l, enum husk_psi_resource res, uint64_t stall_us,
                         uint64_t window_us, int *ret_fd) {
        static const char *const names[] = { [HUSK_PSI_CPU] = "cpu", [HUSK_PSI_MEMORY] = "memory",
                                             [HUSK_PSI_IO] = "io" };
        if (!l || !ret_fd || (unsigned) res >= ELEMENTSOF(names) || stall_us == 0 || stall_us > window_us)
                return -EINVAL;
        if (l->disabled)
                return -ENOTSUP;

        _cleanup_close_ int fd = -EBADF;
        char p[PATH_MAX];
        /* the cgroup's own file when the process's cgroup is v2 (any controller's chain will do:
         * in v2 they all share the directories) */
        for (size_t c = 0; c < _CG_CTRL_MAX && fd < 0; c++) {
                const struct cg_chain *ch = &l->chains[c];
                if (ch->version != HUSK_CGROUP_V2 || ch->n_levels == 0)
                        continue;
                snprintf(p, sizeof p, "%s/%s.pressure", ch->levels[0].fs_dir, names[res]);
                fd = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        }
        if (fd < 0) {
                snprintf(p, sizeof p, "proc/pressure/%s", names[res]);
                fd = cg_open_rooted(l, p, O_RDWR | O_NONBLOCK);
        }
        if (fd < 0)
                return fd == -ENOENT || fd == -EOPNOTSUPP ? -ENOTSUP : fd;

        char trigger[64];
        int n = snprintf(trigger, sizeof trigger, "some %llu %llu", (unsigned long long) stall_us,
                         (unsigned long long) window_us);
        /* the kernel wants the terminating NUL as part of the write (psi.rst example) */
        if (write(fd, trigger, (size_t) n + 1) < 0)
                return errno == EOPNOTSUPP || errno == ENODEV ? -ENOTSUP : -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}
