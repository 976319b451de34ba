/* SPDX-License-Identifier: GPL-2.0-or-later
 * Re-exec from a sealed memfd (see exe-seal.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "exe-seal.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool exe_is_sealed(void) {
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        int seals = fcntl(fd, F_GET_SEALS);
        return seals >= 0 && (seals & SEALS) == SEALS;
}

int exe_seal_reexec(char **argv) {
        if (exe_is_sealed())
                return 0;
        _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (src < 0)
                return -errno;
        struct stat st;
        if (fstat(src, &st) < 0)
                return -errno;
        /* MFD_EXEC: kernels with vm.memfd_noexec (6.3+) otherwise may make it non-executable;
         * older kernels reject the unknown flag, so retry without it. */
        _cleanup_close_ int mfd = memfd_create("husk", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (mfd < 0 && errno == EINVAL)
                mfd = memfd_create("husk", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mfd < 0)
                return -errno;
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
        syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
        return -errno;
}
