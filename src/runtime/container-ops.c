/* SPDX-License-Identifier: GPL-2.0-or-later
 * start, kill, delete and state of an existing container (see container.h). Each takes the state
 * directory's lock for its whole run, so concurrent commands on one id serialize. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-container.h"
#include "cleanup.h"
#include "container-internal.h"
#include "fault.h"
#include "fileio.h"
#include "hooks.h"
#include "json-util.h"
#include "mount-record.h"
#include "state.h"

#define KILL_WAIT_MS 10000
#define STATE_CGROUP_NOTE "cgroup.path"     /* container_note_cgroup() */

int open_container(const char *root, const char *id, bool exclusive, struct state_dir **ret_dir,
                   struct container_state **ret_state, char **ret_error) {
        int r = container_check_id(id, ret_error);
        if (r < 0)
                return r;
        _cleanup_state_dir_ struct state_dir *d = NULL;
        r = state_dir_open(root, id, exclusive, &d);
        if (r == -ENOENT)
                return json_errorf(ret_error, "container '%s' does not exist", id), r;
        if (r < 0)
                return json_errorf(ret_error, "%s/%s: %s", root, id, strerror(-r)), r;
        if (ret_state) {
                r = state_read(d, ret_state);
                if (r == -ENOENT)
                        return json_errorf(ret_error, "container '%s' does not exist", id), r;
                if (r < 0)
                        return json_errorf(ret_error, "%s/%s: %s", d->path, STATE_FILE, strerror(-r)), r;
        }
        *ret_dir = TAKE_PTR(d);
        return 0;
}

int container_init_pidfd(const struct container_state *s) {
        int fd = (int) syscall(SYS_pidfd_open, s->pid, 0);
        if (fd < 0)
                return -errno;
        /* The pidfd pins the process: checking the start time after opening it closes the race
         * with pid reuse. */
        if (!state_pid_alive(s->pid, s->start_time)) {
                safe_close(fd);
                return -ESRCH;
        }
        return fd;
}

static int signal_init(const struct container_state *s, int sig) {
        _cleanup_close_ int fd = container_init_pidfd(s);
        if (fd < 0)
                return fd;
        if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
                return -errno;
        return 0;
}

/* Read the outcome the init writes to the fifo after startContainer hooks: "0", or "1<error>".
 * Poll so that an init that died does not hang us. */
static int await_init(const struct state_dir *d, const struct container_state *s, char **ret_error) {
        _cleanup_close_ int fd = openat(d->dir_fd, STATE_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return container_errorf(ret_error, -errno, "%s/%s: %m", d->path, STATE_FIFO);
        char buf[1200];
        size_t len = 0;
        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                int n = poll(&p, 1, 100);
                if (n < 0 && errno != EINTR)
                        return -errno;
                if (n <= 0) {
                        if (!state_pid_alive(s->pid, s->start_time))
                                return json_errorf(ret_error, "container '%s': init exited before start", s->id);
                        continue;
                }
                ssize_t k = read(fd, buf + len, sizeof buf - 1 - len);
                if (k < 0 && errno != EAGAIN && errno != EINTR)
                        return -errno;
                if (k > 0)
                        len += (size_t) k;
                if (len > 0 && buf[0] == '0')
                        return 0;
                if (k == 0 || len == sizeof buf - 1) {
                        buf[len] = '\0';
                        if (len > 1)
                                return json_errorf(ret_error, "%s", buf + 1), -EIO;
                        return json_errorf(ret_error, "container '%s': init exited before start", s->id);
                }
        }
}

/* poststart/poststop: from the copy of config.json that create saved in the state directory
 * (the bundle may be gone by delete time), or the bundle's for containers made without one. */
static int run_hooks_warn(const struct state_dir *d, const struct container_state *s,
                          enum oci_hook_kind kind, enum container_status st, char **ret_warning) {
        _cleanup_free_ char *err = NULL, *json = NULL;
        struct oci_spec *spec = NULL;
        bool saved = faccessat(d->dir_fd, STATE_CONFIG_FILE, F_OK, 0) == 0;
        int r = container_load_spec(saved ? d->path : s->bundle, &spec, &err);
        if (r >= 0 && spec->hooks.n_hooks[kind] > 0) {
                r = state_to_json(s, st, false, &json);
                if (r >= 0)
                        r = hooks_run_all(spec, kind, json, &err);
        }
        oci_spec_free(spec);
        if (r < 0 && ret_warning && !*ret_warning)
                (void) json_errorf(ret_warning, "%s hooks: %s", oci_hook_kind_to_string(kind),
                                   err ? err : strerror(-r));
        return r;
}

int container_start(const char *root, const char *id, char **ret_warning, char **ret_error) {
        _cleanup_state_dir_ struct state_dir *d = NULL;
        _cleanup_container_state_ struct container_state *s = NULL;
        int r = open_container(root, id, true, &d, &s, ret_error);
        if (r < 0)
                return r;
        enum container_status st = state_status(d, s);
        if (st == CONTAINER_RUNNING)
                return json_errorf(ret_error, "container '%s' is already running", id);
        if (st == CONTAINER_STOPPED)
                return json_errorf(ret_error, "cannot start container '%s': it has stopped", id);
        fault_point("start.before-fifo");
        r = await_init(d, s, ret_error);
        if (r < 0)
                return r;
        fault_point("start.after-fifo");
        if (unlinkat(d->dir_fd, STATE_FIFO, 0) < 0)
                return container_errorf(ret_error, -errno, "%s/%s: %m", d->path, STATE_FIFO);
        fault_point("start.before-poststart");
        (void) run_hooks_warn(d, s, OCI_HOOK_POSTSTART, CONTAINER_RUNNING, ret_warning);
        return 0;
}

