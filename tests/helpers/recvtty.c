/* SPDX-License-Identifier: GPL-2.0-or-later
 * recvtty SOCKET [INPUT]: the receiving end of --console-socket for tests (like runc's recvtty).
 * Listens on the unix socket path SOCKET, accepts one connection, receives the pty master
 * (SCM_RIGHTS), prints "recvtty: got <name>" on stderr, writes INPUT (if given) to the master,
 * then copies everything the container writes to its terminal to stdout until the pty hangs up.
 * libc only; a test tool. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what) {
        fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
        return 1;
}

int main(int argc, char **argv) {
        if (argc < 2 || argc > 3) {
                fprintf(stderr, "usage: recvtty SOCKET [INPUT]\n");
                return 2;
        }
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(argv[1]) >= sizeof sa.sun_path)
                return fprintf(stderr, "recvtty: socket path too long\n"), 2;
        strcpy(sa.sun_path, argv[1]);
        int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (ls < 0 || bind(ls, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(ls, 1) < 0)
                return die("listen");
        int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
                return die("accept");

        char name[256] = "";
        struct iovec iov = { .iov_base = name, .iov_len = sizeof name - 1 };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = control.buf, .msg_controllen = sizeof control.buf };
        ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return die("recvmsg");
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
                fprintf(stderr, "recvtty: no fd in the message\n");
                return 1;
        }
        int master;
        memcpy(&master, CMSG_DATA(cm), sizeof master);
        name[n] = '\0';
        fprintf(stderr, "recvtty: got %s\n", name);
        close(c);
        close(ls);
        unlink(argv[1]);

        if (argc == 3 && write(master, argv[2], strlen(argv[2])) < 0)
                return die("write to the pty");
        char buf[4096];
        for (;;) {
                struct pollfd p = { .fd = master, .events = POLLIN };
                if (poll(&p, 1, 30000) <= 0)
                        break;
                n = read(master, buf, sizeof buf);
                if (n <= 0)     /* EIO: the last slave fd closed */
                        break;
                if (write(STDOUT_FILENO, buf, (size_t) n) < 0)
                        return die("write");
        }
        return 0;
}
