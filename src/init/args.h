/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk-init's command line. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <husk/limits.h>

#include "clock.h"

enum restart_policy {
        RESTART_NEVER,
        RESTART_ON_FAILURE,
        RESTART_ALWAYS,
};

struct init_args {
        char **argv;                  /* the workload's command, after the options */
        bool kill_group;              /* -g: signals go to the workload's process group */
        int pdeath_signal;            /* -p: signal for us when our parent dies, 0 = none */
        usec_t grace;                 /* -t: SIGTERM .. SIGKILL */
        unsigned pass_fds;            /* --pass-fds: fds 3 .. 3+n-1 go to the workloads */
        bool verbose;

        bool print_env;               /* --print-env: show the sized environment and exit */
        bool env_disabled;            /* --no-env all */
        char **env_off;               /* --no-env NAME: names not to set */
        bool jvm;                     /* --jvm: also JAVA_TOOL_OPTIONS */

        bool scheduler;               /* --workers given: run N copies */
        bool workers_auto;
        unsigned workers;             /* --workers N */
        uint64_t worker_memory;       /* --worker-memory, 0 = unset */
        enum husk_rounding rounding;  /* --cpu-rounding */
        unsigned min_workers;         /* --min-workers */
        unsigned max_workers;         /* --max-workers, 0 = no cap */
        enum restart_policy restart;  /* --restart */
        usec_t restart_delay;         /* --restart-delay: first backoff, doubling */
        usec_t restart_delay_max;     /* --restart-delay-max */
        unsigned crash_limit;         /* --crash-limit failures ... */
        usec_t crash_window;          /* ... within --crash-window end the init */
        int status_fd;                /* --status-fd, -1 = none */
        const char *status_file;      /* --status-file */
};

/* Defaults, then argv. Returns 1 to run, 0 when --help/--version was printed (exit 0), or
 * -EINVAL after logging what was wrong. On success, args->argv points into argv. */
int init_args_parse(struct init_args *args, int argc, char **argv);
void init_args_done(struct init_args *args);

/* "10" and "10s" (seconds), "1.5s", "250ms", "2m". */
int parse_duration(const char *s, usec_t *ret);

const char *cpu_rounding_to_string(enum husk_rounding r);
const char *restart_policy_to_string(enum restart_policy p);
