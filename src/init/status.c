/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "status.h"

struct jbuf {
        char *buf;
        size_t n, pos;
};

_printf_(2, 3) static void jb_printf(struct jbuf *j, const char *fmt, ...);
static void jb_printf(struct jbuf *j, const char *fmt, ...) {
        if (j->pos >= j->n)
                return;
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(j->buf + j->pos, j->n - j->pos, fmt, ap);
        va_end(ap);
        j->pos = k < 0 ? j->n : j->pos + (size_t) k;
}

static void jb_string(struct jbuf *j, const char *s) {
        jb_printf(j, "\"");
        if (j->pos < j->n)
                json_escape_append(j->buf, j->n, &j->pos, s ? s : "");
        jb_printf(j, "\"");
}

static const char *const state_names[] = {
        [WORKER_UNUSED] = "unused",
        [WORKER_WAITING] = "waiting",
        [WORKER_RUNNING] = "running",
        [WORKER_STOPPING] = "stopping",
        [WORKER_DONE] = "done",
};

static void format_workers(struct jbuf *j, const struct pool *s) {
        jb_printf(j, "\"workers\":[");
        bool first = true;
        for (unsigned i = 0; i < s->n_slots; i++) {
                const struct worker *w = &s->w[i];
                if (w->state == WORKER_UNUSED)
                        continue;
                jb_printf(j, "%s{\"index\":%u,\"state\":\"%s\",\"pid\":%d,\"restarts\":%u,\"stale_env\":%s",
                          first ? "" : ",", i, state_names[w->state], (int) w->pid, w->restarts,
                          w->env_gen != s->gen && w->state == WORKER_RUNNING ? "true" : "false");
                if (w->state == WORKER_DONE || w->restarts > 0)
                        jb_printf(j, ",\"last_status\":%d", w->status);
                jb_printf(j, "}");
                first = false;
        }
        jb_printf(j, "]");
}

static void format_plan(struct jbuf *j, const struct pool *s) {
        const struct plan *p = &s->plan;
        jb_printf(j, "\"plan\":{\"workers\":%u,\"why\":", p->workers);
        jb_string(j, p->why);
        char cpus[32];
        jb_printf(j, ",\"cpus\":%s,\"cpu_bound_by\":\"%s\"", format_fixed(p->cpus, 3, cpus, sizeof cpus),
                  husk_cpu_bound_to_string(p->share.cpus_bound_by));
        if (p->memory != HUSK_UNLIMITED)
                jb_printf(j, ",\"memory\":%llu,\"heap_goal\":%llu", (unsigned long long) p->memory,
                          (unsigned long long) p->heap_goal);
        else
                jb_printf(j, ",\"memory\":null");
        if (s->args->workers_auto)
                jb_printf(j, ",\"cpu_workers\":%u", p->cpu_workers);
        if (s->args->worker_memory)
                jb_printf(j, ",\"worker_memory\":%llu,\"memory_workers\":%u",
                          (unsigned long long) s->args->worker_memory, p->memory_workers);
        jb_printf(j, ",\"env\":{");
        bool first = true;
        for (size_t i = 0; i < p->env.n; i++) {
                if (!p->env.vars[i].value)
                        continue;
                jb_printf(j, "%s", first ? "" : ",");
                jb_string(j, p->env.vars[i].name);
                jb_printf(j, ":");
                jb_string(j, p->env.vars[i].value);
                first = false;
        }
        jb_printf(j, "}}");
}

int status_format_json(const struct pool *s, const char *phase, char *buf, size_t n) {
        struct jbuf j = { .buf = buf, .n = n };

        jb_printf(&j, "{\"phase\":\"%s\",\"target\":%u,\"running\":%u,\"restarts\":%u,", phase, s->target,
                  pool_count_alive(s), s->restarts);
        if (s->have_plan) {
                format_plan(&j, s);
                jb_printf(&j, ",");
        }
        format_workers(&j, s);
        if (s->change_pending)
                jb_printf(&j, ",\"change\":{\"pending\":true,\"from\":%u,\"reason\":", s->change_from);
        else
                jb_printf(&j, ",\"change\":{\"pending\":false,\"from\":%u,\"latency_ms\":%lu,"
                          "\"reached_unix_ms\":%llu,\"reason\":", s->change_from, s->change_ms,
                          (unsigned long long) s->change_reached_ms);
        jb_string(&j, s->change_reason);
        jb_printf(&j, "}}");
        return j.pos < n ? 0 : -ENOBUFS;
}


int status_publish(const struct pool *s, const char *phase) {
        const struct init_args *a = s->args;
        static char buf[65536];

        if (a->status_fd < 0 && !a->status_file)
                return 0;
        int r = status_format_json(s, phase, buf, sizeof buf - 1);
        if (r < 0)
                return log_warning_errno(r, "status: the state does not fit in %zu bytes", sizeof buf);
        size_t len = strlen(buf);
        buf[len] = '\n';
        buf[len + 1] = '\0';
        if (a->status_fd >= 0 && (r = loop_write(a->status_fd, buf, len + 1)) < 0)
                return log_warning_errno(r, "--status-fd %d: %m", a->status_fd);
        if (a->status_file && (r = write_file_atomic_at(AT_FDCWD, a->status_file, buf, strlen(buf), 0644, false)) < 0)
                return log_warning_errno(r, "--status-file '%s': %m", a->status_file);
        return 0;
}

void status_log_change(const struct pool *s) {
        log_info("workers %u -> %u in %lu ms (%s): %s", s->change_from, pool_count_active(s), s->change_ms,
                 s->change_reason, s->plan.why);
}
