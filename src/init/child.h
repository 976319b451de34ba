/* SPDX-License-Identifier: GPL-2.0-or-later
 * Starting a workload: fork, put it in its own process group (so signals can go to the group
 * and the terminal can be handed over), give back the inherited signal state, exec. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "signals.h"

struct spawn_params {
        char **argv;                    /* argv[0] is looked up in PATH */
        char **envp;
        const struct sig_saved *sigs;
        bool foreground_tty;            /* make the child's group the terminal's foreground */
};

/* Fork and exec p->argv. Returns 0 and the child's pid, or -errno if fork failed. A program
 * that cannot be found or executed makes the child print why and exit 127 or 126. */
int spawn_workload(const struct spawn_params *p, pid_t *ret_pid);

/* Give the terminal back to the workload's process group pgid, if it is ours to give (we
 * are in the foreground): after a job-control stop the shell hands it to our group. */
void child_foreground(pid_t pgid);

/* The shell's codes for a failed exec: 127 not found, 126 found but not executable. */
int exec_failure_status(int err);
