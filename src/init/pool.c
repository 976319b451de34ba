/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "reap.h"
#include "pool.h"
#include "child.h"
#include "strv.h"

int pool_init(struct pool *s, const struct init_args *a, const struct sig_saved *sigs, char *const *env) {
        *s = (struct pool) {
                .args = a,
                .sigs = sigs,
                .env = env,
        };
        s->crashes = calloc(a->crash_limit, sizeof(usec_t));
        return s->crashes ? 0 : -ENOMEM;
}

void pool_done(struct pool *s) {
        if (s->have_plan)
                plan_done(&s->plan);
        free(s->w);
        free(s->crashes);
        s->w = NULL;
        s->crashes = NULL;
}

static int ensure_slots(struct pool *s, unsigned n) {
        if (n <= s->n_slots)
                return 0;
        struct worker *w = realloc(s->w, n * sizeof(struct worker));
        if (!w)
                return -ENOMEM;
        memset(w + s->n_slots, 0, (n - s->n_slots) * sizeof(struct worker));
        s->w = w;
        s->n_slots = n;
        return 0;
}

int pool_set_plan(struct pool *s, struct plan *p, const char *reason, usec_t now) {
        int r = ensure_slots(s, p->workers);
        if (r < 0) {
                plan_done(p);
                return r;
        }
        if (!s->have_plan || !env_plan_equal(&s->plan.env, &p->env))
                s->gen++;
        if (!s->have_plan || p->workers != s->target) {
                if (!s->change_pending) {
                        s->change_from = s->have_plan ? pool_count_active(s) : 0;
                        s->change_at = now;
                }
                s->change_pending = true;
                snprintf(s->change_reason, sizeof s->change_reason, "%s", reason);
        }
        if (s->have_plan)
                plan_done(&s->plan);
        s->plan = *p;
        s->have_plan = true;
        s->target = p->workers;
        s->dirty = true;
        return 0;
}

static pid_t worker_target_pid(const struct pool *s, const struct worker *w) {
        return s->args->kill_group ? -w->pid : w->pid;
}

unsigned pool_signal(struct pool *s, int sig) {
        unsigned n = 0;
        for (unsigned i = 0; i < s->n_slots; i++) {
                struct worker *w = &s->w[i];
                if (w->state != WORKER_RUNNING && w->state != WORKER_STOPPING)
                        continue;
                if (kill(worker_target_pid(s, w), sig) >= 0)
                        n++;
        }
        return n;
}

void pool_stop(struct pool *s) {
        s->stopping = true;
        for (unsigned i = 0; i < s->n_slots; i++)
                if (s->w[i].state == WORKER_WAITING)
                        s->w[i].state = WORKER_DONE;
        s->change_pending = false;
        s->dirty = true;
}

unsigned pool_count_alive(const struct pool *s) {
        unsigned n = 0;
        for (unsigned i = 0; i < s->n_slots; i++)
                n += s->w[i].state == WORKER_RUNNING || s->w[i].state == WORKER_STOPPING;
        return n;
}

unsigned pool_count_active(const struct pool *s) {
        unsigned n = 0;
        for (unsigned i = 0; i < s->n_slots; i++)
                n += s->w[i].state == WORKER_RUNNING || s->w[i].state == WORKER_WAITING ||
                     (s->w[i].state == WORKER_STOPPING && !s->w[i].retire);
        return n;
}

/* Start the worker in slot i now, with the current plan's environment. A failed fork counts
 * as a crash of the worker (it is retried with backoff). */
static int worker_start(struct pool *s, unsigned i, usec_t now) {
        struct worker *w = &s->w[i];
        _cleanup_strv_free_ char **envp = NULL;

        int r = env_plan_apply(&s->plan.env, s->env, s->args->scheduler ? (int) i : -1, &envp);
        if (r < 0)
                return log_error_errno(r, "worker %u: cannot build its environment: %m", i);

        struct spawn_params sp = {
                .argv = s->args->argv,
                .envp = envp,
                .sigs = s->sigs,
                .foreground_tty = !s->args->scheduler,
        };
        pid_t pid = 0;
        r = spawn_workload(&sp, &pid);
        if (r < 0) {
                s->spawn_failures++;
                w->state = WORKER_WAITING;
                w->start_at = now + (w->delay ? w->delay : s->args->restart_delay);
                return log_error_errno(r, "worker %u: fork: %m", i);
        }
        if (s->args->scheduler)
                log_debug("worker %u: started, pid %d", i, (int) pid);
        w->state = WORKER_RUNNING;
        w->pid = pid;
        w->started = now;
        w->env_gen = s->gen;
        w->retire = false;
        s->dirty = true;
        return 0;
}

static void worker_stop(struct pool *s, unsigned i, bool retire, usec_t now) {
        struct worker *w = &s->w[i];
        if (w->state == WORKER_WAITING) {
                w->state = retire ? WORKER_UNUSED : WORKER_WAITING;
                return;
        }
        if (w->state != WORKER_RUNNING)
                return;
        log_debug("worker %u: %s (pid %d)", i, retire ? "retiring" : "rolling", (int) w->pid);
        (void) kill(worker_target_pid(s, w), SIGTERM);
        w->state = WORKER_STOPPING;
        w->retire = retire;
        w->kill_at = now + s->args->grace;
        s->dirty = true;
}

