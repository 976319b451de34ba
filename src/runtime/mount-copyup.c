/* SPDX-License-Identifier: GPL-2.0-or-later
 * "tmpcopyup": copy a directory's contents into the tmpfs mounted over it (runc's
 * fileutils.CopyDirectory, crun's copy_recursive_fd_to_fd). Owners, modes and times are kept;
 * sockets are skipped. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "mount-internal.h"

/* Copy a regular file's bytes (new file, mode of st before copy_attrs()). */
static int copy_file(int src_dir, int dst_dir, const char *name, const struct stat *st) {
        _cleanup_close_ int in = -EBADF, out = -EBADF;
        char buf[65536];
        ssize_t n;

        in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0)
                return -errno;
        out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
        if (out < 0)
                return -errno;
        while ((n = read(in, buf, sizeof(buf))) > 0) {
                int r = loop_write(out, buf, (size_t) n);

                if (r < 0)
                        return r;
        }
        if (n < 0)
                return -errno;
        return 0;
}

/* Give name in dst_dir the owner, mode and times of st. */
static int copy_attrs(int dst_dir, const char *name, const struct stat *st) {
        struct timespec ts[2] = { st->st_atim, st->st_mtim };

        if (fchownat(dst_dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (!S_ISLNK(st->st_mode) && fchmodat(dst_dir, name, st->st_mode & 07777, 0) < 0)
                return -errno;
        if (utimensat(dst_dir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        return 0;
}

/* Copy one directory entry of any type, recursing into directories. */
static int copy_entry(int src_dir, int dst_dir, const char *name) {
        struct stat st;
        int r = 0;

        if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode)) {
                _cleanup_close_ int s = -EBADF, d = -EBADF;

                if (mkdirat(dst_dir, name, 0700) < 0)
                        return -errno;
                s = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                d = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0 || d < 0)
                        return -errno;
                r = mnt_copy_tree(s, d);
        } else if (S_ISREG(st.st_mode))
                r = copy_file(src_dir, dst_dir, name, &st);
        else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlinkat(src_dir, name, target, sizeof(target) - 1);

                if (n < 0)
                        return -errno;
                target[n] = '\0';
                if (symlinkat(target, dst_dir, name) < 0)
                        return -errno;
        } else if (S_ISSOCK(st.st_mode))
                return 0;
        else if (mknodat(dst_dir, name, st.st_mode, st.st_rdev) < 0)
                return -errno;
        if (r < 0)
                return r;
        return copy_attrs(dst_dir, name, &st);
}

int mnt_copy_tree(int src_dir_fd, int dst_dir_fd) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd, r;

        fd = openat(src_dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        while ((errno = 0, de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                r = copy_entry(src_dir_fd, dst_dir_fd, de->d_name);
                if (r < 0)
                        return r;
        }
        return errno > 0 ? -errno : 0;
}
