/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "envsize.h"
#include "strv.h"

/* Node's old space gets less than the Go/.NET heap: the rest of a V8 process (new space, code,
 * buffers off the heap) lives outside it. */
#define NODE_HEAP_RATIO 0.75
#define JVM_RAM_PERCENTAGE "75.0"

/* A ratio as a whole percentage (0.9 -> 90), so messages need no floating-point printf. */
static unsigned percent(double ratio) {
        return (unsigned) (ratio * 100 + 0.5);
}

const char *format_fixed(double v, unsigned decimals, char *buf, size_t n) {
        static const unsigned scale[] = { 1, 10, 100, 1000 };
        if (decimals >= ELEMENTSOF(scale))
                decimals = ELEMENTSOF(scale) - 1;
        bool neg = v < 0;
        double a = neg ? -v : v;
        if (!(a < 1e15)) {              /* NaN, infinity, or beyond what a long long holds */
                snprintf(buf, n, "%s", a != a ? "nan" : neg ? "-inf" : "inf");
                return buf;
        }
        unsigned long long x = (unsigned long long) (a * scale[decimals] + 0.5);
        neg = neg && x > 0;
        if (decimals == 0)
                snprintf(buf, n, "%s%llu", neg ? "-" : "", x);
        else
                snprintf(buf, n, "%s%llu.%0*llu", neg ? "-" : "", x / scale[decimals], (int) decimals,
                         x % scale[decimals]);
        return buf;
}

const char *format_bytes(uint64_t v, char *buf, size_t n) {
        static const char units[] = "KMGTPE";
        if (v < 1024) {
                snprintf(buf, n, "%llu", (unsigned long long) v);
                return buf;
        }
        double d = (double) v;
        size_t u = 0;
        d /= 1024;
        while (d >= 1024 && u + 1 < sizeof units - 1) {
                d /= 1024;
                u++;
        }
        size_t len = strlen(format_fixed(d, d == (double) (uint64_t) d ? 0 : 1, buf, n));
        if (len + 1 < n) {
                buf[len] = units[u];
                buf[len + 1] = '\0';
        }
        return buf;
}

static bool name_is_off(const struct envsize_options *o, const char *name) {
        for (char *const *p = o->off; p && *p; p++)
                if (strcmp(*p, name) == 0)
                        return true;
        return false;
}

/* Add name to the plan: value (NULL = not set) unless the user turned it off or already set
 * it; why (a printf format) explains either way. HUSK_CPU_LIMIT and HUSK_MEMORY_LIMIT are the
 * exception: set by the user, they were the init's own limits (libhusk reads them), and each
 * workload gets its share of them. */
_printf_(6, 7) static int plan_add(struct env_plan *p, const struct envsize_options *o, char *const *env,
                                   const char *value, const char *name, const char *why, ...);

static int plan_add(struct env_plan *p, const struct envsize_options *o, char *const *env,
                    const char *value, const char *name, const char *why, ...) {
        struct env_var *v = &p->vars[p->n++];
        const char *user = strv_env_get(env, name);

        v->name = name;
        if (o->disabled || name_is_off(o, name)) {
                snprintf(v->why, sizeof v->why, "turned off (--no-env %s)", o->disabled ? "all" : name);
                return 0;
        }
        if (user && value && !startswith(name, "HUSK_")) {
                snprintf(v->why, sizeof v->why, "already set to '%s', left alone", user);
                return 0;
        }
        va_list ap;
        va_start(ap, why);
        vsnprintf(v->why, sizeof v->why, why, ap);
        va_end(ap);
        if (value && !(v->value = strdup(value)))
                return -ENOMEM;
        return 0;
}

/* For NODE_OPTIONS and JAVA_TOOL_OPTIONS: our flags after the user's, unless the user already
 * gives one of the flags that decide the same thing (marker). */
