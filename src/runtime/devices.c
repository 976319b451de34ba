/* SPDX-License-Identifier: GPL-2.0-or-later
 * /dev in the container, the runc 1.1 way (libcontainer/rootfs_linux.go createDevices,
 * setupPtmx, setupDevSymlinks) with safe resolution: every node is made relative to an fd of
 * its parent directory resolved inside the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "devices.h"
#include "mount.h"
#include "paths.h"
#include "spec.h"

struct default_device {
        const char *path;
        unsigned major, minor;
};

/* The OCI runtime spec's "default devices" (config-linux.md), all c, 0666, root-owned. */
static const struct default_device default_devices[] = {
        { "/dev/null", 1, 3 },
        { "/dev/zero", 1, 5 },
        { "/dev/full", 1, 7 },
        { "/dev/random", 1, 8 },
        { "/dev/urandom", 1, 9 },
        { "/dev/tty", 5, 0 },
};

/* Split a normalised absolute path into its directory and last component. */
static int split_path(const char *path, char **ret_dir, const char **ret_name) {
        const char *slash = strrchr(path, '/');
        char *dir;

        if (!slash || slash[1] == '\0')
                return -EINVAL;
        dir = strndup(path, slash == path ? 1 : (size_t) (slash - path));
        if (!dir)
                return -ENOMEM;
        *ret_dir = dir;
        *ret_name = slash + 1;
        return 0;
}

/* mknod, replacing whatever non-directory is in the way unless it is the same node already. */
static int mknod_replace(int dir, const char *name, mode_t mode, dev_t dev) {
        struct stat st;

        if (mknodat(dir, name, mode, dev) >= 0)
                return 0;
        if (errno != EEXIST)
                return -errno;
        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if ((st.st_mode & S_IFMT) == (mode & S_IFMT) && st.st_rdev == dev)
                return 0;
        if (S_ISDIR(st.st_mode))
                return -EEXIST;
        if (unlinkat(dir, name, 0) < 0 || mknodat(dir, name, mode, dev) < 0)
                return -errno;
        return 0;
}

/* In a user namespace: an empty regular file with the host's node bound onto it. */
static int bind_host_node(int dir, const char *name, const char *host_path) {
        _cleanup_close_ int dst = -EBADF;
        struct stat st;
        int fd;

        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) >= 0 && !S_ISREG(st.st_mode)) {
                if (S_ISDIR(st.st_mode))
                        return -EEXIST;
                if (unlinkat(dir, name, 0) < 0)
                        return -errno;
        }
        fd = openat(dir, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0)
                return -errno;
        close(fd);
        dst = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (dst < 0)
                return -errno;
        return mnt_bind_path(host_path, dst, false);
}

/* Make one device; what names it in errors ("linux.devices[2] (/dev/fuse)" or "/dev/null"). */
static int device_make(int root_fd, const struct oci_device *d, bool in_userns, const char *what,
                       char **ret_error) {
        _cleanup_free_ char *norm = NULL, *dirpath = NULL;
        _cleanup_close_ int dir = -EBADF;
        mode_t mode = d->has_file_mode ? (d->file_mode & 07777) : 0666;
        dev_t dev = makedev((unsigned) d->major, (unsigned) d->minor);
        const char *name;
        mode_t type;
        int r;

        switch (d->type) {
        case 'c':
        case 'u':
                type = S_IFCHR;
                break;
        case 'b':
                type = S_IFBLK;
                break;
        case 'p':
                type = S_IFIFO;
                dev = 0;
                break;
        default:
                return mnt_errorf(ret_error, 0, "%s: unknown device type '%c'", what, d->type);
        }
        r = path_normalize(d->path, &norm);
        if (r >= 0)
                r = split_path(norm, &dirpath, &name);
        if (r < 0)
                return mnt_errorf(ret_error, r, "%s: path", what);
        r = path_open_in_root(root_fd, dirpath, PATH_MKDIR, &dir);
        if (r < 0)
                return mnt_errorf(ret_error, r, "%s: create %s", what, dirpath);

        r = in_userns && type != S_IFIFO ? -EPERM : mknod_replace(dir, name, type | mode, dev);
        if (r == -EPERM && type != S_IFIFO) {
                /* mknod is refused in a user namespace: bind the host's node (runc, crun). */
                r = bind_host_node(dir, name, d->path);
                if (r < 0)
                        return mnt_errorf(ret_error, r, "%s: bind from the host", what);
                return 0;
        }
        if (r < 0)
                return mnt_errorf(ret_error, r, "%s: mknod", what);
        if (fchmodat(dir, name, mode, 0) < 0)
                return mnt_errorf(ret_error, -errno, "%s: chmod", what);
        if (fchownat(dir, name, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, AT_SYMLINK_NOFOLLOW) < 0)
                return mnt_errorf(ret_error, -errno, "%s: chown", what);
        return 0;
}

/* Does linux.devices list path (then it replaces the default device there)? */
static bool spec_has_device(const struct oci_spec *spec, const char *path) {
        for (size_t i = 0; i < spec->linux_.n_devices; i++) {
                _cleanup_free_ char *n = NULL;

                if (path_normalize(spec->linux_.devices[i].path, &n) >= 0 && strcmp(n, path) == 0)
                        return true;
        }
        return false;
}

/* Does the spec mount something at path? */
static bool spec_mounts_at(const struct oci_spec *spec, const char *path) {
        for (size_t i = 0; i < spec->n_mounts; i++) {
                _cleanup_free_ char *n = NULL;

                if (spec->mounts[i].destination &&
                    path_normalize(spec->mounts[i].destination, &n) >= 0 && strcmp(n, path) == 0)
                        return true;
        }
        return false;
}

