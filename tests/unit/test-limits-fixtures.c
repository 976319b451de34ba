/* SPDX-License-Identifier: GPL-2.0-or-later
 * libhusk over the fixture trees of tests/fixtures/limits: each tree stands in for a machine
 * (proc/self/{mountinfo,cgroup,status}, proc/meminfo, sys/...), and each row says what a caller
 * must see: value, flags, and the directory that set it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "husk/limits.h"

#define FIX FIXTURES_DIR "/limits/"
#define U HUSK_UNLIMITED
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

enum { SET = HUSK_LIMIT_SET, CLAMPED = HUSK_LIMIT_CLAMPED, ERR = HUSK_LIMIT_ERROR,
       HIDDEN = HUSK_LIMIT_HIDDEN, UNSUP = HUSK_LIMIT_UNSUPPORTED, HIER = HUSK_LIMIT_HIERARCHICAL };

enum which { NONE, CPU_QUOTA, CPUSET, AFFINITY, MEM_MAX, MEM_HIGH, MEM_LOW, SWAP_MAX, PIDS_MAX };

struct expect {
        enum which which;
        uint64_t value;
        unsigned flags;
        const char *source;     /* NULL: must be NULL */
        int error;
        const char *error_path;
};

struct fixture_case {
        const char *dir;
        pid_t pid;
        enum husk_cgroup_version version;
        double cpus;
        enum husk_cpu_bound bound;
        struct expect e[9];
};

static const struct husk_limit *pick(const struct husk_limits_snapshot *s, enum which w) {
        switch (w) {
        case CPU_QUOTA: return &s->cpu_quota;
        case CPUSET:    return &s->cpuset;
        case AFFINITY:  return &s->affinity;
        case MEM_MAX:   return &s->memory_max;
        case MEM_HIGH:  return &s->memory_high;
        case MEM_LOW:   return &s->memory_low;
        case SWAP_MAX:  return &s->swap_max;
        case PIDS_MAX:  return &s->pids_max;
        default:        return NULL;
        }
}

static const char *const which_names[] = { "", "cpu_quota", "cpuset", "affinity", "memory_max",
                                           "memory_high", "memory_low", "swap_max", "pids_max" };

