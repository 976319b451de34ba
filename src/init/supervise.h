/* SPDX-License-Identifier: GPL-2.0-or-later
 * The event loop: one poll(2) over the signalfd and libhusk's watch fd, with the next deadline
 * (restart, grace period) as its timeout. Runs the workloads to the end and returns the init's
 * exit status. */
#pragma once

#include <husk/limits.h>

#include "args.h"
#include "clock.h"
#include "pool.h"
#include "signals.h"

enum phase {
        PHASE_RUNNING,
        PHASE_STOPPING,   /* a stop was asked: the workloads got the signal, no restarts */
        PHASE_DRAINING,   /* the workloads are gone: the processes we adopted get SIGTERM */
};

struct supervisor {
        const struct init_args *args;
        struct sig_saved sigs;
        int signal_fd;
        struct husk_limits *limits;   /* NULL: no limits to watch */
        bool is_pid1;
        struct pool pool;
        enum phase phase;
        usec_t kill_at;               /* STOPPING/DRAINING: SIGKILL to everything left */
        bool none_left;               /* no child at all remains */
        bool stop_requested;          /* SIGTERM (SIGINT with workers) came */
        unsigned long reaped;         /* every child reaped, workers and adopted orphans */
};

/* Run the loop until every process we started or adopted is gone. sv is set up by the caller
 * (signals, limits, pool with its first plan). Returns the exit status. */
int supervisor_run(struct supervisor *sv);

/* Read the limits again and adopt the plan they give; reason names the trigger. */
int supervisor_reload(struct supervisor *sv, const char *reason);
