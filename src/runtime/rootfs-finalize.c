/* SPDX-License-Identifier: GPL-2.0-or-later
 * The pivot and what must follow the last mount, in runc 1.1's order (prepareRootfs,
 * finalizeRootfs, then readonlyPaths and maskedPaths in standard_init_linux.go): pivot_root (or
 * MS_MOVE + chroot, or chroot alone without a mount namespace), rootfsPropagation on the new "/", stdio on the container's /dev/null,
 * process.cwd created, /dev and "/" made read-only if asked, readonlyPaths, maskedPaths. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-options.h"
#include "mount.h"
#include "mountinfo.h"
#include "paths.h"
#include "rootfs-internal.h"
#include "rootfs.h"
#include "spec.h"

/* pivot_root(".", ".") stacks the old root on the new one; it is then detached from the cwd
 * (LXC's trick, runc pivotRoot). The old root is made a recursive slave first so the unmount does
 * not propagate to the host. */
static int do_pivot(const char *rootfs, char **ret_error) {
        _cleanup_close_ int oldroot = -EBADF, newroot = -EBADF;

        oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (oldroot < 0 || newroot < 0)
                return mnt_errorf(ret_error, -errno, "pivot_root: open %s", rootfs);
        if (fchdir(newroot) < 0)
                return mnt_errorf(ret_error, -errno, "pivot_root: chdir %s", rootfs);
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return mnt_errorf(ret_error, -errno, "pivot_root %s", rootfs);
        if (fchdir(oldroot) < 0)
                return mnt_errorf(ret_error, -errno, "pivot_root: chdir to the old root");
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return mnt_errorf(ret_error, -errno, "pivot_root: make the old root a slave");
        if (umount2(".", MNT_DETACH) < 0)
                return mnt_errorf(ret_error, -errno, "pivot_root: detach the old root");
        if (chdir("/") < 0)
                return mnt_errorf(ret_error, -errno, "chdir /");
        return 0;
}

struct hide_ctx {
        const char *rootfs;
        int error;
};

/* With --no-pivot the host's mounts stay in the namespace, above the chroot. A full procfs or
 * sysfs there would let the kernel allow new proc/sysfs mounts a masked one would refuse: unmount
 * them, or cover them with a tmpfs (runc 1.1.5 msMoveRoot). */
static int hide_kernel_fs(const struct mountinfo_entry *e, void *userdata) {
        struct hide_ctx *h = userdata;

        if (strcmp(e->fstype, "proc") != 0 && strcmp(e->fstype, "sysfs") != 0)
                return 0;
        if (path_is_below(e->mountpoint, h->rootfs))
                return 0;
        if (umount2(e->mountpoint, MNT_DETACH) >= 0 || errno == EINVAL || errno == ENOENT)
                return 0;
        if (mount("tmpfs", e->mountpoint, "tmpfs", MS_RDONLY, NULL) < 0 && h->error == 0)
                h->error = -errno;
        return 0;
}

/* --no-pivot: move the rootfs mount onto / and chroot into it (runc msMoveRoot), for roots
 * pivot_root(2) refuses (initramfs). */
static int do_move_root(const char *rootfs, char **ret_error) {
        struct hide_ctx h = { .rootfs = rootfs };
        int r;

        r = mountinfo_foreach(hide_kernel_fs, &h);
        if (r < 0 || h.error < 0)
                return mnt_errorf(ret_error, r < 0 ? r : h.error, "no-pivot: hide the host's proc and sysfs");
        if (chdir(rootfs) < 0)
                return mnt_errorf(ret_error, -errno, "chdir %s", rootfs);
        if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
                return mnt_errorf(ret_error, -errno, "no-pivot: move %s to /", rootfs);
        if (chroot(".") < 0)
                return mnt_errorf(ret_error, -errno, "no-pivot: chroot %s", rootfs);
        if (chdir("/") < 0)
                return mnt_errorf(ret_error, -errno, "chdir /");
        return 0;
}

/* No mount namespace of its own: the namespace's root is the host's, so neither pivot_root(2) nor
 * a move onto "/" (both would change it for every process of the host); chroot(2) is the only
 * change of root, and it is the process's own. */
