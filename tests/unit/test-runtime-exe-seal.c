/* SPDX-License-Identifier: GPL-2.0-or-later
 * exe-seal.c and husk-dmz (src/dmz): the dmz as a program (its arguments, labels, errors and exit
 * statuses), and exe_seal_execve() going through it, so that the process that execs the user's
 * program runs the sealed memfd and not the calling binary. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exe-seal.h"

extern char **environ;

/* Run fn in a child with stderr into a pipe; its exit status and what it wrote. */
static int run_child(void (*fn)(void *), void *arg, char *err, size_t size) {
        int p[2];
        cr_assert_eq(pipe(p), 0);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                dup2(p[1], STDERR_FILENO);
                close(p[0]);
                fn(arg);
                _exit(99);
        }
        close(p[1]);
        size_t n = 0;
        ssize_t k;
        while (n + 1 < size && (k = read(p[0], err + n, size - 1 - n)) > 0)
                n += (size_t) k;
        err[n] = '\0';
        close(p[0]);
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct execve_args {
        const char *exe;
        char **argv;
        bool filtered;
};

static void do_execve(void *arg) {
        const struct execve_args *a = arg;
        int r = exe_seal_execve(a->exe, a->argv, environ, a->filtered);
        fprintf(stderr, "exe_seal_execve: %s\n", strerror(-r));
        _exit(98);
}

static void prepare(void) {
        char *argv[] = { (char *) "test", NULL };
        setenv("HUSK_SEAL", "dmz", 1);
        cr_assert_eq(exe_seal_prepare(argv), 0);
}

/* /proc/self/exe, exec'd by the process that execs the user's program, is the dmz: it refuses
 * to run without its arguments. Were that process this test binary, it would run the tests. */
Test(exe_seal, the_final_exec_is_made_by_the_dmz) {
        prepare();
        for (int filtered = 0; filtered <= 1; filtered++) {
                char *argv[] = { (char *) "self", (char *) "--help", NULL };
                struct execve_args a = { "/proc/self/exe", argv, filtered };
                char err[512];
                int status = run_child(do_execve, &a, err, sizeof err);
                cr_expect_eq(status, 126, "filtered=%d: status %d, stderr: %s", filtered, status, err);
                cr_expect(strstr(err, "husk-dmz: run by husk only"), "filtered=%d: %s", filtered, err);
        }
}

Test(exe_seal, runs_the_program_with_its_args_and_environment) {
        prepare();
        char *argv[] = { (char *) "sh", (char *) "-c", (char *) "echo \"$0 $1 $DMZ_TEST\" >&2; exit 7",
                         (char *) "one", NULL };
        struct execve_args a = { "/bin/sh", argv, false };
        char err[512];
        setenv("DMZ_TEST", "env-ok", 1);
        cr_expect_eq(run_child(do_execve, &a, err, sizeof err), 7);
        cr_expect_str_eq(err, "one  env-ok\n");
}

Test(exe_seal, exec_errors_as_the_child_reports_them) {
        prepare();
        char *argv[] = { (char *) "nothing", NULL };
        struct execve_args a = { "/nonexistent/nothing", argv, false };
        char err[512];
        cr_expect_eq(run_child(do_execve, &a, err, sizeof err), 127);
        cr_expect_str_eq(err, "husk: exec nothing: No such file or directory\n");
        /* Not executable (no x bit, even for root), then executable but not a program. */
        char file[] = "/tmp/husk-dmz-test.XXXXXX";
        int fd = mkstemp(file);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, "garbage\n", 8), 8);
        close(fd);
        a.exe = file;
        int status = run_child(do_execve, &a, err, sizeof err);
        cr_expect_eq(status, 126);
        cr_expect_str_eq(err, "husk: exec nothing: Permission denied\n");
        chmod(file, 0700);
        status = run_child(do_execve, &a, err, sizeof err);
        unlink(file);
        cr_expect_eq(status, 126);
        cr_expect_str_eq(err, "husk: exec nothing: Exec format error\n");
}

struct label_args {
        int dirfd;
        const char *value;
};

static void do_label(void *arg) {
        const struct label_args *l = arg;
        cr_assert_eq(exe_seal_defer_label(l->dirfd, "exec", l->value), 0);
        char *argv[] = { (char *) "true", NULL };
        int r = exe_seal_execve("/bin/true", argv, environ, false);
        fprintf(stderr, "exe_seal_execve: %s\n", strerror(-r));
        _exit(98);
}

/* The exec label is written by the dmz, after its own exec, through the directory fd it got. */
Test(exe_seal, the_dmz_writes_the_exec_label) {
        prepare();
        char dir[] = "/tmp/husk-dmz-test.XXXXXX";
        cr_assert_not_null(mkdtemp(dir));
        char file[64];
        snprintf(file, sizeof file, "%s/exec", dir);
        int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        cr_assert_geq(fd, 0);
        close(fd);
        struct label_args l = { open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), "exec some-profile" };
        cr_assert_geq(l.dirfd, 0);
        char err[512];
        int status = run_child(do_label, &l, err, sizeof err);
        char buf[64] = "";
        FILE *f = fopen(file, "re");
        cr_assert_not_null(f);
        cr_expect_not_null(fgets(buf, sizeof buf, f));
        fclose(f);
        unlink(file);
        rmdir(dir);
        cr_expect_eq(status, 0, "stderr: %s", err);
        cr_expect_str_eq(buf, "exec some-profile");
}

/* A label that cannot be written stops the exec: the process must not run unconfined. */
Test(exe_seal, an_unwritable_label_fails_the_exec) {
        prepare();
        char dir[] = "/tmp/husk-dmz-test.XXXXXX";
        cr_assert_not_null(mkdtemp(dir));
        struct label_args l = { open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), "exec x" };
        char err[512];
        int status = run_child(do_label, &l, err, sizeof err);
        rmdir(dir);
        cr_expect_eq(status, 126);
        cr_expect_str_eq(err, "husk: set the exec label: open exec: No such file or directory\n");
}

Test(exe_seal, without_a_dmz_labels_are_the_callers) {
        cr_expect_eq(exe_seal_defer_label(0, "exec", "x"), -EOPNOTSUPP);
}
