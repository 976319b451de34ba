/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk limits [--pid PID] [--json] [--watch]: what a process's cgroups allow, where each value
 * comes from, and the plan libhusk suggests (workers, heap goal). A thin layer over
 * husk/limits.h: every number printed is one the library returned. JSON keys: husk-limits(1). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "husk/limits.h"
#include "limits-sandbox.h"
#include "parse.h"

static const char usage[] =
        "Usage: husk limits [OPTIONS]\n\n"
        "Show what the cgroups of a process allow, where each limit comes from, and the\n"
        "suggested worker count and heap goal.\n\n"
        "Options:\n"
        "  -p, --pid PID        describe PID instead of husk itself\n"
        "  -j, --json           print JSON (keys in husk-limits(1))\n"
        "  -w, --watch          keep running, print a line per change\n"
        "      --round MODE     worker rounding: ceil (default) or floor\n"
        "      --min-workers N  at least N workers (default 1)\n"
        "      --ratio R        heap share of the memory limit, 0 < R <= 1 (default 0.9)\n"
        "      --reserve SIZE   subtract SIZE from the heap goal (default 0)\n"
        "      --sysroot DIR    read a tree standing in for / (proc/, sys/) instead of the machine\n"
        "  -h, --help           show this help\n";

enum { ARG_ROUND = 0x100, ARG_MIN, ARG_RATIO, ARG_RESERVE, ARG_SYSROOT };

struct limits_args {
        pid_t pid;
        bool json;
        bool watch;
        enum husk_rounding rounding;
        unsigned min_workers;
        double ratio;
        uint64_t reserve;
        const char *sysroot;
        struct sandbox_view sandbox; /* probed once, printed with every full snapshot */
};

static int parse_ratio(const char *s, double *ret) {
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !(v > 0 && v <= 1))
                return -EINVAL;
        *ret = v;
        return 0;
}

static int handle(int c, const char *arg, void *userdata) {
        struct limits_args *a = userdata;
        int pid;
        switch (c) {
        case 'p':
                if (safe_atoi(arg, &pid) < 0 || pid <= 0)
                        return log_error_errno(EINVAL, "limits: --pid: not a process id: '%s'", arg);
                a->pid = pid;
                return 0;
        case 'j':
                a->json = true;
                return 0;
        case 'w':
                a->watch = true;
                return 0;
        case ARG_ROUND:
                if (strcmp(arg, "ceil") == 0)
                        a->rounding = HUSK_ROUND_CEIL;
                else if (strcmp(arg, "floor") == 0)
                        a->rounding = HUSK_ROUND_FLOOR;
                else
                        return log_error_errno(EINVAL, "limits: --round: must be 'ceil' or 'floor', got '%s'", arg);
                return 0;
        case ARG_MIN:
                if (safe_atou(arg, &a->min_workers) < 0)
                        return log_error_errno(EINVAL, "limits: --min-workers: not a count: '%s'", arg);
                return 0;
        case ARG_RATIO:
                if (parse_ratio(arg, &a->ratio) < 0)
                        return log_error_errno(EINVAL, "limits: --ratio: must be a number in (0, 1], got '%s'", arg);
                return 0;
        case ARG_RESERVE:
                if (parse_size(arg, &a->reserve) < 0)
                        return log_error_errno(EINVAL, "limits: --reserve: not a size: '%s'", arg);
                return 0;
        case ARG_SYSROOT:
                a->sysroot = arg;
                return 0;
        default:
                return -EINVAL;
        }
}

/* ---- human output ---- */

static const char *fmt_bytes(char *buf, size_t n, uint64_t v) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        double d = (double) v;
        size_t u = 0;
        while (d >= 1024 && u + 1 < ELEMENTSOF(units)) {
                d /= 1024;
                u++;
        }
        if (u == 0)
                snprintf(buf, n, "%llu B", (unsigned long long) v);
        else
                snprintf(buf, n, "%.1f %s", d, units[u]);
        return buf;
}

enum unit { UNIT_BYTES, UNIT_COUNT, UNIT_CPUS, UNIT_QUOTA };

/* What a limit without a value means (also the JSON "state"). */
static const char *limit_state(const struct husk_limit *l) {
        return l->flags & HUSK_LIMIT_SET ? "limited" :
               l->flags & HUSK_LIMIT_UNSUPPORTED ? "not available" :
               l->flags & HUSK_LIMIT_ERROR ? "unreadable" :
               l->flags & HUSK_LIMIT_HIDDEN ? "unknown" : "unlimited";
}

