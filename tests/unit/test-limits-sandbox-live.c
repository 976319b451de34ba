/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk_sandbox_probe() and husk_syscall_probe() against the real kernel: each test forks a
 * child that installs its own seccomp filters (libseccomp, test only), drops capabilities
 * or unshares namespaces, probes, and leaves the results in shared memory; the parent
 * asserts. A test whose feature is unavailable skips with the reason, or fails when
 * HUSK_TESTS_MUST_RUN=1. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "husk/sandbox.h"

#define CHILD_SKIP 77

/* What a child leaves for its parent. */
struct shared {
        char why[256];                  /* reason for CHILD_SKIP, or the step that failed */
        struct husk_sandbox before, after;
        int probe_r[_HUSK_SYSCALL_MAX];
        struct husk_syscall_result res[_HUSK_SYSCALL_MAX];
        uint64_t capget_eff, capget_prm;
        int done, wrong;                /* concurrent probes: finished, and with a wrong verdict */
        char wrong_what[128];
};

static struct shared *sh;

static void setup(void) {
        sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        cr_assert_neq(sh, MAP_FAILED);
}

static void teardown(void) {
        munmap(sh, sizeof *sh);
}

/* In the child: record why and end it, with CHILD_SKIP (feature missing) or 1 (failure). */
__attribute__((format(printf, 2, 3), noreturn)) static void child_exit(int code, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(sh->why, sizeof sh->why, fmt, ap);
        va_end(ap);
        _exit(code);
}

static void skip_or_fail(const char *why) {
        const char *must = getenv("HUSK_TESTS_MUST_RUN");

        if (must && strcmp(must, "1") == 0)
                cr_assert_fail("%s (and HUSK_TESTS_MUST_RUN=1)", why);
        else
                cr_skip_test("%s", why);
}

/* Run fn in a forked child; skip or fail on what it reports. */
static void run_child(void (*fn)(const void *arg), const void *arg) {
        int status = 0;
        pid_t pid;

        memset(sh, 0, sizeof *sh);
        pid = fork();
        cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
        if (pid == 0) {
                fn(arg);
                _exit(0);
        }
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_SKIP) {
                skip_or_fail(sh->why);
                return;
        }
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "child ended with status %#x: %s", status, sh->why);
}

/* Install one filter: allow everything but the (syscall, action) pairs given. */
static int install_filter(const int *nrs, const uint32_t *actions, size_t n) {
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        int r = ctx ? 0 : -ENOMEM;

        for (size_t i = 0; r >= 0 && i < n; i++)
                r = seccomp_rule_add(ctx, actions[i], nrs[i], 0);
        if (r >= 0)
                r = seccomp_load(ctx);
        seccomp_release(ctx);
        return r;
}

static void child_filters(const void *arg) {
        int nrs[2] = { __NR_getpriority, __NR_setpriority };
        uint32_t acts[2] = { SCMP_ACT_ERRNO(EPERM), SCMP_ACT_ERRNO(EPERM) };
        int r;

        if (husk_sandbox_probe(&sh->before) < 0)
                child_exit(1, "probe before");
        if (sh->before.unknown & (HUSK_SANDBOX_SECCOMP_FILTERS | HUSK_SANDBOX_NO_NEW_PRIVS))
                child_exit(CHILD_SKIP, "kernel shows no Seccomp_filters/NoNewPrivs in status (< 5.9)");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                child_exit(1, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
        r = install_filter(&nrs[0], &acts[0], 1);
        if (r >= 0)
                r = install_filter(&nrs[1], &acts[1], 1);
        if (r < 0)
                child_exit(CHILD_SKIP, "seccomp_load: %s", strerror(-r));
        if (husk_sandbox_probe(&sh->after) < 0)
                child_exit(1, "probe after");
}

Test(sandbox_live, nnp_and_two_filters, .init = setup, .fini = teardown) {
        run_child(child_filters, NULL);
        cr_expect_eq(sh->after.unknown & (HUSK_SANDBOX_SECCOMP | HUSK_SANDBOX_SECCOMP_FILTERS |
                                          HUSK_SANDBOX_NO_NEW_PRIVS), 0);
        cr_expect_eq(sh->after.seccomp_mode, HUSK_SECCOMP_FILTER);
        cr_expect_eq(sh->after.seccomp_filters, sh->before.seccomp_filters + 2,
                     "filters: %u before, %u after two more", sh->before.seccomp_filters,
                     sh->after.seccomp_filters);
        cr_expect(sh->after.no_new_privs);
        if (sh->before.seccomp_filters == 0)
                cr_expect_eq(sh->before.seccomp_mode, HUSK_SECCOMP_DISABLED);
}

static int raw_capget(uint64_t *eff, uint64_t *prm) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2] = {};

        if (syscall(__NR_capget, &h, d) < 0)
                return -errno;
        *eff = (uint64_t) d[1].effective << 32 | d[0].effective;
        *prm = (uint64_t) d[1].permitted << 32 | d[0].permitted;
        return 0;
}