static int plan_append(struct env_plan *p, const struct envsize_options *o, char *const *env,
                       const char *name, const char *const *markers, const char *flags, const char *why) {
        const char *user = strv_env_get(env, name);
        struct env_var *v = &p->vars[p->n];

        int r = plan_add(p, o, env, NULL, name, "%s", why);
        if (r < 0 || (o->disabled || name_is_off(o, name)) || !flags)
                return r;
        for (const char *const *m = markers; user && *m; m++)
                if (strstr(user, *m)) {
                        snprintf(v->why, sizeof v->why, "already has %s, left alone", *m);
                        return 0;
                }
        if (asprintf(&v->value, "%s%s%s", user ? user : "", user && user[0] ? " " : "", flags) < 0) {
                v->value = NULL;
                return -ENOMEM;
        }
        return 0;
}

static int plan_cpu(struct env_plan *p, const struct husk_limits_snapshot *s,
                    const struct envsize_options *o, char *const *env) {
        static const char *const thread_vars[] = {
                "GOMAXPROCS", "DOTNET_PROCESSOR_COUNT", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
        };
        unsigned n = husk_cpu_workers(s, o->rounding, 1);
        char cpus[32], count[16], why[128];
        int r;

        format_fixed(s->cpus, 2, cpus, sizeof cpus);
        snprintf(count, sizeof count, "%u", n);
        snprintf(why, sizeof why, "%s CPUs (bound by %s), rounded %s", cpus,
                 husk_cpu_bound_to_string(s->cpus_bound_by), o->rounding == HUSK_ROUND_CEIL ? "up" : "down");

        r = plan_add(p, o, env, cpus, "HUSK_CPU_LIMIT", "%s CPUs (bound by %s)", cpus,
                     husk_cpu_bound_to_string(s->cpus_bound_by));
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(thread_vars); i++)
                r = plan_add(p, o, env, count, thread_vars[i], "%s", why);
        if (r < 0)
                return r;

        char pool[16];
        snprintf(pool, sizeof pool, "%u", n > 4 ? n : 4);
        r = plan_add(p, o, env, pool, "UV_THREADPOOL_SIZE", "%s, at least libuv's default 4", why);
        if (r < 0)
                return r;
        char arenas[16];
        snprintf(arenas, sizeof arenas, "%u", 2 * n);
        return plan_add(p, o, env, arenas, "MALLOC_ARENA_MAX",
                        "2 per CPU (%u): glibc's default is 8 per host CPU", n);
}

static int plan_memory(struct env_plan *p, const struct husk_limits_snapshot *s,
                       const struct envsize_options *o, char *const *env) {
        uint64_t limit = HUSK_UNLIMITED, heap = 0, node = 0;
        char b1[32], b2[32], v[64];
        int r;

        if (s->memory_max.flags & HUSK_LIMIT_SET)
                limit = s->memory_max.value;
        if ((s->memory_high.flags & HUSK_LIMIT_SET) && s->memory_high.value < limit)
                limit = s->memory_high.value;

        if (limit == HUSK_UNLIMITED ||
            husk_heap_goal(s, HUSK_HEAP_RATIO_DEFAULT, 0, &heap) < 0 ||
            husk_heap_goal(s, NODE_HEAP_RATIO, 0, &node) < 0) {
                static const char *const vars[] = {
                        "HUSK_MEMORY_LIMIT", "GOMEMLIMIT", "DOTNET_GCHeapHardLimit", "NODE_OPTIONS",
                };
                for (size_t i = 0; i < ELEMENTSOF(vars); i++) {
                        r = plan_add(p, o, env, NULL, vars[i], "no memory limit");
                        if (r < 0)
                                return r;
                }
                return 0;
        }

        format_bytes(limit, b1, sizeof b1);
        format_bytes(heap, b2, sizeof b2);
        snprintf(v, sizeof v, "%llu", (unsigned long long) limit);
        r = plan_add(p, o, env, v, "HUSK_MEMORY_LIMIT", "memory limit %s", b1);
        if (r < 0)
                return r;
        snprintf(v, sizeof v, "%llu", (unsigned long long) heap);
        r = plan_add(p, o, env, v, "GOMEMLIMIT", "%u%% of the memory limit %s = %s",
                     percent(HUSK_HEAP_RATIO_DEFAULT), b1, b2);
        if (r < 0)
                return r;
        snprintf(v, sizeof v, "0x%llx", (unsigned long long) heap);
        r = plan_add(p, o, env, v, "DOTNET_GCHeapHardLimit", "%u%% of the memory limit %s = %s (hex, as .NET reads it)",
                     percent(HUSK_HEAP_RATIO_DEFAULT), b1, b2);
        if (r < 0)
                return r;

        static const char *const node_markers[] = { "--max-old-space-size", NULL };
        char flag[64], why[128];
        snprintf(flag, sizeof flag, "--max-old-space-size=%llu", (unsigned long long) (node >> 20));
        snprintf(why, sizeof why, "appended: %u%% of the memory limit %s, in MiB", percent(NODE_HEAP_RATIO), b1);
        return plan_append(p, o, env, "NODE_OPTIONS", node_markers, flag, why);
}

