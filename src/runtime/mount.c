/* SPDX-License-Identifier: GPL-2.0-or-later
 * One mounts[] entry into the rootfs, and fd-based mount primitives.
 *
 * Order of a mount, as runc 1.1 (libcontainer/rootfs_linux.go mountToRootfs) and crun 1.8
 * (linux.c do_mounts): resolve and create the destination inside the rootfs, mount onto the
 * resulting fd, re-resolve the new mount's root, then remount a bind with its flags (a bind
 * ignores them), apply propagation options in order, then the recursive attributes with
 * mount_setattr(2) AT_RECURSIVE. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "mount-internal.h"
#include "mount-options.h"
#include "mount.h"
#include "paths.h"
#include "spec.h"

int mnt_errorf(char **ret_error, int r, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int k;

        if (ret_error && !*ret_error) {
                va_start(ap, fmt);
                k = vasprintf(&msg, fmt, ap);
                va_end(ap);
                if (k >= 0) {
                        if (r < 0) {
                                if (asprintf(ret_error, "%s: %s", msg, strerror(-r)) < 0)
                                        *ret_error = NULL;
                        } else
                                *ret_error = TAKE_PTR(msg);
                }
        }
        return r < 0 ? r : -EINVAL;
}

int mnt_bind_fd(int src_fd, int dst_fd, bool recursive) {
        _cleanup_close_ int tree = -EBADF;
        char s[32], d[32];

        tree = open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                         (recursive ? AT_RECURSIVE : 0));
        if (tree >= 0) {
                if (move_mount(tree, "", dst_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                        return -errno;
                return 0;
        }
        if (errno != ENOSYS)
                return -errno;
        if (mount(path_procfd(s, sizeof(s), src_fd), path_procfd(d, sizeof(d), dst_fd), NULL,
                  MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
                return -errno;
        return 0;
}

int mnt_bind_path(const char *src, int dst_fd, bool recursive) {
        _cleanup_close_ int fd = open(src, O_PATH | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        return mnt_bind_fd(fd, dst_fd, recursive);
}

int mnt_mount_fd(const char *source, const char *type, unsigned long flags, const char *data,
                 int dst_fd) {
        char d[32];

        if (mount(source, path_procfd(d, sizeof(d), dst_fd), type, flags, data) < 0)
                return -errno;
        return 0;
}

int mnt_remount_bind(int fd, unsigned long flags) {
        unsigned long f = (flags & ~(MS_REC | MS_BIND | MS_REMOUNT)) | MS_REMOUNT | MS_BIND;
        unsigned long locked;
        struct statvfs st;
        char p[32];

        path_procfd(p, sizeof(p), fd);
        if (mount(NULL, p, NULL, f, NULL) >= 0)
                return 0;
        if (errno != EPERM)
                return -errno;
        /* statvfs f_flag uses the MS_* values for these bits (ST_RDONLY == MS_RDONLY, ...). */
        if (statvfs(p, &st) < 0)
                return -errno;
        locked = st.f_flag & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
        if (!(f & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME | MS_NODIRATIME)))
                locked |= st.f_flag & (MS_NOATIME | MS_RELATIME | MS_NODIRATIME);
        if ((f | locked) == f)
                return -EPERM;
        if (mount(NULL, p, NULL, f | locked, NULL) < 0)
                return -errno;
        return 0;
}

int mnt_set_readonly(int fd) {
        struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
        struct statvfs st;
        char p[32];

        if (mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) >= 0)
                return 0;
        if (errno != ENOSYS)
                return -errno;
        if (statvfs(path_procfd(p, sizeof(p), fd), &st) < 0)
                return -errno;
        return mnt_remount_bind(fd, (st.f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
                                                  MS_NODIRATIME | MS_RELATIME)) | MS_RDONLY);
}

