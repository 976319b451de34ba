/* SPDX-License-Identifier: GPL-2.0-or-later
 * Running OCI hooks (see hooks.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "hooks.h"
#include "json-util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int pidfd_open_(pid_t pid) {
        return (int) syscall(SYS_pidfd_open, pid, 0);
}

/* Wait for pid with an optional timeout (seconds, 0 = none); kill it on timeout. */
static int wait_hook(pid_t pid, int timeout, int *ret_status) {
        _cleanup_close_ int pfd = timeout > 0 ? pidfd_open_(pid) : -EBADF;
        bool timed_out = false;
        if (pfd >= 0) {
                struct pollfd p = { .fd = pfd, .events = POLLIN };
                int n;
                do
                        n = poll(&p, 1, timeout * 1000);
                while (n < 0 && errno == EINTR);
                if (n == 0) {
                        timed_out = true;
                        (void) kill(pid, SIGKILL);
                }
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (timed_out)
                return -ETIME;
        *ret_status = status;
        return 0;
}

static int run_one(const struct oci_hook *h, const char *state_json, int *ret_status) {
        if (access(h->path, X_OK) < 0)
                return -errno;
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        _cleanup_close_ int rd = pipefd[0], wr = pipefd[1];
        char *default_args[] = { h->path, NULL };
        char *empty_env[] = { NULL };

        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                if (dup2(rd, STDIN_FILENO) < 0)
                        _exit(127);
                (void) syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
                sigset_t all;
                sigemptyset(&all);
                sigprocmask(SIG_SETMASK, &all, NULL);
                execve(h->path, h->args ? h->args : default_args, h->env ? h->env : empty_env);
                _exit(errno == ENOENT ? 127 : 126);
        }
        rd = safe_close(rd);
        /* The state is small (< pipe buffer); a hook that does not read it must not block us. */
        (void) fcntl(wr, F_SETFL, O_NONBLOCK);
        (void) loop_write_nosigpipe(wr, state_json, strlen(state_json));
        wr = safe_close(wr);
        return wait_hook(pid, h->has_timeout ? h->timeout : 0, ret_status);
}

/* Hooks [from, n) of kind until one fails; *ret_failed gets its index. */
static int run_from(const struct oci_spec *spec, enum oci_hook_kind kind, size_t from, const char *state_json,
                    size_t *ret_failed, char **ret_error) {
        const struct oci_hook *hooks = spec->hooks.hooks[kind];
        for (size_t i = from; i < spec->hooks.n_hooks[kind]; i++) {
                *ret_failed = i;
                const char *what = oci_hook_kind_to_string(kind);
                int status = 0;
                int r = run_one(&hooks[i], state_json, &status);
                if (r == -ETIME)
                        return json_errorf(ret_error, "%s hook[%zu] (%s): timed out after %d s",
                                           what, i, hooks[i].path, hooks[i].timeout), r;
                if (r < 0)
                        return json_errorf(ret_error, "%s hook[%zu] (%s): %s", what, i, hooks[i].path,
                                           strerror(-r)), r;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                        continue;
                if (WIFEXITED(status))
                        json_errorf(ret_error, "%s hook[%zu] (%s): exited with status %d%s", what, i,
                                    hooks[i].path, WEXITSTATUS(status),
                                    WEXITSTATUS(status) == 127 ? " (cannot execute)" : "");
                else
                        json_errorf(ret_error, "%s hook[%zu] (%s): killed by signal %d", what, i,
                                    hooks[i].path, WTERMSIG(status));
                return -EIO;
        }
        return 0;
}

int hooks_run(const struct oci_spec *spec, enum oci_hook_kind kind, const char *state_json,
              char **ret_error) {
        size_t failed = 0;
        return run_from(spec, kind, 0, state_json, &failed, ret_error);
}

int hooks_run_all(const struct oci_spec *spec, enum oci_hook_kind kind, const char *state_json,
                  char **ret_error) {
        int first = 0;
        for (size_t i = 0; i < spec->hooks.n_hooks[kind]; i++) {
                int r = run_from(spec, kind, i, state_json, &i, ret_error);
                if (r >= 0)
                        break;
                if (first == 0)
                        first = r;
        }
        return first;
}
