/* SPDX-License-Identifier: GPL-2.0-or-later
 * What one does to a live container cgroup: freeze/thaw (cgroup.freeze, v1 freezer.state), kill
 * everything in it (cgroup.kill, 5.14+, else a signal per pid), list its processes, read its
 * statistics (memory.events, cpu.stat, pids.current and their v1 counterparts). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup.h"
#include "cleanup.h"
#include "json-util.h"
#include "limits/limits-internal.h"
#include "parse.h"
#include "strv.h"

#define FREEZE_WAIT_MS 5000

const char *cg_ctrl_dir(const struct cgroup *cg, enum cgroup_ctrl c, char *buf, size_t n) {
        int where = cgroup_layout_where(&cg->layout, c);
        if (where == 0)
                return NULL;
        return cg_file_path(buf, n, where == 1 ? cg->layout.v1[c] : cg->layout.unified, cg->path, NULL);
}

/* Where processes are tracked: cgroup2 if mounted (pure or hybrid), else the first v1 mount. */
static const char *procs_dir(const struct cgroup *cg, char *buf, size_t n) {
        if (cg->layout.unified)
                return cg_file_path(buf, n, cg->layout.unified, cg->path, NULL);
        for (size_t c = 0; c < _CG_MAX; c++)
                if (cg->layout.v1[c])
                        return cg_file_path(buf, n, cg->layout.v1[c], cg->path, NULL);
        return NULL;
}

static void sleep_ms(long ms) {
        (void) nanosleep(&(struct timespec) { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L }, NULL);
}

int cgroup_is_frozen(const struct cgroup *cg, bool *ret) {
        char dir[4096];
        _cleanup_free_ char *text = NULL;
        uint64_t v = 0;
        int r;
        if (!cg_ctrl_dir(cg, CG_FREEZER, dir, sizeof dir))
                return -EOPNOTSUPP;
        if (cgroup_layout_where(&cg->layout, CG_FREEZER) == 1) {
                if ((r = cg_read(dir, "freezer.state", &text)) < 0)
                        return r;
                *ret = startswith(text, "FROZEN");
                return 0;
        }
        if ((r = cg_read(dir, "cgroup.events", &text)) < 0)
                return r;
        if ((r = cg_keyed_get(text, "frozen", &v)) < 0)
                return r;
        *ret = v == 1;
        return 0;
}

/* v2: cgroup.freeze, then cgroup.events says "frozen 1" once every task stopped. v1: write
 * FROZEN and read back until FREEZING turns into FROZEN (cgroup-v1/freezer-subsystem.rst). */
int cgroup_freeze(const struct cgroup *cg, bool freeze, char **ret_error) {
        char dir[4096];
        int r;
        if (!cg_ctrl_dir(cg, CG_FREEZER, dir, sizeof dir))
                return json_errorf(ret_error, "cgroup %s: no freezer on this host", cg->path), -EOPNOTSUPP;
        bool v1 = cgroup_layout_where(&cg->layout, CG_FREEZER) == 1;
        r = v1 ? cg_write(dir, "freezer.state", freeze ? "FROZEN" : "THAWED", "freezer", ret_error)
               : cg_write(dir, "cgroup.freeze", freeze ? "1" : "0", "freezer", ret_error);
        if (r < 0)
                return r;
        for (int waited = 0;; waited += 10) {
                bool frozen = false;
                r = cgroup_is_frozen(cg, &frozen);
                if (r < 0)
                        return json_errorf(ret_error, "cgroup %s: read the freezer state: %s", dir, strerror(-r)), r;
                if (frozen == freeze)
                        return 0;
                if (waited >= FREEZE_WAIT_MS)
                        return json_errorf(ret_error, "cgroup %s: still not %s after %d ms", dir,
                                           freeze ? "frozen" : "thawed", FREEZE_WAIT_MS), -ETIMEDOUT;
                if (v1 && freeze)       /* v1 retries the freeze of tasks that were busy */
                        (void) cg_write(dir, "freezer.state", "FROZEN", "freezer", NULL);
                sleep_ms(10);
        }
}

int cgroup_pids(const struct cgroup *cg, pid_t **ret, size_t *ret_n) {
        char dir[4096];
        _cleanup_free_ char *text = NULL;
        if (!procs_dir(cg, dir, sizeof dir))
                return -ENOENT;
        int r = cg_read(dir, "cgroup.procs", &text);
        if (r < 0)
                return r;
        size_t n = 0, cap = 0;
        _cleanup_free_ pid_t *pids = NULL;
        for (char *save = NULL, *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
                int pid;
                if (safe_atoi(t, &pid) < 0)
                        return -EBADMSG;
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        pid_t *p = realloc(pids, cap * sizeof *p);
                        if (!p)
                                return -ENOMEM;
                        pids = p;
                }
                pids[n++] = pid;
        }
        *ret = TAKE_PTR(pids);
        *ret_n = n;
        return 0;
}

/* SIGKILL on v2 5.14+: one write to cgroup.kill, no race with forks. Otherwise a signal per
 * pid, repeated while new ones appear (a fork bomb outruns one pass); frozen v1 tasks only die
 * once thawed. */
