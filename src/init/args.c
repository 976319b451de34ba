/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "config.h"
#include "log.h"
#include "parse.h"
#include "signals.h"
#include "strv.h"

static const char usage[] =
        "Usage: husk-init [OPTIONS] [--] COMMAND [ARGS...]\n"
        "\n"
        "A PID 1 for containers: runs COMMAND, reaps zombies, forwards signals, and sizes the\n"
        "workload's environment from the cgroup limits. See husk-init(8).\n"
        "\n"
        "PID 1:\n"
        "  -g, --process-group          forward signals to the child's process group\n"
        "  -p, --parent-death-signal S  ask for signal S when our parent dies\n"
        "  -t, --grace-period DURATION  SIGTERM to SIGKILL (default 10s)\n"
        "      --pass-fds N             hand fds 3..3+N-1 to the workloads (others are closed)\n"
        "  -s, --subreaper              accepted for tini compatibility (always on unless PID 1)\n"
        "  -v, --verbose                log what the init does\n"
        "Environment:\n"
        "      --print-env              show the variables that would be set, and why\n"
        "      --no-env NAME|all        do not set NAME (repeatable), or any variable\n"
        "      --jvm                    also set JAVA_TOOL_OPTIONS\n"
        "Workers:\n"
        "  -w, --workers auto|N         run N copies of COMMAND (auto: from the limits)\n"
        "      --worker-memory SIZE     memory one worker needs (caps auto by memory)\n"
        "      --cpu-rounding ceil|floor  CPU limit to workers (default ceil)\n"
        "      --min-workers N          at least N workers with auto (default 1)\n"
        "      --max-workers N          at most N workers with auto\n"
        "      --restart always|on-failure|never  (default always)\n"
        "      --restart-delay DURATION first restart delay, doubling (default 100ms)\n"
        "      --restart-delay-max DURATION  (default 10s)\n"
        "      --crash-limit N          N failures within the crash window end the init (default 5)\n"
        "      --crash-window DURATION  (default 60s)\n"
        "      --status-fd FD           write the state as a JSON line to FD on each change\n"
        "      --status-file PATH       keep the state as JSON in PATH\n"
        "  -h, --help                   show this help\n"
        "  -V, --version                print the version\n";

enum {
        ARG_PASS_FDS = 0x100,
        ARG_PRINT_ENV,
        ARG_NO_ENV,
        ARG_JVM,
        ARG_WORKER_MEMORY,
        ARG_CPU_ROUNDING,
        ARG_MIN_WORKERS,
        ARG_MAX_WORKERS,
        ARG_RESTART,
        ARG_RESTART_DELAY,
        ARG_RESTART_DELAY_MAX,
        ARG_CRASH_LIMIT,
        ARG_CRASH_WINDOW,
        ARG_STATUS_FD,
        ARG_STATUS_FILE,
};

static const char *const rounding_names[] = {
        [HUSK_ROUND_CEIL] = "ceil",
        [HUSK_ROUND_FLOOR] = "floor",
};

static const char *const restart_names[] = {
        [RESTART_NEVER] = "never",
        [RESTART_ON_FAILURE] = "on-failure",
        [RESTART_ALWAYS] = "always",
};

const char *cpu_rounding_to_string(enum husk_rounding r) {
        return rounding_names[r];
}

const char *restart_policy_to_string(enum restart_policy p) {
        return restart_names[p];
}

static int lookup_name(const char *const *names, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(names[i], s) == 0)
                        return (int) i;
        return -EINVAL;
}

