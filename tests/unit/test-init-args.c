/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk-init's command line (src/init/args.c) and signal names (src/init/signals.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>

#include "init/args.h"
#include "init/signals.h"

struct duration_case {
        const char *in;
        int ret;
        usec_t usec;
};

Test(init_args, parse_duration_table) {
        static const struct duration_case cases[] = {
                { "10", 0, 10 * USEC_PER_SEC },
                { "10s", 0, 10 * USEC_PER_SEC },
                { "1.5s", 0, 1500 * USEC_PER_MSEC },
                { "250ms", 0, 250 * USEC_PER_MSEC },
                { "0.25", 0, 250 * USEC_PER_MSEC },
                { "2m", 0, 120 * USEC_PER_SEC },
                { "0", 0, 0 },
                { "7us", 0, 7 },
                { "", -EINVAL, 0 },
                { "s", -EINVAL, 0 },
                { "-1", -EINVAL, 0 },
                { "1.", -EINVAL, 0 },
                { "10 s", -EINVAL, 0 },
                { "10h", -EINVAL, 0 },
                { "99999999999999999999", -ERANGE, 0 },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                usec_t v = 4242;
                int r = parse_duration(cases[i].in, &v);
                cr_expect_eq(r, cases[i].ret, "'%s': got %d want %d", cases[i].in, r, cases[i].ret);
                if (r == 0)
                        cr_expect_eq(v, cases[i].usec, "'%s': %llu", cases[i].in, (unsigned long long) v);
                else
                        cr_expect_eq(v, 4242, "'%s': ret_ written on failure", cases[i].in);
        }
}

static int parse(struct init_args *a, const char *const *argv) {
        int argc = 0;
        while (argv[argc])
                argc++;
        return init_args_parse(a, argc, (char **) argv);
}

Test(init_args, defaults_and_command) {
        static const char *const argv[] = { "husk-init", "-g", "-t", "2s", "--", "prog", "-x", NULL };
        struct init_args a;
        cr_assert_eq(parse(&a, argv), 1);
        cr_expect(a.kill_group);
        cr_expect_eq(a.grace, 2 * USEC_PER_SEC);
        cr_expect_str_eq(a.argv[0], "prog");
        cr_expect_str_eq(a.argv[1], "-x");
        cr_expect(!a.scheduler);
        cr_expect_eq(a.restart, RESTART_ALWAYS);
        cr_expect_eq(a.crash_limit, 5);
        cr_expect_eq(a.status_fd, -1);
        init_args_done(&a);
}

Test(init_args, command_options_are_not_ours) {
        static const char *const argv[] = { "husk-init", "prog", "--workers", "3", NULL };
        struct init_args a;
        cr_assert_eq(parse(&a, argv), 1);
        cr_expect(!a.scheduler);
        cr_expect_str_eq(a.argv[1], "--workers");
        init_args_done(&a);
}

Test(init_args, workers) {
        static const char *const argv[] = { "husk-init", "-w", "auto", "--worker-memory", "100M", "--cpu-rounding",
                                            "floor", "-p", "SIGKILL", "--", "w", NULL };
        struct init_args a;
        cr_assert_eq(parse(&a, argv), 1);
        cr_expect(a.scheduler && a.workers_auto);
        cr_expect_eq(a.worker_memory, 100 << 20);
        cr_expect_eq(a.rounding, HUSK_ROUND_FLOOR);
        cr_expect_eq(a.pdeath_signal, SIGKILL);
        init_args_done(&a);
}

Test(init_args, rejected) {
        static const char *const bad[][8] = {
                { "husk-init", NULL },
                { "husk-init", "--workers", "0", "--", "w", NULL },
                { "husk-init", "--workers", "lots", "--", "w", NULL },
                { "husk-init", "--worker-memory", "100M", "--", "w", NULL },   /* without --workers */
                { "husk-init", "--status-fd", "1", "--", "w", NULL },
                { "husk-init", "-p", "SIGNOPE", "--", "w", NULL },
                { "husk-init", "--no-env", "A=1", "--", "w", NULL },
                { "husk-init", "--restart-delay", "5s", "--restart-delay-max", "1s", "--", "w", NULL },
                { "husk-init", "--frobnicate", "--", "w", NULL },
                { "husk-init", "--workers", NULL },
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                struct init_args a;
                cr_expect_eq(parse(&a, bad[i]), -EINVAL, "case %zu accepted", i);
                init_args_done(&a);
        }
}

Test(init_args, help_exits_zero) {
        static const char *const argv[] = { "husk-init", "--help", NULL };
        struct init_args a;
        cr_expect_eq(parse(&a, argv), 0);
        init_args_done(&a);
}

Test(init_signals, names) {
        int sig = 0;
        char buf[32];
        cr_expect_eq(signal_from_string("TERM", &sig), 0);
        cr_expect_eq(sig, SIGTERM);
        cr_expect_eq(signal_from_string("sigusr1", &sig), 0);
        cr_expect_eq(sig, SIGUSR1);
        cr_expect_eq(signal_from_string("9", &sig), 0);
        cr_expect_eq(sig, SIGKILL);
        cr_expect_eq(signal_from_string("RTMIN+2", &sig), 0);
        cr_expect_eq(sig, SIGRTMIN + 2);
        cr_expect_eq(signal_from_string("0", &sig), -EINVAL);
        cr_expect_eq(signal_from_string("65", &sig), -EINVAL);
        cr_expect_eq(signal_from_string("SIGFOO", &sig), -EINVAL);
        cr_expect_str_eq(signal_to_string(SIGHUP, buf, sizeof buf), "SIGHUP");
        cr_expect_str_eq(signal_to_string(SIGRTMIN + 1, buf, sizeof buf), "SIGRTMIN+1");
}
