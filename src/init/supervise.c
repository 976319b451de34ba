/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "log.h"
#include "reap.h"
#include "status.h"
#include "supervise.h"

extern char **environ;

/* The SIGKILL pass after the grace period repeats at this interval until nothing is left
 * (a process forked while we walked the tree). */
#define KILL_RETRY_USEC (100 * USEC_PER_MSEC)

static const char *phase_name(enum phase p) {
        return p == PHASE_RUNNING ? "running" : p == PHASE_STOPPING ? "stopping" : "draining";
}

/* Describe what moved between two plans, for the status line. */
static void describe_change(const struct plan *old, const struct plan *new, char *buf, size_t n) {
        char a[32], b[32];
        size_t pos = 0;
        if (old->cpus != new->cpus)
                pos += (size_t) snprintf(buf, n, "cpu %s -> %s", format_fixed(old->cpus, 2, a, sizeof a),
                                         format_fixed(new->cpus, 2, b, sizeof b));
        if (old->memory != new->memory && pos < n)
                snprintf(buf + pos, n - pos, "%smemory %s -> %s", pos ? ", " : "",
                         old->memory == HUSK_UNLIMITED ? "max" : format_bytes(old->memory, a, sizeof a),
                         new->memory == HUSK_UNLIMITED ? "max" : format_bytes(new->memory, b, sizeof b));
        if (!buf[0])
                snprintf(buf, n, "limits unchanged");
}

int supervisor_reload(struct supervisor *sv, const char *reason) {
        struct husk_limits_snapshot snap;
        struct plan p;
        char why[128] = "";

        if (!sv->limits)
                return 0;
        (void) husk_limits_refresh(sv->limits);
        int r = husk_limits_read(sv->limits, &snap);
        if (r < 0)
                return log_warning_errno(r, "cannot read the cgroup limits: %m");
        r = plan_compute(&snap, sv->args, environ, &p);
        if (r < 0)
                return log_error_errno(r, "cannot size the workers: %m");
        describe_change(&sv->pool.plan, &p, why, sizeof why);
        log_debug("%s: %s: %s", reason, why, p.why);
        char full[sizeof why + 64];
        snprintf(full, sizeof full, "%s: %s", reason, why);
        /* The same count with another environment: no "workers N -> M" line will say why the
         * workers are restarted, so this one does. */
        unsigned n = p.workers;
        bool roll = sv->pool.have_plan && n == sv->pool.target && !env_plan_equal(&sv->pool.plan.env, &p.env);
        r = pool_set_plan(&sv->pool, &p, full, now_usec());
        if (r >= 0 && roll)
                log_info("rolling %u workers, their environment changed (%s)", n, full);
        return r;
}

/* SIGTERM (or SIGINT with workers): the workloads get it, restarts stop, and SIGKILL follows
 * after the grace period. */
static void begin_stop(struct supervisor *sv, int sig) {
        char name[32];
        if (sv->phase == PHASE_RUNNING) {
                log_debug("%s: stopping, grace period %llu ms", signal_to_string(sig, name, sizeof name),
                          (unsigned long long) (sv->args->grace / USEC_PER_MSEC));
                sv->phase = PHASE_STOPPING;
                sv->stop_requested = true;
                sv->kill_at = now_usec() + sv->args->grace;
                pool_stop(&sv->pool);
        }
        pool_signal(&sv->pool, sig);
}

/* The workloads are gone: whatever we adopted gets SIGTERM, and the grace period to leave. */
static void begin_drain(struct supervisor *sv) {
        sv->phase = PHASE_DRAINING;
        pool_stop(&sv->pool);
        if (sv->kill_at == USEC_INFINITY)
                sv->kill_at = now_usec() + sv->args->grace;
        if (sv->none_left)
                return;
        int r = signal_descendants(SIGTERM, sv->is_pid1);
        if (r < 0)
                log_warning_errno(r, "cannot find the remaining processes: %m");
        else
                log_debug("workload ended; SIGTERM to the %d remaining processes", r);
}

static void handle_signal(struct supervisor *sv, int sig) {
        bool workers = sv->args->scheduler;

        if (sig == SIGCHLD)
                return;
        if (sig == SIGTERM || (workers && sig == SIGINT)) {
                begin_stop(sv, sig);
                return;
        }
        if (workers && sig == SIGHUP) {
                (void) supervisor_reload(sv, "SIGHUP");
                return;
        }
        /* Continued after a job-control stop: the shell gave the terminal to our group, the
         * command wants it back. */
        if (sig == SIGCONT && !workers && sv->pool.n_slots > 0 && sv->pool.w[0].pid > 0)
                child_foreground(sv->pool.w[0].pid);
        /* SIGTSTP, SIGTTIN, SIGTTOU too: if the command stops, on_reaped() stops us. */
        pool_signal(&sv->pool, sig);
}

