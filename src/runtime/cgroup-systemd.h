/* SPDX-License-Identifier: GPL-2.0-or-later
 * The systemd cgroup driver (--cgroup-manager systemd, --systemd-cgroup): the container's cgroup
 * is a transient scope that systemd makes and owns, as runc's and crun's systemd drivers do.
 *
 * cgroupsPath is "slice:prefix:name" (cgroup_systemd_path_parse). A scope cannot start empty, so
 * cgroup_systemd_prepare() only checks and records what the scope will be; the container child
 * is cloned outside any cgroup and waits (container_cgroup_clone() sees scope->pending), then
 * cgroup_systemd_start() asks systemd over D-Bus for the scope with the child's pid in it
 * (StartTransientUnit: Delegate=yes, the slice, and the limits systemd has properties for),
 * waits for the job, takes the cgroup from the unit's ControlGroup property and writes every
 * limit of linux.resources into it directly as the cgroupfs driver does (the scope is delegated:
 * its files are ours). From then on pause, kill --all, ps, stats and update use the cgroup path
 * as for cgroupfs; cgroup_destroy() stops the unit (StopUnit) before it removes what is left.
 *
 * The bus: the system bus (dbus-daemon), else systemd's private socket /run/systemd/private (as
 * systemctl does as root when there is no dbus-daemon). Without libsystemd at build time every
 * entry point fails with -EOPNOTSUPP and a message saying so. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"

struct cgroup_scope {
        char *unit;                     /* "husk-<id>.scope" */
        char *slice;                    /* "system.slice" */
        char *description;
        bool pending;                   /* not started yet: waits for cgroup_systemd_start() */
        bool started_here;              /* started by this handle, with res as its properties */
        struct oci_resources res;       /* what the scope gets at its start (shallow, but devices) */
        struct oci_device_rule *rules;  /* res.devices, owned */
};

/* A handle for the scope linux.cgroupsPath names (NULL/"": "system.slice:husk:<id>"), not started
 * yet; res (may be NULL) is checked against this host's controllers and kept for the start. */
int cgroup_systemd_prepare(const char *cgroups_path, const char *id, const struct oci_resources *res,
                           struct cgroup **ret, char **ret_error);
/* Start the scope with pid in it, wait for systemd's job, then apply the limits to its cgroup. */
int cgroup_systemd_start(struct cgroup *cg, pid_t pid, char **ret_error);

/* ---- internal to cgroup*.c ---- */

/* cgroup_open() of a path that ends in ".scope": remember the unit, so that cgroup_destroy()
 * stops it (only if that unit's ControlGroup is this very path). */
int cg_systemd_adopt(struct cgroup *cg);
/* husk update: the unit's properties for res (SetUnitProperties, runtime), so that systemd's view
 * agrees with the files cgroup_apply() writes; 0 when not a scope of a manager that answers. */
int cg_systemd_set_properties(const struct cgroup *cg, const struct oci_resources *res, char **ret_error);
/* StopUnit and wait for the job; 0 when the unit is gone, not ours, or no manager answers. */
int cg_systemd_stop(const struct cgroup *cg, char **ret_error);
void cg_scope_free(struct cgroup_scope *s);
