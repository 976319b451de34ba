/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk ps: the pids of a container's processes (see container-exec.h). The cgroup is the
 * authority when there is one (it also holds processes that left the pid namespace's view,
 * e.g. exec'd ones of a shared-pid-namespace container); otherwise /proc is walked. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup-container.h"
#include "cleanup.h"
#include "container-exec.h"
#include "container-internal.h"
#include "fileio.h"
#include "json-util.h"
#include "parse.h"
#include "state.h"

struct pid_list {
        pid_t *pids;
        size_t n;
};

static int pid_list_add(struct pid_list *l, pid_t pid) {
        pid_t *p = realloc(l->pids, (l->n + 1) * sizeof *p);
        if (!p)
                return -ENOMEM;
        l->pids = p;
        p[l->n++] = pid;
        return 0;
}

static bool pid_list_has(const struct pid_list *l, pid_t pid) {
        for (size_t i = 0; i < l->n; i++)
                if (l->pids[i] == pid)
                        return true;
        return false;
}

static int cmp_pid(const void *a, const void *b) {
        pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
        return x < y ? -1 : x > y;
}

static int ns_ino(const char *path, struct stat *ret) {
        return stat(path, ret) < 0 ? -errno : 0;
}

/* Field 4 (ppid) of /proc/<pid>/stat; the name in field 2 may hold spaces and parentheses. */
static int proc_ppid(pid_t pid, pid_t *ret) {
        char path[64];
        _cleanup_free_ char *line = NULL;
        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        int r = read_one_line_at(AT_FDCWD, path, &line);
        if (r < 0)
                return r;
        const char *p = strrchr(line, ')');
        int ppid;
        if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
                return -EBADMSG;
        *ret = ppid;
        return 0;
}

/* Every process of /proc: with in_ns, those whose pid namespace is init_ns; else the init and
 * its descendants (repeated passes until no new child turns up). */
static int walk_proc(pid_t init, const struct stat *init_ns, bool in_ns, struct pid_list *out) {
        _cleanup_free_ pid_t *all = NULL;
        size_t n = 0;
        DIR *d = opendir("/proc");
        if (!d)
                return -errno;
        for (struct dirent *e; (e = readdir(d));) {
                unsigned v;
                if (safe_atou(e->d_name, &v) < 0)
                        continue;
                pid_t *a = realloc(all, (n + 1) * sizeof *a);
                if (!a) {
                        closedir(d);
                        return -ENOMEM;
                }
                all = a;
                all[n++] = (pid_t) v;
        }
        closedir(d);
        int r;
        if (in_ns) {
                for (size_t i = 0; i < n; i++) {
                        char path[64];
                        struct stat st;
                        snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) all[i]);
                        if (ns_ino(path, &st) == 0 && st.st_dev == init_ns->st_dev && st.st_ino == init_ns->st_ino &&
                            (r = pid_list_add(out, all[i])) < 0)
                                return r;
                }
                return 0;
        }
        if ((r = pid_list_add(out, init)) < 0)
                return r;
        for (bool grew = true; grew;) {
                grew = false;
                for (size_t i = 0; i < n; i++) {
                        pid_t ppid;
                        if (pid_list_has(out, all[i]) || proc_ppid(all[i], &ppid) < 0 || !pid_list_has(out, ppid))
                                continue;
                        if ((r = pid_list_add(out, all[i])) < 0)
                                return r;
                        grew = true;
                }
        }
        return 0;
}

int container_pids(const char *root, const char *id, pid_t **ret, size_t *ret_n, char **ret_error) {
        _cleanup_state_dir_ struct state_dir *d = NULL;
        _cleanup_container_state_ struct container_state *s = NULL;
        int r = open_container(root, id, false, &d, &s, ret_error);
        if (r < 0)
                return r;
        if (state_status(d, s) == CONTAINER_STOPPED)
                return json_errorf(ret_error, "container '%s' is not running", id), -ESRCH;
        struct pid_list l = {};
        if (s->cgroup_path) {
                _cleanup_cgroup_ struct cgroup *cg = NULL;
                r = container_cgroup_open(id, s->cgroup_path, &cg, ret_error);
                if (r < 0)
                        return r;
                r = cgroup_pids(cg, &l.pids, &l.n);
                if (r < 0)
                        return json_errorf(ret_error, "container '%s': cgroup %s: %s", id, s->cgroup_path,
                                           strerror(-r)), r;
        } else {
                char path[64];
                struct stat init_ns, self_ns;
                snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) s->pid);
                if ((r = ns_ino(path, &init_ns)) < 0 || (r = ns_ino("/proc/self/ns/pid", &self_ns)) < 0)
                        return json_errorf(ret_error, "container '%s': %s: %s", id, path, strerror(-r)), r;
                bool own_ns = init_ns.st_dev != self_ns.st_dev || init_ns.st_ino != self_ns.st_ino;
                r = walk_proc(s->pid, &init_ns, own_ns, &l);
                if (r < 0) {
                        free(l.pids);
                        return json_errorf(ret_error, "container '%s': /proc: %s", id, strerror(-r)), r;
                }
        }
        if (l.n > 1)
                qsort(l.pids, l.n, sizeof *l.pids, cmp_pid);
        *ret = l.pids;
        *ret_n = l.n;
        return 0;
}
