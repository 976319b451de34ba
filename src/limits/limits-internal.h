/* SPDX-License-Identifier: LGPL-2.1-or-later
 * libhusk internals: the parsed mount table, the process's cgroup membership, and per
 * controller the chain of cgroup directories (leaf first) with one cached fd per limit file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "husk/limits.h"

/* ---- /proc/<pid>/mountinfo (cg-mountinfo.c) ---- */

struct cg_mount {
        unsigned major, minor;  /* the superblock: duplicate mounts share it */
        char *root;             /* the directory of the filesystem mounted here, unescaped */
        char *mount_point;      /* unescaped */
        char *fstype;
        char *super_options;
        bool read_only;         /* per-mount "ro" */
};

struct cg_mount_table {
        struct cg_mount *mounts; /* only cgroup and cgroup2 mounts */
        size_t n;
};

/* Parse mountinfo text, keeping the cgroup and cgroup2 mounts. -EINVAL names no line: the
 * caller knows the file. */
int cg_mount_table_parse(const char *text, struct cg_mount_table *ret);
void cg_mount_table_done(struct cg_mount_table *t);
/* Undo the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash) in place. */
void cg_unescape(char *s);
/* Is the comma-separated list opts holding the item word? */
bool cg_list_has(const char *opts, const char *word);
/* Is word one of the space-separated words of text (cgroup.controllers)? */
bool cg_list_has_word(const char *text, const char *word);
/* Component-wise: "/a" is a prefix of "/a" and "/a/b", not of "/ab"; "/" of everything. */
bool cg_path_has_prefix(const char *path, const char *prefix);

/* ---- /proc/<pid>/cgroup ---- */

struct cg_membership {
        char *v2_path;          /* the "0::" line, or NULL */
        char **v1_lines;        /* "controllers\0path" pairs, as two strv entries each */
};

int cg_membership_parse(const char *text, struct cg_membership *ret);
void cg_membership_done(struct cg_membership *m);
/* The v1 cgroup path of a controller (e.g. "memory"), or NULL. */
const char *cg_membership_v1_path(const struct cg_membership *m, const char *controller);

/* ---- values (cg-value.c) ---- */

enum cg_value_kind {
        CG_VALUE_MAX_OR_U64,    /* v2: "max" or a number */
        CG_VALUE_V1_BYTES,      /* v1 memory: a number; the 2^63-page sentinel means unlimited */
        CG_VALUE_V1_QUOTA,      /* v1 cpu.cfs_quota_us: -1 means unlimited, else > 0 */
        CG_VALUE_PERIOD,        /* a number > 0 */
};

/* Parse one cgroup file's content. *ret = HUSK_UNLIMITED for "no limit". -EINVAL on junk
 * (empty, "123max", a period of 0). */
int cg_parse_value(const char *s, enum cg_value_kind kind, uint64_t *ret);
/* Is a v1 memory value (limit_in_bytes, hierarchical_memory_limit) the "unlimited" sentinel? */
bool cg_v1_is_unlimited(uint64_t v);
/* v2 cpu.max: "<quota|max> <period>". */
int cg_parse_cpu_max(const char *s, uint64_t *ret_quota, uint64_t *ret_period);
/* A cpu list ("0-3,8,10-11\n") to a CPU count; -EINVAL on junk or an empty list. */
int cg_parse_cpu_list(const char *s, unsigned *ret);
/* The value of "key value" line in a flat keyed file (memory.stat, meminfo without "kB"). */
int cg_keyed_get(const char *text, const char *key, uint64_t *ret);
/* HUSK_CPU_LIMIT: a decimal number > 0 ("2", "1.5"); locale-independent. */
int cg_parse_cpus(const char *s, double *ret);

/* ---- the chains (cg-resolve.c) ---- */

enum cg_controller {
        CG_CTRL_CPU,
        CG_CTRL_CPUSET,
        CG_CTRL_MEMORY,
        CG_CTRL_PIDS,
        _CG_CTRL_MAX,
};

enum cg_file_id {
        CG_FILE_CPU_QUOTA,      /* v2 cpu.max, v1 cpu.cfs_quota_us */
        CG_FILE_CPU_PERIOD,     /* v1 cpu.cfs_period_us */
        CG_FILE_CPUSET,         /* leaf only: cpuset.cpus.effective, v1 cpuset.effective_cpus */
        CG_FILE_MEMORY_MAX,     /* memory.max, v1 memory.limit_in_bytes */
        CG_FILE_MEMORY_HIGH,
        CG_FILE_MEMORY_LOW,
        CG_FILE_SWAP_MAX,       /* memory.swap.max, v1 memory.memsw.limit_in_bytes */
        CG_FILE_MEMORY_STAT,    /* leaf only, v1 with hidden ancestors: hierarchical_*_limit */
        CG_FILE_PIDS_MAX,
        _CG_FILE_MAX,
};

struct cg_file {
        int fd;                 /* >= 0: open; else -errno of the open */
        bool absent;            /* the directory has no such file: no limit at this level */
        char *path;             /* as the machine names it, for error_path */
};

struct cg_level {
        char *dir;              /* machine path, e.g. /sys/fs/cgroup/a/b */
        char *fs_dir;           /* where we open it (under options.root or /proc/<pid>/root) */
        struct cg_file files[_CG_FILE_MAX];
};

struct cg_chain {
        enum husk_cgroup_version version; /* V1, V2 or NONE (controller not available) */
        bool hidden;            /* ancestors above levels[n - 1] are not visible */
        bool reaches_root;      /* levels[n - 1] is the hierarchy's root (no limits there) */
        int error;              /* resolution failed: the leaf is not visible or missing */
        char *error_path;
        struct cg_level *levels; /* [0] is the process's cgroup */
        size_t n_levels;
};

struct husk_limits {
        char *root;             /* options.root, or NULL */
        char *fs_root;          /* prefix for cgroup directories: root, /proc/<pid>/root, or NULL */
        char proc_dir[64];      /* "proc/self" or "proc/<pid>" (relative to root or /) */
        pid_t pid;
        unsigned mask;
        bool disabled;
        enum husk_cgroup_version version;
        char *cgroup_text;      /* /proc/<pid>/cgroup as last read, to notice a move */
        struct cg_chain chains[_CG_CTRL_MAX];
        unsigned host_cpus;
        uint64_t host_memory;
        int watch_fd;
        /* overrides */
        double cpu_override;    /* 0 = none */
        uint64_t memory_override; /* 0 = none */
        int cpu_override_error, memory_override_error;
        /* strings of chains replaced by husk_limits_refresh(): snapshots may still point here */
        char **retired;
        size_t n_retired;
};

/* Does version v have file f at all (v1 has no memory.high, v2 no cpu.cfs_period_us)? */
bool cg_file_exists_in(enum husk_cgroup_version v, enum cg_file_id f);
/* Build every chain from the process's mountinfo and cgroup files. */
int cg_resolve(struct husk_limits *l);
void cg_chains_done(struct husk_limits *l);
/* Move every string a snapshot may point to out of the chains into l->retired. */
int cg_chains_retire(struct husk_limits *l);
/* Open a path relative to options.root (or / without one). */
int cg_open_rooted(const struct husk_limits *l, const char *path, int flags);
int cg_read_rooted(const struct husk_limits *l, const char *path, char **ret);
/* Re-add the inotify watches of every open limit file to fd. */
int cg_watch_add_all(const struct husk_limits *l, int fd);
