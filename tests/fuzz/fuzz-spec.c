/* SPDX-License-Identifier: GPL-2.0-or-later
 * config.json: oci_spec_parse() (with linux.resources, linux.seccomp, hooks and linux.sysctl, which
 * it parses through their modules), then what the runtime derives from a parsed spec without
 * touching the system: warnings, mount options, rootfs propagation, normalised mount destinations
 * and the cgroup path. Invariant checked besides memory safety: a rejected config always says why. */
#include <errno.h>
#include <stdlib.h>

#include "cgroup.h"
#include "cleanup.h"
#include "fuzz.h"
#include "mount-options.h"
#include "paths.h"
#include "spec.h"
#include "strv.h"

static void oci_spec_freep(struct oci_spec **s) {
        oci_spec_free(*s);
}

/* What create derives from the mounts before it mounts anything. */
static void derive_mounts(const struct oci_spec *s) {
        for (size_t i = 0; i < s->n_mounts; i++) {
                struct mnt_options o = {};
                if (mnt_options_parse(s->mounts[i].options, &o, NULL) >= 0) {
                        (void) mnt_options_is_bind(&o, s->mounts[i].type);
                        mnt_options_done(&o);
                }
                _cleanup_free_ char *dest = NULL;
                if (path_normalize(s->mounts[i].destination, &dest) >= 0)
                        (void) path_is_below(dest, "/proc");
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(oci_spec_freep) struct oci_spec *s = NULL;
        _cleanup_free_ char *err = NULL;

        int r = oci_spec_parse((const char *) data, size, &s, &err);
        if (r < 0) {
                if (r != -ENOMEM && (!err || !*err))
                        abort();        /* rejected without a message naming the field */
                return 0;
        }

        _cleanup_strv_free_ char **warnings = NULL;
        (void) oci_spec_warnings(s, &warnings);
        derive_mounts(s);
        if (s->has_linux) {
                unsigned long prop;
                if (s->linux_.rootfs_propagation)
                        (void) mnt_propagation_from_string(s->linux_.rootfs_propagation, &prop);
                _cleanup_free_ char *cg = NULL, *cg_err = NULL;
                (void) cgroup_path_resolve(s->linux_.cgroups_path, "fuzz", &cg, &cg_err);
        }
        return 0;
}
