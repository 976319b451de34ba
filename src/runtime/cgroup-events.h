/* SPDX-License-Identifier: GPL-2.0-or-later
 * What `husk events` reads from a container cgroup: its statistics in the shape runc prints them
 * (cgroup-stats.c), and OOM kills as they happen (cgroup-oom.c). */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "cgroup.h"

/* The "data" object of runc's stats event (runc types/events.go: cpu, memory, pids, blkio,
 * hugetlb) from the cgroup's files, v1 and v2 alike. Times are nanoseconds, sizes bytes, an
 * unlimited memory limit is 18446744073709551615 (runc's value). What this host does not account
 * (a controller that is not there, swap or kernel memory accounting, a file an older kernel lacks)
 * is left out, not reported as 0. */
int cgroup_stats_json(const struct cgroup *cg, json_t **ret);

/* OOM notification for one cgroup: on cgroup v2 an inotify watch on memory.events whose oom_kill
 * counter is compared with the last value seen; on v1 an eventfd registered for
 * memory.oom_control through cgroup.event_control (cgroup-v1/memory.rst, "OOM Control"). */
struct cgroup_oom_watch;
/* -EOPNOTSUPP when no memory controller serves the cgroup. */
int cgroup_oom_watch_open(const struct cgroup *cg, struct cgroup_oom_watch **ret);
/* Readable (poll POLLIN) when something may have happened: then call cgroup_oom_watch_read(). */
int cgroup_oom_watch_fd(const struct cgroup_oom_watch *w);
/* Without blocking: how many OOM kills (v2) or OOM notifications (v1) came since the watch was
 * opened or last read; 0 for none. */
int cgroup_oom_watch_read(struct cgroup_oom_watch *w, unsigned *ret_n);
void cgroup_oom_watch_free(struct cgroup_oom_watch *w);
static inline void cgroup_oom_watch_freep(struct cgroup_oom_watch **w) {
        cgroup_oom_watch_free(*w);
}
#define _cleanup_cgroup_oom_watch_ __attribute__((cleanup(cgroup_oom_watch_freep)))
