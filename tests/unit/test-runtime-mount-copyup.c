/* SPDX-License-Identifier: GPL-2.0-or-later
 * mnt_copy_tree() ("tmpcopyup"), unprivileged: a tree with a file, a nested directory, a symlink
 * and a fifo is copied with contents, modes, symlink targets and mtimes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-internal.h"

static char base[64];

static void setup(void) {
        snprintf(base, sizeof(base), "/tmp/husk-copyup-XXXXXX");
        cr_assert_not_null(mkdtemp(base));
}

static void teardown(void) {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
        if (system(cmd) != 0)
                cr_log_warn("cleanup of %s failed", base);
}

static void write_file(const char *path, const char *text, mode_t mode) {
        _cleanup_close_ int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, mode);

        cr_assert_geq(fd, 0, "%s: %m", path);
        cr_assert_eq(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        cr_assert_eq(fchmod(fd, mode), 0);
}

Test(copyup, tree, .init = setup, .fini = teardown) {
        char src[128], dst[128], p[256], link[64];
        _cleanup_close_ int sfd = -EBADF, dfd = -EBADF;
        struct timespec old[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
        struct stat st, st2;
        ssize_t n;
        FILE *f;

        snprintf(src, sizeof(src), "%s/src", base);
        snprintf(dst, sizeof(dst), "%s/dst", base);
        cr_assert_eq(mkdir(src, 0755), 0);
        cr_assert_eq(mkdir(dst, 0755), 0);
        snprintf(p, sizeof(p), "%s/passwd", src);
        write_file(p, "root:x:0:0::/root:/bin/sh\n", 0640);
        cr_assert_eq(utimensat(AT_FDCWD, p, old, 0), 0);
        snprintf(p, sizeof(p), "%s/sub", src);
        cr_assert_eq(mkdir(p, 0711), 0);
        snprintf(p, sizeof(p), "%s/sub/deep", src);
        write_file(p, "deep\n", 0600);
        snprintf(p, sizeof(p), "%s/link", src);
        cr_assert_eq(symlink("sub/deep", p), 0);
        snprintf(p, sizeof(p), "%s/fifo", src);
        cr_assert_eq(mkfifo(p, 0620), 0);
        cr_assert_eq(chmod(p, 0620), 0);

        sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cr_assert_eq(mnt_copy_tree(sfd, dfd), 0);

        snprintf(p, sizeof(p), "%s/passwd", dst);
        cr_assert_eq(stat(p, &st), 0);
        cr_expect_eq(st.st_mode & 07777, 0640);
        cr_expect_eq(st.st_mtim.tv_sec, 1000000000, "mtime not kept");
        f = fopen(p, "re");
        cr_assert_not_null(f);
        char line[64] = "";
        cr_expect_not_null(fgets(line, sizeof(line), f));
        fclose(f);
        cr_expect_str_eq(line, "root:x:0:0::/root:/bin/sh\n");
        snprintf(p, sizeof(p), "%s/sub", dst);
        cr_assert_eq(stat(p, &st), 0);
        cr_expect(S_ISDIR(st.st_mode));
        cr_expect_eq(st.st_mode & 07777, 0711);
        snprintf(p, sizeof(p), "%s/sub/deep", dst);
        cr_expect_eq(stat(p, &st), 0);
        cr_expect_eq(st.st_size, 5);
        snprintf(p, sizeof(p), "%s/link", dst);
        n = readlink(p, link, sizeof(link) - 1);
        cr_assert_gt(n, 0);
        link[n] = '\0';
        cr_expect_str_eq(link, "sub/deep");
        snprintf(p, sizeof(p), "%s/fifo", dst);
        cr_assert_eq(lstat(p, &st2), 0);
        cr_expect(S_ISFIFO(st2.st_mode));
        cr_expect_eq(st2.st_mode & 07777, 0620);
}

Test(copyup, existing_entry_fails, .init = setup, .fini = teardown) {
        char src[128], dst[128], p[256];
        _cleanup_close_ int sfd = -EBADF, dfd = -EBADF;

        snprintf(src, sizeof(src), "%s/src", base);
        snprintf(dst, sizeof(dst), "%s/dst", base);
        cr_assert_eq(mkdir(src, 0755), 0);
        cr_assert_eq(mkdir(dst, 0755), 0);
        snprintf(p, sizeof(p), "%s/a", src);
        write_file(p, "a", 0644);
        snprintf(p, sizeof(p), "%s/a", dst);
        write_file(p, "b", 0644);
        sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cr_expect_eq(mnt_copy_tree(sfd, dfd), -EEXIST);
}
