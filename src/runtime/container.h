/* SPDX-License-Identifier: GPL-2.0-or-later
 * The container lifecycle: create (namespaces, rootfs, process attributes, a process blocked on
 * exec.fifo), start (release it), kill, delete. The verbs of src/cli call these; errors come
 * back as -errno plus one line in *ret_error naming the field, file or id (the CLI logs it). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct container_options {
        const char *root;               /* --root */
        const char *id;
        const char *bundle;             /* --bundle; NULL = the current directory */
        const char *pid_file;           /* --pid-file, or NULL */
        const char *console_socket;     /* --console-socket, or NULL */
        const char *pidfd_socket;       /* --pidfd-socket: gets a pidfd of the init, or NULL */
        int console_master_fd;          /* run without --console-socket: where the pty master
                                         * goes back to the caller (an fd of a socketpair), or -1 */
        bool no_pivot;                  /* --no-pivot */
        bool no_new_keyring;            /* --no-new-keyring */
        unsigned preserve_fds;          /* --preserve-fds N: fds 3..3+N-1 reach the process */
        const char *cgroup_manager;     /* --cgroup-manager: cgroupfs (NULL), systemd, disabled */
        bool init;                      /* --init: husk-init as PID 1 (also the annotation
                                         * org.husk.init, spec-init.h) */
        const char *init_path;          /* the static husk-init to bind-mount for it */
};

/* What create and exec have to say besides an error (library code does not log): the CLI logs
 * each line once, at its level. Filled as they go, so also when they fail. */
struct container_notes {
        char **warnings;                /* strv: config warnings (oci_spec_warnings()), no cgroup */
        char **debug;                   /* strv: seccomp (unknown syscall names skipped, BPF cached) */
};
void container_notes_done(struct container_notes *n);

/* husk create: returns once the container process is set up and blocks on exec.fifo, with
 * state.json and the pid file written. *ret_pid gets the init pid (a child of ours). Nothing is
 * left behind on failure. notes (may be NULL) collects warnings and debug messages. */
int container_create(const struct container_options *o, pid_t *ret_pid, struct container_notes *notes,
                     char **ret_error);

/* husk start: let the created container exec its process, then run poststart hooks (a failure
 * there only warns: *ret_warning). */
int container_start(const char *root, const char *id, char **ret_warning, char **ret_error);

/* husk kill: send sig to the container init (pidfd_send_signal, pid reuse checked). -ESRCH with
 * a message when the container is stopped. */
int container_kill(const char *root, const char *id, int sig, char **ret_error);

/* husk delete: refuse a running container unless force (then SIGKILL and wait); a created one is
 * killed; poststop hooks run (failures only warn), the state directory goes. */
int container_delete(const char *root, const char *id, bool force, char **ret_warning, char **ret_error);

/* husk state: the runtime-spec state JSON (plus runc's rootfs/created/owner). */
int container_state_json(const char *root, const char *id, char **ret_json, char **ret_error);

/* Validate the id and describe what is wrong: "container id 'a/b': ..." */
int container_check_id(const char *id, char **ret_error);