/* "512.0 MiB", "unlimited", "unknown" ... for one limit. */
static const char *fmt_value(char *buf, size_t n, const struct husk_limit *l, enum unit u, uint64_t period) {
        if (!(l->flags & HUSK_LIMIT_SET)) {
                snprintf(buf, n, "%s", limit_state(l));
                return buf;
        }
        switch (u) {
        case UNIT_BYTES:
                return fmt_bytes(buf, n, l->value);
        case UNIT_QUOTA:
                snprintf(buf, n, "%.2f CPUs (%llu/%llu us)", (double) l->value / (double) period,
                         (unsigned long long) l->value, (unsigned long long) period);
                return buf;
        case UNIT_CPUS:
                snprintf(buf, n, "%llu CPUs", (unsigned long long) l->value);
                return buf;
        case UNIT_COUNT:
                break;
        }
        snprintf(buf, n, "%llu", (unsigned long long) l->value);
        return buf;
}

static void print_limit(const char *name, const struct husk_limit *l, enum unit u, uint64_t period) {
        char v[96], line[1024];
        size_t n = 0;
#define APPEND(...) n += (size_t) snprintf(line + n, n < sizeof line ? sizeof line - n : 0, __VA_ARGS__)
        APPEND("  %-12s %-28s", name, fmt_value(v, sizeof v, l, u, period));
        if (l->source)
                APPEND(" %s %s", l->flags & HUSK_LIMIT_OVERRIDE ? "override" : "from", l->source);
        if (l->flags & HUSK_LIMIT_HIERARCHICAL)
                APPEND(" (memory.stat hierarchical limit)");
        if (l->flags & HUSK_LIMIT_CLAMPED)
                APPEND(" (clamped to the host)");
        if (l->flags & HUSK_LIMIT_HIDDEN)
                APPEND(" (ancestors not visible: may be lower)");
        if (l->flags & HUSK_LIMIT_ERROR)
                APPEND(" [error: %s: %s]", l->error_path, strerror(-l->error));
#undef APPEND
        n = strnlen(line, sizeof line);
        while (n > 0 && line[n - 1] == ' ')
                line[--n] = '\0';
        puts(line);
}

static void print_plan(const struct husk_limits_snapshot *s, const struct limits_args *a) {
        char b1[32], b2[32];
        uint64_t goal;
        printf("plan\n");
        printf("  %-12s %u (%s of %.2f CPUs, bound by %s; at least %u)\n", "workers",
               husk_cpu_workers(s, a->rounding, a->min_workers), a->rounding == HUSK_ROUND_CEIL ? "ceil" : "floor",
               s->cpus, husk_cpu_bound_to_string(s->cpus_bound_by), a->min_workers);
        int r = husk_heap_goal(s, a->ratio, a->reserve, &goal);
        if (r >= 0)
                printf("  %-12s %s (%.2f x min(memory.max, memory.high) - %s)\n", "heap goal",
                       fmt_bytes(b1, sizeof b1, goal), a->ratio, fmt_bytes(b2, sizeof b2, a->reserve));
        else if (r == -ENODATA)
                printf("  %-12s none (no memory limit)\n", "heap goal");
        else
                printf("  %-12s none (the reserve %s exceeds the limit)\n", "heap goal",
                       fmt_bytes(b2, sizeof b2, a->reserve));
}

static const struct { const char *name; unsigned what; } controllers[] = {
        { "cpu", HUSK_LIMITS_CPU },
        { "memory", HUSK_LIMITS_MEMORY },
        { "pids", HUSK_LIMITS_PIDS },
};

/* The process's cgroup directories: one line when every controller shares it (v2). */
static void print_dirs(const struct husk_limits *l) {
        const char *first = husk_limits_cgroup_dir(l, HUSK_LIMITS_CPU);
        bool same = true;
        for (size_t i = 0; i < ELEMENTSOF(controllers); i++) {
                const char *d = husk_limits_cgroup_dir(l, controllers[i].what);
                same = same && d && first && strcmp(d, first) == 0;
        }
        if (same) {
                printf("  %-12s %s\n", "directory", first);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(controllers); i++) {
                const char *d = husk_limits_cgroup_dir(l, controllers[i].what);
                if (d)
                        printf("  %-12s %s\n", controllers[i].name, d);
        }
}

