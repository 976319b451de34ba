/* SPDX-License-Identifier: GPL-2.0-or-later
 * Pseudo-terminals for process.terminal (see console.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "console.h"
#include "paths.h"

/* Is st the pty multiplexer (a devpts "ptmx" or /dev/ptmx: c 5:2)? */
static bool is_ptmx(const struct stat *st) {
        return S_ISCHR(st->st_mode) && major(st->st_rdev) == 5 && minor(st->st_rdev) == 2;
}

/* Open ptmx_path only if it is a pty multiplexer, resolved inside "/" (the container's): its
 * /dev/ptmx may be a symlink or another file the container put there (CVE-2025-52565 class). It
 * is checked before the open, which could have side effects (a watchdog device arms itself), and
 * after, for a swap in between. Both lookups stay inside "/" and follow no magic links (so not
 * through the container's /proc); O_NONBLOCK so that no open can block. */
static int open_ptmx(const char *ptmx_path, int *ret_fd) {
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), node = -EBADF, fd = -EBADF;
        struct open_how how = {
                .flags = O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        struct stat st, st2;
        int r;

        if (root < 0)
                return -errno;
        r = path_open_in_root(root, ptmx_path, 0, &node);
        if (r < 0)
                return r;
        if (fstat(node, &st) < 0)
                return -errno;
        if (!is_ptmx(&st))
                return -ENOTTY;
        fd = (int) syscall(SYS_openat2, root, ptmx_path, &how, sizeof how);
        if (fd < 0 && errno == ENOSYS)
                fd = open(ptmx_path, (int) how.flags);
        if (fd < 0 || fstat(fd, &st2) < 0)
                return -errno;
        if (!is_ptmx(&st2) || st2.st_ino != st.st_ino || st2.st_dev != st.st_dev)
                return -ENOTTY;
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int console_open_pty(const char *ptmx_path, int *ret_master, int *ret_slave) {
        _cleanup_close_ int master = -EBADF;
        int r = open_ptmx(ptmx_path, &master);
        if (r < 0)
                return r;
        int unlock = 0;
        if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
                return -errno;
        /* TIOCGPTPEER (Linux 4.13) opens the slave through the master, never by a path an
         * attacker could swap (CVE-2017-2616 class). */
        int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return -errno;
        *ret_master = TAKE_FD(master);
        *ret_slave = slave;
        return 0;
}

int console_set_size(int fd, const struct oci_process *p) {
        if (!p->has_console_size)
                return 0;
        struct winsize ws = { .ws_row = (unsigned short) p->console_height,
                              .ws_col = (unsigned short) p->console_width };
        return ioctl(fd, TIOCSWINSZ, &ws) < 0 ? -errno : 0;
}

int console_make_controlling(int slave) {
        if (setsid() < 0)
                return -errno;
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return -errno;
        for (int fd = 0; fd < 3; fd++)
                if (dup2(slave, fd) < 0)
                        return -errno;
        return 0;
}

int console_socket_connect(const char *path, int *ret_fd) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int console_send_fd(int sock, int fd, const char *name) {
        struct iovec iov = { .iov_base = (void *) name, .iov_len = strlen(name) };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control = {};
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = control.buf, .msg_controllen = sizeof control.buf };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
        return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int console_send_master(int sock, int master) {
        char name[64] = "/dev/ptmx";
        int n = -1;
        if (ioctl(master, TIOCGPTN, &n) == 0)
                snprintf(name, sizeof name, "/dev/pts/%d", n);
        return console_send_fd(sock, master, name);
}