int cgroup_kill_all(const struct cgroup *cg, int sig, char **ret_error) {
        char dir[4096];
        int r;
        if (sig == SIGKILL && cg->layout.unified) {
                cg_file_path(dir, sizeof dir, cg->layout.unified, cg->path, NULL);
                r = cg_write(dir, "cgroup.kill", "1", "kill", NULL);
                if (r < 0 && r != -ENOENT)
                        return json_errorf(ret_error, "%s/cgroup.kill: %s", dir, strerror(-r)), r;
                bool frozen = false;
                if (r >= 0 && cgroup_is_frozen(cg, &frozen) >= 0 && frozen)
                        (void) cgroup_freeze(cg, false, NULL);  /* frozen v1 tasks die once thawed */
                if (r >= 0)
                        return 0;
        }
        for (int pass = 0; pass < 10; pass++) {
                _cleanup_free_ pid_t *pids = NULL;
                size_t n = 0;
                r = cgroup_pids(cg, &pids, &n);
                if (r == -ENOENT)
                        return 0;
                if (r < 0)
                        return json_errorf(ret_error, "cgroup %s: list processes: %s", cg->path, strerror(-r)), r;
                if (n == 0)
                        break;
                for (size_t i = 0; i < n; i++)
                        (void) kill(pids[i], sig);
                if (sig != SIGKILL)
                        return 0;
                bool frozen = false;
                if (cgroup_is_frozen(cg, &frozen) >= 0 && frozen)
                        (void) cgroup_freeze(cg, false, NULL);
                sleep_ms(5);
        }
        return 0;
}

int cg_read_u64(const char *dir, const char *file, const char *key, uint64_t *ret) {
        _cleanup_free_ char *text = NULL;
        int r = cg_read(dir, file, &text);
        if (r < 0)
                return r;
        if (key)
                return cg_keyed_get(text, key, ret);
        if (startswith(text, "max")) {
                *ret = UINT64_MAX;
                return 0;
        }
        return safe_atou64(text, ret);
}

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *ret) {
        struct cgroup_stats s = {};
        char dir[4096];
        if (cg_ctrl_dir(cg, CG_MEMORY, dir, sizeof dir)) {
                bool v1 = cgroup_layout_where(&cg->layout, CG_MEMORY) == 1;
                s.has_memory = cg_read_u64(dir, v1 ? "memory.usage_in_bytes" : "memory.current", NULL,
                                        &s.memory_current) >= 0;
                (void) cg_read_u64(dir, v1 ? "memory.limit_in_bytes" : "memory.max", NULL, &s.memory_max);
                if (v1) {
                        (void) cg_read_u64(dir, "memory.oom_control", "oom_kill", &s.memory_events_oom_kill);
                        (void) cg_read_u64(dir, "memory.failcnt", NULL, &s.memory_events_max);
                        s.memory_events_oom = s.memory_events_oom_kill;
                } else {
                        (void) cg_read_u64(dir, "memory.events", "oom", &s.memory_events_oom);
                        (void) cg_read_u64(dir, "memory.events", "oom_kill", &s.memory_events_oom_kill);
                        (void) cg_read_u64(dir, "memory.events", "max", &s.memory_events_max);
                }
        }
        if (cg_ctrl_dir(cg, CG_PIDS, dir, sizeof dir)) {
                s.has_pids = cg_read_u64(dir, "pids.current", NULL, &s.pids_current) >= 0;
                (void) cg_read_u64(dir, "pids.max", NULL, &s.pids_max);
        }
        if (cg_ctrl_dir(cg, CG_CPU, dir, sizeof dir)) {
                bool v1 = cgroup_layout_where(&cg->layout, CG_CPU) == 1;
                s.has_cpu = cg_read_u64(dir, "cpu.stat", "nr_periods", &s.cpu_nr_periods) >= 0;
                (void) cg_read_u64(dir, "cpu.stat", "nr_throttled", &s.cpu_nr_throttled);
                if (v1) {
                        uint64_t ns = 0;
                        if (cg_read_u64(dir, "cpu.stat", "throttled_time", &ns) >= 0)
                                s.cpu_throttled_usec = ns / 1000;
                        char acct[4096];
                        if (cg_ctrl_dir(cg, CG_CPUACCT, acct, sizeof acct) &&
                            cg_read_u64(acct, "cpuacct.usage", NULL, &ns) >= 0)
                                s.cpu_usage_usec = ns / 1000;
                } else {
                        (void) cg_read_u64(dir, "cpu.stat", "usage_usec", &s.cpu_usage_usec);
                        (void) cg_read_u64(dir, "cpu.stat", "throttled_usec", &s.cpu_throttled_usec);
                }
        } else if (cg->layout.unified) {
                /* cpu.stat's usage is core on v2, even without the cpu controller */
                cg_file_path(dir, sizeof dir, cg->layout.unified, cg->path, NULL);
                s.has_cpu = cg_read_u64(dir, "cpu.stat", "usage_usec", &s.cpu_usage_usec) >= 0;
        }
        *ret = s;
        return 0;
}
