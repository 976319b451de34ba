/* SPDX-License-Identifier: GPL-2.0-or-later
 * Which cgroup hierarchies this host mounts, and where (the same model libhusk uses: its
 * mountinfo parser, src/limits/cg-mountinfo.c), the manager names, and linux.cgroupsPath. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "limits/limits-internal.h"

static const char *const ctrl_names[_CG_MAX] = {
        [CG_CPU] = "cpu",         [CG_CPUACCT] = "cpuacct",   [CG_CPUSET] = "cpuset",
        [CG_MEMORY] = "memory",   [CG_DEVICES] = "devices",   [CG_FREEZER] = "freezer",
        [CG_BLKIO] = "blkio",     [CG_PIDS] = "pids",         [CG_HUGETLB] = "hugetlb",
        [CG_NET_CLS] = "net_cls", [CG_NET_PRIO] = "net_prio", [CG_PERF_EVENT] = "perf_event",
        [CG_RDMA] = "rdma",       [CG_MISC] = "misc",
};

/* v2 has no devices/freezer controller (eBPF and cgroup.freeze are core), no cpuacct (part of
 * cpu), no net_cls/net_prio. */
static const char *const ctrl_v2_names[_CG_MAX] = {
        [CG_CPU] = "cpu",       [CG_CPUSET] = "cpuset", [CG_MEMORY] = "memory",
        [CG_BLKIO] = "io",      [CG_PIDS] = "pids",     [CG_HUGETLB] = "hugetlb",
        [CG_PERF_EVENT] = "perf_event", [CG_RDMA] = "rdma", [CG_MISC] = "misc",
};

const char *cgroup_ctrl_to_string(enum cgroup_ctrl c) {
        return c < _CG_MAX ? ctrl_names[c] : NULL;
}

const char *cgroup_ctrl_v2_name(enum cgroup_ctrl c) {
        return c < _CG_MAX ? ctrl_v2_names[c] : NULL;
}

int cgroup_manager_from_string(const char *s, enum cgroup_manager *ret) {
        if (!s || strcmp(s, "cgroupfs") == 0)
                *ret = CGROUP_MANAGER_CGROUPFS;
        else if (strcmp(s, "systemd") == 0)
                *ret = CGROUP_MANAGER_SYSTEMD;
        else if (strcmp(s, "disabled") == 0)
                *ret = CGROUP_MANAGER_DISABLED;
        else
                return -EINVAL;
        return 0;
}

const char *cgroup_manager_to_string(enum cgroup_manager m) {
        return m == CGROUP_MANAGER_SYSTEMD ? "systemd" : m == CGROUP_MANAGER_DISABLED ? "disabled" : "cgroupfs";
}

void cgroup_layout_done(struct cgroup_layout *l) {
        free(l->unified);
        for (size_t c = 0; c < _CG_MAX; c++)
                free(l->v1[c]);
        free(l->v2_controllers);
        *l = (struct cgroup_layout) {};
}

/* Of the mounts matching (fstype, controller), the one showing the most of the hierarchy (the
 * shortest root), the first among equals. */
static const struct cg_mount *best_mount(const struct cg_mount_table *t, const char *fstype, const char *ctrl) {
        const struct cg_mount *best = NULL;
        for (size_t i = 0; i < t->n; i++) {
                const struct cg_mount *m = &t->mounts[i];
                if (strcmp(m->fstype, fstype) != 0 || (ctrl && !cg_list_has(m->super_options, ctrl)))
                        continue;
                if (!best || strlen(m->root) < strlen(best->root))
                        best = m;
        }
        return best;
}

