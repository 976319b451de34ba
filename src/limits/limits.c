/* SPDX-License-Identifier: LGPL-2.1-or-later
 * husk_limits_open/read/free: the handle, the environment overrides, and turning the cached
 * fds of every level into one snapshot (the minimum over the chain, with the directory that
 * set it). Chains are built by cg-resolve.c; watching and re-resolving live in watch.c. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "cleanup.h"
#include "limits-internal.h"
#include "parse.h"
#include "strv.h"

#define ENV_CPU "HUSK_CPU_LIMIT"
#define ENV_MEMORY "HUSK_MEMORY_LIMIT"
#define ENV_DISABLE "HUSK_LIMITS_DISABLE"

/* Overrides are read once, at open. An unparsable value is kept as an error, reported on the
 * limit it would have replaced, so the caller can name the variable. */
static void parse_env(struct husk_limits *l, char *const *env) {
        const char *v = strv_env_get(env, ENV_DISABLE);
        bool b;
        if (v && *v && !(parse_boolean(v, &b) == 0 && !b))
                l->disabled = true;

        v = strv_env_get(env, ENV_CPU);
        if (v && *v)
                l->cpu_override_error = cg_parse_cpus(v, &l->cpu_override);
        v = strv_env_get(env, ENV_MEMORY);
        if (v && *v) {
                l->memory_override_error = parse_size(v, &l->memory_override);
                if (l->memory_override_error == 0 && l->memory_override == 0)
                        l->memory_override_error = -EINVAL;
                if (l->memory_override_error < 0)
                        l->memory_override = 0;
        }
}

static unsigned affinity_count(pid_t pid) {
        cpu_set_t fixed; /* 1024 CPUs: no allocation in the common case */
        if (sched_getaffinity(pid, sizeof fixed, &fixed) == 0)
                return (unsigned) CPU_COUNT(&fixed);
        if (errno != EINVAL)
                return 0;
        for (size_t ncpus = 4096; ncpus <= (1u << 20); ncpus *= 4) {
                cpu_set_t *set = CPU_ALLOC(ncpus);
                if (!set)
                        return 0;
                size_t size = CPU_ALLOC_SIZE(ncpus);
                int r = sched_getaffinity(pid, size, set);
                unsigned n = r == 0 ? (unsigned) CPU_COUNT_S(size, set) : 0;
                int e = errno;
                CPU_FREE(set);
                if (r == 0)
                        return n;
                if (e != EINVAL)
                        return 0;
        }
        return 0;
}

/* Online CPUs and MemTotal: what a limit above the host is clamped to. */
static void read_host(struct husk_limits *l) {
        _cleanup_free_ char *online = NULL, *meminfo = NULL;
        unsigned n;
        uint64_t m;

        if (!l->disabled && cg_read_rooted(l, "sys/devices/system/cpu/online", &online) >= 0 &&
            cg_parse_cpu_list(online, &n) >= 0)
                l->host_cpus = n;
        else if (!l->root) {
                long k = l->disabled ? (long) affinity_count(0) : sysconf(_SC_NPROCESSORS_ONLN);
                l->host_cpus = k > 0 ? (unsigned) k : 0;
        }

        if (!l->disabled && cg_read_rooted(l, "proc/meminfo", &meminfo) >= 0 &&
            cg_keyed_get(meminfo, "MemTotal", &m) >= 0)
                l->host_memory = m;
        else if (!l->root) {
                struct sysinfo si;
                if (sysinfo(&si) == 0)
                        l->host_memory = (uint64_t) si.totalram * si.mem_unit;
        }
}

/* Reading another process without a root: if it lives in another mount namespace, the paths
 * in its mountinfo are reachable through /proc/<pid>/root. */
static int pick_fs_root(struct husk_limits *l) {
        if (l->root)
                return (l->fs_root = strdup(l->root)) ? 0 : -ENOMEM;
        if (l->pid == 0)
                return 0;
        char self[64], other[64];
        struct stat a, b;
        snprintf(self, sizeof self, "/proc/self/ns/mnt");
        snprintf(other, sizeof other, "/proc/%d/ns/mnt", (int) l->pid);
        if (stat(self, &a) < 0 || stat(other, &b) < 0)
                return 0; /* no namespace files: same view as ours is the best guess */
        if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                return 0;
        return asprintf(&l->fs_root, "/proc/%d/root", (int) l->pid) < 0 ? -ENOMEM : 0;
}