static int do_chroot(const char *rootfs, char **ret_error) {
        if (chdir(rootfs) < 0)
                return mnt_errorf(ret_error, -errno, "chdir %s", rootfs);
        if (chroot(".") < 0)
                return mnt_errorf(ret_error, -errno, "chroot %s", rootfs);
        if (chdir("/") < 0)
                return mnt_errorf(ret_error, -errno, "chdir /");
        return 0;
}

/* stdio left on the host's /dev/null is moved to the container's (runc reOpenDevNull), so
 * /proc/self/fd/0 names a file inside the container. */
static void reopen_dev_null(void) {
        _cleanup_close_ int null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        struct stat nst, st;

        if (null < 0 || fstat(null, &nst) < 0 || !S_ISCHR(nst.st_mode))
                return;
        for (int fd = 0; fd < 3; fd++)
                if (fstat(fd, &st) >= 0 && S_ISCHR(st.st_mode) && st.st_rdev == nst.st_rdev)
                        (void) dup3(null, fd, 0);
}

/* A /dev mount with "ro" was mounted read-write so the devices could be made; now it is made
 * read-only (runc finalizeRootfs). */
static int dev_readonly(const struct oci_spec *spec, int root_fd, char **ret_error) {
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const struct oci_mount *m = &spec->mounts[i];
                _cleanup_free_ char *d = NULL;
                _cleanup_close_ int fd = -EBADF;
                struct mnt_options o;
                unsigned long flags;
                int r;

                if (!m->destination || path_normalize(m->destination, &d) < 0 || strcmp(d, "/dev") != 0 ||
                    rootfs_mount_is_dev_bind(m))
                        continue;
                if (mnt_options_parse(m->options, &o, NULL) < 0)
                        continue;
                flags = o.flags;
                mnt_options_done(&o);
                if (!(flags & MS_RDONLY))
                        continue;
                r = path_open_in_root(root_fd, "/dev", PATH_NOFOLLOW_LAST, &fd);
                if (r >= 0)
                        r = mnt_set_readonly(fd);
                if (r < 0)
                        return mnt_errorf(ret_error, r, "mounts[%zu] (%s): remount read-only", i, m->destination);
        }
        return 0;
}

/* root.readonly: the root mount only, not what is mounted below it (runc setReadonly). */
static int root_readonly(int root_fd, char **ret_error) {
        int r = mnt_set_readonly(root_fd);

        if (r < 0)
                return mnt_errorf(ret_error, r, "root.readonly: remount / read-only");
        return 0;
}

/* Bind path onto itself read-only, recursively; without the new mount API, the top mount only
 * (as runc 1.1 readonlyPath). */
static int readonly_path(int root_fd, const char *path, int fd) {
        _cleanup_close_ int top = -EBADF;
        char p[32];
        int r;

        r = mnt_make_readonly_tree(fd);
        if (r != -ENOSYS)
                return r;
        path_procfd(p, sizeof(p), fd);
        if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
                return -errno;
        r = path_open_in_root(root_fd, path, 0, &top);
        if (r < 0)
                return r;
        return mnt_set_readonly(top);
}

/* linux.readonlyPaths in order; a path that does not exist is skipped (runc). */
static int readonly_paths(const struct oci_spec *spec, int root_fd, char **ret_error) {
        char **l = spec->linux_.readonly_paths;

        for (size_t i = 0; l && l[i]; i++) {
                _cleanup_close_ int fd = -EBADF;
                int r = path_open_in_root(root_fd, l[i], 0, &fd);

                if (r == -ENOENT)
                        continue;
                if (r >= 0)
                        r = readonly_path(root_fd, l[i], fd);
                if (r < 0)
                        return mnt_errorf(ret_error, r, "linux.readonlyPaths[%zu] (%s)", i, l[i]);
        }
        return 0;
}

/* Directories get an empty read-only tmpfs, anything else the container's /dev/null (which must
 * be the null device: masking with another file would show that file). */
