/* SPDX-License-Identifier: GPL-2.0-or-later
 * linux.resources of config.json as typed structs (runtime-spec config-linux.md, "Control
 * groups"). oci_resources_parse() checks types and ranges and reports the first bad field by its
 * JSON path ("linux.resources.memory.limit: must be an integer"); whether this host can enforce
 * a value is decided later, by the cgroup manager that applies it (cgroup-v2.c, cgroup-v1.c).
 * Optional scalars come with a has_ flag; "-1" keeps its runtime-spec meaning (unlimited). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* linux.resources.devices[]: a cgroup device rule. */
struct oci_device_rule {
        bool allow;
        char type;              /* 'a' (all), 'c', 'b' */
        int64_t major, minor;   /* -1: any */
        unsigned access;        /* OCI_DEVICE_ACCESS_* */
};

enum {
        OCI_DEVICE_ACCESS_READ  = 1 << 0,
        OCI_DEVICE_ACCESS_WRITE = 1 << 1,
        OCI_DEVICE_ACCESS_MKNOD = 1 << 2,
        OCI_DEVICE_ACCESS_ALL   = 7,
};

struct oci_memory {
        bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness,
                has_disable_oom_killer, has_use_hierarchy, has_check_before_update;
        int64_t limit, reservation, swap, kernel, kernel_tcp;   /* bytes; -1 unlimited */
        uint64_t swappiness;                                    /* 0-100 */
        bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct oci_cpu {
        bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
                has_realtime_period, has_idle;
        uint64_t shares;                /* v1 weight, 2-262144 */
        int64_t quota;                  /* µs per period; -1 unlimited */
        uint64_t burst, period;         /* µs */
        int64_t realtime_runtime;
        uint64_t realtime_period;
        int64_t idle;                   /* 0 or 1 (cpu.idle) */
        char *cpus, *mems;              /* cpuset lists, or NULL */
};

struct oci_weight_device {
        int64_t major, minor;
        bool has_weight, has_leaf_weight;
        uint16_t weight, leaf_weight;
};

struct oci_throttle_device {
        int64_t major, minor;
        uint64_t rate;
};

enum oci_throttle_kind {
        OCI_THROTTLE_READ_BPS,
        OCI_THROTTLE_WRITE_BPS,
        OCI_THROTTLE_READ_IOPS,
        OCI_THROTTLE_WRITE_IOPS,
        _OCI_THROTTLE_MAX,
};

struct oci_block_io {
        bool has_weight, has_leaf_weight;
        uint16_t weight, leaf_weight;   /* 10-1000 (v1 blkio scale) */
        struct oci_weight_device *weight_devices;
        size_t n_weight_devices;
        struct oci_throttle_device *throttle[_OCI_THROTTLE_MAX];
        size_t n_throttle[_OCI_THROTTLE_MAX];
};

struct oci_hugepage_limit {
        char *page_size;                /* "2MB", "1GB", "64KB" */
        uint64_t limit;                 /* bytes */
};

struct oci_rdma_limit {
        char *device;
        bool has_handles, has_objects;
        uint32_t handles, objects;
};

struct oci_net_priority {
        char *name;
        uint32_t priority;
};

struct oci_resources {
        struct oci_device_rule *devices;
        size_t n_devices;
        bool has_memory, has_cpu, has_pids, has_block_io, has_network;
        struct oci_memory memory;
        struct oci_cpu cpu;
        int64_t pids_limit;             /* <= 0: unlimited (runc) */
        struct oci_block_io block_io;
        struct oci_hugepage_limit *hugepage_limits;
        size_t n_hugepage_limits;
        bool has_class_id;
        uint32_t class_id;              /* network.classID */
        struct oci_net_priority *net_priorities;
        size_t n_net_priorities;
        struct oci_rdma_limit *rdma;
        size_t n_rdma;
        char **unified;                 /* key, value, key, value, ... NULL */
};

/* Parse the linux.resources object j (path: its JSON path, "linux.resources"). */
int oci_resources_parse(json_t *j, const char *path, struct oci_resources **ret, char **err);
void oci_resources_free(struct oci_resources *r);

/* runc's conversions to cgroup v2 values (libcontainer/cgroups/utils.go). */
/* cpu.shares [2, 262144] -> cpu.weight [1, 10000]; 0 stays 0 (not set). */
uint64_t oci_cpu_shares_to_weight(uint64_t shares);
/* blkio.weight [10, 1000] -> io.weight [1, 10000]; 0 stays 0. */
uint64_t oci_blkio_weight_to_io_weight(uint64_t weight);
/* memory.swap (memory+swap, -1 unlimited) -> memory.swap.max. Returns 0 with *ret_max true
 * for "max", -EINVAL when the pair cannot be expressed (swap below limit, swap without limit). */
int oci_memory_swap_to_v2(int64_t swap, int64_t limit, bool *ret_max, uint64_t *ret);
/* A hugepage size as the spec writes it ("2MB", "1GB") in bytes; -EINVAL on junk. */
int oci_hugepage_size_parse(const char *s, uint64_t *ret);
