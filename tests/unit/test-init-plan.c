/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk-init's sizing: worker counts from the limits (src/init/plan.c) and the environment each
 * worker gets (src/init/envsize.c), over hand-made libhusk snapshots. */
#include <criterion/criterion.h>
#include <string.h>

#include "init/args.h"
#include "init/plan.h"
#include "strv.h"

#define MiB (UINT64_C(1) << 20)

static struct husk_limits_snapshot snap(double cpus, uint64_t memory_max) {
        struct husk_limits_snapshot s;
        plan_host_snapshot(&s);
        s.host_cpus = 64;
        s.cpus = cpus;
        s.cpus_bound_by = HUSK_CPU_BOUND_QUOTA;
        if (memory_max != HUSK_UNLIMITED)
                s.memory_max = (struct husk_limit) { .value = memory_max, .flags = HUSK_LIMIT_SET, .source = "/x" };
        return s;
}

static struct init_args args_for(const char *const *argv) {
        struct init_args a;
        int argc = 0;
        while (argv[argc])
                argc++;
        cr_assert_eq(init_args_parse(&a, argc, (char **) argv), 1, "arguments rejected");
        return a;
}

static const char *var(const struct plan *p, const char *name) {
        for (size_t i = 0; i < p->env.n; i++)
                if (strcmp(p->env.vars[i].name, name) == 0)
                        return p->env.vars[i].value;
        cr_assert_fail("%s missing from the plan", name);
        return NULL;
}

struct count_case {
        const char *const argv[12];
        double cpus;
        uint64_t memory;
        unsigned workers;
};

Test(init_plan, worker_counts) {
        static const struct count_case cases[] = {
                /* the examples: cpu.max 150000 100000 -> 2 with ceil, 1 with floor */
                { { "husk-init", "--workers", "auto", "--", "w", NULL }, 1.5, HUSK_UNLIMITED, 2 },
                { { "husk-init", "--workers", "auto", "--cpu-rounding", "floor", "--", "w", NULL }, 1.5, HUSK_UNLIMITED, 1 },
                /* memory.max 256M with --worker-memory 100M -> 2; 512M -> 4 */
                { { "husk-init", "--workers", "8", "--worker-memory", "100M", "--", "w", NULL }, 8, 256 * MiB, 2 },
                { { "husk-init", "--workers", "8", "--worker-memory", "100M", "--", "w", NULL }, 8, 512 * MiB, 4 },
                { { "husk-init", "--workers", "auto", "--worker-memory", "100M", "--", "w", NULL }, 3, 512 * MiB, 3 },
                /* nothing fits: --min-workers wins */
                { { "husk-init", "--workers", "auto", "--worker-memory", "1G", "--", "w", NULL }, 4, 256 * MiB, 1 },
                { { "husk-init", "--workers", "auto", "--worker-memory", "1G", "--min-workers", "2", "--", "w", NULL }, 4, 256 * MiB, 2 },
                { { "husk-init", "--workers", "auto", "--max-workers", "3", "--", "w", NULL }, 16, HUSK_UNLIMITED, 3 },
                /* no memory limit: no cap */
                { { "husk-init", "--workers", "auto", "--worker-memory", "100M", "--", "w", NULL }, 4, HUSK_UNLIMITED, 4 },
                { { "husk-init", "--", "w", NULL }, 4, 256 * MiB, 1 },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct init_args a = args_for(cases[i].argv);
                struct husk_limits_snapshot s = snap(cases[i].cpus, cases[i].memory);
                struct plan p;
                char *env[] = { NULL };
                cr_assert_eq(plan_compute(&s, &a, env, &p), 0);
                cr_expect_eq(p.workers, cases[i].workers, "case %zu: %u workers, want %u (%s)", i, p.workers,
                             cases[i].workers, p.why);
                plan_done(&p);
                init_args_done(&a);
        }
}

Test(init_plan, why_names_the_inputs) {
        static const char *const argv[] = { "husk-init", "--workers", "auto", "--worker-memory", "100M", "--", "w", NULL };
        struct init_args a = args_for(argv);
        struct husk_limits_snapshot s = snap(4, 256 * MiB);
        struct plan p;
        char *env[] = { NULL };
        cr_assert_eq(plan_compute(&s, &a, env, &p), 0);
        cr_expect_str_eq(p.why, "cpu 4.00 (quota) ceil -> 4; memory: heap goal 230.4M / 100M -> 2 => 2");
        plan_done(&p);
        init_args_done(&a);
}

