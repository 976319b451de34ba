/* SPDX-License-Identifier: GPL-2.0-or-later
 * The sizing plan: from the limits libhusk read, how many workers to run, each one's share of
 * the limits, the environment that share gives, and a sentence saying why. */
#pragma once

#include <husk/limits.h>

#include "args.h"
#include "envsize.h"

struct plan {
        unsigned workers;                    /* how many to run (1 without --workers) */
        unsigned cpu_workers;                /* --workers auto: the CPU limit, rounded */
        unsigned memory_workers;             /* --worker-memory: what fits the heap goal, 0 = no cap */
        uint64_t heap_goal;                  /* total heap goal in bytes, 0 = no memory limit */
        double cpus;                         /* the CPU limit */
        uint64_t memory;                     /* the memory limit, HUSK_UNLIMITED = none */
        char why[320];
        struct husk_limits_snapshot share;   /* one worker's part of the limits */
        struct env_plan env;                 /* what each worker gets */
};

/* Compute the plan for snapshot s under the options a, for workloads started with the
 * environment env. Returns 0 or -ENOMEM. */
int plan_compute(const struct husk_limits_snapshot *s, const struct init_args *a, char *const *env,
                 struct plan *ret);
void plan_done(struct plan *p);

/* A snapshot of a machine without cgroup limits (no /proc to read them from): the online CPUs. */
void plan_host_snapshot(struct husk_limits_snapshot *ret);
