/* SPDX-License-Identifier: GPL-2.0-or-later
 * A container's cgroup across the hierarchies of this host (see cgroup.h): create it with its
 * limits, open it again later, move processes in, remove it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup-systemd.h"
#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "strv.h"

#define DEFAULT_PARENT "/husk"  /* cgroup_path_resolve()'s parent for a spec without cgroupsPath */
#define RMDIR_TRIES 50          /* x 20 ms: processes that were just killed take a moment to go */

void cgroup_free(struct cgroup *cg) {
        if (!cg)
                return;
        cgroup_layout_done(&cg->layout);
        free(cg->path);
        strv_free(cg->created);
        safe_close(cg->unified_fd);
        cg_scope_free(cg->scope);
        free(cg);
}

/* The distinct mount points to create the cgroup in: cgroup2 first, then each v1 mount once
 * (cpu and cpuacct may share one). NULL-terminated, pointing into l. */
static size_t hierarchies(const struct cgroup_layout *l, const char *out[_CG_MAX + 2]) {
        size_t n = 0;
        if (l->unified)
                out[n++] = l->unified;
        for (size_t c = 0; c < _CG_MAX; c++) {
                bool seen = false;
                if (!l->v1[c])
                        continue;
                for (size_t i = 0; i < n; i++)
                        seen = seen || strcmp(out[i], l->v1[c]) == 0;
                if (!seen)
                        out[n++] = l->v1[c];
        }
        out[n] = NULL;
        return n;
}

/* mkdir every component of path under mount, noting the ones we made; the leaf must be new
 * unless leaf_may_exist. -ENOENT (without a message) when a parent vanished under us. */
static int make_dirs_once(struct cgroup *cg, const char *mount, bool leaf_may_exist, char **ret_error) {
        _cleanup_free_ char *p = strdup(cg->path);
        char dir[4096];
        if (!p)
                return -ENOMEM;
        for (char *slash = p + 1;; slash++) {
                slash = strchr(slash, '/');
                bool leaf = !slash;
                if (slash)
                        *slash = '\0';
                cg_file_path(dir, sizeof dir, mount, p, NULL);
                if (mkdir(dir, 0755) < 0) {
                        int e = errno;
                        if (e == ENOENT)
                                return -ENOENT;
                        if (e != EEXIST)
                                return json_errorf(ret_error, "linux.cgroupsPath: mkdir %s: %s", dir, strerror(e)), -e;
                        if (leaf && !leaf_may_exist)
                                return json_errorf(ret_error, "linux.cgroupsPath: cgroup %s exists already (%s)",
                                                   cg->path, dir), -EEXIST;
                } else if (strv_extend(&cg->created, dir) < 0)
                        return -ENOMEM;
                if (leaf)
                        return 0;
                *slash = '/';
        }
}

/* A parent may vanish between our mkdirs (the last container under /husk was deleted and took
 * the parent along): start again a few times. */
int cg_make_dirs(struct cgroup *cg, const char *mount, bool leaf_may_exist, char **ret_error) {
        char dir[4096];
        for (int tries = 0; tries < 5; tries++) {
                int r = make_dirs_once(cg, mount, leaf_may_exist, ret_error);
                if (r != -ENOENT)
                        return r;
        }
        return json_errorf(ret_error, "linux.cgroupsPath: mkdir %s: %s",
                           cg_file_path(dir, sizeof dir, mount, cg->path, NULL), strerror(ENOENT)), -ENOENT;
}

/* rmdir, retrying while the last killed processes leave. */
static int remove_dir(const char *dir, bool retry) {
        for (int i = 0;; i++) {
                if (rmdir(dir) >= 0 || errno == ENOENT)
                        return 0;
                if (!retry || errno != EBUSY || i >= RMDIR_TRIES)
                        return -errno;
                (void) nanosleep(&(struct timespec) { .tv_nsec = 20 * 1000 * 1000 }, NULL);
        }
}

int cg_handle_new(const char *path, struct cgroup **ret) {
        struct cgroup *cg = calloc(1, sizeof *cg);
        if (!cg)
                return -ENOMEM;
        cg->unified_fd = -EBADF;
        cg->path = strdup(path);
        int r = cg->path ? cgroup_layout_detect(&cg->layout) : -ENOMEM;
        if (r < 0) {
                cgroup_free(cg);
                return r;
        }
        *ret = cg;
        return 0;
}