int cgroup_layout_parse(const char *mountinfo, bool read_controllers, struct cgroup_layout *ret) {
        struct cg_mount_table t = {};
        struct cgroup_layout l = {};
        int r = cg_mount_table_parse(mountinfo, &t);
        if (r < 0)
                return r;
        bool any_v1 = false;
        for (size_t c = 0; c < _CG_MAX && r >= 0; c++) {
                const struct cg_mount *m = best_mount(&t, "cgroup", ctrl_names[c]);
                if (!m)
                        continue;
                any_v1 = true;
                if (!(l.v1[c] = strdup(m->mount_point)))
                        r = -ENOMEM;
        }
        const struct cg_mount *u = best_mount(&t, "cgroup2", NULL);
        if (r >= 0 && u && !(l.unified = strdup(u->mount_point)))
                r = -ENOMEM;
        if (r >= 0 && u && read_controllers) {
                char p[4096];
                /* Absent on a read-only or foreign mount: no v2 controllers then. */
                (void) read_one_line_at(AT_FDCWD, cg_file_path(p, sizeof p, u->mount_point, "/", "cgroup.controllers"),
                                        &l.v2_controllers);
        }
        cg_mount_table_done(&t);
        if (r < 0) {
                cgroup_layout_done(&l);
                return r;
        }
        l.version = any_v1 && u ? HUSK_CGROUP_HYBRID : any_v1 ? HUSK_CGROUP_V1 : u ? HUSK_CGROUP_V2 : HUSK_CGROUP_NONE;
        *ret = l;
        return 0;
}

int cgroup_layout_detect(struct cgroup_layout *ret) {
        _cleanup_free_ char *text = NULL;
        int r = read_full_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL);
        if (r < 0)
                return r;
        return cgroup_layout_parse(text, true, ret);
}

int cgroup_layout_where(const struct cgroup_layout *l, enum cgroup_ctrl c) {
        if (l->v1[c])
                return 1;
        const char *v2 = ctrl_v2_names[c];
        if (l->unified && v2 && l->v2_controllers && cg_list_has_word(l->v2_controllers, v2))
                return 2;
        /* devices and freezer are built into cgroup2 */
        if (l->unified && (c == CG_DEVICES || c == CG_FREEZER))
                return 2;
        return 0;
}

const char *cg_file_path(char *buf, size_t n, const char *mount, const char *path, const char *file) {
        size_t m = strlen(mount);
        while (m > 0 && mount[m - 1] == '/')
                m--;
        while (*path == '/')
                path++;
        snprintf(buf, n, "%.*s%s%s%s%s", (int) m, mount, *path ? "/" : "", path, file ? "/" : "", file ? file : "");
        return buf;
}

int cgroup_path_resolve(const char *cgroups_path, const char *id, char **ret, char **ret_error) {
        _cleanup_free_ char *p = NULL;
        if (!cgroups_path || !*cgroups_path) {
                if (asprintf(&p, "/husk/%s", id) < 0)
                        return -ENOMEM;
                *ret = TAKE_PTR(p);
                return 0;
        }
        if (cgroups_path[0] != '/' && strchr(cgroups_path, ':'))
                return json_errorf(ret_error, "linux.cgroupsPath: '%s' is systemd's \"slice:prefix:name\" form, "
                                   "which needs --cgroup-manager systemd", cgroups_path);
        if (asprintf(&p, "%s%s", cgroups_path[0] == '/' ? "" : "/", cgroups_path) < 0)
                return -ENOMEM;
        size_t len = strlen(p);
        while (len > 1 && p[len - 1] == '/')
                p[--len] = '\0';
        if (strcmp(p, "/") == 0)
                return json_errorf(ret_error, "linux.cgroupsPath: '%s' names the root cgroup", cgroups_path);
        for (const char *c = p + 1; *c;) {
                size_t k = strcspn(c, "/");
                if (k == 0 || (k == 1 && c[0] == '.') || (k == 2 && c[0] == '.' && c[1] == '.'))
                        return json_errorf(ret_error, "linux.cgroupsPath: '%s': empty, '.' or '..' component",
                                           cgroups_path);
                c += k + (c[k] == '/');
        }
        *ret = TAKE_PTR(p);
        return 0;
}

int cg_read(const char *dir, const char *file, char **ret) {
        char p[4096];
        return read_full_file_at(AT_FDCWD, cg_file_path(p, sizeof p, dir, "", file), ret, NULL);
}

