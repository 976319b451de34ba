/* SPDX-License-Identifier: GPL-2.0-or-later
 * linux.sysctl: which keys a container may set, and writing them in the container.
 * Only sysctls that the kernel namespaces may be set, and only when the config gives the container
 * that namespace, exactly runc's rule (libcontainer/configs/validate: sysctl):
 *   kernel.msgmax, kernel.msgmnb, kernel.msgmni, kernel.sem, kernel.shmall, kernel.shmmax,
 *   kernel.shmmni, kernel.shm_rmid_forced, fs.mqueue.*   need an ipc namespace;
 *   net.*                                                  need a network namespace (not the host's);
 *   kernel.hostname / kernel.domainname                    are refused: use hostname / domainname.
 * Keys may use '.' or '/' as separators ("net/ipv4/ip_forward"). */
#pragma once

#include "spec.h"

/* Check every linux.sysctl key against the namespaces of the spec; -EINVAL with
 * "linux.sysctl.<key>: ..." in *err. Called by oci_spec_parse(). */
int sysctl_validate(const struct oci_spec *s, char **err);
/* The file under /proc/sys for a key: '.' separators become '/', unless the key already uses '/'. */
int sysctl_key_to_path(const char *key, char **ret);
/* Write every linux.sysctl value to /proc/sys, in the container's namespaces (procfs resolves
 * the ipc and net sysctls by the writing task). Call it before linux.readonlyPaths are applied:
 * every usual config (runc's, containerd's, ours) lists /proc/sys there, as runc orders it.
 * Before pivot_root the runtime's /proc works as well as the container's after it.
 * Errors: "linux.sysctl.<key>: /proc/sys/<path>: <strerror>". */
int sysctl_apply(const struct oci_spec *s, char **err);
