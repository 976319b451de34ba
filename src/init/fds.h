/* SPDX-License-Identifier: GPL-2.0-or-later
 * Inherited file descriptors: the init closes every one it does not pass on, so a pipe or
 * socket of whoever started the container is not held open for its whole life. */
#pragma once

#include <stddef.h>

/* Close every fd >= 3 except 3 .. 3+n_pass-1 (handed on to the workloads, inheritable) and
 * the fds in keep[] (used by the init itself: made O_CLOEXEC). Returns 0 or -errno. */
int fds_close_inherited(unsigned n_pass, const int *keep, size_t n_keep);
