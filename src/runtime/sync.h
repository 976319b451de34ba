/* SPDX-License-Identifier: GPL-2.0-or-later
 * The parent <-> container-child protocol: one SOCK_SEQPACKET socketpair, one message per step,
 * optionally carrying a string (an error message) and one fd (SCM_RIGHTS).
 *
 *   child -> parent   SYNC_USERMAP     (value: pid) write my uid/gid maps, then SYNC_USERMAP_ACK
 *   child -> parent   SYNC_PID         (value: pid of the container init, in the parent's pid ns)
 *   child -> parent   SYNC_CONSOLE     (fd: pty master) forward it to --console-socket
 *   child -> parent   SYNC_HOOKS       run prestart + createRuntime hooks, then SYNC_HOOKS_ACK
 *   child -> parent   SYNC_SECCOMP     (fd: seccomp listener) hand it to listenerPath
 *   child -> parent   SYNC_READY       set up; waits for SYNC_CREATED
 *   child -> parent   SYNC_ERROR       (value: errno, text: one line) setup failed; child exits
 *   parent -> child   SYNC_ERROR       a parent-side step failed; the child exits
 *   parent -> child   SYNC_CGROUP_ACK  the child is in its cgroup now (v1 hosts: moved after clone)
 *   parent -> child   SYNC_CREATED     state.json is written: block on exec.fifo. EOF instead
 *                                      means create died; the child exits, as nobody would ever
 *                                      open the fifo or know its pid
 *
 * Each end closes the socket when done; EOF before SYNC_READY means the child died. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

enum sync_type {
        SYNC_USERMAP = 1,
        SYNC_USERMAP_ACK,
        SYNC_PID,
        SYNC_CONSOLE,
        SYNC_HOOKS,
        SYNC_HOOKS_ACK,
        SYNC_SECCOMP,
        SYNC_READY,
        SYNC_ERROR,
        SYNC_CGROUP_ACK,        /* parent -> child: you are in the container's cgroup (cgroup-container.h) */
        SYNC_CREATED,
};

/* Send a message; text may be NULL, fd -1 for none. */
int sync_send(int sock, enum sync_type type, int32_t value, const char *text, int fd);
/* Report an error (err is -errno or errno) with a message; used by the child before _exit(). */
int sync_send_error(int sock, int err, const char *text);
/* Receive one message. ret_text (allocated, may be NULL) and ret_fd (O_CLOEXEC, or -EBADF) are
 * optional. -EPIPE on EOF. */
int sync_recv(int sock, enum sync_type *ret_type, int32_t *ret_value, char **ret_text, int *ret_fd);
/* Receive and require type want; its text (or NULL) goes to *ret_text. A SYNC_ERROR instead
 * returns its -errno, with its text in *ret_text; another type gives -EPROTO. */
int sync_expect(int sock, enum sync_type want, int32_t *ret_value, char **ret_text);
const char *sync_type_to_string(enum sync_type t);
