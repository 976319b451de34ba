/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk_sandbox_probe_at() over fixture /proc trees built per case (table-driven), and the
 * name tables. The live behaviour (real filters, namespaces) is in test-limits-sandbox-live.c. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/sandbox.h"

#define HOST_STATUS                                                                         \
        "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t4242\nNSpid:\t4242\n"         \
        "Uid:\t0\t0\t0\t0\n"                                                                \
        "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n" \
        "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n"            \
        "Seccomp:\t0\nSeccomp_filters:\t0\nSpeculation_Store_Bypass:\tthread vulnerable\n"

/* Docker's defaults on Linux 6.1: 14 capabilities, one filter, no_new_privs off. */
#define DOCKER_STATUS                                                                       \
        "Name:\tsh\nNSpid:\t1\n"                                                            \
        "CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\n" \
        "CapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n"            \
        "Seccomp:\t2\nSeccomp_filters:\t1\n"

/* Linux 4.9: no Seccomp_filters (5.9), no NoNewPrivs (4.10). */
#define OLD_STATUS                                                                          \
        "Name:\tsh\nNSpid:\t77\t1\n"                                                        \
        "CapInh:\t0000000000000000\nCapPrm:\t0000003fffffffff\nCapEff:\t0000003fffffffff\n" \
        "CapBnd:\t0000003fffffffff\nCapAmb:\t0000000000000000\nSeccomp:\t2\n"

#define INIT_LINKS(net, mnt)                                                                 \
        { "user:[4026531837]", "pid:[4026531836]", "cgroup:[4026531835]", net, mnt }
#define HOST_MOUNTINFO                                                                      \
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"                          \
        "30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw\n"

enum { L_USER, L_PID, L_CGROUP, L_NET, L_MNT, _L_MAX };
static const char *const link_types[_L_MAX] = { "user", "pid", "cgroup", "net", "mnt" };

struct fixture {
        const char *name;
        const char *status;       /* proc/self/status; NULL: absent */
        const char *uid_map;      /* proc/self/uid_map; NULL: absent */
        const char *mountinfo;    /* proc/self/mountinfo; NULL: absent */
        bool ns_dir;              /* proc/self/ns exists */
        const char *links[_L_MAX];      /* proc/self/ns/<type> targets; NULL: absent */
        const char *pid1_links[_L_MAX]; /* proc/1/ns/<type> targets; NULL: absent */
        int sysctl;               /* 0: no proc/sys/net/core, 1: initial netns set, 2: per-netns set */

        unsigned unknown;
        enum husk_seccomp_mode mode;
        unsigned filters;
        bool nnp;
        uint64_t cap_eff, cap_bnd;
        bool userns, pidns, cgroupns, netns, mntns;
};

