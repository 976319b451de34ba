/* SPDX-License-Identifier: GPL-2.0-or-later
 * process.terminal: a pty whose slave becomes the container's controlling terminal and stdio, and
 * whose master goes to the caller through --console-socket (SCM_RIGHTS), as runc's recvtty and
 * containerd/conmon expect. */
#pragma once

#include "spec.h"

/* Open a new pty pair from ptmx_path (e.g. "/dev/ptmx"); both fds O_CLOEXEC, slave O_NOCTTY. */
int console_open_pty(const char *ptmx_path, int *ret_master, int *ret_slave);
/* Apply process.consoleSize to the pty (no-op without it). */
int console_set_size(int fd, const struct oci_process *p);
/* In the container child: new session, slave as controlling terminal and as fds 0, 1, 2. */
int console_make_controlling(int slave);
/* Connect to the unix socket at path (SOCK_STREAM, O_CLOEXEC). */
int console_socket_connect(const char *path, int *ret_fd);
/* Send master over sock with SCM_RIGHTS (the payload is the pty's name, as runc does). */
int console_send_master(int sock, int master);
/* Send fd over sock with SCM_RIGHTS, with name as the message payload (also --pidfd-socket). */
int console_send_fd(int sock, int fd, const char *name);
