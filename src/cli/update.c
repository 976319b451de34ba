/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk update [--resources FILE|-] [limit flags] ID: change a container's cgroup limits (runc's
 * update; containerd's shim runs `husk update --resources - ID` for CRI UpdateContainerResources).
 * The flags are merged over the --resources object, field by field. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "container-update.h"
#include "fileio.h"
#include "json-util.h"
#include "parse.h"

static const char usage[] =
        "Usage: husk update [OPTIONS] ID\n\n"
        "Change the cgroup limits of a created, running or paused container. The new values are\n"
        "merged into the container's linux.resources and kept for later updates.\n\n"
        "Options:\n"
        "  -r, --resources FILE        a linux.resources JSON object (runtime-spec), '-' for stdin\n"
        "  --memory BYTES              memory limit (\"128M\", \"1G\"; -1 unlimited)\n"
        "  --memory-reservation BYTES  memory soft limit\n"
        "  --memory-swap BYTES         memory plus swap limit (-1 unlimited)\n"
        "  --cpu-shares N              CPU weight (v1 shares, 2-262144)\n"
        "  --cpu-quota US              CPU time per period in µs (-1 unlimited)\n"
        "  --cpu-period US             CFS period in µs\n"
        "  --cpu-rt-period US          realtime period in µs\n"
        "  --cpu-rt-runtime US         realtime runtime in µs\n"
        "  --cpuset-cpus LIST          CPUs allowed (\"0-3,7\")\n"
        "  --cpuset-mems LIST          memory nodes allowed\n"
        "  --pids-limit N              maximum number of tasks (<= 0 unlimited)\n"
        "  --blkio-weight N            block I/O weight (10-1000)\n"
        "  -h, --help                  show this help\n";

enum {
        ARG_MEMORY = 0x100,
        ARG_MEMORY_RESERVATION,
        ARG_MEMORY_SWAP,
        ARG_CPU_SHARES,
        ARG_CPU_QUOTA,
        ARG_CPU_PERIOD,
        ARG_CPU_RT_PERIOD,
        ARG_CPU_RT_RUNTIME,
        ARG_CPUSET_CPUS,
        ARG_CPUSET_MEMS,
        ARG_PIDS_LIMIT,
        ARG_BLKIO_WEIGHT,
};

/* Each flag: where its value goes in linux.resources, and how it is read. */
static const struct flag {
        int id;
        const char *name, *section, *key;
        enum { FLAG_SIZE, FLAG_INT, FLAG_STRING } kind;
} flags[] = {
        { ARG_MEMORY,             "memory",             "memory",  "limit",           FLAG_SIZE },
        { ARG_MEMORY_RESERVATION, "memory-reservation", "memory",  "reservation",     FLAG_SIZE },
        { ARG_MEMORY_SWAP,        "memory-swap",        "memory",  "swap",            FLAG_SIZE },
        { ARG_CPU_SHARES,         "cpu-shares",         "cpu",     "shares",          FLAG_INT },
        { ARG_CPU_QUOTA,          "cpu-quota",          "cpu",     "quota",           FLAG_INT },
        { ARG_CPU_PERIOD,         "cpu-period",         "cpu",     "period",          FLAG_INT },
        { ARG_CPU_RT_PERIOD,      "cpu-rt-period",      "cpu",     "realtimePeriod",  FLAG_INT },
        { ARG_CPU_RT_RUNTIME,     "cpu-rt-runtime",     "cpu",     "realtimeRuntime", FLAG_INT },
        { ARG_CPUSET_CPUS,        "cpuset-cpus",        "cpu",     "cpus",            FLAG_STRING },
        { ARG_CPUSET_MEMS,        "cpuset-mems",        "cpu",     "mems",            FLAG_STRING },
        { ARG_PIDS_LIMIT,         "pids-limit",         "pids",    "limit",           FLAG_INT },
        { ARG_BLKIO_WEIGHT,       "blkio-weight",       "blockIO", "weight",          FLAG_INT },
};

