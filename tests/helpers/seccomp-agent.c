/* SPDX-License-Identifier: GPL-2.0-or-later
 * A minimal seccomp agent for tests: what a real agent (e.g. a syscall-emulating sidecar) does
 * with linux.seccomp.listenerPath.
 *
 *   seccomp-agent SOCKET OUTPUT [VALUE]
 *
 * Listens on the unix socket SOCKET, accepts one connection, receives the container process state
 * (JSON) with the listener fd attached, writes the JSON to OUTPUT (atomically, so a reader sees all
 * or nothing), then answers every notification: the syscall "succeeds" with return value VALUE
 * (default 4242) without running. Exits 0 when the filtered process is gone, 1 on any error. */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fail(const char *what) {
        fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
        return 1;
}

/* Receive the state JSON and the fd that rides on it; a stream may split the JSON, so read on. */
static int receive(int conn, char *buf, size_t size, int *ret_fd) {
        union {
                struct cmsghdr h;
                char b[CMSG_SPACE(sizeof(int))];
        } control;
        size_t len = 0;

        *ret_fd = -1;
        for (;;) {
                struct iovec iov = { buf + len, size - 1 - len };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
                                     .msg_controllen = sizeof control };
                ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
                if (n < 0)
                        return -1;
                if (n == 0)
                        break;
                for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                                memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
                len += (size_t) n;
                if (len == size - 1)
                        break;
        }
        buf[len] = '\0';
        return *ret_fd >= 0 ? 0 : (errno = EBADMSG, -1);
}

static int write_output(const char *path, const char *json) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        FILE *f = fopen(tmp, "we");
        if (!f)
                return -1;
        fputs(json, f);
        if (fclose(f) != 0)
                return -1;
        return rename(tmp, path);
}

static int serve(int listener, long long value) {
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;

        for (;;) {
                memset(&req, 0, sizeof req);
                if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
                        if (errno == EINTR)
                                continue;
                        /* ENOENT: every filtered task is gone. */
                        return errno == ENOENT ? 0 : fail("SECCOMP_IOCTL_NOTIF_RECV");
                }
                resp = (struct seccomp_notif_resp) { .id = req.id, .val = value };
                if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
                        return fail("SECCOMP_IOCTL_NOTIF_SEND");
        }
}

int main(int argc, char **argv) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        static char json[65536];
        int sk, conn, listener;

        if (argc < 3 || strlen(argv[1]) >= sizeof sa.sun_path) {
                fprintf(stderr, "usage: seccomp-agent SOCKET OUTPUT [VALUE]\n");
                return 2;
        }
        strcpy(sa.sun_path, argv[1]);
        sk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sk < 0 || bind(sk, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(sk, 1) < 0)
                return fail("listen");
        conn = accept4(sk, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0)
                return fail("accept");
        if (receive(conn, json, sizeof json, &listener) < 0)
                return fail("receive the process state");
        close(conn);
        if (write_output(argv[2], json) < 0)
                return fail(argv[2]);
        return serve(listener, argc > 3 ? atoll(argv[3]) : 4242);
}
