/* SPDX-License-Identifier: LGPL-2.1-or-later
 * fileio.c: loop_write_nosigpipe(), which hooks use to hand the state to a hook's stdin. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

/* A reader that is gone: EPIPE, no death by SIGPIPE, nothing left pending, the mask as it was. */
Test(fileio, a_closed_pipe_gives_epipe_not_sigpipe) {
        int p[2];
        cr_assert_eq(pipe(p), 0);
        close(p[0]);
        cr_assert_eq(loop_write_nosigpipe(p[1], "state", 5), -EPIPE);
        sigset_t pending, mask;
        cr_assert_eq(sigpending(&pending), 0);
        cr_expect_not(sigismember(&pending, SIGPIPE), "a SIGPIPE was left pending");
        cr_assert_eq(sigprocmask(SIG_SETMASK, NULL, &mask), 0);
        cr_expect_not(sigismember(&mask, SIGPIPE), "SIGPIPE stayed blocked");
        close(p[1]);
}

Test(fileio, an_open_pipe_gets_everything) {
        int p[2];
        char buf[8] = "";
        cr_assert_eq(pipe(p), 0);
        cr_assert_eq(loop_write_nosigpipe(p[1], "state", 5), 0);
        cr_assert_eq(read(p[0], buf, sizeof buf), 5);
        cr_expect_str_eq(buf, "state");
        close(p[0]);
        close(p[1]);
}

/* Replaces the file; when the rename fails (the target is a directory), no temporary is left. */
Test(fileio, write_file_atomic_at_replaces_or_leaves_nothing) {
        char dir[] = "/tmp/husk-fileio-XXXXXX";
        cr_assert_not_null(mkdtemp(dir));
        int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        cr_assert_geq(dfd, 0);
        cr_assert_eq(write_file_atomic_at(dfd, "f", "old", 3, 0600, false), 0);
        cr_assert_eq(write_file_atomic_at(dfd, "f", "new!", 4, 0600, true), 0);
        char *text = NULL;
        cr_assert_eq(read_full_file_at(dfd, "f", &text, NULL), 0);
        cr_expect_str_eq(text, "new!");
        free(text);
        cr_assert_eq(mkdirat(dfd, "d", 0700), 0);
        cr_expect_eq(write_file_atomic_at(dfd, "d", "x", 1, 0600, false), -EISDIR);
        cr_expect_eq(faccessat(dfd, "d.husk-tmp", F_OK, 0), -1, "the temporary file was left");
        cr_expect_eq(unlinkat(dfd, "f", 0), 0);
        cr_expect_eq(unlinkat(dfd, "d", AT_REMOVEDIR), 0);
        close(dfd);
        cr_expect_eq(rmdir(dir), 0);
}
