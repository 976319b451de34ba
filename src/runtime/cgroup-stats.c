/* SPDX-License-Identifier: GPL-2.0-or-later
 * A container cgroup's statistics as runc's events print them (see cgroup-events.h). The values
 * cgroup_stats() reads (cgroup-ops.c: usage, limits, throttling, pids) are taken from it; this
 * file adds the rest runc reports: per-CPU and user/kernel time, memory.stat, swap and kernel
 * memory, block I/O per device, huge pages. Field names and units follow runc's types/events.go
 * and its conversions (libcontainer/cgroups/fs and fs2). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-events.h"
#include "cleanup.h"
#include "json-util.h"
#include "limits/limits-internal.h"
#include "parse.h"
#include "strv.h"

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_SEC 1000000000ULL

/* o[key] = v (stolen); -ENOMEM when v is NULL or the set fails. */
static int put(json_t *o, const char *key, json_t *v) {
        return v && json_object_set_new(o, key, v) == 0 ? 0 : -ENOMEM;
}

/* o[key] = the number in <dir>/<file> (cg_read_u64(); field: a key in it, or NULL); a file that
 * cannot be read leaves the key out. */
static int put_read(json_t *o, const char *key, const char *dir, const char *file, const char *field) {
        uint64_t v;
        return cg_read_u64(dir, file, field, &v) >= 0 ? put(o, key, json_uint64(v)) : 0;
}

/* A new empty object at o[key]; NULL when out of memory. The result is borrowed from o. */
static json_t *put_object(json_t *o, const char *key) {
        json_t *c = json_object();
        return put(o, key, c) < 0 ? NULL : c;
}

/* Drop o[key] again when it stayed empty (nothing readable on this host). */
static void drop_if_empty(json_t *o, const char *key) {
        if (json_object_size(json_object_get(o, key)) == 0)
                (void) json_object_del(o, key);
}

/* Numbers as JSON: keyed, "key value" lines (memory.stat) as an object; else numbers separated
 * by blanks (cpuacct.usage_percpu) as an array. A token that is not a number is skipped. */
static int numbers_json(const char *text, bool keyed, json_t **ret) {
        _cleanup_free_ char *copy = strdup(text);
        json_t *j = keyed ? json_object() : json_array();
        if (!copy || !j) {
                json_decref(j);
                return -ENOMEM;
        }
        const char *sep = keyed ? "\n" : " \t\n";
        char *save = NULL;
        for (char *t = strtok_r(copy, sep, &save); t; t = strtok_r(NULL, sep, &save)) {
                char *value = keyed ? strchr(t, ' ') : t;
                uint64_t v;
                if (!value)
                        continue;
                if (keyed)
                        *value++ = '\0';
                if (safe_atou64(value, &v) < 0)
                        continue;
                json_t *n = json_uint64(v);
                if ((keyed ? json_object_set_new(j, t, n) : json_array_append_new(j, n)) < 0) {
                        json_decref(j);
                        return -ENOMEM;
                }
        }
        *ret = j;
        return 0;
}

