/* SPDX-License-Identifier: GPL-2.0-or-later
 * linux.resources on cgroup v1 hierarchies (Documentation/admin-guide/cgroup-v1/), as runc's
 * fs driver writes them: memory, cpu, cpuset, pids, blkio, hugetlb, net_cls/net_prio, rdma, and
 * devices as devices.deny/devices.allow lines. Controllers the host serves through cgroup2 (on a
 * hybrid host) are cgroup-v2.c's. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "json-util.h"
#include "limits/limits-internal.h"
#include "parse.h"

/* The directory of the container's cgroup in controller c's v1 hierarchy. */
static const char *v1_dir(const struct cgroup *cg, enum cgroup_ctrl c, char *buf, size_t n) {
        return cg_file_path(buf, n, cg->layout.v1[c], cg->path, NULL);
}

static int write_i64(const char *dir, const char *file, int64_t v, const char *field, char **ret_error) {
        return cg_writef(dir, file, field, ret_error, "%" PRIi64, v);
}

static int write_swap(const char *dir, int64_t swap, char **ret_error) {
        int r = write_i64(dir, "memory.memsw.limit_in_bytes", swap, "linux.resources.memory.swap", ret_error);
        if (r == -ENOENT)
                return json_errorf(ret_error, "linux.resources.memory.swap: this kernel does not account swap "
                                   "(no memory.memsw.limit_in_bytes: boot with swapaccount=1)"), -EOPNOTSUPP;
        return r;
}

/* The kernel keeps memory.limit_in_bytes <= memory.memsw.limit_in_bytes at every write, so
 * raising both (husk update) must write memsw first, lowering them the limit first; an unlimited
 * limit without a swap value lifts memsw too (runc's fs/memory.go setMemoryAndSwap). */
static bool swap_goes_first(const char *dir, const struct oci_memory *m, int64_t swap) {
        _cleanup_free_ char *cur = NULL;
        uint64_t v = 0;
        if (!m->has_limit || m->limit == 0 || swap == 0)
                return false;
        if (swap == -1)
                return true;
        return cg_read(dir, "memory.limit_in_bytes", &cur) >= 0 && safe_atou64(cur, &v) >= 0 && v < (uint64_t) swap;
}

static int apply_memory(const struct cgroup *cg, const struct oci_memory *m, char **ret_error) {
        char dir[4096], memsw[4096];
        int r;
        v1_dir(cg, CG_MEMORY, dir, sizeof dir);
        int64_t swap = m->has_swap ? m->swap : 0;
        if (swap == 0 && m->has_limit && m->limit == -1 &&
            access(cg_file_path(memsw, sizeof memsw, dir, "", "memory.memsw.limit_in_bytes"), F_OK) == 0)
                swap = -1;
        bool first = swap_goes_first(dir, m, swap);
        if (first && (r = write_swap(dir, swap, ret_error)) < 0)
                return r;
        if (m->has_limit && m->limit != 0 &&
            (r = write_i64(dir, "memory.limit_in_bytes", m->limit, "linux.resources.memory.limit", ret_error)) < 0)
                return r;
        if (!first && swap != 0 && (r = write_swap(dir, swap, ret_error)) < 0)
                return r;
        if (m->has_reservation && m->reservation != 0 &&
            (r = write_i64(dir, "memory.soft_limit_in_bytes", m->reservation, "linux.resources.memory.reservation",
                           ret_error)) < 0)
                return r;
        if (m->has_kernel && m->kernel != 0 &&
            (r = write_i64(dir, "memory.kmem.limit_in_bytes", m->kernel, "linux.resources.memory.kernel", ret_error)) < 0)
                return r;
        if (m->has_kernel_tcp && m->kernel_tcp != 0 &&
            (r = write_i64(dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, "linux.resources.memory.kernelTCP",
                           ret_error)) < 0)
                return r;
        if (m->has_swappiness &&
            (r = cg_writef(dir, "memory.swappiness", "linux.resources.memory.swappiness", ret_error, "%" PRIu64,
                           m->swappiness)) < 0)
                return r;
        if (m->has_disable_oom_killer && m->disable_oom_killer &&
            (r = cg_write(dir, "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller", ret_error)) < 0)
                return r;
        if (m->has_use_hierarchy &&
            (r = cg_write(dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", "linux.resources.memory.useHierarchy",
                          ret_error)) < 0)
                return r;
        return 0;
}

