/* SPDX-License-Identifier: GPL-2.0-or-later
 * The cgroup manager: one container's cgroup on whatever this host mounts.
 *
 * Layout (cgroup-layout.c, on libhusk's mountinfo parser): pure v2 (one cgroup2 mount), v1 (a
 * mount per controller, cpu and cpuacct possibly together) or hybrid (v1 controllers plus a
 * cgroup2 mount, usually /sys/fs/cgroup/unified, that holds the controllers v1 does not). Each
 * controller is served by exactly one of them: a v1 mount if there is one, else cgroup2.
 *
 * The container's cgroup has one path ("/husk/<id>") used in every hierarchy, relative to the
 * root each mount shows. cgroup_create() makes the directories (remembering which it made),
 * enables the v2 controllers it needs, and writes linux.resources: to v2 files on cgroup2
 * (cgroup-v2.c), v1 files on v1 (cgroup-v1.c), device rules as an eBPF program on v2
 * (cgroup-devices-ebpf.c). A limit the host cannot enforce fails with a message naming the field
 * and the reason; nothing is silently dropped. On hybrid hosts the process is also tracked in
 * the cgroup2 hierarchy, as systemd and runc do.
 *
 * Errors: -errno plus one line in *ret_error naming the JSON field or the cgroup file. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup-resources.h"
#include "husk/limits.h"

enum cgroup_manager {
        CGROUP_MANAGER_CGROUPFS,
        CGROUP_MANAGER_SYSTEMD,
        CGROUP_MANAGER_DISABLED,
};

/* "cgroupfs", "systemd", "disabled" (NULL: cgroupfs). -EINVAL for anything else. */
int cgroup_manager_from_string(const char *s, enum cgroup_manager *ret);
const char *cgroup_manager_to_string(enum cgroup_manager m);

/* The v1 controllers husk knows (kernel names). */
enum cgroup_ctrl {
        CG_CPU,
        CG_CPUACCT,
        CG_CPUSET,
        CG_MEMORY,
        CG_DEVICES,
        CG_FREEZER,
        CG_BLKIO,       /* "io" on v2 */
        CG_PIDS,
        CG_HUGETLB,
        CG_NET_CLS,
        CG_NET_PRIO,
        CG_PERF_EVENT,
        CG_RDMA,
        CG_MISC,
        _CG_MAX,
};

const char *cgroup_ctrl_to_string(enum cgroup_ctrl c);      /* v1 name: "blkio" */
const char *cgroup_ctrl_v2_name(enum cgroup_ctrl c);        /* v2 name: "io"; NULL if none */

struct cgroup_layout {
        enum husk_cgroup_version version;
        char *unified;                  /* cgroup2 mount point, or NULL */
        char *v1[_CG_MAX];              /* mount point of each v1 controller, or NULL */
        char *v2_controllers;           /* cgroup.controllers of the cgroup2 root, or NULL */
};

/* From mountinfo text (libhusk's parser); cgroup.controllers of the cgroup2 root is read when
 * read_controllers (tests pass false and fill it themselves). */
int cgroup_layout_parse(const char *mountinfo, bool read_controllers, struct cgroup_layout *ret);
/* From /proc/self/mountinfo. version NONE when nothing is mounted (not an error). */
int cgroup_layout_detect(struct cgroup_layout *ret);
void cgroup_layout_done(struct cgroup_layout *l);
/* Which hierarchy serves c: 1 (a v1 mount), 2 (cgroup2 lists it), 0 (none). */
int cgroup_layout_where(const struct cgroup_layout *l, enum cgroup_ctrl c);

/* linux.cgroupsPath -> the cgroup path husk uses: NULL/"" -> "/husk/<id>"; "a/b" (relative) ->
 * "/a/b" (relative to the hierarchy root, as crun); absolute kept. Rejects "..", ".", empty
 * components and the systemd "slice:prefix:name" form (unless systemd, see
 * cgroup_systemd_path_parse). */
int cgroup_path_resolve(const char *cgroups_path, const char *id, char **ret, char **ret_error);

/* systemd's form of linux.cgroupsPath, "slice:prefix:name" (runc's libcontainer/cgroups/systemd):
 * *ret_slice "system.slice" when empty, *ret_unit "prefix-name.scope" (or name when it is itself a
 * ".slice"), *ret_path the cgroup the unit gets, slices expanded ("a-b.slice" lives in
 * "/a.slice/a-b.slice"). NULL/"" means "system.slice:husk:<id>". */
int cgroup_systemd_path_parse(const char *cgroups_path, const char *id, char **ret_slice, char **ret_unit,
                              char **ret_path, char **ret_error);

struct cgroup {
        struct cgroup_layout layout;
        char *path;                     /* "/husk/<id>" */
        char **created;                 /* directories we made, parents first */
        int unified_fd;                 /* the cgroup2 directory (O_DIRECTORY), or -EBADF */
        bool owned;                     /* created by us: removed by cgroup_destroy() */
        struct cgroup_scope *scope;     /* the systemd scope holding it (cgroup-systemd.h), or NULL */
};

/* Create path in every hierarchy of this host and apply res (may be NULL). Fails with -EEXIST
 * when the cgroup exists already. On failure nothing is left behind. */
int cgroup_create(const char *path, const struct oci_resources *res, struct cgroup **ret, char **ret_error);
/* An existing container cgroup (for delete, kill --all, pause); -ENOENT if it is gone
 * everywhere. */
int cgroup_open(const char *path, struct cgroup **ret);
/* Apply res to an existing cgroup (husk update), with cgroup_create()'s checks and writers;
 * values already there are overwritten, fields res leaves out are left as they are. */
