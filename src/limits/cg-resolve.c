/* SPDX-License-Identifier: LGPL-2.1-or-later
 * From mountinfo and /proc/<pid>/cgroup to, per controller, the chain of cgroup directories
 * from the process's cgroup up to the root of the mount that shows it, with the limit files
 * of each level opened once (O_RDONLY, O_CLOEXEC) for cheap pread(2) re-reads.
 *
 * Which mount: the one whose root is a component-wise prefix of the cgroup path and is the
 * shortest (it shows the most ancestors); duplicates and read-only mounts are fine. Mount
 * roots other than "/" (Docker v1 without cgroupns, bind-mounted subtrees) hide ancestors, as
 * does a cgroup namespace; we detect the latter because only a hierarchy's real root lacks
 * cgroup.type (v2, CFTYPE_NOT_ON_ROOT) and has release_agent (v1, CFTYPE_ONLY_ON_ROOT). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "limits-internal.h"

static const char *const controller_names[_CG_CTRL_MAX] = {
        [CG_CTRL_CPU] = "cpu",
        [CG_CTRL_CPUSET] = "cpuset",
        [CG_CTRL_MEMORY] = "memory",
        [CG_CTRL_PIDS] = "pids",
};

static const enum cg_controller file_controller[_CG_FILE_MAX] = {
        [CG_FILE_CPU_QUOTA] = CG_CTRL_CPU,
        [CG_FILE_CPU_PERIOD] = CG_CTRL_CPU,
        [CG_FILE_CPUSET] = CG_CTRL_CPUSET,
        [CG_FILE_MEMORY_MAX] = CG_CTRL_MEMORY,
        [CG_FILE_MEMORY_HIGH] = CG_CTRL_MEMORY,
        [CG_FILE_MEMORY_LOW] = CG_CTRL_MEMORY,
        [CG_FILE_SWAP_MAX] = CG_CTRL_MEMORY,
        [CG_FILE_MEMORY_STAT] = CG_CTRL_MEMORY,
        [CG_FILE_PIDS_MAX] = CG_CTRL_PIDS,
};

/* [0] v1, [1] v2; NULL: that version has no such file. */
static const char *const file_names[2][_CG_FILE_MAX] = {
        {
                [CG_FILE_CPU_QUOTA] = "cpu.cfs_quota_us",
                [CG_FILE_CPU_PERIOD] = "cpu.cfs_period_us",
                [CG_FILE_CPUSET] = "cpuset.effective_cpus",
                [CG_FILE_MEMORY_MAX] = "memory.limit_in_bytes",
                [CG_FILE_SWAP_MAX] = "memory.memsw.limit_in_bytes",
                [CG_FILE_MEMORY_STAT] = "memory.stat",
                [CG_FILE_PIDS_MAX] = "pids.max",
        },
        {
                [CG_FILE_CPU_QUOTA] = "cpu.max",
                [CG_FILE_CPUSET] = "cpuset.cpus.effective",
                [CG_FILE_MEMORY_MAX] = "memory.max",
                [CG_FILE_MEMORY_HIGH] = "memory.high",
                [CG_FILE_MEMORY_LOW] = "memory.low",
                [CG_FILE_SWAP_MAX] = "memory.swap.max",
                [CG_FILE_PIDS_MAX] = "pids.max",
        },
};

bool cg_file_exists_in(enum husk_cgroup_version v, enum cg_file_id f) {
        return (v == HUSK_CGROUP_V1 || v == HUSK_CGROUP_V2) && file_names[v == HUSK_CGROUP_V2][f];
}

static bool leaf_only(enum cg_file_id f) {
        return f == CG_FILE_MEMORY_STAT;
}

/* Files read from the nearest level that has them, the root included: an effective cpuset
 * already folds in the ancestors, and a cgroup without the controller enabled runs on its
 * nearest ancestor's. */
static bool nearest_only(enum cg_file_id f) {
        return f == CG_FILE_CPUSET;
}

static bool controller_wanted(unsigned mask, enum cg_controller c) {
        switch (c) {
        case CG_CTRL_CPU:
        case CG_CTRL_CPUSET:
                return mask & HUSK_LIMITS_CPU;
        case CG_CTRL_MEMORY:
                return mask & HUSK_LIMITS_MEMORY;
        default:
                return mask & HUSK_LIMITS_PIDS;
        }
}

