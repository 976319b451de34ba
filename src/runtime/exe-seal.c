/* SPDX-License-Identifier: GPL-2.0-or-later
 * Re-exec from a read-only or sealed view of the binary (see exe-seal.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "exe-seal.h"
#include "fileio.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* A write-sealed memfd, or a file of a read-only overlayfs mount: neither can be opened for
 * writing, and a container cannot remount an overlay of another mount namespace. */
static bool fd_is_sealed(int fd) {
        int seals = fcntl(fd, F_GET_SEALS);
        if (seals >= 0 && (seals & SEALS) == SEALS)
                return true;
        struct statfs sf;
        return fstatfs(fd, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC && (sf.f_flags & ST_RDONLY);
}

/* Is the running executable a write-sealed memfd or on a read-only overlayfs? */
static bool exe_is_sealed(void) {
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        return fd >= 0 && fd_is_sealed(fd);
}

/* s with overlayfs's layer separator ':' and its escape '\' escaped, into buf. */
static int escape_layer(const char *s, char *buf, size_t size) {
        size_t n = 0;
        for (; *s; s++) {
                if (n + 3 > size)
                        return -ENAMETOOLONG;
                if (*s == ':' || *s == '\\')
                        buf[n++] = '\\';
                buf[n++] = *s;
        }
        buf[n] = '\0';
        return 0;
}

/* An empty tmpfs mounted nowhere: the second layer the overlay needs. */
static int empty_tmpfs(void) {
        _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
        if (fs < 0)
                return -errno;
        if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
            fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID |
                          MOUNT_ATTR_NOEXEC);
        return mnt < 0 ? -errno : mnt;
}

/* The binary through a read-only overlayfs over its directory that is mounted nowhere (fsmount(2)
 * without move_mount(2)), as runc 1.2 does: no copy, the page cache is shared, and unlike a
 * read-only bind mount it has no writable layer anyone could remount. Without an upper layer
 * overlayfs wants two lower ones: the binary's directory on top, then an empty detached tmpfs
 * by its /proc/self/fd path (accepted by recent kernels; where it is not, the caller falls back
 * to the memfd copy). Returns an O_PATH fd. */
static int open_overlay(void) {
        char exe[PATH_MAX], dir[2 * PATH_MAX], lower[2 * PATH_MAX + 64];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0)
                return n < 0 ? -errno : -ENOENT;
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (exe[0] != '/' || !slash || strstr(exe, " (deleted)"))
                return -ENOENT;         /* not a path overlayfs could take */
        *slash = '\0';
        int r = escape_layer(slash == exe ? "/" : exe, dir, sizeof dir);
        if (r < 0)
                return r;
        _cleanup_close_ int empty = empty_tmpfs();
        if (empty < 0)
                return empty;
        snprintf(lower, sizeof lower, "%s:/proc/self/fd/%d", dir, empty);

        _cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fs < 0)
                return -errno;
        if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0)
                return -errno;
        /* Inode numbers do not matter here; xino would only log about differing filesystems. */
        (void) fsconfig(fs, FSCONFIG_SET_STRING, "xino", "off", 0);
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        _cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV |
                                          MOUNT_ATTR_NOSUID);
        if (mnt < 0)
                return -errno;
        int fd = openat(mnt, slash + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (!fd_is_sealed(fd)) {
                safe_close(fd);
                return -EROFS;
        }
        return fd;
}

/* An empty executable memfd that can be sealed. MFD_EXEC: kernels with vm.memfd_noexec (6.3+)
 * otherwise may make it non-executable (and with vm.memfd_noexec=2 refuse it); older kernels
 * reject the unknown flag, so retry without it. */
static int memfd_executable(const char *name) {
        int mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (mfd < 0 && errno == EINVAL)
                mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        return mfd < 0 ? -errno : mfd;
}

/* A copy of the binary in a memfd, sealed against writes (runc's cloned_binary before 1.2). */
static int open_memfd_copy(void) {
        _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (src < 0)
                return -errno;
        struct stat st;
        if (fstat(src, &st) < 0)
                return -errno;
        _cleanup_close_ int mfd = memfd_executable("husk");
        if (mfd < 0)
                return mfd;
        for (off_t done = 0; done < st.st_size;) {
                ssize_t n = sendfile(mfd, src, NULL, (size_t) (st.st_size - done));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? -errno : -EIO;
                done += n;
        }
        if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
                return -errno;
        return TAKE_FD(mfd);
}

