/* SPDX-License-Identifier: GPL-2.0-or-later
 * process.rlimits, process.oomScoreAdj, linux.personality, process.ioPriority, process.scheduler:
 * the per-process knobs set before the ids change. Each kernel refusal is reported with the field
 * and, where the cause is a missing capability, which one (this is what users hit when running
 * without CAP_SYS_RESOURCE: raising a hard rlimit or lowering oom_score_adj gives EPERM/EACCES). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "parse.h"
#include "process-internal.h"
#include "procfs.h"

static const char *fmt_limit(char *buf, size_t n, rlim_t v) {
        if (v == RLIM_INFINITY)
                snprintf(buf, n, "unlimited");
        else
                snprintf(buf, n, "%ju", (uintmax_t) v);
        return buf;
}

int process_apply_rlimits(const struct oci_process *p, char **err) {
        for (size_t i = 0; i < p->n_rlimits; i++) {
                const struct oci_rlimit *l = &p->rlimits[i];
                struct rlimit want = { .rlim_cur = (rlim_t) l->soft, .rlim_max = (rlim_t) l->hard }, cur = {};
                char a[32], b[32];
                if (setrlimit(l->resource, &want) == 0)
                        continue;
                int e = errno;
                uint64_t nr_open = 0;
                _cleanup_free_ char *line = NULL;
                /* setrlimit(2): RLIMIT_NOFILE above fs.nr_open is EPERM even with CAP_SYS_RESOURCE. */
                if (e == EPERM && l->resource == RLIMIT_NOFILE &&
                    read_one_line_at(AT_FDCWD, "/proc/sys/fs/nr_open", &line) >= 0 &&
                    safe_atou64(line, &nr_open) >= 0 && want.rlim_max > nr_open) {
                        json_errorf(err, "process.rlimits[%zu] (%s): the hard limit %s is above fs.nr_open (%ju): %s",
                                    i, l->type, fmt_limit(b, sizeof b, want.rlim_max), (uintmax_t) nr_open, strerror(e));
                        return -e;
                }
                if (e == EPERM && getrlimit(l->resource, &cur) == 0 && want.rlim_max > cur.rlim_max) {
                        json_errorf(err, "process.rlimits[%zu] (%s): raising the hard limit from %s to %s needs "
                                    "CAP_SYS_RESOURCE: %s", i, l->type, fmt_limit(a, sizeof a, cur.rlim_max),
                                    fmt_limit(b, sizeof b, want.rlim_max), strerror(e));
                        return -e;
                }
                json_errorf(err, "process.rlimits[%zu] (%s): setrlimit soft %s hard %s: %s", i, l->type,
                            fmt_limit(a, sizeof a, want.rlim_cur), fmt_limit(b, sizeof b, want.rlim_max), strerror(e));
                return -e;
        }
        return 0;
}

/* proc(5): writing a value below the current one needs CAP_SYS_RESOURCE (EACCES otherwise). */
int process_apply_oom_score_adj(const struct oci_process *p, char **err) {
        char buf[16];
        _cleanup_free_ char *cur = NULL;
        if (!p->has_oom_score_adj)
                return 0;
        snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
        /* Through a verified procfs, not the container's /proc (CVE-2025-52881). */
        int r = procfs_write("self/oom_score_adj", buf);
        if (r >= 0)
                return 0;
        int now;
        if ((r == -EACCES || r == -EPERM) && procfs_read_line("self/oom_score_adj", &cur) >= 0 &&
            safe_atoi(cur, &now) >= 0 && p->oom_score_adj < now) {
                json_errorf(err, "process.oomScoreAdj: lowering it from %d to %d needs CAP_SYS_RESOURCE: %s",
                            now, p->oom_score_adj, strerror(-r));
                return r;
        }
        json_errorf(err, "process.oomScoreAdj: write %d to /proc/self/oom_score_adj: %s", p->oom_score_adj, strerror(-r));
        return r;
}

