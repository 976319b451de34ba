/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk exec [OPTIONS] ID [COMMAND [ARG...]]: run another process in a container (runc's flags,
 * as containerd's shim passes them: --process FILE --detach --pid-file F [--console-socket S]).
 * In the foreground husk forwards signals, relays a terminal it holds, and exits with the
 * process's status; when the exec itself fails it exits 255, as runc. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cleanup.h"
#include "container-exec.h"
#include "parse.h"
#include "strv.h"

#define EXIT_EXEC_FAILED 255

static const char exec_usage[] =
        "Usage: husk exec [OPTIONS] ID COMMAND [ARG...]\n"
        "       husk exec [OPTIONS] --process FILE ID\n\n"
        "Run a process in a running container, with the container's namespaces, cgroup, seccomp\n"
        "filter, capabilities and user unless overridden.\n\n"
        "Options:\n"
        "  -p, --process FILE        a runtime-spec process object (JSON); replaces the options below\n"
        "                            that describe the process\n"
        "  -d, --detach              return once the process runs\n"
        "      --pid-file FILE       write the process's pid to FILE\n"
        "      --console-socket P    send the pty master to the unix socket P (with a terminal)\n"
        "  -t, --tty                 give the process a pseudo-terminal\n"
        "      --cwd DIR             working directory inside the container\n"
        "  -e, --env KEY=VALUE       set an environment variable (repeatable)\n"
        "  -u, --user UID[:GID]      run as this user (numeric)\n"
        "  -g, --additional-gids GID an additional group (repeatable)\n"
        "  -c, --cap NAME            add a capability, e.g. CAP_NET_ADMIN (repeatable)\n"
        "      --no-new-privs        set no_new_privs\n"
        "      --apparmor PROFILE    AppArmor profile of the process\n"
        "      --process-label L     SELinux label of the process\n"
        "      --preserve-fds N      pass fds 3..3+N-1 to the process\n"
        "      --ignore-paused       accepted; a paused container is still refused\n"
        "  -h, --help                show this help\n";

enum {
        ARG_PID_FILE = 0x100,
        ARG_CONSOLE_SOCKET,
        ARG_CWD,
        ARG_NO_NEW_PRIVS,
        ARG_APPARMOR,
        ARG_PROCESS_LABEL,
        ARG_PRESERVE_FDS,
        ARG_IGNORE_PAUSED,
        ARG_PIDFD_SOCKET,
};

struct exec_args {
        struct exec_options opts;
        bool detach;
        char **env;
        char **caps;
        uint32_t *gids;
};

static void exec_args_done(struct exec_args *a) {
        strv_free(a->env);
        strv_free(a->caps);
        free(a->gids);
}

static int oom(void) {
        log_error("out of memory");
        return -ENOMEM;
}

static int parse_id(const char *s, const char *what, uint32_t *ret) {
        unsigned v;
        if (safe_atou(s, &v) < 0) {
                log_error("%s: must be a number, got '%s'", what, s);
                return -EINVAL;
        }
        *ret = v;
        return 0;
}

static int parse_user(struct exec_options *o, const char *arg) {
        _cleanup_free_ char *u = strdup(arg);
        if (!u)
                return oom();
        char *colon = strchr(u, ':');
        if (colon)
                *colon = '\0';
        if (parse_id(u, "--user", &o->uid) < 0 || (colon && parse_id(colon + 1, "--user (gid)", &o->gid) < 0))
                return -EINVAL;
        o->has_user = true;
        o->has_gid = colon != NULL;
        return 0;
}

static int handle(int c, const char *arg, void *userdata) {
        struct exec_args *a = userdata;
        struct exec_options *o = &a->opts;
        switch (c) {
        case 'p':                o->process_path = arg; return 0;
        case 'd':                a->detach = true; return 0;
        case 't':                o->tty = true; return 0;
        case ARG_PID_FILE:       o->pid_file = arg; return 0;
        case ARG_CONSOLE_SOCKET: o->console_socket = arg; return 0;
        case ARG_CWD:            o->cwd = arg; return 0;
        case ARG_NO_NEW_PRIVS:   o->no_new_privs = true; return 0;
        case ARG_APPARMOR:       o->apparmor = arg; return 0;
        case ARG_PROCESS_LABEL:  o->process_label = arg; return 0;
        case ARG_IGNORE_PAUSED:  o->ignore_paused = true; return 0;
        case 'u':                return parse_user(o, arg);
        case 'e':                return strv_extend(&a->env, arg) < 0 ? oom() : 0;
        case 'c':                return strv_extend(&a->caps, arg) < 0 ? oom() : 0;
        case 'g': {
                uint32_t gid;
                if (parse_id(arg, "--additional-gids", &gid) < 0)
                        return -EINVAL;
                uint32_t *g = realloc(a->gids, (o->n_additional_gids + 1) * sizeof *g);
                if (!g)
                        return oom();
                a->gids = g;
                g[o->n_additional_gids++] = gid;
                return 0;
        }
        case ARG_PRESERVE_FDS:
                if (safe_atou(arg, &o->preserve_fds) < 0 || o->preserve_fds > 65536) {
                        log_error("--preserve-fds: must be a number, got '%s'", arg);
                        return -EINVAL;
                }
                return 0;
        case ARG_PIDFD_SOCKET:
                log_error("--pidfd-socket: not supported");
                return -EOPNOTSUPP;
        default:
                return -EINVAL;
        }
}

static int parse_args(int argc, char **argv, const struct global_args *g, struct exec_args *a, int *ret_exit) {
        static const struct option options[] = {
                { "process",         required_argument, NULL, 'p' },
                { "detach",          no_argument,       NULL, 'd' },
                { "tty",             no_argument,       NULL, 't' },
                { "pid-file",        required_argument, NULL, ARG_PID_FILE },
                { "console-socket",  required_argument, NULL, ARG_CONSOLE_SOCKET },
                { "cwd",             required_argument, NULL, ARG_CWD },
                { "env",             required_argument, NULL, 'e' },
                { "user",            required_argument, NULL, 'u' },
                { "additional-gids", required_argument, NULL, 'g' },
                { "cap",             required_argument, NULL, 'c' },
                { "no-new-privs",    no_argument,       NULL, ARG_NO_NEW_PRIVS },
                { "apparmor",        required_argument, NULL, ARG_APPARMOR },
                { "process-label",   required_argument, NULL, ARG_PROCESS_LABEL },
                { "preserve-fds",    required_argument, NULL, ARG_PRESERVE_FDS },
                { "ignore-paused",   no_argument,       NULL, ARG_IGNORE_PAUSED },
                { "pidfd-socket",    required_argument, NULL, ARG_PIDFD_SOCKET },
                { "help",            no_argument,       NULL, 'h' },
                {}
        };
        a->opts.root = g->root;
        int first = verb_getopt(argc, argv, "p:dte:u:g:c:", options, exec_usage, handle, a, ret_exit);
        if (first < 0)
                return -1;
        int min = a->opts.process_path ? 1 : 2;
        if (argc - first < min) {
                log_error("%s: expects a container id%s", argv[0], min == 2 ? " and a command (or --process FILE)" : "");
                fputs(exec_usage, stderr);
                *ret_exit = EXIT_FAILURE;
                return -1;
        }
        a->opts.id = argv[first];
        a->opts.args = argv + first + 1;
        a->opts.env = a->env;
        a->opts.caps = a->caps;
        a->opts.additional_gids = a->gids;
        a->opts.want_master = !a->opts.console_socket && !a->detach;
        return 0;
}

int verb_exec(int argc, char **argv, const struct global_args *g) {
        _cleanup_(exec_args_done) struct exec_args a = {};
        int ret;
        if (parse_args(argc, argv, g, &a, &ret) < 0)
                return ret;
        (void) signal(SIGCHLD, SIG_DFL);        /* we wait for our children: no auto-reaping */
        _cleanup_free_ char *err = NULL;
        _cleanup_(container_notes_done) struct container_notes notes = {};
        struct exec_result res;
        int r = container_exec(&a.opts, &res, &notes, &err);
        cli_log_notes(&notes);
        if (r < 0) {
                log_error_errno(r, "exec failed: %s", err ? err : strerror(-r));
                return EXIT_EXEC_FAILED;
        }
        _cleanup_close_ int master = res.master_fd;
        if (a.detach)
                return EXIT_SUCCESS;
        cli_forward_signals(res.pid);
        if (master >= 0)
                cli_relay_pty(master);
        return cli_wait_exit_status(res.pid);
}
