/* SPDX-License-Identifier: GPL-2.0-or-later
 * rootfs-driver: run a bundle's process with only husk's rootfs code between it and the host, so
 * the rootfs tests do not depend on the rest of the runtime.
 *
 *   rootfs-driver [--no-pivot] [--console] [--userns] BUNDLE
 *
 * Loads BUNDLE/config.json, unshares mount, PID, IPC and UTS namespaces, and in the new PID 1
 * calls rootfs_mount_all(), rootfs_pivot_and_finalize(), sysctl_apply() and
 * rootfs_protect_paths() (the create flow's order), then execs process.args with
 * process.env in process.cwd. --console binds a new pty slave onto /dev/console; --userns does it
 * all in a new user namespace (identity mapping, see run_in_userns). Exit status: the
 * process's, or 1 with "rootfs-driver: <message>" on stderr if the rootfs could not be set up. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "rootfs.h"
#include "spec.h"
#include "sysctl.h"

static int die(const char *what, int r, const char *msg) {
        fprintf(stderr, "rootfs-driver: %s%s%s\n", what, msg ? ": " : "",
                msg ? msg : (r < 0 ? strerror(-r) : ""));
        return 1;
}

/* The container's PID 1: build the rootfs, exec the process. */
static int child(const struct oci_spec *spec, const char *rootfs, struct rootfs_options *opts) {
        _cleanup_free_ char *err = NULL;
        int r;

        r = rootfs_mount_all(spec, rootfs, opts, &err);
        if (r < 0)
                return die("rootfs_mount_all", r, err);
        r = rootfs_pivot_and_finalize(spec, rootfs, opts, &err);
        if (r < 0)
                return die("rootfs_pivot_and_finalize", r, err);
        /* the create flow's order: sysctl, then readonlyPaths and maskedPaths (/proc/sys) */
        r = sysctl_apply(spec, &err);
        if (r < 0)
                return die("sysctl_apply", r, err);
        r = rootfs_protect_paths(spec, &err);
        if (r < 0)
                return die("rootfs_protect_paths", r, err);
        if (spec->process->cwd && chdir(spec->process->cwd) < 0)
                return die("chdir process.cwd", -errno, NULL);
        if (spec->process->env)
                environ = spec->process->env;
        execvp(spec->process->args[0], spec->process->args);
        (void) die(spec->process->args[0], -errno, NULL);
        return 127;
}

/* Unshare the container's namespaces (and extra), run child() as their PID 1, return its status. */
static int run(const struct oci_spec *spec, const char *rootfs, struct rootfs_options *opts, int extra) {
        int status;
        pid_t pid;

        if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | extra) < 0)
                return die("unshare", -errno, NULL);
        pid = fork();
        if (pid < 0)
                return die("fork", -errno, NULL);
        if (pid == 0)
                _exit(child(spec, rootfs, opts));
        if (waitpid(pid, &status, 0) < 0)
                return die("waitpid", -errno, NULL);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int write_file(const char *path, const char *s) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t) strlen(s))
                return -errno;
        return 0;
}

/* --userns: the same in a new user namespace with the identity mapping, so root keeps its files
 * but loses what only the initial namespace may do (mknod, clearing locked mount flags). A new
 * network namespace comes too: sysfs needs one owned by the user namespace. */
static int run_in_userns(const struct oci_spec *spec, const char *rootfs, struct rootfs_options *opts) {
        int ready[2], go[2], status, r = 0;
        char path[64], c = 0;
        pid_t pid;

        if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
                return die("pipe", -errno, NULL);
        pid = fork();
        if (pid < 0)
                return die("fork", -errno, NULL);
        if (pid == 0) {
                c = unshare(CLONE_NEWUSER) < 0;
                if (write(ready[1], &c, 1) != 1 || c || read(go[0], &c, 1) != 1 || c)
                        _exit(die("unshare user namespace", -EPERM, NULL));
                _exit(run(spec, rootfs, opts, CLONE_NEWNET));
        }
        if (read(ready[0], &c, 1) != 1 || c)
                r = -EPERM;
        snprintf(path, sizeof(path), "/proc/%d/uid_map", (int) pid);
        if (r >= 0)
                r = write_file(path, "0 0 4294967295\n");
        snprintf(path, sizeof(path), "/proc/%d/gid_map", (int) pid);
        if (r >= 0)
                r = write_file(path, "0 0 4294967295\n");
        c = r < 0;
        (void) !write(go[1], &c, 1);
        if (waitpid(pid, &status, 0) < 0)
                return die("waitpid", -errno, NULL);
        if (r < 0)
                return die("user namespace maps", r, NULL);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv) {
        static const struct option longopts[] = {
                { "no-pivot", no_argument, NULL, 'p' },
                { "console", no_argument, NULL, 'c' },
                { "userns", no_argument, NULL, 'u' },
                {},
        };
        struct rootfs_options opts = ROOTFS_OPTIONS_INIT;
        struct oci_spec *spec = NULL;
        _cleanup_free_ char *err = NULL, *rootfs = NULL, *bundle = NULL;
        bool console = false;
        int c, r;

        while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (c == 'p')
                        opts.no_pivot = true;
                else if (c == 'c')
                        console = true;
                else if (c == 'u')
                        opts.in_userns = true;
                else
                        return 2;
        }
        if (optind != argc - 1) {
                fprintf(stderr, "usage: rootfs-driver [--no-pivot] [--console] [--userns] BUNDLE\n");
                return 2;
        }
        bundle = realpath(argv[optind], NULL);
        if (!bundle)
                return die(argv[optind], -errno, NULL);
        r = oci_spec_load(bundle, &spec, &err);
        if (r < 0)
                return die("config.json", r, err);
        if (!spec->process || !spec->process->args || !spec->process->args[0])
                return die("process.args", -EINVAL, NULL);
        if (asprintf(&rootfs, "%s%s%s", spec->root_path[0] == '/' ? "" : bundle,
                     spec->root_path[0] == '/' ? "" : "/", spec->root_path) < 0)
                return 1;
        opts.bundle = bundle;
        opts.defer_protected_paths = true;
        if (console) {
                int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

                if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
                        return die("posix_openpt", -errno, NULL);
                opts.console_fd = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
                if (opts.console_fd < 0)
                        return die("open pty slave", -errno, NULL);
        }

        if (opts.in_userns)
                r = run_in_userns(spec, rootfs, &opts);
        else
                r = run(spec, rootfs, &opts, 0);
        oci_spec_free(spec);
        return r;
}
