/* SPDX-License-Identifier: GPL-2.0-or-later
 * linux.resources JSON -> struct oci_resources (see cgroup-resources.h), and runc's unit
 * conversions from the v1-shaped spec values to cgroup v2 files. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-resources.h"
#include "cleanup.h"
#include "json-util.h"
#include "spec-internal.h"
#include "strv.h"

static int parse_access(const char *s, const char *path, unsigned *ret, char **err) {
        unsigned a = 0;
        for (const char *p = s; *p; p++) {
                unsigned bit = *p == 'r' ? OCI_DEVICE_ACCESS_READ :
                               *p == 'w' ? OCI_DEVICE_ACCESS_WRITE :
                               *p == 'm' ? OCI_DEVICE_ACCESS_MKNOD : 0;
                if (!bit || (a & bit))
                        return json_errorf(err, "%s: '%s' must be a combination of r, w and m, each once",
                                           path, s);
                a |= bit;
        }
        *ret = a ? a : OCI_DEVICE_ACCESS_ALL;
        return 0;
}

/* major/minor: absent or -1 is a wildcard; anything else must be a device number. */
static int parse_dev_number(json_t *e, const char *key, const char *path, int64_t *ret, char **err) {
        char p[512];
        *ret = -1;
        int r = json_get_int64(e, key, path, false, ret, err);
        if (r > 0 && (*ret < -1 || *ret > UINT32_MAX))
                return json_errorf(err, "%s: %" PRIi64 " is not a device number (or -1 for any)",
                                   json_path_key(p, sizeof p, path, key), *ret);
        return r < 0 ? r : 0;
}

static int parse_device_rule(json_t *e, const char *path, void *slot, char **err) {
        struct oci_device_rule *d = slot;
        _cleanup_free_ char *type = NULL, *access = NULL;
        char p[512];
        int r;
        if ((r = json_get_bool(e, "allow", path, true, &d->allow, err)) < 0 ||
            (r = json_get_string(e, "type", path, false, &type, err)) < 0 ||
            (r = parse_dev_number(e, "major", path, &d->major, err)) < 0 ||
            (r = parse_dev_number(e, "minor", path, &d->minor, err)) < 0 ||
            (r = json_get_string(e, "access", path, false, &access, err)) < 0)
                return r;
        d->type = 'a';
        if (type) {
                if (strlen(type) != 1 || !strchr("acb", type[0]))
                        return json_errorf(err, "%s: '%s' must be \"a\", \"c\" or \"b\"",
                                           json_path_key(p, sizeof p, path, "type"), type);
                d->type = type[0];
        }
        return parse_access(access ? access : "", json_path_key(p, sizeof p, path, "access"), &d->access, err);
}

/* A memory value: bytes, or -1 for unlimited. */
static int get_memory(json_t *o, const char *key, const char *path, bool *has, int64_t *ret, char **err) {
        char p[512];
        int r = json_get_int64(o, key, path, false, ret, err);
        if (r > 0 && *ret < -1)
                return json_errorf(err, "%s: %" PRIi64 " must be a number of bytes or -1 (unlimited)",
                                   json_path_key(p, sizeof p, path, key), *ret);
        if (r > 0)
                *has = true;
        return r < 0 ? r : 0;
}

