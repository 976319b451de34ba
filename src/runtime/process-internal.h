/* SPDX-License-Identifier: GPL-2.0-or-later
 * The parts of process_attrs_apply() (process-attrs.c) that live in their own files. Each returns
 * 0 or -errno with a "process.<field>: ..." message in *err. */
#pragma once

#include <sched.h>

#include "spec.h"

/* process-limits.c: setrlimit for each process.rlimits entry. */
int process_apply_rlimits(const struct oci_process *p, char **err);
/* process-limits.c: /proc/self/oom_score_adj. */
int process_apply_oom_score_adj(const struct oci_process *p, char **err);
/* process-limits.c: personality(2) from linux.personality. */
int process_apply_personality(const struct oci_linux *l, char **err);
/* process-limits.c: ioprio_set(2) and sched_setattr(2). */
int process_apply_io_priority(const struct oci_process *p, char **err);
int process_apply_scheduler(const struct oci_process *p, char **err);

/* process-limits.c: a CPU list as the kernel prints them ("0-3,7,9-10") into a set. -EINVAL for
 * bad syntax, -ERANGE for a CPU number at or above CPU_SETSIZE. */
int cpu_list_parse(const char *s, cpu_set_t *ret);
/* process-limits.c: sched_setaffinity(2) from process.execCPUAffinity (see process-attrs.h). */
int process_apply_cpu_affinity(const struct oci_process *p, char **err);

/* lsm.c: the AppArmor profile and SELinux label for the next execve. */
int process_apply_lsm_labels(const struct oci_process *p, char **err);
bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);
