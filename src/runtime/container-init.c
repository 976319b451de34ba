/* SPDX-License-Identifier: GPL-2.0-or-later
 * The container child, from clone(2) to execve(2) of process.args (see container-internal.h).
 *
 * Order (runc's and crun's): become root in the user namespace, join/create namespaces, lo up,
 * hostname, rootfs_mount_all, prestart/createRuntime hooks (parent), createContainer hooks,
 * pivot, sysctl, masked/readonly paths, pty (from the container's devpts), [seccomp if no NNP],
 * process attributes, executable lookup, [seccomp if NNP], "ready", wait for "created" (create
 * wrote state.json), block on exec.fifo until `start`, startContainer hooks, close fds, execve.
 * Before "ready" every error goes to the parent over the sync socket; after it, to the start
 * command through the fifo, and after that to the container's stderr with exit status 126/127. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-container.h"
#include "cleanup.h"
#include "console.h"
#include "container-internal.h"
#include "exe-seal.h"
#include "fault.h"
#include "fileio.h"
#include "hooks.h"
#include "json-util.h"
#include "net-loopback.h"
#include "ns.h"
#include "process-attrs.h"
#include "rootfs.h"
#include "seccomp.h"
#include "state.h"
#include "strv.h"
#include "sync.h"
#include "sysctl.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Report a failure to the parent and exit. err is -errno; msg may be NULL (then strerror). */
_Noreturn static void fail(const struct init_context *c, int err, const char *msg) {
        (void) sync_send_error(c->sync_fd, err, msg ? msg : strerror(err < 0 ? -err : err));
        _exit(EXIT_FAILURE);
}

_Noreturn _printf_(3, 4) static void failf(const struct init_context *c, int err, const char *fmt, ...) {
        char buf[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        fail(c, err, buf);
}

static pid_t clone_raw(unsigned long flags) {
        /* No stack: like fork(2), the child runs on a copy of ours. glibc's cached tid in the
         * child is stale, so the child never calls raise()/abort(). */
        return (pid_t) syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

/* Join the namespaces given by path, create the others with unshare(2), and fork the init
 * (CLONE_PARENT: it becomes the create command's child). Runs in the intermediate process. */
static void intermediate(const struct init_context *c) {
        int fds[_OCI_NS_TYPE_MAX];
        _cleanup_free_ char *err = NULL;
        int r = ns_open_paths(c->spec, fds, &err);
        if (r >= 0)
                r = ns_join(fds, &err);
        if (r < 0)
                fail(c, r, err);
        if (unshare((int) c->new_flags) < 0)
                failf(c, -errno, "linux.namespaces: unshare: %s", strerror(errno));
        if (c->new_flags & CLONE_NEWUSER) {
                r = sync_send(c->sync_fd, SYNC_USERMAP, getpid(), NULL, -1);
                if (r >= 0)
                        r = sync_expect(c->sync_fd, SYNC_USERMAP_ACK, NULL, NULL);
                if (r < 0)
                        _exit(EXIT_FAILURE);    /* the parent reported it */
        }
        r = ns_write_time_offsets(c->spec, &err);
        if (r < 0)
                fail(c, r, err);
        pid_t pid = clone_raw(CLONE_PARENT);
        if (pid < 0)
                failf(c, -errno, "clone container init: %s", strerror(errno));
        if (pid > 0) {
                (void) sync_send(c->sync_fd, SYNC_PID, pid, NULL, -1);
                _exit(EXIT_SUCCESS);
        }
}

/* In a new user namespace, take the ids the spec maps to root. */
static void become_root(const struct init_context *c) {
        if (setresgid(0, 0, 0) < 0)
                failf(c, -errno, "user namespace: setresgid(0): %s (is gid 0 mapped in linux.gidMappings?)",
                      strerror(errno));
        if (setresuid(0, 0, 0) < 0)
                failf(c, -errno, "user namespace: setresuid(0): %s (is uid 0 mapped in linux.uidMappings?)",
                      strerror(errno));
}

static bool in_new_or_joined_ns(const struct oci_spec *spec, enum oci_ns_type t) {
        return oci_spec_namespace(spec, t) != NULL;
}

static void setup_identity(const struct init_context *c) {
        const struct oci_spec *s = c->spec;
        if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
                failf(c, -errno, "hostname: %s", strerror(errno));
        if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
                failf(c, -errno, "domainname: %s", strerror(errno));
        if (!c->opts->no_new_keyring &&
            syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, c->opts->id) < 0 &&
            errno != ENOSYS && errno != EACCES && errno != EDQUOT)
                failf(c, -errno, "join session keyring: %s", strerror(errno));
}

/* The state JSON for hooks, as the parent sent it, with status replaced. */
static char *state_with_status(const char *state_json, const char *status) {
        json_t *o = json_loads(state_json, 0, NULL);
        if (!o)
                return NULL;
        json_object_set_new(o, "status", json_string(status));
        char *s = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        return s;
}

/* process.args[0] as execve will find it: relative names through the container's PATH (from
 * process.env). Messages as runc words them. */
int container_find_executable(const struct oci_process *p, char **ret, char **ret_error) {
        const char *name = p->args[0];
        struct stat st;
        if (strchr(name, '/')) {
                if (stat(name, &st) < 0)
                        return container_errorf(ret_error, -errno, "exec: \"%s\": stat %s: %m", name, name);
                if (S_ISDIR(st.st_mode))
                        return json_errorf(ret_error, "exec: \"%s\": is a directory", name), -EISDIR;
                if (access(name, X_OK) < 0)
                        return container_errorf(ret_error, -errno, "exec: \"%s\": %m", name);
                *ret = strdup(name);
                return *ret ? 0 : -ENOMEM;
        }
        const char *path = strv_env_get(p->env, "PATH");
        _cleanup_free_ char *dirs = strdup(path ? path : DEFAULT_PATH);
        if (!dirs)
                return -ENOMEM;
        char *save = NULL;
        for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *full = NULL;
                if (asprintf(&full, "%s/%s", *d ? d : ".", name) < 0)
                        return -ENOMEM;
                if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0) {
                        *ret = TAKE_PTR(full);
                        return 0;
                }
        }
        return json_errorf(ret_error, "exec: \"%s\": executable file not found in $PATH", name), -ENOENT;
}

