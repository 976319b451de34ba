/* SPDX-License-Identifier: GPL-2.0-or-later
 * The `husk` command line: global options (runc's set) and the verb table. Each verb lives in
 * its own file as `int verb_<name>(int argc, char **argv, const struct global_args *g)`; argv[0]
 * is the verb name. Verbs return an exit status (0 ok, 1 failure, as runc). */
#pragma once

#include <stdbool.h>

#include "log.h"

struct global_args {
        const char *root;           /* --root, state directory (default /run/husk) */
        const char *log_path;       /* --log */
        enum log_format log_format; /* --log-format */
        bool debug;                 /* --debug */
        bool systemd_cgroup;        /* --systemd-cgroup */
        const char *cgroup_manager; /* --cgroup-manager cgroupfs|systemd|disabled */
};

struct verb {
        const char *name;
        const char *summary;
        int (*run)(int argc, char **argv, const struct global_args *g);
        bool seal_exe;  /* starts container processes: re-exec from a sealed memfd first
                         * (CVE-2019-5736, see src/runtime/exe-seal.h) */
};

/* Parse a verb's options with getopt_long; "-h"/"--help" print usage. Shared so every verb
 * handles --help and unknown options the same way. Returns the index of the first operand,
 * or -1 after printing usage to stdout (for --help, *ret_exit = 0) or an error (*ret_exit = 1). */
struct option;
int verb_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                const char *usage, int (*handle)(int c, const char *arg, void *userdata),
                void *userdata, int *ret_exit);

/* The verbs (one file each). */
int verb_limits(int argc, char **argv, const struct global_args *g);
int verb_init(int argc, char **argv, const struct global_args *g);
int verb_spec(int argc, char **argv, const struct global_args *g);
int verb_features(int argc, char **argv, const struct global_args *g);
int verb_policy(int argc, char **argv, const struct global_args *g);
int verb_create(int argc, char **argv, const struct global_args *g);
int verb_start(int argc, char **argv, const struct global_args *g);
int verb_run(int argc, char **argv, const struct global_args *g);
int verb_state(int argc, char **argv, const struct global_args *g);
int verb_kill(int argc, char **argv, const struct global_args *g);
int verb_delete(int argc, char **argv, const struct global_args *g);
int verb_list(int argc, char **argv, const struct global_args *g);
int verb_pause(int argc, char **argv, const struct global_args *g);
int verb_resume(int argc, char **argv, const struct global_args *g);
int verb_exec(int argc, char **argv, const struct global_args *g);
int verb_ps(int argc, char **argv, const struct global_args *g);
int verb_update(int argc, char **argv, const struct global_args *g);
int verb_events(int argc, char **argv, const struct global_args *g);

/* The foreground side of run and exec (run.c): forward SIGHUP, SIGINT, SIGQUIT, SIGTERM,
 * SIGUSR1/2 and SIGWINCH to pid; copy stdin -> master and master -> stdout (stdin in raw mode when
 * a terminal) until the master hangs up; wait for pid and return its exit status (128+N when
 * killed by signal N). */
#include <sys/types.h>
void cli_forward_signals(pid_t pid);
void cli_relay_pty(int master);
int cli_wait_exit_status(pid_t pid);

/* create and run share their options (create.c). */
#include "container.h"
struct create_args {
        struct container_options opts;
        bool detach;            /* run -d */
        bool keep;              /* run --keep */
        bool no_subreaper;
};
int create_parse_args(int argc, char **argv, const struct global_args *g, bool run,
                      struct create_args *a, int *ret_exit);
/* Log what create or exec noted (create.c): warnings at warning level, the rest at debug level
 * (with --log-format json: {"level":"warning","msg":...}). */
void cli_log_notes(const struct container_notes *n);
