/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk exec (see container-exec.h).
 *
 * Three processes, as for create with namespaces to join:
 *   parent (the command): opens the namespaces under /proc/<init>/ns and /proc/<init>/root
 *     while the init is pinned by a pidfd, forks the intermediate into the container's cgroup, forwards the pty master and
 *     a seccomp listener, writes --pid-file;
 *   intermediate: turns non-dumpable (CVE-2019-5736: no process of the container may open our
 *     /proc/<pid>/exe or fds, ptrace us), joins the namespaces (user first), forks the process
 *     with CLONE_PARENT (a pid namespace applies to children only) and exits;
 *   process: chroot into the container's root, pty, seccomp, process attributes, execve.
 * The sync socket is close-on-exec: EOF tells the parent that execve succeeded; an error message
 * before it says why it did not. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup-container.h"
#include "cleanup.h"
#include "console.h"
#include "container-exec.h"
#include "container-internal.h"
#include "fault.h"
#include "fileio.h"
#include "json-util.h"
#include "ns.h"
#include "process-attrs.h"
#include "seccomp.h"
#include "spec-internal.h"
#include "state.h"
#include "strv.h"
#include "sync.h"

#define START_PREFIX "unable to start container process: "

struct exec_context {
        const struct exec_options *o;
        struct state_dir *dir;
        struct container_state *state;
        struct oci_spec *spec;          /* the container's, process replaced by ours */
        struct husk_seccomp *seccomp;
        struct cgroup *cgroup;
        int ns_fds[_OCI_NS_TYPE_MAX];
        int root_fd;                    /* /proc/<init>/root */
        int init_pidfd;
        int console_fd;                 /* connected --console-socket */
        int sync_fd;
        pid_t child;                    /* the intermediate */
        pid_t pid;                      /* the process */
        int master_fd;
        bool done;
};

static void exec_context_done(struct exec_context *c) {
        if (!c->done && c->pid > 0) {
                (void) kill(c->pid, SIGKILL);
                (void) waitpid(c->pid, NULL, 0);
        }
        if (c->child > 0) {
                if (!c->done)
                        (void) kill(c->child, SIGKILL);
                (void) waitpid(c->child, NULL, 0);
        }
        ns_close_fds(c->ns_fds);
        safe_close(c->root_fd);
        safe_close(c->init_pidfd);
        safe_close(c->console_fd);
        safe_close(c->sync_fd);
        safe_close(c->master_fd);
        cgroup_free(c->cgroup);
        husk_seccomp_free(c->seccomp);
        oci_spec_free(c->spec);
        container_state_free(c->state);
        state_dir_free(c->dir);
}

/* --process FILE: a runtime-spec process object, parsed by the spec module's parser. */
static int load_process_file(const char *path, struct oci_process **ret, char **ret_error) {
        _cleanup_free_ char *text = NULL, *err = NULL;
        size_t len = 0;
        int r = read_full_file_at(AT_FDCWD, path, &text, &len);
        if (r < 0)
                return json_errorf(ret_error, "--process '%s': %s", path, strerror(-r)), r;
        json_t *j = NULL;
        r = json_load_text(text, len, path, &j, &err);
        if (r >= 0 && !json_is_object(j))
                r = json_errorf(&err, "process: must be an object");
        if (r >= 0)
                r = spec_parse_process(j, "process", ret, &err);
        json_decref(j);
        if (r < 0)
                return json_errorf(ret_error, "--process '%s': %s", path, err ? err : strerror(-r)), r;
        return 0;
}

/* --cap NAME ("CAP_SYS_ADMIN" or "sys_admin") into the bounding, effective, permitted and ambient
 * sets, as runc >= 1.1.2 does. */
