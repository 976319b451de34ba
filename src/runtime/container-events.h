/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk events: a container's cgroup statistics, and what happens to it (OOM kills, the end of its
 * init), as runc's `events` reports them. The CLI (src/cli/events.c) prints; this side opens the
 * container and waits. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

struct container_events;

/* Open a created, running or paused container: its cgroup, and with watch an OOM watch on it and a
 * pidfd of its init. No lock is held afterwards (kill and delete go on). Errors: "container 'ID'
 * does not exist", "container 'ID' is not running" (-ESRCH), "... has no cgroup" (-ENOENT). */
int container_events_open(const char *root, const char *id, bool watch, struct container_events **ret,
                          char **ret_error);

/* The "data" of a stats event (cgroup_stats_json()). */
int container_events_stats(struct container_events *e, json_t **ret, char **ret_error);

/* Wait up to timeout_ms (-1: no limit) for an OOM kill or the end of the init (needs watch).
 * Returns 0 with *ret_ooms the OOM kills seen (0 on timeout) and *ret_exited true once the init
 * has exited; OOM kills that came just before the exit are reported with it. */
int container_events_wait(struct container_events *e, int timeout_ms, unsigned *ret_ooms, bool *ret_exited,
                          char **ret_error);

void container_events_free(struct container_events *e);
static inline void container_events_freep(struct container_events **e) {
        container_events_free(*e);
}
#define _cleanup_container_events_ __attribute__((cleanup(container_events_freep)))