static int parse_memory(json_t *j, const char *path, struct oci_memory *m, char **err) {
        char p[512];
        int r;
        if ((r = get_memory(j, "limit", path, &m->has_limit, &m->limit, err)) < 0 ||
            (r = get_memory(j, "reservation", path, &m->has_reservation, &m->reservation, err)) < 0 ||
            (r = get_memory(j, "swap", path, &m->has_swap, &m->swap, err)) < 0 ||
            (r = get_memory(j, "kernel", path, &m->has_kernel, &m->kernel, err)) < 0 ||
            (r = get_memory(j, "kernelTCP", path, &m->has_kernel_tcp, &m->kernel_tcp, err)) < 0)
                return r;
        if ((r = json_get_uint64(j, "swappiness", path, false, &m->swappiness, err)) < 0)
                return r;
        m->has_swappiness = r > 0;
        if (m->has_swappiness && m->swappiness > 100)
                return json_errorf(err, "%s: %" PRIu64 " is out of range [0, 100]",
                                   json_path_key(p, sizeof p, path, "swappiness"), m->swappiness);
        if ((r = json_get_bool(j, "disableOOMKiller", path, false, &m->disable_oom_killer, err)) < 0)
                return r;
        m->has_disable_oom_killer = r > 0;
        if ((r = json_get_bool(j, "useHierarchy", path, false, &m->use_hierarchy, err)) < 0)
                return r;
        m->has_use_hierarchy = r > 0;
        if ((r = json_get_bool(j, "checkBeforeUpdate", path, false, &m->check_before_update, err)) < 0)
                return r;
        m->has_check_before_update = r > 0;
        if (m->has_limit && m->has_swap && m->limit > 0 && m->swap > 0 && m->swap < m->limit)
                return json_errorf(err, "%s.swap: %" PRIi64 " is below memory.limit %" PRIi64
                                   " (swap is memory+swap)", path, m->swap, m->limit);
        return 0;
}

/* A cpuset list ("0-3,7"): digits, commas, dashes, ascending ranges. */
static int check_cpu_list(const char *s, const char *path, char **err) {
        const char *p = s;
        while (*p) {
                char *end;
                unsigned long a = strtoul(p, &end, 10), b = a;
                if (end == p || *p == '-' || *p == '+')
                        return json_errorf(err, "%s: '%s' is not a list like \"0-3,7\"", path, s);
                p = end;
                if (*p == '-') {
                        p++;
                        b = strtoul(p, &end, 10);
                        if (end == p || *p == '-' || *p == '+' || b < a)
                                return json_errorf(err, "%s: '%s' is not a list like \"0-3,7\"", path, s);
                        p = end;
                }
                if (*p == ',' && p[1])
                        p++;
                else if (*p)
                        return json_errorf(err, "%s: '%s' is not a list like \"0-3,7\"", path, s);
        }
        return 0;
}

static int parse_cpu(json_t *j, const char *path, struct oci_cpu *c, char **err) {
        char p[512];
        int r;
#define GET(fn, key, has, field)                                                         \
        do {                                                                             \
                if ((r = fn(j, key, path, false, &c->field, err)) < 0)                  \
                        return r;                                                        \
                c->has = r > 0;                                                          \
        } while (0)
        GET(json_get_uint64, "shares", has_shares, shares);
        GET(json_get_int64, "quota", has_quota, quota);
        GET(json_get_uint64, "burst", has_burst, burst);
        GET(json_get_uint64, "period", has_period, period);
        GET(json_get_int64, "realtimeRuntime", has_realtime_runtime, realtime_runtime);
        GET(json_get_uint64, "realtimePeriod", has_realtime_period, realtime_period);
        GET(json_get_int64, "idle", has_idle, idle);
#undef GET
        if (c->has_shares && c->shares != 0 && (c->shares < 2 || c->shares > 262144))
                return json_errorf(err, "%s: %" PRIu64 " is out of range [2, 262144]",
                                   json_path_key(p, sizeof p, path, "shares"), c->shares);
        if (c->has_quota && c->quota < -1)
                return json_errorf(err, "%s: %" PRIi64 " must be > 0 or -1 (unlimited)",
                                   json_path_key(p, sizeof p, path, "quota"), c->quota);
        if (c->has_period && c->period != 0 && (c->period < 1000 || c->period > 1000000))
                return json_errorf(err, "%s: %" PRIu64 " is out of range [1000, 1000000] (µs)",
                                   json_path_key(p, sizeof p, path, "period"), c->period);
        if (c->has_idle && c->idle != 0 && c->idle != 1)
                return json_errorf(err, "%s: %" PRIi64 " must be 0 or 1",
                                   json_path_key(p, sizeof p, path, "idle"), c->idle);
        if ((r = json_get_string(j, "cpus", path, false, &c->cpus, err)) < 0 ||
            (c->cpus && (r = check_cpu_list(c->cpus, json_path_key(p, sizeof p, path, "cpus"), err)) < 0) ||
            (r = json_get_string(j, "mems", path, false, &c->mems, err)) < 0 ||
            (c->mems && (r = check_cpu_list(c->mems, json_path_key(p, sizeof p, path, "mems"), err)) < 0))
                return r;
        return 0;
}

