/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk create, the parent side: check the bundle, make the state directory, clone the container
 * child and serve its requests (id maps, pty, hooks, seccomp listener) until it is ready, then
 * write state.json and the pid file. On any failure the child is killed and nothing stays. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-container.h"
#include "cleanup.h"
#include "console.h"
#include "container-internal.h"
#include "fault.h"
#include "fileio.h"
#include "hooks.h"
#include "json-util.h"
#include "mount-record.h"
#include "ns.h"
#include "parse.h"
#include "seccomp.h"
#include "spec-init.h"
#include "state.h"
#include "strv.h"
#include "sync.h"

/* Everything create holds; released by create_context_done(). */
struct create_context {
        const struct container_options *opts;
        struct oci_spec *spec;
        char *bundle;
        char *rootfs;
        struct state_dir *dir;
        struct husk_seccomp *seccomp;
        struct container_state *state;
        struct cgroup *cgroup;          /* NULL: none (disabled, or no cgroups here) */
        struct mount_record *mounts;    /* no mount namespace: what was below the rootfs before */
        int console_fd;                 /* connected --console-socket */
        int sync_fd;                    /* our end */
        pid_t child;                    /* cloned child (the init, or the intermediate) */
        pid_t init;                     /* the container init */
        bool ready;
};

int container_errorf(char **ret_error, int err, const char *fmt, ...) {
        if (ret_error && !*ret_error) {
                va_list ap;
                va_start(ap, fmt);
                errno = err < 0 ? -err : err;
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return err;
}

void container_notes_done(struct container_notes *n) {
        if (!n)
                return;
        strv_free(n->warnings);
        strv_free(n->debug);
        *n = (struct container_notes) {};
}

/* Move the lines of more (a strv, taken) to the end of *l. */
static int notes_append(char ***l, char **more) {
        _cleanup_strv_free_ char **m = more;
        for (char **s = m; s && *s; s++)
                if (strv_extend(l, *s) < 0)
                        return -ENOMEM;
        return 0;
}

int container_note_seccomp(struct container_notes *n, const struct husk_seccomp *s) {
        char **lines = NULL;
        if (!n || !s)
                return 0;
        int r = seccomp_debug_notes(s, &lines);
        return r < 0 ? r : notes_append(&n->debug, lines);
}

/* The config's warnings, and a cgroup manager that found no cgroup to use here. */
static int note_create(struct container_notes *n, const struct create_context *c) {
        char **lines = NULL;
        if (!n)
                return 0;
        int r = oci_spec_warnings(c->spec, &lines);
        if (r >= 0)
                r = notes_append(&n->warnings, lines);
        const char *manager = c->opts->cgroup_manager;
        if (r >= 0 && !c->cgroup && !(manager && strcmp(manager, "disabled") == 0))
                r = strv_extend(&n->warnings, "cgroup: none usable here (not mounted, read-only or not ours): "
                                              "the container runs without one");
        return r;
}

bool container_has_hooks(const struct oci_spec *spec, const int *kinds, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (spec->hooks.n_hooks[kinds[i]] > 0)
                        return true;
        return false;
}

int container_check_id(const char *id, char **ret_error) {
        if (state_validate_id(id) < 0)
                return json_errorf(ret_error, "invalid container id '%s': must be 1-1024 characters of "
                                   "[A-Za-z0-9_+.-], not '.' or '..'", id ? id : "");
        return 0;
}

int container_load_spec(const char *bundle, struct oci_spec **ret, char **ret_error) {
        _cleanup_free_ char *err = NULL;
        int r = oci_spec_load(bundle, ret, &err);
        if (r < 0) {
                json_errorf(ret_error, "%s", err ? err : strerror(-r));
                return r;
        }
        return 0;
}

static void create_context_done(struct create_context *c) {
        if (!c->ready) {
                if (c->init > 0)
                        (void) kill(c->init, SIGKILL);
                if (c->child > 0 && c->child != c->init)
                        (void) kill(c->child, SIGKILL);
        }
        /* Reap the intermediate always; the init only if it is not meant to live on. */
        if (c->child > 0 && (c->child != c->init || !c->ready))
                (void) waitpid(c->child, NULL, 0);
        if (!c->ready && c->init > 0 && c->init != c->child)
                (void) waitpid(c->init, NULL, 0);
        /* Once the child is gone (it mounts until then): what it mounted in our namespace. */
        if (!c->ready && c->mounts)
                (void) mount_record_undo(c->mounts);
        mount_record_free(c->mounts);
        if (!c->ready)
                (void) cgroup_destroy(c->cgroup, NULL);
        cgroup_free(c->cgroup);
        if (!c->ready && c->dir)
                (void) state_dir_remove(c->dir);
        state_dir_free(c->dir);
        container_state_free(c->state);
        husk_seccomp_free(c->seccomp);
        oci_spec_free(c->spec);
        free(c->bundle);
        free(c->rootfs);
        safe_close(c->console_fd);
        safe_close(c->sync_fd);
}

/* Resolve bundle and root.path, load and check the config. */
static int load_bundle(struct create_context *c, char **ret_error) {
        const char *b = c->opts->bundle ? c->opts->bundle : ".";
        c->bundle = realpath(b, NULL);
        if (!c->bundle)
                return container_errorf(ret_error, -errno, "bundle '%s': %m", b);
        int r = container_load_spec(c->bundle, &c->spec, ret_error);
        if (r < 0)
                return r;
        const struct oci_spec *s = c->spec;
        if (!s->process)
                return json_errorf(ret_error, "%s/config.json: process: required", c->bundle);
        if (!s->process->args || !s->process->args[0])
                return json_errorf(ret_error, "%s/config.json: process.args: must be a non-empty array", c->bundle);
        if (!s->root_path)
                return json_errorf(ret_error, "%s/config.json: root.path: required", c->bundle);
        bool init;
        if ((r = spec_init_wanted(c->spec, c->opts->init, &init, ret_error)) < 0 ||
            (init && (r = spec_init_apply(c->spec, c->opts->init_path, ret_error)) < 0))
                return r;
        const struct oci_namespace *uts = oci_spec_namespace(s, OCI_NS_UTS);
        if ((s->hostname || s->domainname) && !uts)
                return json_errorf(ret_error, "hostname: needs a uts namespace in linux.namespaces");
        _cleanup_free_ char *root = NULL;
        if (s->root_path[0] == '/')
                root = strdup(s->root_path);
        else if (asprintf(&root, "%s/%s", c->bundle, s->root_path) < 0)
                root = NULL;
        if (!root)
                return -ENOMEM;
        c->rootfs = realpath(root, NULL);
        if (!c->rootfs)
                return container_errorf(ret_error, -errno, "root.path: '%s': %m", root);
        struct stat st;
        if (stat(c->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
                return json_errorf(ret_error, "root.path: '%s': not a directory", c->rootfs), -ENOTDIR;
        if (s->process->terminal && !c->opts->console_socket && c->opts->console_master_fd < 0)
                return json_errorf(ret_error, "process.terminal is true: --console-socket is required");
        if (!s->process->terminal && c->opts->console_socket)
                return json_errorf(ret_error, "--console-socket given but process.terminal is false");
        return 0;
}

/* The host uid that container root maps to (who must be able to open exec.fifo). */
static uid_t host_root_uid(const struct oci_spec *s) {
        for (size_t i = 0; i < s->linux_.n_uid_mappings; i++)
                if (s->linux_.uid_mappings[i].container_id == 0)
                        return s->linux_.uid_mappings[i].host_id;
        return geteuid();
}

/* Keep the config as created: poststart/poststop hooks run from it even when the bundle is gone. */
static int save_config(struct create_context *c) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        size_t size;
        if (asprintf(&path, "%s/config.json", c->bundle) < 0)
                return -ENOMEM;
        int r = read_full_file_at(AT_FDCWD, path, &text, &size);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = openat(c->dir->dir_fd, STATE_CONFIG_FILE,
                                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        return loop_write(fd, text, size);
}

/* The name of uid in /etc/passwd ("" when it is not there), read directly as runc's
 * libcontainer/user does: getpwuid(3) would read nsswitch.conf, try nscd and maybe load NSS
 * modules on every create, for a field only `list` shows. */
static char *owner_name(uid_t uid) {
        _cleanup_free_ char *text = NULL;
        char *save = NULL;
        if (read_full_file_at(AT_FDCWD, "/etc/passwd", &text, NULL) >= 0)
                for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                        char *name = strsep(&line, ":");
                        (void) strsep(&line, ":");      /* the password */
                        char *id = strsep(&line, ":");
                        unsigned u;
                        if (id && safe_atou(id, &u) >= 0 && u == uid)
                                return strdup(name);
                }
        return strdup("");
}

static int make_state(struct create_context *c, char **ret_error) {
        int r = state_dir_create(c->opts->root, c->opts->id, &c->dir);
        if (r == -EEXIST)
                return json_errorf(ret_error, "container '%s' already exists", c->opts->id), r;
        if (r < 0)
                return json_errorf(ret_error, "state directory %s/%s: %s", c->opts->root, c->opts->id,
                                   strerror(-r)), r;
        if (mkfifoat(c->dir->dir_fd, STATE_FIFO, 0622) < 0 ||
            fchmodat(c->dir->dir_fd, STATE_FIFO, 0622, 0) < 0)
                return container_errorf(ret_error, -errno, "%s/%s: %m", c->dir->path, STATE_FIFO);
        if (oci_spec_namespace(c->spec, OCI_NS_USER))
                (void) fchownat(c->dir->dir_fd, STATE_FIFO, host_root_uid(c->spec), (gid_t) -1, 0);
        r = save_config(c);
        if (r < 0)
                return container_errorf(ret_error, r, "%s/%s: %m", c->dir->path, STATE_CONFIG_FILE);
        return 0;
}

static int build_state(struct create_context *c, pid_t pid) {
        struct container_state *s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        c->state = s;
        s->pid = pid;
        char created[64];
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        /* Not strftime(3): it loads the time zone, which UTC does not need. */
        snprintf(created, sizeof created, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
        s->id = strdup(c->opts->id);
        s->bundle = strdup(c->bundle);
        s->rootfs = strdup(c->rootfs);
        s->created = strdup(created);
        s->owner = owner_name(geteuid());
        if (!s->id || !s->bundle || !s->rootfs || !s->created || !s->owner)
                return -ENOMEM;
        if (c->cgroup && !(s->cgroup_path = strdup(c->cgroup->path)))
                return -ENOMEM;
        for (size_t i = 0; i < c->spec->n_annotations; i++)
                if (strv_extend(&s->annotations, c->spec->annotations[i].key) < 0 ||
                    strv_extend(&s->annotations, c->spec->annotations[i].value) < 0)
                        return -ENOMEM;
        return 0;
}

/* prestart + createRuntime, in our namespaces. createRuntime (and createContainer, which gets the
 * same JSON) see status "creating", as runc passes; the legacy prestart hooks see "created", as
 * crun passes and runtime-tools' hooks_stdin checks: the spec defines prestart by where it ran
 * before the create/start split, once the container was created and before its program ran. */
static int run_runtime_hooks(struct create_context *c, char **ret_state, char **ret_error) {
        _cleanup_free_ char *json = NULL, *prestart_json = NULL;
        int r = state_to_json(c->state, CONTAINER_CREATING, false, &json);
        if (r >= 0 && c->spec->hooks.n_hooks[OCI_HOOK_PRESTART] > 0)
                r = state_to_json(c->state, CONTAINER_CREATED, false, &prestart_json);
        if (r < 0)
                return r;
        if (prestart_json)
                r = hooks_run(c->spec, OCI_HOOK_PRESTART, prestart_json, ret_error);
        if (r >= 0)
                r = hooks_run(c->spec, OCI_HOOK_CREATE_RUNTIME, json, ret_error);
        if (r < 0)
                return r;
        *ret_state = TAKE_PTR(json);
        return 0;
}

int container_forward_listener(const struct husk_seccomp *s, const struct container_state *st,
                               enum container_status status, int fd, char **ret_error) {
        _cleanup_free_ char *state = NULL, *proc_state = NULL;
        if (!s->listener_path)
                return 0;
        int r = state_to_json(st, status, false, &state);
        if (r < 0)
                return r;
        r = seccomp_process_state_build(state, s->listener_metadata, &proc_state, ret_error);
        if (r < 0)
                return r;
        return seccomp_send_listener(s->listener_path, fd, proc_state, ret_error);
}

/* Why the child went away without a word. */
static int child_died(struct create_context *c, char **ret_error) {
        int status = 0;
        pid_t who = c->init > 0 ? c->init : c->child;
        if (waitpid(who, &status, 0) == who) {
                if (who == c->child)
                        c->child = 0;
                if (who == c->init)
                        c->init = 0;
                if (WIFSIGNALED(status))
                        return json_errorf(ret_error, "container init killed by signal %d during setup",
                                           WTERMSIG(status));
                return json_errorf(ret_error, "container init exited with status %d during setup",
                                   WEXITSTATUS(status));
        }
        return json_errorf(ret_error, "container init exited during setup");
}

/* Serve the child's requests until it is ready. Requests that need the init's pid wait for the
 * intermediate's SYNC_PID (the two may arrive in either order). */
static int serve_child(struct create_context *c, char **ret_error) {
        bool hooks_pending = false, ready_pending = false;
        int r;
        for (;;) {
                if (c->init > 0 && !c->state && (r = build_state(c, c->init)) < 0)
                        return r;
                if (c->init > 0 && hooks_pending) {
                        _cleanup_free_ char *state = NULL;
                        hooks_pending = false;
                        fault_point("create.before-hooks");
                        r = run_runtime_hooks(c, &state, ret_error);
                        fault_point("create.after-hooks");
                        if (r < 0) {
                                (void) sync_send_error(c->sync_fd, r, "runtime hooks failed");
                                return r;
                        }
                        r = sync_send(c->sync_fd, SYNC_HOOKS_ACK, 0, state, -1);
                        if (r < 0)
                                return json_errorf(ret_error, "sync with container init: %s", strerror(-r)), r;
                }
                if (c->init > 0 && ready_pending)
                        return 0;

                enum sync_type t;
                int32_t value;
                _cleanup_free_ char *text = NULL;
                _cleanup_close_ int fd = -EBADF;
                r = sync_recv(c->sync_fd, &t, &value, &text, &fd);
                if (r == -EPIPE || r == -ECONNRESET)
                        return child_died(c, ret_error);
                if (r < 0)
                        return json_errorf(ret_error, "sync with container init: %s", strerror(-r)), r;
                switch (t) {
                case SYNC_USERMAP:
                        r = ns_write_id_maps(value, c->spec, ret_error);
                        if (r < 0)
                                return r;
                        if ((r = sync_send(c->sync_fd, SYNC_USERMAP_ACK, 0, NULL, -1)) < 0)
                                return json_errorf(ret_error, "sync: %s", strerror(-r)), r;
                        break;
                case SYNC_PID:
                        c->init = value;
                        (void) waitpid(c->child, NULL, 0);
                        c->child = 0;
                        break;
                case SYNC_CONSOLE:
                        r = console_send_master(c->console_fd, fd);
                        if (r < 0)
                                return json_errorf(ret_error, "--console-socket: send pty master: %s",
                                                   strerror(-r)), r;
                        break;
                case SYNC_HOOKS:
                        hooks_pending = true;
                        break;
                case SYNC_SECCOMP:
                        r = container_forward_listener(c->seccomp, c->state, CONTAINER_CREATING, fd, ret_error);
                        if (r < 0)
                                return r;
                        break;
                case SYNC_READY:
                        ready_pending = true;
                        break;
                case SYNC_ERROR:
                        return json_errorf(ret_error, "%s", text ? text : strerror(value)), -(value ? value : EIO);
                default:
                        return json_errorf(ret_error, "sync: unexpected message %s", sync_type_to_string(t));
                }
        }
}

int container_write_pid_file(const char *path, pid_t pid) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%d", (int) pid);
        return write_file_atomic_at(AT_FDCWD, path, buf, (size_t) n, 0644, false);
}

/* --pidfd-socket (runc 1.2): hand the caller a pidfd of the init, immune to pid reuse. */
static int send_pidfd(const char *path, pid_t pid) {
        _cleanup_close_ int sock = -EBADF;
        int r = console_socket_connect(path, &sock);
        if (r < 0)
                return r;
        _cleanup_close_ int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0)
                return -errno;
        return console_send_fd(sock, pidfd, "pidfd");
}

int container_clone_child(struct cgroup *cg, unsigned long flags, int lock_fd,
                          void (*child)(void *arg, int sync_fd, bool cgroup_wait), void *arg,
                          int *ret_sync_fd, pid_t *ret_pid, char **ret_error) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
                return container_errorf(ret_error, -errno, "socketpair: %m");
        bool cgroup_wait = false;
        pid_t pid = container_cgroup_clone(cg, flags, &cgroup_wait);
        if (pid < 0) {
                safe_close(pair[0]);
                safe_close(pair[1]);
                return json_errorf(ret_error, "clone: %s", strerror(-pid)), pid;
        }
        if (pid == 0) {
                /* Not for the child to hold: the state lock, the parent's end of the socket. */
                safe_close(lock_fd);
                safe_close(pair[0]);
                child(arg, pair[1], cgroup_wait);
                _exit(EXIT_FAILURE);
        }
        safe_close(pair[1]);
        if (cgroup_wait) {
                int r = container_cgroup_place(cg, pid, pair[0], ret_error);
                if (r < 0) {
                        (void) kill(pid, SIGKILL);
                        (void) waitpid(pid, NULL, 0);
                        safe_close(pair[0]);
                        return r;
                }
        }
        *ret_sync_fd = pair[0];
        *ret_pid = pid;
        return 0;
}