int parse_duration(const char *s, usec_t *ret) {
        static const struct { const char *suffix; usec_t usec; } units[] = {
                { "", USEC_PER_SEC }, { "s", USEC_PER_SEC }, { "ms", USEC_PER_MSEC }, { "us", 1 },
                { "m", 60 * USEC_PER_SEC }, { "min", 60 * USEC_PER_SEC },
        };
        /* Whole part and up to 6 decimals by hand: strtod() alone would add 6 KB to the musl
         * binary. */
        uint64_t whole = 0, frac = 0, scale = 1;
        const char *p = s;

        if (!(*p >= '0' && *p <= '9'))
                return -EINVAL;
        for (; *p >= '0' && *p <= '9'; p++) {
                if (whole > (UINT64_MAX - 9) / 10)
                        return -ERANGE;
                whole = whole * 10 + (uint64_t) (*p - '0');
        }
        if (*p == '.') {
                p++;
                if (!(*p >= '0' && *p <= '9'))
                        return -EINVAL;
                for (; *p >= '0' && *p <= '9'; p++)
                        if (scale < 1000000) {
                                frac = frac * 10 + (uint64_t) (*p - '0');
                                scale *= 10;
                        }
        }
        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                if (strcmp(p, units[i].suffix) != 0)
                        continue;
                usec_t u = units[i].usec;
                if (whole > (USEC_INFINITY / 2) / u)
                        return -ERANGE;
                *ret = whole * u + frac * u / scale;
                return 0;
        }
        return -EINVAL;
}

static int parse_unsigned_option(const char *name, const char *arg, unsigned min, unsigned *ret) {
        unsigned v;
        if (safe_atou(arg, &v) < 0 || v < min)
                return log_error_errno(EINVAL, "%s: expected a whole number >= %u, got '%s'", name, min, arg);
        *ret = v;
        return 0;
}

static int parse_duration_option(const char *name, const char *arg, usec_t *ret) {
        if (parse_duration(arg, ret) < 0)
                return log_error_errno(EINVAL, "%s: expected a duration such as 10s or 250ms, got '%s'",
                                       name, arg);
        return 0;
}

static int parse_workers(const char *arg, struct init_args *a) {
        a->scheduler = true;
        if (strcmp(arg, "auto") == 0) {
                a->workers_auto = true;
                return 0;
        }
        a->workers_auto = false;
        return parse_unsigned_option("--workers", arg, 1, &a->workers);
}

static int parse_no_env(const char *arg, struct init_args *a) {
        if (strcmp(arg, "all") == 0) {
                a->env_disabled = true;
                return 0;
        }
        if (!arg[0] || strchr(arg, '='))
                return log_error_errno(EINVAL, "--no-env: expected a variable name or 'all', got '%s'", arg);
        return strv_extend(&a->env_off, arg) < 0 ? log_error_errno(ENOMEM, "--no-env: %m") : 0;
}

/* One option; returns 0, or -EINVAL after logging. */
static int handle_option(int c, const char *arg, struct init_args *a) {
        int r;
        switch (c) {
        case 'g': a->kill_group = true; return 0;
        case 's': return 0;
        case 'v': a->verbose = true; return 0;
        case 'p':
                if (signal_from_string(arg, &a->pdeath_signal) < 0)
                        return log_error_errno(EINVAL, "--parent-death-signal: unknown signal '%s'", arg);
                return 0;
        case 't': return parse_duration_option("--grace-period", arg, &a->grace);
        case 'w': return parse_workers(arg, a);
        case ARG_PASS_FDS: return parse_unsigned_option("--pass-fds", arg, 0, &a->pass_fds);
        case ARG_PRINT_ENV: a->print_env = true; return 0;
        case ARG_NO_ENV: return parse_no_env(arg, a);
        case ARG_JVM: a->jvm = true; return 0;
        case ARG_WORKER_MEMORY:
                if (parse_size(arg, &a->worker_memory) < 0 || a->worker_memory == 0)
                        return log_error_errno(EINVAL, "--worker-memory: expected a size such as 100M, got '%s'", arg);
                return 0;
        case ARG_CPU_ROUNDING:
                r = lookup_name(rounding_names, ELEMENTSOF(rounding_names), arg);
                if (r < 0)
                        return log_error_errno(EINVAL, "--cpu-rounding: expected ceil or floor, got '%s'", arg);
                a->rounding = (enum husk_rounding) r;
                return 0;
        case ARG_MIN_WORKERS: return parse_unsigned_option("--min-workers", arg, 1, &a->min_workers);
        case ARG_MAX_WORKERS: return parse_unsigned_option("--max-workers", arg, 1, &a->max_workers);
        case ARG_RESTART:
                r = lookup_name(restart_names, ELEMENTSOF(restart_names), arg);
                if (r < 0)
                        return log_error_errno(EINVAL, "--restart: expected always, on-failure or never, got '%s'", arg);
                a->restart = (enum restart_policy) r;
                return 0;
        case ARG_RESTART_DELAY: return parse_duration_option("--restart-delay", arg, &a->restart_delay);
        case ARG_RESTART_DELAY_MAX: return parse_duration_option("--restart-delay-max", arg, &a->restart_delay_max);
        case ARG_CRASH_LIMIT: return parse_unsigned_option("--crash-limit", arg, 1, &a->crash_limit);
        case ARG_CRASH_WINDOW: return parse_duration_option("--crash-window", arg, &a->crash_window);
        case ARG_STATUS_FD:
                if (safe_atoi(arg, &a->status_fd) < 0 || a->status_fd < 0)
                        return log_error_errno(EINVAL, "--status-fd: expected a file descriptor number, got '%s'", arg);
                return 0;
        case ARG_STATUS_FILE: a->status_file = arg; return 0;
        default:
                return -EINVAL;
        }
}