struct update_args {
        const char *resources;
        json_t *flags;          /* linux.resources built from the flags */
};

#define log_oom() log_error_errno(-ENOMEM, "update: %m")

/* "-1", or a size ("128M") for the memory flags, a plain integer for the others. */
static int flag_value(const struct flag *f, const char *arg, json_t **ret) {
        int64_t i;
        uint64_t u;
        if (f->kind == FLAG_STRING)
                *ret = json_string(arg);
        else if (safe_atoi64(arg, &i) >= 0)
                *ret = json_integer(i);
        else if (f->kind == FLAG_SIZE && parse_size(arg, &u) >= 0 && u <= INT64_MAX)
                *ret = json_integer((json_int_t) u);
        else
                return log_error_errno(-EINVAL, "update: --%s: '%s' is not %s", f->name, arg,
                                       f->kind == FLAG_SIZE ? "a size like 128M (or -1)" : "an integer");
        return *ret ? 0 : log_oom();
}

static int handle(int c, const char *arg, void *userdata) {
        struct update_args *a = userdata;
        if (c == 'r') {
                a->resources = arg;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(flags); i++) {
                if (flags[i].id != c)
                        continue;
                json_t *v = NULL, *section = json_object_get(a->flags, flags[i].section);
                int r = flag_value(&flags[i], arg, &v);
                if (r < 0)
                        return r;
                if (!section && json_object_set_new(a->flags, flags[i].section, section = json_object()) < 0)
                        return json_decref(v), log_oom();
                return json_object_set_new(section, flags[i].key, v) < 0 ? log_oom() : 0;
        }
        return -EINVAL;
}

/* The --resources object (an empty one without), with the flags merged over it. */
static int load_resources(const struct update_args *a, json_t **ret) {
        _cleanup_free_ char *text = NULL, *err = NULL;
        size_t size = 0;
        json_t *j = NULL;
        if (!a->resources)
                j = json_object();
        else {
                bool in = strcmp(a->resources, "-") == 0;
                int r = in ? read_full_fd(STDIN_FILENO, &text, &size) : read_full_file_at(AT_FDCWD, a->resources, &text, &size);
                if (r < 0)
                        return log_error_errno(r, "update: --resources %s: %m", in ? "- (stdin)" : a->resources);
                r = json_load_text(text, size, in ? "--resources (stdin)" : a->resources, &j, &err);
                if (r < 0)
                        return log_error_errno(r, "update: %s", err ? err : strerror(-r));
        }
        if (!j || json_object_update_recursive(j, a->flags) < 0) {
                json_decref(j);
                return log_oom();
        }
        *ret = j;
        return 0;
}

int verb_update(int argc, char **argv, const struct global_args *g) {
        struct option options[ELEMENTSOF(flags) + 3] = {
                { "resources", required_argument, NULL, 'r' },
                { "help", no_argument, NULL, 'h' },
        };
        for (size_t i = 0; i < ELEMENTSOF(flags); i++)
                options[i + 2] = (struct option) { flags[i].name, required_argument, NULL, flags[i].id };
        _cleanup_(json_decrefp) json_t *flag_obj = json_object(), *res = NULL;
        struct update_args a = { .flags = flag_obj };
        int ret;
        if (!flag_obj)
                return (void) log_oom(), EXIT_FAILURE;
        int first = verb_getopt(argc, argv, "r:", options, usage, handle, &a, &ret);
        if (first < 0)
                return ret;
        if (argc - first != 1) {
                log_error("update: expects exactly one container id");
                return EXIT_FAILURE;
        }
        if (load_resources(&a, &res) < 0)
                return EXIT_FAILURE;
        _cleanup_free_ char *err = NULL;
        int r = container_update(g->root, argv[first], res, &err);
        if (r < 0) {
                log_error_errno(r, "update container '%s': %s", argv[first], err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
