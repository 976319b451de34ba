/* SPDX-License-Identifier: LGPL-2.1-or-later
 * libhusk: what the cgroups of a process allow, and where each limit comes from.
 *
 *   struct husk_limits *l = NULL;
 *   struct husk_limits_snapshot s;
 *   if (husk_limits_open(&l, NULL) >= 0 && husk_limits_read(l, &s) >= 0) {
 *           unsigned workers = husk_cpu_workers(&s, HUSK_ROUND_CEIL, 1);
 *           uint64_t heap;
 *           if (husk_heap_goal(&s, HUSK_HEAP_RATIO_DEFAULT, 0, &heap) >= 0) ...
 *   }
 *   husk_limits_free(l);
 *
 * Every value is the minimum over the process's cgroup and every visible ancestor up to the
 * root of the cgroup mount, and names the directory that set it. cgroup v2, v1, hybrid and "no
 * cgroup at all" are handled. The library uses libc only, never prints, never aborts, and
 * reports failures as -errno (see libhusk(3)). A handle is not thread-safe: use it from one
 * thread at a time. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* value of a husk_limit without HUSK_LIMIT_SET */
#define HUSK_UNLIMITED UINT64_MAX
/* automemlimit's default share of the memory limit given to the heap */
#define HUSK_HEAP_RATIO_DEFAULT 0.9

enum husk_cgroup_version {
        HUSK_CGROUP_NONE = 0,   /* no cgroup filesystem mounted: no limits, not an error */
        HUSK_CGROUP_V1 = 1,
        HUSK_CGROUP_V2 = 2,
        HUSK_CGROUP_HYBRID = 3, /* v1 controllers plus a cgroup2 mount (systemd "hybrid") */
};

/* husk_limits_options.flags */
enum {
        HUSK_LIMITS_NO_ENV = 1u << 0,  /* ignore HUSK_CPU_LIMIT, HUSK_MEMORY_LIMIT, HUSK_LIMITS_DISABLE */
        HUSK_LIMITS_DISABLE = 1u << 1, /* opt out: open no file; only overrides apply */
};

/* husk_limits_options.mask: what to read (0 means everything). Fewer files, cheaper reads. */
enum {
        HUSK_LIMITS_CPU = 1u << 0,    /* cpu.max, cpuset, affinity */
        HUSK_LIMITS_MEMORY = 1u << 1, /* memory.max, memory.high, memory.low, memory.swap.max */
        HUSK_LIMITS_PIDS = 1u << 2,   /* pids.max */
};

struct husk_limits_options {
        /* Directory standing in for "/": proc/<pid>/{mountinfo,cgroup}, proc/meminfo,
         * sys/devices/system/cpu/online and the cgroup mount points are looked up under it.
         * NULL means the machine itself. With a root, the affinity mask is read from
         * proc/<pid>/status (Cpus_allowed_list) instead of sched_getaffinity(2). */
        const char *root;
        pid_t pid;                /* process to describe; 0 = the caller ("self") */
        unsigned flags;           /* HUSK_LIMITS_NO_ENV, HUSK_LIMITS_DISABLE */
        unsigned mask;            /* HUSK_LIMITS_CPU | ...; 0 = all */
        char *const *env;         /* environment for the overrides; NULL = the process's */
};

/* husk_limit.flags */
enum {
        HUSK_LIMIT_SET = 1u << 0,         /* value is a finite limit */
        HUSK_LIMIT_CLAMPED = 1u << 1,     /* the cgroup value exceeded the host (MemTotal, online CPUs): value is the host's */
        HUSK_LIMIT_ERROR = 1u << 2,       /* a file could not be read or parsed: error, error_path; value is the
                                             minimum over the files that could (a partial result) */
        HUSK_LIMIT_HIDDEN = 1u << 3,      /* ancestors above the visible root (cgroup namespace, bind-mounted
                                             subtree) are unknown: the real limit may be lower. Without
                                             HUSK_LIMIT_SET this means "unknown", not "unlimited". */
        HUSK_LIMIT_OVERRIDE = 1u << 4,    /* from the environment; source is the variable's name */
        HUSK_LIMIT_UNSUPPORTED = 1u << 5, /* no controller for it here (no cgroup, not mounted, v1 has no such file) */
        HUSK_LIMIT_HIERARCHICAL = 1u << 6,/* v1: from memory.stat hierarchical_*_limit (covers hidden ancestors) */
};

