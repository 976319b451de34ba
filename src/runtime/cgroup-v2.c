/* SPDX-License-Identifier: GPL-2.0-or-later
 * linux.resources on cgroup v2 (Documentation/admin-guide/cgroup-v2.rst), with runc's
 * conversions from the spec's v1-shaped values: cpu.shares -> cpu.weight, blkio weight ->
 * io.weight (io.bfq.weight takes it unconverted), memory+swap -> memory.swap.max. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "limits/limits-internal.h"

/* Is controller c served by cgroup2 here (so its files are ours to write in dir)? */
static bool on_v2(const struct cgroup_layout *l, enum cgroup_ctrl c) {
        return cgroup_layout_where(l, c) == 2;
}

/* The field cannot be enforced here: say which controller is missing. */
static int unavailable(const struct cgroup_layout *l, enum cgroup_ctrl c, const char *field, char **ret_error) {
        if (l->v1[c])
                return 0;       /* v1 takes it (cgroup-v1.c) */
        return json_errorf(ret_error, "%s: the %s controller is not available on this host", field,
                           cgroup_ctrl_v2_name(c) ? cgroup_ctrl_v2_name(c) : cgroup_ctrl_to_string(c)), -EOPNOTSUPP;
}

/* A v2 limit file: "max" for a negative (unlimited) value, else the number. */
static int write_limit(const char *dir, const char *file, int64_t v, const char *field, char **ret_error) {
        return v < 0 ? cg_write(dir, file, "max", field, ret_error) : cg_writef(dir, file, field, ret_error, "%" PRIi64, v);
}