static int plan_jvm(struct env_plan *p, const struct husk_limits_snapshot *s,
                    const struct envsize_options *o, char *const *env) {
        static const char *const markers[] = { "-XX:ActiveProcessorCount", "-XX:MaxRAM", "-Xmx", NULL };
        unsigned n = husk_cpu_workers(s, o->rounding, 1);
        char flags[160], b[32];

        if (s->memory_max.flags & HUSK_LIMIT_SET) {
                snprintf(flags, sizeof flags, "-XX:ActiveProcessorCount=%u -XX:MaxRAM=%llu -XX:MaxRAMPercentage=%s",
                         n, (unsigned long long) s->memory_max.value, JVM_RAM_PERCENTAGE);
                format_bytes(s->memory_max.value, b, sizeof b);
        } else {
                snprintf(flags, sizeof flags, "-XX:ActiveProcessorCount=%u", n);
                snprintf(b, sizeof b, "no limit");
        }
        char why[128];
        snprintf(why, sizeof why, "appended (--jvm): %u CPUs, memory %s, heap %s%%", n, b, JVM_RAM_PERCENTAGE);
        return plan_append(p, o, env, "JAVA_TOOL_OPTIONS", markers, flags, why);
}

int envsize_compute(const struct husk_limits_snapshot *share, const struct envsize_options *o,
                    char *const *env, struct env_plan *ret) {
        struct env_plan p = {};

        int r = plan_cpu(&p, share, o, env);
        if (r >= 0)
                r = plan_memory(&p, share, o, env);
        if (r >= 0 && o->jvm)
                r = plan_jvm(&p, share, o, env);
        if (r < 0) {
                env_plan_done(&p);
                return r;
        }
        *ret = p;
        return 0;
}

void env_plan_done(struct env_plan *p) {
        for (size_t i = 0; i < p->n; i++)
                free(p->vars[i].value);
        p->n = 0;
}

bool env_plan_equal(const struct env_plan *a, const struct env_plan *b) {
        if (a->n != b->n)
                return false;
        for (size_t i = 0; i < a->n; i++) {
                const char *x = a->vars[i].value, *y = b->vars[i].value;
                if (strcmp(a->vars[i].name, b->vars[i].name) != 0 || !x != !y || (x && strcmp(x, y) != 0))
                        return false;
        }
        return true;
}

static char **strv_copy(char *const *l) {
        size_t n = strv_length(l);
        char **c = calloc(n + 1, sizeof(char *));
        if (!c)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (!(c[i] = strdup(l[i]))) {
                        strv_free(c);
                        return NULL;
                }
        return c;
}

int env_plan_apply(const struct env_plan *p, char *const *env, int index, char ***ret) {
        _cleanup_strv_free_ char **e = strv_copy(env);
        if (!e)
                return -ENOMEM;
        for (size_t i = 0; i < p->n; i++)
                if (p->vars[i].value && strv_env_set(&e, p->vars[i].name, p->vars[i].value) < 0)
                        return -ENOMEM;
        if (index >= 0) {
                char v[16];
                snprintf(v, sizeof v, "%d", index);
                if (strv_env_set(&e, "HUSK_WORKER_INDEX", v) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(e);
        return 0;
}