int husk_limits_open(struct husk_limits **ret, const struct husk_limits_options *opts) {
        static const struct husk_limits_options defaults = {};
        if (!ret)
                return -EINVAL;
        if (!opts)
                opts = &defaults;
        if (opts->pid < 0)
                return -EINVAL;

        struct husk_limits *l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        l->watch_fd = -EBADF;
        l->pid = opts->pid;
        l->mask = opts->mask ? opts->mask : (HUSK_LIMITS_CPU | HUSK_LIMITS_MEMORY | HUSK_LIMITS_PIDS);
        l->disabled = opts->flags & HUSK_LIMITS_DISABLE;
        if (l->pid)
                snprintf(l->proc_dir, sizeof l->proc_dir, "proc/%d", (int) l->pid);
        else
                snprintf(l->proc_dir, sizeof l->proc_dir, "proc/self");
        if (!(opts->flags & HUSK_LIMITS_NO_ENV))
                parse_env(l, opts->env ? opts->env : environ);

        int r = 0;
        if (opts->root && !(l->root = strdup(opts->root)))
                r = -ENOMEM;
        if (r >= 0 && !l->disabled) {
                r = pick_fs_root(l);
                if (r >= 0)
                        r = cg_resolve(l);
        }
        if (r < 0) {
                husk_limits_free(l);
                return r;
        }
        read_host(l);
        *ret = l;
        return 0;
}

const char *husk_limits_cgroup_dir(const struct husk_limits *l, unsigned what) {
        enum cg_controller c;
        if (!l)
                return NULL;
        switch (what) {
        case HUSK_LIMITS_CPU:
                c = CG_CTRL_CPU;
                break;
        case HUSK_LIMITS_MEMORY:
                c = CG_CTRL_MEMORY;
                break;
        case HUSK_LIMITS_PIDS:
                c = CG_CTRL_PIDS;
                break;
        default:
                return NULL;
        }
        const struct cg_chain *ch = &l->chains[c];
        return ch->n_levels > 0 && ch->error >= 0 ? ch->levels[0].dir : NULL;
}

struct husk_limits *husk_limits_free(struct husk_limits *l) {
        if (!l)
                return NULL;
        cg_chains_done(l);
        for (size_t i = 0; i < l->n_retired; i++)
                free(l->retired[i]);
        free(l->retired);
        safe_close(l->watch_fd);
        free(l->cgroup_text);
        free(l->root);
        free(l->fs_root);
        free(l);
        return NULL;
}