static int raw_capset_eff(uint64_t eff, uint64_t prm) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2] = {
                { .effective = (uint32_t) eff, .permitted = (uint32_t) prm },
                { .effective = (uint32_t) (eff >> 32), .permitted = (uint32_t) (prm >> 32) },
        };

        return syscall(__NR_capset, &h, d) < 0 ? -errno : 0;
}

#define BIT(c) (UINT64_C(1) << (c))

/* Drop CAP_NET_RAW from the bounding set (prctl) and from the effective set (capset), with
 * CAP_SETPCAP from a user namespace when the test does not run as root. */
static void child_caps(const void *arg) {
        uint64_t eff, prm;

        if (raw_capget(&eff, &prm) < 0)
                child_exit(1, "capget: %s", strerror(errno));
        if (!(eff & BIT(CAP_SETPCAP)) && unshare(CLONE_NEWUSER) < 0)
                child_exit(CHILD_SKIP, "no CAP_SETPCAP and no user namespace: %s", strerror(errno));
        if (raw_capget(&eff, &prm) < 0)
                child_exit(1, "capget: %s", strerror(errno));
        if (!(eff & BIT(CAP_NET_RAW)))
                child_exit(CHILD_SKIP, "CAP_NET_RAW is not in the effective set to begin with");
        if (husk_sandbox_probe(&sh->before) < 0)
                child_exit(1, "probe before");
        if (prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0) < 0)
                child_exit(1, "PR_CAPBSET_DROP: %s", strerror(errno));
        if (raw_capset_eff(eff & ~BIT(CAP_NET_RAW), prm) < 0)
                child_exit(1, "capset: %s", strerror(errno));
        if (raw_capget(&sh->capget_eff, &sh->capget_prm) < 0)
                child_exit(1, "capget: %s", strerror(errno));
        if (husk_sandbox_probe(&sh->after) < 0)
                child_exit(1, "probe after");
}

Test(sandbox_live, capabilities_after_drop, .init = setup, .fini = teardown) {
        run_child(child_caps, NULL);
        cr_assert_eq(sh->after.unknown & HUSK_SANDBOX_CAPS, 0);
        cr_expect_eq(sh->after.cap_eff, sh->capget_eff, "cap_eff %#llx, capget %#llx",
                     (unsigned long long) sh->after.cap_eff, (unsigned long long) sh->capget_eff);
        cr_expect_eq(sh->after.cap_prm, sh->capget_prm);
        cr_expect(sh->before.cap_eff & BIT(CAP_NET_RAW));
        cr_expect(sh->before.cap_bnd & BIT(CAP_NET_RAW));
        cr_expect_not(sh->after.cap_eff & BIT(CAP_NET_RAW));
        cr_expect_not(sh->after.cap_bnd & BIT(CAP_NET_RAW));
        cr_expect(sh->after.cap_prm & BIT(CAP_NET_RAW), "permitted set keeps it");
        cr_expect_eq(sh->after.cap_bnd, sh->before.cap_bnd & ~BIT(CAP_NET_RAW), "only one bit dropped");
}

static void probe_all(void) {
        for (unsigned i = 0; i < _HUSK_SYSCALL_MAX; i++)
                sh->probe_r[i] = husk_syscall_probe((enum husk_syscall) i, &sh->res[i]);
}

/* ERRNO(EPERM) on userfaultfd, KILL_PROCESS on io_uring_setup, ERRNO(ENOSYS) on clone3,
 * TRAP on memfd_create, KILL_THREAD on bpf; the rest untouched. The probing child itself
 * must survive its probes' KILL actions. */
