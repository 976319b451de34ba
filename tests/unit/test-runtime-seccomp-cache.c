/* SPDX-License-Identifier: GPL-2.0-or-later
 * The BPF cache stays bounded (src/runtime/seccomp-cache.c): seccomp_cache_prune() keeps the most
 * recently used entries within a count and a size, a hit counts as a use, and every store prunes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "seccomp-cache.h"

static char dir[64];

static void setup(void) {
        snprintf(dir, sizeof dir, "/tmp/husk-bpf-cache-XXXXXX");
        cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        cr_assert_eq(system(cmd), 0);
}

/* A file of size bytes with mtime t, named like an entry of number i (suffix: a temp file's). */
static void make_file(unsigned i, const char *suffix, size_t size, time_t t) {
        char path[256];
        snprintf(path, sizeof path, "%s/%032x.bpf%s", dir, i, suffix);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        cr_assert_geq(fd, 0);
        cr_assert_eq(ftruncate(fd, (off_t) size), 0);
        cr_assert_eq(futimens(fd, (struct timespec[2]) { { .tv_sec = t }, { .tv_sec = t } }), 0);
        close(fd);
}

static bool exists(unsigned i, const char *suffix) {
        char path[256];
        snprintf(path, sizeof path, "%s/%032x.bpf%s", dir, i, suffix);
        return access(path, F_OK) == 0;
}

static size_t count_entries(void) {
        DIR *d = opendir(dir);
        size_t n = 0;
        cr_assert_not_null(d);
        for (struct dirent *de; (de = readdir(d));)
                n += de->d_name[0] != '.';
        closedir(d);
        return n;
}

TestSuite(seccomp_cache_prune, .init = setup, .fini = teardown);

Test(seccomp_cache_prune, keeps_the_newest_by_count) {
        for (unsigned i = 0; i < 10; i++)
                make_file(i, "", 100, 1000000 + (time_t) ((i * 7) % 10)); /* mtimes shuffled */
        cr_assert_eq(seccomp_cache_prune(dir, 4, UINT64_MAX), 6);
        for (unsigned i = 0; i < 10; i++)
                cr_expect_eq(exists(i, ""), (i * 7) % 10 >= 6, "entry %u (mtime rank %u)", i, (i * 7) % 10);
        cr_assert_eq(seccomp_cache_prune(dir, 4, UINT64_MAX), 0);
}

Test(seccomp_cache_prune, keeps_the_newest_by_bytes) {
        for (unsigned i = 0; i < 5; i++)
                make_file(i, "", 1000, 1000000 + (time_t) i);
        cr_assert_eq(seccomp_cache_prune(dir, 100, 2500), 3);
        cr_assert(exists(4, "") && exists(3, "") && !exists(2, "") && !exists(1, "") && !exists(0, ""));
}

Test(seccomp_cache_prune, removes_stale_temp_files_only_and_leaves_other_files) {
        char other[256];
        make_file(1, ".Ab12Cd", 10, 1000000);           /* a store that died long ago */
        make_file(2, ".Ef34Gh", 10, time(NULL));        /* a store under way */
        snprintf(other, sizeof other, "%s/README", dir);
        cr_assert_eq(close(open(other, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)), 0);
        cr_assert_eq(seccomp_cache_prune(dir, 0, 0), 1);
        cr_assert(!exists(1, ".Ab12Cd") && exists(2, ".Ef34Gh"));
        cr_assert_eq(access(other, F_OK), 0);
}

Test(seccomp_cache_prune, a_missing_directory_is_empty) {
        char missing[128];
        snprintf(missing, sizeof missing, "%s/none", dir);
        cr_assert_eq(seccomp_cache_prune(missing, 1, 1), 0);
}

static const struct sock_filter prog[] = { BPF_STMT(BPF_RET | BPF_K, 0x7fff0000) };

Test(seccomp_cache_prune, every_store_keeps_the_cache_bounded) {
        char key[64];
        for (unsigned i = 0; i < SECCOMP_CACHE_MAX_ENTRIES + 6; i++) {
                snprintf(key, sizeof key, "key %u", i);
                cr_assert_eq(seccomp_cache_store(dir, key, prog, 1, NULL), 0);
        }
        cr_assert_eq(count_entries(), SECCOMP_CACHE_MAX_ENTRIES);
}

Test(seccomp_cache_prune, a_hit_counts_as_a_use) {
        struct sock_filter *bpf = NULL;
        char **skipped = NULL, path[512];
        size_t n = 0;
        const char *keys[] = { "a", "b", "c" };
        for (size_t i = 0; i < 3; i++)
                cr_assert_eq(seccomp_cache_store(dir, keys[i], prog, 1, NULL), 0);
        /* make them old, "a" the oldest */
        DIR *d = opendir(dir);
        cr_assert_not_null(d);
        for (struct dirent *de; (de = readdir(d));)
                if (de->d_name[0] != '.') {
                        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                        cr_assert_eq(utimensat(AT_FDCWD, path, (struct timespec[2]) { { .tv_sec = 1000 }, { .tv_sec = 1000 } },
                                               0), 0);
                }
        closedir(d);
        cr_assert_eq(seccomp_cache_load(dir, "a", &bpf, &n, &skipped), 1);
        free(bpf);
        free(skipped);
        cr_assert_eq(seccomp_cache_prune(dir, 1, UINT64_MAX), 2);
        cr_assert_eq(seccomp_cache_load(dir, "a", &bpf, &n, &skipped), 1, "the entry just used was pruned");
        free(bpf);
        free(skipped);
        cr_assert_eq(seccomp_cache_load(dir, "b", &bpf, &n, &skipped), 0);
}