/* v1 cpuacct.usage_all: a header "cpu user system", then one line per CPU (nanoseconds). */
static int percpu_modes(const char *text, json_t *usage) {
        json_t *user = json_array(), *kernel = json_array();
        if (put(usage, "percpu_kernel", kernel) < 0 || put(usage, "percpu_user", user) < 0)
                return -ENOMEM;
        const char *line = strchr(text, '\n');
        for (; line && *++line; line = strchr(line, '\n')) {
                unsigned cpu;
                unsigned long long u, s;
                if (sscanf(line, "%u %llu %llu", &cpu, &u, &s) != 3)
                        break;
                if (json_array_append_new(user, json_uint64(u)) < 0 ||
                    json_array_append_new(kernel, json_uint64(s)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static uint64_t ticks_to_nsec(uint64_t ticks, uint64_t hz) {
        return ticks / hz * NSEC_PER_SEC + ticks % hz * NSEC_PER_SEC / hz;
}

/* v1 cpuacct: usage.total to the nanosecond (cgroup_stats() keeps microseconds), percpu,
 * percpu_kernel, percpu_user, and kernel/user time from cpuacct.usage_sys/usage_user
 * (nanoseconds, 4.7+), else cpuacct.stat (USER_HZ ticks, as runc). */
static int v1_cpu_usage(const char *dir, json_t *usage) {
        _cleanup_free_ char *percpu = NULL, *all = NULL, *stat = NULL;
        json_t *a = NULL;
        int r;
        if (put_read(usage, "total", dir, "cpuacct.usage", NULL) < 0)
                return -ENOMEM;
        if (cg_read(dir, "cpuacct.usage_percpu", &percpu) >= 0 && numbers_json(percpu, false, &a) >= 0 &&
            put(usage, "percpu", a) < 0)
                return -ENOMEM;
        if (cg_read(dir, "cpuacct.usage_all", &all) >= 0 && (r = percpu_modes(all, usage)) < 0)
                return r;
        uint64_t user = 0, system = 0;
        long hz = sysconf(_SC_CLK_TCK);
        if (cg_read_u64(dir, "cpuacct.usage_sys", NULL, &system) >= 0 &&
            cg_read_u64(dir, "cpuacct.usage_user", NULL, &user) >= 0)
                hz = 0;
        else if (hz <= 0 || cg_read(dir, "cpuacct.stat", &stat) < 0 || cg_keyed_get(stat, "user", &user) < 0 ||
                 cg_keyed_get(stat, "system", &system) < 0)
                return 0;
        if (put(usage, "kernel", json_uint64(hz ? ticks_to_nsec(system, (uint64_t) hz) : system)) < 0 ||
            put(usage, "user", json_uint64(hz ? ticks_to_nsec(user, (uint64_t) hz) : user)) < 0)
                return -ENOMEM;
        return 0;
}

/* cpu.usage and cpu.throttling. total and throttling from cgroup_stats(); kernel and user from
 * v1 cpuacct, or v2 cpu.stat's system_usec/user_usec (there without the cpu controller too). */
static int add_cpu(const struct cgroup *cg, const struct cgroup_stats *s, json_t *data) {
        char dir[4096];
        int r;
        if (!s->has_cpu)
                return 0;
        json_t *cpu = put_object(data, "cpu");
        json_t *usage = cpu ? put_object(cpu, "usage") : NULL;
        if (!usage || put(usage, "total", json_uint64(s->cpu_usage_usec * NSEC_PER_USEC)) < 0)
                return -ENOMEM;
        if (cgroup_layout_where(&cg->layout, CG_CPUACCT) == 1 && cg_ctrl_dir(cg, CG_CPUACCT, dir, sizeof dir)) {
                if ((r = v1_cpu_usage(dir, usage)) < 0)
                        return r;
        } else if (cg->layout.unified) {
                uint64_t user = 0, system = 0;
                cg_file_path(dir, sizeof dir, cg->layout.unified, cg->path, NULL);
                if (cg_read_u64(dir, "cpu.stat", "system_usec", &system) >= 0 &&
                    cg_read_u64(dir, "cpu.stat", "user_usec", &user) >= 0 &&
                    (put(usage, "kernel", json_uint64(system * NSEC_PER_USEC)) < 0 ||
                     put(usage, "user", json_uint64(user * NSEC_PER_USEC)) < 0))
                        return -ENOMEM;
        }
        if (cgroup_layout_where(&cg->layout, CG_CPU) == 0)
                return 0;       /* usage only: no cpu controller, no bandwidth control */
        json_t *thr = put_object(cpu, "throttling");
        if (!thr || put(thr, "periods", json_uint64(s->cpu_nr_periods)) < 0 ||
            put(thr, "throttledPeriods", json_uint64(s->cpu_nr_throttled)) < 0 ||
            put(thr, "throttledTime", json_uint64(s->cpu_throttled_usec * NSEC_PER_USEC)) < 0)
                return -ENOMEM;
        return 0;
}

/* runc's MemoryEntry {limit, usage, max, failcnt} from the v1 files <prefix>.usage_in_bytes and
 * friends (memory, memory.memsw, memory.kmem, memory.kmem.tcp); left out without the usage file
 * (no swap accounting, a kernel without kmem). */
static int v1_memory_entry(const char *dir, const char *prefix, json_t *memory, const char *key) {
        char usage[128], limit[128], max[128], failcnt[128];
        snprintf(usage, sizeof usage, "%s.usage_in_bytes", prefix);
        snprintf(limit, sizeof limit, "%s.limit_in_bytes", prefix);
        snprintf(max, sizeof max, "%s.max_usage_in_bytes", prefix);
        snprintf(failcnt, sizeof failcnt, "%s.failcnt", prefix);
        uint64_t v;
        if (cg_read_u64(dir, usage, NULL, &v) < 0)
                return 0;
        json_t *e = put_object(memory, key);
        if (!e || put_read(e, "limit", dir, limit, NULL) < 0 || put_read(e, "usage", dir, usage, NULL) < 0 ||
            put_read(e, "max", dir, max, NULL) < 0 || put_read(e, "failcnt", dir, failcnt, NULL) < 0)
                return -ENOMEM;
        return 0;
}

/* v2 swap as runc reports it: memory plus swap, as v1's memsw (runc fs2/memory.go); failcnt is
 * memory.swap.events' max. Left out without swap accounting (no memory.swap.current). */
static int v2_swap_entry(const char *dir, const struct cgroup_stats *s, json_t *memory) {
        uint64_t usage = 0, limit = 0;
        if (cg_read_u64(dir, "memory.swap.current", NULL, &usage) < 0)
                return 0;
        json_t *e = put_object(memory, "swap");
        if (!e)
                return -ENOMEM;
        int r = cg_read_u64(dir, "memory.swap.max", NULL, &limit);
        if (r >= 0 && limit != UINT64_MAX && s->memory_max != UINT64_MAX)
                limit += s->memory_max;
        else
                limit = UINT64_MAX;
        if ((r >= 0 && put(e, "limit", json_uint64(limit)) < 0) ||
            put(e, "usage", json_uint64(usage + s->memory_current)) < 0 ||
            put_read(e, "failcnt", dir, "memory.swap.events", "max") < 0)
                return -ENOMEM;
        return 0;
}

/* memory.{cache, usage, swap, kernel, kernelTCP, raw}. usage comes from cgroup_stats(): current
 * and limit, failcnt (v1 memory.failcnt, v2 memory.events' max), plus the peak (v1
 * max_usage_in_bytes, v2 memory.peak, 5.19+). raw is memory.stat; cache its "cache" (v1) or
 * "file" (v2). */
static int add_memory(const struct cgroup *cg, const struct cgroup_stats *s, json_t *data) {
        char dir[4096];
        _cleanup_free_ char *stat = NULL;
        json_t *raw = NULL;
        int r;
        if (!s->has_memory || !cg_ctrl_dir(cg, CG_MEMORY, dir, sizeof dir))
                return 0;
        bool v1 = cgroup_layout_where(&cg->layout, CG_MEMORY) == 1;
        json_t *memory = put_object(data, "memory");
        if (!memory)
                return -ENOMEM;
        if (cg_read(dir, "memory.stat", &stat) >= 0 && (r = numbers_json(stat, true, &raw)) < 0)
                return r;
        json_t *cache = raw ? json_object_get(raw, v1 ? "cache" : "file") : NULL;
        if (cache && put(memory, "cache", json_incref(cache)) < 0)
                goto fail;
        json_t *usage = put_object(memory, "usage");
        if (!usage || put(usage, "limit", json_uint64(s->memory_max)) < 0 ||
            put(usage, "usage", json_uint64(s->memory_current)) < 0 ||
            put_read(usage, "max", dir, v1 ? "memory.max_usage_in_bytes" : "memory.peak", NULL) < 0 ||
            put(usage, "failcnt", json_uint64(s->memory_events_max)) < 0)
                goto fail;
        if (v1) {
                if (v1_memory_entry(dir, "memory.memsw", memory, "swap") < 0 ||
                    v1_memory_entry(dir, "memory.kmem", memory, "kernel") < 0 ||
                    v1_memory_entry(dir, "memory.kmem.tcp", memory, "kernelTCP") < 0)
                        goto fail;
        } else if (v2_swap_entry(dir, s, memory) < 0)
                goto fail;
        if (raw && put(memory, "raw", TAKE_PTR(raw)) < 0)
                return -ENOMEM;
        return 0;
fail:
        json_decref(raw);
        return -ENOMEM;
}

/* pids.current, and pids.max unless it is "max" (runc reports no limit as 0, left out). */
static int add_pids(const struct cgroup_stats *s, json_t *data) {
        if (!s->has_pids)
                return 0;
        json_t *pids = put_object(data, "pids");
        if (!pids || put(pids, "current", json_uint64(s->pids_current)) < 0)
                return -ENOMEM;
        if (s->pids_max != UINT64_MAX && put(pids, "limit", json_uint64(s->pids_max)) < 0)
                return -ENOMEM;
        return 0;
}

/* blkio.<table> += {major, minor, op, value}; op may be NULL (time and sectors tables). */
static int blkio_append(json_t *blkio, const char *table, unsigned major, unsigned minor, const char *op,
                        uint64_t value) {
        json_t *a = json_object_get(blkio, table);
        if (!a && put(blkio, table, a = json_array()) < 0)
                return -ENOMEM;
        json_t *e = json_object();
        if (!e || json_array_append_new(a, e) < 0 || put(e, "major", json_uint64(major)) < 0 ||
            put(e, "minor", json_uint64(minor)) < 0 || (op && put(e, "op", json_string(op)) < 0) ||
            put(e, "value", json_uint64(value)) < 0)
                return -ENOMEM;
        return 0;
}

/* v2 io.stat, "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device, mapped to
 * v1's tables as runc does: bytes to ioServiceBytesRecursive, ios to ioServicedRecursive. */
static int v2_io(const char *text, json_t *blkio) {
        static const struct { const char *key, *table, *op; } map[] = {
                { "rbytes", "ioServiceBytesRecursive", "Read" },
                { "wbytes", "ioServiceBytesRecursive", "Write" },
                { "rios", "ioServicedRecursive", "Read" },
                { "wios", "ioServicedRecursive", "Write" },
                { "dbytes", "ioServiceBytesRecursive", "Discard" },
                { "dios", "ioServicedRecursive", "Discard" },
        };
        for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
                unsigned major, minor;
                int n = 0;
                if (sscanf(line, "%u:%u%n", &major, &minor, &n) != 2)
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(map); i++) {
                        char pat[16];
                        snprintf(pat, sizeof pat, " %s=", map[i].key);
                        const char *p = strstr(line + n, pat);
                        const char *eol = strchr(line, '\n');
                        unsigned long long v;
                        if (!p || (eol && p > eol) || sscanf(p + strlen(pat), "%llu", &v) != 1)
                                continue;
                        int r = blkio_append(blkio, map[i].table, major, minor, map[i].op, v);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* One v1 blkio table: "MAJ:MIN Op N" lines, or "MAJ:MIN N" (time, sectors); "Total N" skipped. */
static int v1_blkio_table(const char *text, json_t *blkio, const char *table) {
        for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
                unsigned major, minor;
                unsigned long long v;
                char op[16], one[128];
                int r = 0;
                /* one line at a time: sscanf would read "8:0 12" and go on into the next line */
                snprintf(one, sizeof one, "%.*s", (int) strcspn(line, "\n"), line);
                if (sscanf(one, "%u:%u %15s %llu", &major, &minor, op, &v) == 4)
                        r = blkio_append(blkio, table, major, minor, op, v);
                else if (sscanf(one, "%u:%u %llu", &major, &minor, &v) == 3)
                        r = blkio_append(blkio, table, major, minor, NULL, v);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The v1 blkio files, from the first set that has per-device lines (runc's order): CFQ's
 * blkio.*, BFQ's blkio.bfq.*, then the throttle policy's blkio.throttle.*, which only counts
 * bytes and operations. */
static int v1_blkio(const char *dir, json_t *blkio) {
        static const struct { const char *file, *table; } tables[] = {
                { "io_service_bytes_recursive", "ioServiceBytesRecursive" },
                { "io_serviced_recursive", "ioServicedRecursive" },
                { "io_queued_recursive", "ioQueueRecursive" },
                { "io_service_time_recursive", "ioServiceTimeRecursive" },
                { "io_wait_time_recursive", "ioWaitTimeRecursive" },
                { "io_merged_recursive", "ioMergedRecursive" },
                { "time_recursive", "ioTimeRecursive" },
                { "sectors_recursive", "sectorsRecursive" },
        };
        static const char *const prefixes[] = { "blkio.", "blkio.bfq.", "blkio.throttle." };
        const char *prefix = prefixes[ELEMENTSOF(prefixes) - 1];
        for (size_t i = 0; i + 1 < ELEMENTSOF(prefixes); i++) {
                char file[128];
                _cleanup_free_ char *text = NULL;
                snprintf(file, sizeof file, "%sio_serviced_recursive", prefixes[i]);
                if (cg_read(dir, file, &text) >= 0 && strchr(text, ':')) {
                        prefix = prefixes[i];
                        break;
                }
        }
        for (size_t i = 0; i < ELEMENTSOF(tables); i++) {
                char file[128];
                _cleanup_free_ char *text = NULL;
                snprintf(file, sizeof file, "%s%s", prefix, tables[i].file);
                if (cg_read(dir, file, &text) < 0)
                        continue;
                int r = v1_blkio_table(text, blkio, tables[i].table);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_blkio(const struct cgroup *cg, json_t *data) {
        char dir[4096];
        _cleanup_free_ char *text = NULL;
        if (!cg_ctrl_dir(cg, CG_BLKIO, dir, sizeof dir))
                return 0;
        json_t *blkio = put_object(data, "blkio");
        if (!blkio)
                return -ENOMEM;
        if (cgroup_layout_where(&cg->layout, CG_BLKIO) == 1)
                return v1_blkio(dir, blkio);
        if (cg_read(dir, "io.stat", &text) < 0)
                return 0;
        return v2_io(text, blkio);
}

/* hugetlb.<size> = {usage, max, failcnt} per page size the cgroup has files for: v1
 * hugetlb.<size>.usage_in_bytes, max_usage_in_bytes, failcnt; v2 hugetlb.<size>.current and
 * hugetlb.<size>.events' max (v2 keeps no peak). */
static int add_hugetlb(const struct cgroup *cg, json_t *data) {
        char dir[4096];
        if (!cg_ctrl_dir(cg, CG_HUGETLB, dir, sizeof dir))
                return 0;
        bool v1 = cgroup_layout_where(&cg->layout, CG_HUGETLB) == 1;
        const char *suffix = v1 ? ".usage_in_bytes" : ".current";
        _cleanup_closedir_ DIR *d = opendir(dir);
        if (!d)
                return 0;
        json_t *hugetlb = put_object(data, "hugetlb");
        if (!hugetlb)
                return -ENOMEM;
        for (struct dirent *de; (de = readdir(d));) {
                if (!startswith(de->d_name, "hugetlb."))
                        continue;
                const char *size = de->d_name + strlen("hugetlb.");
                size_t n = strlen(size), k = strlen(suffix);
                if (n <= k || strcmp(size + n - k, suffix) != 0 || memchr(size, '.', n - k))
                        continue;       /* also skips v2's hugetlb.<size>.rsvd.current */
                char name[64], file[128];
                uint64_t usage = 0;
                snprintf(name, sizeof name, "%.*s", (int) (n - k), size);
                if (cg_read_u64(dir, de->d_name, NULL, &usage) < 0)
                        continue;
                json_t *e = put_object(hugetlb, name);
                if (!e || put(e, "usage", json_uint64(usage)) < 0)
                        return -ENOMEM;
                snprintf(file, sizeof file, "hugetlb.%s.max_usage_in_bytes", name);
                if (v1 && put_read(e, "max", dir, file, NULL) < 0)
                        return -ENOMEM;
                snprintf(file, sizeof file, v1 ? "hugetlb.%s.failcnt" : "hugetlb.%s.events", name);
                if (put_read(e, "failcnt", dir, file, v1 ? NULL : "max") < 0)
                        return -ENOMEM;
        }
        drop_if_empty(data, "hugetlb");
        return 0;
}

int cgroup_stats_json(const struct cgroup *cg, json_t **ret) {
        struct cgroup_stats s;
        int r = cgroup_stats(cg, &s);
        if (r < 0)
                return r;
        json_t *data = json_object();
        if (!data)
                return -ENOMEM;
        if ((r = add_cpu(cg, &s, data)) < 0 || (r = add_memory(cg, &s, data)) < 0 || (r = add_pids(&s, data)) < 0 ||
            (r = add_blkio(cg, data)) < 0 || (r = add_hugetlb(cg, data)) < 0) {
                json_decref(data);
                return r;
        }
        *ret = data;
        return 0;
}