static char *path_join(const char *a, const char *b) {
        char *s;
        size_t n = strlen(a);
        while (n > 0 && a[n - 1] == '/')
                n--;
        while (*b == '/')
                b++;
        if (asprintf(&s, "%.*s%s%s", (int) n, a, *b || n == 0 ? "/" : "", b) < 0)
                return NULL;
        return s;
}

int cg_open_rooted(const struct husk_limits *l, const char *path, int flags) {
        _cleanup_free_ char *p = path_join(l->root ? l->root : "/", path);
        if (!p)
                return -ENOMEM;
        int fd = open(p, flags | O_CLOEXEC | O_NOCTTY);
        return fd < 0 ? -errno : fd;
}

int cg_read_rooted(const struct husk_limits *l, const char *path, char **ret) {
        _cleanup_close_ int fd = cg_open_rooted(l, path, O_RDONLY);
        if (fd < 0)
                return fd;
        return read_full_fd(fd, ret, NULL);
}

static void level_done(struct cg_level *lv) {
        for (size_t f = 0; f < _CG_FILE_MAX; f++) {
                safe_close(lv->files[f].fd);
                free(lv->files[f].path);
        }
        free(lv->dir);
        free(lv->fs_dir);
}

static void chain_done(struct cg_chain *c) {
        for (size_t i = 0; i < c->n_levels; i++)
                level_done(&c->levels[i]);
        free(c->levels);
        free(c->error_path);
        *c = (struct cg_chain) {};
}

void cg_chains_done(struct husk_limits *l) {
        for (size_t c = 0; c < _CG_CTRL_MAX; c++)
                chain_done(&l->chains[c]);
}

static void retire(struct husk_limits *l, char **s) {
        if (*s)
                l->retired[l->n_retired++] = *s;
        *s = NULL;
}

int cg_chains_retire(struct husk_limits *l) {
        size_t n = 0;
        for (size_t c = 0; c < _CG_CTRL_MAX; c++)
                n += 1 + l->chains[c].n_levels * (1 + _CG_FILE_MAX);
        char **r = realloc(l->retired, (l->n_retired + n) * sizeof *r);
        if (!r)
                return -ENOMEM;
        l->retired = r;
        for (size_t c = 0; c < _CG_CTRL_MAX; c++) {
                struct cg_chain *ch = &l->chains[c];
                retire(l, &ch->error_path);
                for (size_t i = 0; i < ch->n_levels; i++) {
                        retire(l, &ch->levels[i].dir);
                        for (size_t f = 0; f < _CG_FILE_MAX; f++)
                                retire(l, &ch->levels[i].files[f].path);
                }
        }
        return 0;
}

static int chain_fail(struct cg_chain *c, int error, const char *path) {
        c->error = error;
        c->error_path = strdup(path);
        return c->error_path ? 0 : -ENOMEM;
}

/* Open the controller's files of one level. A missing file is "no limit here" (the controller
 * is not enabled at this level, or this is the root); a missing directory is an error. */
