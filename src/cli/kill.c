/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk kill [--all] ID [SIGNAL]: send a signal (default SIGTERM) to the container's init, or with
 * --all to every process in its cgroup.
 * SIGNAL is a number or a name, with or without "SIG" ("KILL", "SIGKILL", "9"). */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgroup-container.h"
#include "cli.h"
#include "container.h"
#include "parse.h"

static const char usage[] =
        "Usage: husk kill [OPTIONS] ID [SIGNAL]\n\n"
        "Send SIGNAL (default SIGTERM; a name like KILL or SIGKILL, or a number) to the container's\n"
        "init process.\n\n"
        "Options:\n"
        "  -a, --all    signal every process of the container's cgroup, not only its init\n"
        "  -h, --help   show this help\n";

static int parse_signal(const char *s, int *ret) {
        static const struct { const char *name; int sig; } table[] = {
                { "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT }, { "ILL", SIGILL },
                { "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT },   { "BUS", SIGBUS },
                { "FPE", SIGFPE },   { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
                { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
                { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
                { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
                { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
                { "WINCH", SIGWINCH }, { "IO", SIGIO },  { "POLL", SIGPOLL }, { "PWR", SIGPWR },
                { "SYS", SIGSYS },
        };
        int n;
        if (safe_atoi(s, &n) >= 0) {
                if (n <= 0 || n >= NSIG)
                        return -EINVAL;
                *ret = n;
                return 0;
        }
        const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (strcasecmp(name, table[i].name) == 0) {
                        *ret = table[i].sig;
                        return 0;
                }
        /* RTMIN+n / RTMAX-n */
        if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
                bool min = strncasecmp(name, "RTMIN", 5) == 0;
                int off = 0;
                if (name[5] && (name[5] != (min ? '+' : '-') || safe_atoi(name + 6, &off) < 0 || off < 0))
                        return -EINVAL;
                n = min ? SIGRTMIN + off : SIGRTMAX - off;
                if (n < SIGRTMIN || n > SIGRTMAX)
                        return -EINVAL;
                *ret = n;
                return 0;
        }
        return -EINVAL;
}

static int handle(int c, const char *arg, void *userdata) {
        if (c != 'a')
                return -EINVAL;
        *(bool *) userdata = true;
        return 0;
}

int verb_kill(int argc, char **argv, const struct global_args *g) {
        static const struct option options[] = {
                { "all",  no_argument, NULL, 'a' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int ret;
        bool all = false;
        int first = verb_getopt(argc, argv, "a", options, usage, handle, &all, &ret);
        if (first < 0)
                return ret;
        int nargs = argc - first;
        if (nargs < 1 || nargs > 2) {
                log_error("kill: expects ID [SIGNAL]");
                return EXIT_FAILURE;
        }
        int sig = SIGTERM;
        if (nargs == 2 && parse_signal(argv[first + 1], &sig) < 0) {
                log_error("kill: unknown signal '%s'", argv[first + 1]);
                return EXIT_FAILURE;
        }
        _cleanup_free_ char *err = NULL;
        int r = all ? container_kill_all(g->root, argv[first], sig, &err)
                    : container_kill(g->root, argv[first], sig, &err);
        if (r < 0) {
                log_error_errno(r, "kill: %s", err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
