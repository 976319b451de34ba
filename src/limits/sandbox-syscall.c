/* SPDX-License-Identifier: LGPL-2.1-or-later
 * husk_syscall_probe(): is a system call usable here, or does seccomp (or the kernel's own
 * policy) block it? Found by trying it, the way Go's runtime falls back when clone3 fails:
 * a forked child calls it with arguments the kernel rejects before doing any work, and
 * tells the parent over a pipe what came back.
 *
 * Child protocol (8-byte records, atomic on a pipe): SECCOMP <mode>, READY, then RETURNED
 * <errno> or, from the SIGSYS handler, TRAPPED <syscall nr>. A seccomp KILL action ends the
 * child by SIGSYS without a record; its handler never runs. Between fork() and _exit() the
 * child calls only async-signal-safe functions and allocates nothing, as POSIX requires of
 * children of multithreaded processes (glibc and musl alike). Plain fork() rather than
 * vfork()/CLONE_VM: the child installs a signal handler and may be killed mid-call, neither
 * of which is safe on a borrowed stack; the price is the page-table copy and the caller's
 * pthread_atfork() handlers, once per probe. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "husk/sandbox.h"

/* Numbers >= 424 are the same on every architecture (asm-generic/unistd.h) but missing from
 * older libc headers. */
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif

#define UFFD_USER_MODE_ONLY 1        /* include/uapi/linux/userfaultfd.h */
#define PROBE_TIMEOUT_MS 5000

/* One probe: arguments the kernel refuses up front, and the errnos it refuses them with. */
struct probe {
        const char *name;
        long nr;
        unsigned since_major, since_minor; /* first kernel release with the call */
        long args[6];
        int expect[2];                     /* errnos meaning "the kernel ran it" */
};

static const struct probe probes[_HUSK_SYSCALL_MAX] = {
        /* size < CLONE_ARGS_SIZE_VER0 is checked first (kernel/fork.c copy_clone_args_from_user) */
        [HUSK_SYSCALL_CLONE3] = { "clone3", __NR_clone3, 5, 3, { 0, 0 }, { EINVAL } },
        /* params are copied before anything is allocated (io_uring/io_uring.c io_uring_setup) */
        [HUSK_SYSCALL_IO_URING_SETUP] = { "io_uring_setup", __NR_io_uring_setup, 5, 1, { 0, 0 },
                                          { EFAULT, EINVAL } },
        /* UFFD_USER_MODE_ONLY passes the vm.unprivileged_userfaultfd check (5.11+), the
         * unknown bit 30 then fails new_userfaultfd()'s flag check */
        [HUSK_SYSCALL_USERFAULTFD] = { "userfaultfd", __NR_userfaultfd, 4, 3,
                                       { UFFD_USER_MODE_ONLY | (1L << 30) }, { EINVAL } },
        /* flags are checked before the pid (kernel/pid.c) */
        [HUSK_SYSCALL_PIDFD_OPEN] = { "pidfd_open", __NR_pidfd_open, 5, 3, { 0, 0xffffffffL },
                                      { EINVAL } },
        /* unknown flags are checked before the name is copied (mm/memfd.c) */
        [HUSK_SYSCALL_MEMFD_CREATE] = { "memfd_create", __NR_memfd_create, 3, 17, { 0, 0xffffffffL },
                                        { EINVAL } },
        /* command -1 with an empty attr hits the "default: -EINVAL" of __sys_bpf() */
        [HUSK_SYSCALL_BPF] = { "bpf", __NR_bpf, 3, 18, { -1, 0, 0 }, { EINVAL } },
        /* flags are checked before attr is copied (kernel/events/core.c) */
        [HUSK_SYSCALL_PERF_EVENT_OPEN] = { "perf_event_open", __NR_perf_event_open, 2, 6,
                                           { 0, 0, -1, -1, -1L }, { EINVAL } },
        /* usize < OPEN_HOW_SIZE_VER0 is checked first (fs/open.c) */
        [HUSK_SYSCALL_OPENAT2] = { "openat2", __NR_openat2, 5, 6, { AT_FDCWD, 0, 0, 0 }, { EINVAL } },
        /* unknown flags and fd > max_fd are both refused before any fd is touched (fs/file.c) */
        [HUSK_SYSCALL_CLOSE_RANGE] = { "close_range", __NR_close_range, 5, 9,
                                       { 0xffffffffL, 0, 0xffffffffL }, { EINVAL } },
};