static int apply_memory(const struct cgroup_layout *l, const char *dir, const struct oci_memory *m, char **ret_error) {
        const char *f = "linux.resources.memory";
        int r;
        if (!on_v2(l, CG_MEMORY))
                return unavailable(l, CG_MEMORY, f, ret_error);
        if (m->has_kernel && m->kernel != 0)
                return json_errorf(ret_error, "%s.kernel: kernel memory limits do not exist on cgroup v2", f), -EOPNOTSUPP;
        if (m->has_kernel_tcp && m->kernel_tcp != 0)
                return json_errorf(ret_error, "%s.kernelTCP: kernel TCP memory limits do not exist on cgroup v2", f),
                       -EOPNOTSUPP;
        if (m->has_swappiness)
                return json_errorf(ret_error, "%s.swappiness: there is no per-cgroup swappiness on cgroup v2", f),
                       -EOPNOTSUPP;
        if (m->has_disable_oom_killer && m->disable_oom_killer)
                return json_errorf(ret_error, "%s.disableOOMKiller: cgroup v2 cannot disable the OOM killer", f),
                       -EOPNOTSUPP;
        if (m->has_reservation && m->reservation != 0 &&
            (r = write_limit(dir, "memory.low", m->reservation, "linux.resources.memory.reservation", ret_error)) < 0)
                return r;
        /* swap before limit would fail against an old limit; the kernel takes them independently
         * on v2, so order only matters for the error we report first: limit. */
        if (m->has_limit && m->limit != 0 &&
            (r = write_limit(dir, "memory.max", m->limit, "linux.resources.memory.limit", ret_error)) < 0)
                return r;
        if (m->has_swap && m->swap != 0) {
                bool max;
                uint64_t v;
                if (oci_memory_swap_to_v2(m->swap, m->has_limit ? m->limit : 0, &max, &v) < 0)
                        return json_errorf(ret_error, "%s.swap: %" PRIi64 " needs a memory.limit at most as large "
                                           "(swap is memory+swap)", f, m->swap);
                r = write_limit(dir, "memory.swap.max", max ? -1 : (int64_t) v, "linux.resources.memory.swap", ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int apply_cpu(const struct cgroup_layout *l, const char *dir, const struct oci_cpu *c, char **ret_error) {
        const char *f = "linux.resources.cpu";
        int r;
        bool wants_cpu = (c->has_shares && c->shares) || (c->has_quota && c->quota) || (c->has_period && c->period) ||
                         (c->has_burst) || (c->has_idle && c->idle);
        if (c->has_realtime_runtime && c->realtime_runtime != 0)
                return json_errorf(ret_error, "%s.realtimeRuntime: real-time CPU time cannot be limited on cgroup v2", f),
                       -EOPNOTSUPP;
        if (c->has_realtime_period && c->realtime_period != 0)
                return json_errorf(ret_error, "%s.realtimePeriod: real-time CPU time cannot be limited on cgroup v2", f),
                       -EOPNOTSUPP;
        if (wants_cpu && !on_v2(l, CG_CPU) && (r = unavailable(l, CG_CPU, f, ret_error)) < 0)
                return r;
        if (wants_cpu && on_v2(l, CG_CPU)) {
                if (c->has_shares && c->shares &&
                    (r = cg_writef(dir, "cpu.weight", "linux.resources.cpu.shares", ret_error, "%" PRIu64,
                                   oci_cpu_shares_to_weight(c->shares))) < 0)
                        return r;
                if ((c->has_quota && c->quota) || (c->has_period && c->period)) {
                        char q[32] = "max";
                        if (c->has_quota && c->quota > 0)
                                snprintf(q, sizeof q, "%" PRIi64, c->quota);
                        r = c->has_period && c->period
                                ? cg_writef(dir, "cpu.max", "linux.resources.cpu.quota", ret_error, "%s %" PRIu64, q, c->period)
                                : cg_write(dir, "cpu.max", q, "linux.resources.cpu.quota", ret_error);
                        if (r < 0)
                                return r;
                }
                if (c->has_burst &&
                    (r = cg_writef(dir, "cpu.max.burst", "linux.resources.cpu.burst", ret_error, "%" PRIu64, c->burst)) < 0)
                        return r;
                if (c->has_idle &&
                    (r = cg_writef(dir, "cpu.idle", "linux.resources.cpu.idle", ret_error, "%" PRIi64, c->idle)) < 0)
                        return r;
        }
        if ((c->cpus || c->mems) && !on_v2(l, CG_CPUSET))
                return unavailable(l, CG_CPUSET, "linux.resources.cpu.cpus", ret_error);
        if (c->cpus && on_v2(l, CG_CPUSET) &&
            (r = cg_write(dir, "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", ret_error)) < 0)
                return r;
        if (c->mems && on_v2(l, CG_CPUSET) &&
            (r = cg_write(dir, "cpuset.mems", c->mems, "linux.resources.cpu.mems", ret_error)) < 0)
                return r;
        return 0;
}

static const char *const throttle_keys[_OCI_THROTTLE_MAX] = {
        [OCI_THROTTLE_READ_BPS] = "rbps", [OCI_THROTTLE_WRITE_BPS] = "wbps",
        [OCI_THROTTLE_READ_IOPS] = "riops", [OCI_THROTTLE_WRITE_IOPS] = "wiops",
};

static const char *const throttle_fields[_OCI_THROTTLE_MAX] = {
        [OCI_THROTTLE_READ_BPS] = "throttleReadBpsDevice", [OCI_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
        [OCI_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice", [OCI_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static int apply_io(const struct cgroup_layout *l, const char *dir, const struct oci_block_io *b, char **ret_error) {
        char field[128], buf[64];
        int r;
        if (!on_v2(l, CG_BLKIO))
                return unavailable(l, CG_BLKIO, "linux.resources.blockIO", ret_error);
        if (b->has_leaf_weight && b->leaf_weight)
                return json_errorf(ret_error, "linux.resources.blockIO.leafWeight: there are no leaf weights on cgroup v2"),
                       -EOPNOTSUPP;
        /* BFQ takes the v1 scale as is; without it, io.weight (1-10000) needs the conversion. */
        _cleanup_free_ char *bfq = NULL;
        bool has_bfq = cg_read(dir, "io.bfq.weight", &bfq) >= 0;
        if (b->has_weight && b->weight) {
                r = has_bfq ? cg_writef(dir, "io.bfq.weight", "linux.resources.blockIO.weight", ret_error, "%u", b->weight)
                            : cg_writef(dir, "io.weight", "linux.resources.blockIO.weight", ret_error, "default %" PRIu64,
                                        oci_blkio_weight_to_io_weight(b->weight));
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < b->n_weight_devices; i++) {
                const struct oci_weight_device *d = &b->weight_devices[i];
                snprintf(field, sizeof field, "linux.resources.blockIO.weightDevice[%zu]", i);
                if (d->has_leaf_weight && d->leaf_weight)
                        return json_errorf(ret_error, "%s.leafWeight: there are no leaf weights on cgroup v2", field),
                               -EOPNOTSUPP;
                if (!d->has_weight || !d->weight)
                        continue;
                r = has_bfq ? cg_writef(dir, "io.bfq.weight", field, ret_error, "%" PRIi64 ":%" PRIi64 " %u",
                                        d->major, d->minor, d->weight)
                            : cg_writef(dir, "io.weight", field, ret_error, "%" PRIi64 ":%" PRIi64 " %" PRIu64,
                                        d->major, d->minor, oci_blkio_weight_to_io_weight(d->weight));
                if (r < 0)
                        return r;
        }
        for (size_t k = 0; k < _OCI_THROTTLE_MAX; k++)
                for (size_t i = 0; i < b->n_throttle[k]; i++) {
                        const struct oci_throttle_device *d = &b->throttle[k][i];
                        snprintf(field, sizeof field, "linux.resources.blockIO.%s[%zu]", throttle_fields[k], i);
                        if (d->rate == 0)
                                snprintf(buf, sizeof buf, "max");
                        else
                                snprintf(buf, sizeof buf, "%" PRIu64, d->rate);
                        r = cg_writef(dir, "io.max", field, ret_error, "%" PRIi64 ":%" PRIi64 " %s=%s", d->major,
                                      d->minor, throttle_keys[k], buf);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int apply_hugetlb(const struct cgroup_layout *l, const char *dir, const struct oci_resources *res, char **ret_error) {
        char field[96], file[96];
        if (res->n_hugepage_limits == 0 || cgroup_layout_where(l, CG_HUGETLB) == 1)
                return 0;
        if (!on_v2(l, CG_HUGETLB))
                return unavailable(l, CG_HUGETLB, "linux.resources.hugepageLimits", ret_error);
        for (size_t i = 0; i < res->n_hugepage_limits; i++) {
                const struct oci_hugepage_limit *h = &res->hugepage_limits[i];
                snprintf(field, sizeof field, "linux.resources.hugepageLimits[%zu]", i);
                snprintf(file, sizeof file, "hugetlb.%s.max", h->page_size);
                int r = cg_writef(dir, file, field, ret_error, "%" PRIu64, h->limit);
                if (r == -ENOENT)
                        return json_errorf(ret_error, "%s.pageSize: this host has no %s huge pages", field, h->page_size), r;
                if (r < 0)
                        return r;
                /* Reservations too where the kernel accounts them (5.7+), as runc does. */
                snprintf(file, sizeof file, "hugetlb.%s.rsvd.max", h->page_size);
                _cleanup_free_ char *old = NULL;
                if (cg_read(dir, file, &old) >= 0 &&
                    (r = cg_writef(dir, file, field, ret_error, "%" PRIu64, h->limit)) < 0)
                        return r;
        }
        return 0;
}

static int apply_rdma(const struct cgroup_layout *l, const char *dir, const struct oci_resources *res, char **ret_error) {
        if (res->n_rdma == 0 || cgroup_layout_where(l, CG_RDMA) == 1)
                return 0;
        if (!on_v2(l, CG_RDMA))
                return unavailable(l, CG_RDMA, "linux.resources.rdma", ret_error);
        return cg_rdma_write(dir, res, ret_error);
}

int cg_rdma_write(const char *dir, const struct oci_resources *res, char **ret_error) {
        char field[300];
        for (size_t i = 0; i < res->n_rdma; i++) {
                const struct oci_rdma_limit *d = &res->rdma[i];
                char h[32] = "max", o[32] = "max";
                if (d->has_handles)
                        snprintf(h, sizeof h, "%" PRIu32, d->handles);
                if (d->has_objects)
                        snprintf(o, sizeof o, "%" PRIu32, d->objects);
                snprintf(field, sizeof field, "linux.resources.rdma.%s", d->device);
                int r = cg_writef(dir, "rdma.max", field, ret_error, "%s hca_handle=%s hca_object=%s", d->device, h, o);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* linux.resources.unified, written as given, after everything else (it may override). */
static int apply_unified(const char *dir, char **unified, char **ret_error) {
        char field[300];
        for (char **u = unified; u && u[0] && u[1]; u += 2) {
                snprintf(field, sizeof field, "linux.resources.unified.%s", u[0]);
                int r = cg_write(dir, u[0], u[1], field, ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cg_v2_apply(const struct cgroup_layout *l, const char *dir, int dir_fd, const struct oci_resources *res,
                char **ret_error) {
        int r;
        if (!res)
                return 0;
        if (res->has_memory && (r = apply_memory(l, dir, &res->memory, ret_error)) < 0)
                return r;
        if (res->has_cpu && (r = apply_cpu(l, dir, &res->cpu, ret_error)) < 0)
                return r;
        if (res->has_pids && !on_v2(l, CG_PIDS) && (r = unavailable(l, CG_PIDS, "linux.resources.pids", ret_error)) < 0)
                return r;
        if (res->has_pids && on_v2(l, CG_PIDS) && res->pids_limit != 0 &&
            (r = write_limit(dir, "pids.max", res->pids_limit, "linux.resources.pids.limit", ret_error)) < 0)
                return r;
        if (res->has_block_io && (r = apply_io(l, dir, &res->block_io, ret_error)) < 0)
                return r;
        if ((r = apply_hugetlb(l, dir, res, ret_error)) < 0 || (r = apply_rdma(l, dir, res, ret_error)) < 0)
                return r;
        if (res->has_network && (res->has_class_id || res->n_net_priorities > 0) && !l->v1[CG_NET_CLS] &&
            !l->v1[CG_NET_PRIO])
                return json_errorf(ret_error, "linux.resources.network: needs the net_cls/net_prio controllers of "
                                   "cgroup v1, which this host does not mount"), -EOPNOTSUPP;
        if (res->n_devices > 0 && !l->v1[CG_DEVICES] &&
            (r = cg_devices_ebpf_attach(dir_fd, res->devices, res->n_devices, ret_error)) < 0)
                return r;
        return apply_unified(dir, res->unified, ret_error);
}

/* The v2 controllers res needs, as a space-separated list of "+name" into buf. */
static void needed_controllers(const struct cgroup_layout *l, const struct oci_resources *res, bool all,
                               const char *available, char *buf, size_t n) {
        bool need[_CG_MAX] = {};
        if (res) {
                need[CG_MEMORY] = res->has_memory;
                need[CG_CPU] = res->has_cpu;
                need[CG_CPUSET] = res->has_cpu && (res->cpu.cpus || res->cpu.mems);
                need[CG_PIDS] = res->has_pids;
                need[CG_BLKIO] = res->has_block_io;
                need[CG_HUGETLB] = res->n_hugepage_limits > 0;
                need[CG_RDMA] = res->n_rdma > 0;
                for (char **u = res->unified; u && u[0]; u += 2)
                        for (size_t c = 0; c < _CG_MAX; c++) {
                                const char *v2 = cgroup_ctrl_v2_name(c);
                                size_t k = v2 ? strlen(v2) : 0;
                                if (v2 && strncmp(u[0], v2, k) == 0 && u[0][k] == '.')
                                        need[c] = true;
                        }
        }
        size_t pos = 0;
        buf[0] = '\0';
        for (size_t c = 0; c < _CG_MAX; c++) {
                const char *v2 = cgroup_ctrl_v2_name(c);
                if (!v2 || cgroup_layout_where(l, c) != 2 || !(need[c] || all) || !cg_list_has_word(available, v2))
                        continue;
                pos += (size_t) snprintf(buf + pos, n - pos, "%s+%s", pos ? " " : "", v2);
                if (pos >= n)
                        break;
        }
}

static bool was_created(const struct cgroup *cg, const char *dir) {
        for (char **c = cg->created; c && *c; c++)
                if (strcmp(*c, dir) == 0)
                        return true;
        return false;
}

/* Walk from the root of the cgroup2 mount down to the leaf's parent. In a directory we made, turn
 * on every controller it has (so stats and OOM events exist even without limits); in one that
 * was there, only the controllers the limits need, and only when they are off. */
int cg_v2_enable_controllers(const struct cgroup *cg, const struct oci_resources *res, char **ret_error) {
        const struct cgroup_layout *l = &cg->layout;
        _cleanup_free_ char *path = strdup(cg->path);
        if (!path)
                return -ENOMEM;
        char dir[4096], want[256];
        char *last = strrchr(path, '/');
        for (char *p = path;;) {
                char saved = *p;
                *p = '\0';
                cg_file_path(dir, sizeof dir, l->unified, path, NULL);
                *p = saved;
                _cleanup_free_ char *available = NULL, *enabled = NULL;
                int r = cg_read(dir, "cgroup.controllers", &available);
                if (r < 0)
                        return json_errorf(ret_error, "linux.cgroupsPath: %s/cgroup.controllers: %s", dir, strerror(-r)), r;
                (void) cg_read(dir, "cgroup.subtree_control", &enabled);
                needed_controllers(l, res, was_created(cg, dir), available, want, sizeof want);
                /* drop what is on already: a write to a cgroup we did not create only when needed */
                char todo[256] = "";
                size_t pos = 0;
                for (char *save = NULL, *w = strtok_r(want, " ", &save); w; w = strtok_r(NULL, " ", &save))
                        if (!enabled || !cg_list_has_word(enabled, w + 1))
                                pos += (size_t) snprintf(todo + pos, sizeof todo - pos, "%s%s", pos ? " " : "", w);
                if (*todo && (r = cg_write(dir, "cgroup.subtree_control", todo, "linux.resources", ret_error)) < 0)
                        return r;
                if (p == last)
                        break;
                p = strchr(p + 1, '/');
                if (!p)
                        break;
        }
        return 0;
}
