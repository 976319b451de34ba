/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk update: change the cgroup limits of a created, running or paused container (runc update;
 * containerd's CRI UpdateContainerResources runs it with the new linux.resources on stdin). */
#pragma once

#include <jansson.h>

/* Merge resources (a linux.resources object) into the linux.resources of the config copy in the
 * container's state directory, apply the merged resources to the container's cgroup with the
 * cgroup manager's writers (cgroup_apply), then save the merged config, so a later update or exec
 * sees the new limits. linux.resources.devices is left as create set it (runc does the same).
 * Errors name the field ("linux.resources.memory.limit: must be an integer"); nothing is written
 * when the resources do not parse. -EINVAL for a stopped container. */
int container_update(const char *root, const char *id, json_t *resources, char **ret_error);
