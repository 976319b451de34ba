/* SPDX-License-Identifier: GPL-2.0-or-later
 * /proc/<pid>/mountinfo text, through each of its parsers: libhusk's cg_mount_table_parse() (cgroup
 * mounts), the runtime's cgroup_layout_parse() built on it, and the runtime's mountinfo_parse()
 * (every mount, in place). The text is the kernel's, but a container can shape it (mount points
 * with escapes, long optional fields), and husk-init reads it inside untrusted images. */
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "fuzz.h"
#include "limits/limits-internal.h"
#include "mountinfo.h"

static int count_entry(const struct mountinfo_entry *e, void *userdata) {
        size_t *n = userdata;
        /* Touch every field: each must be a valid C string. */
        *n += strlen(e->root) + strlen(e->mountpoint) + strlen(e->optional) + strlen(e->fstype) +
              strlen(e->source) + strlen(e->superopts);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = fuzz_strndup(data, size);
        if (!text)
                return 0;

        struct cg_mount_table t = {};
        if (cg_mount_table_parse(text, &t) >= 0) {
                for (size_t i = 0; i < t.n; i++)
                        (void) cg_list_has(t.mounts[i].super_options, "memory");
                cg_mount_table_done(&t);
        }

        struct cgroup_layout l = {};
        if (cgroup_layout_parse(text, false, &l) >= 0) {
                for (int c = 0; c < _CG_MAX; c++)
                        (void) cgroup_layout_where(&l, c);
                cgroup_layout_done(&l);
        }

        size_t n = 0;
        (void) mountinfo_parse(text, count_entry, &n);   /* last: it writes into text */
        return 0;
}