int cg_write(const char *dir, const char *file, const char *value, const char *field, char **ret_error) {
        char p[4096];
        cg_file_path(p, sizeof p, dir, "", file);
        int r = write_string_file_at(AT_FDCWD, p, value);
        if (r == -ENOENT)
                return json_errorf(ret_error, "%s: %s does not exist (controller not available here)",
                                   field, p), r;
        if (r < 0)
                return json_errorf(ret_error, "%s: write '%s' to %s: %s", field, value, p, strerror(-r)), r;
        return 0;
}

int cg_writef(const char *dir, const char *file, const char *field, char **ret_error, const char *fmt, ...) {
        _cleanup_free_ char *v = NULL;
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&v, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        return cg_write(dir, file, v, field, ret_error);
}

/* A unit name part: no '/', not empty (systemd's unit_name_is_valid is stricter; the manager
 * would refuse the rest with its own message). */
static bool name_part_ok(const char *s, size_t n) {
        return n > 0 && !memchr(s, '/', n);
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" (the root slice) -> "". */
static int expand_slice(const char *slice, char **ret) {
        size_t n = strlen(slice) - strlen(".slice");
        if (strcmp(slice, "-.slice") == 0)
                return (*ret = strdup("")) ? 0 : -ENOMEM;
        if (slice[0] == '-' || slice[n - 1] == '-' || strstr(slice, "--"))
                return -EINVAL;
        _cleanup_free_ char *out = calloc(1, 2 * strlen(slice) * strlen(slice) + 16);
        if (!out)
                return -ENOMEM;
        size_t pos = 0;
        for (size_t i = 0; i <= n; i++)
                if (i == n || slice[i] == '-')
                        pos += (size_t) sprintf(out + pos, "/%.*s.slice", (int) i, slice);
        *ret = TAKE_PTR(out);
        return 0;
}

int cgroup_systemd_path_parse(const char *cgroups_path, const char *id, char **ret_slice, char **ret_unit,
                              char **ret_path, char **ret_error) {
        _cleanup_free_ char *slice = NULL, *unit = NULL, *dir = NULL, *path = NULL;
        const char *p = cgroups_path && *cgroups_path ? cgroups_path : NULL;
        const char *c1 = p ? strchr(p, ':') : NULL, *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (p && (!c2 || strchr(c2 + 1, ':')))
                return json_errorf(ret_error, "linux.cgroupsPath: '%s' is not systemd's \"slice:prefix:name\" form",
                                   cgroups_path);
        const char *s = p ? p : "", *prefix = p ? c1 + 1 : "husk", *name = p ? c2 + 1 : id;
        size_t ns = p ? (size_t) (c1 - p) : 0, np = p ? (size_t) (c2 - c1 - 1) : strlen(prefix);
        if (!name_part_ok(name, strlen(name)) || (ns && !name_part_ok(s, ns)) || (np && !name_part_ok(prefix, np)))
                return json_errorf(ret_error, "linux.cgroupsPath: '%s': empty name, or a '/' in a part",
                                   cgroups_path), -EINVAL;
        slice = ns ? strndup(s, ns) : strdup("system.slice");
        if (!slice)
                return -ENOMEM;
        size_t sl = strlen(slice), nl = strlen(name);
        if (sl <= 6 || strcmp(slice + sl - 6, ".slice") != 0)
                return json_errorf(ret_error, "linux.cgroupsPath: slice '%s' must end in \".slice\"", slice);
        if (nl > 6 && strcmp(name + nl - 6, ".slice") == 0)
                unit = strdup(name);
        else if (np > 0 ? asprintf(&unit, "%.*s-%s.scope", (int) np, prefix, name) < 0
                        : asprintf(&unit, "%s.scope", name) < 0)
                unit = NULL;
        if (!unit)
                return -ENOMEM;
        int r = expand_slice(slice, &dir);
        if (r == -EINVAL)
                return json_errorf(ret_error, "linux.cgroupsPath: slice '%s': a '-' at an end or doubled", slice);
        if (r < 0)
                return r;
        if (asprintf(&path, "%s/%s", dir, unit) < 0)
                return -ENOMEM;
        *ret_slice = TAKE_PTR(slice);
        *ret_unit = TAKE_PTR(unit);
        *ret_path = TAKE_PTR(path);
        return 0;
}
