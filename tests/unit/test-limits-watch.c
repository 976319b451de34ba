/* SPDX-License-Identifier: GPL-2.0-or-later
 * Change notification, re-resolve after a move, unreadable files and PSI, over a writable copy
 * of a fixture tree (inotify sees writes to regular files as it sees them on cgroupfs). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "husk/limits.h"

#define FIX FIXTURES_DIR "/limits/"
#define MiB (UINT64_C(1) << 20)

static char tmp[256];

static void copy_fixture(const char *name) {
        snprintf(tmp, sizeof tmp, "/tmp/husk-limits-test.XXXXXX");
        cr_assert_not_null(mkdtemp(tmp));
        cr_assert_eq(chmod(tmp, 0755), 0);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "cp -a '%s%s/.' '%s/'", FIX, name, tmp);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void remove_copy(void) {
        if (!tmp[0])
                return;
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        (void) system(cmd);
}

static void write_in(const char *rel, const char *s) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", tmp, rel);
        cr_assert_eq(write_string_file_at(AT_FDCWD, p, s), 0, "write %s", p);
}

static bool readable_within(int fd, int ms) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static struct husk_limits *open_copy(void) {
        struct husk_limits_options o = { .root = tmp, .flags = HUSK_LIMITS_NO_ENV };
        struct husk_limits *l = NULL;
        cr_assert_eq(husk_limits_open(&l, &o), 0);
        return l;
}

Test(limits_watch, parent_write_wakes_the_watch, .fini = remove_copy) {
        copy_fixture("v2-nested-parent");
        struct husk_limits *l = open_copy();
        struct husk_limits_snapshot s;
        int fd = husk_limits_watch_fd(l);
        cr_assert_geq(fd, 0);
        cr_expect_eq(husk_limits_watch_fd(l), fd, "same fd on a second call");
        cr_expect(!readable_within(fd, 0), "nothing pending yet");

        /* a parent's file: the leaf's memory.max is untouched */
        write_in("sys/fs/cgroup/kubepods/pod1/memory.max", "268435456\n");
        cr_expect(readable_within(fd, 2000), "a write to the parent's memory.max wakes the watch");
        cr_expect_eq(husk_limits_watch_drain(l), 1);
        cr_expect_eq(husk_limits_watch_drain(l), 0, "drained");
        cr_assert_eq(husk_limits_read(l, &s), 0);
        cr_expect_eq(s.memory_max.value, 256 * MiB);

        /* the grandparent's cpu.max too */
        write_in("sys/fs/cgroup/kubepods/cpu.max", "50000 100000\n");
        cr_expect(readable_within(fd, 2000));
        cr_expect_eq(husk_limits_watch_drain(l), 1);
        cr_assert_eq(husk_limits_read(l, &s), 0);
        cr_expect_str_eq(s.cpu_quota.source, "/sys/fs/cgroup/kubepods");
        cr_expect(s.cpus > 0.49 && s.cpus < 0.51);
        husk_limits_free(l);
}

Test(limits_watch, refresh_after_a_move, .fini = remove_copy) {
        copy_fixture("v2-nested-parent");
        struct husk_limits *l = open_copy();
        struct husk_limits_snapshot s;
        int fd = husk_limits_watch_fd(l);
        cr_assert_geq(fd, 0);
        cr_expect_eq(husk_limits_refresh(l), 0, "not moved");
        struct husk_limits_snapshot before;
        cr_assert_eq(husk_limits_read(l, &before), 0);

        write_in("proc/self/cgroup", "0::/kubepods\n");
        cr_expect_eq(husk_limits_refresh(l), 1, "moved");
        /* a snapshot from before the move keeps its strings */
        cr_expect_str_eq(before.memory_max.source, "/sys/fs/cgroup/kubepods/pod1");
        cr_expect_str_eq(before.memory_high.source, "/sys/fs/cgroup/kubepods/pod1/ctr");
        cr_expect_eq(husk_limits_watch_fd(l), fd, "the watch fd keeps its number");
        cr_assert_eq(husk_limits_read(l, &s), 0);
        cr_expect_eq(s.memory_max.flags & HUSK_LIMIT_SET, 0, "kubepods has no memory limit");
        cr_expect_eq(s.pids_max.flags & HUSK_LIMIT_SET, 0);

        /* the old parent is no longer watched; the new cgroup is */
        write_in("sys/fs/cgroup/kubepods/pod1/memory.max", "1\n");
        cr_expect(!readable_within(fd, 200), "old chain still watched");
        write_in("sys/fs/cgroup/kubepods/memory.max", "1073741824\n");
        cr_expect(readable_within(fd, 2000), "new chain not watched");
        cr_expect_eq(husk_limits_watch_drain(l), 1);
        cr_assert_eq(husk_limits_read(l, &s), 0);
        cr_expect_eq(s.memory_max.value, 1024 * MiB);
        cr_expect_str_eq(s.memory_max.source, "/sys/fs/cgroup/kubepods");
        husk_limits_free(l);
}

