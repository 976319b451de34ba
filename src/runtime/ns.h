/* SPDX-License-Identifier: GPL-2.0-or-later
 * Namespaces of linux.namespaces: which to create (clone/unshare flags), which to join by path
 * (setns, user namespace first), the user namespace's uid/gid maps and the time namespace's
 * offsets. Errors are -errno with a message naming the field in *ret_error. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

/* CLONE_NEW* flags of the namespaces to create (entries without a path). CLONE_NEWTIME is
 * included: it can only be unshare()d, never passed to clone(2) (it collides with CSIGNAL). */
unsigned long ns_new_flags(const struct oci_spec *spec);

/* Can the init be created by a single clone(2) with ns_new_flags()? False when a namespace is
 * joined by path or a time namespace is created: then an intermediate process joins/unshares
 * and forks the init (the pid and time namespaces only apply to children). */
bool ns_single_clone(const struct oci_spec *spec);

/* Open every linux.namespaces[].path (O_RDONLY|O_CLOEXEC) into fds[type] (-EBADF when none), and
 * check each is a namespace file of the right type. */
int ns_open_paths(const struct oci_spec *spec, int fds[_OCI_NS_TYPE_MAX], char **ret_error);
/* setns() into every opened namespace: user first (the others may be owned by it), mount last;
 * closes the fds. */
int ns_join(int fds[_OCI_NS_TYPE_MAX], char **ret_error);
void ns_close_fds(int fds[_OCI_NS_TYPE_MAX]);

/* Write /proc/<pid>/{setgroups,uid_map,gid_map} from linux.uidMappings/gidMappings. setgroups is
 * set to "deny" when the caller lacks CAP_SETGID (the kernel requires it for an unprivileged
 * gid_map, user_namespaces(7)). Without mappings, maps the caller's own ids to root. */
int ns_write_id_maps(pid_t pid, const struct oci_spec *spec, char **ret_error);

/* Write linux.timeOffsets to /proc/self/timens_offsets, after unshare(CLONE_NEWTIME) and before
 * the first child enters the namespace (time_namespaces(7)). */
int ns_write_time_offsets(const struct oci_spec *spec, char **ret_error);
