/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Whole-file reads and writes, relative to a directory fd (AT_FDCWD for plain paths). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Read a whole (small, kernel-made or config) file into a NUL-terminated buffer. */
int read_full_file_at(int dirfd, const char *path, char **ret, size_t *ret_size);
/* Read the first line, without its newline. */
int read_one_line_at(int dirfd, const char *path, char **ret);
/* Write s to an existing file (O_WRONLY|O_TRUNC), as cgroupfs and procfs want it: one write(2). */
int write_string_file_at(int dirfd, const char *path, const char *s);
/* Read everything from an fd until EOF. */
int read_full_fd(int fd, char **ret, size_t *ret_size);
/* Replace path (relative to dirfd) with n bytes of buf: written to "<path>.husk-tmp" with mode,
 * flushed to disk first when sync, then renamed over path; the temporary file goes on failure. A
 * reader finds the old file or all of the new one. */
int write_file_atomic_at(int dirfd, const char *path, const void *buf, size_t n, mode_t mode, bool sync);
/* write(2) all of buf, retrying on EINTR and short writes. */
int loop_write(int fd, const void *buf, size_t n);
/* loop_write() to a pipe or socket whose reader may be gone (a hook that exits without reading
 * its stdin): -EPIPE then, with the SIGPIPE that would have killed us held off and dropped. */
int loop_write_nosigpipe(int fd, const void *buf, size_t n);
