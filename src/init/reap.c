/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "parse.h"
#include "reap.h"

int pid1_adopt_orphans(bool *ret_is_pid1) {
        bool is_pid1 = getpid() == 1;

        if (!is_pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                return -errno;
        *ret_is_pid1 = is_pid1;
        return 0;
}

int reap_children(reap_fn fn, void *userdata, bool *ret_none_left) {
        int n = 0;

        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, WNOHANG | WUNTRACED);
                if (pid < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno != ECHILD)
                                return -errno;
                        *ret_none_left = true;
                        return n;
                }
                if (pid == 0) {
                        *ret_none_left = false;
                        return n;
                }
                if (!WIFSTOPPED(status))
                        n++;
                if (fn)
                        fn(pid, status, userdata);
        }
}

int exit_status_from_wait(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 1;
}

/* A growable list of pids, for the breadth-first walk below. */
struct pid_list {
        pid_t *pids;
        size_t n, cap;
};

static int pid_list_add(struct pid_list *l, pid_t pid) {
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 64;
                pid_t *p = realloc(l->pids, cap * sizeof(pid_t));
                if (!p)
                        return -ENOMEM;
                l->pids = p;
                l->cap = cap;
        }
        l->pids[l->n++] = pid;
        return 0;
}

/* Append the children of every thread of pid ("/proc/<pid>/task/<tid>/children", a
 * space-separated list, CONFIG_PROC_CHILDREN; Documentation/filesystems/proc.rst). A process
 * that is already gone has no children to add. */
static int add_children_of(struct pid_list *l, pid_t pid) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task", (int) pid);
        _cleanup_closedir_ DIR *d = opendir(path);
        if (!d)
                return errno == ENOENT || errno == ESRCH ? 0 : -errno;

        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                char cpath[PATH_MAX];
                _cleanup_free_ char *buf = NULL;
                snprintf(cpath, sizeof cpath, "%s/%s/children", path, de->d_name);
                if (read_full_file_at(AT_FDCWD, cpath, &buf, NULL) < 0)
                        continue;
                char *save = NULL;
                for (char *tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
                        int child;
                        if (safe_atoi(tok, &child) < 0)
                                continue;
                        int r = pid_list_add(l, child);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int signal_descendants(int sig, bool is_pid1) {
        if (is_pid1) {
                if (kill(-1, sig) < 0)
                        return errno == ESRCH ? 0 : -errno;
                return 1;
        }

        if (access("/proc/self/task", F_OK) < 0)
                return -errno;

        struct pid_list l = {};
        int r = add_children_of(&l, getpid());
        /* Parents first, so a forking parent is hit before it can make children we missed. */
        for (size_t i = 0; r >= 0 && i < l.n; i++) {
                (void) kill(l.pids[i], sig);
                r = add_children_of(&l, l.pids[i]);
        }
        size_t n = l.n;
        free(l.pids);
        return r < 0 ? r : (int) n;
}
