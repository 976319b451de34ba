/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk run/create --init (or the annotation org.husk.init: "true"): husk-init becomes the
 * container's PID 1 in front of process.args, as docker --init and podman --init do with tini
 * and catatonit. */
#pragma once

#include <stdbool.h>

#include "spec.h"

#define SPEC_INIT_ANNOTATION "org.husk.init"
/* Where husk-init appears in the container (podman uses /run/podman-init). */
#define SPEC_INIT_DESTINATION "/run/husk-init"

/* Whether the container gets husk-init: requested (--init), or the annotation is "true".
 * -EINVAL with a message naming the annotation when its value is neither "true" nor "false". */
int spec_init_wanted(const struct oci_spec *s, bool requested, bool *ret, char **ret_error);

/* Make init_path (a static husk-init on the host) PID 1: a read-only bind mount of it at
 * SPEC_INIT_DESTINATION is appended to mounts (after any /run tmpfs) and process.args becomes
 * [SPEC_INIT_DESTINATION, "--", args...]. Fails, with the spec unchanged and a message naming the
 * file, when init_path is missing, not executable or dynamically linked (the container has none
 * of the host's libraries), or when process.args is empty. */
int spec_init_apply(struct oci_spec *s, const char *init_path, char **ret_error);