static void child_verdicts(const void *arg) {
        static const int nrs[] = { __NR_userfaultfd, __NR_io_uring_setup, __NR_clone3,
                                   __NR_memfd_create, __NR_bpf };
        static const uint32_t acts[] = { SCMP_ACT_ERRNO(EPERM), SCMP_ACT_KILL_PROCESS,
                                         SCMP_ACT_ERRNO(ENOSYS), SCMP_ACT_TRAP, SCMP_ACT_KILL_THREAD };
        int r;

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                child_exit(1, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
        r = install_filter(nrs, acts, sizeof nrs / sizeof nrs[0]);
        if (r < 0)
                child_exit(CHILD_SKIP, "seccomp_load: %s", strerror(-r));
        probe_all();
}

static void expect_verdict(enum husk_syscall sc, enum husk_syscall_verdict v, int error, int sig,
                           bool seccomp) {
        const struct husk_syscall_result *res = &sh->res[sc];
        const char *name = husk_syscall_to_string(sc);

        cr_assert_eq(sh->probe_r[sc], 0, "%s: probe returned %d", name, sh->probe_r[sc]);
        cr_expect_eq(res->verdict, v, "%s: verdict %s, want %s (errno %d, signal %d)", name,
                     husk_syscall_verdict_to_string(res->verdict), husk_syscall_verdict_to_string(v),
                     res->error, res->signal);
        cr_expect_eq(res->error, error, "%s: errno %d, want %d", name, res->error, error);
        cr_expect_eq(res->signal, sig, "%s: signal %d, want %d", name, res->signal, sig);
        cr_expect_eq(res->seccomp, seccomp, "%s: seccomp flag", name);
}

Test(sandbox_live, syscall_verdicts_under_filter, .init = setup, .fini = teardown, .timeout = 60) {
        run_child(child_verdicts, NULL);
        expect_verdict(HUSK_SYSCALL_USERFAULTFD, HUSK_SYSCALL_ERRNO, EPERM, 0, true);
        expect_verdict(HUSK_SYSCALL_IO_URING_SETUP, HUSK_SYSCALL_KILL, 0, SIGSYS, true);
        expect_verdict(HUSK_SYSCALL_CLONE3, HUSK_SYSCALL_ERRNO, ENOSYS, 0, true);
        expect_verdict(HUSK_SYSCALL_MEMFD_CREATE, HUSK_SYSCALL_TRAP, 0, SIGSYS, true);
        expect_verdict(HUSK_SYSCALL_BPF, HUSK_SYSCALL_KILL, 0, SIGSYS, true);
        expect_verdict(HUSK_SYSCALL_PIDFD_OPEN, HUSK_SYSCALL_ALLOWED, EINVAL, 0, true);
        expect_verdict(HUSK_SYSCALL_CLOSE_RANGE, HUSK_SYSCALL_ALLOWED, EINVAL, 0, true);
        expect_verdict(HUSK_SYSCALL_OPENAT2, HUSK_SYSCALL_ALLOWED, EINVAL, 0, true);
        expect_verdict(HUSK_SYSCALL_PERF_EVENT_OPEN, HUSK_SYSCALL_ALLOWED, EINVAL, 0, true);
}

#define THREADS 4
#define ROUNDS 10

/* One thread's share of the concurrent probes; the expected verdicts match child_threads's
 * filter. Counters live in shared memory, updated atomically. */
static void *probe_thread(void *arg) {
        static const struct { enum husk_syscall sc; enum husk_syscall_verdict v; } want[] = {
                { HUSK_SYSCALL_IO_URING_SETUP, HUSK_SYSCALL_KILL },
                { HUSK_SYSCALL_USERFAULTFD, HUSK_SYSCALL_ERRNO },
                { HUSK_SYSCALL_PIDFD_OPEN, HUSK_SYSCALL_ALLOWED },
        };

        for (int round = 0; round < ROUNDS; round++)
                for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
                        struct husk_syscall_result res;
                        int r = husk_syscall_probe(want[i].sc, &res);

                        if (r < 0 || res.verdict != want[i].v) {
                                if (__atomic_fetch_add(&sh->wrong, 1, __ATOMIC_SEQ_CST) == 0)
                                        snprintf(sh->wrong_what, sizeof sh->wrong_what, "%s: r=%d verdict %s",
                                                 husk_syscall_to_string(want[i].sc), r,
                                                 r < 0 ? "-" : husk_syscall_verdict_to_string(res.verdict));
                        }
                        __atomic_fetch_add(&sh->done, 1, __ATOMIC_SEQ_CST);
                }
        return NULL;
}

