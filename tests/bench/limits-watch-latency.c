/* SPDX-License-Identifier: GPL-2.0-or-later
 * Latency from a write of a parent cgroup's memory.max to libhusk's watch fd turning readable,
 * and to husk_limits_read() showing the new value, in microseconds. Needs root and a writable
 * cgroup v2 at /sys/fs/cgroup with the memory controller (the tests/vm machine); exits 77
 * otherwise. Creates /sys/fs/cgroup/husk-bench.<pid>/leaf, moves itself in, and removes both.
 *
 *   limits-watch-latency [ROUNDS]                                                       */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "husk/limits.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static char parent[128], leaf[160];

static double now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int write_file(const char *dir, const char *name, const char *s) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, name);
        int fd = open(p, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, s, strlen(s));
        int e = n < 0 ? -errno : 0;
        close(fd);
        return e;
}

static void cleanup(void) {
        char pid[32];
        snprintf(pid, sizeof pid, "%d", (int) getpid());
        (void) write_file("/sys/fs/cgroup", "cgroup.procs", pid);
        if (leaf[0])
                (void) rmdir(leaf);
        if (parent[0])
                (void) rmdir(parent);
}

static int cmp(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return (x > y) - (x < y);
}

static int skip(const char *why) {
        printf("SKIP: %s\n", why);
        return getenv("HUSK_TESTS_MUST_RUN") && strcmp(getenv("HUSK_TESTS_MUST_RUN"), "1") == 0 ? 1 : 77;
}

int main(int argc, char **argv) {
        unsigned rounds = argc > 1 && atoi(argv[1]) > 0 ? (unsigned) atoi(argv[1]) : 200;
        struct statfs sf;
        if (geteuid() != 0)
                return skip("needs root");
        if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
                return skip("needs cgroup v2 on /sys/fs/cgroup (run it in tests/vm)");

        snprintf(parent, sizeof parent, "/sys/fs/cgroup/husk-bench.%d", (int) getpid());
        snprintf(leaf, sizeof leaf, "%s/leaf", parent);
        if (mkdir(parent, 0755) < 0) {
                parent[0] = leaf[0] = '\0';
                return skip("cannot create a cgroup under /sys/fs/cgroup");
        }
        atexit(cleanup);
        char pid[32];
        snprintf(pid, sizeof pid, "%d", (int) getpid());
        int r;
        if ((r = write_file(parent, "cgroup.subtree_control", "+memory")) < 0 || mkdir(leaf, 0755) < 0 ||
            (r = write_file(leaf, "cgroup.procs", pid)) < 0) {
                fprintf(stderr, "limits-watch-latency: setting up %s: %s\n", leaf, strerror(r < 0 ? -r : errno));
                return 1;
        }

        struct husk_limits *l = NULL;
        struct husk_limits_options o = { .flags = HUSK_LIMITS_NO_ENV, .mask = HUSK_LIMITS_MEMORY };
        if ((r = husk_limits_open(&l, &o)) < 0) {
                fprintf(stderr, "limits-watch-latency: open: %s\n", strerror(-r));
                return 1;
        }
        int fd = husk_limits_watch_fd(l);
        if (fd < 0) {
                fprintf(stderr, "limits-watch-latency: watch: %s\n", strerror(-fd));
                return 1;
        }
        double *fire = calloc(rounds, sizeof *fire), *seen = calloc(rounds, sizeof *seen);
        if (!fire || !seen)
                return 1;
        for (unsigned i = 0; i < rounds; i++) {
                uint64_t want = (UINT64_C(256) + (i % 2)) << 20;
                char v[32];
                snprintf(v, sizeof v, "%llu", (unsigned long long) want);
                double t0 = now_us();
                if ((r = write_file(parent, "memory.max", v)) < 0) {
                        fprintf(stderr, "limits-watch-latency: write memory.max: %s\n", strerror(-r));
                        return 1;
                }
                struct pollfd p = { .fd = fd, .events = POLLIN };
                if (poll(&p, 1, 5000) != 1) {
                        fprintf(stderr, "limits-watch-latency: the watch fd did not fire within 5 s\n");
                        return 1;
                }
                fire[i] = now_us() - t0;
                struct husk_limits_snapshot s;
                if (husk_limits_watch_drain(l) != 1 || husk_limits_read(l, &s) < 0 || s.memory_max.value != want ||
                    !s.memory_max.source || strcmp(s.memory_max.source, parent) != 0) {
                        fprintf(stderr, "limits-watch-latency: round %u: read did not show %llu from %s\n", i,
                                (unsigned long long) want, parent);
                        return 1;
                }
                seen[i] = now_us() - t0;
        }
        qsort(fire, rounds, sizeof *fire, cmp);
        qsort(seen, rounds, sizeof *seen, cmp);
        printf("write parent memory.max -> watch fd readable: min %.1f  median %.1f  max %.1f us (%u rounds)\n",
               fire[0], fire[rounds / 2], fire[rounds - 1], rounds);
        printf("write parent memory.max -> new value read:    min %.1f  median %.1f  max %.1f us\n", seen[0],
               seen[rounds / 2], seen[rounds - 1]);
        free(fire);
        free(seen);
        husk_limits_free(l);
        return 0;
}
