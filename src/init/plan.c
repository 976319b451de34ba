/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"

void plan_host_snapshot(struct husk_limits_snapshot *ret) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        *ret = (struct husk_limits_snapshot) {
                .version = HUSK_CGROUP_NONE,
                .host_cpus = n > 0 ? (unsigned) n : 1,
                .cpus = n > 0 ? (double) n : 1,
                .cpus_bound_by = HUSK_CPU_BOUND_HOST,
                .cpu_quota = { .value = HUSK_UNLIMITED },
                .cpuset = { .value = HUSK_UNLIMITED },
                .affinity = { .value = HUSK_UNLIMITED },
                .memory_max = { .value = HUSK_UNLIMITED },
                .memory_high = { .value = HUSK_UNLIMITED },
                .memory_low = { .value = HUSK_UNLIMITED },
                .swap_max = { .value = HUSK_UNLIMITED },
                .pids_max = { .value = HUSK_UNLIMITED },
        };
}

static uint64_t memory_limit(const struct husk_limits_snapshot *s) {
        uint64_t m = HUSK_UNLIMITED;
        if (s->memory_max.flags & HUSK_LIMIT_SET)
                m = s->memory_max.value;
        if ((s->memory_high.flags & HUSK_LIMIT_SET) && s->memory_high.value < m)
                m = s->memory_high.value;
        return m;
}

/* How many workers, and why: the CPU limit (auto) or --workers N, capped by what fits the
 * heap goal with --worker-memory, then --max-workers and --min-workers. */
static void plan_count(struct plan *p, const struct husk_limits_snapshot *s, const struct init_args *a) {
        size_t pos = 0;
        char b1[32], b2[32];

#define WHY(...) (pos += (size_t) snprintf(p->why + pos, pos < sizeof p->why ? sizeof p->why - pos : 0, __VA_ARGS__))
        if (!a->scheduler) {
                p->workers = 1;
                WHY("one command");
                return;
        }
        if (a->workers_auto) {
                p->cpu_workers = husk_cpu_workers(s, a->rounding, 1);
                p->workers = p->cpu_workers;
                WHY("cpu %s (%s) %s -> %u", format_fixed(s->cpus, 2, b1, sizeof b1), husk_cpu_bound_to_string(s->cpus_bound_by),
                    cpu_rounding_to_string(a->rounding), p->cpu_workers);
        } else {
                p->workers = a->workers;
                WHY("--workers %u", a->workers);
        }
        if (a->worker_memory) {
                if (p->heap_goal) {
                        p->memory_workers = (unsigned) (p->heap_goal / a->worker_memory);
                        WHY("; memory: heap goal %s / %s -> %u", format_bytes(p->heap_goal, b1, sizeof b1),
                            format_bytes(a->worker_memory, b2, sizeof b2), p->memory_workers);
                        if (p->memory_workers < p->workers)
                                p->workers = p->memory_workers;
                } else
                        WHY("; memory: no limit");
        }
        if (a->workers_auto && a->max_workers && p->workers > a->max_workers) {
                p->workers = a->max_workers;
                WHY("; --max-workers %u", a->max_workers);
        }
        if (p->workers < a->min_workers) {
                p->workers = a->min_workers;
                WHY("; --min-workers %u", a->min_workers);
        }
        WHY(" => %u", p->workers);
#undef WHY
}

int plan_compute(const struct husk_limits_snapshot *s, const struct init_args *a, char *const *env,
                 struct plan *ret) {
        struct plan p = {
                .cpus = s->cpus,
                .memory = memory_limit(s),
        };
        uint64_t heap;

        if (p.memory != HUSK_UNLIMITED && husk_heap_goal(s, HUSK_HEAP_RATIO_DEFAULT, 0, &heap) >= 0)
                p.heap_goal = heap;
        plan_count(&p, s, a);

        /* Each worker's share: the limits divided evenly. */
        p.share = *s;
        p.share.cpus = s->cpus / p.workers;
        if (p.share.memory_max.flags & HUSK_LIMIT_SET)
                p.share.memory_max.value /= p.workers;
        if (p.share.memory_high.flags & HUSK_LIMIT_SET)
                p.share.memory_high.value /= p.workers;

        struct envsize_options eo = {
                .disabled = a->env_disabled,
                .off = a->env_off,
                .jvm = a->jvm,
                .rounding = a->rounding,
        };
        int r = envsize_compute(&p.share, &eo, env, &p.env);
        if (r < 0)
                return r;
        *ret = p;
        return 0;
}

void plan_done(struct plan *p) {
        env_plan_done(&p->env);
}
