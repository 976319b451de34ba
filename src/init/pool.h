/* SPDX-License-Identifier: GPL-2.0-or-later
 * The worker pool: N copies of the command in slots 0..N-1 (HUSK_WORKER_INDEX), restarted with
 * backoff when they die, a crash loop detected, workers added or retired when the plan's count
 * changes, and rolled one at a time when the plan's environment changes. Without --workers it
 * is one slot that is never restarted. The pool only acts when pool_reconcile() is called. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "args.h"
#include "clock.h"
#include "plan.h"
#include "signals.h"

enum worker_state {
        WORKER_UNUSED,     /* no worker in this slot (never started, or retired) */
        WORKER_WAITING,    /* to be started at start_at */
        WORKER_RUNNING,
        WORKER_STOPPING,   /* sent SIGTERM (retire or roll): SIGKILL at kill_at */
        WORKER_DONE,       /* ended, and the restart policy says not again */
};

struct worker {
        enum worker_state state;
        pid_t pid;
        usec_t start_at;   /* WAITING */
        usec_t started;    /* RUNNING, STOPPING */
        usec_t kill_at;    /* STOPPING */
        usec_t delay;      /* the next restart delay (backoff) */
        uint64_t env_gen;  /* the plan generation its environment came from */
        bool retire;       /* STOPPING: the slot goes away, else it restarts (a roll) */
        int status;        /* last exit status (exit code or 128+signal) */
        unsigned restarts;
};

struct pool {
        const struct init_args *args;
        const struct sig_saved *sigs;
        char *const *env;           /* the init's own environment */
        struct worker *w;
        unsigned n_slots;
        struct plan plan;
        bool have_plan;
        uint64_t gen;               /* bumped when the plan's environment changes */
        unsigned target;
        bool stopping;              /* the init is stopping: no starts, no restarts */

        usec_t *crashes;            /* ring of the last crash_limit failure times */
        unsigned n_crashes;
        bool crash_loop;

        int last_status;            /* of the last worker that ended on its own */
        unsigned restarts;          /* total */
        unsigned spawn_failures;

        /* The change being measured: from the plan change to the count reached. */
        bool change_pending;
        usec_t change_at;
        unsigned change_from;
        char change_reason[256];
        unsigned long change_ms;    /* the last measured latency */
        uint64_t change_reached_ms; /* when it was reached, ms since the epoch (to compare with
                                       the time a test or an operator wrote the limit) */
        bool dirty;                 /* state changed since the last status report */
};

int pool_init(struct pool *s, const struct init_args *a, const struct sig_saved *sigs, char *const *env);
void pool_done(struct pool *s);

/* Adopt plan p (taken over, also on failure). Starts measuring a change if the count moves;
 * bumps the generation if the environment differs, so running workers get rolled. reason says
 * what triggered it (for the status line). Returns 0 or -ENOMEM. */
int pool_set_plan(struct pool *s, struct plan *p, const char *reason, usec_t now);

/* Move toward the plan: start due and missing workers, retire extra ones, roll one stale
 * worker, SIGKILL workers past their grace period. Returns 0 or -errno (fork failed). */
int pool_reconcile(struct pool *s, usec_t now);

/* A child exited (wait_status from waitpid): if it was a worker, apply the restart policy
 * and return true. */
bool pool_child_exited(struct pool *s, pid_t pid, int wait_status, usec_t now);

/* Send sig to every worker that has a process (its group with -g). Returns how many. */
unsigned pool_signal(struct pool *s, int sig);

/* The init stops: no more starts or restarts. */
void pool_stop(struct pool *s);

/* Slots with a process; slots running or waiting to run. */
unsigned pool_count_alive(const struct pool *s);
unsigned pool_count_active(const struct pool *s);
/* The earliest time pool_reconcile() has something to do, or USEC_INFINITY. */
usec_t pool_next_deadline(const struct pool *s);
/* Whether the count reached the plan; true also ends a change measurement (see change_ms). */
bool pool_check_reached(struct pool *s, usec_t now);
