/* SPDX-License-Identifier: GPL-2.0-or-later
 * The container's cgroup through its lifecycle (see cgroup-container.h). */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-container.h"
#include "cgroup-systemd.h"
#include "cleanup.h"
#include "container.h"
#include "json-util.h"
#include "state.h"
#include "sync.h"

/* What every container may use whatever its rules say (runc's AllowedDevices): mknod of any
 * node (creating is not opening), the standard character devices, the pty devices. */
static const struct oci_device_rule default_rules[] = {
        { .allow = true, .type = 'c', .major = -1, .minor = -1, .access = OCI_DEVICE_ACCESS_MKNOD },
        { .allow = true, .type = 'b', .major = -1, .minor = -1, .access = OCI_DEVICE_ACCESS_MKNOD },
        { .allow = true, .type = 'c', .major = 1, .minor = 3, .access = OCI_DEVICE_ACCESS_ALL },   /* null */
        { .allow = true, .type = 'c', .major = 1, .minor = 5, .access = OCI_DEVICE_ACCESS_ALL },   /* zero */
        { .allow = true, .type = 'c', .major = 1, .minor = 7, .access = OCI_DEVICE_ACCESS_ALL },   /* full */
        { .allow = true, .type = 'c', .major = 1, .minor = 8, .access = OCI_DEVICE_ACCESS_ALL },   /* random */
        { .allow = true, .type = 'c', .major = 1, .minor = 9, .access = OCI_DEVICE_ACCESS_ALL },   /* urandom */
        { .allow = true, .type = 'c', .major = 5, .minor = 0, .access = OCI_DEVICE_ACCESS_ALL },   /* tty */
        { .allow = true, .type = 'c', .major = 5, .minor = 1, .access = OCI_DEVICE_ACCESS_ALL },   /* console */
        { .allow = true, .type = 'c', .major = 5, .minor = 2, .access = OCI_DEVICE_ACCESS_ALL },   /* ptmx */
        { .allow = true, .type = 'c', .major = 136, .minor = -1, .access = OCI_DEVICE_ACCESS_ALL }, /* pts */
};

/* linux.resources.devices, then the defaults, then an allow rule for every linux.devices
 * entry (the container was promised those nodes). Empty when the spec has no rules. */
