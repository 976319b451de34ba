/* SPDX-License-Identifier: GPL-2.0-or-later
 * A seccomp profile (a file of policies/, `husk policy check`, linux.seccomp): oci_seccomp_parse_profile()
 * reads it strictly, then seccomp_check_names() resolves every syscall name on every declared
 * architecture, as policy check does. Compiling a filter is left out: it is libseccomp's code, and
 * slow. A rejected profile must say why. */
#include <errno.h>
#include <stdlib.h>

#include "cleanup.h"
#include "fuzz.h"
#include "seccomp-spec.h"
#include "seccomp.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(oci_seccomp_freep) struct oci_seccomp *s = NULL;
        _cleanup_free_ char *err = NULL;

        int r = oci_seccomp_parse_profile((const char *) data, size, "fuzz.json", &s, &err);
        if (r < 0) {
                if (r != -ENOMEM && (!err || !*err))
                        abort();        /* rejected without a message naming the field */
                return 0;
        }
        _cleanup_strv_free_ char **problems = NULL;
        (void) seccomp_check_names(s, &problems);
        for (size_t i = 0; i < s->n_architectures; i++)
                (void) oci_seccomp_arch_to_string(s->architectures[i]);
        (void) oci_seccomp_action_to_string(s->default_action);
        return 0;
}