int process_apply_personality(const struct oci_linux *l, char **err) {
        if (!l->has_personality)
                return 0;
        if (personality(l->personality) < 0) {
                int e = errno;
                json_errorf(err, "linux.personality: personality(%#lx): %s", l->personality, strerror(e));
                return -e;
        }
        return 0;
}

int process_apply_io_priority(const struct oci_process *p, char **err) {
        if (!p->has_io_priority)
                return 0;
        int v = IOPRIO_PRIO_VALUE(p->io_priority.class, p->io_priority.priority);
        if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, v) < 0) {
                int e = errno;
                json_errorf(err, "process.ioPriority: ioprio_set(class %d, priority %d): %s%s",
                            p->io_priority.class, p->io_priority.priority, strerror(e),
                            e == EPERM ? " (the real-time class needs CAP_SYS_ADMIN)" : "");
                return -e;
        }
        return 0;
}

/* struct sched_attr of sched_setattr(2), SCHED_ATTR_SIZE_VER0 (linux/sched/types.h, whose
 * struct sched_param clashes with glibc's <sched.h>). */
struct husk_sched_attr {
        uint32_t size;
        uint32_t sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime;
        uint64_t sched_deadline;
        uint64_t sched_period;
};

/* sched_setattr(2) covers every policy, including SCHED_DEADLINE and the flags. */
int process_apply_scheduler(const struct oci_process *p, char **err) {
        if (!p->has_scheduler)
                return 0;
        const struct oci_scheduler *s = &p->scheduler;
        struct husk_sched_attr a = {
                .size = sizeof a,
                .sched_policy = (uint32_t) s->policy,
                .sched_flags = s->flags,
                .sched_nice = s->nice,
                .sched_priority = (uint32_t) s->priority,
                .sched_runtime = s->runtime,
                .sched_deadline = s->deadline,
                .sched_period = s->period,
        };
        if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) {
                int e = errno;
                json_errorf(err, "process.scheduler: sched_setattr(policy %d, priority %d, nice %d): %s%s",
                            s->policy, s->priority, s->nice, strerror(e),
                            e == EPERM ? " (real-time policies and negative nice values need CAP_SYS_NICE)" : "");
                return -e;
        }
        return 0;
}

int cpu_list_parse(const char *s, cpu_set_t *ret) {
        cpu_set_t set;
        const char *p = s;
        CPU_ZERO(&set);
        if (!*p)
                return -EINVAL;
        for (;;) {
                char *end;
                unsigned long lo, hi;
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                lo = hi = strtoul(p, &end, 10);
                if (*end == '-') {
                        p = end + 1;
                        if (*p < '0' || *p > '9')
                                return -EINVAL;
                        hi = strtoul(p, &end, 10);
                }
                if (hi < lo)
                        return -EINVAL;
                if (hi >= CPU_SETSIZE)
                        return -ERANGE;
                for (unsigned long c = lo; c <= hi; c++)
                        CPU_SET(c, &set);
                if (*end == '\0')
                        break;
                if (*end != ',')
                        return -EINVAL;
                p = end + 1;
        }
        *ret = set;
        return 0;
}

/* runc applies "initial" when its init joins the container and "final" once it is in the
 * container's cgroup, right before exec. husk creates no cgroups yet, so the process gets the
 * last affinity it would end with: final, else initial. */
int process_apply_cpu_affinity(const struct oci_process *p, char **err) {
        const char *list = p->exec_cpu_affinity_final ? p->exec_cpu_affinity_final : p->exec_cpu_affinity_initial;
        const char *field = p->exec_cpu_affinity_final ? "final" : "initial";
        cpu_set_t set;
        if (!list)
                return 0;
        int r = cpu_list_parse(list, &set);
        if (r < 0)
                return json_errorf(err, "process.execCPUAffinity.%s: \"%s\" is not a CPU list", field, list);
        if (sched_setaffinity(0, sizeof set, &set) < 0) {
                int e = errno;
                json_errorf(err, "process.execCPUAffinity.%s: sched_setaffinity(%s): %s", field, list, strerror(e));
                return -e;
        }
        return 0;
}
