/* SPDX-License-Identifier: GPL-2.0-or-later
 * Parent <-> child sync messages (see sync.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "cleanup.h"
#include "sync.h"

#define SYNC_TEXT_MAX 4096

struct sync_header {
        uint32_t type;
        int32_t value;
};

int sync_send(int sock, enum sync_type type, int32_t value, const char *text, int fd) {
        struct sync_header h = { .type = type, .value = value };
        size_t tlen = text ? strnlen(text, SYNC_TEXT_MAX - 1) : 0;
        struct iovec iov[2] = {
                { .iov_base = &h, .iov_len = sizeof h },
                { .iov_base = (void *) text, .iov_len = tlen },
        };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control = {};
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = tlen ? 2 : 1 };
        if (fd >= 0) {
                msg.msg_control = control.buf;
                msg.msg_controllen = sizeof control.buf;
                struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        for (;;) {
                if (sendmsg(sock, &msg, MSG_NOSIGNAL) >= 0)
                        return 0;
                if (errno != EINTR)
                        return -errno;
        }
}

int sync_send_error(int sock, int err, const char *text) {
        return sync_send(sock, SYNC_ERROR, err < 0 ? -err : err, text, -1);
}

int sync_recv(int sock, enum sync_type *ret_type, int32_t *ret_value, char **ret_text, int *ret_fd) {
        struct sync_header h;
        char text[SYNC_TEXT_MAX];
        struct iovec iov[2] = {
                { .iov_base = &h, .iov_len = sizeof h },
                { .iov_base = text, .iov_len = sizeof text - 1 },
        };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2,
                              .msg_control = control.buf, .msg_controllen = sizeof control.buf };
        ssize_t n;
        do
                n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        int fd = -EBADF;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
        _cleanup_close_ int fd_owned = fd;
        if (n == 0)
                return -EPIPE;
        if ((size_t) n < sizeof h)
                return -EPROTO;
        text[n - sizeof h] = '\0';
        if (ret_text) {
                *ret_text = n > (ssize_t) sizeof h ? strdup(text) : NULL;
                if (n > (ssize_t) sizeof h && !*ret_text)
                        return -ENOMEM;
        }
        *ret_type = h.type;
        if (ret_value)
                *ret_value = h.value;
        if (ret_fd)
                *ret_fd = TAKE_FD(fd_owned);
        return 0;
}

int sync_expect(int sock, enum sync_type want, int32_t *ret_value, char **ret_text) {
        enum sync_type t;
        int32_t v;
        _cleanup_free_ char *text = NULL;
        int r = sync_recv(sock, &t, &v, &text, NULL);
        if (r < 0)
                return r;
        if (t != SYNC_ERROR && t != want)
                return -EPROTO;
        if (ret_text)
                *ret_text = TAKE_PTR(text);
        if (t == SYNC_ERROR)
                return v > 0 ? -v : -EIO;
        if (ret_value)
                *ret_value = v;
        return 0;
}

const char *sync_type_to_string(enum sync_type t) {
        static const char *const names[] = {
                [SYNC_USERMAP] = "usermap", [SYNC_USERMAP_ACK] = "usermap-ack", [SYNC_PID] = "pid",
                [SYNC_CONSOLE] = "console", [SYNC_HOOKS] = "hooks", [SYNC_HOOKS_ACK] = "hooks-ack",
                [SYNC_SECCOMP] = "seccomp", [SYNC_READY] = "ready", [SYNC_ERROR] = "error",
                [SYNC_CGROUP_ACK] = "cgroup-ack", [SYNC_CREATED] = "created",
        };
        return t >= SYNC_USERMAP && t <= SYNC_CREATED ? names[t] : "unknown";
}