/* Every controller res needs must be served by some hierarchy here: a limit nobody enforces
 * is an error, never a silent no-op. */
int cg_check_served(const struct cgroup_layout *l, const struct oci_resources *res, char **ret_error) {
        const struct oci_cpu *c = &res->cpu;
        const struct {
                bool wanted;
                enum cgroup_ctrl ctrl;
                const char *field;
        } needs[] = {
                { res->has_memory, CG_MEMORY, "linux.resources.memory" },
                { res->has_cpu && (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle ||
                                   c->has_realtime_runtime || c->has_realtime_period),
                  CG_CPU, "linux.resources.cpu" },
                { res->has_cpu && (c->cpus || c->mems), CG_CPUSET, "linux.resources.cpu.cpus" },
                { res->has_pids, CG_PIDS, "linux.resources.pids" },
                { res->has_block_io, CG_BLKIO, "linux.resources.blockIO" },
                { res->n_hugepage_limits > 0, CG_HUGETLB, "linux.resources.hugepageLimits" },
                { res->n_rdma > 0, CG_RDMA, "linux.resources.rdma" },
                { res->n_devices > 0, CG_DEVICES, "linux.resources.devices" },
                { res->has_class_id, CG_NET_CLS, "linux.resources.network.classID" },
                { res->n_net_priorities > 0, CG_NET_PRIO, "linux.resources.network.priorities" },
        };
        for (size_t i = 0; i < ELEMENTSOF(needs); i++)
                if (needs[i].wanted && cgroup_layout_where(l, needs[i].ctrl) == 0)
                        return json_errorf(ret_error, "%s: the %s controller is not available on this host", needs[i].field,
                                           cgroup_ctrl_v2_name(needs[i].ctrl) && l->unified && !l->v1[needs[i].ctrl]
                                                   ? cgroup_ctrl_v2_name(needs[i].ctrl)
                                                   : cgroup_ctrl_to_string(needs[i].ctrl)),
                               -EOPNOTSUPP;
        return 0;
}

int cg_open_unified(struct cgroup *cg) {
        char dir[4096];
        if (!cg->layout.unified)
                return 0;
        cg_file_path(dir, sizeof dir, cg->layout.unified, cg->path, NULL);
        cg->unified_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return cg->unified_fd < 0 ? -errno : 0;
}

int cgroup_create(const char *path, const struct oci_resources *res, struct cgroup **ret, char **ret_error) {
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        const char *h[_CG_MAX + 2];
        char dir[4096];
        int r = cg_handle_new(path, &cg);
        if (r < 0)
                return json_errorf(ret_error, "cgroups: /proc/self/mountinfo: %s", strerror(-r)), r;
        if (cg->layout.version == HUSK_CGROUP_NONE)
                return json_errorf(ret_error, "cgroups: no cgroup filesystem is mounted"), -ENOMEDIUM;
        if (res && (r = cg_check_served(&cg->layout, res, ret_error)) < 0)
                return r;
        hierarchies(&cg->layout, h);
        for (size_t i = 0; h[i] && r >= 0; i++)
                r = cg_make_dirs(cg, h[i], false, ret_error);
        if (r >= 0 && cg->layout.v1[CG_CPUSET])
                r = cg_v1_cpuset_init(cg, cg->layout.v1[CG_CPUSET], ret_error);
        if (r >= 0 && (r = cg_open_unified(cg)) < 0)
                json_errorf(ret_error, "linux.cgroupsPath: %s: %s",
                            cg_file_path(dir, sizeof dir, cg->layout.unified, path, NULL), strerror(-r));
        if (r >= 0 && cg->layout.unified)
                r = cg_v2_enable_controllers(cg, res, ret_error);
        if (r >= 0)
                r = cg_v1_apply(cg, res, ret_error);
        if (r >= 0 && cg->layout.unified)
                r = cg_v2_apply(&cg->layout, cg_file_path(dir, sizeof dir, cg->layout.unified, path, NULL),
                                cg->unified_fd, res, ret_error);
        cg->owned = r >= 0;
        if (r < 0) {
                /* Only what we made: with -EEXIST the leaf is another container's. Nothing ran
                 * in ours yet, so there is nothing to kill. */
                for (size_t n = strv_length(cg->created); n-- > 0;)
                        (void) remove_dir(cg->created[n], false);
                return r;
        }
        *ret = TAKE_PTR(cg);
        return 0;
}