static int get_blkio_weight(json_t *o, const char *key, const char *path, bool *has, uint16_t *ret,
                            char **err) {
        char p[512];
        uint32_t w = 0;
        int r = json_get_uint32(o, key, path, false, &w, err);
        if (r <= 0)
                return r;
        if (w != 0 && (w < 10 || w > 1000))
                return json_errorf(err, "%s: %u is out of range [10, 1000]",
                                   json_path_key(p, sizeof p, path, key), w);
        *has = true;
        *ret = (uint16_t) w;
        return 0;
}

static int parse_block_device(json_t *e, const char *path, int64_t *major, int64_t *minor, char **err) {
        char p[512];
        int r;
        if ((r = json_get_int64(e, "major", path, true, major, err)) < 0 ||
            (r = json_get_int64(e, "minor", path, true, minor, err)) < 0)
                return r;
        if (*major < 0 || *major > UINT32_MAX)
                return json_errorf(err, "%s: %" PRIi64 " is not a device number",
                                   json_path_key(p, sizeof p, path, "major"), *major);
        if (*minor < 0 || *minor > UINT32_MAX)
                return json_errorf(err, "%s: %" PRIi64 " is not a device number",
                                   json_path_key(p, sizeof p, path, "minor"), *minor);
        return 0;
}

static int parse_weight_device(json_t *e, const char *path, void *slot, char **err) {
        struct oci_weight_device *d = slot;
        int r;
        if ((r = parse_block_device(e, path, &d->major, &d->minor, err)) < 0 ||
            (r = get_blkio_weight(e, "weight", path, &d->has_weight, &d->weight, err)) < 0 ||
            (r = get_blkio_weight(e, "leafWeight", path, &d->has_leaf_weight, &d->leaf_weight, err)) < 0)
                return r;
        return 0;
}

static int parse_throttle_device(json_t *e, const char *path, void *slot, char **err) {
        struct oci_throttle_device *d = slot;
        int r;
        if ((r = parse_block_device(e, path, &d->major, &d->minor, err)) < 0 ||
            (r = json_get_uint64(e, "rate", path, true, &d->rate, err)) < 0)
                return r;
        return 0;
}