static int masked_paths(const struct oci_spec *spec, int root_fd, char **ret_error) {
        char **l = spec->linux_.masked_paths;
        _cleanup_close_ int null = -EBADF;

        for (size_t i = 0; l && l[i]; i++) {
                _cleanup_close_ int fd = -EBADF;
                struct stat st;
                int r = path_open_in_root(root_fd, l[i], 0, &fd);

                if (r == -ENOENT)
                        continue;
                if (r >= 0 && fstat(fd, &st) < 0)
                        r = -errno;
                if (r >= 0 && S_ISDIR(st.st_mode))
                        r = mnt_mount_tmpfs_ro(fd);
                else if (r >= 0) {
                        struct stat nst;

                        if (null < 0 && path_open_in_root(root_fd, "/dev/null", 0, &null) < 0)
                                null = -EBADF;
                        if (null < 0 || fstat(null, &nst) < 0 || !S_ISCHR(nst.st_mode) ||
                            nst.st_rdev != makedev(1, 3))
                                return mnt_errorf(ret_error, 0, "linux.maskedPaths[%zu] (%s): /dev/null "
                                                  "in the container is not the null device", i, l[i]);
                        r = mnt_bind_fd(null, fd, false);
                }
                if (r < 0)
                        return mnt_errorf(ret_error, r, "linux.maskedPaths[%zu] (%s)", i, l[i]);
        }
        return 0;
}

/* readonlyPaths, then maskedPaths (runc standard_init_linux.go order). */
static int protect_paths(const struct oci_spec *spec, int root_fd, char **ret_error) {
        int r = readonly_paths(spec, root_fd, ret_error);

        if (r < 0)
                return r;
        return masked_paths(spec, root_fd, ret_error);
}

static const struct rootfs_options default_options = ROOTFS_OPTIONS_INIT;

int rootfs_pivot_and_finalize(const struct oci_spec *spec, const char *rootfs_abs,
                              const struct rootfs_options *opts, char **ret_error) {
        bool own_ns = oci_spec_namespace(spec, OCI_NS_MOUNT) != NULL;
        _cleanup_free_ char *rootfs = NULL;
        _cleanup_close_ int root_fd = -EBADF;
        unsigned long prop;
        int r;

        if (!opts)
                opts = &default_options;

        r = rootfs_canonical(rootfs_abs, &rootfs, ret_error);
        if (r < 0)
                return r;
        r = rootfs_propagation(spec, &prop, ret_error);
        if (r < 0)
                return r;
        if (!own_ns)
                r = do_chroot(rootfs, ret_error);
        else
                r = opts->no_pivot ? do_move_root(rootfs, ret_error) : do_pivot(rootfs, ret_error);
        if (r < 0)
                return r;
        /* Applied to the new "/" only now: on the old one it could reach the host (runc). Without
         * a namespace of our own rootfs_mount_all() refused it. */
        if (prop && own_ns && mount(NULL, "/", NULL, prop, NULL) < 0)
                return mnt_errorf(ret_error, -errno, "linux.rootfsPropagation (%s)",
                                  spec->linux_.rootfs_propagation);
        reopen_dev_null();

        root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return mnt_errorf(ret_error, -errno, "open /");
        if (spec->process && spec->process->cwd) {
                _cleanup_close_ int cwd = -EBADF;

                r = path_open_in_root(root_fd, spec->process->cwd, PATH_MKDIR, &cwd);
                if (r < 0)
                        return mnt_errorf(ret_error, r, "process.cwd (%s)", spec->process->cwd);
        }
        r = dev_readonly(spec, root_fd, ret_error);
        if (r < 0)
                return r;
        if (spec->root_readonly) {
                r = root_readonly(root_fd, ret_error);
                if (r < 0)
                        return r;
        }
        if (opts->defer_protected_paths)
                return 0;
        return protect_paths(spec, root_fd, ret_error);
}

int rootfs_protect_paths(const struct oci_spec *spec, char **ret_error) {
        _cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (root_fd < 0)
                return mnt_errorf(ret_error, -errno, "open /");
        return protect_paths(spec, root_fd, ret_error);
}
