/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk events [--stats] [--interval DURATION] ID: runc's events. One JSON object per line on
 * stdout: {"type":"stats","id":ID,"data":{...}} every interval (default 5s), {"type":"oom","id":ID}
 * as soon as the OOM killer kills in the container's cgroup; the command ends with status 0 when
 * the container's init exits. --stats prints one stats event and exits. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "container-events.h"
#include "init/args.h"
#include "init/clock.h"
#include "json-util.h"

static const char usage[] =
        "Usage: husk events [OPTIONS] ID\n\n"
        "Print the container's events as JSON lines: its cgroup statistics every interval, and an\n"
        "\"oom\" event when the OOM killer kills one of its processes, until its init exits.\n\n"
        "Options:\n"
        "  --interval DURATION   time between statistics (default 5s; 500ms, 1.5s, 1m30s, ...)\n"
        "  --stats               print the statistics once and exit\n"
        "  -h, --help            show this help\n";

enum {
        ARG_INTERVAL = 0x100,
        ARG_STATS,
};

struct events_args {
        usec_t interval;
        bool stats;
};

/* Go's time.ParseDuration forms, which runc's --interval takes: <number><unit> components
 * ("1m30s", "1.5h", "500ms"; units h, m, s, ms, us or µs, ns), each read by husk-init's
 * parse_duration() ("h" and "ns" scaled from its seconds and microseconds); a bare number is
 * seconds, as parse_duration() has it. */
static int parse_go_duration(const char *s, usec_t *ret) {
        usec_t total = 0;
        if (s[strspn(s, "0123456789.")] == '\0')
                return parse_duration(s, ret);
        while (*s) {
                size_t num = strspn(s, "0123456789."), unit = strcspn(s + num, "0123456789.");
                char part[64], u[8];
                usec_t v, scale = 1, div = 1;
                if (num == 0 || unit == 0 || unit >= sizeof u || num + 3 >= sizeof part)
                        return -EINVAL;
                snprintf(u, sizeof u, "%.*s", (int) unit, s + num);
                const char *as = u;
                if (strcmp(u, "h") == 0) {
                        as = "s";
                        scale = 3600;
                } else if (strcmp(u, "ns") == 0) {
                        as = "us";
                        div = 1000;
                } else if (strcmp(u, "µs") == 0)
                        as = "us";
                snprintf(part, sizeof part, "%.*s%s", (int) num, s, as);
                if (parse_duration(part, &v) < 0)
                        return -EINVAL;
                if (v > (USEC_INFINITY - total) / scale)
                        return -ERANGE;
                total += v * scale / div;
                s += num + unit;
        }
        *ret = total;
        return 0;
}

static int handle(int c, const char *arg, void *userdata) {
        struct events_args *a = userdata;
        switch (c) {
        case ARG_STATS:
                a->stats = true;
                return 0;
        case ARG_INTERVAL:
                if (parse_go_duration(arg, &a->interval) < 0)
                        return log_error_errno(EINVAL, "--interval: expected a duration such as 5s or 500ms, "
                                               "got '%s'", arg);
                if (a->interval == 0)
                        return log_error_errno(EINVAL, "--interval: must be greater than 0");
                return 0;
        default:
                return -EINVAL;
        }
}

/* One event as a JSON line; data may be NULL (stolen otherwise). Flushed: readers wait on it. */
static int print_event(const char *type, const char *id, json_t *data) {
        json_t *e = json_pack("{s:s, s:s}", "type", type, "id", id);
        if (!e || (data && json_object_set_new(e, "data", data) < 0)) {
                json_decref(e);
                return log_error_errno(ENOMEM, "events: %m");
        }
        _cleanup_free_ char *line = NULL;
        int r = json_dump_line(e, &line);
        json_decref(e);
        if (r < 0)
                return log_error_errno(r, "events: %m");
        if (puts(line) < 0 || fflush(stdout) != 0)
                return log_error_errno(EIO, "events: write to stdout: %m");
        return 0;
}

static int print_stats(struct container_events *e, const char *id) {
        _cleanup_free_ char *err = NULL;
        json_t *data = NULL;
        int r = container_events_stats(e, &data, &err);
        if (r < 0)
                return log_error_errno(r, "events: %s", err ? err : strerror(-r));
        return print_event("stats", id, data);
}

/* Until the init exits: stats each interval, OOM kills as they come. A failed statistics read
 * is logged and the loop goes on (as runc). */
static int watch(struct container_events *e, const char *id, usec_t interval) {
        usec_t next = now_usec() + interval;
        for (;;) {
                _cleanup_free_ char *err = NULL;
                usec_t now = now_usec();
                int timeout = now >= next ? 0 : (int) ((next - now + USEC_PER_MSEC - 1) / USEC_PER_MSEC);
                unsigned ooms = 0;
                bool exited = false;
                int r = container_events_wait(e, timeout, &ooms, &exited, &err);
                if (r < 0)
                        return log_error_errno(r, "events: %s", err ? err : strerror(-r));
                for (unsigned i = 0; i < ooms; i++)
                        if ((r = print_event("oom", id, NULL)) < 0)
                                return r;
                if (exited)
                        return 0;
                if (now_usec() < next)
                        continue;
                json_t *data = NULL;
                if ((r = container_events_stats(e, &data, &err)) < 0)
                        log_error_errno(r, "events: %s", err ? err : strerror(-r));
                else if ((r = print_event("stats", id, data)) < 0)
                        return r;
                next += interval;
                if (next <= now_usec())         /* a slow read, or a suspended machine: no burst */
                        next = now_usec() + interval;
        }
}

int verb_events(int argc, char **argv, const struct global_args *g) {
        static const struct option options[] = {
                { "interval", required_argument, NULL, ARG_INTERVAL },
                { "stats",    no_argument,       NULL, ARG_STATS },
                { "help",     no_argument,       NULL, 'h' },
                {}
        };
        struct events_args a = { .interval = 5 * USEC_PER_SEC };
        int ret;
        int first = verb_getopt(argc, argv, "", options, usage, handle, &a, &ret);
        if (first < 0)
                return ret;
        if (argc - first != 1) {
                log_error("events: expects exactly one container id");
                fputs(usage, stderr);
                return EXIT_FAILURE;
        }
        const char *id = argv[first];
        _cleanup_free_ char *err = NULL;
        _cleanup_container_events_ struct container_events *e = NULL;
        int r = container_events_open(g->root, id, !a.stats, &e, &err);
        if (r < 0) {
                log_error_errno(r, "events: %s", err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        r = a.stats ? print_stats(e, id) : watch(e, id, a.interval);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