Test(limits_watch, refresh_failure_keeps_the_old_view, .fini = remove_copy) {
        copy_fixture("v2-nested-parent");
        struct husk_limits *l = open_copy();
        struct husk_limits_snapshot s;
        write_in("proc/self/cgroup", "garbage\n");
        cr_expect_eq(husk_limits_refresh(l), -EINVAL);
        cr_assert_eq(husk_limits_read(l, &s), 0);
        cr_expect_eq(s.memory_max.value, 512 * MiB);
        cr_expect_str_eq(s.memory_max.source, "/sys/fs/cgroup/kubepods/pod1");
        husk_limits_free(l);
}

/* Runs in a child that may have dropped to nobody: returns which check failed (0: none). */
static int check_unreadable(void) {
        struct husk_limits_options o = { .root = tmp, .flags = HUSK_LIMITS_NO_ENV };
        struct husk_limits *l = NULL;
        struct husk_limits_snapshot s;
        if (husk_limits_open(&l, &o) < 0 || husk_limits_read(l, &s) < 0)
                return 1;
        int bad = s.memory_max.flags != HUSK_LIMIT_ERROR ? 2 :
                  s.memory_max.error != -EACCES ? 3 :
                  strcmp(s.memory_max.error_path, "/sys/fs/cgroup/kubepods/pod1/memory.max") != 0 ? 4 :
                  s.memory_max.value != HUSK_UNLIMITED ? 5 :  /* no made-up number */
                  !(s.flags & HUSK_SNAPSHOT_PARTIAL) ? 6 :
                  s.pids_max.value != 1000 ? 7 : 0;         /* the other limits are still read */
        husk_limits_free(l);
        return bad;
}

Test(limits_watch, unreadable_file_is_flagged, .fini = remove_copy) {
        copy_fixture("v2-nested-parent");
        char p[512];
        snprintf(p, sizeof p, "%s/sys/fs/cgroup/kubepods/pod1/memory.max", tmp);
        cr_assert_eq(chmod(p, 0), 0);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                /* root reads anything: become nobody to provoke EACCES */
                if (geteuid() == 0 && (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0))
                        _exit(77);
                _exit(check_unreadable());
        }
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77) {
                if (getenv("HUSK_TESTS_MUST_RUN"))
                        cr_assert_fail("cannot drop to nobody to provoke EACCES");
                cr_skip_test("cannot drop to nobody to provoke EACCES");
        }
        cr_expect_eq(WEXITSTATUS(status), 0, "check #%d failed", WEXITSTATUS(status));
}

Test(limits_watch, psi_without_kernel_support) {
        struct husk_limits_options o = { .root = FIX "v2-nested-parent", .flags = HUSK_LIMITS_NO_ENV };
        struct husk_limits *l = NULL;
        cr_assert_eq(husk_limits_open(&l, &o), 0);
        int fd = -1;
        cr_expect_eq(husk_limits_psi_open(l, HUSK_PSI_MEMORY, 500000, 2000000, &fd), -ENOTSUP);
        cr_expect_eq(fd, -1);
        cr_expect_eq(husk_limits_psi_open(l, HUSK_PSI_MEMORY, 0, 2000000, &fd), -EINVAL);
        cr_expect_eq(husk_limits_psi_open(l, HUSK_PSI_MEMORY, 3000000, 2000000, &fd), -EINVAL);
        husk_limits_free(l);
}

/* On the machine itself: a trigger is armed (a pollable fd), or the kernel has no PSI triggers
 * (-ENOTSUP) or none for us (-EPERM/-EACCES without CAP_SYS_RESOURCE before Linux 6.5);
 * nothing else. 2 s windows are what unprivileged openers may use since 6.5. */
Test(limits_watch, psi_on_this_machine) {
        struct husk_limits *l = NULL;
        struct husk_limits_options o = { .flags = HUSK_LIMITS_NO_ENV };
        cr_assert_eq(husk_limits_open(&l, &o), 0);
        int fd = -1;
        int r = husk_limits_psi_open(l, HUSK_PSI_MEMORY, 500000, 2000000, &fd);
        cr_expect(r == 0 || r == -ENOTSUP || r == -EPERM || r == -EACCES, "psi_open: %s", strerror(-r));
        if (r == 0) {
                cr_expect_geq(fd, 0);
                cr_expect(fcntl(fd, F_GETFD) & FD_CLOEXEC, "O_CLOEXEC");
                struct pollfd p = { .fd = fd, .events = POLLPRI };
                cr_expect_geq(poll(&p, 1, 0), 0);
                close(fd);
        } else
                cr_expect_eq(fd, -1, "ret_fd written on failure");
        husk_limits_free(l);
}