int container_kill(const char *root, const char *id, int sig, char **ret_error) {
        _cleanup_state_dir_ struct state_dir *d = NULL;
        _cleanup_container_state_ struct container_state *s = NULL;
        int r = open_container(root, id, false, &d, &s, ret_error);
        if (r < 0)
                return r;
        r = signal_init(s, sig);
        if (r == -ESRCH)
                return json_errorf(ret_error, "container '%s' is not running", id), r;
        if (r < 0)
                return json_errorf(ret_error, "kill container '%s' (pid %d): %s", id, (int) s->pid,
                                   strerror(-r)), r;
        return 0;
}

/* SIGKILL the init and wait until it is gone (we may not be its parent: poll its pidfd). */
static int kill_and_wait(const struct container_state *s) {
        _cleanup_close_ int fd = container_init_pidfd(s);
        if (fd == -ESRCH)
                return 0;
        if (fd < 0)
                return fd;
        if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
                return -errno;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int n;
        do
                n = poll(&p, 1, KILL_WAIT_MS);
        while (n < 0 && errno == EINTR);
        return n > 0 ? 0 : -ETIMEDOUT;
}

int container_note_cgroup(const struct state_dir *d, const struct cgroup *cg) {
        if (!cg)
                return 0;
        _cleanup_close_ int fd = openat(d->dir_fd, STATE_CGROUP_NOTE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        return loop_write(fd, cg->path, strlen(cg->path));
}

/* What a create killed before state.json was written left: its cgroup, with the processes in it
 * (the container child, which also leaves by itself once it sees create's end of the sync socket
 * close). Mounts live in the child's mount namespace and go with it; without one, in ours:
 * remove_mounts() finds them from the snapshot create took before it cloned the child. */
static int remove_interrupted(const struct state_dir *d, char **ret_error) {
        _cleanup_free_ char *path = NULL;
        int r = read_full_file_at(d->dir_fd, STATE_CGROUP_NOTE, &path, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return container_errorf(ret_error, r, "%s/%s: %m", d->path, STATE_CGROUP_NOTE);
        return container_cgroup_remove(path, ret_error);
}

/* What a container without a mount namespace of its own left mounted below its rootfs in ours
 * (mount-record.h). With force, a mount that will not go is a warning, not a reason to stay. */
static int remove_mounts(const struct state_dir *d, const char *id, bool force, char **ret_warning,
                         char **ret_error) {
        _cleanup_free_ char *failed = NULL;
        int r = mount_record_detach_saved(d->dir_fd, &failed);
        if (r >= 0)
                return 0;
        if (!force)
                return container_errorf(ret_error, r, "container '%s': unmount %s: %m (use --force to remove "
                                        "it anyway)", id, failed ? failed : d->path);
        (void) container_errorf(ret_warning, r, "container '%s': unmount %s: %m", id, failed ? failed : d->path);
        return 0;
}

int container_delete(const char *root, const char *id, bool force, char **ret_warning, char **ret_error) {
        _cleanup_state_dir_ struct state_dir *d = NULL;
        _cleanup_container_state_ struct container_state *s = NULL;
        int r = open_container(root, id, true, &d, NULL, ret_error);
        if (r == -ENOENT && force)
                state_dir_remove_unborn(root, id);
        if (r < 0)
                return r;
        r = state_read(d, &s);
        if (r < 0 && !force)
                return json_errorf(ret_error, "container '%s': %s/%s: %s (use --force to remove it)",
                                   id, d->path, STATE_FILE, strerror(-r)), r;
        if (s) {
                enum container_status st = state_status(d, s);
                if (st == CONTAINER_RUNNING && !force)
                        return json_errorf(ret_error, "cannot delete container '%s' that is not stopped: "
                                           "running (use --force)", id), -EBUSY;
                /* The cgroup first: it kills every process in it, thawing a paused container
                 * (frozen v1 tasks die only once thawed). */
                r = container_cgroup_remove(s->cgroup_path, ret_error);
                if (r < 0)
                        return r;
                fault_point("delete.after-cgroup");
                if (st != CONTAINER_STOPPED && (r = kill_and_wait(s)) < 0)
                        return json_errorf(ret_error, "kill container '%s' (pid %d): %s", id, (int) s->pid,
                                           strerror(-r)), r;
                fault_point("delete.after-kill");
                if ((r = remove_mounts(d, id, force, ret_warning, ret_error)) < 0)
                        return r;
                (void) run_hooks_warn(d, s, OCI_HOOK_POSTSTOP, CONTAINER_STOPPED, ret_warning);
        } else if ((r = remove_interrupted(d, ret_error)) < 0 ||
                   (r = remove_mounts(d, id, force, ret_warning, ret_error)) < 0)
                return r;
        fault_point("delete.before-state-remove");
        r = state_dir_remove(d);
        if (r < 0)
                return json_errorf(ret_error, "remove %s: %s", d->path, strerror(-r)), r;
        return 0;
}

int container_state_json(const char *root, const char *id, char **ret_json, char **ret_error) {
        _cleanup_state_dir_ struct state_dir *d = NULL;
        _cleanup_container_state_ struct container_state *s = NULL;
        int r = open_container(root, id, false, &d, &s, ret_error);
        if (r < 0)
                return r;
        enum container_status st = state_status(d, s);
        if (st == CONTAINER_STOPPED)
                s->pid = 0;
        if (st == CONTAINER_RUNNING && container_cgroup_is_paused(s->cgroup_path))
                st = CONTAINER_PAUSED;
        r = state_to_json(s, st, true, ret_json);
        if (r < 0)
                return json_errorf(ret_error, "%s", strerror(-r)), r;
        return 0;
}
