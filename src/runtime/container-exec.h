/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk exec: start another process in a running (or created) container, and husk ps: list the
 * container's processes.
 *
 * The exec'd process gets what the container's own process got, from the container's
 * config.json: every namespace of the init (joined through /proc/<init>/ns, user namespace first),
 * the container's cgroup, its root (chroot to /proc/<init>/root after joining the mount namespace,
 * so --no-pivot containers work too), rlimits, LSM labels, user, capabilities, no_new_privs and
 * the seccomp filter (from the filters' cache). The process object is the spec's process with the
 * command-line overrides applied, or a runtime-spec "process" object read from --process FILE.
 *
 * Setup errors, including "executable file not found in $PATH", come back as -errno with one line
 * in *ret_error; those raised inside the container start with "unable to start container
 * process: " (runc's wording). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct exec_options {
        const char *root;               /* --root */
        const char *id;
        const char *process_path;       /* --process FILE; then the overrides below are ignored */
        char **args;                    /* the command, when there is no --process */
        char **env;                     /* -e KEY=VALUE: set or replace in process.env */
        const char *cwd;                /* --cwd */
        bool tty;                       /* -t: process.terminal */
        bool has_user;                  /* -u UID[:GID] */
        uint32_t uid;
        bool has_gid;
        uint32_t gid;
        uint32_t *additional_gids;      /* -g GID (repeatable) */
        size_t n_additional_gids;
        char **caps;                    /* --cap NAME: added to every capability set */
        bool no_new_privs;              /* --no-new-privs */
        const char *apparmor;           /* --apparmor */
        const char *process_label;      /* --process-label */
        unsigned preserve_fds;          /* --preserve-fds N */
        const char *pid_file;           /* --pid-file */
        const char *console_socket;     /* --console-socket */
        bool want_master;               /* terminal without --console-socket: hand the pty master back */
        bool ignore_paused;             /* --ignore-paused: given (still refused, with the reason) */
};

struct exec_result {
        pid_t pid;                      /* the process (a child of the caller) */
        int master_fd;                  /* the pty master with want_master, else -EBADF */
};

/* Start the process; returns once it has called execve(2) (or failed to). notes (may be NULL,
 * container.h) collects debug messages. */
struct container_notes;
int container_exec(const struct exec_options *o, struct exec_result *ret, struct container_notes *notes,
                   char **ret_error);

/* The pids of the container's processes (container-ps.c): from its cgroup when it has one, else
 * every process in the init's pid namespace (or the init and its descendants when the container
 * shares the caller's pid namespace). Sorted ascending. */
int container_pids(const char *root, const char *id, pid_t **ret, size_t *ret_n, char **ret_error);