static const struct fixture_case cases[] = {
        { "v2-private-ns", 0, HUSK_CGROUP_V2, 1.5, HUSK_CPU_BOUND_QUOTA, {
                { CPU_QUOTA, 150000, SET | HIDDEN, "/sys/fs/cgroup" },
                { CPUSET, 4, SET, "/sys/fs/cgroup" },
                { MEM_MAX, GiB, SET | HIDDEN, "/sys/fs/cgroup" },
                /* no limit seen, ancestors unknown: not "unlimited" */
                { MEM_HIGH, U, HIDDEN, NULL },
                { SWAP_MAX, 0, SET | HIDDEN, "/sys/fs/cgroup" },
                { PIDS_MAX, 512, SET | HIDDEN, "/sys/fs/cgroup" },
        } },
        { "v2-nested-parent", 0, HUSK_CGROUP_V2, 2.0, HUSK_CPU_BOUND_QUOTA, {
                { CPU_QUOTA, 200000, SET, "/sys/fs/cgroup/kubepods/pod1" },
                { MEM_MAX, 512 * MiB, SET, "/sys/fs/cgroup/kubepods/pod1" },
                { MEM_HIGH, 768 * MiB, SET, "/sys/fs/cgroup/kubepods/pod1/ctr" },
                { MEM_LOW, 0, SET, "/sys/fs/cgroup/kubepods/pod1" },
                { SWAP_MAX, 256 * MiB, SET, "/sys/fs/cgroup/kubepods/pod1/ctr" },
                { PIDS_MAX, 1000, SET, "/sys/fs/cgroup/kubepods/pod1" },
                { CPUSET, 8, SET, "/sys/fs/cgroup/kubepods/pod1/ctr" },
        } },
        { "v2-not-delegated", 0, HUSK_CGROUP_V2, 0.5, HUSK_CPU_BOUND_QUOTA, {
                { MEM_MAX, 256 * MiB, SET, "/sys/fs/cgroup/a" },
                { MEM_HIGH, U, 0, NULL },
                { CPU_QUOTA, 50000, SET, "/sys/fs/cgroup/a" },
                { CPUSET, U, UNSUP, NULL },
                { PIDS_MAX, U, UNSUP, NULL },
        } },
        { "v2-bind-subtree", 0, HUSK_CGROUP_V2, 1.0, HUSK_CPU_BOUND_QUOTA, {
                { MEM_MAX, 2 * GiB, SET | HIDDEN, "/sys/fs/cgroup" },
                { CPU_QUOTA, 100000, SET | HIDDEN, "/sys/fs/cgroup/worker" },
                { PIDS_MAX, 64, SET | HIDDEN, "/sys/fs/cgroup/worker" },
        } },
        { "v1-comount", 0, HUSK_CGROUP_V1, 1.5, HUSK_CPU_BOUND_QUOTA, {
                { CPU_QUOTA, 150000, SET, "/sys/fs/cgroup/cpu,cpuacct/user.slice" },
                { MEM_MAX, 2 * GiB, SET, "/sys/fs/cgroup/memory/user.slice" },
                { SWAP_MAX, 1 * GiB, SET, "/sys/fs/cgroup/memory/user.slice" },
                { MEM_HIGH, U, UNSUP, NULL },
                { PIDS_MAX, 100, SET, "/sys/fs/cgroup/pids/user.slice/app" },
                { CPUSET, 4, SET, "/sys/fs/cgroup/cpuset" },
        } },
        { "v1-docker-no-ns", 0, HUSK_CGROUP_V1, 0.5, HUSK_CPU_BOUND_QUOTA, {
                { CPU_QUOTA, 50000, SET | HIDDEN, "/sys/fs/cgroup/cpu,cpuacct" },
                /* limit_in_bytes is unlimited; the hidden parent's 1 GiB comes from memory.stat */
                { MEM_MAX, GiB, SET | HIER, "/sys/fs/cgroup/memory" },
                { SWAP_MAX, GiB, SET | HIER, "/sys/fs/cgroup/memory" },
                { PIDS_MAX, U, HIDDEN, NULL },
                { CPUSET, 2, SET, "/sys/fs/cgroup/cpuset" },
        } },
        { "hybrid", 0, HUSK_CGROUP_HYBRID, 2.0, HUSK_CPU_BOUND_HOST, {
                /* v1 memory wins over the cgroup2 mount's decoy memory.max */
                { MEM_MAX, 4 * GiB, SET, "/sys/fs/cgroup/memory/process_api" },
                { CPU_QUOTA, U, 0, NULL },
                { CPUSET, 2, SET, "/sys/fs/cgroup/cpuset" },
                { PIDS_MAX, U, 0, NULL },         /* in the v1 root: unlimited, not unavailable */
                { MEM_HIGH, U, UNSUP, NULL },     /* v1 has no memory.high */
        } },
        { "duplicate-mounts", 0, HUSK_CGROUP_V2, 0.5, HUSK_CPU_BOUND_QUOTA, {
                { MEM_MAX, 128 * MiB, SET, "/sys/fs/cgroup/a" },
                { CPU_QUOTA, 25000, SET, "/sys/fs/cgroup/a/b" },
        } },
        { "no-cgroup", 0, HUSK_CGROUP_NONE, 4.0, HUSK_CPU_BOUND_HOST, {
                { MEM_MAX, U, UNSUP, NULL },
                { CPU_QUOTA, U, UNSUP, NULL },
                { CPUSET, U, UNSUP, NULL },
                { PIDS_MAX, U, UNSUP, NULL },
                { AFFINITY, 4, SET, "Cpus_allowed_list" },
        } },
        { "no-cgroup-kernel", 0, HUSK_CGROUP_NONE, 2.0, HUSK_CPU_BOUND_HOST, {
                { MEM_MAX, U, UNSUP, NULL },
                { CPU_QUOTA, U, UNSUP, NULL },
        } },
        { "mountinfo-torture", 0, HUSK_CGROUP_V2, 8.0, HUSK_CPU_BOUND_HOST, {
                { MEM_MAX, 300 * MiB, SET, "/sys/fs/cgroup v2/my app" },
                { PIDS_MAX, 50, SET, "/sys/fs/cgroup v2/my app" },
                { CPUSET, 8, SET, "/sys/fs/cgroup v2/my app/job:1" },
        } },
        { "value-torture", 0, HUSK_CGROUP_V2, 2.0, HUSK_CPU_BOUND_QUOTA, {
                /* the first bad file is named; the value comes from the files that were good */
                { MEM_MAX, GiB, SET | ERR, "/sys/fs/cgroup/g", -EINVAL, "/sys/fs/cgroup/g/p/leaf/memory.max" },
                { CPU_QUOTA, 200000, SET | ERR, "/sys/fs/cgroup/g", -EINVAL, "/sys/fs/cgroup/g/p/cpu.max" },
                { PIDS_MAX, 300, SET | ERR, "/sys/fs/cgroup/g", -EINVAL, "/sys/fs/cgroup/g/p/pids.max" },
                { MEM_HIGH, U, ERR, NULL, -EINVAL, "/sys/fs/cgroup/g/p/memory.high" },
                { MEM_LOW, 0, SET | ERR, "/sys/fs/cgroup/g/p/leaf", -EINVAL, "/sys/fs/cgroup/g/p/memory.low" },
                { SWAP_MAX, 0, SET | ERR, "/sys/fs/cgroup/g/p/leaf", -EINVAL, "/sys/fs/cgroup/g/p/memory.swap.max" },
                { CPUSET, U, ERR, NULL, -EINVAL, "/sys/fs/cgroup/g/p/leaf/cpuset.cpus.effective" },
        } },
        { "cpuset-edges", 0, HUSK_CGROUP_V2, 5.0, HUSK_CPU_BOUND_AFFINITY, {
                { CPUSET, 7, SET, "/sys/fs/cgroup/pinned" },
                { AFFINITY, 5, SET, "Cpus_allowed_list" },
        } },
        { "v2-cpuset-parent", 0, HUSK_CGROUP_V2, 3.0, HUSK_CPU_BOUND_CPUSET, {
                /* cpuset not enabled on the leaf: it runs on the parent's */
                { CPUSET, 3, SET, "/sys/fs/cgroup/pinned" },
                { CPU_QUOTA, U, 0, NULL },
                { MEM_MAX, U, 0, NULL },
        } },
        { "above-host-ram", 0, HUSK_CGROUP_V2, 8.0, HUSK_CPU_BOUND_HOST, {
                { MEM_MAX, 8 * GiB, SET | CLAMPED, "/sys/fs/cgroup/big" },
                { MEM_HIGH, 8 * GiB, SET | CLAMPED, "/sys/fs/cgroup/big" },
                { MEM_LOW, GiB, SET, "/sys/fs/cgroup/big" },
                { CPU_QUOTA, 1600000, SET, "/sys/fs/cgroup/big" },
        } },
        { "proc-self-vs-1", 0, HUSK_CGROUP_V2, 4.0, HUSK_CPU_BOUND_QUOTA, {
                { MEM_MAX, 256 * MiB, SET, "/sys/fs/cgroup/app/worker" },
                { CPU_QUOTA, 400000, SET, "/sys/fs/cgroup/app" },
        } },
        { "proc-self-vs-1", 1, HUSK_CGROUP_V2, 1.0, HUSK_CPU_BOUND_AFFINITY, {
                { MEM_MAX, GiB, SET, "/sys/fs/cgroup/app" },
                { CPU_QUOTA, 400000, SET, "/sys/fs/cgroup/app" },
                { AFFINITY, 1, SET, "Cpus_allowed_list" },
        } },
        { "enoent-midwalk", 0, HUSK_CGROUP_V2, 1.0, HUSK_CPU_BOUND_QUOTA, {
                { MEM_MAX, GiB, SET | ERR, "/sys/fs/cgroup/x", -ENOENT, "/sys/fs/cgroup/x/y/z/memory.max" },
                { CPU_QUOTA, 100000, SET | ERR, "/sys/fs/cgroup/x", -ENOENT, "/sys/fs/cgroup/x/y/z/cpu.max" },
        } },
        { "outside-ns", 0, HUSK_CGROUP_V2, 8.0, HUSK_CPU_BOUND_HOST, {
                { MEM_MAX, U, ERR, NULL, -ENOENT, "/../sibling" },
        } },
};