static void print_human(const struct husk_limits *l, const struct husk_limits_snapshot *s,
                        const struct limits_args *a) {
        char b[32];
        printf("cgroup       %s%s%s\n", husk_cgroup_version_to_string(s->version),
               s->flags & HUSK_SNAPSHOT_DISABLED ? " (disabled by HUSK_LIMITS_DISABLE: nothing read)" : "",
               s->flags & HUSK_SNAPSHOT_PARTIAL ? " (partial: some files could not be read)" : "");
        print_dirs(l);
        printf("host         %u CPUs, %s\n", s->host_cpus, fmt_bytes(b, sizeof b, s->host_memory));
        printf("cpu\n");
        print_limit("cpu.max", &s->cpu_quota, UNIT_QUOTA, s->cpu_period);
        print_limit("cpuset", &s->cpuset, UNIT_CPUS, 0);
        print_limit("affinity", &s->affinity, UNIT_CPUS, 0);
        printf("  %-12s %.2f CPUs (bound by %s)\n", "effective", s->cpus, husk_cpu_bound_to_string(s->cpus_bound_by));
        printf("memory\n");
        print_limit("memory.max", &s->memory_max, UNIT_BYTES, 0);
        print_limit("memory.high", &s->memory_high, UNIT_BYTES, 0);
        print_limit("memory.low", &s->memory_low, UNIT_BYTES, 0);
        print_limit("swap.max", &s->swap_max, UNIT_BYTES, 0);
        printf("pids\n");
        print_limit("pids.max", &s->pids_max, UNIT_COUNT, 0);
        print_plan(s, a);
}

/* ---- JSON output (keys documented in husk-limits(1); only ever add keys) ---- */

static json_t *json_limit(const struct husk_limit *l) {
        json_t *o = json_object();
        json_object_set_new(o, "state", json_string(limit_state(l)));
        json_object_set_new(o, "value", l->flags & HUSK_LIMIT_SET ? json_integer((json_int_t) l->value) : json_null());
        json_object_set_new(o, "source", l->source ? json_string(l->source) : json_null());
        json_object_set_new(o, "clamped", json_boolean(l->flags & HUSK_LIMIT_CLAMPED));
        json_object_set_new(o, "hidden_ancestors", json_boolean(l->flags & HUSK_LIMIT_HIDDEN));
        json_object_set_new(o, "override", json_boolean(l->flags & HUSK_LIMIT_OVERRIDE));
        json_object_set_new(o, "unsupported", json_boolean(l->flags & HUSK_LIMIT_UNSUPPORTED));
        json_object_set_new(o, "hierarchical", json_boolean(l->flags & HUSK_LIMIT_HIERARCHICAL));
        if (l->flags & HUSK_LIMIT_ERROR)
                json_object_set_new(o, "error", json_pack("{s:s, s:s, s:i}", "path", l->error_path, "message",
                                                          strerror(-l->error), "errno", -l->error));
        else
                json_object_set_new(o, "error", json_null());
        return o;
}

static json_t *json_snapshot(const struct husk_limits *l, const struct husk_limits_snapshot *s,
                             const struct limits_args *a) {
        json_t *cpu = json_object(), *mem = json_object(), *plan = json_object(), *root = json_object();
        json_t *quota = json_limit(&s->cpu_quota);
        json_object_set_new(quota, "period", s->cpu_period ? json_integer((json_int_t) s->cpu_period) : json_null());
        json_object_set_new(cpu, "effective", json_real(s->cpus));
        json_object_set_new(cpu, "bound_by", json_string(husk_cpu_bound_to_string(s->cpus_bound_by)));
        json_object_set_new(cpu, "quota", quota);
        json_object_set_new(cpu, "cpuset", json_limit(&s->cpuset));
        json_object_set_new(cpu, "affinity", json_limit(&s->affinity));
        json_object_set_new(mem, "max", json_limit(&s->memory_max));
        json_object_set_new(mem, "high", json_limit(&s->memory_high));
        json_object_set_new(mem, "low", json_limit(&s->memory_low));
        json_object_set_new(mem, "swap_max", json_limit(&s->swap_max));

        uint64_t goal;
        json_object_set_new(plan, "workers", json_integer(husk_cpu_workers(s, a->rounding, a->min_workers)));
        json_object_set_new(plan, "rounding", json_string(a->rounding == HUSK_ROUND_CEIL ? "ceil" : "floor"));
        json_object_set_new(plan, "min_workers", json_integer(a->min_workers));
        json_object_set_new(plan, "heap_goal", husk_heap_goal(s, a->ratio, a->reserve, &goal) >= 0 ?
                                                       json_integer((json_int_t) goal) : json_null());
        json_object_set_new(plan, "heap_ratio", json_real(a->ratio));
        json_object_set_new(plan, "heap_reserve", json_integer((json_int_t) a->reserve));

        json_object_set_new(root, "cgroup_version", json_string(husk_cgroup_version_to_string(s->version)));
        json_object_set_new(root, "disabled", json_boolean(s->flags & HUSK_SNAPSHOT_DISABLED));
        json_object_set_new(root, "partial", json_boolean(s->flags & HUSK_SNAPSHOT_PARTIAL));
        json_t *dirs = json_object();
        for (size_t i = 0; i < ELEMENTSOF(controllers); i++) {
                const char *d = husk_limits_cgroup_dir(l, controllers[i].what);
                json_object_set_new(dirs, controllers[i].name, d ? json_string(d) : json_null());
        }
        json_object_set_new(root, "cgroup_dirs", dirs);
        json_object_set_new(root, "host", json_pack("{s:i, s:I}", "cpus", (int) s->host_cpus, "memory",
                                                    (json_int_t) s->host_memory));
        json_object_set_new(root, "cpu", cpu);
        json_object_set_new(root, "memory", mem);
        json_object_set_new(root, "pids", json_pack("{s:o}", "max", json_limit(&s->pids_max)));
        json_object_set_new(root, "plan", plan);
        if (a->sandbox.probed)
                json_object_set_new(root, "sandbox", sandbox_view_json(&a->sandbox));
        return root;
}

