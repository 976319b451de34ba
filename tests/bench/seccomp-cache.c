/* SPDX-License-Identifier: GPL-2.0-or-later
 * What the compiled-BPF cache saves: for each built-in profile, the time seccomp_prepare() takes
 * to compile it with libseccomp (no cache), and to load it from the cache under a state root, as
 * the second container with the same profile does. Prints numbers only.
 *
 *   seccomp-cache [ROUNDS]      (default 200) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "seccomp.h"

static double now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Mean microseconds per seccomp_prepare() over rounds; *ret_cached tells whether the last came
 * from the cache; -1 on error. */
static double time_prepare(const struct oci_seccomp *s, const char *root, int rounds, bool *ret_cached,
                           size_t *ret_insns) {
        double start = now_us();
        for (int i = 0; i < rounds; i++) {
                struct husk_seccomp *f = NULL;
                char *err = NULL;
                if (seccomp_prepare(s, root, &f, &err) < 0) {
                        fprintf(stderr, "seccomp_prepare: %s\n", err ? err : "failed");
                        free(err);
                        return -1;
                }
                *ret_cached = f->from_cache;
                *ret_insns = f->n_bpf;
                husk_seccomp_free(f);
        }
        return (now_us() - start) / rounds;
}

int main(int argc, char **argv) {
        int rounds = argc > 1 ? atoi(argv[1]) : 200;
        char root[] = "/tmp/husk-bench-seccomp-XXXXXX";
        char cmd[64];
        int ret = EXIT_SUCCESS;

        if (rounds <= 0 || !mkdtemp(root)) {
                fprintf(stderr, "usage: seccomp-cache [ROUNDS > 0]\n");
                return EXIT_FAILURE;
        }
        printf("%-12s %6s %14s %14s %8s\n", "profile", "insns", "compile (us)", "cached (us)", "speedup");
        for (size_t i = 0; seccomp_builtin_profile_names[i]; i++) {
                const char *name = seccomp_builtin_profile_names[i];
                const char *text = seccomp_builtin_profile(name);
                struct oci_seccomp *s = NULL;
                bool cached = false, cold_cached = true;
                size_t insns = 0;
                char *err = NULL;

                if (oci_seccomp_parse_profile(text, strlen(text), name, &s, &err) < 0) {
                        fprintf(stderr, "%s\n", err ? err : name);
                        free(err);
                        ret = EXIT_FAILURE;
                        continue;
                }
                double compile = time_prepare(s, NULL, rounds, &cold_cached, &insns);
                bool filled = false;
                (void) time_prepare(s, root, 1, &filled, &insns);        /* the first container */
                double load = time_prepare(s, root, rounds, &cached, &insns);
                if (compile < 0 || load < 0 || cold_cached || filled || !cached) {
                        fprintf(stderr, "%s: the cache did not behave (filled=%d cached=%d)\n", name, filled,
                                cached);
                        ret = EXIT_FAILURE;
                } else
                        printf("%-12s %6zu %14.1f %14.1f %7.1fx\n", name, insns, compile, load, compile / load);
                oci_seccomp_free(s);
        }
        snprintf(cmd, sizeof cmd, "rm -rf %s", root);
        if (system(cmd) != 0)
                ret = EXIT_FAILURE;
        return ret;
}
