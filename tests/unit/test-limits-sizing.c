/* SPDX-License-Identifier: GPL-2.0-or-later
 * From a snapshot to a plan (workers, heap goal), and the environment: overrides and the
 * opt-out that opens nothing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "husk/limits.h"

#define FIX FIXTURES_DIR "/limits/"
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

Test(limits_sizing, workers_table) {
        static const struct { double cpus; enum husk_rounding r; unsigned min, want; } t[] = {
                { 1.5, HUSK_ROUND_CEIL, 1, 2 },
                { 1.5, HUSK_ROUND_FLOOR, 1, 1 },
                { 0.5, HUSK_ROUND_FLOOR, 1, 1 },   /* the minimum wins */
                { 0.5, HUSK_ROUND_FLOOR, 0, 0 },
                { 0.5, HUSK_ROUND_CEIL, 0, 1 },
                { 4.0, HUSK_ROUND_CEIL, 1, 4 },
                { 4.0, HUSK_ROUND_FLOOR, 1, 4 },
                { 4.0, HUSK_ROUND_FLOOR, 8, 8 },
                { 0, HUSK_ROUND_CEIL, 2, 2 },      /* nothing known */
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                struct husk_limits_snapshot s = { .cpus = t[i].cpus };
                cr_expect_eq(husk_cpu_workers(&s, t[i].r, t[i].min), t[i].want, "%g cpus, %s, min %u", t[i].cpus,
                             t[i].r == HUSK_ROUND_CEIL ? "ceil" : "floor", t[i].min);
        }
}

static struct husk_limit lim(uint64_t v) {
        return (struct husk_limit) { .value = v, .flags = v == HUSK_UNLIMITED ? 0 : HUSK_LIMIT_SET };
}