static int print_json(const struct husk_limits *l, const struct husk_limits_snapshot *s,
                      const struct limits_args *a, size_t flags) {
        json_t *j = json_snapshot(l, s, a);
        if (!j)
                return -ENOMEM;
        int r = json_dumpf(j, stdout, flags | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        json_decref(j);
        putchar('\n');
        fflush(stdout);
        return r < 0 ? -EIO : 0;
}

/* Sections in output order: the limits, the plan, then the sandbox (a "sandbox" key in JSON). */
static int print_snapshot(const struct husk_limits *l, const struct husk_limits_snapshot *s,
                          const struct limits_args *a) {
        if (a->json)
                return print_json(l, s, a, a->watch ? JSON_COMPACT : JSON_INDENT(2));
        print_human(l, s, a);
        sandbox_view_print(&a->sandbox);
        fflush(stdout);
        return 0;
}

/* ---- --watch ---- */

static bool same_limit(const struct husk_limit *x, const struct husk_limit *y) {
        return x->value == y->value && x->flags == y->flags && x->error == y->error &&
               !!x->source == !!y->source && (!x->source || strcmp(x->source, y->source) == 0);
}

static bool snapshots_equal(const struct husk_limits_snapshot *x, const struct husk_limits_snapshot *y) {
        return x->version == y->version && x->flags == y->flags && x->cpus == y->cpus &&
               x->cpus_bound_by == y->cpus_bound_by && x->cpu_period == y->cpu_period &&
               same_limit(&x->cpu_quota, &y->cpu_quota) && same_limit(&x->cpuset, &y->cpuset) &&
               same_limit(&x->affinity, &y->affinity) && same_limit(&x->memory_max, &y->memory_max) &&
               same_limit(&x->memory_high, &y->memory_high) && same_limit(&x->memory_low, &y->memory_low) &&
               same_limit(&x->swap_max, &y->swap_max) && same_limit(&x->pids_max, &y->pids_max);
}

/* One line per limit that changed; returns how many. */
static unsigned print_changes(const struct husk_limits_snapshot *o, const struct husk_limits_snapshot *n) {
        static const struct { const char *name; size_t off; enum unit u; } t[] = {
                { "cpu.max", offsetof(struct husk_limits_snapshot, cpu_quota), UNIT_QUOTA },
                { "cpuset", offsetof(struct husk_limits_snapshot, cpuset), UNIT_CPUS },
                { "affinity", offsetof(struct husk_limits_snapshot, affinity), UNIT_CPUS },
                { "memory.max", offsetof(struct husk_limits_snapshot, memory_max), UNIT_BYTES },
                { "memory.high", offsetof(struct husk_limits_snapshot, memory_high), UNIT_BYTES },
                { "memory.low", offsetof(struct husk_limits_snapshot, memory_low), UNIT_BYTES },
                { "swap.max", offsetof(struct husk_limits_snapshot, swap_max), UNIT_BYTES },
                { "pids.max", offsetof(struct husk_limits_snapshot, pids_max), UNIT_COUNT },
        };
        unsigned changed = 0;
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                const struct husk_limit *x = (const void *) ((const char *) o + t[i].off);
                const struct husk_limit *y = (const void *) ((const char *) n + t[i].off);
                if (same_limit(x, y) && (t[i].u != UNIT_QUOTA || o->cpu_period == n->cpu_period))
                        continue;
                char a[96], b[96];
                fmt_value(a, sizeof a, x, t[i].u, o->cpu_period);
                fmt_value(b, sizeof b, y, t[i].u, n->cpu_period);
                if (strcmp(a, b) == 0 && y->source) /* same value, set elsewhere now */
                        printf("%s: %s, now from %s\n", t[i].name, b, y->source);
                else
                        printf("%s: %s -> %s%s%s\n", t[i].name, a, b, y->source ? " from " : "",
                               y->source ? y->source : "");
                changed++;
        }
        return changed;
}