/* Record a failure; true when crash_limit failures fell within crash_window. */
static bool note_crash(struct pool *s, usec_t now) {
        unsigned limit = s->args->crash_limit;
        s->crashes[s->n_crashes % limit] = now;
        s->n_crashes++;
        if (s->n_crashes < limit)
                return false;
        usec_t oldest = s->crashes[s->n_crashes % limit];
        return now - oldest <= s->args->crash_window;
}

static bool should_restart(const struct pool *s, int status) {
        if (!s->args->scheduler || s->stopping)
                return false;
        switch (s->args->restart) {
        case RESTART_ALWAYS:     return true;
        case RESTART_ON_FAILURE: return status != 0;
        default:                 return false;
        }
}

/* A worker ended on its own: restart after a delay that doubles while it keeps dying young
 * and starts over once it ran longer than the longest delay. */
static void worker_ended(struct pool *s, unsigned i, int status, usec_t now) {
        struct worker *w = &s->w[i];
        const struct init_args *a = s->args;

        s->last_status = status;
        if (status != 0 && s->args->scheduler && !s->stopping && note_crash(s, now))
                s->crash_loop = true;
        if (!should_restart(s, status) || s->crash_loop) {
                w->state = WORKER_DONE;
                return;
        }
        if (now - w->started > a->restart_delay_max || w->delay == 0)
                w->delay = a->restart_delay;
        else
                w->delay = w->delay * 2 > a->restart_delay_max ? a->restart_delay_max : w->delay * 2;
        w->state = WORKER_WAITING;
        w->start_at = now + w->delay;
        w->restarts++;
        s->restarts++;
        log_warning("worker %u (pid %d) ended with status %d; restarting in %llu ms", i, (int) w->pid, status,
                    (unsigned long long) (w->delay / USEC_PER_MSEC));
}

bool pool_child_exited(struct pool *s, pid_t pid, int wait_status, usec_t now) {
        int status = exit_status_from_wait(wait_status);
        for (unsigned i = 0; i < s->n_slots; i++) {
                struct worker *w = &s->w[i];
                if ((w->state != WORKER_RUNNING && w->state != WORKER_STOPPING) || w->pid != pid)
                        continue;
                w->status = status;
                s->dirty = true;
                if (w->state == WORKER_STOPPING) {
                        /* We asked it to go: a retired slot closes, a rolled one restarts now. */
                        log_debug("worker %u (pid %d) stopped with status %d", i, (int) pid, status);
                        w->state = w->retire || s->stopping ? WORKER_UNUSED : WORKER_WAITING;
                        w->start_at = now;
                        w->delay = 0;
                        if (s->stopping)
                                s->last_status = status;
                } else
                        worker_ended(s, i, status, now);
                w->pid = 0;
                return true;
        }
        return false;
}

/* Roll one worker whose environment is from an older plan, unless one is already rolling:
 * one at a time keeps N-1 serving. */
static void roll_one(struct pool *s, usec_t now) {
        if (s->change_pending)
                return;
        for (unsigned i = 0; i < s->n_slots; i++)
                if (s->w[i].state == WORKER_STOPPING && !s->w[i].retire)
                        return;
        for (unsigned i = 0; i < s->target; i++)
                if (s->w[i].state == WORKER_RUNNING && s->w[i].env_gen != s->gen) {
                        worker_stop(s, i, false, now);
                        return;
                }
}

int pool_reconcile(struct pool *s, usec_t now) {
        int ret = 0;

        for (unsigned i = 0; i < s->n_slots; i++) {
                struct worker *w = &s->w[i];
                if (w->state == WORKER_STOPPING && now >= w->kill_at) {
                        log_warning("worker %u (pid %d) still running after the grace period: SIGKILL", i, (int) w->pid);
                        (void) kill(worker_target_pid(s, w), SIGKILL);
                        w->kill_at = USEC_INFINITY;
                }
        }
        if (s->stopping || s->crash_loop)
                return 0;

        /* Retire from the top so the indexes stay 0..N-1. */
        for (unsigned i = s->target; i < s->n_slots; i++)
                worker_stop(s, i, true, now);
        for (unsigned i = 0; i < s->target; i++) {
                struct worker *w = &s->w[i];
                if (w->state == WORKER_UNUSED || (w->state == WORKER_WAITING && now >= w->start_at)) {
                        int r = worker_start(s, i, now);
                        if (r < 0 && ret == 0)
                                ret = r;
                }
        }
        roll_one(s, now);
        return ret;
}

usec_t pool_next_deadline(const struct pool *s) {
        usec_t t = USEC_INFINITY;
        for (unsigned i = 0; i < s->n_slots; i++) {
                const struct worker *w = &s->w[i];
                if (w->state == WORKER_WAITING && !s->stopping && w->start_at < t)
                        t = w->start_at;
                if (w->state == WORKER_STOPPING && w->kill_at < t)
                        t = w->kill_at;
        }
        return t;
}

bool pool_check_reached(struct pool *s, usec_t now) {
        if (!s->change_pending)
                return false;
        for (unsigned i = 0; i < s->n_slots; i++) {
                const struct worker *w = &s->w[i];
                bool want = i < s->target;
                if (want && w->state != WORKER_RUNNING && w->state != WORKER_DONE)
                        return false;
                if (!want && w->state != WORKER_UNUSED && w->state != WORKER_DONE)
                        return false;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        s->change_pending = false;
        s->change_ms = (unsigned long) ((now - s->change_at + USEC_PER_MSEC / 2) / USEC_PER_MSEC);
        s->change_reached_ms = (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
        return true;
}