enum {
        REC_SECCOMP = 1,
        REC_READY,
        REC_RETURNED,
        REC_TRAPPED,
};

struct record {
        int32_t kind;
        int32_t value;
};

/* Written in the child only, before its SIGSYS handler is installed. */
static int child_fd = -1;

static void child_send(int kind, int value) {
        struct record rec = { kind, value };

        (void) !write(child_fd, &rec, sizeof rec);
}

/* SECCOMP_RET_TRAP: the kernel delivers SIGSYS with si_syscall set (seccomp(2)). */
static void child_sigsys(int sig, siginfo_t *si, void *ucontext) {
        child_send(REC_TRAPPED, si->si_syscall);
        _exit(0);
}

_noreturn_ static void child_run(const struct probe *p, int fd) {
        struct sigaction sa = { .sa_sigaction = child_sigsys, .sa_flags = SA_SIGINFO };
        sigset_t set;
        int mode;
        long r;

        child_fd = fd;
        /* a KILL action would otherwise dump core (SIGSYS) into systemd-coredump or cwd */
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        (void) sigemptyset(&sa.sa_mask);
        (void) sigaction(SIGSYS, &sa, NULL);
        (void) sigemptyset(&set);
        (void) sigaddset(&set, SIGSYS);
        (void) sigprocmask(SIG_UNBLOCK, &set, NULL);

        /* seccomp filters are per thread: ask in the child, which has the caller's */
        mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
        child_send(REC_SECCOMP, mode >= 0 ? mode : HUSK_SECCOMP_FILTER);
        child_send(REC_READY, 0);

        r = syscall(p->nr, p->args[0], p->args[1], p->args[2], p->args[3], p->args[4], p->args[5]);
        child_send(REC_RETURNED, r < 0 ? errno : 0);
        _exit(0);
}

/* Is the running kernel older than major.minor? false when uname() cannot say. */
static bool kernel_older_than(unsigned major, unsigned minor) {
        struct utsname u;
        unsigned a, b;

        if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &a, &b) != 2)
                return false;
        return a < major || (a == major && b < minor);
}