/* Cross-option rules, checked once everything is parsed. */
static int check_args(const struct init_args *a) {
        if (!a->argv[0] && !a->print_env)
                return log_error_errno(EINVAL, "no command given (usage: husk-init [OPTIONS] -- COMMAND [ARGS...])");
        if (a->worker_memory && !a->scheduler)
                return log_error_errno(EINVAL, "--worker-memory: only meaningful with --workers");
        if (a->max_workers && a->max_workers < a->min_workers)
                return log_error_errno(EINVAL, "--max-workers: %u is below --min-workers %u",
                                       a->max_workers, a->min_workers);
        if (a->restart_delay_max < a->restart_delay)
                return log_error_errno(EINVAL, "--restart-delay-max: shorter than --restart-delay");
        if (a->status_fd >= 0 && a->status_fd <= 2)
                return log_error_errno(EINVAL, "--status-fd: %d is a standard stream", a->status_fd);
        return 0;
}

/* The options. Parsed by hand rather than with getopt_long(3), which with its stdio error
 * messages costs 4 KB of the 80 KB the musl build may weigh; the syntax is getopt's: "-gv",
 * "-t 5s" or "-t5s", "--grace-period 5s" or "--grace-period=5s", "--" ends the options, and
 * so does the first operand (COMMAND's own options are left alone). */
struct option_def {
        const char *name;
        char short_name;
        bool has_arg;
        int id;
};

static const struct option_def option_defs[] = {
        { "process-group",       'g', false, 'g' },
        { "parent-death-signal", 'p', true,  'p' },
        { "grace-period",        't', true,  't' },
        { "subreaper",           's', false, 's' },
        { "verbose",             'v', false, 'v' },
        { "workers",             'w', true,  'w' },
        { "help",                'h', false, 'h' },
        { "version",             'V', false, 'V' },
        { "pass-fds",            0,   true,  ARG_PASS_FDS },
        { "print-env",           0,   false, ARG_PRINT_ENV },
        { "no-env",              0,   true,  ARG_NO_ENV },
        { "jvm",                 0,   false, ARG_JVM },
        { "worker-memory",       0,   true,  ARG_WORKER_MEMORY },
        { "cpu-rounding",        0,   true,  ARG_CPU_ROUNDING },
        { "min-workers",         0,   true,  ARG_MIN_WORKERS },
        { "max-workers",         0,   true,  ARG_MAX_WORKERS },
        { "restart",             0,   true,  ARG_RESTART },
        { "restart-delay",       0,   true,  ARG_RESTART_DELAY },
        { "restart-delay-max",   0,   true,  ARG_RESTART_DELAY_MAX },
        { "crash-limit",         0,   true,  ARG_CRASH_LIMIT },
        { "crash-window",        0,   true,  ARG_CRASH_WINDOW },
        { "status-fd",           0,   true,  ARG_STATUS_FD },
        { "status-file",         0,   true,  ARG_STATUS_FILE },
};

