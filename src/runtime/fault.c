/* SPDX-License-Identifier: GPL-2.0-or-later
 * HUSK_FAULT stages (see fault.h). */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

void fault_point(const char *stage) {
        static const char *wanted = NULL;
        static bool read_env = false;
        if (!read_env) {
                wanted = getenv("HUSK_FAULT");
                read_env = true;
        }
        if (!wanted || strcmp(wanted, stage) != 0)
                return;
        /* kill(2), not raise(3): in a child made by a raw clone(2) glibc's cached tid is the
         * parent's. The init of a new pid namespace ignores SIGKILL from itself
         * (SIGNAL_UNKILLABLE, kernel/signal.c sig_task_ignored): it leaves by _exit(2), which runs
         * no cleanup either. */
        (void) kill(getpid(), SIGKILL);
        _exit(128 + SIGKILL);
}
