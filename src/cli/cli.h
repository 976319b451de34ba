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
