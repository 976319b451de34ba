/* SPDX-License-Identifier: GPL-2.0-or-later
 * /dev in the container: the default devices (null, zero, full, random, urandom, tty) and
 * linux.devices, made with mknod(2), or bound from the host where mknod is not allowed (a user
 * namespace); /dev/pts (a new devpts instance when the spec mounts none), /dev/ptmx -> pts/ptmx,
 * /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr (and /dev/core) symlinks; /dev/console. */
#pragma once

#include <stdbool.h>

struct oci_spec;

/* Set up /dev inside the rootfs root_fd. Errors name the device: "linux.devices[2] (/dev/fuse):
 * mknod: Operation not permitted". */
int devices_setup(int root_fd, const struct oci_spec *spec, bool in_userns, char **ret_error);

/* Bind the terminal console_fd (a pty slave) onto /dev/console inside root_fd (created as an
 * empty file if missing), as runc and crun do for process.terminal. */
int devices_bind_console(int root_fd, int console_fd, char **ret_error);