struct husk_limit {
        uint64_t value;           /* bytes, CPUs or pids; HUSK_UNLIMITED unless HUSK_LIMIT_SET */
        unsigned flags;           /* HUSK_LIMIT_* */
        int error;                /* with HUSK_LIMIT_ERROR: -errno of the first failure (-EINVAL: bad content) */
        const char *source;       /* directory whose file set value (as the machine names it, without
                                     options.root), or an environment variable; NULL if none */
        const char *error_path;   /* with HUSK_LIMIT_ERROR: the file (or variable) that failed */
};

/* What bound the effective CPU count (husk_limits_snapshot.cpus_bound_by). */
enum husk_cpu_bound {
        HUSK_CPU_BOUND_HOST = 0,  /* nothing: the online CPUs of the host */
        HUSK_CPU_BOUND_QUOTA,     /* cpu.max (v1: cpu.cfs_quota_us / cpu.cfs_period_us) */
        HUSK_CPU_BOUND_CPUSET,    /* cpuset.cpus.effective (v1: cpuset.effective_cpus) */
        HUSK_CPU_BOUND_AFFINITY,  /* sched_getaffinity(2) */
        HUSK_CPU_BOUND_OVERRIDE,  /* HUSK_CPU_LIMIT */
};

/* husk_limits_snapshot.flags */
enum {
        HUSK_SNAPSHOT_DISABLED = 1u << 0, /* opted out (HUSK_LIMITS_DISABLE): no file was opened */
        HUSK_SNAPSHOT_PARTIAL = 1u << 1,  /* at least one limit has HUSK_LIMIT_ERROR */
};

/* One reading. The strings point into the handle and stay valid until husk_limits_free(), also
 * across husk_limits_refresh(). Plain data otherwise: copy it, keep it on the stack. */
struct husk_limits_snapshot {
        enum husk_cgroup_version version;
        unsigned flags;                 /* HUSK_SNAPSHOT_* */
        unsigned host_cpus;             /* online CPUs of the machine */
        uint64_t host_memory;           /* MemTotal, bytes (0 if unknown) */

        struct husk_limit cpu_quota;    /* value: quota in µs per cpu_period µs, at the binding level */
        uint64_t cpu_period;            /* µs; 0 unless cpu_quota has HUSK_LIMIT_SET */
        struct husk_limit cpuset;       /* value: number of CPUs in the effective cpuset */
        struct husk_limit affinity;     /* value: number of CPUs in the affinity mask */
        double cpus;                    /* effective fractional CPU limit: min(quota/period, cpuset,
                                           affinity, host_cpus), or HUSK_CPU_LIMIT */
        enum husk_cpu_bound cpus_bound_by;

        struct husk_limit memory_max;   /* memory.max (v1 memory.limit_in_bytes) or HUSK_MEMORY_LIMIT */
        struct husk_limit memory_high;  /* memory.high (v2 only) */
        struct husk_limit memory_low;   /* memory.low (v2 only); a protection, not a limit */
        struct husk_limit swap_max;     /* memory.swap.max (v1: memsw.limit_in_bytes - limit_in_bytes) */
        struct husk_limit pids_max;     /* pids.max */
};

struct husk_limits;

/* Find the process's cgroups and open their limit files (one fd per file per level, kept for
 * cheap re-reads). opts may be NULL. Succeeds with version HUSK_CGROUP_NONE when there is no
 * cgroup mount. Unreadable limit files are not an error here: they show up as HUSK_LIMIT_ERROR
 * in husk_limits_read(). Fails with -errno when /proc/<pid>/mountinfo or /proc/<pid>/cgroup
 * cannot be read (-ENOENT: no such process, or a root without them), -EINVAL when they are
 * malformed, -ENOMEM. */