static const struct fixture fixtures[] = {
        {
                .name = "host on 6.18: fixed init inodes for all five",
                .status = HOST_STATUS, .uid_map = "         0          0 4294967295\n",
                .mountinfo = HOST_MOUNTINFO, .ns_dir = true,
                .links = INIT_LINKS("net:[4026531833]", "mnt:[4026531832]"), .sysctl = 1,
                .cap_eff = 0x1ffffffffffULL, .cap_bnd = 0x1ffffffffffULL,
        },
        {
                .name = "host on 6.1: net by sysctl, mnt by pid 1",
                .status = HOST_STATUS, .uid_map = "0 0 4294967295\n", .ns_dir = true,
                .links = INIT_LINKS("net:[4026531840]", "mnt:[4026531841]"),
                .pid1_links = INIT_LINKS("net:[4026531840]", "mnt:[4026531841]"), .sysctl = 1,
                .cap_eff = 0x1ffffffffffULL, .cap_bnd = 0x1ffffffffffULL,
        },
        {
                .name = "unshare -m on 6.1: mnt differs from pid 1's",
                .status = HOST_STATUS, .ns_dir = true,
                .links = INIT_LINKS("net:[4026531840]", "mnt:[4026532210]"),
                .pid1_links = INIT_LINKS("net:[4026531840]", "mnt:[4026531841]"), .sysctl = 1,
                .cap_eff = 0x1ffffffffffULL, .cap_bnd = 0x1ffffffffffULL, .mntns = true,
        },
        {
                .name = "docker on 6.1: pid, cgroup, net nested; mnt unknown inside a pid ns",
                .status = DOCKER_STATUS, .uid_map = "0 0 4294967295\n", .ns_dir = true,
                .links = { "user:[4026531837]", "pid:[4026532301]", "cgroup:[4026532302]",
                           "net:[4026532303]", "mnt:[4026532300]" },
                .pid1_links = { "user:[4026531837]", "pid:[4026532301]", "cgroup:[4026532302]",
                                "net:[4026532303]", "mnt:[4026532300]" },
                .sysctl = 2,
                .unknown = HUSK_SANDBOX_MNTNS, .mode = HUSK_SECCOMP_FILTER, .filters = 1, .nnp = true,
                .cap_eff = 0xa80425fbULL, .cap_bnd = 0xa80425fbULL,
                .pidns = true, .cgroupns = true, .netns = true,
        },
        {
                .name = "rootless podman on 6.18: userns by inode, net and mnt by fixed inodes",
                .status = DOCKER_STATUS, .uid_map = "0 1000 1\n1 100000 65536\n", .ns_dir = true,
                .links = { "user:[4026532400]", "pid:[4026532401]", "cgroup:[4026531835]",
                           "net:[4026532403]", "mnt:[4026532404]" },
                .mode = HUSK_SECCOMP_FILTER, .filters = 1, .nnp = true,
                .cap_eff = 0xa80425fbULL, .cap_bnd = 0xa80425fbULL,
                /* fixed inodes are only known from the real uname() or an init-valued link */
                .unknown = HUSK_SANDBOX_NETNS | HUSK_SANDBOX_MNTNS,
                .userns = true, .pidns = true,
        },
        {
                .name = "6.18 netns only: mnt at its fixed inode proves net's number is conclusive",
                .status = HOST_STATUS, .ns_dir = true,
                .links = INIT_LINKS("net:[4026532500]", "mnt:[4026531832]"),
                .cap_eff = 0x1ffffffffffULL, .cap_bnd = 0x1ffffffffffULL, .netns = true,
        },
        {
                .name = "Linux 4.9 without /proc/self/ns: uid_map, NSpid, mountinfo evidence",
                .status = OLD_STATUS, .uid_map = "         0     100000      65536\n",
                .mountinfo = "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
                             "31 22 0:27 /../.. /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
                .unknown = HUSK_SANDBOX_SECCOMP_FILTERS | HUSK_SANDBOX_NO_NEW_PRIVS |
                           HUSK_SANDBOX_NETNS | HUSK_SANDBOX_MNTNS,
                .mode = HUSK_SECCOMP_FILTER,
                .cap_eff = 0x3fffffffffULL, .cap_bnd = 0x3fffffffffULL,
                .userns = true, .pidns = true, .cgroupns = true,
        },
        {
                .name = "no /proc/self/ns, host-like maps: identity uid_map is conclusive, one NSpid is not",
                .status = HOST_STATUS, .uid_map = "0 0 4294967295\n", .mountinfo = HOST_MOUNTINFO,
                .unknown = HUSK_SANDBOX_PIDNS | HUSK_SANDBOX_CGROUPNS | HUSK_SANDBOX_NETNS |
                           HUSK_SANDBOX_MNTNS,
                .cap_eff = 0x1ffffffffffULL, .cap_bnd = 0x1ffffffffffULL,
        },
        {
                .name = "fresh user namespace: empty uid_map",
                .status = HOST_STATUS, .uid_map = "", .sysctl = 1,
                .unknown = HUSK_SANDBOX_PIDNS | HUSK_SANDBOX_CGROUPNS | HUSK_SANDBOX_MNTNS,
                .cap_eff = 0x1ffffffffffULL, .cap_bnd = 0x1ffffffffffULL, .userns = true,
        },
        {
                .name = "kernel without cgroup namespaces (4.4): no link means not in one",
                .status = HOST_STATUS, .ns_dir = true,
                .links = { "user:[4026531837]", "pid:[4026531836]", NULL, "net:[4026531956]",
                           "mnt:[4026531840]" },
                .sysctl = 1,
                .unknown = HUSK_SANDBOX_MNTNS,
                .cap_eff = 0x1ffffffffffULL, .cap_bnd = 0x1ffffffffffULL,
        },
        {
                .name = "malformed values are unknown, not zero",
                .status = "Seccomp:\tbanana\nSeccomp_filters:\t-1\nNoNewPrivs:\t7\n"
                          "CapInh:\t0\nCapPrm:\t0\nCapEff:\tzz\nCapBnd:\t0\nCapAmb:\t00000000000000000\n",
                .ns_dir = true, .links = INIT_LINKS("net:[4026531833]", "mnt:[4026531832]"),
                .unknown = HUSK_SANDBOX_SECCOMP | HUSK_SANDBOX_SECCOMP_FILTERS |
                           HUSK_SANDBOX_NO_NEW_PRIVS | HUSK_SANDBOX_CAPS | HUSK_SANDBOX_CAP_AMB,
        },
        {
                .name = "malformed ns links are unknown",
                .status = HOST_STATUS, .ns_dir = true,
                .links = { "user:4026531837", "pid:[]", "net:[4026531835]", "net:[x]", "mnt:[1" },
                .unknown = HUSK_SANDBOX_USERNS | HUSK_SANDBOX_PIDNS | HUSK_SANDBOX_CGROUPNS |
                           HUSK_SANDBOX_NETNS | HUSK_SANDBOX_MNTNS,
                .cap_eff = 0x1ffffffffffULL, .cap_bnd = 0x1ffffffffffULL,
        },
        {
                .name = "no /proc at all (scratch image): only the root's mount flags",
                .unknown = HUSK_SANDBOX_ALL & ~HUSK_SANDBOX_READONLY_ROOT,
        },
};