static void check_case(const struct fixture_case *c) {
        struct husk_limits_options o = { .root = NULL, .pid = c->pid, .flags = HUSK_LIMITS_NO_ENV };
        char root[512];
        snprintf(root, sizeof root, FIX "%s", c->dir);
        o.root = root;
        struct husk_limits *l = NULL;
        struct husk_limits_snapshot s;
        int r = husk_limits_open(&l, &o);
        cr_assert_eq(r, 0, "%s: open: %s", c->dir, strerror(-r));
        cr_assert_eq(husk_limits_read(l, &s), 0);
        cr_expect_eq(s.version, c->version, "%s: version %s", c->dir, husk_cgroup_version_to_string(s.version));
        cr_expect(s.cpus > c->cpus - 1e-9 && s.cpus < c->cpus + 1e-9, "%s/%d: cpus %g, want %g", c->dir,
                  (int) c->pid, s.cpus, c->cpus);
        cr_expect_eq(s.cpus_bound_by, c->bound, "%s/%d: bound by %s", c->dir, (int) c->pid,
                     husk_cpu_bound_to_string(s.cpus_bound_by));
        bool any_error = false;
        for (size_t i = 0; i < ELEMENTSOF(c->e) && c->e[i].which != NONE; i++) {
                const struct expect *e = &c->e[i];
                const struct husk_limit *v = pick(&s, e->which);
                const char *n = which_names[e->which];
                cr_expect_eq(v->value, e->value, "%s/%d %s: value %llu, want %llu", c->dir, (int) c->pid, n,
                             (unsigned long long) v->value, (unsigned long long) e->value);
                cr_expect_eq(v->flags, e->flags, "%s/%d %s: flags %#x, want %#x", c->dir, (int) c->pid, n,
                             v->flags, e->flags);
                if (e->source)
                        cr_expect(v->source && strcmp(v->source, e->source) == 0, "%s %s: source '%s', want '%s'",
                                  c->dir, n, v->source ? v->source : "(null)", e->source);
                else
                        cr_expect_null(v->source, "%s %s: source '%s'", c->dir, n, v->source);
                cr_expect_eq(v->error, e->error, "%s %s: error %d, want %d", c->dir, n, v->error, e->error);
                if (e->error_path)
                        cr_expect(v->error_path && strcmp(v->error_path, e->error_path) == 0,
                                  "%s %s: error_path '%s', want '%s'", c->dir, n,
                                  v->error_path ? v->error_path : "(null)", e->error_path);
                any_error |= e->flags & ERR;
        }
        cr_expect_eq(!!(s.flags & HUSK_SNAPSHOT_PARTIAL), any_error, "%s: PARTIAL flag", c->dir);
        husk_limits_free(l);
}

