/* SPDX-License-Identifier: GPL-2.0-or-later
 * Shared between container.c (the parent side of create), container-init.c (the container
 * child) and container-ops.c (start, kill, delete). */
#pragma once

#include <stdbool.h>

#include "container.h"
#include "spec.h"

struct husk_seccomp;

/* What the child needs; everything is set up by the parent before clone. */
struct init_context {
        const struct container_options *opts;
        const struct oci_spec *spec;
        const char *rootfs;             /* absolute */
        int sync_fd;                    /* the child's end of the sync socketpair */
        int fifo_dir_fd;                /* O_PATH of the state dir, to open exec.fifo */
        const struct husk_seccomp *seccomp;     /* or NULL */
        unsigned long new_flags;        /* CLONE_NEW* to create */
        bool single_clone;              /* created by clone(new_flags): we are the init */
        bool cgroup_wait;               /* wait for SYNC_CGROUP_ACK first (cgroup-container.h) */
};

/* The container child: never returns. With single_clone it is the init; otherwise it joins and
 * unshares namespaces, forks the init (CLONE_PARENT, so it is the caller's child), reports its
 * pid and exits. Errors go to the parent as SYNC_ERROR. */
_Noreturn void container_init(const struct init_context *c);

/* Are there hooks of any of these kinds? */
bool container_has_hooks(const struct oci_spec *spec, const int *kinds, size_t n);

/* The bundle's config.json, parsed; used again by delete for the poststop hooks. */
int container_load_spec(const char *bundle, struct oci_spec **ret, char **ret_error);

/* Set *ret_error (if NULL so far) to the formatted message, where %m is strerror(-err), and
 * return err (a -errno), so call sites can read `return container_errorf(e, -errno, "x: %m")`. */
int container_errorf(char **ret_error, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
