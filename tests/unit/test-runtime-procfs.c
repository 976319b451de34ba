/* SPDX-License-Identifier: GPL-2.0-or-later
 * procfs.c: files of the caller's procfs, by path relative to /proc, never leaving it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

Test(procfs, reads_self_and_sys) {
        char *s = NULL;

        cr_assert_eq(procfs_read_line("self/status", &s), 0);
        cr_assert(strncmp(s, "Name:", 5) == 0, "self/status starts with '%s'", s);
        free(s);
        cr_assert_eq(procfs_read_line("thread-self/comm", &s), 0);
        cr_assert(*s != '\0');
        free(s);
        cr_assert_eq(procfs_read_line("sys/kernel/ostype", &s), 0);
        cr_assert_str_eq(s, "Linux");
        free(s);
}

Test(procfs, refuses_paths_out_of_proc) {
        char *s = NULL;
        int fd = -1;

        cr_assert_eq(procfs_read_line("ostype", &s), -EINVAL);      /* no directory */
        cr_assert_eq(procfs_read_line("no/such/file", &s), -ENOENT);
        cr_assert_lt(procfs_open("../etc/passwd", O_RDONLY, &fd), 0);
        cr_assert_lt(procfs_open("/etc/passwd", O_RDONLY, &fd), 0);
        /* self/exe is a magic link, self/cwd too: never followed. */
        cr_assert_lt(procfs_open("self/cwd/etc", O_RDONLY, &fd), 0);
}

Test(procfs, opens_a_procfs_dir) {
        int fd = -1;

        cr_assert_eq(procfs_open("self", O_PATH | O_DIRECTORY, &fd), 0);
        cr_assert_geq(fd, 0);
        cr_assert_eq(faccessat(fd, "oom_score_adj", F_OK, 0), 0);
        close(fd);
}