/* Probes from several threads at once: each forks while the others' pipes are open. */
static void child_threads(const void *arg) {
        static const int nrs[] = { __NR_io_uring_setup, __NR_userfaultfd };
        static const uint32_t acts[] = { SCMP_ACT_KILL_PROCESS, SCMP_ACT_ERRNO(EPERM) };
        pthread_t t[THREADS];
        int r;

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                child_exit(1, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
        r = install_filter(nrs, acts, sizeof nrs / sizeof nrs[0]);
        if (r < 0)
                child_exit(CHILD_SKIP, "seccomp_load: %s", strerror(-r));
        for (int i = 0; i < THREADS; i++)
                if ((r = pthread_create(&t[i], NULL, probe_thread, NULL)) != 0)
                        child_exit(1, "pthread_create: %s", strerror(r));
        for (int i = 0; i < THREADS; i++)
                pthread_join(t[i], NULL);
}

Test(sandbox_live, syscall_probes_from_threads, .init = setup, .fini = teardown, .timeout = 60) {
        run_child(child_threads, NULL);
        cr_expect_eq(sh->done, THREADS * ROUNDS * 3);
        cr_expect_eq(sh->wrong, 0, "%d wrong verdicts, first %s", sh->wrong, sh->wrong_what);
}

static void child_unfiltered(const void *arg) {
        if (husk_sandbox_probe(&sh->before) < 0)
                child_exit(1, "probe");
        if (sh->before.unknown & HUSK_SANDBOX_SECCOMP)
                child_exit(1, "seccomp mode unknown");
        if (sh->before.seccomp_mode != HUSK_SECCOMP_DISABLED)
                child_exit(CHILD_SKIP, "the test itself runs under a seccomp filter");
        probe_all();
}

/* Without any filter nothing can trap or kill, and ENOSYS can only be the kernel's. */
Test(sandbox_live, syscall_verdicts_unfiltered, .init = setup, .fini = teardown, .timeout = 60) {
        run_child(child_unfiltered, NULL);
        for (unsigned i = 0; i < _HUSK_SYSCALL_MAX; i++) {
                const struct husk_syscall_result *res = &sh->res[i];
                const char *name = husk_syscall_to_string((enum husk_syscall) i);

                cr_assert_eq(sh->probe_r[i], 0, "%s: probe returned %d", name, sh->probe_r[i]);
                cr_expect_not(res->seccomp, "%s", name);
                cr_expect(res->verdict == HUSK_SYSCALL_ALLOWED || res->verdict == HUSK_SYSCALL_ERRNO ||
                          res->verdict == HUSK_SYSCALL_UNSUPPORTED, "%s: %s", name,
                          husk_syscall_verdict_to_string(res->verdict));
                cr_expect(res->verdict != HUSK_SYSCALL_ERRNO || res->error != ENOSYS, "%s", name);
        }
        /* these have no sysctl or capability gate in front of their flag checks */
        expect_verdict(HUSK_SYSCALL_CLONE3, HUSK_SYSCALL_ALLOWED, EINVAL, 0, false);
        expect_verdict(HUSK_SYSCALL_PIDFD_OPEN, HUSK_SYSCALL_ALLOWED, EINVAL, 0, false);
        expect_verdict(HUSK_SYSCALL_CLOSE_RANGE, HUSK_SYSCALL_ALLOWED, EINVAL, 0, false);
        expect_verdict(HUSK_SYSCALL_MEMFD_CREATE, HUSK_SYSCALL_ALLOWED, EINVAL, 0, false);
}

/* A user-notification filter whose supervisor never answers: the probe must give up after
 * its 5 s and kill its child, not hang. */
static void child_notify(const void *arg) {
        scmp_filter_ctx ctx;
        int r, fd;

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                child_exit(1, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx)
                child_exit(1, "seccomp_init");
        r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, __NR_pidfd_open, 0);
        if (r >= 0)
                r = seccomp_load(ctx);
        if (r < 0)
                child_exit(CHILD_SKIP, "SCMP_ACT_NOTIFY: %s", strerror(-r));
        fd = seccomp_notify_fd(ctx);
        if (fd < 0)
                child_exit(CHILD_SKIP, "no seccomp notification fd: %s", strerror(-fd));
        sh->probe_r[0] = husk_syscall_probe(HUSK_SYSCALL_PIDFD_OPEN, &sh->res[0]);
        seccomp_release(ctx);
}

Test(sandbox_live, syscall_probe_times_out, .init = setup, .fini = teardown, .timeout = 60) {
        run_child(child_notify, NULL);
        cr_expect_eq(sh->probe_r[0], -ETIMEDOUT, "probe returned %d", sh->probe_r[0]);
}

