/* SPDX-License-Identifier: GPL-2.0-or-later
 * OOM notification for a container cgroup (see cgroup-events.h).
 *
 * cgroup v2: memory.events is a file the kernel signals a modification on (inotify IN_MODIFY;
 * cgroup-v2.rst: "A value change in this file generates a file modified event"); its oom_kill
 * counts the processes the OOM killer killed in the subtree. The kernel raises it before it
 * sends SIGKILL (mm/oom_kill.c, __oom_kill_process), so it is already up when the victim's exit
 * becomes visible.
 *
 * cgroup v1: an eventfd is registered by writing "<eventfd> <fd of memory.oom_control>" to
 * cgroup.event_control; the kernel signals it on every OOM in the cgroup, and once more when the
 * cgroup is removed (cgroup-v1/memory.rst 10, "OOM Control"; runc's notify_linux.go tells the two
 * apart by cgroup.event_control being gone). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup-events.h"
#include "cleanup.h"

struct cgroup_oom_watch {
        int fd;                 /* inotify (v2) or eventfd (v1), non-blocking */
        int control_fd;         /* v1: memory.oom_control, open while the eventfd is registered */
        bool v1;
        char dir[4096];         /* the cgroup's memory directory */
        uint64_t oom_kills;     /* v2: memory.events' oom_kill when last read */
};

static int v2_open(struct cgroup_oom_watch *w) {
        char path[4096];
        int r = cg_read_u64(w->dir, "memory.events", "oom_kill", &w->oom_kills);
        if (r < 0)
                return r;
        w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (w->fd < 0)
                return -errno;
        if (inotify_add_watch(w->fd, cg_file_path(path, sizeof path, w->dir, "", "memory.events"), IN_MODIFY) < 0)
                return -errno;
        return 0;
}

static int v1_open(struct cgroup_oom_watch *w) {
        char path[4096], line[64];
        w->control_fd = open(cg_file_path(path, sizeof path, w->dir, "", "memory.oom_control"), O_RDONLY | O_CLOEXEC);
        if (w->control_fd < 0)
                return -errno;
        w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (w->fd < 0)
                return -errno;
        snprintf(line, sizeof line, "%d %d", w->fd, w->control_fd);
        return cg_write(w->dir, "cgroup.event_control", line, "memory.oom_control", NULL);
}

int cgroup_oom_watch_open(const struct cgroup *cg, struct cgroup_oom_watch **ret) {
        struct cgroup_oom_watch *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->fd = w->control_fd = -EBADF;
        int r = -EOPNOTSUPP;
        if (cg_ctrl_dir(cg, CG_MEMORY, w->dir, sizeof w->dir)) {
                w->v1 = cgroup_layout_where(&cg->layout, CG_MEMORY) == 1;
                r = w->v1 ? v1_open(w) : v2_open(w);
        }
        if (r < 0) {
                cgroup_oom_watch_free(w);
                return r;
        }
        *ret = w;
        return 0;
}

int cgroup_oom_watch_fd(const struct cgroup_oom_watch *w) {
        return w->fd;
}

/* v2: empty the inotify queue, then compare oom_kill with the last value. */
static int v2_read(struct cgroup_oom_watch *w, unsigned *ret_n) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        while (read(w->fd, buf, sizeof buf) > 0)
                ;
        if (errno != EAGAIN && errno != EINTR)
                return -errno;
        uint64_t kills = 0;
        int r = cg_read_u64(w->dir, "memory.events", "oom_kill", &kills);
        if (r < 0)
                return r;
        *ret_n = kills > w->oom_kills ? (unsigned) (kills - w->oom_kills) : 0;
        w->oom_kills = kills;
        return 0;
}

/* v1: the eventfd's counter is the number of notifications; the last one after rmdir is not an
 * OOM (the cgroup is gone). */
static int v1_read(struct cgroup_oom_watch *w, unsigned *ret_n) {
        eventfd_t n = 0;
        if (eventfd_read(w->fd, &n) < 0) {
                if (errno != EAGAIN && errno != EINTR)
                        return -errno;
                n = 0;
        }
        char path[4096];
        if (n > 0 && access(cg_file_path(path, sizeof path, w->dir, "", "cgroup.event_control"), F_OK) < 0)
                n = 0;
        *ret_n = (unsigned) n;
        return 0;
}

int cgroup_oom_watch_read(struct cgroup_oom_watch *w, unsigned *ret_n) {
        return w->v1 ? v1_read(w, ret_n) : v2_read(w, ret_n);
}

void cgroup_oom_watch_free(struct cgroup_oom_watch *w) {
        if (!w)
                return;
        safe_close(w->fd);
        safe_close(w->control_fd);
        free(w);
}
