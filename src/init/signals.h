/* SPDX-License-Identifier: GPL-2.0-or-later
 * Signals in husk-init: every asynchronous signal is blocked and read from one signalfd, so
 * the event loop sees them in order, and the workloads get back the mask and dispositions the
 * init itself inherited (a signal ignored by whoever started us stays ignored in the child). */
#pragma once

#include <signal.h>
#include <stdbool.h>

/* What the init found at start, restored in each child before exec. */
struct sig_saved {
        sigset_t mask;
        struct sigaction chld;      /* SIGCHLD: we need SIG_DFL to reap, the child gets this back */
};

/* Block every signal but the synchronous ones (a fault must still kill us), reset SIGCHLD to
 * SIG_DFL, and open a signalfd for the blocked set. Returns the fd (O_CLOEXEC) or -errno. */
int signals_setup(struct sig_saved *ret_saved);

/* In a forked child, before exec: put back the inherited SIGCHLD disposition and signal mask.
 * Async-signal-safe. Returns 0 or -errno. */
int signals_restore(const struct sig_saved *saved);

/* "TERM", "SIGTERM", "sigterm" or "15" -> 15. -EINVAL for anything else. */
int signal_from_string(const char *s, int *ret);

/* 15 -> "SIGTERM"; real-time signals as "SIGRTMIN+n"; writes into buf. */
const char *signal_to_string(int sig, char *buf, size_t n);

/* The TTY job-control stop signals: SIGTSTP, SIGTTIN, SIGTTOU. */
bool signal_is_tty_stop(int sig);
