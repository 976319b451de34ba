/* SPDX-License-Identifier: LGPL-2.1-or-later
 * fileio.c: loop_write_nosigpipe(), which hooks use to hand the state to a hook's stdin. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
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