int container_install_seccomp(const struct husk_seccomp *seccomp, int sync_fd, char **ret_error) {
        int listener = -EBADF;
        int r = seccomp_install(seccomp, &listener, ret_error);
        if (r < 0 || listener < 0)
                return r;
        r = sync_send(sync_fd, SYNC_SECCOMP, 0, NULL, listener);
        safe_close(listener);
        return r;
}

static void install_seccomp(const struct init_context *c) {
        _cleanup_free_ char *err = NULL;
        int r = container_install_seccomp(c->seccomp, c->sync_fd, &err);
        if (r < 0)
                fail(c, r, err);
}

/* After `start` opened the fifo: run startContainer hooks and tell start the outcome ("0" or
 * "1<message>"), as its only way to learn of it. Returns only on success. */
static void wait_for_start(const struct init_context *c, const char *state_json) {
        _cleanup_close_ int fifo = openat(c->fifo_dir_fd, STATE_FIFO, O_WRONLY | O_CLOEXEC);
        if (fifo < 0) {
                fprintf(stderr, "husk: open exec fifo: %m\n");
                _exit(EXIT_FAILURE);
        }
        safe_close(c->fifo_dir_fd);
        if (c->spec->hooks.n_hooks[OCI_HOOK_START_CONTAINER] > 0) {
                _cleanup_free_ char *state = state_with_status(state_json, "created");
                _cleanup_free_ char *err = NULL;
                int r = state ? hooks_run(c->spec, OCI_HOOK_START_CONTAINER, state, &err) : -ENOMEM;
                if (r < 0) {
                        char msg[1100];
                        snprintf(msg, sizeof msg, "1%s", err ? err : strerror(-r));
                        (void) loop_write(fifo, msg, strlen(msg));
                        _exit(EXIT_FAILURE);
                }
        }
        (void) loop_write(fifo, "0", 1);
}

/* Environment of the process: process.env plus LISTEN_FDS/LISTEN_PID when husk itself was
 * socket-activated (runc passes those fds on). *ret_listen gets their number. */