/* Re-execute from a detached read-only overlayfs, or from a sealed memfd copy (the fallback of
 * exe_seal_prepare(), which checked that we do not run sealed already). Returns only on failure. */
static int reexec_sealed(char **argv) {
        _cleanup_close_ int fd = open_overlay();
        if (fd < 0)
                fd = open_memfd_copy();
        if (fd < 0)
                return fd;
        syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
        return -errno;
}

extern const unsigned char husk_dmz[];
extern const size_t husk_dmz_size;

/* The sealed husk-dmz of this command (exe_seal_prepare()), and the labels it is to write. */
static int dmz_fd = -EBADF;
static struct { int dirfd; char *name, *value; } dmz_labels[2];
static unsigned n_dmz_labels;

/* A write-sealed memfd with husk_dmz in it (where memfds cannot be executable, the caller
 * re-executes instead). */
static int open_dmz(void) {
        if (husk_dmz_size == 0)
                return -EOPNOTSUPP;
        _cleanup_close_ int mfd = memfd_executable("husk-dmz");
        if (mfd < 0)
                return mfd;
        int r = loop_write(mfd, husk_dmz, husk_dmz_size);
        if (r < 0)
                return r;
        if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
                return -errno;
        return TAKE_FD(mfd);
}

int exe_seal_prepare(char **argv) {
        if (exe_is_sealed())
                return 0;
        const char *mode = getenv("HUSK_SEAL");
        if (!mode || strcmp(mode, "reexec") != 0) {
                int fd = open_dmz();
                if (fd >= 0) {
                        dmz_fd = fd;
                        return 0;
                }
        }
        return reexec_sealed(argv);
}

int exe_seal_defer_label(int dirfd, const char *name, const char *value) {
        if (dmz_fd < 0)
                return -EOPNOTSUPP;
        if (n_dmz_labels >= ELEMENTSOF(dmz_labels))
                return -E2BIG;
        _cleanup_free_ char *n = strdup(name), *v = strdup(value);
        if (!n || !v)
                return -ENOMEM;
        /* The dmz gets it across its exec, and closes it. */
        if (fcntl(dirfd, F_SETFD, 0) < 0)
                return -errno;
        dmz_labels[n_dmz_labels].dirfd = dirfd;
        dmz_labels[n_dmz_labels].name = TAKE_PTR(n);
        dmz_labels[n_dmz_labels].value = TAKE_PTR(v);
        n_dmz_labels++;
        return 0;
}

int exe_seal_execve(const char *exe, char **argv, char **envp, bool filtered) {
        if (dmz_fd < 0) {
                execve(exe, argv, envp);
                return -errno;
        }
        size_t n_args = 0;
        while (argv[n_args])
                n_args++;
        /* husk-dmz [-l DIRFD NAME VALUE]... -- EXE ARG0 ARG... */
        _cleanup_free_ char **dargv = calloc(1 + 4 * n_dmz_labels + 2 + n_args + 1, sizeof(char *));
        char fds[ELEMENTSOF(dmz_labels)][16];
        if (!dargv)
                return -ENOMEM;
        size_t k = 0;
        dargv[k++] = (char *) "husk-dmz";
        for (unsigned i = 0; i < n_dmz_labels; i++) {
                snprintf(fds[i], sizeof fds[i], "%d", dmz_labels[i].dirfd);
                dargv[k++] = (char *) "-l";
                dargv[k++] = fds[i];
                dargv[k++] = dmz_labels[i].name;
                dargv[k++] = dmz_labels[i].value;
        }
        dargv[k++] = (char *) "--";
        dargv[k++] = (char *) exe;
        memcpy(dargv + k, argv, (n_args + 1) * sizeof(char *));

        if (filtered) {
                char path[32];
                snprintf(path, sizeof path, "/proc/self/fd/%d", dmz_fd);
                execve(path, dargv, envp);
                if (errno != ENOENT && errno != ENOTDIR)
                        return -errno;
        }
        syscall(SYS_execveat, dmz_fd, "", dargv, envp, AT_EMPTY_PATH);
        return -errno;
}