Test(limits_sizing, heap_goal_table) {
        static const struct { uint64_t max, high; double ratio; uint64_t reserve; int ret; uint64_t want; } t[] = {
                { GiB, HUSK_UNLIMITED, 0.9, 0, 0, (uint64_t) (GiB * 0.9) },
                { GiB, 512 * MiB, 0.9, 0, 0, (uint64_t) (512 * MiB * 0.9) },      /* high binds */
                { 512 * MiB, GiB, 1.0, 64 * MiB, 0, 448 * MiB },
                { HUSK_UNLIMITED, 256 * MiB, 0.5, 0, 0, 128 * MiB },
                { HUSK_UNLIMITED, HUSK_UNLIMITED, 0.9, 0, -ENODATA, 0 },
                { GiB, HUSK_UNLIMITED, 0, 0, -EINVAL, 0 },
                { GiB, HUSK_UNLIMITED, 1.5, 0, -EINVAL, 0 },
                { 100 * MiB, HUSK_UNLIMITED, 0.9, 100 * MiB, -ERANGE, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                struct husk_limits_snapshot s = { .memory_max = lim(t[i].max), .memory_high = lim(t[i].high) };
                uint64_t g = 7;
                int r = husk_heap_goal(&s, t[i].ratio, t[i].reserve, &g);
                cr_expect_eq(r, t[i].ret, "#%zu: %d", i, r);
                cr_expect_eq(g, r == 0 ? t[i].want : 7, "#%zu: goal %llu", i, (unsigned long long) g);
        }
}

static void open_read(const char *fixture, char *const *env, unsigned flags, struct husk_limits **l,
                      struct husk_limits_snapshot *s) {
        struct husk_limits_options o = { .root = fixture, .env = env, .flags = flags };
        cr_assert_eq(husk_limits_open(l, &o), 0);
        cr_assert_eq(husk_limits_read(*l, s), 0);
}

Test(limits_sizing, overrides_replace_discovery) {
        char *env[] = { "HUSK_CPU_LIMIT=3.5", "HUSK_MEMORY_LIMIT=300M", NULL };
        struct husk_limits *l = NULL;
        struct husk_limits_snapshot s;
        open_read(FIX "v2-nested-parent", env, 0, &l, &s);
        cr_expect(s.cpus > 3.49 && s.cpus < 3.51, "cpus %g", s.cpus);
        cr_expect_eq(s.cpus_bound_by, HUSK_CPU_BOUND_OVERRIDE);
        cr_expect_eq(husk_cpu_workers(&s, HUSK_ROUND_CEIL, 1), 4);
        cr_expect_eq(s.memory_max.value, 300 * MiB);
        cr_expect_eq(s.memory_max.flags, HUSK_LIMIT_SET | HUSK_LIMIT_OVERRIDE);
        cr_expect_str_eq(s.memory_max.source, "HUSK_MEMORY_LIMIT");
        /* the discovered cgroup values are still there */
        cr_expect_eq(s.cpu_quota.value, 200000);
        uint64_t g;
        cr_expect_eq(husk_heap_goal(&s, 1.0, 0, &g), 0);
        cr_expect_eq(g, 300 * MiB, "the override replaces memory.high too");
        husk_limits_free(l);
}

Test(limits_sizing, bad_override_is_flagged_not_used) {
        char *env[] = { "HUSK_CPU_LIMIT=lots", "HUSK_MEMORY_LIMIT=12Q", NULL };
        struct husk_limits *l = NULL;
        struct husk_limits_snapshot s;
        open_read(FIX "v2-nested-parent", env, 0, &l, &s);
        cr_expect_eq(s.cpus_bound_by, HUSK_CPU_BOUND_QUOTA);
        cr_expect(s.cpu_quota.flags & HUSK_LIMIT_ERROR);
        cr_expect_str_eq(s.cpu_quota.error_path, "HUSK_CPU_LIMIT");
        cr_expect_eq(s.memory_max.value, 512 * MiB);
        cr_expect(s.memory_max.flags & HUSK_LIMIT_ERROR);
        cr_expect_eq(s.memory_max.error, -EINVAL);
        cr_expect_str_eq(s.memory_max.error_path, "HUSK_MEMORY_LIMIT");
        cr_expect(s.flags & HUSK_SNAPSHOT_PARTIAL);
        husk_limits_free(l);
}

Test(limits_sizing, no_env_flag_ignores_environment) {
        char *env[] = { "HUSK_MEMORY_LIMIT=1G", "HUSK_LIMITS_DISABLE=1", NULL };
        struct husk_limits *l = NULL;
        struct husk_limits_snapshot s;
        open_read(FIX "v2-nested-parent", env, HUSK_LIMITS_NO_ENV, &l, &s);
        cr_expect_eq(s.memory_max.value, 512 * MiB);
        cr_expect(!(s.flags & HUSK_SNAPSHOT_DISABLED));
        husk_limits_free(l);
}

static int count_fds(void) {
        int n = 0;
        for (int fd = 0; fd < 1024; fd++)
                n += fcntl(fd, F_GETFD) >= 0;
        return n;
}

Test(limits_sizing, opt_out_opens_nothing) {
        static const char *const on[] = { "1", "yes", "anything" };
        for (size_t i = 0; i < ELEMENTSOF(on); i++) {
                char var[64];
                snprintf(var, sizeof var, "HUSK_LIMITS_DISABLE=%s", on[i]);
                char *env[] = { var, "HUSK_MEMORY_LIMIT=64M", NULL };
                /* a root that does not exist: any open would fail the call */
                struct husk_limits_options o = { .root = "/nonexistent/husk", .env = env };
                struct husk_limits *l = NULL;
                struct husk_limits_snapshot s;
                int before = count_fds();
                cr_assert_eq(husk_limits_open(&l, &o), 0, "%s", var);
                cr_expect_eq(count_fds(), before, "%s: an fd stayed open", var);
                cr_assert_eq(husk_limits_read(l, &s), 0);
                cr_expect(s.flags & HUSK_SNAPSHOT_DISABLED);
                cr_expect_eq(s.version, HUSK_CGROUP_NONE);
                cr_expect_eq(s.memory_max.value, 64 * MiB, "overrides still apply");
                cr_expect_eq(s.pids_max.flags, HUSK_LIMIT_UNSUPPORTED);
                int fd;
                cr_expect_eq(husk_limits_psi_open(l, HUSK_PSI_MEMORY, 500000, 2000000, &fd), -ENOTSUP);
                cr_expect_eq(husk_limits_refresh(l), 0);
                husk_limits_free(l);
        }
        char *off[] = { "HUSK_LIMITS_DISABLE=0", NULL };
        struct husk_limits *l = NULL;
        struct husk_limits_snapshot s;
        open_read(FIX "v2-nested-parent", off, 0, &l, &s);
        cr_expect(!(s.flags & HUSK_SNAPSHOT_DISABLED));
        husk_limits_free(l);
}

Test(limits_sizing, to_string) {
        cr_expect_str_eq(husk_cgroup_version_to_string(HUSK_CGROUP_HYBRID), "hybrid");
        cr_expect_str_eq(husk_cgroup_version_to_string(HUSK_CGROUP_NONE), "none");
        cr_expect_str_eq(husk_cpu_bound_to_string(HUSK_CPU_BOUND_CPUSET), "cpuset");
}
