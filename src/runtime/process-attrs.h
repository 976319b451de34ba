/* SPDX-License-Identifier: GPL-2.0-or-later
 * Applying process.* in the container child, after pivot_root and sysctl, just before seccomp and
 * execve: resource limits, OOM score, personality, I/O priority, scheduler, LSM labels for exec,
 * umask, cwd, groups and ids, capabilities and no_new_privs.
 *
 * The order matters and follows runc's finalizeNamespace():
 *   rlimits, oomScoreAdj, personality, ioPriority, scheduler, execCPUAffinity, apparmor/selinux exec labels
 *   (all need the runtime's privileges), chdir(cwd) (as root, retried as the user on EACCES),
 *   bounding set drop (needs CAP_SETPCAP), PR_SET_KEEPCAPS, setgroups, setresgid, setresuid,
 *   capset of effective/permitted/inheritable, ambient set, umask, PR_SET_NO_NEW_PRIVS.
 * The first group (up to the exec labels) is process_attrs_apply_setup(), called before a seccomp
 * filter that goes in early (noNewPrivileges false): it writes procfs through fsopen/openat2,
 * which profiles older than those syscalls deny, as runc writes oom_score_adj and the AppArmor
 * label before seccomp. The rest is process_attrs_apply(); an early filter must allow it.
 *
 * Errors name the field and say what the kernel refused, e.g.
 * "process.rlimits[0] (RLIMIT_NOFILE): raising the hard limit from 1048576 to 2097152 needs
 *  CAP_SYS_RESOURCE: Operation not permitted". */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "spec.h"

/* rlimits to the exec labels, for spec->process (nothing when the spec has no process). */
int process_attrs_apply_setup(const struct oci_spec *spec, char **ret_error);
/* Then cwd, ids, capabilities, umask and no_new_privs. */
int process_attrs_apply(const struct oci_spec *spec, char **ret_error);

/* The ambient set the kernel will accept: a capability can only be ambient when it is both
 * permitted and inheritable (capabilities(7)); runc silently skips the others, so do we. */
uint64_t process_caps_ambient(const struct oci_capabilities *c);

/* The capabilities to drop from the bounding set: all the running kernel knows (below
 * last_cap + 1) that are not in c->bounding. */
uint64_t process_caps_bounding_drop(const struct oci_capabilities *c, unsigned last_cap);

/* umask for the process: process.user.umask, or 0022 (runc's and crun's default). */
mode_t process_umask(const struct oci_process *p);
