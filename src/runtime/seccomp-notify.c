/* SPDX-License-Identifier: GPL-2.0-or-later
 * SCMP_ACT_NOTIFY: hand the listener fd to the seccomp agent at linux.seccomp.listenerPath.
 *
 * runtime-spec config-linux.md ("The container process state"): the runtime connects to the unix
 * socket listenerPath and sends one message holding the process state as JSON, with the listener
 * fd attached as SCM_RIGHTS; "fds" names the attached fds in order. runc and crun send it over a
 * SOCK_STREAM connection, in a single sendmsg(). */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "json-util.h"
#include "seccomp.h"

int seccomp_process_state_build(const char *container_state_json, const char *listener_metadata,
                                char **ret_json, char **ret_error) {
        _cleanup_(json_decrefp) json_t *state = NULL, *msg = NULL;
        json_int_t pid = 0;
        json_error_t je;

        state = json_loads(container_state_json, 0, &je);
        if (!state)
                return json_errorf(ret_error, "container state: %s", je.text);
        if (!json_is_object(state))
                return json_errorf(ret_error, "container state: must be a JSON object");
        json_t *p = json_object_get(state, "pid");
        if (!json_is_integer(p) || (pid = json_integer_value(p)) <= 0)
                return json_errorf(ret_error, "container state.pid: must be a positive integer");

        msg = json_pack("{s:s, s:[s], s:I, s:s, s:O}", "ociVersion", HUSK_OCI_SPEC_VERSION, "fds",
                        "seccompFd", "pid", pid, "metadata", listener_metadata ? listener_metadata : "",
                        "state", state);
        if (!msg)
                return -ENOMEM;
        char *s = json_dumps(msg, JSON_COMPACT);
        if (!s)
                return -ENOMEM;
        *ret_json = s;
        return 0;
}

int seccomp_send_listener(const char *listener_path, int listener_fd, const char *state_json,
                          char **ret_error) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_close_ int sk = -EBADF;
        size_t len = strlen(state_json);

        if (strlen(listener_path) >= sizeof sa.sun_path)
                return json_errorf(ret_error, "linux.seccomp.listenerPath: \"%s\" is too long for a unix socket",
                                   listener_path);
        strcpy(sa.sun_path, listener_path);
        sk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sk < 0)
                return -errno;
        if (connect(sk, (struct sockaddr *) &sa, sizeof sa) < 0) {
                int e = errno;
                (void) json_errorf(ret_error, "linux.seccomp.listenerPath: connect to %s: %s", listener_path,
                                   strerror(e));
                return -e;
        }

        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { .iov_base = (void *) state_json, .iov_len = len };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
                             .msg_controllen = sizeof control };
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &listener_fd, sizeof(int));

        /* The fd rides on the first chunk; a stream may take the rest in further writes. */
        while (len > 0) {
                ssize_t n = sendmsg(sk, &mh, MSG_NOSIGNAL);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        int e = errno;
                        (void) json_errorf(ret_error, "linux.seccomp.listenerPath: send to %s: %s",
                                           listener_path, strerror(e));
                        return -e;
                }
                len -= (size_t) n;
                iov.iov_base = (char *) iov.iov_base + n;
                iov.iov_len = len;
                mh.msg_control = NULL;
                mh.msg_controllen = 0;
        }
        return 0;
}
