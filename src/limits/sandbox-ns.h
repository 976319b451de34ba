/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Internal to libhusk: namespace detection for husk_sandbox_probe() (sandbox-ns.c) and the
 * /proc path helper both files share. */
#pragma once

#include <stdbool.h>

#include "husk/sandbox.h"

/* Open proc/thread-self/<name> under rootfd (seccomp, capabilities and namespaces are per
 * thread), falling back to proc/self/<name> on kernels before 3.17 and in fixtures. */
int sandbox_proc_open(int rootfd, const char *name, int flags);
/* readlinkat() with the same fallback; ret is NUL-terminated. */
int sandbox_proc_readlink(int rootfd, const char *name, char *ret, size_t size);

/* Fill in_userns .. in_mntns of sb, or set their bits in sb->unknown. nspid_entries is the
 * number of NSpid: entries read from status (0: absent). live: rootfd is the real "/", so
 * nsfs ioctls may be used. */
void sandbox_ns_probe(int rootfd, bool live, unsigned nspid_entries, struct husk_sandbox *sb);
