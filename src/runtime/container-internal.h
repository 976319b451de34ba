/* SPDX-License-Identifier: GPL-2.0-or-later
 * Shared between container.c (the parent side of create), container-init.c (the container
 * child) and container-ops.c (start, kill, delete). */
#pragma once

#include <stdbool.h>

#include "container.h"
#include "spec.h"
#include "state.h"

struct husk_seccomp;

/* What the child needs; everything is set up by the parent before clone. */
struct init_context {
        const struct container_options *opts;
        const struct oci_spec *spec;
        const char *bundle;             /* absolute: relative bind sources are taken from here */
        const char *rootfs;             /* absolute */
        int sync_fd;                    /* the child's end of the sync socketpair */
        int fifo_dir_fd;                /* O_PATH of the state dir, to open exec.fifo */
        const struct husk_seccomp *seccomp;     /* or NULL */
        unsigned long new_flags;        /* CLONE_NEW* to create */
        bool single_clone;              /* created by clone(new_flags): we are the init */
        bool cgroup_wait;               /* wait for SYNC_CGROUP_ACK first (cgroup-container.h) */
};

/* The container child: never returns. With single_clone it is the init; otherwise it joins and
 * unshares namespaces, forks the init (CLONE_PARENT, so it is the caller's child), reports its
 * pid and exits. Errors go to the parent as SYNC_ERROR. */
_Noreturn void container_init(const struct init_context *c);

/* Are there hooks of any of these kinds? */
bool container_has_hooks(const struct oci_spec *spec, const int *kinds, size_t n);

/* The bundle's config.json, parsed; used again by delete for the poststop hooks. */
int container_load_spec(const char *bundle, struct oci_spec **ret, char **ret_error);

/* process.args[0] as execve will find it (container-init.c): a relative name through PATH of
 * process.env, looked up in the current root. Messages as runc words them
 * ("exec: \"foo\": executable file not found in $PATH"). */
int container_find_executable(const struct oci_process *p, char **ret, char **ret_error);
/* Signals as the process should find them: default handlers, nothing blocked. */
void container_reset_signals(void);
/* Install the seccomp filter now (see seccomp_install()) and hand a notify listener to the parent
 * over sync_fd (container-init.c; create's and exec's child). */
int container_install_seccomp(const struct husk_seccomp *seccomp, int sync_fd, char **ret_error);
/* Before the seccomp filter (container-init.c): mark every fd above 2 + LISTEN_FDS +
 * preserve_fds close-on-exec (close_range(2), which old profiles do not allow). */
int container_cloexec_fds(unsigned preserve_fds);
/* The last step (container-init.c): execve exe with process.args and process.env (plus
 * LISTEN_FDS/LISTEN_PID when husk was socket-activated), through husk-dmz when the command
 * prepared it (exe-seal.h); filtered: a seccomp filter is in force. -errno only on failure. */
int container_exec_process(const struct oci_process *p, const char *exe, bool filtered);

/* Write pid to path atomically (a temporary file renamed over it), for --pid-file (container.c). */
int container_write_pid_file(const char *path, pid_t pid);

/* Open and lock <root>/<id> (container-ops.c) and, with ret_state, read its state.json; errors
 * say "container 'ID' does not exist". */
struct state_dir;
struct container_state;
int open_container(const char *root, const char *id, bool exclusive, struct state_dir **ret_dir,
                   struct container_state **ret_state, char **ret_error);

/* Right after create made the container's cgroup (cg may be NULL: none), note its path in the
 * state directory (container-ops.c): a create killed before state.json exists leaves only this,
 * and `delete --force` removes that cgroup with whatever runs in it. */
struct cgroup;
int container_note_cgroup(const struct state_dir *d, const struct cgroup *cg);

/* A pidfd of the container's init (container-ops.c), checked against its start time after
 * opening so a reused pid is not taken for it; -ESRCH when the init is gone. */
int container_init_pidfd(const struct container_state *s);

/* The clone step of create and exec (container.c): a SEQPACKET sync socketpair and the child,
 * cloned with flags into cg (container_cgroup_clone(); cg may be NULL). In the child, the state
 * lock (lock_fd) and the parent's end of the socket are closed, then child(arg, the child's end,
 * whether it must wait for SYNC_CGROUP_ACK) runs and must not return. In the parent, the child's
 * end is closed and the child moved into cg where the clone could not do it
 * (container_cgroup_place()). *ret_sync_fd gets our end, *ret_pid the child; on failure the child
 * is killed and reaped. */
struct cgroup;
int container_clone_child(struct cgroup *cg, unsigned long flags, int lock_fd,
                          void (*child)(void *arg, int sync_fd, bool cgroup_wait), void *arg,
                          int *ret_sync_fd, pid_t *ret_pid, char **ret_error);

/* Add seccomp_debug_notes() of s (may be NULL) to n->debug (n may be NULL). */
int container_note_seccomp(struct container_notes *n, const struct husk_seccomp *s);

/* Hand a seccomp notify listener fd to linux.seccomp.listenerPath (container.c), with the
 * container's state as status: for create's init and for exec's process. */
int container_forward_listener(const struct husk_seccomp *s, const struct container_state *st,
                               enum container_status status, int fd, char **ret_error);

/* Set *ret_error (if NULL so far) to the formatted message, where %m is strerror(-err), and
 * return err (a -errno), so call sites can read `return container_errorf(e, -errno, "x: %m")`. */
int container_errorf(char **ret_error, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