/* pread(2) at offset 0 makes kernfs (seq_file) regenerate the content. */
static int pread_text(int fd, char *buf, size_t size) {
        ssize_t n;
        do
                n = pread(fd, buf, size - 1, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        return (int) n;
}

static void limit_fail(struct husk_limit *out, int error, const char *path) {
        if (out->flags & HUSK_LIMIT_ERROR)
                return; /* keep the first */
        out->flags |= HUSK_LIMIT_ERROR;
        out->error = error;
        out->error_path = path;
}

/* Reaching the hierarchy's root counts as having seen "no limit" there. */
static bool root_seen(const struct cg_chain *c, enum cg_file_id f) {
        return c->reaches_root && c->error >= 0 && cg_file_exists_in(c->version, f);
}

static void limit_start(struct husk_limit *out, const struct cg_chain *c) {
        *out = (struct husk_limit) { .value = HUSK_UNLIMITED };
        if (c->version == HUSK_CGROUP_NONE)
                out->flags |= HUSK_LIMIT_UNSUPPORTED;
        else if (c->error < 0)
                limit_fail(out, c->error, c->error_path);
}

static void limit_finish(struct husk_limit *out, const struct cg_chain *c, bool seen) {
        if (c->version != HUSK_CGROUP_NONE && c->error >= 0 && !seen && !(out->flags & HUSK_LIMIT_ERROR))
                out->flags |= HUSK_LIMIT_UNSUPPORTED;
        if (out->value != HUSK_UNLIMITED)
                out->flags |= HUSK_LIMIT_SET;
        if (c->hidden && !(out->flags & HUSK_LIMIT_UNSUPPORTED))
                out->flags |= HUSK_LIMIT_HIDDEN;
}

/* Read file f of level lv into buf. 0 when absent or not opened (nothing to read), 1 when
 * read, or records the failure on out and returns it. */
static int level_read(const struct cg_level *lv, enum cg_file_id f, char *buf, size_t size,
                      struct husk_limit *out) {
        const struct cg_file *cf = &lv->files[f];
        if (cf->absent || cf->fd == -EBADF)
                return 0;
        int r = cf->fd < 0 ? cf->fd : pread_text(cf->fd, buf, size);
        if (r < 0) {
                limit_fail(out, r, cf->path);
                return r;
        }
        return 1;
}

/* The minimum of one file over the chain (memory.*, pids.max). */
static void collect_min(const struct cg_chain *c, enum cg_file_id f, enum cg_value_kind kind,
                        struct husk_limit *out) {
        char buf[128];
        bool seen = root_seen(c, f);
        limit_start(out, c);
        for (size_t i = 0; i < c->n_levels; i++) {
                const struct cg_level *lv = &c->levels[i];
                uint64_t v;
                int r = level_read(lv, f, buf, sizeof buf, out);
                if (r <= 0)
                        continue;
                seen = true;
                r = cg_parse_value(buf, kind, &v);
                if (r < 0)
                        limit_fail(out, r, lv->files[f].path);
                else if (v < out->value) {
                        out->value = v;
                        out->source = lv->dir;
                }
        }
        limit_finish(out, c, seen);
}

/* cpu.max (v1: cfs_quota_us and cfs_period_us) on each level; the smallest quota/period binds. */
static void collect_cpu(const struct cg_chain *c, struct husk_limits_snapshot *s) {
        struct husk_limit *out = &s->cpu_quota;
        char buf[128];
        bool seen = root_seen(c, CG_FILE_CPU_QUOTA);
        double best = 0;
        limit_start(out, c);
        for (size_t i = 0; i < c->n_levels; i++) {
                const struct cg_level *lv = &c->levels[i];
                uint64_t q, p;
                int r = level_read(lv, CG_FILE_CPU_QUOTA, buf, sizeof buf, out);
                if (r <= 0)
                        continue;
                seen = true;
                if (c->version == HUSK_CGROUP_V2)
                        r = cg_parse_cpu_max(buf, &q, &p);
                else {
                        r = cg_parse_value(buf, CG_VALUE_V1_QUOTA, &q);
                        if (r >= 0 && q == HUSK_UNLIMITED)
                                continue; /* no need for the period */
                        if (r >= 0 && level_read(lv, CG_FILE_CPU_PERIOD, buf, sizeof buf, out) > 0)
                                r = cg_parse_value(buf, CG_VALUE_PERIOD, &p);
                        else if (r >= 0)
                                continue; /* the period's failure is recorded */
                }
                if (r < 0) {
                        limit_fail(out, r, lv->files[CG_FILE_CPU_QUOTA].path);
                        continue;
                }
                if (q == HUSK_UNLIMITED)
                        continue;
                double cpus = (double) q / (double) p;
                if (out->value == HUSK_UNLIMITED || cpus < best) {
                        best = cpus;
                        out->value = q;
                        out->source = lv->dir;
                        s->cpu_period = p;
                }
        }
        limit_finish(out, c, seen);
}

/* The effective cpuset of the nearest level that has one (it already folds in every
 * ancestor, hidden or not): without the controller enabled, a cgroup runs on its parent's. */
static void collect_cpuset(const struct cg_chain *c, struct husk_limit *out) {
        char buf[4096];
        unsigned n;
        limit_start(out, c);
        if (c->version == HUSK_CGROUP_NONE || c->error < 0)
                return;
        for (size_t i = 0; i < c->n_levels; i++) {
                const struct cg_level *lv = &c->levels[i];
                int r = level_read(lv, CG_FILE_CPUSET, buf, sizeof buf, out);
                if (r == 0)
                        continue;
                if (r < 0)
                        return;
                r = cg_parse_cpu_list(buf, &n);
                if (r < 0)
                        return limit_fail(out, r, lv->files[CG_FILE_CPUSET].path);
                out->value = n;
                out->source = lv->dir;
                out->flags |= HUSK_LIMIT_SET;
                return;
        }
        out->flags |= HUSK_LIMIT_UNSUPPORTED;
}

static void collect_affinity(const struct husk_limits *l, struct husk_limit *out) {
        *out = (struct husk_limit) { .value = HUSK_UNLIMITED };
        if (!l->root) {
                unsigned n = affinity_count(l->pid);
                if (n == 0)
                        return limit_fail(out, -ESRCH, "sched_getaffinity");
                out->value = n;
                out->source = "sched_getaffinity";
                out->flags |= HUSK_LIMIT_SET;
                return;
        }
        char p[96];
        _cleanup_free_ char *status = NULL;
        snprintf(p, sizeof p, "%s/status", l->proc_dir);
        if (l->disabled || cg_read_rooted(l, p, &status) < 0) {
                out->flags |= HUSK_LIMIT_UNSUPPORTED;
                return;
        }
        const char *line = strstr(status, "Cpus_allowed_list:");
        unsigned n;
        if (!line)
                return limit_fail(out, -ENOENT, "Cpus_allowed_list");
        line += strlen("Cpus_allowed_list:");
        char list[4096];
        size_t k = strcspn(line, "\n");
        if (k >= sizeof list || (memcpy(list, line, k), list[k] = '\0', cg_parse_cpu_list(list, &n) < 0))
                return limit_fail(out, -EINVAL, "Cpus_allowed_list");
        out->value = n;
        out->source = "Cpus_allowed_list";
        out->flags |= HUSK_LIMIT_SET;
}

/* v1 with hidden ancestors (Docker without cgroupns): memory.stat's hierarchical_*_limit is the
 * kernel's own minimum over every ancestor, visible or not. */
static void apply_hierarchical(const struct cg_chain *c, const char *key, struct husk_limit *out) {
        if (c->version != HUSK_CGROUP_V1 || !c->hidden || c->n_levels == 0)
                return;
        const struct cg_level *leaf = &c->levels[0];
        char buf[8192];
        struct husk_limit scratch = {};
        uint64_t v;
        if (level_read(leaf, CG_FILE_MEMORY_STAT, buf, sizeof buf, &scratch) <= 0 ||
            cg_keyed_get(buf, key, &v) < 0)
                return; /* fall back to the visible levels, still flagged hidden */
        out->flags &= ~HUSK_LIMIT_HIDDEN;
        if (!cg_v1_is_unlimited(v) && v < out->value) {
                out->value = v;
                out->source = leaf->dir;
                out->flags |= HUSK_LIMIT_SET | HUSK_LIMIT_HIERARCHICAL;
        }
}

static void clamp_memory(struct husk_limit *out, uint64_t host) {
        if (host > 0 && (out->flags & HUSK_LIMIT_SET) && out->value > host) {
                out->value = host;
                out->flags |= HUSK_LIMIT_CLAMPED;
        }
}

static void collect_memory(const struct husk_limits *l, struct husk_limits_snapshot *s) {
        const struct cg_chain *c = &l->chains[CG_CTRL_MEMORY];
        bool v1 = c->version == HUSK_CGROUP_V1;
        enum cg_value_kind kind = v1 ? CG_VALUE_V1_BYTES : CG_VALUE_MAX_OR_U64;

        collect_min(c, CG_FILE_MEMORY_MAX, kind, &s->memory_max);
        apply_hierarchical(c, "hierarchical_memory_limit", &s->memory_max);
        collect_min(c, CG_FILE_MEMORY_HIGH, kind, &s->memory_high);
        collect_min(c, CG_FILE_MEMORY_LOW, kind, &s->memory_low);
        collect_min(c, CG_FILE_SWAP_MAX, kind, &s->swap_max);
        if (v1) {
                /* memsw limits memory + swap together: what is left for swap */
                apply_hierarchical(c, "hierarchical_memsw_limit", &s->swap_max);
                if ((s->swap_max.flags & HUSK_LIMIT_SET) && (s->memory_max.flags & HUSK_LIMIT_SET))
                        s->swap_max.value = s->swap_max.value > s->memory_max.value ?
                                s->swap_max.value - s->memory_max.value : 0;
        }
        clamp_memory(&s->memory_max, l->host_memory);
        clamp_memory(&s->memory_high, l->host_memory);
        clamp_memory(&s->memory_low, l->host_memory);
}

static void effective_cpus(const struct husk_limits *l, struct husk_limits_snapshot *s) {
        s->cpus = l->host_cpus;
        s->cpus_bound_by = HUSK_CPU_BOUND_HOST;
        const struct { const struct husk_limit *lim; double v; enum husk_cpu_bound b; } c[] = {
                { &s->affinity, (double) s->affinity.value, HUSK_CPU_BOUND_AFFINITY },
                { &s->cpuset, (double) s->cpuset.value, HUSK_CPU_BOUND_CPUSET },
                { &s->cpu_quota, s->cpu_period ? (double) s->cpu_quota.value / (double) s->cpu_period : 0,
                  HUSK_CPU_BOUND_QUOTA },
        };
        for (size_t i = 0; i < ELEMENTSOF(c); i++)
                if ((c[i].lim->flags & HUSK_LIMIT_SET) && (s->cpus <= 0 || c[i].v < s->cpus)) {
                        s->cpus = c[i].v;
                        s->cpus_bound_by = c[i].b;
                }
        if (l->cpu_override > 0) {
                s->cpus = l->cpu_override;
                s->cpus_bound_by = HUSK_CPU_BOUND_OVERRIDE;
        } else if (l->cpu_override_error < 0)
                limit_fail(&s->cpu_quota, l->cpu_override_error, ENV_CPU);
}

static void apply_memory_override(const struct husk_limits *l, struct husk_limits_snapshot *s) {
        if (l->memory_override > 0)
                s->memory_max = (struct husk_limit) {
                        .value = l->memory_override,
                        .flags = HUSK_LIMIT_SET | HUSK_LIMIT_OVERRIDE,
                        .source = ENV_MEMORY,
                };
        else if (l->memory_override_error < 0)
                limit_fail(&s->memory_max, l->memory_override_error, ENV_MEMORY);
}

int husk_limits_read(struct husk_limits *l, struct husk_limits_snapshot *ret) {
        if (!l || !ret)
                return -EINVAL;
        struct husk_limits_snapshot s = {
                .version = l->version,
                .host_cpus = l->host_cpus,
                .host_memory = l->host_memory,
        };
        if (l->disabled)
                s.flags |= HUSK_SNAPSHOT_DISABLED;

        collect_cpu(&l->chains[CG_CTRL_CPU], &s);
        collect_cpuset(&l->chains[CG_CTRL_CPUSET], &s.cpuset);
        if (l->mask & HUSK_LIMITS_CPU)
                collect_affinity(l, &s.affinity);
        else
                s.affinity = (struct husk_limit) { .value = HUSK_UNLIMITED, .flags = HUSK_LIMIT_UNSUPPORTED };
        collect_memory(l, &s);
        collect_min(&l->chains[CG_CTRL_PIDS], CG_FILE_PIDS_MAX, CG_VALUE_MAX_OR_U64, &s.pids_max);
        effective_cpus(l, &s);
        apply_memory_override(l, &s);

        const struct husk_limit *all[] = { &s.cpu_quota, &s.cpuset, &s.affinity, &s.memory_max,
                                           &s.memory_high, &s.memory_low, &s.swap_max, &s.pids_max };
        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                if (all[i]->flags & HUSK_LIMIT_ERROR)
                        s.flags |= HUSK_SNAPSHOT_PARTIAL;
        *ret = s;
        return 0;
}
