/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk-init: a PID 1 for containers (tini, catatonit, dumb-init class) that also sizes its
 * workloads from the cgroup limits and can run them as a pool of workers.
 * init_main() reads as the algorithm; each step lives in the file named for its concept. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "args.h"
#include "fds.h"
#include "init.h"
#include "log.h"
#include "plan.h"
#include "reap.h"
#include "pool.h"
#include "supervise.h"

extern char **environ;

static void limits_freep(struct husk_limits **l) {
        husk_limits_free(*l);
}

/* The limits of our cgroup, or of the host when they cannot be read (no /proc in a scratch
 * image is normal: the workloads still run, sized to the host). *ret_limits stays NULL then. */
static void read_limits(struct husk_limits **ret_limits, struct husk_limits_snapshot *ret_snap) {
        struct husk_limits *l = NULL;
        int r = husk_limits_open(&l, NULL);
        if (r >= 0)
                r = husk_limits_read(l, ret_snap);
        if (r < 0) {
                log_debug_errno(r, "cannot read the cgroup limits, sizing for the host: %m");
                husk_limits_free(l);
                plan_host_snapshot(ret_snap);
                *ret_limits = NULL;
                return;
        }
        *ret_limits = l;
}

static void print_limit(const char *what, const struct husk_limit *l, bool bytes) {
        char b[32];
        if (!(l->flags & HUSK_LIMIT_SET)) {
                dprintf(STDOUT_FILENO, "# %s: none%s\n", what, l->flags & HUSK_LIMIT_HIDDEN ? " visible (ancestors hidden)" : "");
                return;
        }
        if (bytes)
                format_bytes(l->value, b, sizeof b);
        else
                snprintf(b, sizeof b, "%llu", (unsigned long long) l->value);
        dprintf(STDOUT_FILENO, "# %s: %s (%s)\n", what, b, l->source ? l->source : "?");
}

/* --print-env: what each workload would get, and why, as NAME=value lines a shell can read. */
static int print_env(const struct init_args *a) {
        _cleanup_(limits_freep) struct husk_limits *l = NULL;
        struct husk_limits_snapshot snap;
        struct plan p;

        read_limits(&l, &snap);
        int r = plan_compute(&snap, a, environ, &p);
        if (r < 0)
                return log_error_errno(r, "cannot size the environment: %m"), EXIT_FAILURE;

        char cpus[32];
        dprintf(STDOUT_FILENO, "# cgroup %s; cpu %s (bound by %s)\n", husk_cgroup_version_to_string(snap.version),
                format_fixed(snap.cpus, 2, cpus, sizeof cpus), husk_cpu_bound_to_string(snap.cpus_bound_by));
        print_limit("cpu.max quota (us per period)", &snap.cpu_quota, false);
        print_limit("memory.max", &snap.memory_max, true);
        print_limit("memory.high", &snap.memory_high, true);
        if (a->scheduler)
                dprintf(STDOUT_FILENO, "# workers: %s (each gets 1/%u of the limits and HUSK_WORKER_INDEX)\n", p.why, p.workers);
        for (size_t i = 0; i < p.env.n; i++) {
                const struct env_var *v = &p.env.vars[i];
                if (v->value)
                        dprintf(STDOUT_FILENO, "%s='%s'\t# %s\n", v->name, v->value, v->why);
                else
                        dprintf(STDOUT_FILENO, "# %s not set: %s\n", v->name, v->why);
        }
        plan_done(&p);
        return EXIT_SUCCESS;
}

/* Ask for sig when our parent dies, and catch the race where it died before we asked (then
 * our parent is no longer the one we had at start). */
static int set_parent_death_signal(int sig, pid_t parent) {
        if (prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) < 0)
                return -errno;
        if (getppid() != parent)
                (void) kill(getpid(), sig);
        return 0;
}

int init_main(int argc, char **argv) {
        pid_t parent = getppid();
        struct init_args args;
        struct supervisor sv = { .signal_fd = -EBADF };
        struct husk_limits_snapshot snap;
        struct plan plan;
        int r, status = EXIT_FAILURE;

        log_set_prefix("husk-init");
        r = init_args_parse(&args, argc, argv);
        if (r <= 0) {
                init_args_done(&args);
                return r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
        }
        if (args.verbose)
                log_set_max_level(LOG_LEVEL_DEBUG);
        if (args.print_env) {
                status = print_env(&args);
                goto out_args;
        }

        /* 1. Nothing inherited stays open unless it is passed on. */
        if (args.status_fd >= 0 && fcntl(args.status_fd, F_GETFD) < 0) {
                log_error_errno(errno, "--status-fd %d: %m", args.status_fd);
                goto out_args;
        }
        int keep[] = { args.status_fd };
        r = fds_close_inherited(args.pass_fds, keep, ELEMENTSOF(keep));
        if (r < 0) {
                log_error_errno(r, "cannot close the inherited file descriptors: %m");
                goto out_args;
        }
        /* 2. Every signal comes through one fd; the workloads get the inherited state back. */
        sv.signal_fd = signals_setup(&sv.sigs);
        if (sv.signal_fd < 0) {
                log_error_errno(sv.signal_fd, "cannot set up signal handling: %m");
                goto out_args;
        }
        /* 3. Orphans come to us: as PID 1 by nature, otherwise as a child subreaper. */
        r = pid1_adopt_orphans(&sv.is_pid1);
        if (r < 0) {
                log_error_errno(r, "cannot become a child subreaper: %m");
                goto out_signals;
        }
        if (args.pdeath_signal && (r = set_parent_death_signal(args.pdeath_signal, parent)) < 0) {
                log_error_errno(r, "cannot set the parent death signal: %m");
                goto out_signals;
        }
        /* 4. Size the workloads from the limits. */
        read_limits(&sv.limits, &snap);
        sv.args = &args;
        r = pool_init(&sv.pool, &args, &sv.sigs, environ);
        if (r >= 0)
                r = plan_compute(&snap, &args, environ, &plan);
        if (r >= 0)
                r = pool_set_plan(&sv.pool, &plan, "start", now_usec());
        if (r < 0) {
                log_error_errno(r, "cannot size the workloads: %m");
                goto out_pool;
        }
        /* 5. Start them, reap, forward, restart, resize, until everything is gone. */
        status = supervisor_run(&sv);

out_pool:
        pool_done(&sv.pool);
        husk_limits_free(sv.limits);
out_signals:
        safe_close(sv.signal_fd);
out_args:
        init_args_done(&args);
        return status;
}
