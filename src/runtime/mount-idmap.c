/* SPDX-License-Identifier: GPL-2.0-or-later
 * The user namespace an idmapped mount is mapped through (mount_setattr(2) MOUNT_ATTR_IDMAP needs
 * an fd of a user namespace; its maps are the mount's uidMappings/gidMappings). A child unshares
 * CLONE_NEWUSER and waits; we write its maps from outside (as crun 1.8 does in
 * get_idmapped_mount), take /proc/<pid>/ns/user, and end it. Before the pivot /proc may belong
 * to an outer PID namespace: the child tells its pid as that /proc numbers it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-internal.h"
#include "procfs.h"
#include "spec.h"

/* Write /proc/<pid>/{uid,gid}_map in one write(2), as the kernel requires. */
static int write_map(int pid, const char *file, const struct oci_id_mapping *m, size_t n) {
        char path[64], buf[4096];
        size_t pos = 0;

        for (size_t i = 0; i < n; i++) {
                int k = snprintf(buf + pos, sizeof(buf) - pos, "%u %u %u\n", m[i].container_id,
                                 m[i].host_id, m[i].size);

                if (k < 0 || (size_t) k >= sizeof(buf) - pos)
                        return -E2BIG;
                pos += (size_t) k;
        }
        snprintf(path, sizeof(path), "%d/%s", (int) pid, file);
        return procfs_write(path, buf);
}

int mnt_userns_fd(const struct oci_id_mapping *uid, size_t n_uid,
                  const struct oci_id_mapping *gid, size_t n_gid, int *ret_fd) {
        int sync[2] = { -EBADF, -EBADF };
        char path[64] = "", ok = 0;
        int r = 0, fd = -EBADF;
        pid_t pid;

        if (n_uid == 0 || n_gid == 0)
                return -EINVAL;
        if (pipe2(sync, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                r = -errno;
                goto close_pipe;
        }
        if (pid == 0) {
                close(sync[0]);
                ok = unshare(CLONE_NEWUSER) == 0;
                (void) !write(sync[1], &ok, 1);
                close(sync[1]);
                for (;;)
                        pause();
        }
        safe_close(sync[1]);
        sync[1] = -EBADF;
        if (read(sync[0], &ok, 1) != 1 || !ok) {
                r = -EPERM;
                goto kill_child;
        }
        /* Through a verified procfs of our PID namespace, which numbers the child as fork() did:
         * the /proc of the mount namespace we are in may be another's, or the container's. */
        r = write_map(pid, "uid_map", uid, n_uid);
        if (r >= 0)
                r = write_map(pid, "gid_map", gid, n_gid);
        if (r >= 0) {
                _cleanup_close_ int dfd = -EBADF;
                const char *name = NULL;
                snprintf(path, sizeof(path), "%d/ns/user", (int) pid);
                r = procfs_open_parent(path, &dfd, &name);
                if (r >= 0 && (fd = openat(dfd, name, O_RDONLY | O_CLOEXEC)) < 0)
                        r = -errno;
        }
kill_child:
        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
close_pipe:
        safe_close(sync[0]);
        safe_close(sync[1]);
        if (r < 0)
                return r;
        *ret_fd = fd;
        return 0;
}
