/* SPDX-License-Identifier: GPL-2.0-or-later
 * sync: the parent <-> child messages, with text and an fd, errors, EOF and type checks. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sync.h"

static void pair(int sv[2]) {
        cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

Test(sync, message_with_text_and_fd) {
        int sv[2];
        pair(sv);
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        cr_assert_geq(fd, 0);
        cr_assert_eq(sync_send(sv[0], SYNC_CONSOLE, 42, "hello", fd), 0);
        close(fd);

        enum sync_type t;
        int32_t v;
        char *text = NULL;
        int got = -1;
        cr_assert_eq(sync_recv(sv[1], &t, &v, &text, &got), 0);
        cr_expect_eq(t, SYNC_CONSOLE);
        cr_expect_eq(v, 42);
        cr_expect_str_eq(text, "hello");
        cr_assert_geq(got, 0);
        struct stat a, b;
        cr_assert_eq(fstat(got, &a), 0);
        cr_assert_eq(stat("/dev/null", &b), 0);
        cr_expect_eq(a.st_rdev, b.st_rdev);
        cr_expect(fcntl(got, F_GETFD) & FD_CLOEXEC, "received fds are O_CLOEXEC");
        close(got);
        free(text);
        close(sv[0]);
        close(sv[1]);
}

Test(sync, expect) {
        int sv[2];
        pair(sv);
        char *text = NULL;
        int32_t v = 0;

        cr_assert_eq(sync_send(sv[0], SYNC_HOOKS_ACK, 0, "{\"id\":\"x\"}", -1), 0);
        cr_expect_eq(sync_expect(sv[1], SYNC_HOOKS_ACK, &v, &text), 0);
        cr_expect_str_eq(text, "{\"id\":\"x\"}");
        free(text);
        text = NULL;

        cr_assert_eq(sync_send_error(sv[0], -ENOENT, "mounts[2]: no such file"), 0);
        cr_expect_eq(sync_expect(sv[1], SYNC_READY, &v, &text), -ENOENT);
        cr_expect_str_eq(text, "mounts[2]: no such file");
        free(text);
        text = NULL;

        cr_assert_eq(sync_send(sv[0], SYNC_PID, 7, NULL, -1), 0);
        cr_expect_eq(sync_expect(sv[1], SYNC_READY, &v, &text), -EPROTO);
        cr_expect_null(text);

        close(sv[0]);
        enum sync_type t;
        cr_expect_eq(sync_recv(sv[1], &t, &v, NULL, NULL), -EPIPE, "EOF");
        close(sv[1]);
}

Test(sync, long_text_is_truncated) {
        int sv[2];
        pair(sv);
        char big[10000];
        memset(big, 'x', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        cr_assert_eq(sync_send(sv[0], SYNC_ERROR, EINVAL, big, -1), 0);
        enum sync_type t;
        int32_t v;
        char *text = NULL;
        cr_assert_eq(sync_recv(sv[1], &t, &v, &text, NULL), 0);
        cr_expect_eq(t, SYNC_ERROR);
        cr_expect_eq(v, EINVAL);
        cr_expect_gt(strlen(text), 1000);
        cr_expect_lt(strlen(text), sizeof big);
        free(text);
        close(sv[0]);
        close(sv[1]);
}
