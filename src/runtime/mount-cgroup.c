/* SPDX-License-Identifier: GPL-2.0-or-later
 * mounts[] entries of type "cgroup" / "cgroup2".
 *
 * Unified host (or type "cgroup2"): mount a cgroup2 filesystem; when the kernel refuses (EPERM or
 * EBUSY: a user namespace without a cgroup namespace), bind the host's /sys/fs/cgroup instead, as
 * runc 1.1 does (libcontainer/rootfs_linux.go mountCgroupV2).
 * v1 or hybrid host with type "cgroup": runc's emulation (mountCgroupV1): a tmpfs, in it one
 * directory per hierarchy with the container's own cgroup of that hierarchy bound onto it, and
 * symlinks for co-mounted controllers ("cpu" -> "cpu,cpuacct"). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fileio.h"
#include "mount-internal.h"
#include "mountinfo.h"
#include "paths.h"
#include "spec.h"
#include "strv.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* Run mnt_apply on a derived entry (same index in messages). */
static int apply_derived(const struct mnt_ctx *c, const char *dest, const char *type,
                         const char *source, char **options, size_t index, char **ret_error) {
        struct oci_mount d = {
                .destination = (char *) dest,
                .type = (char *) type,
                .source = (char *) source,
                .options = options,
        };

        return mnt_apply_internal(c, &d, index, true, ret_error);
}

/* The options of m with the bind/propagation ones of a derived mount prepended. */
static int derived_options(const struct oci_mount *m, const char *first, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        if (first && strv_extend(&l, first) < 0)
                return -ENOMEM;
        for (char **p = m->options; p && *p; p++)
                if (strv_extend(&l, *p) < 0)
                        return -ENOMEM;
        if (!l && strv_extend(&l, "defaults") < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

static int cgroup2_apply(const struct mnt_ctx *c, const struct oci_mount *m, size_t index,
                         char **ret_error) {
        _cleanup_strv_free_ char **opts = NULL;
        _cleanup_free_ char *err = NULL;
        int r;

        r = derived_options(m, NULL, &opts);
        if (r < 0)
                return r;
        r = apply_derived(c, m->destination, "cgroup2", "cgroup2", opts, index, &err);
        if (r != -EPERM && r != -EBUSY) {
                if (r < 0 && ret_error && !*ret_error)
                        *ret_error = TAKE_PTR(err);
                return r;
        }
        strv_free(opts);
        opts = NULL;
        r = derived_options(m, "rbind", &opts);
        if (r < 0)
                return r;
        return apply_derived(c, m->destination, "bind", CGROUP_ROOT, opts, index, ret_error);
}

struct v1_ctx {
        const struct mnt_ctx *c;
        const struct oci_mount *m;
        size_t index;
        char *own;           /* /proc/self/cgroup */
        char **ret_error;
};

/* The container's (our) cgroup path in the hierarchy whose superblock options are superopts
 * (cgroup v1: the controllers or name=...; cgroup2: the "0::" line). */
static const char *own_path(char *own, const char *fstype, const char *superopts, char *buf, size_t n) {
        _cleanup_free_ char *copy = strdup(own);
        char *save = NULL;

        if (!copy)
                return NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *ctrls = strchr(line, ':'), *path, *tok, *s2 = NULL;
                bool all = true;

                if (!ctrls || !(path = strchr(++ctrls, ':')))
                        continue;
                *path++ = '\0';
                if (strcmp(fstype, "cgroup2") == 0) {
                        if (*ctrls)
                                continue;
                } else {
                        if (!*ctrls)
                                continue;
                        for (tok = strtok_r(ctrls, ",", &s2); tok; tok = strtok_r(NULL, ",", &s2)) {
                                size_t l = strlen(tok);
                                const char *hit = strstr(superopts, tok);

                                if (!hit || (hit != superopts && hit[-1] != ',') ||
                                    (hit[l] != ',' && hit[l] != '\0'))
                                        all = false;
                        }
                        if (!all)
                                continue;
                }
                snprintf(buf, n, "%s", path);
                return buf;
        }
        return NULL;
}

/* The options of m plus, for a v1 hierarchy, its controllers and name= from the host mount's
 * superblock options ("rw,cpu,cpuacct" -> "cpu", "cpuacct"), which a new mount must repeat. */
static int fresh_options(const struct oci_mount *m, const struct mountinfo_entry *e, char ***ret) {
        static const char *const generic[] = { "rw", "ro", "xattr", "noprefix", "clone_children",
                                               "cpuset_v2_mode", "favordynmods", "nsdelegate",
                                               "memory_recursiveprot", "memory_localevents" };
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *copy = strdup(e->superopts);
        char *save = NULL;
        int r;

        if (!copy)
                return -ENOMEM;
        r = derived_options(m, NULL, &l);
        if (r < 0)
                return r;
        if (strcmp(e->fstype, "cgroup") == 0)
                for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                        bool skip = strchr(t, '=') && !startswith(t, "name=");

                        for (size_t i = 0; i < ELEMENTSOF(generic) && !skip; i++)
                                skip = strcmp(t, generic[i]) == 0;
                        if (!skip && strv_extend(&l, t) < 0)
                                return -ENOMEM;
                }
        *ret = TAKE_PTR(l);
        return 0;
}