Test(limits_fixtures, table) {
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                check_case(&cases[i]);
}

Test(limits_fixtures, cgroup_dirs) {
        static const struct { const char *dir; unsigned what; const char *want; } t[] = {
                { "v1-comount", HUSK_LIMITS_CPU, "/sys/fs/cgroup/cpu,cpuacct/user.slice/app" },
                { "v1-comount", HUSK_LIMITS_MEMORY, "/sys/fs/cgroup/memory/user.slice/app" },
                { "v2-bind-subtree", HUSK_LIMITS_PIDS, "/sys/fs/cgroup/worker" },
                { "no-cgroup", HUSK_LIMITS_MEMORY, NULL },
                { "outside-ns", HUSK_LIMITS_MEMORY, NULL },
                { "v2-nested-parent", HUSK_LIMITS_CPU | HUSK_LIMITS_MEMORY, NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                char root[512];
                snprintf(root, sizeof root, FIX "%s", t[i].dir);
                struct husk_limits_options o = { .root = root, .flags = HUSK_LIMITS_NO_ENV };
                struct husk_limits *l = NULL;
                cr_assert_eq(husk_limits_open(&l, &o), 0);
                const char *d = husk_limits_cgroup_dir(l, t[i].what);
                if (t[i].want)
                        cr_expect(d && strcmp(d, t[i].want) == 0, "%s: '%s'", t[i].dir, d ? d : "(null)");
                else
                        cr_expect_null(d, "%s: '%s'", t[i].dir, d);
                husk_limits_free(l);
        }
}

Test(limits_fixtures, malformed_mountinfo_is_an_error) {
        struct husk_limits_options o = { .root = FIX "bad-mountinfo", .flags = HUSK_LIMITS_NO_ENV };
        struct husk_limits *l = (struct husk_limits *) 0x1;
        cr_expect_eq(husk_limits_open(&l, &o), -EINVAL);
        cr_expect_eq(l, (struct husk_limits *) 0x1, "ret_ written on failure");
}

Test(limits_fixtures, missing_proc_is_an_error) {
        struct husk_limits_options o = { .root = FIX "v2-private-ns", .pid = 4242, .flags = HUSK_LIMITS_NO_ENV };
        struct husk_limits *l = NULL;
        cr_expect_eq(husk_limits_open(&l, &o), -ENOENT);
        cr_expect_null(l);
}

Test(limits_fixtures, mask_reads_only_what_is_asked) {
        struct husk_limits_options o = { .root = FIX "v2-nested-parent", .flags = HUSK_LIMITS_NO_ENV,
                                         .mask = HUSK_LIMITS_MEMORY };
        struct husk_limits *l = NULL;
        struct husk_limits_snapshot s;
        cr_assert_eq(husk_limits_open(&l, &o), 0);
        cr_assert_eq(husk_limits_read(l, &s), 0);
        cr_expect_eq(s.memory_max.value, 512 * MiB);
        cr_expect_eq(s.cpu_quota.flags, UNSUP);
        cr_expect_eq(s.pids_max.flags, UNSUP);
        cr_expect_eq(s.cpus_bound_by, HUSK_CPU_BOUND_HOST);
        husk_limits_free(l);
}
