/* SPDX-License-Identifier: GPL-2.0-or-later
 * The cost of libhusk: husk_limits_open() + free, and a re-read (husk_limits_read(), one pread
 * per cached fd), in microseconds, next to what one pread(2) of a cgroup file costs on this
 * machine. Prints only; the goal for a re-read is <= 10 us.
 *
 *   limits-bench [--sysroot DIR] [ITERATIONS]                                           */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "husk/limits.h"
#include "limits/limits-internal.h"

static double now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int bench_read(const char *label, const struct husk_limits_options *o, unsigned n) {
        struct husk_limits *l = NULL;
        struct husk_limits_snapshot s;
        int r = husk_limits_open(&l, o);
        if (r < 0) {
                fprintf(stderr, "limits-bench: open: %s\n", strerror(-r));
                return 1;
        }
        (void) husk_limits_read(l, &s); /* warm */

        /* the files a re-read preads (internal view), and what one such pread costs */
        unsigned files = 0;
        int one = -1;
        for (size_t c = 0; c < _CG_CTRL_MAX; c++)
                for (size_t i = 0; i < l->chains[c].n_levels; i++)
                        for (size_t f = 0; f < _CG_FILE_MAX; f++)
                                if (l->chains[c].levels[i].files[f].fd >= 0) {
                                        files++;
                                        one = l->chains[c].levels[i].files[f].fd;
                                }
        double pread_us = 0;
        if (one >= 0) {
                char buf[128];
                double t = now_us();
                for (unsigned i = 0; i < n; i++)
                        (void) pread(one, buf, sizeof buf, 0);
                pread_us = (now_us() - t) / n;
        }

        double t0 = now_us();
        for (unsigned i = 0; i < n; i++)
                if (husk_limits_read(l, &s) < 0) {
                        husk_limits_free(l);
                        fprintf(stderr, "limits-bench: read failed\n");
                        return 1;
                }
        double per = (now_us() - t0) / n;
        printf("read %-26s %8.2f us  (cgroup %s, %u files x %.2f us per pread, %u iterations)\n", label, per,
               husk_cgroup_version_to_string(s.version), files, pread_us, n);
        husk_limits_free(l);
        return 0;
}

int main(int argc, char **argv) {
        struct husk_limits_options o = { .flags = HUSK_LIMITS_NO_ENV };
        unsigned n = 20000;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--sysroot") == 0 && i + 1 < argc)
                        o.root = argv[++i];
                else if (atoi(argv[i]) > 0)
                        n = (unsigned) atoi(argv[i]);
                else {
                        fprintf(stderr, "usage: limits-bench [--sysroot DIR] [ITERATIONS]\n");
                        return 2;
                }
        }

        /* what one system call costs here: a re-read is one pread(2) per limit file per level
         * plus sched_getaffinity(2), so this is the floor to compare with */
        double t = now_us();
        for (unsigned i = 0; i < n; i++)
                (void) syscall(SYS_getppid);
        printf("one syscall (getppid) %-9s %8.2f us\n", "", (now_us() - t) / n);

        unsigned nopen = n / 10 ? n / 10 : 1;
        double t0 = now_us();
        for (unsigned i = 0; i < nopen; i++) {
                struct husk_limits *l = NULL;
                int r = husk_limits_open(&l, &o);
                if (r < 0) {
                        fprintf(stderr, "limits-bench: open: %s\n", strerror(-r));
                        return 1;
                }
                husk_limits_free(l);
        }
        printf("open+free %-21s %8.2f us  (%u iterations)\n", "(all limits)", (now_us() - t0) / nopen, nopen);

        int rc = bench_read("(all limits)", &o, n);
        o.mask = HUSK_LIMITS_MEMORY;
        rc |= bench_read("(memory only)", &o, n);
        o.mask = HUSK_LIMITS_CPU | HUSK_LIMITS_MEMORY;
        rc |= bench_read("(cpu + memory)", &o, n);
        return rc;
}