static int level_open(struct cg_level *lv, enum cg_controller ctrl, enum husk_cgroup_version v,
                      bool leaf, bool hidden, bool root) {
        _cleanup_close_ int dfd = open(lv->fs_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        int dir_error = dfd < 0 ? -errno : 0;

        for (enum cg_file_id f = 0; f < _CG_FILE_MAX; f++) {
                const char *name = file_names[v == HUSK_CGROUP_V2][f];
                if (!name || file_controller[f] != ctrl || (leaf_only(f) && !leaf))
                        continue;
                if (f == CG_FILE_MEMORY_STAT && !hidden)
                        continue;
                /* a hierarchy's root takes no limits (v2 has no such files there, v1 refuses
                 * writes with EINVAL): one pread fewer per re-read */
                if (root && !leaf_only(f) && !nearest_only(f))
                        continue;
                struct cg_file *cf = &lv->files[f];
                if (dir_error < 0) {
                        cf->fd = dir_error;
                } else {
                        cf->fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                        if (cf->fd < 0 && errno == ENOENT && f == CG_FILE_CPUSET && v == HUSK_CGROUP_V1) {
                                name = "cpuset.cpus"; /* kernels before 4.x have no effective_cpus */
                                cf->fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                        }
                        if (cf->fd < 0) {
                                cf->fd = -errno;
                                cf->absent = errno == ENOENT;
                        }
                }
                cf->path = path_join(lv->dir, name);
                if (!cf->path)
                        return -ENOMEM;
        }
        return 0;
}

/* Is dir (the top visible level) the root of its hierarchy? */
static bool is_hierarchy_root(const char *fs_dir, enum husk_cgroup_version v) {
        _cleanup_free_ char *p = path_join(fs_dir, v == HUSK_CGROUP_V2 ? "cgroup.type" : "release_agent");
        if (!p)
                return false;
        bool exists = access(p, F_OK) == 0;
        return v == HUSK_CGROUP_V2 ? !exists : exists;
}

/* Does the process's cgroup directory exist under mount m? */
static bool leaf_reachable(const struct husk_limits *l, const struct cg_mount *m, const char *path) {
        size_t rootlen = strlen(m->root);
        while (rootlen > 0 && m->root[rootlen - 1] == '/')
                rootlen--;
        _cleanup_free_ char *dir = path_join(m->mount_point, path + rootlen);
        _cleanup_free_ char *fs = dir && l->fs_root ? path_join(l->fs_root, dir) : NULL;
        const char *p = l->fs_root ? fs : dir;
        return p && access(p, F_OK) == 0;
}

/* Of the mounts showing path, the one with the shortest root (the most ancestors); among
 * equals the first. A mount whose directory for path is not there (overmounted, stale) only
 * counts when no other shows it. */
static const struct cg_mount *pick_mount(const struct husk_limits *l, const struct cg_mount_table *t,
                                         enum husk_cgroup_version v, const char *controller, const char *path) {
        const struct cg_mount *best = NULL, *best_reachable = NULL;
        for (size_t i = 0; i < t->n; i++) {
                const struct cg_mount *m = &t->mounts[i];
                if (strcmp(m->fstype, v == HUSK_CGROUP_V2 ? "cgroup2" : "cgroup") != 0)
                        continue;
                if (v == HUSK_CGROUP_V1 && !cg_list_has(m->super_options, controller))
                        continue;
                if (!cg_path_has_prefix(path, m->root))
                        continue;
                if (!best || strlen(m->root) < strlen(best->root))
                        best = m;
                if ((!best_reachable || strlen(m->root) < strlen(best_reachable->root)) &&
                    leaf_reachable(l, m, path))
                        best_reachable = m;
        }
        return best_reachable ? best_reachable : best;
}

static bool any_mount(const struct cg_mount_table *t, enum husk_cgroup_version v, const char *controller) {
        for (size_t i = 0; i < t->n; i++) {
                const struct cg_mount *m = &t->mounts[i];
                if (v == HUSK_CGROUP_V2 && strcmp(m->fstype, "cgroup2") == 0)
                        return true;
                if (v == HUSK_CGROUP_V1 && strcmp(m->fstype, "cgroup") == 0 &&
                    (!controller || cg_list_has(m->super_options, controller)))
                        return true;
        }
        return false;
}

/* The directories from path (a cgroup path) up to the mount's root, leaf first. */
static int chain_build(const struct husk_limits *l, struct cg_chain *c, enum cg_controller ctrl,
                       const struct cg_mount *m, const char *path) {
        size_t rootlen = strlen(m->root);
        while (rootlen > 0 && m->root[rootlen - 1] == '/')
                rootlen--;
        _cleanup_free_ char *rel = strdup(path + rootlen);
        if (!rel)
                return -ENOMEM;
        size_t n = 1;
        for (const char *p = rel; *p; p++)
                n += *p == '/' && p[1] && p[1] != '/';
        c->levels = calloc(n, sizeof *c->levels);
        if (!c->levels)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                for (size_t f = 0; f < _CG_FILE_MAX; f++)
                        c->levels[i].files[f].fd = -EBADF;
        for (size_t i = 0; i < n; i++) {
                struct cg_level *lv = &c->levels[i];
                c->n_levels = i + 1;
                lv->dir = path_join(m->mount_point, rel);
                lv->fs_dir = l->fs_root ? path_join(l->fs_root, lv->dir) : strdup(lv->dir ? lv->dir : "");
                if (!lv->dir || !lv->fs_dir)
                        return -ENOMEM;
                char *slash = strrchr(rel, '/');
                if (slash)
                        *slash = '\0';
        }
        c->hidden = rootlen > 0 || !is_hierarchy_root(c->levels[n - 1].fs_dir, c->version);
        /* at the root, "no limit" needs the controller to exist: v1 mounted it, v2 lists it */
        c->reaches_root = !c->hidden;
        if (c->reaches_root && c->version == HUSK_CGROUP_V2) {
                _cleanup_free_ char *p = path_join(c->levels[n - 1].fs_dir, "cgroup.controllers"), *text = NULL;
                if (!p)
                        return -ENOMEM;
                c->reaches_root = read_one_line_at(AT_FDCWD, p, &text) >= 0 &&
                                  cg_list_has_word(text, controller_names[ctrl]);
        }
        for (size_t i = 0; i < n; i++) {
                int r = level_open(&c->levels[i], ctrl, c->version, i == 0, c->hidden,
                                   i == n - 1 && c->reaches_root);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool has_dotdot(const char *path) {
        for (const char *p = strstr(path, "/.."); p; p = strstr(p + 1, "/.."))
                if (p[3] == '/' || p[3] == '\0')
                        return true;
        return false;
}

static int chain_resolve(const struct husk_limits *l, struct cg_chain *c, enum cg_controller ctrl,
                         const struct cg_mount_table *t, const struct cg_membership *mb) {
        const char *name = controller_names[ctrl];
        const char *path = cg_membership_v1_path(mb, name);
        if (any_mount(t, HUSK_CGROUP_V1, name)) {
                c->version = HUSK_CGROUP_V1;
                if (!path)
                        return chain_fail(c, -ENOENT, name);
        } else if (mb->v2_path && any_mount(t, HUSK_CGROUP_V2, NULL)) {
                c->version = HUSK_CGROUP_V2;
                path = mb->v2_path;
        } else {
                c->version = HUSK_CGROUP_NONE;
                return 0;
        }
        /* a cgroup outside our cgroup namespace shows as "/../x" (cgroup_path_ns()) */
        const struct cg_mount *m = has_dotdot(path) ? NULL : pick_mount(l, t, c->version, name, path);
        if (!m) /* outside every mount, or outside our namespace */
                return chain_fail(c, -ENOENT, path);
        return chain_build(l, c, ctrl, m, path);
}

static enum husk_cgroup_version version_of(const struct cg_mount_table *t) {
        bool v1 = any_mount(t, HUSK_CGROUP_V1, NULL), v2 = any_mount(t, HUSK_CGROUP_V2, NULL);
        return v1 && v2 ? HUSK_CGROUP_HYBRID : v1 ? HUSK_CGROUP_V1 : v2 ? HUSK_CGROUP_V2 : HUSK_CGROUP_NONE;
}

int cg_resolve(struct husk_limits *l) {
        char p[128];
        _cleanup_free_ char *mountinfo = NULL, *cgroup = NULL;
        int r;

        snprintf(p, sizeof p, "%s/mountinfo", l->proc_dir);
        r = cg_read_rooted(l, p, &mountinfo);
        if (r < 0)
                return r;
        snprintf(p, sizeof p, "%s/cgroup", l->proc_dir);
        r = cg_read_rooted(l, p, &cgroup);
        if (r == -ENOENT) /* a kernel without CONFIG_CGROUPS: no cgroup, not an error */
                r = (cgroup = strdup("")) ? 0 : -ENOMEM;
        if (r < 0)
                return r;

        struct cg_mount_table t = {};
        struct cg_membership mb = {};
        r = cg_mount_table_parse(mountinfo, &t);
        if (r >= 0)
                r = cg_membership_parse(cgroup, &mb);
        if (r >= 0) {
                l->version = version_of(&t);
                for (enum cg_controller c = 0; c < _CG_CTRL_MAX && r >= 0; c++)
                        if (controller_wanted(l->mask, c))
                                r = chain_resolve(l, &l->chains[c], c, &t, &mb);
        }
        cg_mount_table_done(&t);
        cg_membership_done(&mb);
        if (r < 0) {
                cg_chains_done(l);
                return r;
        }
        free(l->cgroup_text);
        l->cgroup_text = TAKE_PTR(cgroup);
        return 0;
}