static int apply_cpu(const struct cgroup *cg, const struct oci_cpu *c, char **ret_error) {
        char dir[4096];
        int r;
        if (cg->layout.v1[CG_CPU]) {
                v1_dir(cg, CG_CPU, dir, sizeof dir);
                if (c->has_shares && c->shares &&
                    (r = cg_writef(dir, "cpu.shares", "linux.resources.cpu.shares", ret_error, "%" PRIu64, c->shares)) < 0)
                        return r;
                if (c->has_period && c->period &&
                    (r = cg_writef(dir, "cpu.cfs_period_us", "linux.resources.cpu.period", ret_error, "%" PRIu64,
                                   c->period)) < 0)
                        return r;
                if (c->has_quota && c->quota &&
                    (r = write_i64(dir, "cpu.cfs_quota_us", c->quota, "linux.resources.cpu.quota", ret_error)) < 0)
                        return r;
                if (c->has_burst &&
                    (r = cg_writef(dir, "cpu.cfs_burst_us", "linux.resources.cpu.burst", ret_error, "%" PRIu64, c->burst)) < 0)
                        return r;
                if (c->has_realtime_period && c->realtime_period &&
                    (r = cg_writef(dir, "cpu.rt_period_us", "linux.resources.cpu.realtimePeriod", ret_error, "%" PRIu64,
                                   c->realtime_period)) < 0)
                        return r;
                if (c->has_realtime_runtime && c->realtime_runtime &&
                    (r = write_i64(dir, "cpu.rt_runtime_us", c->realtime_runtime, "linux.resources.cpu.realtimeRuntime",
                                   ret_error)) < 0)
                        return r;
                if (c->has_idle &&
                    (r = write_i64(dir, "cpu.idle", c->idle, "linux.resources.cpu.idle", ret_error)) < 0)
                        return r;
        }
        if (cg->layout.v1[CG_CPUSET]) {
                v1_dir(cg, CG_CPUSET, dir, sizeof dir);
                if (c->cpus && (r = cg_write(dir, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", ret_error)) < 0)
                        return r;
                if (c->mems && (r = cg_write(dir, "cpuset.mems", c->mems, "linux.resources.cpu.mems", ret_error)) < 0)
                        return r;
        }
        return 0;
}

static const char *const throttle_files[_OCI_THROTTLE_MAX] = {
        [OCI_THROTTLE_READ_BPS] = "blkio.throttle.read_bps_device",
        [OCI_THROTTLE_WRITE_BPS] = "blkio.throttle.write_bps_device",
        [OCI_THROTTLE_READ_IOPS] = "blkio.throttle.read_iops_device",
        [OCI_THROTTLE_WRITE_IOPS] = "blkio.throttle.write_iops_device",
};

static int apply_blkio(const struct cgroup *cg, const struct oci_block_io *b, char **ret_error) {
        char dir[4096], field[128];
        int r;
        v1_dir(cg, CG_BLKIO, dir, sizeof dir);
        /* CFQ's blkio.weight is gone since 5.0; BFQ offers blkio.bfq.weight (same scale). */
        _cleanup_free_ char *probe = NULL;
        const char *wfile = cg_read(dir, "blkio.weight", &probe) >= 0 ? "blkio.weight" : "blkio.bfq.weight";
        if (b->has_weight && b->weight) {
                r = cg_writef(dir, wfile, "linux.resources.blockIO.weight", ret_error, "%u", b->weight);
                if (r == -ENOENT)
                        return json_errorf(ret_error, "linux.resources.blockIO.weight: no I/O scheduler with weights "
                                           "(neither blkio.weight nor blkio.bfq.weight exists)"), -EOPNOTSUPP;
                if (r < 0)
                        return r;
        }
        if (b->has_leaf_weight && b->leaf_weight &&
            (r = cg_writef(dir, "blkio.leaf_weight", "linux.resources.blockIO.leafWeight", ret_error, "%u",
                           b->leaf_weight)) < 0)
                return r;
        for (size_t i = 0; i < b->n_weight_devices; i++) {
                const struct oci_weight_device *d = &b->weight_devices[i];
                snprintf(field, sizeof field, "linux.resources.blockIO.weightDevice[%zu]", i);
                if (d->has_weight && d->weight &&
                    (r = cg_writef(dir, strcmp(wfile, "blkio.weight") == 0 ? "blkio.weight_device" : wfile, field,
                                   ret_error, "%" PRIi64 ":%" PRIi64 " %u", d->major, d->minor, d->weight)) < 0)
                        return r;
                if (d->has_leaf_weight && d->leaf_weight &&
                    (r = cg_writef(dir, "blkio.leaf_weight_device", field, ret_error, "%" PRIi64 ":%" PRIi64 " %u",
                                   d->major, d->minor, d->leaf_weight)) < 0)
                        return r;
        }
        for (size_t k = 0; k < _OCI_THROTTLE_MAX; k++)
                for (size_t i = 0; i < b->n_throttle[k]; i++) {
                        const struct oci_throttle_device *d = &b->throttle[k][i];
                        snprintf(field, sizeof field, "linux.resources.blockIO.%s[%zu]", throttle_files[k] + 15, i);
                        r = cg_writef(dir, throttle_files[k], field, ret_error, "%" PRIi64 ":%" PRIi64 " %" PRIu64,
                                      d->major, d->minor, d->rate);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int apply_small(const struct cgroup *cg, const struct oci_resources *res, char **ret_error) {
        char dir[4096], field[300], file[96];
        int r;
        if (res->has_pids && res->pids_limit != 0 && cg->layout.v1[CG_PIDS]) {
                v1_dir(cg, CG_PIDS, dir, sizeof dir);
                r = res->pids_limit < 0 ? cg_write(dir, "pids.max", "max", "linux.resources.pids.limit", ret_error)
                                        : write_i64(dir, "pids.max", res->pids_limit, "linux.resources.pids.limit", ret_error);
                if (r < 0)
                        return r;
        }
        if (cg->layout.v1[CG_HUGETLB])
                for (size_t i = 0; i < res->n_hugepage_limits; i++) {
                        const struct oci_hugepage_limit *h = &res->hugepage_limits[i];
                        v1_dir(cg, CG_HUGETLB, dir, sizeof dir);
                        snprintf(field, sizeof field, "linux.resources.hugepageLimits[%zu]", i);
                        snprintf(file, sizeof file, "hugetlb.%s.limit_in_bytes", h->page_size);
                        if ((r = cg_writef(dir, file, field, ret_error, "%" PRIu64, h->limit)) < 0)
                                return r;
                }
        if (res->has_class_id && cg->layout.v1[CG_NET_CLS]) {
                v1_dir(cg, CG_NET_CLS, dir, sizeof dir);
                if ((r = cg_writef(dir, "net_cls.classid", "linux.resources.network.classID", ret_error, "%" PRIu32,
                                   res->class_id)) < 0)
                        return r;
        } else if (res->has_class_id)
                return json_errorf(ret_error, "linux.resources.network.classID: the net_cls controller is not "
                                   "mounted on this host"), -EOPNOTSUPP;
        for (size_t i = 0; i < res->n_net_priorities; i++) {
                snprintf(field, sizeof field, "linux.resources.network.priorities[%zu]", i);
                if (!cg->layout.v1[CG_NET_PRIO])
                        return json_errorf(ret_error, "%s: the net_prio controller is not mounted on this host", field),
                               -EOPNOTSUPP;
                v1_dir(cg, CG_NET_PRIO, dir, sizeof dir);
                if ((r = cg_writef(dir, "net_prio.ifpriomap", field, ret_error, "%s %" PRIu32,
                                   res->net_priorities[i].name, res->net_priorities[i].priority)) < 0)
                        return r;
        }
        if (cg->layout.v1[CG_RDMA] && (r = cg_rdma_write(v1_dir(cg, CG_RDMA, dir, sizeof dir), res, ret_error)) < 0)
                return r;
        return 0;
}

int cg_v1_apply(const struct cgroup *cg, const struct oci_resources *res, char **ret_error) {
        const struct cgroup_layout *l = &cg->layout;
        char dir[4096];
        int r;
        if (!res)
                return 0;
        if (res->has_memory && l->v1[CG_MEMORY] && (r = apply_memory(cg, &res->memory, ret_error)) < 0)
                return r;
        if (res->has_cpu && (r = apply_cpu(cg, &res->cpu, ret_error)) < 0)
                return r;
        if (res->has_block_io && l->v1[CG_BLKIO] && (r = apply_blkio(cg, &res->block_io, ret_error)) < 0)
                return r;
        if ((r = apply_small(cg, res, ret_error)) < 0)
                return r;
        if (res->n_devices > 0 && l->v1[CG_DEVICES] &&
            (r = cg_devices_v1_apply(v1_dir(cg, CG_DEVICES, dir, sizeof dir), res->devices, res->n_devices,
                                     ret_error)) < 0)
                return r;
        if (res->unified && !l->unified)
                return json_errorf(ret_error, "linux.resources.unified.%s: needs cgroup v2, and this host mounts "
                                   "only v1", res->unified[0]), -EOPNOTSUPP;
        return 0;
}

/* Give dir the parent's cpuset.cpus and cpuset.mems where its own are empty; first the
 * parent's own, recursively, when the parent is empty too and below the mount: a parent that
 * another husk has just created (mkdir gave us EEXIST) and not filled yet. A cpuset cgroup with
 * no CPUs holds no task, so it is no one's running cgroup, and its creator writes the same. */
static int cpuset_fill(const char *dir, const char *mount, char **ret_error) {
        static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", dir);
        *strrchr(parent, '/') = '\0';
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *cur = NULL, *up = NULL;
                int r = cg_read(dir, files[i], &cur);
                if (r >= 0 && cur[strspn(cur, " \n")] != '\0')
                        continue;
                r = cg_read(parent, files[i], &up);
                if (r >= 0 && up[strspn(up, " \n")] == '\0' && strlen(parent) > strlen(mount) &&
                    cg_path_has_prefix(parent, mount)) {
                        if ((r = cpuset_fill(parent, mount, ret_error)) < 0)
                                return r;
                        free(up);
                        up = NULL;
                        r = cg_read(parent, files[i], &up);
                }
                if (r < 0)
                        return json_errorf(ret_error, "linux.cgroupsPath: %s/%s: %s", parent, files[i],
                                           strerror(-r)), r;
                up[strcspn(up, "\n")] = '\0';
                if ((r = cg_write(dir, files[i], up, "linux.cgroupsPath", ret_error)) < 0)
                        return r;
        }
        return 0;
}

/* cpuset.cpus and cpuset.mems start empty in a new v1 cpuset cgroup (unless the parent has
 * cgroup.clone_children), and a task cannot join it then: copy the parent's, level by level. */
int cg_v1_cpuset_init(const struct cgroup *cg, const char *mount, char **ret_error) {
        for (char **c = cg->created; c && *c; c++) {
                if (!cg_path_has_prefix(*c, mount))
                        continue;
                int r = cpuset_fill(*c, mount, ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}
