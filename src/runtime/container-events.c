/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk events on the runtime side (see container-events.h): the container's cgroup, an OOM watch
 * on it (cgroup-oom.c) and a pidfd of its init, which polls readable when the init exits, whoever
 * its parent is. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-container.h"
#include "cgroup-events.h"
#include "cleanup.h"
#include "container-events.h"
#include "container-internal.h"
#include "json-util.h"
#include "state.h"

struct container_events {
        char *id;
        struct cgroup *cg;
        struct cgroup_oom_watch *oom;   /* with watch */
        int init_fd;                    /* pidfd of the init, with watch */
};

void container_events_free(struct container_events *e) {
        if (!e)
                return;
        free(e->id);
        cgroup_free(e->cg);
        cgroup_oom_watch_free(e->oom);
        safe_close(e->init_fd);
        free(e);
}

/* The OOM watch and the pidfd; the watch first, so an OOM kill of the init that ends the
 * container is not missed. */
static int arm(struct container_events *e, const struct container_state *s, char **ret_error) {
        int r = cgroup_oom_watch_open(e->cg, &e->oom);
        if (r < 0)
                return json_errorf(ret_error, "container '%s': watch cgroup %s for OOM kills: %s", e->id,
                                   e->cg->path, strerror(-r)), r;
        e->init_fd = container_init_pidfd(s);
        if (e->init_fd == -ESRCH)
                return json_errorf(ret_error, "container '%s' is not running", e->id), -ESRCH;
        if (e->init_fd < 0)
                return json_errorf(ret_error, "container '%s': pidfd of its init (pid %d): %s", e->id, (int) s->pid,
                                   strerror(-e->init_fd)), e->init_fd;
        return 0;
}

int container_events_open(const char *root, const char *id, bool watch, struct container_events **ret,
                          char **ret_error) {
        _cleanup_container_events_ struct container_events *e = NULL;
        _cleanup_container_state_ struct container_state *s = NULL;
        int r;
        {
                _cleanup_state_dir_ struct state_dir *d = NULL;
                r = open_container(root, id, false, &d, &s, ret_error);
                if (r < 0)
                        return r;
                if (state_status(d, s) == CONTAINER_STOPPED)
                        return json_errorf(ret_error, "container '%s' is not running", id), -ESRCH;
        }       /* the lock goes here: kill and delete must not wait for us */
        e = calloc(1, sizeof *e);
        if (!e || !(e->id = strdup(id)))
                return -ENOMEM;
        e->init_fd = -EBADF;
        r = container_cgroup_open(id, s->cgroup_path, &e->cg, ret_error);
        if (r < 0)
                return r;
        if (watch && (r = arm(e, s, ret_error)) < 0)
                return r;
        *ret = TAKE_PTR(e);
        return 0;
}

int container_events_stats(struct container_events *e, json_t **ret, char **ret_error) {
        int r = cgroup_stats_json(e->cg, ret);
        if (r < 0)
                return json_errorf(ret_error, "container '%s': statistics of cgroup %s: %s", e->id, e->cg->path,
                                   strerror(-r)), r;
        return 0;
}

static int read_ooms(struct container_events *e, unsigned *ret, char **ret_error) {
        int r = cgroup_oom_watch_read(e->oom, ret);
        if (r < 0)
                return json_errorf(ret_error, "container '%s': read the OOM events of cgroup %s: %s", e->id,
                                   e->cg->path, strerror(-r)), r;
        return 0;
}

int container_events_wait(struct container_events *e, int timeout_ms, unsigned *ret_ooms, bool *ret_exited,
                          char **ret_error) {
        struct pollfd p[] = {
                { .fd = cgroup_oom_watch_fd(e->oom), .events = POLLIN },
                { .fd = e->init_fd, .events = POLLIN },
        };
        unsigned ooms = 0;
        int r = poll(p, ELEMENTSOF(p), timeout_ms);
        if (r < 0 && errno != EINTR)
                return json_errorf(ret_error, "container '%s': poll: %s", e->id, strerror(errno)), -errno;
        bool exited = r > 0 && p[1].revents != 0;
        /* On exit, look once more: the kill that ended the init counted before it died. */
        if (r > 0 && (p[0].revents != 0 || exited) && (r = read_ooms(e, &ooms, ret_error)) < 0)
                return r;
        *ret_ooms = ooms;
        *ret_exited = exited;
        return 0;
}
