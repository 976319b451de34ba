/* SPDX-License-Identifier: GPL-2.0-or-later
 * The seccomp filter engine: linux.seccomp -> BPF (libseccomp), a cache of compiled BPF under the
 * state root, installation with the raw seccomp(2) call (so the spec's flags reach the kernel), and
 * the SCMP_ACT_NOTIFY listener hand-off to listenerPath.
 *
 * How the lifecycle uses it (see seccomp_install() for the ordering rule):
 *   parent, before clone:  seccomp_prepare_spec(spec, state_root, &f, &err)   (f may come back NULL)
 *   child, late:           seccomp_install(f, &listener_fd, &err); if listener_fd >= 0 send it to the
 *                          parent over the sync socket and close it
 *   parent:                seccomp_process_state_build(...) + seccomp_send_listener(...), close the fd
 *
 * Annotations read by seccomp_prepare_spec() (documented in husk-policy(5)):
 *   run.oci.husk.seccomp_fail_unknown_syscall=true   unknown syscall names are an error
 *                                                    (default: skipped, as runc does)
 *   run.oci.husk.seccomp_profile=NAME|/abs/path.json  used ONLY when config.json has no
 *                                                    linux.seccomp: "default", "strict", ... (the
 *                                                    profiles of policies/, built into husk) or a file */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp-spec.h"

struct oci_spec;

#define SECCOMP_ANNOTATION_FAIL_UNKNOWN "run.oci.husk.seccomp_fail_unknown_syscall"
#define SECCOMP_ANNOTATION_PROFILE "run.oci.husk.seccomp_profile"

/* A compiled filter, ready to install. Fields are read-only for callers. */
struct husk_seccomp {
        struct sock_filter *bpf;        /* the program, as seccomp_export_bpf() wrote it */
        size_t n_bpf;                   /* instructions */
        unsigned long install_flags;    /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
        bool has_notify;                /* some action is SCMP_ACT_NOTIFY: a listener fd results */
        bool from_cache;                /* loaded from the cache instead of compiled */
        char **skipped;                 /* syscall names no filter arch knows (skipped), strv */
        char *listener_path;            /* copies from the profile, for the parent's hand-off */
        char *listener_metadata;
};

/* Options for seccomp_prepare_opts(). */
struct seccomp_options {
        bool fail_unknown_syscall;      /* an unknown syscall name is an error instead of skipped */
        const char *cache_dir;          /* where compiled BPF is cached; NULL: no cache */
};

/* Compile s into BPF. state_root (the --root directory) holds the cache in
 * <state_root>/seccomp-cache/; NULL disables it. Unknown syscall names are skipped and listed in
 * (*ret)->skipped. Errors name the field (`linux.seccomp.syscalls[2].names[0]: ...`). */
int seccomp_prepare(const struct oci_seccomp *s, const char *state_root, struct husk_seccomp **ret,
                    char **ret_error);
int seccomp_prepare_opts(const struct oci_seccomp *s, const struct seccomp_options *o,
                         struct husk_seccomp **ret, char **ret_error);
/* What the runtime applies for a container: linux.seccomp if present (never overridden),
 * else the profile the seccomp_profile annotation names, else nothing (*ret = NULL, returns 0, as
 * runc). Reads the annotations above. */
int seccomp_prepare_spec(const struct oci_spec *spec, const char *state_root, struct husk_seccomp **ret,
                         char **ret_error);

/* Install the filter in the calling process with seccomp(SECCOMP_SET_MODE_FILTER, flags), adding
 * SECCOMP_FILTER_FLAG_NEW_LISTENER when the filter notifies; *ret_listener_fd gets the listener
 * (O_CLOEXEC) or -EBADF. No no_new_privs is set here.
 *
 * Ordering (runc's): with process.noNewPrivileges the kernel lets any process install a filter, so
 * call this as late as possible: after process_attrs_apply() (caps, uid), right before the exec
 * fifo wait and execve. Without noNewPrivileges installing needs CAP_SYS_ADMIN, so call it just
 * BEFORE process_attrs_apply() drops capabilities (the profile must then allow the setup syscalls
 * that follow: capset, setresuid, prctl, ...; Docker-style profiles do). seccomp_install_early()
 * tells which case applies. */
int seccomp_install(const struct husk_seccomp *f, int *ret_listener_fd, char **ret_error);
bool seccomp_install_early(const struct oci_spec *spec);
void husk_seccomp_free(struct husk_seccomp *f);

/* Write the BPF program (raw struct sock_filter array) to fd. */
int seccomp_write_bpf(const struct husk_seccomp *f, int fd);

/* The "container process state" of runtime-spec config-linux.md#seccomp that goes with the listener
 * fd: {"ociVersion","fds":["seccompFd"],"pid","metadata","state":<container_state_json>}. The pid is
 * taken from the container state's "pid". */
int seccomp_process_state_build(const char *container_state_json, const char *listener_metadata,
                                char **ret_json, char **ret_error);
/* Connect to the unix socket listener_path and send state_json (a process state as built above)
 * with listener_fd attached (SCM_RIGHTS), in one message, as runc and crun do. */
int seccomp_send_listener(const char *listener_path, int listener_fd, const char *state_json,
                          char **ret_error);

/* The built-in profiles (the JSON files of policies/, compiled in): name -> JSON text, or NULL. */
const char *seccomp_builtin_profile(const char *name);
/* NULL-terminated list of built-in profile names. */
extern const char *const seccomp_builtin_profile_names[];