/* One hierarchy at <destination>/<basename>: a bind of <mountpoint>/<own cgroup>, or in a cgroup
 * namespace a new mount of the hierarchy. */
static int v1_hierarchy(const struct mountinfo_entry *e, void *userdata) {
        struct v1_ctx *v = userdata;
        _cleanup_free_ char *src = NULL, *dest = NULL;
        _cleanup_strv_free_ char **opts = NULL;
        const char *base, *rel;
        char own[4096];
        int r;

        if ((strcmp(e->fstype, "cgroup") != 0 && strcmp(e->fstype, "cgroup2") != 0) ||
            !path_is_below(e->mountpoint, CGROUP_ROOT) || strcmp(e->mountpoint, CGROUP_ROOT) == 0)
                return 0;
        base = strrchr(e->mountpoint, '/') + 1;
        if (asprintf(&dest, "%s/%s", v->m->destination, base) < 0)
                return -ENOMEM;
        if (path_is_below(e->root, "/..")) {
                /* We are in a cgroup namespace and the host's mount is rooted above it: a bind
                 * would show the host's whole tree. A new mount of the hierarchy is rooted at
                 * our namespace's root instead (crun do_mount_cgroup_v1). */
                r = fresh_options(v->m, e, &opts);
                if (r < 0)
                        return r;
                r = apply_derived(v->c, dest, e->fstype, "cgroup", opts, v->index, v->ret_error);
        } else {
                rel = own_path(v->own, e->fstype, e->superopts, own, sizeof(own));
                if (!rel)
                        return 0;
                /* The host's mount is rooted at a subdirectory (we run in a container). */
                if (strcmp(e->root, "/") != 0 && path_is_below(rel, e->root))
                        rel += strlen(e->root);
                if (asprintf(&src, "%s%s", e->mountpoint, rel) < 0)
                        return -ENOMEM;
                r = derived_options(v->m, "rbind", &opts);
                if (r < 0)
                        return r;
                r = apply_derived(v->c, dest, "bind", src, opts, v->index, v->ret_error);
        }
        if (r < 0)
                return r;

        if (strchr(base, ',')) {
                _cleanup_close_ int dir = -EBADF;
                _cleanup_free_ char *names = strdup(base);
                char *save = NULL;

                if (!names)
                        return -ENOMEM;
                r = path_open_in_root(v->c->root_fd, v->m->destination, 0, &dir);
                if (r < 0)
                        return mnt_errorf(v->ret_error, r, "mounts[%zu] (%s): open", v->index,
                                          v->m->destination);
                for (char *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save))
                        if (symlinkat(base, dir, t) < 0 && errno != EEXIST)
                                return mnt_errorf(v->ret_error, -errno, "mounts[%zu] (%s): symlink %s",
                                                  v->index, v->m->destination, t);
        }
        return 0;
}

static int v1_apply(const struct mnt_ctx *c, const struct oci_mount *m, size_t index,
                    const struct mnt_options *o, char **ret_error) {
        char *tmpfs_opts[] = { "nosuid", "nodev", "noexec", "mode=755", NULL };
        struct v1_ctx v = { .c = c, .m = m, .index = index, .ret_error = ret_error };
        _cleanup_close_ int top = -EBADF;
        int r;

        r = apply_derived(c, m->destination, "tmpfs", "tmpfs", tmpfs_opts, index, ret_error);
        if (r < 0)
                return r;
        r = read_full_file_at(AT_FDCWD, "/proc/self/cgroup", &v.own, NULL);
        if (r < 0)
                return mnt_errorf(ret_error, r, "mounts[%zu] (%s): read /proc/self/cgroup", index,
                                  m->destination);
        r = mountinfo_foreach(v1_hierarchy, &v);
        free(v.own);
        if (r < 0)
                return mnt_errorf(ret_error, r, "mounts[%zu] (%s): cgroup hierarchies", index,
                                  m->destination);
        if (!(o->flags & MS_RDONLY))
                return 0;
        r = path_open_in_root(c->root_fd, m->destination, PATH_NOFOLLOW_LAST, &top);
        if (r >= 0)
                r = mnt_set_readonly(top);
        if (r < 0)
                return mnt_errorf(ret_error, r, "mounts[%zu] (%s): remount read-only", index,
                                  m->destination);
        return 0;
}

int mnt_cgroup_apply(const struct mnt_ctx *c, const struct oci_mount *m, size_t index,
                     const struct mnt_options *o, char **ret_error) {
        struct statfs sf;

        if (strcmp(m->type, "cgroup2") == 0 ||
            (statfs(CGROUP_ROOT, &sf) >= 0 && sf.f_type == CGROUP2_SUPER_MAGIC))
                return cgroup2_apply(c, m, index, ret_error);
        return v1_apply(c, m, index, o, ret_error);
}