static void write_file(const char *dir, const char *name, const char *content) {
        char path[512];
        FILE *f;

        snprintf(path, sizeof path, "%s/%s", dir, name);
        f = fopen(path, "we");
        cr_assert_not_null(f, "fopen %s: %s", path, strerror(errno));
        cr_assert_eq(fputs(content, f) >= 0 || content[0] == '\0', true);
        cr_assert_eq(fclose(f), 0);
}

static void mkdir_p(const char *root, const char *rel) {
        char path[512];

        snprintf(path, sizeof path, "%s/%s", root, rel);
        for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
                *p = '\0';
                cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
                *p = '/';
        }
        cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
}

static void make_links(const char *root, const char *dir, const char *const *links) {
        char path[512];

        for (unsigned i = 0; i < _L_MAX; i++) {
                if (!links[i])
                        continue;
                snprintf(path, sizeof path, "%s/%s/%s", root, dir, link_types[i]);
                cr_assert_eq(symlink(links[i], path), 0, "symlink %s: %s", path, strerror(errno));
        }
}

static bool any_link(const char *const *links) {
        for (unsigned i = 0; i < _L_MAX; i++)
                if (links[i])
                        return true;
        return false;
}

/* Build the tree a fixture describes under a fresh temporary directory. */
static void build_fixture(const struct fixture *f, char *root) {
        cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
        if (f->status || f->uid_map || f->mountinfo || f->ns_dir)
                mkdir_p(root, "proc/self");
        if (f->status)
                write_file(root, "proc/self/status", f->status);
        if (f->uid_map)
                write_file(root, "proc/self/uid_map", f->uid_map);
        if (f->mountinfo)
                write_file(root, "proc/self/mountinfo", f->mountinfo);
        if (f->ns_dir) {
                mkdir_p(root, "proc/self/ns");
                make_links(root, "proc/self/ns", f->links);
        }
        if (any_link(f->pid1_links)) {
                mkdir_p(root, "proc/1/ns");
                make_links(root, "proc/1/ns", f->pid1_links);
        }
        if (f->sysctl) {
                mkdir_p(root, "proc/sys/net/core");
                write_file(root, "proc/sys/net/core/somaxconn", "4096\n");
                if (f->sysctl == 1)
                        write_file(root, "proc/sys/net/core/netdev_max_backlog", "1000\n");
        }
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static void check_fixture(const struct fixture *f) {
        char root[] = "/tmp/husk-sandbox-XXXXXX";
        struct husk_sandbox sb;
        int r;

        build_fixture(f, root);
        r = husk_sandbox_probe_at(root, &sb);
        (void) nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

        cr_assert_eq(r, 0, "%s: probe returned %d", f->name, r);
        cr_expect_eq(sb.unknown, f->unknown, "%s: unknown %#x, want %#x", f->name, sb.unknown, f->unknown);
        cr_expect_eq(sb.seccomp_mode, f->mode, "%s: seccomp mode %d", f->name, sb.seccomp_mode);
        cr_expect_eq(sb.seccomp_filters, f->filters, "%s: filters %u", f->name, sb.seccomp_filters);
        cr_expect_eq(sb.no_new_privs, f->nnp, "%s: no_new_privs", f->name);
        cr_expect_eq(sb.cap_eff, f->cap_eff, "%s: cap_eff %#llx", f->name, (unsigned long long) sb.cap_eff);
        cr_expect_eq(sb.cap_prm, f->cap_eff, "%s: cap_prm %#llx", f->name, (unsigned long long) sb.cap_prm);
        cr_expect_eq(sb.cap_bnd, f->cap_bnd, "%s: cap_bnd %#llx", f->name, (unsigned long long) sb.cap_bnd);
        cr_expect_eq(sb.cap_inh, 0, "%s: cap_inh", f->name);
        cr_expect_eq(sb.in_userns, f->userns, "%s: in_userns", f->name);
        cr_expect_eq(sb.in_pidns, f->pidns, "%s: in_pidns", f->name);
        cr_expect_eq(sb.in_cgroupns, f->cgroupns, "%s: in_cgroupns", f->name);
        cr_expect_eq(sb.in_netns, f->netns, "%s: in_netns", f->name);
        cr_expect_eq(sb.in_mntns, f->mntns, "%s: in_mntns", f->name);
        cr_expect_eq(sb.readonly_root, false, "%s: readonly_root (a writable /tmp)", f->name);
}

Test(sandbox_fixture, table) {
        for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
                check_fixture(&fixtures[i]);
}

Test(sandbox_fixture, missing_root) {
        struct husk_sandbox sb = { .unknown = 0xdead };

        cr_expect_eq(husk_sandbox_probe_at("/nonexistent/husk-root", &sb), -ENOENT);
        cr_expect_eq(sb.unknown, 0xdead, "ret written on failure");
}

Test(sandbox_names, fields_and_modes) {
        static const struct { unsigned bit; const char *name; } fields[] = {
                { HUSK_SANDBOX_SECCOMP, "seccomp" },
                { HUSK_SANDBOX_SECCOMP_FILTERS, "seccomp-filters" },
                { HUSK_SANDBOX_NO_NEW_PRIVS, "no-new-privs" },
                { HUSK_SANDBOX_CAPS, "caps" },
                { HUSK_SANDBOX_CAP_AMB, "cap-amb" },
                { HUSK_SANDBOX_USERNS, "userns" },
                { HUSK_SANDBOX_PIDNS, "pidns" },
                { HUSK_SANDBOX_CGROUPNS, "cgroupns" },
                { HUSK_SANDBOX_NETNS, "netns" },
                { HUSK_SANDBOX_MNTNS, "mntns" },
                { HUSK_SANDBOX_READONLY_ROOT, "readonly-root" },
        };
        unsigned all = 0;

        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
                cr_expect_str_eq(husk_sandbox_field_to_string(fields[i].bit), fields[i].name);
                all |= fields[i].bit;
        }
        cr_expect_eq(all, HUSK_SANDBOX_ALL);
        cr_expect_null(husk_sandbox_field_to_string(0));
        cr_expect_null(husk_sandbox_field_to_string(HUSK_SANDBOX_SECCOMP | HUSK_SANDBOX_CAPS));
        cr_expect_null(husk_sandbox_field_to_string(HUSK_SANDBOX_ALL + 1));
        cr_expect_str_eq(husk_seccomp_mode_to_string(HUSK_SECCOMP_DISABLED), "disabled");
        cr_expect_str_eq(husk_seccomp_mode_to_string(HUSK_SECCOMP_STRICT), "strict");
        cr_expect_str_eq(husk_seccomp_mode_to_string(HUSK_SECCOMP_FILTER), "filter");
        cr_expect_null(husk_seccomp_mode_to_string((enum husk_seccomp_mode) 3));
}