static int read_signals(struct supervisor *sv) {
        for (;;) {
                struct signalfd_siginfo si;
                ssize_t n = read(sv->signal_fd, &si, sizeof si);
                if (n < 0) {
                        if (errno == EAGAIN)
                                return 0;
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if ((size_t) n != sizeof si)
                        return -EIO;
                handle_signal(sv, (int) si.ssi_signo);
        }
}

static void on_reaped(pid_t pid, int status, void *userdata) {
        struct supervisor *sv = userdata;
        if (WIFSTOPPED(status)) {
                /* The command stopped for the terminal (Ctrl-Z, or a SIGTSTP we forwarded):
                 * unless we are PID 1, stop too, so the shell that started us sees its job
                 * stopped (as dumb-init does); its SIGCONT comes to us and is forwarded. */
                if (!sv->args->scheduler && !sv->is_pid1 && signal_is_tty_stop(WSTOPSIG(status)))
                        (void) kill(getpid(), SIGSTOP);
                return;
        }
        sv->reaped++;
        if (!pool_child_exited(&sv->pool, pid, status, now_usec()))
                log_debug("reaped pid %d (status %d)", (int) pid, exit_status_from_wait(status));
}

static void reap(struct supervisor *sv) {
        int r = reap_children(on_reaped, sv, &sv->none_left);
        if (r < 0)
                log_warning_errno(r, "waitpid: %m");
}

/* SIGKILL to every process left once the grace period is over. */
static void kill_remaining(struct supervisor *sv, usec_t now) {
        log_warning("grace period over: SIGKILL to the remaining processes");
        pool_signal(&sv->pool, SIGKILL);
        int r = signal_descendants(SIGKILL, sv->is_pid1);
        if (r < 0)
                log_warning_errno(r, "cannot find the remaining processes: %m");
        sv->kill_at = now + KILL_RETRY_USEC;
}

/* Everything that follows from time passing and children ending: one step of the algorithm. */
static void step(struct supervisor *sv, usec_t now) {
        struct pool *s = &sv->pool;

        if (sv->phase != PHASE_RUNNING && now >= sv->kill_at && !sv->none_left)
                kill_remaining(sv, now);
        (void) pool_reconcile(s, now);

        if (sv->phase == PHASE_RUNNING && s->crash_loop) {
                log_error("crash loop: %u worker failures within %llu s; stopping", sv->args->crash_limit,
                          (unsigned long long) (sv->args->crash_window / USEC_PER_SEC));
                begin_stop(sv, SIGTERM);
        }
        if (sv->phase == PHASE_RUNNING && pool_count_active(s) == 0 && pool_count_alive(s) == 0)
                begin_drain(sv);
        else if (sv->phase == PHASE_STOPPING && pool_count_alive(s) == 0)
                begin_drain(sv);

        if (sv->args->scheduler && pool_check_reached(s, now))
                status_log_change(s);
        if (s->dirty) {
                (void) status_publish(s, phase_name(sv->phase));
                s->dirty = false;
        }
}

/* The init's exit status: the command's (exit code or 128+signal); with workers 0 after a
 * requested stop, else the last worker's; 1 after a crash loop. */
static int final_status(const struct supervisor *sv) {
        if (sv->pool.crash_loop)
                return 1;
        if (sv->args->scheduler && sv->stop_requested)
                return 0;
        return sv->pool.last_status;
}

static int poll_timeout(usec_t deadline, usec_t now) {
        if (deadline == USEC_INFINITY)
                return -1;
        if (deadline <= now)
                return 0;
        usec_t ms = (deadline - now + USEC_PER_MSEC - 1) / USEC_PER_MSEC;
        return ms > 60000 ? 60000 : (int) ms;
}

int supervisor_run(struct supervisor *sv) {
        struct pollfd fds[2] = {
                { .fd = sv->signal_fd, .events = POLLIN },
                { .fd = -1, .events = POLLIN },
        };
        if (sv->limits && sv->args->scheduler) {
                int fd = husk_limits_watch_fd(sv->limits);
                if (fd < 0)
                        log_warning_errno(fd, "cannot watch the cgroup limits (SIGHUP re-reads them): %m");
                fds[1].fd = fd < 0 ? -1 : fd;
        }

        sv->kill_at = USEC_INFINITY;
        step(sv, now_usec());
        for (;;) {
                if (sv->phase != PHASE_RUNNING && sv->none_left)
                        break;
                usec_t now = now_usec();
                usec_t deadline = pool_next_deadline(&sv->pool);
                if (sv->phase != PHASE_RUNNING && sv->kill_at < deadline)
                        deadline = sv->kill_at;
                if (poll(fds, 2, poll_timeout(deadline, now)) < 0 && errno != EINTR)
                        return log_error_errno(errno, "poll: %m"), 1;
                if (fds[0].revents & POLLIN) {
                        int r = read_signals(sv);
                        if (r < 0)
                                return log_error_errno(r, "signalfd: %m"), 1;
                }
                if (fds[1].revents & POLLIN && husk_limits_watch_drain(sv->limits) > 0)
                        (void) supervisor_reload(sv, "limits changed");
                reap(sv);
                step(sv, now_usec());
        }
        (void) status_publish(&sv->pool, "exited");
        return final_status(sv);
}