static int64_t now_ms(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Has the child ended? (WNOWAIT: its status stays for wait_child()). ECHILD, when the
 * caller has SIGCHLD set to SIG_IGN and the kernel reaped it, counts as ended. */
static bool child_ended(pid_t pid) {
        siginfo_t si = {};

        if (waitid(P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
                return errno == ECHILD;
        return si.si_pid == pid;
}

/* Read the child's records until a final one (RETURNED, TRAPPED), EOF, or the child's end:
 * another thread of the caller may fork while our pipe is open and hold its write end, so
 * EOF alone may come late. *last is the final record (kind 0: none). -ETIMEDOUT after the
 * deadline. */
static int read_records(int fd, pid_t pid, int *seccomp, bool *ready, struct record *last) {
        int64_t deadline = now_ms() + PROBE_TIMEOUT_MS;
        bool ended = false;
        struct record rec;

        *last = (struct record) {};
        for (;;) {
                struct pollfd pfd = { .fd = fd, .events = POLLIN };
                int64_t left = deadline - now_ms();
                ssize_t n;

                if (left <= 0)
                        return -ETIMEDOUT;
                n = poll(&pfd, 1, ended ? 0 : (int) (left < 10 ? left : 10));
                if (n < 0 && errno != EINTR)
                        return -errno;
                if (n == 0 && ended)
                        return 0; /* it ended and everything it wrote has been read */
                if (n == 0)
                        ended = child_ended(pid);
                if (n <= 0)
                        continue;
                n = read(fd, &rec, sizeof rec);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
                if (n != sizeof rec)
                        return -EPROTO;
                if (rec.kind == REC_SECCOMP)
                        *seccomp = rec.value;
                else if (rec.kind == REC_READY)
                        *ready = true;
                else {
                        *last = rec;
                        return 0;
                }
        }
}

static int wait_child(pid_t pid, int *ret_status) {
        for (;;) {
                if (waitpid(pid, ret_status, 0) >= 0)
                        return 0;
                if (errno != EINTR)
                        return -errno;
        }
}

/* Turn what the child reported into a verdict. */
static int classify(const struct probe *p, const struct record *last, int status, bool ready,
                    int seccomp, struct husk_syscall_result *ret) {
        struct husk_syscall_result res = { .seccomp = seccomp == HUSK_SECCOMP_FILTER };
        int e = last->value;

        if (!ready)
                return -EPROTO;
        if (last->kind == REC_TRAPPED) {
                if (last->value != p->nr)
                        return -EPROTO;
                res.verdict = HUSK_SYSCALL_TRAP;
                res.signal = SIGSYS;
        } else if (last->kind == REC_RETURNED) {
                if (e == 0 || e == p->expect[0] || e == p->expect[1])
                        res.verdict = HUSK_SYSCALL_ALLOWED;
                else if (e == ENOSYS && (!res.seccomp || kernel_older_than(p->since_major, p->since_minor)))
                        res.verdict = HUSK_SYSCALL_UNSUPPORTED;
                else
                        res.verdict = HUSK_SYSCALL_ERRNO;
                res.error = e;
        } else if (WIFSIGNALED(status)) {
                res.verdict = HUSK_SYSCALL_KILL;
                res.signal = WTERMSIG(status);
        } else
                return -EPROTO;
        *ret = res;
        return 0;
}

int husk_syscall_probe(enum husk_syscall sc, struct husk_syscall_result *ret) {
        _cleanup_close_ int rfd = -EBADF, wfd = -EBADF;
        int fds[2], seccomp = -1, status = 0, r;
        struct record last;
        bool ready = false;
        pid_t pid;

        if ((unsigned) sc >= _HUSK_SYSCALL_MAX)
                return -EINVAL;
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        rfd = fds[0];
        wfd = fds[1];

        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                child_run(&probes[sc], wfd);

        wfd = safe_close(wfd);
        r = read_records(rfd, pid, &seccomp, &ready, &last);
        if (r == -ETIMEDOUT)
                (void) kill(pid, SIGKILL);
        int w = wait_child(pid, &status);
        if (r < 0)
                return r;
        /* without an exit status only a final record can tell what happened */
        if (w < 0 && last.kind == 0)
                return w;
        return classify(&probes[sc], &last, status, ready, seccomp, ret);
}

const char *husk_syscall_to_string(enum husk_syscall sc) {
        if ((unsigned) sc >= _HUSK_SYSCALL_MAX)
                return NULL;
        return probes[sc].name;
}

int husk_syscall_from_string(const char *s, enum husk_syscall *ret) {
        for (unsigned i = 0; s && i < _HUSK_SYSCALL_MAX; i++)
                if (strcmp(probes[i].name, s) == 0) {
                        *ret = (enum husk_syscall) i;
                        return 0;
                }
        return -EINVAL;
}

const char *husk_syscall_verdict_to_string(enum husk_syscall_verdict v) {
        static const char *const names[] = {
                [HUSK_SYSCALL_ALLOWED] = "allowed",
                [HUSK_SYSCALL_ERRNO] = "errno",
                [HUSK_SYSCALL_TRAP] = "trap",
                [HUSK_SYSCALL_KILL] = "kill",
                [HUSK_SYSCALL_UNSUPPORTED] = "unsupported",
        };

        if ((unsigned) v >= ELEMENTSOF(names))
                return NULL;
        return names[v];
}