int cgroup_apply(const struct cgroup *cg, const struct oci_resources *res, char **ret_error);
/* Does placing a process need writes to cgroup.procs (v1 hierarchies), or can the process be
 * born into the cgroup with clone3(CLONE_INTO_CGROUP) alone (pure v2)? */
bool cgroup_needs_enter(const struct cgroup *cg);
/* Move pid into the cgroup in every hierarchy (skip_unified: it is there already). */
int cgroup_enter(const struct cgroup *cg, pid_t pid, bool skip_unified, char **ret_error);
/* Kill what is left (cgroup.kill, else SIGKILL to every pid, thawing first), then remove the
 * cgroup directories: the leaf, and the parents this handle created when they are empty. */
int cgroup_destroy(struct cgroup *cg, char **ret_error);
/* Freeze or thaw (cgroup.freeze on v2, freezer.state on v1), waiting until the kernel reports
 * the new state. */
int cgroup_freeze(const struct cgroup *cg, bool freeze, char **ret_error);
/* Is the cgroup frozen? */
int cgroup_is_frozen(const struct cgroup *cg, bool *ret);
/* Send sig to every process in the cgroup (SIGKILL through cgroup.kill where the kernel has it). */
int cgroup_kill_all(const struct cgroup *cg, int sig, char **ret_error);
/* The pids in the cgroup (the hierarchy that tracks processes: cgroup2, else a v1 one). */
int cgroup_pids(const struct cgroup *cg, pid_t **ret, size_t *ret_n);

struct cgroup_stats {
        uint64_t memory_current, memory_max;    /* UINT64_MAX: no limit */
        uint64_t memory_events_oom, memory_events_oom_kill, memory_events_max;
        uint64_t pids_current, pids_max;
        uint64_t cpu_usage_usec, cpu_nr_periods, cpu_nr_throttled, cpu_throttled_usec;
        bool has_memory, has_pids, has_cpu;
};
/* memory.current/max/events, pids.current/max, cpu.stat (v1: memory.usage_in_bytes,
 * memory.oom_control's oom_kill, cpuacct.usage, cpu.stat). */
int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *ret);

void cgroup_free(struct cgroup *cg);
static inline void cgroup_freep(struct cgroup **cg) {
        cgroup_free(*cg);
}
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_freep)))

/* ---- internal to cgroup-*.c ---- */

/* A handle for path on this host's layout, nothing created or opened yet. */
int cg_handle_new(const char *path, struct cgroup **ret);
/* Every controller res needs is served by some hierarchy here, else -EOPNOTSUPP naming the field. */
int cg_check_served(const struct cgroup_layout *l, const struct oci_resources *res, char **ret_error);
/* mkdir cg->path in the hierarchy at mount (parents too, noted in cg->created); the leaf must be
 * new unless leaf_may_exist. */
int cg_make_dirs(struct cgroup *cg, const char *mount, bool leaf_may_exist, char **ret_error);
/* cg->unified_fd: the cgroup2 directory (nothing to do without a cgroup2 mount). */
int cg_open_unified(struct cgroup *cg);

/* <mount><path>/<file> in buf; returns buf. */
const char *cg_file_path(char *buf, size_t n, const char *mount, const char *path, const char *file);
/* Write s to <dir>/<file>; on failure *ret_error says "<field>: <file path>: <why>". */
int cg_write(const char *dir, const char *file, const char *value, const char *field, char **ret_error);
int cg_writef(const char *dir, const char *file, const char *field, char **ret_error, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
int cg_read(const char *dir, const char *file, char **ret);
/* One number from <dir>/<file>: the value of key in a flat keyed file (memory.events), or the
 * file's single number when key is NULL ("max" is UINT64_MAX). */
int cg_read_u64(const char *dir, const char *file, const char *key, uint64_t *ret);
/* The cgroup's directory in the hierarchy serving controller c (its v1 mount or cgroup2) in buf;
 * NULL when no hierarchy here serves c. */
const char *cg_ctrl_dir(const struct cgroup *cg, enum cgroup_ctrl c, char *buf, size_t n);

/* Apply res to the cgroup2 directory dir (controllers served by v2 only, per layout). */
int cg_v2_apply(const struct cgroup_layout *l, const char *dir, int dir_fd, const struct oci_resources *res,
                char **ret_error);
/* Enable in the cgroup2 ancestors of path the controllers res needs (all available ones in the
 * directories we created). */
int cg_v2_enable_controllers(const struct cgroup *cg, const struct oci_resources *res, char **ret_error);
/* linux.resources.rdma into <dir>/rdma.max (the same file on v1 and v2). */
int cg_rdma_write(const char *dir, const struct oci_resources *res, char **ret_error);
/* Apply res to the v1 hierarchies (controllers served by v1). */
int cg_v1_apply(const struct cgroup *cg, const struct oci_resources *res, char **ret_error);
/* v1 cpuset: a new cgroup starts with empty cpus/mems; copy the parent's down each new level. */
int cg_v1_cpuset_init(const struct cgroup *cg, const char *mount, char **ret_error);
/* Attach a BPF_PROG_TYPE_CGROUP_DEVICE program built from the rules (plus husk's default devices
 * and linux.devices) to the cgroup2 directory fd. */
int cg_devices_ebpf_attach(int dir_fd, const struct oci_device_rule *rules, size_t n_rules, char **ret_error);
/* The same rules as v1 devices.deny/devices.allow writes. */
int cg_devices_v1_apply(const char *dir, const struct oci_device_rule *rules, size_t n_rules, char **ret_error);