static char **process_env(const struct oci_process *p, unsigned *ret_listen) {
        char **env = NULL;
        for (char **e = p->env; e && *e; e++)
                if (strv_extend(&env, *e) < 0)
                        return NULL;
        const char *lf = getenv("LISTEN_FDS");
        unsigned n = lf ? (unsigned) strtoul(lf, NULL, 10) : 0;
        *ret_listen = n;
        if (n > 0) {
                char v[16];
                snprintf(v, sizeof v, "%u", n);
                if (strv_env_set(&env, "LISTEN_FDS", v) < 0 || strv_env_set(&env, "LISTEN_PID", "1") < 0)
                        return NULL;
        }
        if (!env)
                env = calloc(1, sizeof(char *));
        return env;
}

/* Mark every fd above 2 + LISTEN_FDS + preserve_fds close-on-exec. Called before the seccomp
 * filter goes in, as runc and crun do: profiles written before close_range(2) existed (Docker's,
 * runtime-tools') do not allow it, and their default action would fail the exec. */
int container_cloexec_fds(unsigned preserve_fds) {
        const char *lf = getenv("LISTEN_FDS");
        unsigned listen = lf ? (unsigned) strtoul(lf, NULL, 10) : 0;
        /* Fds husk inherited have no FD_CLOEXEC (they survived an exec); every fd husk opens has
         * it. So the kept range passes exactly what the caller gave us, never one of ours that
         * happens to sit in a gap of that range. */
        if (syscall(SYS_close_range, 3U + listen + preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                return -errno;
        return 0;
}

int container_exec_process(const struct oci_process *p, const char *exe, bool filtered) {
        unsigned listen = 0;
        _cleanup_strv_free_ char **env = process_env(p, &listen);
        if (!env)
                return -ENOMEM;
        return exe_seal_execve(exe, p->args, env, filtered);
}

_Noreturn static void exec_process(const struct init_context *c, const char *exe) {
        int r = container_exec_process(c->spec->process, exe, c->seccomp != NULL);
        fprintf(stderr, "husk: exec %s: %s\n", c->spec->process->args[0], strerror(-r));
        _exit(r == -ENOENT ? 127 : 126);
}

void container_reset_signals(void) {
        struct sigaction sa = { .sa_handler = SIG_DFL };
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        (void) sigaction(sig, &sa, NULL);
        sigset_t none;
        sigemptyset(&none);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);
}

/* process.terminal, as runc: a pty of the container's own devpts (its /dev/ptmx, after the
 * pivot), the master to the parent (then --console-socket), the slave bound on /dev/console and
 * made the controlling terminal and stdio. */
static void setup_terminal(const struct init_context *c) {
        _cleanup_close_ int master = -EBADF, slave = -EBADF;
        _cleanup_free_ char *err = NULL;
        int r = console_open_pty("/dev/ptmx", &master, &slave);
        if (r < 0)
                failf(c, r, "process.terminal: open /dev/ptmx in the container: %s", strerror(-r));
        (void) console_set_size(slave, c->spec->process);
        r = sync_send(c->sync_fd, SYNC_CONSOLE, 0, NULL, master);
        if (r < 0)
                _exit(EXIT_FAILURE);
        r = rootfs_bind_console(slave, &err);
        if (r < 0)
                fail(c, r, err);
        r = console_make_controlling(slave);
        if (r < 0)
                failf(c, r, "process.terminal: make the pty the controlling terminal: %s", strerror(-r));
}

_Noreturn void container_init(const struct init_context *c) {
        const struct oci_spec *spec = c->spec;
        _cleanup_free_ char *err = NULL, *state_json = NULL, *exe = NULL;
        int r;

        if (c->cgroup_wait) {
                r = container_cgroup_child_wait(c->sync_fd, c->single_clone && (c->new_flags & CLONE_NEWCGROUP), &err);
                if (r < 0 && err)
                        fail(c, r, err);
                if (r < 0)
                        _exit(EXIT_FAILURE);    /* the parent reported it */
        }
        fault_point("create.child-start");
        if (!c->single_clone)
                intermediate(c);        /* returns in the init only */
        else if (c->new_flags & CLONE_NEWUSER) {
                r = sync_expect(c->sync_fd, SYNC_USERMAP_ACK, NULL, NULL);
                if (r < 0)
                        _exit(EXIT_FAILURE);
        }
        /* Processes of a pid namespace we joined can see us: until the exec, our exe is the husk
         * binary, which they must not open through /proc/<pid>/exe (exe-seal.h). After the user
         * namespace mapping, which the parent writes as runc does. */
        const struct oci_namespace *pidns = oci_spec_namespace(spec, OCI_NS_PID);
        if (pidns && pidns->path && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                failf(c, -errno, "PR_SET_DUMPABLE: %s", strerror(errno));
        if (oci_spec_namespace(spec, OCI_NS_USER))
                become_root(c);
        container_reset_signals();
        if ((c->new_flags & CLONE_NEWNET) && (r = net_loopback_up()) < 0)
                failf(c, r, "network namespace: bring up lo: %s", strerror(-r));
        setup_identity(c);

        struct rootfs_options ro = ROOTFS_OPTIONS_INIT;
        ro.no_pivot = c->opts->no_pivot;
        ro.in_userns = in_new_or_joined_ns(spec, OCI_NS_USER);
        ro.bundle = c->bundle;
        ro.defer_protected_paths = true;        /* linux.sysctl is written before /proc/sys turns ro */
        r = rootfs_mount_all(spec, c->rootfs, &ro, &err);
        if (r < 0)
                fail(c, r, err);

        static const int hook_kinds[] = { OCI_HOOK_PRESTART, OCI_HOOK_CREATE_RUNTIME,
                                          OCI_HOOK_CREATE_CONTAINER, OCI_HOOK_START_CONTAINER };
        if (container_has_hooks(spec, hook_kinds, ELEMENTSOF(hook_kinds))) {
                r = sync_send(c->sync_fd, SYNC_HOOKS, 0, NULL, -1);
                if (r >= 0)
                        r = sync_expect(c->sync_fd, SYNC_HOOKS_ACK, NULL, &state_json);
                if (r < 0)
                        _exit(EXIT_FAILURE);    /* the parent failed the hooks and reported it */
                if (!state_json)
                        fail(c, -EPROTO, "sync: no state from the parent");
                fault_point("create.child-before-hooks");
                r = hooks_run(spec, OCI_HOOK_CREATE_CONTAINER, state_json, &err);
                if (r < 0)
                        fail(c, r, err);
        }

        r = rootfs_pivot_and_finalize(spec, c->rootfs, &ro, &err);
        if (r < 0)
                fail(c, r, err);
        r = sysctl_apply(spec, &err);
        if (r < 0)
                fail(c, r, err);
        r = rootfs_protect_paths(spec, &err);
        if (r < 0)
                fail(c, r, err);
        if (spec->process->terminal)
                setup_terminal(c);

        r = container_cloexec_fds(c->opts->preserve_fds);
        if (r < 0)
                failf(c, r, "mark fds close-on-exec: %s", strerror(-r));
        r = process_attrs_apply_setup(spec, &err);
        if (r < 0)
                fail(c, r, err);
        bool early = c->seccomp && seccomp_install_early(spec);
        if (early)
                install_seccomp(c);
        r = process_attrs_apply(spec, &err);
        if (r < 0)
                fail(c, r, err);
        r = container_find_executable(spec->process, &exe, &err);
        if (r < 0)
                fail(c, r, err);
        if (c->seccomp && !early)
                install_seccomp(c);

        fault_point("create.child-before-ready");
        r = sync_send(c->sync_fd, SYNC_READY, 0, NULL, -1);
        /* Only once state.json is written: if create dies before, nobody will ever open
         * exec.fifo (or know our pid), so leave rather than block on it forever. */
        if (r >= 0)
                r = sync_expect(c->sync_fd, SYNC_CREATED, NULL, NULL);
        if (r < 0)
                _exit(EXIT_FAILURE);
        safe_close(c->sync_fd);
        fault_point("create.child-before-fifo");

        wait_for_start(c, state_json);
        exec_process(c, exe);
}
