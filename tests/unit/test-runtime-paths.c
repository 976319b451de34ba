/* SPDX-License-Identifier: GPL-2.0-or-later
 * Safe resolution inside a root, unprivileged: a temp tree with hostile symlinks, resolved both
 * with openat2(2) and with the O_PATH walk (PATH_FORCE_WALK). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "paths.h"

Test(paths, normalize_table) {
        static const char *const cases[][2] = {
                { "/", "/" },
                { "", "/" },
                { "/a/b", "/a/b" },
                { "a/b/", "/a/b" },
                { "//a//./b/", "/a/b" },
                { "/a/../b", "/b" },
                { "/../../x", "/x" },
                { "a/b/../../..", "/" },
                { "/proc/./sys/../self", "/proc/self" },
                { "/dev/pts/", "/dev/pts" },
                { "/...", "/..." },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                _cleanup_free_ char *out = NULL;

                cr_assert_eq(path_normalize(cases[i][0], &out), 0);
                cr_expect_str_eq(out, cases[i][1], "'%s' -> '%s' want '%s'", cases[i][0], out, cases[i][1]);
        }
}

Test(paths, is_below_table) {
        static const struct {
                const char *path, *prefix;
                bool want;
        } cases[] = {
                { "/proc", "/proc", true },     { "/proc/sys", "/proc", true },
                { "/procfs", "/proc", false },  { "/pro", "/proc", false },
                { "/anything", "/", true },     { "/", "/", true },
                { "/sys/fs/cgroup/cpu", "/sys/fs/cgroup", true },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                cr_expect_eq(path_is_below(cases[i].path, cases[i].prefix), cases[i].want, "%s below %s",
                             cases[i].path, cases[i].prefix);
}

static char base[64];
static char root[PATH_MAX];
static char outside[PATH_MAX];

static void mk(const char *rel, bool dir) {
        char p[PATH_MAX * 2];
        int fd;

        snprintf(p, sizeof(p), "%s/%s", root, rel);
        if (dir)
                cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s: %m", p);
        else {
                fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
                cr_assert_geq(fd, 0, "create %s: %m", p);
                close(fd);
        }
}

static void ln(const char *target, const char *rel) {
        char p[PATH_MAX * 2];

        snprintf(p, sizeof(p), "%s/%s", root, rel);
        cr_assert_eq(symlink(target, p), 0, "symlink %s: %m", p);
}

/* A rootfs with: /etc/passwd, /a/b (dir), /escape -> /, /up -> ../../../.., /abs -> /etc,
 * /rel -> a/b, /loop1 <-> /loop2, /dangling -> /made/here, /file/x (file as a dir), and a
 * host-side directory next to the root that must never be reached. */
static void setup(void) {
        snprintf(base, sizeof(base), "/tmp/husk-paths-XXXXXX");
        cr_assert_not_null(mkdtemp(base));
        snprintf(root, sizeof(root), "%s/root", base);
        snprintf(outside, sizeof(outside), "%s/outside", base);
        cr_assert_eq(mkdir(root, 0755), 0);
        cr_assert_eq(mkdir(outside, 0755), 0);
        mk("etc", true);
        mk("etc/passwd", false);
        mk("a", true);
        mk("a/b", true);
        mk("file", false);
        ln("/", "escape");
        ln("../../../..", "up");
        ln("/etc", "abs");
        ln("a/b", "rel");
        ln("/loop2", "loop1");
        ln("/loop1", "loop2");
        ln("/made/here", "dangling");
        ln("../outside", "a/sneaky");
}

static void teardown(void) {
        char cmd[PATH_MAX * 2];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
        if (base[0] && system(cmd) != 0)
                cr_log_warn("cleanup of %s failed", base);
}

/* Resolve path and return where it landed, relative to the root ("/etc"), or NULL with *err. */
static char *resolve(const char *path, int flags, int *err) {
        _cleanup_close_ int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        _cleanup_close_ int fd = -EBADF;
        char *rel = NULL;
        int r;

        cr_assert_geq(rfd, 0);
        r = path_open_in_root(rfd, path, flags, &fd);
        *err = r;
        if (r < 0)
                return NULL;
        cr_assert_eq(path_fd_relative_to(fd, root, &rel), 0, "'%s' landed outside the root", path);
        return rel;
}

struct res_case {
        const char *path;
        int flags;
        int err;
        const char *want;
};

