/* SPDX-License-Identifier: LGPL-2.1-or-later
 * From a snapshot to a plan: how many workers, how big a heap. */
#include <errno.h>

#include "limits-internal.h"

unsigned husk_cpu_workers(const struct husk_limits_snapshot *s, enum husk_rounding rounding,
                          unsigned min) {
        double cpus = s ? s->cpus : 0;
        unsigned n = 0;
        if (cpus > 0 && cpus < 1e6) { /* not NaN, not nonsense; no libm needed */
                n = (unsigned) cpus;
                if (rounding == HUSK_ROUND_CEIL && (double) n < cpus)
                        n++;
        }
        return n < min ? min : n;
}

/* automemlimit (KimMachineGun/automemlimit): GOMEMLIMIT = limit * ratio, ratio 0.9 by default;
 * memory.high counts because crossing it throttles the process hard. */
int husk_heap_goal(const struct husk_limits_snapshot *s, double ratio, uint64_t reserve,
                   uint64_t *ret) {
        if (!s || !ret || !(ratio > 0 && ratio <= 1))
                return -EINVAL;
        uint64_t limit = HUSK_UNLIMITED;
        if (s->memory_max.flags & HUSK_LIMIT_SET)
                limit = s->memory_max.value;
        if (!(s->memory_max.flags & HUSK_LIMIT_OVERRIDE) && (s->memory_high.flags & HUSK_LIMIT_SET) &&
            s->memory_high.value < limit)
                limit = s->memory_high.value;
        if (limit == HUSK_UNLIMITED)
                return -ENODATA;
        double goal = (double) limit * ratio;
        if (goal <= (double) reserve)
                return -ERANGE;
        *ret = (uint64_t) (goal - (double) reserve);
        return 0;
}

const char *husk_cgroup_version_to_string(enum husk_cgroup_version v) {
        switch (v) {
        case HUSK_CGROUP_NONE:
                return "none";
        case HUSK_CGROUP_V1:
                return "v1";
        case HUSK_CGROUP_V2:
                return "v2";
        case HUSK_CGROUP_HYBRID:
                return "hybrid";
        }
        return "unknown";
}

const char *husk_cpu_bound_to_string(enum husk_cpu_bound b) {
        switch (b) {
        case HUSK_CPU_BOUND_HOST:
                return "host";
        case HUSK_CPU_BOUND_QUOTA:
                return "quota";
        case HUSK_CPU_BOUND_CPUSET:
                return "cpuset";
        case HUSK_CPU_BOUND_AFFINITY:
                return "affinity";
        case HUSK_CPU_BOUND_OVERRIDE:
                return "override";
        }
        return "unknown";
}
