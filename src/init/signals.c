/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>

#include "cleanup.h"
#include "parse.h"
#include "signals.h"

static const struct {
        int sig;
        const char *name;
} signal_table[] = {
        { SIGHUP, "HUP" },     { SIGINT, "INT" },       { SIGQUIT, "QUIT" },   { SIGILL, "ILL" },
        { SIGTRAP, "TRAP" },   { SIGABRT, "ABRT" },     { SIGBUS, "BUS" },     { SIGFPE, "FPE" },
        { SIGKILL, "KILL" },   { SIGUSR1, "USR1" },     { SIGSEGV, "SEGV" },   { SIGUSR2, "USR2" },
        { SIGPIPE, "PIPE" },   { SIGALRM, "ALRM" },     { SIGTERM, "TERM" },   { SIGSTKFLT, "STKFLT" },
        { SIGCHLD, "CHLD" },   { SIGCONT, "CONT" },     { SIGSTOP, "STOP" },   { SIGTSTP, "TSTP" },
        { SIGTTIN, "TTIN" },   { SIGTTOU, "TTOU" },     { SIGURG, "URG" },     { SIGXCPU, "XCPU" },
        { SIGXFSZ, "XFSZ" },   { SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" },   { SIGWINCH, "WINCH" },
        { SIGIO, "IO" },       { SIGPWR, "PWR" },       { SIGSYS, "SYS" },
};

/* Signals the kernel raises for a fault in our own code: blocking them would turn a crash
 * into a hang (a blocked SIGSEGV from a fault kills anyway, but without the core). tini keeps
 * the same list unblocked. */
static const int synchronous_signals[] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS };

int signals_setup(struct sig_saved *ret_saved) {
        struct sig_saved saved = {};
        sigset_t block;

        sigfillset(&block);
        for (size_t i = 0; i < ELEMENTSOF(synchronous_signals); i++)
                sigdelset(&block, synchronous_signals[i]);

        if (sigprocmask(SIG_BLOCK, &block, &saved.mask) < 0)
                return -errno;

        /* If our parent left SIGCHLD ignored, the kernel would reap our children itself and
         * waitpid() would never see their status (wait(2), NOTES). */
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        if (sigaction(SIGCHLD, &dfl, &saved.chld) < 0)
                return -errno;

        int fd = signalfd(-1, &block, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd < 0)
                return -errno;
        *ret_saved = saved;
        return fd;
}

int signals_restore(const struct sig_saved *saved) {
        if (sigaction(SIGCHLD, &saved->chld, NULL) < 0)
                return -errno;
        if (sigprocmask(SIG_SETMASK, &saved->mask, NULL) < 0)
                return -errno;
        return 0;
}

int signal_from_string(const char *s, int *ret) {
        int sig;

        if (isdigit((unsigned char) s[0])) {
                if (safe_atoi(s, &sig) < 0 || sig <= 0 || sig >= NSIG)
                        return -EINVAL;
                *ret = sig;
                return 0;
        }
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
                if (strcasecmp(s, signal_table[i].name) == 0) {
                        *ret = signal_table[i].sig;
                        return 0;
                }
        if (strncasecmp(s, "RTMIN+", 6) == 0 && safe_atoi(s + 6, &sig) >= 0 && sig >= 0 &&
            SIGRTMIN + sig <= SIGRTMAX) {
                *ret = SIGRTMIN + sig;
                return 0;
        }
        return -EINVAL;
}

const char *signal_to_string(int sig, char *buf, size_t n) {
        for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
                if (signal_table[i].sig == sig) {
                        snprintf(buf, n, "SIG%s", signal_table[i].name);
                        return buf;
                }
        if (sig >= SIGRTMIN && sig <= SIGRTMAX)
                snprintf(buf, n, "SIGRTMIN+%d", sig - SIGRTMIN);
        else
                snprintf(buf, n, "signal %d", sig);
        return buf;
}

bool signal_is_tty_stop(int sig) {
        return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}