int mnt_make_readonly_tree(int fd) {
        struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
        _cleanup_close_ int tree = -EBADF;

        tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
        if (tree < 0)
                return -errno;
        if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
                return -errno;
        if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

int mnt_mount_tmpfs_ro(int fd) {
        _cleanup_close_ int fs = -EBADF, mnt = -EBADF;

        fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
        if (fs < 0) {
                if (errno != ENOSYS)
                        return -errno;
                return mnt_mount_fd("tmpfs", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                    NULL, fd);
        }
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        mnt = fsmount(fs, FSMOUNT_CLOEXEC,
                      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        if (mnt < 0)
                return -errno;
        if (move_mount(mnt, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

int mnt_set_propagation(int fd, unsigned long flags) {
        char p[32];

        if (mount(NULL, path_procfd(p, sizeof(p), fd), NULL, flags, NULL) < 0)
                return -errno;
        return 0;
}

/* lxcfs-style files that may be mounted over their /proc counterparts (runc checkProcMount). */
static const char *const proc_allowed[] = {
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
        "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
        "/proc/sys/kernel/ns_last_pid",
};

/* May something be mounted at rel (the resolved destination inside the rootfs)? Nothing but a
 * procfs goes on /proc itself, and only the files above below it. */
static bool proc_dest_allowed(const char *rel, const char *type, const char *bind_source) {
        struct statfs sf;

        if (!path_is_below(rel, "/proc"))
                return true;
        if (strcmp(rel, "/proc") == 0) {
                if (!bind_source)
                        return type && strcmp(type, "proc") == 0;
                return statfs(bind_source, &sf) >= 0 && sf.f_type == PROC_SUPER_MAGIC;
        }
        for (size_t i = 0; i < ELEMENTSOF(proc_allowed); i++)
                if (strcmp(rel, proc_allowed[i]) == 0)
                        return true;
        return false;
}

struct mnt_job {
        const struct mnt_ctx *c;
        const struct oci_mount *m;
        size_t index;
        struct mnt_options o;
        char *dest;       /* normalised destination */
        char *rel;        /* destination as resolved inside the rootfs */
        char **err;
};

#define JOB_ERR(j, r, fmt, ...) \
        mnt_errorf((j)->err, (r), "mounts[%zu] (%s): " fmt, (j)->index, (j)->m->destination, ##__VA_ARGS__)

/* Resolve (and create) the destination, record where it landed and check it against /proc. */
static int job_open_dest(struct mnt_job *j, int flags, const char *bind_source, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = path_open_in_root(j->c->root_fd, j->dest, flags, &fd);
        if (r < 0)
                return JOB_ERR(j, r, "destination");
        r = path_fd_relative_to(fd, j->c->rootfs, &j->rel);
        if (r < 0)
                return JOB_ERR(j, r, "destination");
        if (!proc_dest_allowed(j->rel, j->m->type, bind_source)) {
                if (strcmp(j->rel, "/proc") == 0)
                        return JOB_ERR(j, -EPERM, "only a procfs may be mounted on /proc");
                return JOB_ERR(j, -EPERM, "%s cannot be mounted inside /proc", j->rel);
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* The root of the mount just made on the destination (the fd we mounted on still refers to the
 * directory underneath). Not following a last symlink: nothing may have been swapped in. */
static int job_open_top(struct mnt_job *j, int *ret_fd) {
        int r = path_open_in_root(j->c->root_fd, j->rel, PATH_NOFOLLOW_LAST, ret_fd);

        if (r < 0)
                return JOB_ERR(j, r, "reopen %s", j->rel);
        return 0;
}

/* Propagation options in order, then the recursive attributes. */
static int job_finish(struct mnt_job *j, int top) {
        int r;

        for (unsigned i = 0; i < j->o.n_propagation; i++) {
                r = mnt_set_propagation(top, j->o.propagation[i]);
                if (r < 0)
                        return JOB_ERR(j, r, "set propagation");
        }
        if (j->o.attr_set || j->o.attr_clr) {
                struct mount_attr a = { .attr_set = j->o.attr_set, .attr_clr = j->o.attr_clr };

                if (mount_setattr(top, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
                        return JOB_ERR(j, -errno, "mount_setattr (recursive options)");
        }
        return 0;
}

/* Idmapped bind: clone the source tree, give it the mapping, attach it (runc 1.2, crun 1.8). */
static int job_bind_idmapped(struct mnt_job *j, const char *src, int dst) {
        const struct mnt_ctx *c = j->c;
        const struct oci_mount *m = j->m;
        _cleanup_close_ int tree = -EBADF, userns = -EBADF;
        struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP };
        bool own = m->n_uid_mappings > 0 || m->n_gid_mappings > 0;
        int r;

        r = mnt_userns_fd(own ? m->uid_mappings : c->uid_mappings,
                          own ? m->n_uid_mappings : c->n_uid_mappings,
                          own ? m->gid_mappings : c->gid_mappings,
                          own ? m->n_gid_mappings : c->n_gid_mappings, &userns);
        if (r < 0)
                return JOB_ERR(j, r, "idmap user namespace");
        a.userns_fd = (uint64_t) userns;

        tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                         ((j->o.flags & MS_REC) ? AT_RECURSIVE : 0));
        if (tree < 0)
                return JOB_ERR(j, -errno, "open_tree %s", src);
        if (mount_setattr(tree, "", AT_EMPTY_PATH | (j->o.ridmap ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
                return JOB_ERR(j, -errno, "idmap %s", src);
        if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return JOB_ERR(j, -errno, "mount bind %s", src);
        return 0;
}

/* A bind mount: source from the host (relative to the bundle), destination a directory or file like
 * the source, then a remount for the flags a bind ignores. */
static int job_bind(struct mnt_job *j) {
        const struct oci_mount *m = j->m;
        _cleanup_free_ char *src = NULL;
        _cleanup_close_ int dst = -EBADF, top = -EBADF;
        unsigned long extra = j->o.flags & ~(MS_REC | MS_BIND | MS_REMOUNT);
        struct stat st;
        int r;

        if (!m->source || !*m->source)
                return JOB_ERR(j, 0, "bind mount needs a source");
        if (m->source[0] != '/' && j->c->bundle) {
                if (asprintf(&src, "%s/%s", j->c->bundle, m->source) < 0)
                        return -ENOMEM;
        } else if (!(src = strdup(m->source)))
                return -ENOMEM;
        if (stat(src, &st) < 0)
                return JOB_ERR(j, -errno, "mount bind %s", src);

        r = job_open_dest(j, PATH_MKDIR | (S_ISDIR(st.st_mode) ? 0 : PATH_MKFILE_LAST), src, &dst);
        if (r < 0)
                return r;
        if (j->o.idmap || j->o.ridmap || m->n_uid_mappings || m->n_gid_mappings)
                r = job_bind_idmapped(j, src, dst);
        else {
                r = mnt_bind_path(src, dst, j->o.flags & MS_REC);
                if (r < 0)
                        r = JOB_ERR(j, r, "mount bind %s", src);
        }
        if (r < 0)
                return r;

        r = job_open_top(j, &top);
        if (r < 0)
                return r;
        if (extra) {
                r = mnt_remount_bind(top, j->o.flags);
                if (r < 0)
                        return JOB_ERR(j, r, "remount bind %s", src);
        }
        return job_finish(j, top);
}

/* tmpcopyup: what was in the directory before the tmpfs went on it is copied into the tmpfs. */
static int job_copyup(struct mnt_job *j, int below, int top) {
        _cleanup_close_ int dir = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r;

        if (dir < 0)
                return JOB_ERR(j, -errno, "tmpcopyup: open tmpfs");
        r = mnt_copy_tree(below, dir);
        if (r < 0)
                return JOB_ERR(j, r, "tmpcopyup: copy %s", j->rel);
        if (j->o.flags & MS_RDONLY) {
                r = mnt_set_readonly(top);
                if (r < 0)
                        return JOB_ERR(j, r, "tmpcopyup: remount read-only");
        }
        return 0;
}

/* Any filesystem (tmpfs, proc, sysfs, mqueue, devpts, overlay, ...). proc and sysfs only go on a
 * real directory, never through a symlink at the last component (CVE-2019-16884). */
static int job_fs(struct mnt_job *j) {
        const struct oci_mount *m = j->m;
        _cleanup_close_ int dst = -EBADF, top = -EBADF, below = -EBADF;
        bool strict = strcmp(m->type, "proc") == 0 || strcmp(m->type, "sysfs") == 0;
        unsigned long flags = j->o.flags;
        struct stat st;
        int r;

        r = job_open_dest(j, PATH_MKDIR | (strict ? PATH_NOFOLLOW_LAST : 0), NULL, &dst);
        if (r < 0)
                return r;
        if (strict && (fstat(dst, &st) < 0 || !S_ISDIR(st.st_mode)))
                return JOB_ERR(j, -ENOTDIR, "%s must be mounted on an ordinary directory", m->type);
        /* runc: /dev is remounted read-only at the end, after the devices are made. */
        if (strcmp(j->dest, "/dev") == 0)
                flags &= ~MS_RDONLY;
        if (j->o.tmpcopyup) {
                below = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (below < 0)
                        return JOB_ERR(j, -errno, "tmpcopyup: open %s", j->rel);
                flags &= ~MS_RDONLY;
        }

        r = mnt_mount_fd(m->source ? m->source : m->type, m->type, flags, j->o.data, dst);
        if (r < 0)
                return JOB_ERR(j, r, "mount %s", m->type);
        r = job_open_top(j, &top);
        if (r < 0)
                return r;
        if (below >= 0) {
                r = job_copyup(j, below, top);
                if (r < 0)
                        return r;
        }
        return job_finish(j, top);
}

int mnt_apply(const struct mnt_ctx *c, const struct oci_mount *m, size_t index, char **ret_error) {
        return mnt_apply_internal(c, m, index, false, ret_error);
}

int mnt_apply_internal(const struct mnt_ctx *c, const struct oci_mount *m, size_t index,
                       bool plain, char **ret_error) {
        struct mnt_job j = { .c = c, .m = m, .index = index, .err = ret_error };
        const char *bad = NULL;
        bool bind;
        int r;

        if (!m->destination || !*m->destination)
                return mnt_errorf(ret_error, 0, "mounts[%zu].destination: required", index);
        r = mnt_options_parse(m->options, &j.o, &bad);
        if (r < 0)
                return JOB_ERR(&j, r, "option '%s'", bad ? bad : "");
        r = path_normalize(m->destination, &j.dest);
        if (r < 0)
                goto finish;

        bind = mnt_options_is_bind(&j.o, m->type);
        if (!bind && (!m->type || !*m->type))
                r = JOB_ERR(&j, 0, "type is required for a mount that is not a bind mount");
        else if (!bind && (j.o.idmap || j.o.ridmap || m->n_uid_mappings || m->n_gid_mappings))
                r = JOB_ERR(&j, 0, "idmapped mounts must be bind mounts");
        else if (j.o.tmpcopyup && (bind || strcmp(m->type, "tmpfs") != 0))
                r = JOB_ERR(&j, 0, "tmpcopyup needs a tmpfs mount");
        else if (bind)
                r = job_bind(&j);
        else if (!plain && (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0))
                r = mnt_cgroup_apply(c, m, index, &j.o, ret_error);
        else
                r = job_fs(&j);
finish:
        mnt_options_done(&j.o);
        free(j.dest);
        free(j.rel);
        return r;
}