Test(init_plan, env_per_worker_share) {
        static const char *const argv[] = { "husk-init", "--workers", "2", "--", "w", NULL };
        struct init_args a = args_for(argv);
        struct husk_limits_snapshot s = snap(3, 512 * MiB);
        struct plan p;
        char *env[] = { NULL };
        cr_assert_eq(plan_compute(&s, &a, env, &p), 0);
        cr_expect_str_eq(var(&p, "GOMAXPROCS"), "2");              /* 1.5 CPUs each, rounded up */
        cr_expect_str_eq(var(&p, "HUSK_CPU_LIMIT"), "1.50");
        cr_expect_str_eq(var(&p, "HUSK_MEMORY_LIMIT"), "268435456");
        cr_expect_str_eq(var(&p, "GOMEMLIMIT"), "241591910");      /* 90% of 256M */
        cr_expect_str_eq(var(&p, "DOTNET_GCHeapHardLimit"), "0xe666666");
        cr_expect_str_eq(var(&p, "NODE_OPTIONS"), "--max-old-space-size=192");
        cr_expect_str_eq(var(&p, "UV_THREADPOOL_SIZE"), "4");
        cr_expect_str_eq(var(&p, "MALLOC_ARENA_MAX"), "4");

        char **e = NULL;
        cr_assert_eq(env_plan_apply(&p.env, env, 1, &e), 0);
        cr_expect_str_eq(strv_env_get(e, "HUSK_WORKER_INDEX"), "1");
        cr_expect_str_eq(strv_env_get(e, "GOMAXPROCS"), "2");
        strv_free(e);
        plan_done(&p);
        init_args_done(&a);
}

Test(init_plan, user_settings_win) {
        static const char *const argv[] = { "husk-init", "--no-env", "OMP_NUM_THREADS", "--jvm", "--", "w", NULL };
        struct init_args a = args_for(argv);
        struct husk_limits_snapshot s = snap(2, 1024 * MiB);
        struct plan p;
        char *env[] = { "GOMAXPROCS=7", "NODE_OPTIONS=--no-warnings", "JAVA_TOOL_OPTIONS=-Xmx1g",
                        "HUSK_MEMORY_LIMIT=1G", NULL };
        cr_assert_eq(plan_compute(&s, &a, env, &p), 0);
        cr_expect_null(var(&p, "GOMAXPROCS"));
        cr_expect_null(var(&p, "OMP_NUM_THREADS"));
        cr_expect_str_eq(var(&p, "NODE_OPTIONS"), "--no-warnings --max-old-space-size=768");
        cr_expect_null(var(&p, "JAVA_TOOL_OPTIONS"));              /* -Xmx already decides */
        cr_expect_str_eq(var(&p, "HUSK_MEMORY_LIMIT"), "1073741824"); /* the init's input: its share */

        char **e = NULL;
        cr_assert_eq(env_plan_apply(&p.env, env, -1, &e), 0);
        cr_expect_str_eq(strv_env_get(e, "GOMAXPROCS"), "7");
        cr_expect_null(strv_env_get(e, "HUSK_WORKER_INDEX"));
        cr_expect_null(strv_env_get(e, "OMP_NUM_THREADS"));
        strv_free(e);
        plan_done(&p);
        init_args_done(&a);
}

Test(init_plan, no_memory_limit_no_memory_vars) {
        static const char *const argv[] = { "husk-init", "--", "w", NULL };
        struct init_args a = args_for(argv);
        struct husk_limits_snapshot s = snap(2, HUSK_UNLIMITED);
        struct plan p;
        char *env[] = { NULL };
        cr_assert_eq(plan_compute(&s, &a, env, &p), 0);
        cr_expect_null(var(&p, "GOMEMLIMIT"));
        cr_expect_null(var(&p, "NODE_OPTIONS"));
        cr_expect_str_eq(var(&p, "GOMAXPROCS"), "2");
        plan_done(&p);
        init_args_done(&a);
}

Test(init_plan, env_equal_decides_rolls) {
        static const char *const argv[] = { "husk-init", "--workers", "8", "--worker-memory", "100M", "--", "w", NULL };
        struct init_args a = args_for(argv);
        struct husk_limits_snapshot s256 = snap(8, 256 * MiB), s512 = snap(8, 512 * MiB), s300 = snap(8, 300 * MiB);
        struct plan p256, p512, p300;
        char *env[] = { NULL };
        cr_assert_eq(plan_compute(&s256, &a, env, &p256), 0);
        cr_assert_eq(plan_compute(&s512, &a, env, &p512), 0);
        cr_assert_eq(plan_compute(&s300, &a, env, &p300), 0);
        /* 2 x 128M and 4 x 128M: same share, no roll; 2 x 150M: a different share */
        cr_expect(!env_plan_equal(&p256.env, &p300.env));
        cr_expect_eq(p256.workers, 2);
        cr_expect_eq(p512.workers, 4);
        cr_expect(!env_plan_equal(&p256.env, &p512.env)); /* GOMAXPROCS 4 -> 2 */
        plan_done(&p256);
        plan_done(&p512);
        plan_done(&p300);
        init_args_done(&a);
}