/* The default devices not overridden, then linux.devices in order. */
static int make_devices(int root_fd, const struct oci_spec *spec, bool in_userns, char **ret_error) {
        int r;

        for (size_t i = 0; i < ELEMENTSOF(default_devices); i++) {
                const struct default_device *dd = &default_devices[i];
                struct oci_device d = {
                        .type = 'c', .path = (char *) dd->path, .major = dd->major, .minor = dd->minor,
                };

                if (spec_has_device(spec, dd->path))
                        continue;
                r = device_make(root_fd, &d, in_userns, dd->path, ret_error);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < spec->linux_.n_devices; i++) {
                _cleanup_free_ char *w = NULL;

                if (asprintf(&w, "linux.devices[%zu] (%s)", i, spec->linux_.devices[i].path) < 0)
                        return -ENOMEM;
                r = device_make(root_fd, &spec->linux_.devices[i], in_userns, w, ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A devpts of our own when the spec mounts none at /dev/pts, so /dev/ptmx works. */
static int make_devpts(int root_fd, const struct oci_spec *spec, bool in_userns, char **ret_error) {
        _cleanup_close_ int dst = -EBADF;
        int r;

        if (spec_mounts_at(spec, "/dev/pts"))
                return 0;
        r = path_open_in_root(root_fd, "/dev/pts", PATH_MKDIR | PATH_NOFOLLOW_LAST, &dst);
        if (r < 0)
                return mnt_errorf(ret_error, r, "/dev/pts: create");
        r = mnt_mount_fd("devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                         in_userns ? "newinstance,ptmxmode=0666,mode=0620"
                                   : "newinstance,ptmxmode=0666,mode=0620,gid=5", dst);
        if (r < 0)
                return mnt_errorf(ret_error, r, "/dev/pts: mount devpts");
        return 0;
}

/* /dev/ptmx -> pts/ptmx, /dev/fd -> /proc/self/fd, stdin/out/err, core. */
static int make_symlinks(int root_fd, char **ret_error) {
        static const char *const links[][2] = {
                { "/proc/self/fd", "fd" },
                { "/proc/self/fd/0", "stdin" },
                { "/proc/self/fd/1", "stdout" },
                { "/proc/self/fd/2", "stderr" },
                { "/proc/kcore", "core" },
        };
        _cleanup_close_ int dev = -EBADF;
        int r;

        r = path_open_in_root(root_fd, "/dev", PATH_MKDIR, &dev);
        if (r < 0)
                return mnt_errorf(ret_error, r, "/dev: create");
        if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
                return mnt_errorf(ret_error, -errno, "/dev/ptmx: remove");
        if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
                return mnt_errorf(ret_error, -errno, "/dev/ptmx: symlink");
        for (size_t i = 0; i < ELEMENTSOF(links); i++) {
                /* kcore exists only with CONFIG_PROC_KCORE: link it only if the host has it. */
                if (strcmp(links[i][1], "core") == 0 && access("/proc/kcore", F_OK) < 0)
                        continue;
                if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
                        return mnt_errorf(ret_error, -errno, "/dev/%s: symlink", links[i][1]);
        }
        return 0;
}

int devices_setup(int root_fd, const struct oci_spec *spec, bool in_userns, char **ret_error) {
        int r;

        r = make_devices(root_fd, spec, in_userns, ret_error);
        if (r < 0)
                return r;
        r = make_devpts(root_fd, spec, in_userns, ret_error);
        if (r < 0)
                return r;
        return make_symlinks(root_fd, ret_error);
}

/* A pty opened before the mount namespace was unshared lives on a mount of the old namespace,
 * which the kernel will not bind from (EINVAL). Its path ("/dev/pts/3") names the same node in our
 * copy of that mount: bind that, once sure it is the same device (as runc binds the slave path).
 * The path is resolved inside the current "/" (the container's after the pivot) without magic
 * links, and the very fd checked is bound, so a /dev/pts/N that is (or is swapped for) a symlink
 * to, say, /proc/sys/kernel/core_pattern never gets bound on /dev/console (CVE-2025-52565). */
static int bind_console_by_path(int console_fd, int dst) {
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), node = -EBADF;
        char proc[32], path[PATH_MAX];
        struct stat fst, pst;
        ssize_t n;
        int r;

        n = readlink(path_procfd(proc, sizeof(proc), console_fd), path, sizeof(path) - 1);
        if (n < 0)
                return -errno;
        path[n] = '\0';
        if (root < 0)
                return -errno;
        r = path_open_in_root(root, path, PATH_NOFOLLOW_LAST, &node);
        if (r < 0)
                return r;
        if (fstat(console_fd, &fst) < 0 || fstat(node, &pst) < 0)
                return -errno;
        if (!S_ISCHR(fst.st_mode) || !S_ISCHR(pst.st_mode) || fst.st_rdev != pst.st_rdev)
                return -EINVAL;
        return mnt_bind_fd(node, dst, false);
}

int devices_bind_console(int root_fd, int console_fd, char **ret_error) {
        _cleanup_close_ int dst = -EBADF;
        struct stat st;
        int r;

        r = path_open_in_root(root_fd, "/dev/console", PATH_MKDIR | PATH_MKFILE_LAST | PATH_NOFOLLOW_LAST, &dst);
        if (r < 0)
                return mnt_errorf(ret_error, r, "/dev/console: create");
        if (fstat(dst, &st) < 0)
                return mnt_errorf(ret_error, -errno, "/dev/console");
        if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
                return mnt_errorf(ret_error, -EEXIST, "/dev/console: not a file");
        r = mnt_bind_fd(console_fd, dst, false);
        if (r == -EINVAL)
                r = bind_console_by_path(console_fd, dst);
        if (r < 0)
                return mnt_errorf(ret_error, r, "/dev/console: bind the terminal");
        return 0;
}
