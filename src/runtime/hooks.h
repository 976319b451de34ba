/* SPDX-License-Identifier: GPL-2.0-or-later
 * OCI hooks: run each hook of a kind in order with the container state JSON on stdin, the hook's
 * args (args[0] is argv[0]; the path when args is absent) and env, and its timeout. */
#pragma once

#include "spec.h"

/* Run spec->hooks of kind in order; stop at the first failure. Returns -errno (or -EIO for a
 * non-zero exit, -ETIME for a timeout) and a message naming the hook in *ret_error:
 * "createRuntime hook[0] (/usr/bin/x): exited with status 3". Each hook inherits our
 * stdout/stderr; every other fd of ours is closed in it. */
int hooks_run(const struct oci_spec *spec, enum oci_hook_kind kind, const char *state_json,
              char **ret_error);
/* The same, but a failing hook does not stop the ones after it (poststart, poststop: "the
 * remaining hooks and lifecycle continue", runtime-spec runtime.md); returns the first error. */
int hooks_run_all(const struct oci_spec *spec, enum oci_hook_kind kind, const char *state_json,
                  char **ret_error);
