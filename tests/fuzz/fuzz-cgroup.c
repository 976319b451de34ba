/* SPDX-License-Identifier: GPL-2.0-or-later
 * libhusk's cgroup text parsers: /proc/<pid>/cgroup membership, limit values of each kind, cpu.max,
 * cpu lists, flat keyed files (memory.stat), HUSK_CPU_LIMIT, and the path/list helpers. The first
 * byte picks the parser ('0'..'9', see kinds[] below), the rest is the file's content. Invariants
 * checked besides memory safety: the out value is written only on success, a parsed cpu.max period
 * is never 0, a parsed cpu list has at least one CPU. */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fuzz.h"
#include "limits/limits-internal.h"

#define POISON UINT64_C(0x5a5a5a5a5a5a5a5a)

static void fuzz_membership(char *text) {
        struct cg_membership m = {};
        if (cg_membership_parse(text, &m) < 0)
                return;
        (void) cg_membership_v1_path(&m, "memory");
        (void) cg_membership_v1_path(&m, "cpu");
        (void) cg_membership_v1_path(&m, "name=systemd");
        cg_membership_done(&m);
}

static void fuzz_value(char *text, enum cg_value_kind kind) {
        uint64_t v = POISON;
        if (cg_parse_value(text, kind, &v) < 0 && v != POISON)
                abort();        /* written on failure */
        if (kind == CG_VALUE_V1_BYTES)
                (void) cg_v1_is_unlimited(v);
}

static void fuzz_cpu_max(char *text) {
        uint64_t q = POISON, p = POISON;
        int r = cg_parse_cpu_max(text, &q, &p);
        if (r < 0 && (q != POISON || p != POISON))
                abort();
        if (r >= 0 && p == 0)
                abort();        /* a period of 0 would divide by zero in sizing */
}

static void fuzz_cpu_list(char *text) {
        unsigned n = 0;
        if (cg_parse_cpu_list(text, &n) >= 0 && n == 0)
                abort();
}

static void fuzz_keyed(char *text) {
        uint64_t v = POISON;
        if (cg_keyed_get(text, "anon", &v) < 0 && v != POISON)
                abort();
        (void) cg_keyed_get(text, "hierarchical_memory_limit", &v);
        (void) cg_keyed_get(text, "", &v);
}

static void fuzz_cpus(char *text) {
        double d = -1;
        if (cg_parse_cpus(text, &d) >= 0 && !(d > 0))
                abort();        /* HUSK_CPU_LIMIT must be > 0 once accepted */
}

/* "path\nprefix" for the component-wise prefix test; the whole text for the list helpers and the
 * octal unescaping. */
static void fuzz_paths(char *text) {
        (void) cg_list_has(text, "memory");
        (void) cg_list_has_word(text, "cpu");
        char *nl = strchr(text, '\n');
        if (nl) {
                *nl = 0;
                (void) cg_path_has_prefix(text, nl + 1);
                (void) cg_path_has_prefix(nl + 1, text);
        }
        size_t before = strlen(text);
        cg_unescape(text);
        if (strlen(text) > before)
                abort();        /* unescaping never grows the string */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1)
                return 0;
        _cleanup_free_ char *text = fuzz_strndup(data + 1, size - 1);
        if (!text)
                return 0;

        switch ((uint8_t) (data[0] - '0') % 10) {
        case 0: fuzz_membership(text); break;
        case 1: fuzz_value(text, CG_VALUE_MAX_OR_U64); break;
        case 2: fuzz_value(text, CG_VALUE_V1_BYTES); break;
        case 3: fuzz_value(text, CG_VALUE_V1_QUOTA); break;
        case 4: fuzz_value(text, CG_VALUE_PERIOD); break;
        case 5: fuzz_cpu_max(text); break;
        case 6: fuzz_cpu_list(text); break;
        case 7: fuzz_keyed(text); break;
        case 8: fuzz_cpus(text); break;
        default: fuzz_paths(text); break;
        }
        return 0;
}