struct ns_case {
        const char *name;
        int flags;
        unsigned bit;
        size_t field;   /* offsetof the bool in struct husk_sandbox */
};

static const struct ns_case ns_cases[] = {
        { "user", CLONE_NEWUSER, HUSK_SANDBOX_USERNS, offsetof(struct husk_sandbox, in_userns) },
        { "pid", CLONE_NEWPID, HUSK_SANDBOX_PIDNS, offsetof(struct husk_sandbox, in_pidns) },
        { "cgroup", CLONE_NEWCGROUP, HUSK_SANDBOX_CGROUPNS, offsetof(struct husk_sandbox, in_cgroupns) },
        { "net", CLONE_NEWNET, HUSK_SANDBOX_NETNS, offsetof(struct husk_sandbox, in_netns) },
        { "mnt", CLONE_NEWNS, HUSK_SANDBOX_MNTNS, offsetof(struct husk_sandbox, in_mntns) },
};

static bool field(const struct husk_sandbox *sb, const struct ns_case *c) {
        return *(const bool *) ((const char *) sb + c->field);
}

/* Probe before and after unshare(flags). A new pid namespace holds only the children
 * forked afterwards, so the "after" probe runs in a grandchild. */
static void child_unshare(const void *arg) {
        int flags = *(const int *) arg, status;
        pid_t pid;

        if (husk_sandbox_probe(&sh->before) < 0)
                child_exit(1, "probe before");
        if (unshare(flags) < 0)
                child_exit(CHILD_SKIP, "unshare(%#x): %s", flags, strerror(errno));
        if (!(flags & CLONE_NEWPID)) {
                if (husk_sandbox_probe(&sh->after) < 0)
                        child_exit(1, "probe after");
                return;
        }
        pid = fork();
        if (pid < 0)
                child_exit(1, "fork: %s", strerror(errno));
        if (pid == 0)
                _exit(husk_sandbox_probe(&sh->after) < 0);
        if (waitpid(pid, &status, 0) != pid || status != 0)
                child_exit(1, "grandchild probe failed (%#x)", status);
}

/* Each namespace type on its own: as root directly (the primary evidence), and combined with
 * a new user namespace (unprivileged, and the nsfs owner evidence). */
static void check_unshare(bool with_userns) {
        for (size_t i = 0; i < sizeof ns_cases / sizeof ns_cases[0]; i++) {
                const struct ns_case *c = &ns_cases[i];
                int flags = c->flags | (with_userns ? CLONE_NEWUSER : 0);

                if (!with_userns && c->flags == CLONE_NEWUSER)
                        continue;
                run_child(child_unshare, &flags);
                cr_expect_eq(sh->after.unknown & c->bit, 0, "%s: after unshare, %s is unknown",
                             c->name, husk_sandbox_field_to_string(c->bit));
                cr_expect(field(&sh->after, c), "%s: not detected after unshare(%#x)", c->name, flags);
                if (with_userns)
                        cr_expect(sh->after.in_userns, "%s: userns not detected", c->name);
        }
}

Test(sandbox_live, namespaces_as_root, .init = setup, .fini = teardown) {
        if (geteuid() != 0)
                skip_or_fail("needs root to unshare without a user namespace");
        check_unshare(false);
}

Test(sandbox_live, namespaces_in_userns, .init = setup, .fini = teardown) {
        check_unshare(true);
}

/* In a private mount namespace, remount "/" read-only: readonly_root must follow. */
static void child_readonly(const void *arg) {
        if (unshare(CLONE_NEWNS | (geteuid() != 0 ? CLONE_NEWUSER : 0)) < 0)
                child_exit(CHILD_SKIP, "unshare mount namespace: %s", strerror(errno));
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                child_exit(1, "make / private: %s", strerror(errno));
        if (husk_sandbox_probe(&sh->before) < 0)
                child_exit(1, "probe before");
        if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
                child_exit(CHILD_SKIP, "remount / read-only: %s", strerror(errno));
        if (husk_sandbox_probe(&sh->after) < 0)
                child_exit(1, "probe after");
}

Test(sandbox_live, readonly_root, .init = setup, .fini = teardown) {
        run_child(child_readonly, NULL);
        cr_expect_eq(sh->after.unknown & HUSK_SANDBOX_READONLY_ROOT, 0);
        cr_expect(sh->after.readonly_root);
        cr_expect(sh->after.in_mntns);
}
