/* SPDX-License-Identifier: LGPL-2.1-or-later
 * libhusk: what sandbox a process runs in, and which system calls it may use.
 *
 *   struct husk_sandbox sb;
 *   if (husk_sandbox_probe(&sb) >= 0 && !(sb.unknown & HUSK_SANDBOX_SECCOMP))
 *           ... sb.seccomp_mode, sb.seccomp_filters ...
 *
 *   struct husk_syscall_result r;
 *   if (husk_syscall_probe(HUSK_SYSCALL_IO_URING_SETUP, &r) >= 0 &&
 *       r.verdict != HUSK_SYSCALL_ALLOWED)
 *           ... fall back to epoll ...
 *
 * husk_sandbox_probe() only reads /proc (and asks nsfs for a namespace's owner); it never
 * changes the process. husk_syscall_probe() forks one short-lived child that calls the system
 * call with arguments the kernel rejects before doing anything, so a seccomp KILL action kills
 * only that child. libc only, never prints; failures are -errno (see libhusk(3)). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* prctl(PR_GET_SECCOMP) / "Seccomp:" in /proc/<pid>/status */
enum husk_seccomp_mode {
        HUSK_SECCOMP_DISABLED = 0,
        HUSK_SECCOMP_STRICT = 1,
        HUSK_SECCOMP_FILTER = 2,
};

/* Bits of husk_sandbox.unknown: one per field (group) of struct husk_sandbox. */
enum {
        HUSK_SANDBOX_SECCOMP = 1u << 0,         /* seccomp_mode */
        HUSK_SANDBOX_SECCOMP_FILTERS = 1u << 1, /* seccomp_filters ("Seccomp_filters:", Linux >= 5.9) */
        HUSK_SANDBOX_NO_NEW_PRIVS = 1u << 2,    /* no_new_privs ("NoNewPrivs:", Linux >= 4.10) */
        HUSK_SANDBOX_CAPS = 1u << 3,            /* cap_inh, cap_prm, cap_eff, cap_bnd */
        HUSK_SANDBOX_CAP_AMB = 1u << 4,         /* cap_amb ("CapAmb:", Linux >= 4.3) */
        HUSK_SANDBOX_USERNS = 1u << 5,          /* in_userns */
        HUSK_SANDBOX_PIDNS = 1u << 6,           /* in_pidns */
        HUSK_SANDBOX_CGROUPNS = 1u << 7,        /* in_cgroupns */
        HUSK_SANDBOX_NETNS = 1u << 8,           /* in_netns */
        HUSK_SANDBOX_MNTNS = 1u << 9,           /* in_mntns */
        HUSK_SANDBOX_READONLY_ROOT = 1u << 10,  /* readonly_root */
};
#define HUSK_SANDBOX_ALL ((1u << 11) - 1)

/* The calling thread's sandbox. A field whose bit is set in unknown could not be determined
 * (file missing or unreadable, kernel too old, no method gives a sure answer) and reads 0/false.
 * "in_<x>ns" means "in a namespace other than the machine's initial one". */
struct husk_sandbox {
        unsigned unknown;               /* HUSK_SANDBOX_* bits */
        enum husk_seccomp_mode seccomp_mode;
        unsigned seccomp_filters;       /* filters attached to the process (all inherited ones count) */
        bool no_new_privs;
        uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb; /* bit n = capability n (CAP_CHOWN = 0) */
        bool in_userns;     /* nsfs inode vs the initial one; else /proc/self/uid_map is not "0 0 4294967295" */
        bool in_pidns;      /* nsfs inode; else NSpid: with more than one entry (only when /proc is an ancestor's) */
        bool in_cgroupns;   /* nsfs inode; else a cgroup mount whose root lies outside the namespace ("/..") */
        bool in_netns;      /* nsfs inode (Linux >= 6.18); else /proc/sys/net/core/netdev_max_backlog,
                               which only the initial network namespace has; else a nested owner
                               user namespace, or pid 1's when in the initial pid namespace */
        bool in_mntns;      /* nsfs inode (Linux >= 6.18); else a nested owner user namespace, or
                               pid 1's when in the initial pid namespace (unknown in a container
                               without a user namespace on older kernels) */
        bool readonly_root; /* "/" is mounted read-only (statvfs ST_RDONLY) */
};

/* Describe the calling thread. Returns 0 — fields that could not be read (no /proc in a
 * scratch container, say) are flagged in unknown, not invented — or -ENOMEM. */
int husk_sandbox_probe(struct husk_sandbox *ret);

/* The same with a directory standing in for "/" (test fixtures): proc/self/{status,uid_map,
 * mountinfo}, proc/self/ns/<type> (symlinks "<type>:[<inode>]"), proc/1/ns/<type> and
 * proc/sys/net/core are read under root (proc/thread-self first), and readonly_root
 * describes root itself. nsfs ioctls are used only when root is NULL or "/". -errno if root
 * cannot be opened. */