Test(sandbox_names, syscalls_and_verdicts) {
        static const char *const names[] = {
                "clone3", "io_uring_setup", "userfaultfd", "pidfd_open", "memfd_create", "bpf",
                "perf_event_open", "openat2", "close_range",
        };
        enum husk_syscall sc = _HUSK_SYSCALL_MAX;

        cr_assert_eq(sizeof names / sizeof names[0], (size_t) _HUSK_SYSCALL_MAX);
        for (unsigned i = 0; i < _HUSK_SYSCALL_MAX; i++) {
                cr_expect_str_eq(husk_syscall_to_string((enum husk_syscall) i), names[i]);
                cr_expect_eq(husk_syscall_from_string(names[i], &sc), 0);
                cr_expect_eq(sc, (enum husk_syscall) i);
        }
        sc = HUSK_SYSCALL_BPF;
        cr_expect_eq(husk_syscall_from_string("io_uring", &sc), -EINVAL);
        cr_expect_eq(husk_syscall_from_string(NULL, &sc), -EINVAL);
        cr_expect_eq(sc, HUSK_SYSCALL_BPF, "ret written on failure");
        cr_expect_null(husk_syscall_to_string(_HUSK_SYSCALL_MAX));

        cr_expect_str_eq(husk_syscall_verdict_to_string(HUSK_SYSCALL_ALLOWED), "allowed");
        cr_expect_str_eq(husk_syscall_verdict_to_string(HUSK_SYSCALL_ERRNO), "errno");
        cr_expect_str_eq(husk_syscall_verdict_to_string(HUSK_SYSCALL_TRAP), "trap");
        cr_expect_str_eq(husk_syscall_verdict_to_string(HUSK_SYSCALL_KILL), "kill");
        cr_expect_str_eq(husk_syscall_verdict_to_string(HUSK_SYSCALL_UNSUPPORTED), "unsupported");
        cr_expect_null(husk_syscall_verdict_to_string((enum husk_syscall_verdict) 5));
}

Test(sandbox_syscall, unknown_syscall) {
        struct husk_syscall_result res = { .error = 1234 };

        cr_expect_eq(husk_syscall_probe(_HUSK_SYSCALL_MAX, &res), -EINVAL);
        cr_expect_eq(husk_syscall_probe((enum husk_syscall) -1, &res), -EINVAL);
        cr_expect_eq(res.error, 1234, "ret written on failure");
}
