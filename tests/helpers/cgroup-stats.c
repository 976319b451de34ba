/* SPDX-License-Identifier: GPL-2.0-or-later
 * cgroup-stats PATH: open the container cgroup PATH ("/husk/<id>", as state.json records it)
 * with husk's cgroup manager and print cgroup_stats() as key=value lines, so the tests can hold
 * them against the kernel's files (tests/integration/cgroup-host.sh, tests/vm/cases/cgroup-*). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"

static void put(const char *key, uint64_t v) {
        if (v == UINT64_MAX)
                printf("%s=max\n", key);
        else
                printf("%s=%" PRIu64 "\n", key, v);
}

int main(int argc, char **argv) {
        struct cgroup *cg = NULL;
        struct cgroup_stats s;
        if (argc != 2) {
                fprintf(stderr, "usage: cgroup-stats PATH\n");
                return 2;
        }
        int r = cgroup_open(argv[1], &cg);
        if (r < 0) {
                fprintf(stderr, "cgroup-stats: %s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        r = cgroup_stats(cg, &s);
        cgroup_free(cg);
        if (r < 0) {
                fprintf(stderr, "cgroup-stats: %s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        if (s.has_memory) {
                put("memory_current", s.memory_current);
                put("memory_max", s.memory_max);
                put("memory_oom", s.memory_events_oom);
                put("memory_oom_kill", s.memory_events_oom_kill);
                put("memory_events_max", s.memory_events_max);
        }
        if (s.has_pids) {
                put("pids_current", s.pids_current);
                put("pids_max", s.pids_max);
        }
        if (s.has_cpu) {
                put("cpu_usage_usec", s.cpu_usage_usec);
                put("cpu_nr_periods", s.cpu_nr_periods);
                put("cpu_nr_throttled", s.cpu_nr_throttled);
                put("cpu_throttled_usec", s.cpu_throttled_usec);
        }
        return 0;
}