static int parse_block_io(json_t *j, const char *path, struct oci_block_io *b, char **err) {
        static const char *const keys[_OCI_THROTTLE_MAX] = {
                [OCI_THROTTLE_READ_BPS] = "throttleReadBpsDevice",
                [OCI_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
                [OCI_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
                [OCI_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
        };
        int r;
        if ((r = get_blkio_weight(j, "weight", path, &b->has_weight, &b->weight, err)) < 0 ||
            (r = get_blkio_weight(j, "leafWeight", path, &b->has_leaf_weight, &b->leaf_weight, err)) < 0 ||
            (r = spec_parse_object_array(j, "weightDevice", path, sizeof(struct oci_weight_device),
                                         parse_weight_device, (void **) &b->weight_devices,
                                         &b->n_weight_devices, err)) < 0)
                return r;
        for (size_t k = 0; k < _OCI_THROTTLE_MAX; k++)
                if ((r = spec_parse_object_array(j, keys[k], path, sizeof(struct oci_throttle_device),
                                                 parse_throttle_device, (void **) &b->throttle[k],
                                                 &b->n_throttle[k], err)) < 0)
                        return r;
        return 0;
}

int oci_hugepage_size_parse(const char *s, uint64_t *ret) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(s, &end, 10);
        if (end == s || errno || n == 0 || *s == '-' || *s == '+')
                return -EINVAL;
        uint64_t mult = strcmp(end, "KB") == 0 ? 1ULL << 10 : strcmp(end, "MB") == 0 ? 1ULL << 20 :
                        strcmp(end, "GB") == 0 ? 1ULL << 30 : 0;
        if (!mult || n > UINT64_MAX / mult || ((n * mult) & (n * mult - 1)))
                return -EINVAL;
        *ret = n * mult;
        return 0;
}

static int parse_hugepage(json_t *e, const char *path, void *slot, char **err) {
        struct oci_hugepage_limit *h = slot;
        char p[512];
        uint64_t size;
        int r;
        if ((r = json_get_string(e, "pageSize", path, true, &h->page_size, err)) < 0 ||
            (r = json_get_uint64(e, "limit", path, true, &h->limit, err)) < 0)
                return r;
        if (oci_hugepage_size_parse(h->page_size, &size) < 0)
                return json_errorf(err, "%s: '%s' is not a page size like \"2MB\" or \"1GB\"",
                                   json_path_key(p, sizeof p, path, "pageSize"), h->page_size);
        return 0;
}

static int parse_net_priority(json_t *e, const char *path, void *slot, char **err) {
        struct oci_net_priority *n = slot;
        int r;
        if ((r = json_get_string(e, "name", path, true, &n->name, err)) < 0 ||
            (r = json_get_uint32(e, "priority", path, true, &n->priority, err)) < 0)
                return r;
        return 0;
}

static int parse_network(json_t *j, const char *path, struct oci_resources *res, char **err) {
        int r = json_get_uint32(j, "classID", path, false, &res->class_id, err);
        if (r < 0)
                return r;
        res->has_class_id = r > 0;
        r = spec_parse_object_array(j, "priorities", path, sizeof(struct oci_net_priority), parse_net_priority,
                                    (void **) &res->net_priorities, &res->n_net_priorities, err);
        return r < 0 ? r : 0;
}

static int parse_rdma(json_t *j, const char *path, struct oci_resources *res, char **err) {
        char p[512];
        const char *key;
        json_t *v;
        size_t n = json_object_size(j);
        res->rdma = calloc(n ? n : 1, sizeof *res->rdma);
        if (!res->rdma)
                return -ENOMEM;
        json_object_foreach(j, key, v) {
                struct oci_rdma_limit *l = &res->rdma[res->n_rdma++];
                json_path_key(p, sizeof p, path, key);
                if (!(l->device = strdup(key)))
                        return -ENOMEM;
                if (!json_is_object(v))
                        return json_errorf(err, "%s: must be an object", p);
                int r = json_get_uint32(v, "hcaHandles", p, false, &l->handles, err);
                if (r < 0)
                        return r;
                l->has_handles = r > 0;
                r = json_get_uint32(v, "hcaObjects", p, false, &l->objects, err);
                if (r < 0)
                        return r;
                l->has_objects = r > 0;
        }
        return 0;
}

/* linux.resources.unified: cgroup v2 file names to values, written as given. A name must be
 * "<controller>.<file>" without a slash, so it cannot leave the container's cgroup. */
static int parse_unified(json_t *j, const char *path, struct oci_resources *res, char **err) {
        char p[512];
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v) {
                json_path_key(p, sizeof p, path, key);
                const char *dot = strchr(key, '.');
                if (!dot || dot == key || !dot[1] || strchr(key, '/'))
                        return json_errorf(err, "%s: not a cgroup v2 file name like \"memory.high\"", p);
                if (!json_is_string(v))
                        return json_errorf(err, "%s: must be a string", p);
                if (strv_extend(&res->unified, key) < 0 || strv_extend(&res->unified, json_string_value(v)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Get the object member key into *ret (borrowed); 1 when present. */
static int section(json_t *j, const char *key, const char *path, json_t **ret, char *kp, size_t n, char **err) {
        json_path_key(kp, n, path, key);
        return json_get_object(j, key, path, false, ret, err);
}

int oci_resources_parse(json_t *j, const char *path, struct oci_resources **ret, char **err) {
        struct oci_resources *res = calloc(1, sizeof *res);
        char kp[256];
        json_t *o = NULL;
        int r;
        if (!res)
                return -ENOMEM;
        if ((r = spec_parse_object_array(j, "devices", path, sizeof(struct oci_device_rule), parse_device_rule,
                                         (void **) &res->devices, &res->n_devices, err)) < 0)
                goto fail;
        if ((r = section(j, "memory", path, &o, kp, sizeof kp, err)) > 0) {
                res->has_memory = true;
                r = parse_memory(o, kp, &res->memory, err);
        }
        if (r < 0)
                goto fail;
        if ((r = section(j, "cpu", path, &o, kp, sizeof kp, err)) > 0) {
                res->has_cpu = true;
                r = parse_cpu(o, kp, &res->cpu, err);
        }
        if (r < 0)
                goto fail;
        if ((r = section(j, "pids", path, &o, kp, sizeof kp, err)) > 0) {
                res->has_pids = true;
                r = json_get_int64(o, "limit", kp, true, &res->pids_limit, err);
        }
        if (r < 0)
                goto fail;
        if ((r = section(j, "blockIO", path, &o, kp, sizeof kp, err)) > 0) {
                res->has_block_io = true;
                r = parse_block_io(o, kp, &res->block_io, err);
        }
        if (r < 0)
                goto fail;
        if ((r = spec_parse_object_array(j, "hugepageLimits", path, sizeof(struct oci_hugepage_limit),
                                         parse_hugepage, (void **) &res->hugepage_limits,
                                         &res->n_hugepage_limits, err)) < 0)
                goto fail;
        if ((r = section(j, "network", path, &o, kp, sizeof kp, err)) > 0) {
                res->has_network = true;
                r = parse_network(o, kp, res, err);
        }
        if (r < 0)
                goto fail;
        if ((r = section(j, "rdma", path, &o, kp, sizeof kp, err)) > 0)
                r = parse_rdma(o, kp, res, err);
        if (r < 0)
                goto fail;
        if ((r = section(j, "unified", path, &o, kp, sizeof kp, err)) > 0)
                r = parse_unified(o, kp, res, err);
        if (r < 0)
                goto fail;
        *ret = res;
        return 0;
fail:
        oci_resources_free(res);
        return r;
}

void oci_resources_free(struct oci_resources *r) {
        if (!r)
                return;
        free(r->devices);
        free(r->cpu.cpus);
        free(r->cpu.mems);
        free(r->block_io.weight_devices);
        for (size_t k = 0; k < _OCI_THROTTLE_MAX; k++)
                free(r->block_io.throttle[k]);
        for (size_t i = 0; i < r->n_hugepage_limits; i++)
                free(r->hugepage_limits[i].page_size);
        free(r->hugepage_limits);
        for (size_t i = 0; i < r->n_net_priorities; i++)
                free(r->net_priorities[i].name);
        free(r->net_priorities);
        for (size_t i = 0; i < r->n_rdma; i++)
                free(r->rdma[i].device);
        free(r->rdma);
        strv_free(r->unified);
        free(r);
}

uint64_t oci_cpu_shares_to_weight(uint64_t shares) {
        if (shares == 0)
                return 0;
        return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t oci_blkio_weight_to_io_weight(uint64_t weight) {
        if (weight == 0)
                return 0;
        return 1 + (weight - 10) * 9999 / 990;
}

int oci_memory_swap_to_v2(int64_t swap, int64_t limit, bool *ret_max, uint64_t *ret) {
        if (swap == -1) {
                *ret_max = true;
                *ret = 0;
                return 0;
        }
        if (limit <= 0)         /* no memory limit: memory+swap means nothing */
                return -EINVAL;
        if (swap < limit)
                return -EINVAL;
        *ret_max = false;
        *ret = (uint64_t) (swap - limit);
        return 0;
}
