/* SPDX-License-Identifier: GPL-2.0-or-later
 * The text parsers under libhusk: mountinfo (escapes, optional fields, look-alikes),
 * /proc/<pid>/cgroup, component-wise prefixes, and value torture (Go's TestParseV2Limit style). */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "limits/limits-internal.h"

#define U HUSK_UNLIMITED

Test(limits_parse, unescape) {
        static const struct { const char *in, *out; } t[] = {
                { "/a\\040b", "/a b" },
                { "\\011tab\\012nl\\134bs", "\ttab\nnl\\bs" },
                { "/no/escape", "/no/escape" },
                { "/trailing\\04", "/trailing\\04" },   /* too short: left alone */
                { "/bad\\089", "/bad\\089" },           /* not octal */
                { "\\", "\\" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                char buf[64];
                snprintf(buf, sizeof buf, "%s", t[i].in);
                cg_unescape(buf);
                cr_expect_str_eq(buf, t[i].out, "unescape '%s'", t[i].in);
        }
}

Test(limits_parse, path_prefix_is_component_wise) {
        static const struct { const char *path, *prefix; bool want; } t[] = {
                { "/a", "/a", true },
                { "/a/b", "/a", true },
                { "/ab", "/a", false },
                { "/a/b", "/a/", true },
                { "/anything", "/", true },
                { "/", "/", true },
                { "/system.slice/app.service/x", "/system.slice/app", false },
                { "/a", "/a/b", false },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                cr_expect_eq(cg_path_has_prefix(t[i].path, t[i].prefix), t[i].want, "'%s' under '%s'",
                             t[i].path, t[i].prefix);
}

Test(limits_parse, list_has) {
        cr_expect(cg_list_has("rw,cpu,cpuacct", "cpu"));
        cr_expect(cg_list_has("rw,cpu,cpuacct", "cpuacct"));
        cr_expect(!cg_list_has("rw,cpuacct", "cpu"));
        cr_expect(!cg_list_has("rw,cpuset", "cpu"));
        cr_expect(!cg_list_has("", "cpu"));
}

Test(limits_parse, list_has_word) {
        cr_expect(cg_list_has_word("cpuset cpu io memory pids\n", "cpu"));
        cr_expect(cg_list_has_word("cpuset cpu io memory pids\n", "pids"));
        cr_expect(!cg_list_has_word("cpuset io memory\n", "cpu"));
        cr_expect(!cg_list_has_word("", "cpu"));
}

Test(limits_parse, mountinfo_torture) {
        const char *text =
                "1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                "\n"
                "60 1 0:50 / /mnt/x rw shared:7 master:3 propagate_from:2 unbindable - tmpfs a\\040b rw\n"
                "61 1 0:51 / /mnt/fake rw - cgroup2x cgroup2 rw\n"
                "63 1 0:26 /sub\\040dir /sys/fs/cgroup\\040v2 ro,nosuid shared:4 master:1 - cgroup2 c\\040two rw,nsdelegate\n"
                "64 1 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n";
        struct cg_mount_table t = {};
        cr_assert_eq(cg_mount_table_parse(text, &t), 0);
        cr_assert_eq(t.n, 2);
        cr_expect_str_eq(t.mounts[0].root, "/sub dir");
        cr_expect_str_eq(t.mounts[0].mount_point, "/sys/fs/cgroup v2");
        cr_expect_str_eq(t.mounts[0].fstype, "cgroup2");
        cr_expect_str_eq(t.mounts[0].super_options, "rw,nsdelegate");
        cr_expect(t.mounts[0].read_only);
        cr_expect_eq(t.mounts[0].major, 0);
        cr_expect_eq(t.mounts[0].minor, 26);
        cr_expect_str_eq(t.mounts[1].mount_point, "/sys/fs/cgroup/cpu,cpuacct");
        cr_expect(!t.mounts[1].read_only);
        cg_mount_table_done(&t);
}

Test(limits_parse, mountinfo_malformed) {
        static const char *const bad[] = {
                "30 25 0:26 / /sys/fs/cgroup rw cgroup2 cgroup2 rw\n",      /* no separator */
                "30 25 0:26 / /sys/fs/cgroup rw - cgroup2\n",               /* too short after it */
                "30 25 026 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",     /* no major:minor */
                "30 25 0:26 relative /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
                "garbage\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct cg_mount_table t = { .n = 77 };
                cr_expect_eq(cg_mount_table_parse(bad[i], &t), -EINVAL, "'%s'", bad[i]);
                cr_expect_eq(t.n, 77, "ret_ written on failure");
        }
}

Test(limits_parse, membership) {
        struct cg_membership m = {};
        cr_assert_eq(cg_membership_parse("12:pids:/a\n4:cpu,cpuacct:/b:c\n1:name=systemd:/s\n0::/v2/x\n", &m), 0);
        cr_expect_str_eq(m.v2_path, "/v2/x");
        cr_expect_str_eq(cg_membership_v1_path(&m, "cpu"), "/b:c");
        cr_expect_str_eq(cg_membership_v1_path(&m, "cpuacct"), "/b:c");
        cr_expect_str_eq(cg_membership_v1_path(&m, "pids"), "/a");
        cr_expect_null(cg_membership_v1_path(&m, "memory"));
        cg_membership_done(&m);

        static const char *const bad[] = { "0:/x\n", "x::/a\n", "0::relative\n", "4:memory\n" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                cr_expect_eq(cg_membership_parse(bad[i], &m), -EINVAL, "'%s'", bad[i]);
}

struct value_case {
        const char *in;
        enum cg_value_kind kind;
        int ret;
        uint64_t want;
};

Test(limits_parse, value_torture) {
        static const struct value_case t[] = {
                { "max\n", CG_VALUE_MAX_OR_U64, 0, U },
                { " max ", CG_VALUE_MAX_OR_U64, 0, U },
                { "1073741824\n", CG_VALUE_MAX_OR_U64, 0, 1073741824 },
                { "0\n", CG_VALUE_MAX_OR_U64, 0, 0 },
                { "", CG_VALUE_MAX_OR_U64, -EINVAL, 0 },
                { "\n", CG_VALUE_MAX_OR_U64, -EINVAL, 0 },
                { "123max", CG_VALUE_MAX_OR_U64, -EINVAL, 0 },
                { "maximum", CG_VALUE_MAX_OR_U64, -EINVAL, 0 },
                { "-1", CG_VALUE_MAX_OR_U64, -EINVAL, 0 },
                { "18446744073709551616", CG_VALUE_MAX_OR_U64, -EINVAL, 0 },
                { "1 2", CG_VALUE_MAX_OR_U64, -EINVAL, 0 },
                { "9223372036854771712\n", CG_VALUE_V1_BYTES, 0, U },           /* 4 KiB pages */
                { "9223372036854710272\n", CG_VALUE_V1_BYTES, 0, U },           /* 64 KiB pages */
                { "9223372036854775807", CG_VALUE_V1_BYTES, 0, U },
                { "18446744073709551615", CG_VALUE_V1_BYTES, 0, U },
                { "-1", CG_VALUE_V1_BYTES, 0, U },
                { "-2", CG_VALUE_V1_BYTES, -EINVAL, 0 },
                { "2147483648\n", CG_VALUE_V1_BYTES, 0, 2147483648 },
                { "max", CG_VALUE_V1_BYTES, -EINVAL, 0 },
                { "-1\n", CG_VALUE_V1_QUOTA, 0, U },
                { "50000\n", CG_VALUE_V1_QUOTA, 0, 50000 },
                { "0", CG_VALUE_V1_QUOTA, -EINVAL, 0 },
                { "-7", CG_VALUE_V1_QUOTA, -EINVAL, 0 },
                { "100000\n", CG_VALUE_PERIOD, 0, 100000 },
                { "0\n", CG_VALUE_PERIOD, -EINVAL, 0 },
                { "", CG_VALUE_PERIOD, -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                uint64_t v = 0xdead;
                int r = cg_parse_value(t[i].in, t[i].kind, &v);
                cr_expect_eq(r, t[i].ret, "#%zu '%s': got %d want %d", i, t[i].in, r, t[i].ret);
                cr_expect_eq(v, r == 0 ? t[i].want : 0xdead, "#%zu '%s': value %llu", i, t[i].in,
                             (unsigned long long) v);
        }
}

Test(limits_parse, cpu_max) {
        static const struct { const char *in; int ret; uint64_t q, p; } t[] = {
                { "max 100000\n", 0, U, 100000 },
                { "150000 100000\n", 0, 150000, 100000 },
                { "50000 0", -EINVAL, 0, 0 },      /* period 0 */
                { "0 100000", -EINVAL, 0, 0 },
                { "max", -EINVAL, 0, 0 },
                { "", -EINVAL, 0, 0 },
                { "max max", -EINVAL, 0, 0 },
                { "1 2 3", -EINVAL, 0, 0 },
                { "100 200 30000", -EINVAL, 0, 0 }, /* a long third word */
                { "  100   200  \n", 0, 100, 200 },
                { "12x 100000", -EINVAL, 0, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                uint64_t q = 1, p = 1;
                int r = cg_parse_cpu_max(t[i].in, &q, &p);
                cr_expect_eq(r, t[i].ret, "'%s'", t[i].in);
                if (r == 0) {
                        cr_expect_eq(q, t[i].q, "'%s' quota", t[i].in);
                        cr_expect_eq(p, t[i].p, "'%s' period", t[i].in);
                }
        }
}

Test(limits_parse, cpu_list_edges) {
        static const struct { const char *in; int ret; unsigned n; } t[] = {
                { "0-3\n", 0, 4 },
                { "0\n", 0, 1 },
                { "0-1,4,6-7\n", 0, 5 },
                { "0-3,2-5", 0, 6 },          /* overlap counted once */
                { "7,7,7", 0, 1 },
                { "65535", 0, 1 },
                { "", -EINVAL, 0 },
                { "\n", -EINVAL, 0 },
                { "3-1", -EINVAL, 0 },
                { "0-", -EINVAL, 0 },
                { "-3", -EINVAL, 0 },
                { "0,,1", -EINVAL, 0 },
                { "0,", -EINVAL, 0 },
                { "a", -EINVAL, 0 },
                { "65536", -EINVAL, 0 },
                { "0 1", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                unsigned n = 999;
                int r = cg_parse_cpu_list(t[i].in, &n);
                cr_expect_eq(r, t[i].ret, "'%s': %d", t[i].in, r);
                cr_expect_eq(n, r == 0 ? t[i].n : 999, "'%s': n %u", t[i].in, n);
        }
}

Test(limits_parse, keyed) {
        const char *stat = "cache 0\nhierarchical_memory_limit 1073741824\nhierarchical_memsw_limit 9\n";
        uint64_t v;
        cr_expect_eq(cg_keyed_get(stat, "hierarchical_memory_limit", &v), 0);
        cr_expect_eq(v, 1073741824);
        cr_expect_eq(cg_keyed_get(stat, "hierarchical_memory", &v), -ENOENT);
        cr_expect_eq(cg_keyed_get("MemTotal:       24683620 kB\n", "MemTotal", &v), 0);
        cr_expect_eq(v, UINT64_C(24683620) * 1024);
        cr_expect_eq(cg_keyed_get("MemTotal: lots\n", "MemTotal", &v), -EINVAL);
}

Test(limits_parse, cpus_override) {
        static const struct { const char *in; int ret; double v; } t[] = {
                { "2", 0, 2 }, { "1.5", 0, 1.5 }, { "0.25", 0, 0.25 }, { "0", -EINVAL, 0 },
                { "-1", -EINVAL, 0 }, { "1e3", -EINVAL, 0 }, { "nan", -EINVAL, 0 }, { "", -EINVAL, 0 },
                { ".", -EINVAL, 0 }, { "2cpus", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                double v = -1;
                int r = cg_parse_cpus(t[i].in, &v);
                cr_expect_eq(r, t[i].ret, "'%s'", t[i].in);
                if (r == 0)
                        cr_expect(v > t[i].v - 1e-9 && v < t[i].v + 1e-9, "'%s': %g", t[i].in, v);
        }
}
