/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk create [OPTIONS] ID: set up a container from a bundle; its process waits for `start`.
 * The option parser is shared with `run` (create_parse_args). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "container.h"
#include "parse.h"

static const char create_usage[] =
        "Usage: husk create [OPTIONS] ID\n\n"
        "Create a container from an OCI bundle; its process waits for 'husk start ID'.\n\n"
        "Options:\n"
        "  -b, --bundle DIR        bundle directory (default: the current directory)\n"
        "      --pid-file FILE     write the container's pid to FILE\n"
        "      --console-socket P  send the pty master to the unix socket P (process.terminal)\n"
        "      --no-pivot          do not use pivot_root (for a rootfs on ramfs)\n"
        "      --no-new-keyring    keep the caller's session keyring\n"
        "      --preserve-fds N    pass fds 3..3+N-1 to the process\n"
        "      --pidfd-socket P    send a pidfd of the process to the unix socket P\n"
        "      --no-subreaper      accepted for runc compatibility\n"
        "      --init              run husk-init as PID 1 in front of process.args\n"
        "      --init-path PATH    the static husk-init to use (default: " HUSK_INIT_PATH ")\n"
        "  -h, --help              show this help\n";

static const char run_usage[] =
        "Usage: husk run [OPTIONS] ID\n\n"
        "Create and start a container; wait for it and exit with its status, then delete it.\n\n"
        "Options:\n"
        "  -b, --bundle DIR        bundle directory (default: the current directory)\n"
        "  -d, --detach            return once the process runs; do not wait or delete\n"
        "      --keep              do not delete the container when it exits\n"
        "      --pid-file FILE     write the container's pid to FILE\n"
        "      --console-socket P  send the pty master to the unix socket P (process.terminal)\n"
        "      --no-pivot          do not use pivot_root (for a rootfs on ramfs)\n"
        "      --no-new-keyring    keep the caller's session keyring\n"
        "      --preserve-fds N    pass fds 3..3+N-1 to the process\n"
        "      --pidfd-socket P    send a pidfd of the process to the unix socket P\n"
        "      --no-subreaper      do not make husk a child subreaper\n"
        "      --init              run husk-init as PID 1 in front of process.args\n"
        "      --init-path PATH    the static husk-init to use (default: " HUSK_INIT_PATH ")\n"
        "  -h, --help              show this help\n";

enum {
        ARG_PID_FILE = 0x100,
        ARG_CONSOLE_SOCKET,
        ARG_NO_PIVOT,
        ARG_NO_NEW_KEYRING,
        ARG_PRESERVE_FDS,
        ARG_NO_SUBREAPER,
        ARG_KEEP,
        ARG_PIDFD_SOCKET,
        ARG_INIT,
        ARG_INIT_PATH,
};

static int handle(int c, const char *arg, void *userdata) {
        struct create_args *a = userdata;
        switch (c) {
        case 'b':                a->opts.bundle = arg; return 0;
        case 'd':                a->detach = true; return 0;
        case ARG_PID_FILE:       a->opts.pid_file = arg; return 0;
        case ARG_CONSOLE_SOCKET: a->opts.console_socket = arg; return 0;
        case ARG_NO_PIVOT:       a->opts.no_pivot = true; return 0;
        case ARG_NO_NEW_KEYRING: a->opts.no_new_keyring = true; return 0;
        case ARG_NO_SUBREAPER:   a->no_subreaper = true; return 0;
        case ARG_KEEP:           a->keep = true; return 0;
        case ARG_PIDFD_SOCKET:   a->opts.pidfd_socket = arg; return 0;
        case ARG_INIT:           a->opts.init = true; return 0;
        case ARG_INIT_PATH:      a->opts.init_path = arg; return 0;
        case ARG_PRESERVE_FDS:
                if (safe_atou(arg, &a->opts.preserve_fds) < 0 || a->opts.preserve_fds > 65536) {
                        log_error("--preserve-fds: must be a number, got '%s'", arg);
                        return -EINVAL;
                }
                return 0;
        default:
                return -EINVAL;
        }
}

int create_parse_args(int argc, char **argv, const struct global_args *g, bool run,
                      struct create_args *a, int *ret_exit) {
        static const struct option options[] = {
                { "bundle",         required_argument, NULL, 'b' },
                { "detach",         no_argument,       NULL, 'd' },
                { "pid-file",       required_argument, NULL, ARG_PID_FILE },
                { "console-socket", required_argument, NULL, ARG_CONSOLE_SOCKET },
                { "no-pivot",       no_argument,       NULL, ARG_NO_PIVOT },
                { "no-new-keyring", no_argument,       NULL, ARG_NO_NEW_KEYRING },
                { "preserve-fds",   required_argument, NULL, ARG_PRESERVE_FDS },
                { "no-subreaper",   no_argument,       NULL, ARG_NO_SUBREAPER },
                { "keep",           no_argument,       NULL, ARG_KEEP },
                { "pidfd-socket",   required_argument, NULL, ARG_PIDFD_SOCKET },
                { "init",           no_argument,       NULL, ARG_INIT },
                { "init-path",      required_argument, NULL, ARG_INIT_PATH },
                { "help",           no_argument,       NULL, 'h' },
                {}
        };
        *a = (struct create_args) { .opts = { .root = g->root, .console_master_fd = -1,
                                              .cgroup_manager = g->cgroup_manager,
                                              .init_path = HUSK_INIT_PATH } };
        const char *usage = run ? run_usage : create_usage;
        int first = verb_getopt(argc, argv, run ? "b:d" : "b:", options, usage, handle, a, ret_exit);
        if (first < 0)
                return -1;
        if (!run && (a->detach || a->keep)) {
                log_error("%s: %s is an option of 'run'", argv[0], a->detach ? "--detach" : "--keep");
                *ret_exit = EXIT_FAILURE;
                return -1;
        }
        if (argc - first != 1) {
                log_error("%s: expects exactly one container id, got %d arguments", argv[0], argc - first);
                fputs(usage, stderr);
                *ret_exit = EXIT_FAILURE;
                return -1;
        }
        a->opts.id = argv[first];
        /* Socket activation (sd_listen_fds(3)): LISTEN_FDS is ours only when LISTEN_PID is unset
         * or names us (the sealed re-exec keeps the pid); otherwise it was inherited by mistake
         * and its fds must not reach the container. */
        const char *listen_pid = getenv("LISTEN_PID");
        int lp;
        if (listen_pid && (safe_atoi(listen_pid, &lp) < 0 || lp != getpid()))
                (void) unsetenv("LISTEN_FDS");
        return 0;
}

void cli_log_notes(const struct container_notes *n) {
        for (char **w = n->warnings; w && *w; w++)
                log_warning("%s", *w);
        for (char **d = n->debug; d && *d; d++)
                log_debug("%s", *d);
}

int verb_create(int argc, char **argv, const struct global_args *g) {
        struct create_args a;
        int ret;
        if (create_parse_args(argc, argv, g, false, &a, &ret) < 0)
                return ret;
        /* A caller's SIG_IGN for SIGCHLD would make the kernel reap our children (hooks). */
        (void) signal(SIGCHLD, SIG_DFL);
        _cleanup_free_ char *err = NULL;
        _cleanup_(container_notes_done) struct container_notes notes = {};
        pid_t pid;
        int r = container_create(&a.opts, &pid, &notes, &err);
        cli_log_notes(&notes);
        if (r < 0) {
                log_error_errno(r, "create container '%s': %s", a.opts.id, err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
