/* SPDX-License-Identifier: GPL-2.0-or-later
 * The sandbox section of `husk limits`: what libhusk's sandbox probe (husk/sandbox.h) says about
 * the calling process — seccomp, no_new_privs, capabilities, namespaces, read-only root — and
 * which syscalls a workload may want to avoid are blocked. Probed once per run. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "husk/sandbox.h"

struct sandbox_view {
        bool probed;                 /* false: not probed (e.g. --pid describes another process) */
        struct husk_sandbox sb;
        bool syscalls_probed;        /* false with --sysroot: a fixture has no syscalls to try */
        struct husk_syscall_result sc[_HUSK_SYSCALL_MAX];
        int sc_error[_HUSK_SYSCALL_MAX]; /* < 0: the probe itself failed (-errno) */
};

/* Probe the calling process (sysroot NULL) or a tree standing in for / (no syscall probes). */
int sandbox_view_probe(struct sandbox_view *v, const char *sysroot);
void sandbox_view_print(const struct sandbox_view *v);
/* A new JSON object, or NULL (ENOMEM). Keys are documented in husk-limits(1). */
json_t *sandbox_view_json(const struct sandbox_view *v);