static void init_child(void *arg, int sync_fd, bool cgroup_wait) {
        struct init_context *ic = arg;
        ic->sync_fd = sync_fd;
        ic->cgroup_wait = cgroup_wait;
        container_init(ic);
}

static int spawn_child(struct create_context *c, char **ret_error) {
        /* A second open of the state dir, without the lock: the child keeps it until exec. */
        _cleanup_close_ int fifo_dir = open(c->dir->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fifo_dir < 0)
                return container_errorf(ret_error, -errno, "%s: %m", c->dir->path);
        struct init_context ic = {
                .opts = c->opts, .spec = c->spec, .bundle = c->bundle, .rootfs = c->rootfs, .sync_fd = -EBADF,
                .fifo_dir_fd = fifo_dir, .seccomp = c->seccomp,
                .new_flags = ns_new_flags(c->spec), .single_clone = ns_single_clone(c->spec),
        };
        int r = container_clone_child(c->cgroup, ic.single_clone ? ic.new_flags : 0, c->dir->dir_fd, init_child,
                                      &ic, &c->sync_fd, &c->child, ret_error);
        if (r < 0)
                return r;
        if (ic.single_clone)
                c->init = c->child;
        if (ic.single_clone && (ic.new_flags & CLONE_NEWUSER)) {
                r = ns_write_id_maps(c->child, c->spec, ret_error);
                if (r < 0)
                        return r;
                r = sync_send(c->sync_fd, SYNC_USERMAP_ACK, 0, NULL, -1);
                if (r < 0)
                        return json_errorf(ret_error, "sync: %s", strerror(-r)), r;
        }
        return 0;
}