static const struct option_def *find_option(const char *name, size_t len, char short_name) {
        for (size_t i = 0; i < ELEMENTSOF(option_defs); i++) {
                const struct option_def *o = &option_defs[i];
                if (name ? strlen(o->name) == len && strncmp(o->name, name, len) == 0 : o->short_name == short_name)
                        return o;
        }
        return NULL;
}

/* One option with its argument: 1 to go on, 0 after --help/--version, -EINVAL. */
static int run_option(const struct option_def *o, const char *arg, struct init_args *a) {
        if (o->id == 'h') {
                (void) !write(STDOUT_FILENO, usage, sizeof usage - 1);
                return 0;
        }
        if (o->id == 'V') {
                dprintf(STDOUT_FILENO, "husk-init version %s\n", HUSK_VERSION);
                return 0;
        }
        return handle_option(o->id, arg, a) < 0 ? -EINVAL : 1;
}

/* "--name", "--name=value" or "--name value" at argv[*i]. */
static int parse_long(int argc, char **argv, int *i, struct init_args *a) {
        const char *name = argv[*i] + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t) (eq - name) : strlen(name);
        const struct option_def *o = find_option(name, len, 0);

        if (!o)
                return log_error_errno(EINVAL, "unknown option '%s' (see husk-init --help)", argv[*i]);
        if (!o->has_arg) {
                if (eq)
                        return log_error_errno(EINVAL, "option '--%s' takes no argument", o->name);
                return run_option(o, NULL, a);
        }
        if (!eq && *i + 1 >= argc)
                return log_error_errno(EINVAL, "missing argument for option '--%s' (see husk-init --help)", o->name);
        return run_option(o, eq ? eq + 1 : argv[++*i], a);
}

/* "-gv", "-t 5s", "-t5s" at argv[*i]. */
static int parse_short(int argc, char **argv, int *i, struct init_args *a) {
        for (const char *c = argv[*i] + 1; *c; c++) {
                const struct option_def *o = find_option(NULL, 0, *c);
                if (!o)
                        return log_error_errno(EINVAL, "unknown option '-%c' (see husk-init --help)", *c);
                if (o->has_arg) {
                        if (!c[1] && *i + 1 >= argc)
                                return log_error_errno(EINVAL, "missing argument for option '-%c' (see husk-init --help)", *c);
                        return run_option(o, c[1] ? c + 1 : argv[++*i], a);
                }
                int r = run_option(o, NULL, a);
                if (r <= 0)
                        return r;
        }
        return 1;
}

int init_args_parse(struct init_args *a, int argc, char **argv) {
        *a = (struct init_args) {
                .grace = 10 * USEC_PER_SEC,
                .rounding = HUSK_ROUND_CEIL,
                .min_workers = 1,
                .restart = RESTART_ALWAYS,
                .restart_delay = 100 * USEC_PER_MSEC,
                .restart_delay_max = 10 * USEC_PER_SEC,
                .crash_limit = 5,
                .crash_window = 60 * USEC_PER_SEC,
                .status_fd = -1,
        };

        int i = 1;
        for (; i < argc; i++) {
                const char *s = argv[i];
                if (strcmp(s, "--") == 0) {
                        i++;
                        break;
                }
                if (s[0] != '-' || s[1] == '\0')
                        break;
                int r = s[1] == '-' ? parse_long(argc, argv, &i, a) : parse_short(argc, argv, &i, a);
                if (r <= 0)
                        return r < 0 ? -EINVAL : 0;
        }
        a->argv = argv + i;
        return check_args(a) < 0 ? -EINVAL : 1;
}

void init_args_done(struct init_args *a) {
        strv_free(a->env_off);
        a->env_off = NULL;
}
