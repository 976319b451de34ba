/* SPDX-License-Identifier: GPL-2.0-or-later
 * The PID 1 duties: adopt orphans (as PID 1, or as a child subreaper otherwise), reap every
 * zombie, and reach every process we adopted when it is time to stop. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Called once per reaped child with its wait status. */
typedef void (*reap_fn)(pid_t pid, int status, void *userdata);

/* Mark us a child subreaper unless we are PID 1 (where the kernel already gives us every
 * orphan of the namespace), so orphaned descendants are reparented to us, not to the host's
 * init. Sets *ret_is_pid1. Returns 0 or -errno. */
int pid1_adopt_orphans(bool *ret_is_pid1);

/* Reap every child that has exited, without blocking, calling fn for each; fn also hears of
 * a child that stopped (WIFSTOPPED: job control). *ret_none_left is set when no child
 * (running or exited) remains: everything we adopted is gone. Returns the number reaped or
 * -errno. */
int reap_children(reap_fn fn, void *userdata, bool *ret_none_left);

/* The shell's convention for a wait status: the exit code, or 128 + the signal number. */
int exit_status_from_wait(int status);

/* Send sig to every process we adopted: as PID 1, every other process of the pid namespace
 * (kill(-1) stops at the namespace); otherwise our descendants, found through
 * /proc/<pid>/task/<tid>/children. Returns the number signalled or -errno (-ENOENT: no /proc). */
int signal_descendants(int sig, bool is_pid1);