static int device_rules(const struct oci_spec *spec, struct oci_device_rule **ret, size_t *ret_n) {
        const struct oci_resources *res = spec->linux_.resources;
        size_t n = 0, max;
        if (!res || res->n_devices == 0) {
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        max = res->n_devices + ELEMENTSOF(default_rules) + spec->linux_.n_devices;
        struct oci_device_rule *rules = calloc(max, sizeof *rules);
        if (!rules)
                return -ENOMEM;
        for (size_t i = 0; i < res->n_devices; i++)
                rules[n++] = res->devices[i];
        for (size_t i = 0; i < ELEMENTSOF(default_rules); i++)
                rules[n++] = default_rules[i];
        for (size_t i = 0; i < spec->linux_.n_devices; i++) {
                const struct oci_device *d = &spec->linux_.devices[i];
                if (d->type == 'p')
                        continue;
                rules[n++] = (struct oci_device_rule) {
                        .allow = true, .type = d->type == 'b' ? 'b' : 'c', .major = d->major, .minor = d->minor,
                        .access = OCI_DEVICE_ACCESS_ALL,
                };
        }
        *ret = rules;
        *ret_n = n;
        return 0;
}

/* Does the spec ask for anything only a cgroup can give? */
static bool wants_limits(const struct oci_resources *r) {
        return r && (r->n_devices || r->has_memory || r->has_cpu || r->has_pids || r->has_block_io ||
                     r->n_hugepage_limits || r->has_network || r->n_rdma || r->unified);
}

int container_cgroup_create(const struct oci_spec *spec, const char *id, const char *manager, struct cgroup **ret,
                            char **ret_error) {
        enum cgroup_manager m;
        if (cgroup_manager_from_string(manager, &m) < 0)
                return json_errorf(ret_error, "--cgroup-manager: '%s': must be cgroupfs, systemd or disabled", manager);
        if (m == CGROUP_MANAGER_DISABLED) {
                *ret = NULL;
                return 0;
        }
        _cleanup_free_ struct oci_device_rule *rules = NULL;
        struct oci_resources res = {};
        if (spec->linux_.resources)
                res = *spec->linux_.resources;
        int r = device_rules(spec, &rules, &res.n_devices);
        if (r < 0)
                return r;
        res.devices = rules;
        /* systemd: the scope starts with the child in it (container_cgroup_place). */
        if (m == CGROUP_MANAGER_SYSTEMD)
                return cgroup_systemd_prepare(spec->linux_.cgroups_path, id, &res, ret, ret_error);
        _cleanup_free_ char *path = NULL, *err = NULL;
        if ((r = cgroup_path_resolve(spec->linux_.cgroups_path, id, &path, ret_error)) < 0)
                return r;
        r = cgroup_create(path, &res, ret, &err);
        /* No cgroups here (none mounted, read-only, not ours to write): run without when nothing
         * was asked that needs them and the path is husk's default. */
        if ((r == -ENOMEDIUM || r == -EROFS || r == -EACCES || r == -EPERM) && !wants_limits(spec->linux_.resources) &&
            !spec->linux_.cgroups_path) {
                *ret = NULL;
                return 0;
        }
        if (r < 0)
                return json_errorf(ret_error, "%s", err ? err : strerror(-r)), r;
        return 0;
}

pid_t container_cgroup_clone(const struct cgroup *cg, unsigned long flags, bool *ret_wait) {
        if (cg && cg->unified_fd >= 0 && !cgroup_needs_enter(cg)) {
                struct clone_args a = {
                        .flags = flags | CLONE_INTO_CGROUP,
                        .exit_signal = SIGCHLD,
                        .cgroup = (uint64_t) cg->unified_fd,
                };
                *ret_wait = false;
                /* No stack: the child runs on a copy of ours, as after fork(2). */
                long pid = syscall(SYS_clone3, &a, sizeof a);
                if (pid >= 0)
                        return (pid_t) pid;
                if (errno != ENOSYS && errno != E2BIG)
                        return -errno;
        }
        *ret_wait = cg != NULL;
        if (*ret_wait)
                flags &= ~(unsigned long) CLONE_NEWCGROUP;
        long pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
        return pid < 0 ? -errno : (pid_t) pid;
}

int container_cgroup_place(struct cgroup *cg, pid_t pid, int sync_fd, char **ret_error) {
        int r = cg->scope && cg->scope->pending ? cgroup_systemd_start(cg, pid, ret_error)
                                                : cgroup_enter(cg, pid, false, ret_error);
        if (r < 0) {
                (void) sync_send_error(sync_fd, r, "cgroup placement failed");
                return r;
        }
        r = sync_send(sync_fd, SYNC_CGROUP_ACK, 0, NULL, -1);
        if (r < 0)
                return json_errorf(ret_error, "sync with container init: %s", strerror(-r)), r;
        return 0;
}

int container_cgroup_child_wait(int sync_fd, bool unshare_cgroupns, char **ret_error) {
        int r = sync_expect(sync_fd, SYNC_CGROUP_ACK, NULL, NULL);
        if (r < 0)
                return r;
        if (unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
                return json_errorf(ret_error, "linux.namespaces: unshare cgroup namespace: %s", strerror(errno)), -errno;
        return 0;
}

int container_cgroup_remove(const char *path, char **ret_error) {
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        if (!path)
                return 0;
        int r = cgroup_open(path, &cg);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return json_errorf(ret_error, "cgroup %s: %s", path, strerror(-r)), r;
        return cgroup_destroy(cg, ret_error);
}

int container_cgroup_open(const char *id, const char *path, struct cgroup **ret, char **ret_error) {
        if (!path)
                return json_errorf(ret_error, "container '%s' has no cgroup (created with --cgroup-manager disabled "
                                   "or on a host without cgroups)", id), -ENOENT;
        int r = cgroup_open(path, ret);
        if (r < 0)
                return json_errorf(ret_error, "container '%s': cgroup %s: %s", id, path, strerror(-r)), r;
        return 0;
}

bool container_cgroup_is_paused(const char *path) {
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        bool frozen = false;
        return path && cgroup_open(path, &cg) >= 0 && cgroup_is_frozen(cg, &frozen) >= 0 && frozen;
}

/* The cgroup of container id, for pause/resume (running: it must be running) and kill --all.
 * The state is read under a shared lock, held until the cgroup is open. */
static int open_container_cgroup(const char *root, const char *id, bool running, struct cgroup **ret,
                                 char **ret_error) {
        _cleanup_state_dir_ struct state_dir *d = NULL;
        _cleanup_container_state_ struct container_state *s = NULL;
        int r = container_check_id(id, ret_error);
        if (r < 0)
                return r;
        r = state_dir_open(root, id, false, &d);
        if (r >= 0)
                r = state_read(d, &s);
        if (r == -ENOENT)
                return json_errorf(ret_error, "container '%s' does not exist", id), r;
        if (r < 0)
                return json_errorf(ret_error, "%s/%s: %s", root, id, strerror(-r)), r;
        if (running && state_status(d, s) != CONTAINER_RUNNING)
                return json_errorf(ret_error, "container '%s' is not running", id);
        return container_cgroup_open(id, s->cgroup_path, ret, ret_error);
}

int container_pause(const char *root, const char *id, bool pause, char **ret_error) {
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        int r = open_container_cgroup(root, id, true, &cg, ret_error);
        return r < 0 ? r : cgroup_freeze(cg, pause, ret_error);
}

int container_kill_all(const char *root, const char *id, int sig, char **ret_error) {
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        int r = open_container_cgroup(root, id, false, &cg, ret_error);
        return r < 0 ? r : cgroup_kill_all(cg, sig, ret_error);
}
