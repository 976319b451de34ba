/* SPDX-License-Identifier: GPL-2.0-or-later
 * cgroup-resources.c (linux.resources parsing, its error messages, runc's v2 conversions) and
 * cgroup-layout.c (hierarchies from mountinfo fixtures, cgroupsPath resolution). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "fileio.h"
#include "json-util.h"

static json_t *load(const char *text) {
        json_t *j = NULL;
        char *err = NULL;
        cr_assert_eq(json_load_text(text, strlen(text), "t.json", &j, &err), 0, "%s", err);
        return j;
}

static char *fixture(const char *name) {
        char path[512], *text = NULL;
        snprintf(path, sizeof path, "%s/cgroup/%s", FIXTURES_DIR, name);
        cr_assert_geq(read_full_file_at(AT_FDCWD, path, &text, NULL), 0, "read %s", path);
        return text;
}

Test(cgroup_resources, full) {
        char *text = fixture("resources-full.json"), *err = NULL;
        json_t *j = load(text);
        struct oci_resources *r = NULL;
        cr_assert_eq(oci_resources_parse(j, "linux.resources", &r, &err), 0, "%s", err);
        cr_assert_eq(r->n_devices, 3);
        cr_assert(!r->devices[0].allow);
        cr_assert_eq(r->devices[0].type, 'a');
        cr_assert_eq(r->devices[0].major, -1);
        cr_assert_eq(r->devices[0].access, OCI_DEVICE_ACCESS_ALL);
        cr_assert_eq(r->devices[1].type, 'c');
        cr_assert_eq(r->devices[1].minor, 200);
        cr_assert_eq(r->devices[1].access, OCI_DEVICE_ACCESS_READ | OCI_DEVICE_ACCESS_WRITE);
        cr_assert_eq(r->devices[2].minor, -1);
        cr_assert(r->has_memory && r->memory.has_limit && r->memory.limit == 536870912);
        cr_assert(r->memory.has_swappiness && r->memory.swappiness == 10);
        cr_assert(r->memory.has_disable_oom_killer && !r->memory.disable_oom_killer);
        cr_assert(!r->memory.has_kernel);
        cr_assert(r->cpu.has_shares && r->cpu.shares == 1024);
        cr_assert(r->cpu.has_quota && r->cpu.quota == 50000);
        cr_assert_str_eq(r->cpu.cpus, "0-3,7");
        cr_assert(r->cpu.has_idle && r->cpu.idle == 1);
        cr_assert(r->has_pids && r->pids_limit == 100);
        cr_assert(r->block_io.has_weight && r->block_io.weight == 500);
        cr_assert_eq(r->block_io.n_weight_devices, 1);
        cr_assert_eq(r->block_io.n_throttle[OCI_THROTTLE_READ_BPS], 1);
        cr_assert_eq(r->block_io.throttle[OCI_THROTTLE_READ_BPS][0].rate, 1048576);
        cr_assert_eq(r->block_io.n_throttle[OCI_THROTTLE_WRITE_IOPS], 1);
        cr_assert_eq(r->block_io.throttle[OCI_THROTTLE_WRITE_IOPS][0].minor, 16);
        cr_assert_eq(r->block_io.n_throttle[OCI_THROTTLE_WRITE_BPS], 0);
        cr_assert_eq(r->n_hugepage_limits, 1);
        cr_assert_str_eq(r->hugepage_limits[0].page_size, "2MB");
        cr_assert(r->has_class_id && r->class_id == 1048577);
        cr_assert_eq(r->n_net_priorities, 1);
        cr_assert_eq(r->n_rdma, 1);
        cr_assert_str_eq(r->rdma[0].device, "mlx5_1");
        cr_assert(r->rdma[0].has_objects && r->rdma[0].objects == 10000);
        cr_assert_str_eq(r->unified[0], "memory.high");
        cr_assert_str_eq(r->unified[1], "400000000");
        cr_assert_str_eq(r->unified[2], "io.latency");
        cr_assert_null(r->unified[4]);
        oci_resources_free(r);
        json_decref(j);
        free(text);
}

Test(cgroup_resources, bad_input) {
        static const struct {
                const char *json;
                const char *error;
        } cases[] = {
                { "{\"memory\": {\"limit\": \"1G\"}}", "linux.resources.memory.limit: must be an integer" },
                { "{\"memory\": {\"limit\": -2}}",
                  "linux.resources.memory.limit: -2 must be a number of bytes or -1 (unlimited)" },
                { "{\"memory\": {\"limit\": 100, \"swap\": 50}}",
                  "linux.resources.memory.swap: 50 is below memory.limit 100 (swap is memory+swap)" },
                { "{\"memory\": {\"swappiness\": 101}}", "linux.resources.memory.swappiness: 101 is out of range [0, 100]" },
                { "{\"memory\": []}", "linux.resources.memory: must be an object" },
                { "{\"cpu\": {\"shares\": 1}}", "linux.resources.cpu.shares: 1 is out of range [2, 262144]" },
                { "{\"cpu\": {\"quota\": -5}}", "linux.resources.cpu.quota: -5 must be > 0 or -1 (unlimited)" },
                { "{\"cpu\": {\"period\": 10}}", "linux.resources.cpu.period: 10 is out of range [1000, 1000000] (µs)" },
                { "{\"cpu\": {\"idle\": 2}}", "linux.resources.cpu.idle: 2 must be 0 or 1" },
                { "{\"cpu\": {\"cpus\": \"3-1\"}}", "linux.resources.cpu.cpus: '3-1' is not a list like \"0-3,7\"" },
                { "{\"cpu\": {\"cpus\": \"0,,1\"}}", "linux.resources.cpu.cpus: '0,,1' is not a list like \"0-3,7\"" },
                { "{\"cpu\": {\"mems\": \"a\"}}", "linux.resources.cpu.mems: 'a' is not a list like \"0-3,7\"" },
                { "{\"devices\": [{\"access\": \"rwm\"}]}", "linux.resources.devices[0].allow: required" },
                { "{\"devices\": [{\"allow\": true, \"type\": \"x\"}]}",
                  "linux.resources.devices[0].type: 'x' must be \"a\", \"c\" or \"b\"" },
                { "{\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}",
                  "linux.resources.devices[0].access: 'rwx' must be a combination of r, w and m, each once" },
                { "{\"devices\": [{\"allow\": true, \"access\": \"rr\"}]}",
                  "linux.resources.devices[0].access: 'rr' must be a combination of r, w and m, each once" },
                { "{\"devices\": [{\"allow\": true, \"major\": -7}]}",
                  "linux.resources.devices[0].major: -7 is not a device number (or -1 for any)" },
                { "{\"devices\": {}}", "linux.resources.devices: must be an array" },
                { "{\"pids\": {}}", "linux.resources.pids.limit: required" },
                { "{\"blockIO\": {\"weight\": 5}}", "linux.resources.blockIO.weight: 5 is out of range [10, 1000]" },
                { "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 8, \"rate\": 1}]}}",
                  "linux.resources.blockIO.throttleReadBpsDevice[0].minor: required" },
                { "{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": -1}]}}",
                  "linux.resources.blockIO.weightDevice[0].minor: -1 is not a device number" },
                { "{\"hugepageLimits\": [{\"pageSize\": \"3MB\", \"limit\": 1}]}",
                  "linux.resources.hugepageLimits[0].pageSize: '3MB' is not a page size like \"2MB\" or \"1GB\"" },
                { "{\"hugepageLimits\": [{\"pageSize\": \"2MB\"}]}", "linux.resources.hugepageLimits[0].limit: required" },
                { "{\"rdma\": {\"mlx\": 3}}", "linux.resources.rdma.mlx: must be an object" },
                { "{\"unified\": {\"memory/../x\": \"1\"}}",
                  "linux.resources.unified.memory/../x: not a cgroup v2 file name like \"memory.high\"" },
                { "{\"unified\": {\"cgroup\": \"1\"}}",
                  "linux.resources.unified.cgroup: not a cgroup v2 file name like \"memory.high\"" },
                { "{\"unified\": {\"memory.high\": 5}}", "linux.resources.unified.memory.high: must be a string" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                json_t *j = load(cases[i].json);
                struct oci_resources *r = NULL;
                char *err = NULL;
                cr_assert_eq(oci_resources_parse(j, "linux.resources", &r, &err), -EINVAL, "case %zu", i);
                cr_assert_null(r);
                cr_assert_str_eq(err, cases[i].error, "case %zu", i);
                free(err);
                json_decref(j);
        }
}

Test(cgroup_resources, conversions) {
        cr_assert_eq(oci_cpu_shares_to_weight(0), 0);
        cr_assert_eq(oci_cpu_shares_to_weight(2), 1);
        cr_assert_eq(oci_cpu_shares_to_weight(512), 20);
        cr_assert_eq(oci_cpu_shares_to_weight(1024), 39);
        cr_assert_eq(oci_cpu_shares_to_weight(262144), 10000);
        cr_assert_eq(oci_blkio_weight_to_io_weight(0), 0);
        cr_assert_eq(oci_blkio_weight_to_io_weight(10), 1);
        cr_assert_eq(oci_blkio_weight_to_io_weight(500), 4950);
        cr_assert_eq(oci_blkio_weight_to_io_weight(1000), 10000);
        bool max = false;
        uint64_t v = 0;
        cr_assert_eq(oci_memory_swap_to_v2(-1, 100, &max, &v), 0);
        cr_assert(max);
        cr_assert_eq(oci_memory_swap_to_v2(300, 100, &max, &v), 0);
        cr_assert(!max);
        cr_assert_eq(v, 200);
        cr_assert_eq(oci_memory_swap_to_v2(50, 100, &max, &v), -EINVAL);
        cr_assert_eq(oci_memory_swap_to_v2(100, 0, &max, &v), -EINVAL);
        cr_assert_eq(oci_hugepage_size_parse("2MB", &v), 0);
        cr_assert_eq(v, 2 << 20);
        cr_assert_eq(oci_hugepage_size_parse("1GB", &v), 0);
        cr_assert_eq(v, 1 << 30);
        cr_assert_eq(oci_hugepage_size_parse("64KB", &v), 0);
        cr_assert_eq(oci_hugepage_size_parse("2M", &v), -EINVAL);
        cr_assert_eq(oci_hugepage_size_parse("0MB", &v), -EINVAL);
        cr_assert_eq(oci_hugepage_size_parse("-2MB", &v), -EINVAL);
}

Test(cgroup_path, resolve) {
        static const struct {
                const char *in, *out, *error;
        } cases[] = {
                { NULL, "/husk/c1", NULL },
                { "", "/husk/c1", NULL },
                { "pods/c1", "/pods/c1", NULL },
                { "/kubepods/burstable/pod1/c1/", "/kubepods/burstable/pod1/c1", NULL },
                { "/", NULL, "linux.cgroupsPath: '/' names the root cgroup" },
                { "/a/../b", NULL, "linux.cgroupsPath: '/a/../b': empty, '.' or '..' component" },
                { "a//b", NULL, "linux.cgroupsPath: 'a//b': empty, '.' or '..' component" },
                { "/a/./b", NULL, "linux.cgroupsPath: '/a/./b': empty, '.' or '..' component" },
                { "system.slice:husk:c1", NULL,
                  "linux.cgroupsPath: 'system.slice:husk:c1' is systemd's \"slice:prefix:name\" form, "
                  "which needs --cgroup-manager systemd" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char *p = NULL, *err = NULL;
                int r = cgroup_path_resolve(cases[i].in, "c1", &p, &err);
                if (cases[i].out) {
                        cr_assert_eq(r, 0, "case %zu: %s", i, err);
                        cr_assert_str_eq(p, cases[i].out, "case %zu", i);
                } else {
                        cr_assert_eq(r, -EINVAL, "case %zu", i);
                        cr_assert_str_eq(err, cases[i].error, "case %zu", i);
                }
                free(p);
                free(err);
        }
}

Test(cgroup_path, manager_names) {
        enum cgroup_manager m;
        cr_assert_eq(cgroup_manager_from_string(NULL, &m), 0);
        cr_assert_eq(m, CGROUP_MANAGER_CGROUPFS);
        cr_assert_eq(cgroup_manager_from_string("disabled", &m), 0);
        cr_assert_eq(m, CGROUP_MANAGER_DISABLED);
        cr_assert_eq(cgroup_manager_from_string("systemd", &m), 0);
        cr_assert_eq(m, CGROUP_MANAGER_SYSTEMD);
        cr_assert_eq(cgroup_manager_from_string("cgroupfs2", &m), -EINVAL);
}

Test(cgroup_layout, hybrid) {
        char *text = fixture("mountinfo-hybrid");
        struct cgroup_layout l = {};
        cr_assert_eq(cgroup_layout_parse(text, false, &l), 0);
        cr_assert_eq(l.version, HUSK_CGROUP_HYBRID);
        cr_assert_str_eq(l.unified, "/sys/fs/cgroup/unified");
        cr_assert_str_eq(l.v1[CG_MEMORY], "/sys/fs/cgroup/memory");
        cr_assert_str_eq(l.v1[CG_BLKIO], "/sys/fs/cgroup/blkio");
        cr_assert_null(l.v1[CG_HUGETLB]);
        l.v2_controllers = strdup("hugetlb");
        cr_assert_eq(cgroup_layout_where(&l, CG_MEMORY), 1);
        cr_assert_eq(cgroup_layout_where(&l, CG_HUGETLB), 2);
        cr_assert_eq(cgroup_layout_where(&l, CG_DEVICES), 1);
        cr_assert_eq(cgroup_layout_where(&l, CG_NET_CLS), 0);
        cr_assert_eq(cgroup_layout_where(&l, CG_RDMA), 0);
        cgroup_layout_done(&l);
        free(text);
}

Test(cgroup_layout, pure_v2) {
        char *text = fixture("mountinfo-v2");
        struct cgroup_layout l = {};
        cr_assert_eq(cgroup_layout_parse(text, false, &l), 0);
        cr_assert_eq(l.version, HUSK_CGROUP_V2);
        cr_assert_str_eq(l.unified, "/sys/fs/cgroup");
        l.v2_controllers = strdup("cpuset cpu io memory pids");
        cr_assert_eq(cgroup_layout_where(&l, CG_MEMORY), 2);
        cr_assert_eq(cgroup_layout_where(&l, CG_BLKIO), 2);
        cr_assert_eq(cgroup_layout_where(&l, CG_DEVICES), 2);
        cr_assert_eq(cgroup_layout_where(&l, CG_FREEZER), 2);
        cr_assert_eq(cgroup_layout_where(&l, CG_HUGETLB), 0);
        cr_assert_eq(cgroup_layout_where(&l, CG_CPUACCT), 0);
        cgroup_layout_done(&l);
        free(text);
}

Test(cgroup_layout, v1_comounted_and_duplicates) {
        char *text = fixture("mountinfo-v1-comounted");
        struct cgroup_layout l = {};
        cr_assert_eq(cgroup_layout_parse(text, false, &l), 0);
        cr_assert_eq(l.version, HUSK_CGROUP_V1);
        cr_assert_null(l.unified);
        cr_assert_str_eq(l.v1[CG_CPU], "/sys/fs/cgroup/cpu,cpuacct");
        cr_assert_str_eq(l.v1[CG_CPUACCT], "/sys/fs/cgroup/cpu,cpuacct");
        /* the mount showing the whole hierarchy wins over one showing /docker/abc */
        cr_assert_str_eq(l.v1[CG_MEMORY], "/mnt/memory-full");
        cr_assert_str_eq(l.v1[CG_NET_PRIO], "/sys/fs/cgroup/net_cls,net_prio");
        cr_assert_null(l.v1[CG_PIDS]);
        cr_assert_eq(cgroup_layout_where(&l, CG_PIDS), 0);
        cgroup_layout_done(&l);
        free(text);
}

