/* SPDX-License-Identifier: GPL-2.0-or-later
 * The limits-aware environment: from one workload's share of the limits (a libhusk snapshot
 * already divided among the workers), the variables that make language runtimes size their
 * thread pools and heaps to it instead of to the host. A variable the user already set is left
 * alone; NODE_OPTIONS and JAVA_TOOL_OPTIONS get our flags appended. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <husk/limits.h>

#define ENVSIZE_MAX_VARS 16

struct env_var {
        const char *name;
        char *value;                  /* the full value to export; NULL: not set (why says why) */
        char why[160];
};

struct env_plan {
        struct env_var vars[ENVSIZE_MAX_VARS];
        size_t n;
};

struct envsize_options {
        bool disabled;                /* --no-env all */
        char *const *off;             /* --no-env NAME... */
        bool jvm;                     /* --jvm */
        enum husk_rounding rounding;  /* how a fractional CPU share becomes a thread count */
};

/* Size the environment for share (one workload's part of the limits), against the user's
 * environment env. Returns 0 or -ENOMEM; *ret is filled on success (free with env_plan_done). */
int envsize_compute(const struct husk_limits_snapshot *share, const struct envsize_options *o,
                    char *const *env, struct env_plan *ret);
void env_plan_done(struct env_plan *p);

/* Same variables with the same values (decides whether running workers must be rolled). */
bool env_plan_equal(const struct env_plan *a, const struct env_plan *b);

/* A copy of env with the plan applied, plus HUSK_WORKER_INDEX=index when index >= 0. */
int env_plan_apply(const struct env_plan *p, char *const *env, int index, char ***ret);

/* 268435456 -> "256M", 1610612736 -> "1.5G": for messages. */
const char *format_bytes(uint64_t v, char *buf, size_t n);

/* printf("%.*f", decimals, v) for decimals <= 3 (1.5 -> "1.50"), rounding half up, without the
 * floating-point conversion of printf: that alone is 5 KB of the static musl husk-init. */
const char *format_fixed(double v, unsigned decimals, char *buf, size_t n);