static int add_cap(struct oci_capabilities *caps, const char *name, char **ret_error) {
        char lower[64];
        snprintf(lower, sizeof lower, "%s%s", startswith(name, "CAP_") || startswith(name, "cap_") ? "" : "cap_", name);
        for (char *p = lower; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        cap_value_t v;
        if (cap_from_name(lower, &v) < 0 || v < 0 || v >= 64)
                return json_errorf(ret_error, "--cap '%s': unknown capability", name);
        uint64_t bit = UINT64_C(1) << v;
        caps->bounding |= bit;
        caps->effective |= bit;
        caps->permitted |= bit;
        /* Never inheritable (CVE-2022-29162: a file with inheritable file caps would gain it on
         * execve); ambient, which needs inheritable, only takes effect if the spec had it there. */
        caps->ambient |= bit;
        return 0;
}

/* The spec's process with the command-line overrides (runc's exec flags). */
static int apply_overrides(const struct exec_options *o, struct oci_process *p, char **ret_error) {
        char **args = NULL;
        for (char **a = o->args; a && *a; a++)
                if (strv_extend(&args, *a) < 0) {
                        strv_free(args);
                        return -ENOMEM;
                }
        if (!args)
                return json_errorf(ret_error, "no command given (and no --process)");
        strv_free(p->args);
        p->args = args;
        for (char **e = o->env; e && *e; e++) {
                const char *eq = strchr(*e, '=');
                if (!eq || eq == *e)
                        return json_errorf(ret_error, "--env '%s': must be KEY=VALUE", *e);
                _cleanup_free_ char *key = strndup(*e, (size_t) (eq - *e));
                if (!key || strv_env_set(&p->env, key, eq + 1) < 0)
                        return -ENOMEM;
        }
        if (o->cwd) {
                if (o->cwd[0] != '/')
                        return json_errorf(ret_error, "--cwd '%s': must be an absolute path", o->cwd);
                free(p->cwd);
                if (!(p->cwd = strdup(o->cwd)))
                        return -ENOMEM;
        }
        p->terminal = o->tty;
        if (o->has_user) {
                p->user.uid = o->uid;
                if (o->has_gid)
                        p->user.gid = o->gid;
        }
        if (o->n_additional_gids > 0) {
                uint32_t *g = calloc(o->n_additional_gids, sizeof *g);
                if (!g)
                        return -ENOMEM;
                memcpy(g, o->additional_gids, o->n_additional_gids * sizeof *g);
                free(p->user.additional_gids);
                p->user.additional_gids = g;
                p->user.n_additional_gids = o->n_additional_gids;
        }
        for (char **cap = o->caps; cap && *cap; cap++) {
                int r = add_cap(&p->capabilities, *cap, ret_error);
                if (r < 0)
                        return r;
                p->has_capabilities = true;
        }
        if (o->no_new_privs)
                p->no_new_privileges = true;
        if (o->apparmor) {
                free(p->apparmor_profile);
                if (!(p->apparmor_profile = strdup(o->apparmor)))
                        return -ENOMEM;
        }
        if (o->process_label) {
                free(p->selinux_label);
                if (!(p->selinux_label = strdup(o->process_label)))
                        return -ENOMEM;
        }
        return 0;
}

/* Load the container's config (the copy create saved in the state directory, as the bundle
 * may have changed or gone; the bundle's for containers made without one) and put the process
 * to run in it. */
static int build_spec(struct exec_context *c, char **ret_error) {
        const struct exec_options *o = c->o;
        bool saved = faccessat(c->dir->dir_fd, STATE_CONFIG_FILE, F_OK, 0) == 0;
        int r = container_load_spec(saved ? c->dir->path : c->state->bundle, &c->spec, ret_error);
        if (r < 0)
                return r;
        if (o->process_path) {
                struct oci_process *p = NULL;
                r = load_process_file(o->process_path, &p, ret_error);
                if (r < 0)
                        return r;
                spec_process_free(c->spec->process);
                c->spec->process = p;
        } else {
                if (!c->spec->process)
                        return json_errorf(ret_error, "%s/config.json: process: required",
                                           saved ? c->dir->path : c->state->bundle);
                r = apply_overrides(o, c->spec->process, ret_error);
                if (r < 0)
                        return r;
        }
        const struct oci_process *p = c->spec->process;
        if (p->terminal && !o->console_socket && !o->want_master)
                return json_errorf(ret_error, "a terminal (-t or process.terminal) needs --console-socket");
        if (!p->terminal && o->console_socket)
                return json_errorf(ret_error, "--console-socket given but the process has no terminal (use -t)");
        return 0;
}

/* /proc's name of each namespace type. */
static const char *const proc_ns_name[_OCI_NS_TYPE_MAX] = {
        [OCI_NS_PID] = "pid", [OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt", [OCI_NS_IPC] = "ipc",
        [OCI_NS_UTS] = "uts", [OCI_NS_USER] = "user", [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

static bool same_file(int fd, const char *path) {
        struct stat a, b;
        return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Open every namespace of the init that is not ours already (setns(2) into one's own user
 * namespace fails with EINVAL), and the init's root. The pidfd pins the init, so the start time
 * check afterwards proves these are the container's and not a recycled pid's. */
static int open_init(struct exec_context *c, char **ret_error) {
        pid_t pid = c->state->pid;
        c->init_pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (c->init_pidfd < 0 && errno != ESRCH)
                return container_errorf(ret_error, -errno, "container '%s': pidfd_open(%d): %m", c->o->id, (int) pid);
        for (int t = 0; c->init_pidfd >= 0 && t < _OCI_NS_TYPE_MAX; t++) {
                char path[64], self[64];
                snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) pid, proc_ns_name[t]);
                snprintf(self, sizeof self, "/proc/self/ns/%s", proc_ns_name[t]);
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0 && errno == ENOENT && t == OCI_NS_TIME)
                        continue;       /* a kernel without time namespaces */
                if (fd < 0)
                        return container_errorf(ret_error, -errno, "container '%s': %s: %m", c->o->id, path);
                if (same_file(fd, self))
                        safe_close(fd);
                else
                        c->ns_fds[t] = fd;
        }
        char root[64];
        snprintf(root, sizeof root, "/proc/%d/root", (int) pid);
        if (c->init_pidfd >= 0)
                c->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (c->init_pidfd < 0 || c->root_fd < 0 || !state_pid_alive(pid, c->state->start_time))
                return json_errorf(ret_error, "cannot exec in a stopped container '%s'", c->o->id), -ESRCH;
        return 0;
}

_Noreturn static void child_fail(int sync_fd, int err, const char *what, const char *msg) {
        char buf[1200];
        snprintf(buf, sizeof buf, START_PREFIX "%s%s%s", what ? what : "", what ? ": " : "",
                 msg ? msg : strerror(err < 0 ? -err : err));
        (void) sync_send_error(sync_fd, err, buf);
        _exit(255);
}

static void child_seccomp(const struct exec_context *c) {
        _cleanup_free_ char *err = NULL;
        int r = container_install_seccomp(c->seccomp, c->sync_fd, &err);
        if (r < 0)
                child_fail(c->sync_fd, r, NULL, err);
}

/* The process, from the fork to execve: in the container's namespaces and cgroup already. */
_Noreturn static void exec_child(const struct exec_context *c) {
        const struct oci_process *p = c->spec->process;
        _cleanup_free_ char *err = NULL, *exe = NULL;
        int r;

        container_reset_signals();
        /* setns(CLONE_NEWNS) put us at the namespace's root mount, which need not be the
         * container's root (--no-pivot chroots); the init's root is, whatever the method. */
        if (fchdir(c->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
                child_fail(c->sync_fd, -errno, "enter the container's root", NULL);
        safe_close(c->root_fd);
        if (p->terminal) {
                _cleanup_close_ int master = -EBADF, slave = -EBADF;
                r = console_open_pty("/dev/ptmx", &master, &slave);
                if (r < 0)
                        child_fail(c->sync_fd, r, "open a pty in the container (/dev/ptmx)", NULL);
                (void) console_set_size(slave, p);
                r = sync_send(c->sync_fd, SYNC_CONSOLE, 0, NULL, master);
                if (r < 0)
                        _exit(255);
                r = console_make_controlling(slave);
                if (r < 0)
                        child_fail(c->sync_fd, r, "make the pty the controlling terminal", NULL);
        }
        r = container_cloexec_fds(c->o->preserve_fds);
        if (r < 0)
                child_fail(c->sync_fd, r, "mark fds close-on-exec", NULL);
        r = process_attrs_apply_setup(c->spec, &err);
        if (r < 0)
                child_fail(c->sync_fd, r, NULL, err);
        bool early = c->seccomp && seccomp_install_early(c->spec);
        if (early)
                child_seccomp(c);
        r = process_attrs_apply(c->spec, &err);
        if (r < 0)
                child_fail(c->sync_fd, r, NULL, err);
        r = container_find_executable(p, &exe, &err);
        if (r < 0)
                child_fail(c->sync_fd, r, NULL, err);
        if (c->seccomp && !early)
                child_seccomp(c);
        r = container_exec_process(p, exe, c->seccomp != NULL);
        child_fail(c->sync_fd, r, NULL, NULL);
}

/* The intermediate: non-dumpable, then into the cgroup, the namespaces, and fork the process. */
_Noreturn static void exec_intermediate(struct exec_context *c, bool cgroup_wait) {
        _cleanup_free_ char *err = NULL;
        int r;
        /* CVE-2019-5736: before any namespace of the container is joined. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                child_fail(c->sync_fd, -errno, "PR_SET_DUMPABLE", NULL);
        if (cgroup_wait && (r = container_cgroup_child_wait(c->sync_fd, false, &err)) < 0) {
                if (err)
                        child_fail(c->sync_fd, r, NULL, err);
                _exit(255);
        }
        r = ns_join(c->ns_fds, &err);
        if (r < 0)
                child_fail(c->sync_fd, r, NULL, err);
        pid_t pid = (pid_t) syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0);
        if (pid < 0)
                child_fail(c->sync_fd, -errno, "fork", NULL);
        if (pid == 0)
                exec_child(c);
        (void) sync_send(c->sync_fd, SYNC_PID, pid, NULL, -1);
        _exit(0);
}

/* Serve the children until the process has exec'd (EOF on the close-on-exec socket). */
static int serve(struct exec_context *c, char **ret_error) {
        for (;;) {
                enum sync_type t;
                int32_t value;
                _cleanup_free_ char *text = NULL;
                _cleanup_close_ int fd = -EBADF;
                int r = sync_recv(c->sync_fd, &t, &value, &text, &fd);
                if (r == -EPIPE || r == -ECONNRESET) {
                        if (c->pid <= 0)
                                return json_errorf(ret_error, START_PREFIX "the setup process died"), -ECHILD;
                        return 0;
                }
                if (r < 0)
                        return json_errorf(ret_error, "sync with the exec process: %s", strerror(-r)), r;
                switch (t) {
                case SYNC_PID:
                        c->pid = value;
                        (void) waitpid(c->child, NULL, 0);
                        c->child = 0;
                        break;
                case SYNC_CONSOLE:
                        if (c->console_fd >= 0) {
                                r = console_send_master(c->console_fd, fd);
                                if (r < 0)
                                        return json_errorf(ret_error, "--console-socket: send pty master: %s",
                                                           strerror(-r)), r;
                        } else
                                c->master_fd = TAKE_FD(fd);
                        break;
                case SYNC_SECCOMP:
                        r = container_forward_listener(c->seccomp, c->state, CONTAINER_RUNNING, fd, ret_error);
                        if (r < 0)
                                return r;
                        break;
                case SYNC_ERROR:
                        return json_errorf(ret_error, "%s", text ? text : strerror(value)), -(value ? value : EIO);
                default:
                        return json_errorf(ret_error, "sync: unexpected message %s", sync_type_to_string(t)), -EPROTO;
                }
        }
}

/* In the clone: the intermediate, with its end of the sync socket. */
static void intermediate_child(void *arg, int sync_fd, bool cgroup_wait) {
        struct exec_context *c = arg;
        c->sync_fd = sync_fd;
        exec_intermediate(c, cgroup_wait);
}

int container_exec(const struct exec_options *o, struct exec_result *ret, struct container_notes *notes,
                   char **ret_error) {
        _cleanup_(exec_context_done) struct exec_context c = {
                .o = o, .root_fd = -EBADF, .init_pidfd = -EBADF, .console_fd = -EBADF,
                .sync_fd = -EBADF, .master_fd = -EBADF,
        };
        for (int t = 0; t < _OCI_NS_TYPE_MAX; t++)
                c.ns_fds[t] = -EBADF;
        int r = open_container(o->root, o->id, false, &c.dir, &c.state, ret_error);
        if (r < 0)
                return r;
        if (state_status(c.dir, c.state) == CONTAINER_STOPPED)
                return json_errorf(ret_error, "cannot exec in a stopped container '%s'", o->id), -ESRCH;
        r = build_spec(&c, ret_error);
        if (r < 0)
                return r;
        r = seccomp_prepare_spec(c.spec, o->root, &c.seccomp, ret_error);
        if (r < 0)
                return r;
        if ((r = container_note_seccomp(notes, c.seccomp)) < 0)
                return r;
        if (c.state->cgroup_path && (r = container_cgroup_open(o->id, c.state->cgroup_path, &c.cgroup, ret_error)) < 0)
                return r;
        /* The setup runs in the cgroup (it is born there on cgroup2): frozen, it would never
         * finish. So --ignore-paused cannot help, unlike with runc. */
        bool frozen = false;
        if (c.cgroup && cgroup_is_frozen(c.cgroup, &frozen) >= 0 && frozen)
                return json_errorf(ret_error, "cannot exec in a paused container '%s'%s", o->id,
                                   o->ignore_paused ? " (--ignore-paused is not supported: resume it first)" : ""), -EBUSY;
        if (o->console_socket && (r = console_socket_connect(o->console_socket, &c.console_fd)) < 0)
                return json_errorf(ret_error, "--console-socket '%s': %s", o->console_socket, strerror(-r)), r;
        r = open_init(&c, ret_error);
        if (r < 0)
                return r;
        r = container_clone_child(c.cgroup, 0, c.dir->dir_fd, intermediate_child, &c, &c.sync_fd, &c.child, ret_error);
        if (r < 0)
                return r;
        fault_point("exec.after-clone");
        r = serve(&c, ret_error);
        if (r < 0)
                return r;
        fault_point("exec.after-ready");
        if (o->pid_file && (r = container_write_pid_file(o->pid_file, c.pid)) < 0)
                return json_errorf(ret_error, "--pid-file '%s': %s", o->pid_file, strerror(-r)), r;
        c.done = true;
        *ret = (struct exec_result) { .pid = c.pid, .master_fd = TAKE_FD(c.master_fd) };
        return 0;
}
