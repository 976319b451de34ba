/* SPDX-License-Identifier: GPL-2.0-or-later
 * The runtime's own reads and writes of procfs files (linux.sysctl, oom_score_adj, LSM
 * attributes), through a procfs the container cannot have tampered with (CVE-2025-52881).
 *
 * After the pivot, "/proc" is the container's: a process of the container (or a mount that
 * propagated in) may have put a tmpfs, a bind mount or symlinks over /proc, /proc/self or
 * /proc/sys, so that a write meant for /proc/self/attr/exec lands in /proc/sys/kernel/core_pattern.
 * These functions open a fresh procfs instance (fsopen(2)), or failing that a non-recursive clone
 * of the /proc mount (open_tree(2): no mount on top of it comes along), check that it is the root
 * of a procfs, and resolve the path below it with openat2(2) RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV
 * (runc 1.2.8 / libpathrs do the same); "self/" and "thread-self/" name the caller by pid. */
#pragma once

/* path is relative to /proc, with at least one "/": "sys/net/ipv4/ip_forward", "self/oom_score_adj",
 * "thread-self/attr/exec". -EXDEV if what is found is not on a procfs. */
int procfs_open(const char *path, int flags, int *ret_fd);

/* The directory of path (O_PATH, close-on-exec) and the file name in it, which needs no further
 * checks: nothing is mounted on that procfs and its directories hold the kernel's files. */
int procfs_open_parent(const char *path, int *ret_dfd, const char **ret_name);

/* Write s (no newline added) to the procfs file path. */
int procfs_write(const char *path, const char *s);

/* The first line of the procfs file path, without the newline. */
int procfs_read_line(const char *path, char **ret);
