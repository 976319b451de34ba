/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "child.h"

int exec_failure_status(int err) {
        return err == ENOENT || err == ENOTDIR ? 127 : 126;
}

/* The child's own process group, and the terminal for it when we have one: tini's
 * isolate_child(). SIGTTOU is still blocked here (inherited from the init), which is what lets
 * a background group call tcsetpgrp() (tcsetpgrp(3)). No terminal is not an error. */
static int isolate_child(bool foreground_tty) {
        if (setpgid(0, 0) < 0)
                return -errno;
        if (foreground_tty && tcsetpgrp(STDIN_FILENO, getpgrp()) < 0 && errno != ENOTTY && errno != ENXIO)
                return -errno;
        return 0;
}

void child_foreground(pid_t pgid) {
        if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp())
                (void) tcsetpgrp(STDIN_FILENO, pgid);
}

/* In the forked child: never returns. */
static _noreturn_ void child_exec(const struct spawn_params *p) {
        int r = isolate_child(p->foreground_tty);
        if (r < 0) {
                log_error_errno(r, "cannot set up the process group of '%s': %m", p->argv[0]);
                _exit(126);
        }
        r = signals_restore(p->sigs);
        if (r < 0) {
                log_error_errno(r, "cannot restore the signal mask for '%s': %m", p->argv[0]);
                _exit(126);
        }
        execvpe(p->argv[0], p->argv, p->envp);
        int err = errno;
        log_error_errno(err, "cannot execute '%s': %m", p->argv[0]);
        _exit(exec_failure_status(err));
}

int spawn_workload(const struct spawn_params *p, pid_t *ret_pid) {
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                child_exec(p);
        /* Also from the parent, so a signal sent to the group right after fork() finds it
         * (the race tini and dumb-init both note). EACCES: the child already exec'd. */
        (void) setpgid(pid, pid);
        *ret_pid = pid;
        return 0;
}