Test(cgroup_layout, none) {
        char *text = fixture("mountinfo-none");
        struct cgroup_layout l = {};
        cr_assert_eq(cgroup_layout_parse(text, false, &l), 0);
        cr_assert_eq(l.version, HUSK_CGROUP_NONE);
        cgroup_layout_done(&l);
        free(text);
        cr_assert_eq(cgroup_layout_parse("garbage line\n", false, &l), -EINVAL);
}

Test(cgroup_layout, file_path) {
        char buf[256];
        cr_assert_str_eq(cg_file_path(buf, sizeof buf, "/sys/fs/cgroup/", "/husk/a", "memory.max"),
                         "/sys/fs/cgroup/husk/a/memory.max");
        cr_assert_str_eq(cg_file_path(buf, sizeof buf, "/sys/fs/cgroup", "/", "cgroup.controllers"),
                         "/sys/fs/cgroup/cgroup.controllers");
        cr_assert_str_eq(cg_file_path(buf, sizeof buf, "/sys/fs/cgroup/memory", "/husk", NULL),
                         "/sys/fs/cgroup/memory/husk");
}

Test(cgroup_path, systemd_form) {
        static const struct {
                const char *in, *slice, *unit, *path, *error;
        } cases[] = {
                { NULL, "system.slice", "husk-c1.scope", "/system.slice/husk-c1.scope", NULL },
                { "machine.slice:libpod:abc", "machine.slice", "libpod-abc.scope", "/machine.slice/libpod-abc.scope", NULL },
                { ":docker:abc", "system.slice", "docker-abc.scope", "/system.slice/docker-abc.scope", NULL },
                { "user-1000.slice::abc", "user-1000.slice", "abc.scope", "/user.slice/user-1000.slice/abc.scope", NULL },
                { "kubepods-besteffort.slice:cri:x", "kubepods-besteffort.slice", "cri-x.scope",
                  "/kubepods.slice/kubepods-besteffort.slice/cri-x.scope", NULL },
                { "-.slice:p:n", "-.slice", "p-n.scope", "/p-n.scope", NULL },
                { "system.slice:p:pod1.slice", "system.slice", "pod1.slice", "/system.slice/pod1.slice", NULL },
                { "/husk/c1", NULL, NULL, NULL,
                  "linux.cgroupsPath: '/husk/c1' is not systemd's \"slice:prefix:name\" form" },
                { "a:b:c:d", NULL, NULL, NULL, "linux.cgroupsPath: 'a:b:c:d' is not systemd's \"slice:prefix:name\" form" },
                { "system.slice:p:", NULL, NULL, NULL, "linux.cgroupsPath: 'system.slice:p:': empty name, or a '/' in a part" },
                { "system:p:n", NULL, NULL, NULL, "linux.cgroupsPath: slice 'system' must end in \".slice\"" },
                { "a--b.slice:p:n", NULL, NULL, NULL, "linux.cgroupsPath: slice 'a--b.slice': a '-' at an end or doubled" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char *slice = NULL, *unit = NULL, *path = NULL, *err = NULL;
                int r = cgroup_systemd_path_parse(cases[i].in, "c1", &slice, &unit, &path, &err);
                if (cases[i].slice) {
                        cr_assert_eq(r, 0, "case %zu: %s", i, err);
                        cr_assert_str_eq(slice, cases[i].slice, "case %zu", i);
                        cr_assert_str_eq(unit, cases[i].unit, "case %zu", i);
                        cr_assert_str_eq(path, cases[i].path, "case %zu", i);
                } else {
                        cr_assert_eq(r, -EINVAL, "case %zu", i);
                        cr_assert_str_eq(err, cases[i].error, "case %zu", i);
                }
                free(slice);
                free(unit);
                free(path);
                free(err);
        }
}