int husk_sandbox_probe_at(const char *root, struct husk_sandbox *ret);

/* Name of one HUSK_SANDBOX_* bit ("seccomp", "seccomp-filters", "no-new-privs", "caps",
 * "cap-amb", "userns", "pidns", "cgroupns", "netns", "mntns", "readonly-root"); NULL for
 * anything else. */
const char *husk_sandbox_field_to_string(unsigned bit);
/* "disabled", "strict", "filter"; NULL for other values */
const char *husk_seccomp_mode_to_string(enum husk_seccomp_mode m);

/* System calls a workload may want to avoid when they are blocked. */
enum husk_syscall {
        HUSK_SYSCALL_CLONE3,          /* Linux 5.3 */
        HUSK_SYSCALL_IO_URING_SETUP,  /* Linux 5.1 */
        HUSK_SYSCALL_USERFAULTFD,     /* Linux 4.3 */
        HUSK_SYSCALL_PIDFD_OPEN,      /* Linux 5.3 */
        HUSK_SYSCALL_MEMFD_CREATE,    /* Linux 3.17 */
        HUSK_SYSCALL_BPF,             /* Linux 3.18 */
        HUSK_SYSCALL_PERF_EVENT_OPEN, /* Linux 2.6.31 */
        HUSK_SYSCALL_OPENAT2,         /* Linux 5.6 */
        HUSK_SYSCALL_CLOSE_RANGE,     /* Linux 5.9 */
        _HUSK_SYSCALL_MAX,
};

enum husk_syscall_verdict {
        HUSK_SYSCALL_ALLOWED,       /* the kernel ran it: it gave the answer these arguments get */
        HUSK_SYSCALL_ERRNO,         /* blocked: it failed with an errno the kernel does not give for these
                                       arguments (EPERM, or ENOSYS although the kernel has the call):
                                       a seccomp SCMP_ACT_ERRNO, or the kernel's own policy (sysctl
                                       kernel.io_uring_disabled, vm.unprivileged_userfaultfd, an LSM) */
        HUSK_SYSCALL_TRAP,          /* blocked: it raised SIGSYS (seccomp SCMP_ACT_TRAP) */
        HUSK_SYSCALL_KILL,          /* blocked: the child was killed by it (SCMP_ACT_KILL_PROCESS/_THREAD) */
        HUSK_SYSCALL_UNSUPPORTED,   /* ENOSYS from the kernel: too old, or built without it */
};

struct husk_syscall_result {
        enum husk_syscall_verdict verdict;
        int error;          /* ALLOWED: the errno the probe got (0 if it succeeded); ERRNO,
                               UNSUPPORTED: the errno; TRAP, KILL: 0 */
        int signal;         /* KILL: the signal that ended the child; TRAP: SIGSYS; else 0 */
        bool seccomp;       /* a seccomp filter was in force: a block may come from it. false: any
                               block is the kernel's own policy */
};

/* Find out whether sc is usable by the calling process, by trying it in a forked child with
 * arguments the kernel rejects before doing anything (clone3 with size 0, io_uring_setup with
 * no params, userfaultfd with unknown flags, ...), so nothing is created. The child runs only
 * async-signal-safe code (safe in multithreaded callers) and cannot dump core.
 *
 * ENOSYS is ambiguous: seccomp filters (Docker's for clone3) return it on purpose. It is
 * UNSUPPORTED when no seccomp filter is in force or the kernel release predates the call,
 * ERRNO otherwise — so a kernel built without the call (CONFIG_IO_URING=n) that also runs
 * under a filter is reported as ERRNO. A filter may also answer with the very errno the probe
 * expects (EINVAL): such a block passes as ALLOWED. ALLOWED means the call reaches the kernel,
 * not that every use of it is permitted (e.g. bpf(2) commands still check capabilities).
 *
 * Returns 0, -EINVAL for an unknown sc, -ETIMEDOUT if the child did not answer within 5 s (a
 * seccomp user-notification supervisor that never replies; the child is killed), -EPROTO if
 * the child died before reaching the call, -ECHILD if its exit status was taken by someone
 * else (SIGCHLD set to SIG_IGN), or the -errno of pipe(2)/fork(2). */
int husk_syscall_probe(enum husk_syscall sc, struct husk_syscall_result *ret);

/* "clone3", "io_uring_setup", ... (the kernel's names); NULL for an unknown value. */
const char *husk_syscall_to_string(enum husk_syscall sc);
/* The inverse; -EINVAL for an unknown name. */
int husk_syscall_from_string(const char *s, enum husk_syscall *ret);
/* "allowed", "errno", "trap", "kill", "unsupported"; NULL for other values */
const char *husk_syscall_verdict_to_string(enum husk_syscall_verdict v);

#ifdef __cplusplus
}
#endif