static void run_resolve_table(int extra) {
        static const struct res_case cases[] = {
                { "/etc/passwd", 0, 0, "/etc/passwd" },
                { "etc/passwd", 0, 0, "/etc/passwd" },
                { "/", 0, 0, "/" },
                { "/escape", 0, 0, "/" },
                { "/escape/etc", 0, 0, "/etc" },
                { "/escape/../../etc", 0, 0, "/etc" },
                { "/up", 0, 0, "/" },
                { "/up/etc/passwd", 0, 0, "/etc/passwd" },
                { "/abs/passwd", 0, 0, "/etc/passwd" },
                { "/rel", 0, 0, "/a/b" },
                { "/a/b/../../../../etc", 0, 0, "/etc" },
                { "/a/sneaky", 0, -ENOENT, NULL },       /* ../outside is /outside in the root */
                { "/loop1", 0, -ELOOP, NULL },
                { "/dangling", 0, -ENOENT, NULL },
                { "/file/x", 0, -ENOTDIR, NULL },
                { "/nope/x", 0, -ENOENT, NULL },
                { "/escape", PATH_NOFOLLOW_LAST, 0, "/escape" },
                { "/abs/passwd", PATH_NOFOLLOW_LAST, 0, "/etc/passwd" },
                { "/a/b", PATH_NO_SYMLINKS, 0, "/a/b" },
                { "/abs/passwd", PATH_NO_SYMLINKS, -ELOOP, NULL },
                { "/rel", PATH_NO_SYMLINKS, -ELOOP, NULL },
                { "/escape", PATH_NO_SYMLINKS, -ELOOP, NULL },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int err = 0;
                _cleanup_free_ char *got = resolve(cases[i].path, cases[i].flags | extra, &err);

                cr_expect_eq(err, cases[i].err, "%s '%s': error %d want %d", extra ? "walk" : "openat2",
                             cases[i].path, err, cases[i].err);
                if (cases[i].want && got)
                        cr_expect_str_eq(got, cases[i].want, "%s '%s' -> '%s' want '%s'",
                                         extra ? "walk" : "openat2", cases[i].path, got, cases[i].want);
        }
}

Test(paths, resolve_openat2, .init = setup, .fini = teardown) {
        run_resolve_table(0);
}

Test(paths, resolve_walk, .init = setup, .fini = teardown) {
        run_resolve_table(PATH_FORCE_WALK);
}

/* mkdir -p inside the root: through symlinks, never outside it. */
static void run_mkdir(int extra) {
        static const struct res_case cases[] = {
                { "/new/dir/deep", PATH_MKDIR, 0, "/new/dir/deep" },
                { "/escape/tmp/x", PATH_MKDIR, 0, "/tmp/x" },
                { "/up/up/var/lib", PATH_MKDIR, 0, "/var/lib" },
                { "/dangling/sub", PATH_MKDIR, 0, "/made/here/sub" },
                { "/a/sneaky/x", PATH_MKDIR, 0, "/outside/x" },
                { "/etc/newfile", PATH_MKDIR | PATH_MKFILE_LAST, 0, "/etc/newfile" },
                { "/escape/dev/console", PATH_MKDIR | PATH_MKFILE_LAST, 0, "/dev/console" },
                { "/file/x", PATH_MKDIR, -ENOTDIR, NULL },
                { "/loop1/x", PATH_MKDIR, -ELOOP, NULL },
        };
        struct stat st;
        char p[PATH_MAX * 2];

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int err = 0;
                _cleanup_free_ char *got = resolve(cases[i].path, cases[i].flags | extra, &err);

                cr_expect_eq(err, cases[i].err, "mkdir '%s': error %d want %d", cases[i].path, err, cases[i].err);
                if (!cases[i].want || !got)
                        continue;
                cr_expect_str_eq(got, cases[i].want, "mkdir '%s' -> '%s'", cases[i].path, got);
                snprintf(p, sizeof(p), "%s%s", root, cases[i].want);
                cr_assert_eq(lstat(p, &st), 0, "%s not created", p);
                cr_expect_eq(S_ISREG(st.st_mode), !!(cases[i].flags & PATH_MKFILE_LAST), "%s type", p);
        }
        /* the host side next to the root stayed empty */
        snprintf(p, sizeof(p), "%s/x", outside);
        cr_expect_neq(lstat(p, &st), 0, "%s created outside the root", p);
        cr_expect_neq(lstat("/made/here", &st), 0, "/made/here created on the host");
}

Test(paths, mkdir_openat2, .init = setup, .fini = teardown) {
        run_mkdir(0);
}

Test(paths, mkdir_walk, .init = setup, .fini = teardown) {
        run_mkdir(PATH_FORCE_WALK);
}

Test(paths, fd_relative_to) {
        _cleanup_close_ int fd = open("/usr/bin", O_PATH | O_CLOEXEC);
        _cleanup_free_ char *a = NULL, *b = NULL;
        char *c = (char *) 0x1;

        cr_assert_geq(fd, 0);
        cr_expect_eq(path_fd_relative_to(fd, "/usr", &a), 0);
        cr_expect_str_eq(a, "/bin");
        cr_expect_eq(path_fd_relative_to(fd, "/", &b), 0);
        cr_expect_str_eq(b, "/usr/bin");
        cr_expect_eq(path_fd_relative_to(fd, "/us", &c), -EXDEV);
        cr_expect_eq(c, (char *) 0x1, "ret_ written on failure");
}