int husk_limits_open(struct husk_limits **ret, const struct husk_limits_options *opts);

/* The process's cgroup directory for what (one of HUSK_LIMITS_CPU, _MEMORY, _PIDS), as the
 * machine names it; NULL when that controller has none (not mounted, not visible, not asked
 * for). Valid until husk_limits_free(). */
const char *husk_limits_cgroup_dir(const struct husk_limits *l, unsigned what);

/* Close every fd and free l. Accepts NULL; returns NULL. */
struct husk_limits *husk_limits_free(struct husk_limits *l);

/* Read every limit now (pread(2) on the cached fds). Returns 0, or -ENOMEM; file problems are
 * reported per limit, never as a made-up number. */
int husk_limits_read(struct husk_limits *l, struct husk_limits_snapshot *ret);

/* Re-read /proc/<pid>/cgroup (and mountinfo); if the process was moved to another cgroup,
 * reopen every file and move the watches (the watch fd number stays the same). Returns 1 if it
 * moved, 0 if not, -errno (the old view stays). The kernel notifies no move: call it on each
 * wake-up and now and then. */
int husk_limits_refresh(struct husk_limits *l);

/* A pollable (POLLIN) fd that becomes readable when a limit file of the leaf or of any
 * ancestor is written (inotify: a write to a parent does not touch the child's file). Owned by
 * l: do not close it. Returns the fd or -errno. */
int husk_limits_watch_fd(struct husk_limits *l);

/* Consume the pending notifications (non-blocking). Returns 1 if a limit file changed, 0 if
 * nothing was pending, -errno. Call husk_limits_read() afterwards. */
int husk_limits_watch_drain(struct husk_limits *l);

enum husk_psi_resource {
        HUSK_PSI_CPU,
        HUSK_PSI_MEMORY,
        HUSK_PSI_IO,
};

/* A PSI trigger ("some <stall_us> <window_us>") on the leaf cgroup's <res>.pressure (v2), else
 * /proc/pressure/<res>. The returned fd (the caller's, O_CLOEXEC) signals POLLPRI when the
 * process stalled stall_us within window_us. -ENOTSUP when the kernel has no PSI or refuses
 * triggers; -EPERM without CAP_SYS_RESOURCE before Linux 6.5; -EINVAL for a window the kernel
 * does not take (since 6.5, without CAP_SYS_RESOURCE, the window must be a multiple of 2 s). */
int husk_limits_psi_open(struct husk_limits *l, enum husk_psi_resource res, uint64_t stall_us,
                         uint64_t window_us, int *ret_fd);

enum husk_rounding {
        HUSK_ROUND_CEIL,  /* 1.5 CPUs -> 2 workers (use the whole quota) */
        HUSK_ROUND_FLOOR, /* 1.5 CPUs -> 1 worker (never be throttled) */
};

/* Worker count for s->cpus rounded as asked, at least min. */
unsigned husk_cpu_workers(const struct husk_limits_snapshot *s, enum husk_rounding rounding,
                          unsigned min);

/* Heap goal: min(memory_max, memory_high) * ratio - reserve (HUSK_MEMORY_LIMIT, if set, instead
 * of both). -ENODATA if there is no memory limit, -EINVAL unless 0 < ratio <= 1, -ERANGE if
 * the reserve takes it all. */
int husk_heap_goal(const struct husk_limits_snapshot *s, double ratio, uint64_t reserve,
                   uint64_t *ret);

/* "none", "v1", "v2", "hybrid" */
const char *husk_cgroup_version_to_string(enum husk_cgroup_version v);
/* "host", "quota", "cpuset", "affinity", "override" */
const char *husk_cpu_bound_to_string(enum husk_cpu_bound b);

#ifdef __cplusplus
}
#endif
