/* SPDX-License-Identifier: GPL-2.0-or-later
 * The cgroup steps of the container lifecycle (container.c, container-ops.c call these).
 *
 * create: container_cgroup_create() before the clone; container_cgroup_clone() starts the child
 * inside the cgroup (clone3 CLONE_INTO_CGROUP on cgroup v2, so it runs no instruction outside);
 * where that is not enough (v1 hierarchies, a kernel without clone3) it says so through
 * *ret_wait, the child waits for SYNC_CGROUP_ACK, and container_cgroup_place() moves it and
 * sends the ack. The child creates its cgroup namespace only once inside, so the namespace's root
 * is the container's cgroup. The cgroup path goes into state.json; delete removes the cgroup
 * with container_cgroup_remove(). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "spec.h"

/* Create the container's cgroup per --cgroup-manager (NULL: cgroupfs), linux.cgroupsPath and
 * linux.resources. *ret is NULL with "disabled", and on a host without usable cgroups when the
 * spec asks for no limits (the container runs without, as runc's rootless mode). */
int container_cgroup_create(const struct oci_spec *spec, const char *id, const char *manager, struct cgroup **ret,
                            char **ret_error);

/* clone(2) the container child with flags (CLONE_NEW*, no SIGCHLD), into cg when not NULL.
 * *ret_wait (the flag the child reads, set before the clone) turns true when the parent must
 * still move the child with container_cgroup_place(); CLONE_NEWCGROUP is then left to the child.
 * Returns the pid (0 in the child) or -errno. */
pid_t container_cgroup_clone(const struct cgroup *cg, unsigned long flags, bool *ret_wait);

/* Move pid into cg where it is not yet (systemd: start the scope with pid in it and apply the
 * limits), then tell the child (SYNC_CGROUP_ACK on sync_fd). */
int container_cgroup_place(struct cgroup *cg, pid_t pid, int sync_fd, char **ret_error);

/* In the child, first thing when wait is set: block until the parent placed us, then create
 * the cgroup namespace if new_flags asks for one (single-clone case). */
int container_cgroup_child_wait(int sync_fd, bool unshare_cgroupns, char **ret_error);

/* Kill what is left in the cgroup at path (state.json's) and remove it; a cgroup already gone
 * is fine. */
int container_cgroup_remove(const char *path, char **ret_error);

/* Open the cgroup at path for pause/resume/kill --all; -ENOENT (with a message) when the
 * container has none. */
int container_cgroup_open(const char *id, const char *path, struct cgroup **ret, char **ret_error);

/* Is the container's cgroup (state.json's path, may be NULL) frozen? */
bool container_cgroup_is_paused(const char *path);

/* husk pause / resume: freeze or thaw the cgroup of a running container (-EINVAL with a message
 * when it is not running, or has no cgroup). */
int container_pause(const char *root, const char *id, bool pause, char **ret_error);

/* husk kill --all: sig to every process of the container's cgroup. */
int container_kill_all(const char *root, const char *id, int sig, char **ret_error);