int cgroup_apply(const struct cgroup *cg, const struct oci_resources *res, char **ret_error) {
        char dir[4096];
        int r = cg_check_served(&cg->layout, res, ret_error);
        if (r >= 0 && cg->scope)
                r = cg_systemd_set_properties(cg, res, ret_error);
        if (r >= 0 && cg->layout.unified)
                r = cg_v2_enable_controllers(cg, res, ret_error);
        if (r >= 0)
                r = cg_v1_apply(cg, res, ret_error);
        if (r >= 0 && cg->layout.unified)
                r = cg_v2_apply(&cg->layout, cg_file_path(dir, sizeof dir, cg->layout.unified, cg->path, NULL),
                                cg->unified_fd, res, ret_error);
        return r;
}

int cgroup_open(const char *path, struct cgroup **ret) {
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        const char *h[_CG_MAX + 2];
        char dir[4096];
        int r = cg_handle_new(path, &cg);
        if (r < 0)
                return r;
        hierarchies(&cg->layout, h);
        bool found = false;
        for (size_t i = 0; h[i]; i++)
                found = found || access(cg_file_path(dir, sizeof dir, h[i], path, NULL), F_OK) == 0;
        if (!found)
                return -ENOENT;
        (void) cg_open_unified(cg);
        (void) cg_systemd_adopt(cg);
        cg->owned = true;
        *ret = TAKE_PTR(cg);
        return 0;
}

bool cgroup_needs_enter(const struct cgroup *cg) {
        for (size_t c = 0; c < _CG_MAX; c++)
                if (cg->layout.v1[c])
                        return true;
        return false;
}

int cgroup_enter(const struct cgroup *cg, pid_t pid, bool skip_unified, char **ret_error) {
        const char *h[_CG_MAX + 2];
        char dir[4096], v[16];
        snprintf(v, sizeof v, "%d", (int) pid);
        hierarchies(&cg->layout, h);
        for (size_t i = 0; h[i]; i++) {
                if (skip_unified && h[i] == cg->layout.unified)
                        continue;
                int r = cg_write(cg_file_path(dir, sizeof dir, h[i], cg->path, NULL), "cgroup.procs", v,
                                 "linux.cgroupsPath", ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cgroup_destroy(struct cgroup *cg, char **ret_error) {
        const char *h[_CG_MAX + 2];
        char dir[4096];
        int r = 0;
        if (!cg || !cg->owned)
                return 0;
        (void) cgroup_kill_all(cg, SIGKILL, NULL);
        /* A systemd scope: systemd removes its cgroup when the unit stops (what is left below
         * is then gone already). */
        if (cg->scope && (r = cg_systemd_stop(cg, ret_error)) < 0)
                return r;
        hierarchies(&cg->layout, h);
        for (size_t i = 0; h[i]; i++) {
                int k = remove_dir(cg_file_path(dir, sizeof dir, h[i], cg->path, NULL), true);
                if (k < 0 && r >= 0) {
                        r = k;
                        json_errorf(ret_error, "remove cgroup %s: %s", dir, strerror(-k));
                }
        }
        /* Parents we made, deepest first; another container may live there by now: keep it then. */
        for (size_t n = strv_length(cg->created); n-- > 0;)
                (void) remove_dir(cg->created[n], false);
        /* husk's default parent goes with its last container (others' parents are theirs). */
        if (strncmp(cg->path, DEFAULT_PARENT "/", strlen(DEFAULT_PARENT) + 1) == 0 &&
            !strchr(cg->path + strlen(DEFAULT_PARENT) + 1, '/'))
                for (size_t i = 0; h[i]; i++)
                        (void) remove_dir(cg_file_path(dir, sizeof dir, h[i], DEFAULT_PARENT, NULL), false);
        cg->owned = false;
        return r;
}