static int watch_loop(struct husk_limits *l, const struct limits_args *a, struct husk_limits_snapshot *prev) {
        int fd = husk_limits_watch_fd(l);
        if (fd < 0)
                return log_error_errno(fd, "limits: cannot watch the limit files: %m");
        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                /* the kernel notifies no move between cgroups: look once a second */
                int k = poll(&p, 1, 1000);
                if (k < 0 && errno != EINTR)
                        return log_error_errno(errno, "limits: poll: %m");
                int r = husk_limits_watch_drain(l);
                if (r < 0)
                        return log_error_errno(r, "limits: reading the watch: %m");
                int moved = husk_limits_refresh(l);
                if (moved < 0)
                        return log_error_errno(moved, "limits: re-resolving the cgroup: %m");
                if (r == 0 && moved == 0)
                        continue;
                struct husk_limits_snapshot s;
                r = husk_limits_read(l, &s);
                if (r < 0)
                        return log_error_errno(r, "limits: read: %m");
                if (a->json) {
                        if (moved || !snapshots_equal(&s, prev))
                                (void) print_snapshot(l, &s, a);
                } else {
                        if (moved) {
                                const char *d = husk_limits_cgroup_dir(l, HUSK_LIMITS_MEMORY);
                                if (!d)
                                        d = husk_limits_cgroup_dir(l, HUSK_LIMITS_CPU);
                                printf("cgroup: moved to %s\n", d ? d : "(no cgroup)");
                        }
                        (void) print_changes(prev, &s);
                }
                fflush(stdout);
                *prev = s;
        }
}

int verb_limits(int argc, char **argv, const struct global_args *g) {
        static const struct option options[] = {
                { "pid",         required_argument, NULL, 'p' },
                { "json",        no_argument,       NULL, 'j' },
                { "watch",       no_argument,       NULL, 'w' },
                { "round",       required_argument, NULL, ARG_ROUND },
                { "min-workers", required_argument, NULL, ARG_MIN },
                { "ratio",       required_argument, NULL, ARG_RATIO },
                { "reserve",     required_argument, NULL, ARG_RESERVE },
                { "sysroot",     required_argument, NULL, ARG_SYSROOT },
                { "help",        no_argument,       NULL, 'h' },
                {}
        };
        struct limits_args a = { .rounding = HUSK_ROUND_CEIL, .min_workers = 1, .ratio = HUSK_HEAP_RATIO_DEFAULT };
        int ret = 0;
        int first = verb_getopt(argc, argv, "p:jw", options, usage, handle, &a, &ret);
        if (first < 0)
                return ret;
        if (first < argc) {
                log_error("limits: unexpected argument '%s'", argv[first]);
                return EXIT_FAILURE;
        }

        struct husk_limits_options o = { .root = a.sysroot, .pid = a.pid };
        struct husk_limits *l = NULL;
        int r = husk_limits_open(&l, &o);
        if (r == -ENOENT && a.pid) {
                log_error("limits: no process %d", (int) a.pid);
                return EXIT_FAILURE;
        }
        if (r < 0) {
                char proc[32] = "self";
                if (a.pid)
                        snprintf(proc, sizeof proc, "%d", (int) a.pid);
                log_error_errno(r, "limits: reading %s/proc/%s/mountinfo and cgroup: %m", a.sysroot ? a.sysroot : "",
                                proc);
                return EXIT_FAILURE;
        }
        /* The sandbox probe describes the calling process: with --pid it would describe husk,
         * not PID, so it is left out. */
        if (!a.pid) {
                r = sandbox_view_probe(&a.sandbox, a.sysroot);
                if (r < 0)
                        log_warning_errno(r, "limits: probing the sandbox under '%s': %m",
                                          a.sysroot ? a.sysroot : "/");
        }
        struct husk_limits_snapshot s;
        r = husk_limits_read(l, &s);
        if (r < 0)
                log_error_errno(r, "limits: read: %m");
        else if ((r = print_snapshot(l, &s, &a)) < 0)
                log_error_errno(r, "limits: writing the output: %m");
        else if (a.watch) {
                setvbuf(stdout, NULL, _IOLBF, 0);
                r = watch_loop(l, &a, &s); /* logs its own failure */
        }
        husk_limits_free(l);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