int container_create(const struct container_options *o, pid_t *ret_pid, struct container_notes *notes,
                     char **ret_error) {
        _cleanup_(create_context_done) struct create_context c = {
                .opts = o, .console_fd = -EBADF, .sync_fd = -EBADF,
        };
        int r = container_check_id(o->id, ret_error);
        if (r < 0)
                return r;
        r = load_bundle(&c, ret_error);
        if (r < 0)
                return r;
        if (o->console_socket && (r = console_socket_connect(o->console_socket, &c.console_fd)) < 0)
                return json_errorf(ret_error, "--console-socket '%s': %s", o->console_socket, strerror(-r)), r;
        if (o->console_master_fd >= 0 && (c.console_fd = fcntl(o->console_master_fd, F_DUPFD_CLOEXEC, 3)) < 0)
                return -errno;
        r = seccomp_prepare_spec(c.spec, o->root, &c.seccomp, ret_error);
        if (r < 0)
                return r;
        if ((r = container_note_seccomp(notes, c.seccomp)) < 0)
                return r;
        r = make_state(&c, ret_error);
        if (r < 0)
                return r;
        fault_point("create.after-state-dir");
        r = container_cgroup_create(c.spec, o->id, o->cgroup_manager, &c.cgroup, ret_error);
        if (r < 0)
                return r;
        if ((r = note_create(notes, &c)) < 0)
                return r;
        if ((r = container_note_cgroup(c.dir, c.cgroup)) < 0)
                return container_errorf(ret_error, r, "%s: note the cgroup: %m", c.dir->path);
        fault_point("create.after-cgroup");
        if (!oci_spec_namespace(c.spec, OCI_NS_MOUNT) && (r = mount_record_begin(c.rootfs, c.dir->dir_fd, &c.mounts)) < 0)
                return container_errorf(ret_error, r, "%s/%s: %m", c.dir->path, MOUNT_RECORD_BASE_FILE);
        r = spawn_child(&c, ret_error);
        if (r < 0)
                return r;
        fault_point("create.after-clone");
        r = serve_child(&c, ret_error);
        if (r < 0)
                return r;
        fault_point("create.after-ready");

        r = proc_start_time(c.init, &c.state->start_time);
        if (r < 0)
                return json_errorf(ret_error, "container init %d: %s", (int) c.init, strerror(-r)), r;
        /* Before state.json: a container delete can see is one whose mounts it can find. */
        if (c.mounts && (r = mount_record_save(c.mounts, c.dir->dir_fd)) < 0)
                return container_errorf(ret_error, r, "%s/%s: %m", c.dir->path, MOUNT_RECORD_FILE);
        r = state_write(c.dir, c.state);
        if (r < 0)
                return json_errorf(ret_error, "%s/%s: %s", c.dir->path, STATE_FILE, strerror(-r)), r;
        fault_point("create.after-state");
        if (o->pidfd_socket && (r = send_pidfd(o->pidfd_socket, c.init)) < 0)
                return json_errorf(ret_error, "--pidfd-socket '%s': %s", o->pidfd_socket, strerror(-r)), r;
        if (o->pid_file && (r = container_write_pid_file(o->pid_file, c.init)) < 0)
                return json_errorf(ret_error, "--pid-file '%s': %s", o->pid_file, strerror(-r)), r;
        /* The child may go on to exec.fifo; had it died meanwhile, the container is just stopped. */
        (void) sync_send(c.sync_fd, SYNC_CREATED, 0, NULL, -1);
        c.ready = true;
        *ret_pid = c.init;
        return 0;
}
