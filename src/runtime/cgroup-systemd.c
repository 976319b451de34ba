/* SPDX-License-Identifier: GPL-2.0-or-later
 * The systemd cgroup driver: a transient scope per container (see cgroup-systemd.h). Learnt from
 * runc's libcontainer/cgroups/systemd and crun's cgroup-systemd.c; the D-Bus API is systemd's
 * org.freedesktop.systemd1(5). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup-systemd.h"
#include "cleanup.h"
#include "json-util.h"

void cg_scope_free(struct cgroup_scope *s) {
        if (!s)
                return;
        free(s->unit);
        free(s->slice);
        free(s->description);
        free(s->rules);
        free(s);
}

#if HAVE_LIBSYSTEMD

#include <systemd/sd-bus.h>

#include "process-internal.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_PRIVATE "unix:path=/run/systemd/private"
#define JOB_TIMEOUT_USEC (60ULL * 1000 * 1000) /* TCG VMs are slow; systemd's own default is 90 s */
#define USEC_PER_SEC 1000000ULL

static inline void bus_unrefp(sd_bus **b) {
        sd_bus_flush_close_unref(*b);
}
static inline void message_unrefp(sd_bus_message **m) {
        sd_bus_message_unref(*m);
}
static inline void slot_unrefp(sd_bus_slot **s) {
        sd_bus_slot_unref(*s);
}
#define _cleanup_bus_ __attribute__((cleanup(bus_unrefp)))
#define _cleanup_message_ __attribute__((cleanup(message_unrefp)))
#define _cleanup_slot_ __attribute__((cleanup(slot_unrefp)))
#define _cleanup_bus_error_ __attribute__((cleanup(sd_bus_error_free)))

/* The system bus, else a direct connection to the manager's private socket (no dbus-daemon:
 * early boot, containers, our VM; systemctl falls back the same way as root). */
static int bus_connect(sd_bus **ret) {
        _cleanup_bus_ sd_bus *bus = NULL;
        if (sd_bus_open_system(&bus) >= 0) {
                *ret = TAKE_PTR(bus);
                return 0;
        }
        int r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        if ((r = sd_bus_set_address(bus, SD_PRIVATE)) < 0 || (r = sd_bus_start(bus)) < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

struct job_wait {
        const char *job;        /* object path of the job we wait for (set once the call returned) */
        char *result;           /* JobRemoved's result: "done", "failed", "canceled", ... */
};

/* JobRemoved(u id, o job, s unit, s result): note the result of our job. Signals of other jobs
 * pass by; ours may come before we know its path, so every result is kept until matched. */
static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct job_wait *w = userdata;
        const char *job = NULL, *unit = NULL, *result = NULL;
        uint32_t id = 0;
        (void) error;
        if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0 || !w->job || strcmp(job, w->job) != 0)
                return 0;
        free(w->result);
        w->result = strdup(result);
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

/* Call method (StartTransientUnit, StopUnit) built in m, then run the bus until its job is
 * removed. -EIO with the job's result in *ret_result when it is not "done". */
static int call_and_wait(sd_bus *bus, sd_bus_message *m, sd_bus_error *error, char **ret_result) {
        _cleanup_slot_ sd_bus_slot *slot = NULL;
        _cleanup_message_ sd_bus_message *reply = NULL;
        struct job_wait w = {};
        /* No sender: on a direct connection messages carry none. */
        int r = sd_bus_match_signal(bus, &slot, NULL, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
        if (r < 0)
                return r;
        /* On the bus, signals come only to subscribers; a direct connection gets them anyway. */
        (void) sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, NULL);
        if ((r = sd_bus_call(bus, m, 0, error, &reply)) < 0)
                return r;
        if ((r = sd_bus_message_read(reply, "o", &w.job)) < 0)
                return r;
        for (uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC; !w.result;) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        break;
                if (r > 0)
                        continue;
                uint64_t now = now_usec();
                if (now >= deadline) {
                        r = -ETIMEDOUT;
                        break;
                }
                if ((r = sd_bus_wait(bus, deadline - now)) < 0)
                        break;
        }
        if (r >= 0 && strcmp(w.result, "done") != 0)
                r = -EIO;
        if (r == -EIO)
                *ret_result = TAKE_PTR(w.result);
        free(w.result);
        return r < 0 ? r : 0;
}

/* A cpuset list ("0-3,7") as systemd's AllowedCPUs/AllowedMemoryNodes bitmask: bit n of byte
 * n / 8 for CPU (node) n. */
static int append_cpuset(sd_bus_message *m, const char *prop, const char *list) {
        cpu_set_t set;
        uint8_t mask[CPU_SETSIZE / 8] = {};
        size_t n = 0;
        int r = cpu_list_parse(list, &set);
        if (r < 0)
                return r;
        for (size_t i = 0; i < CPU_SETSIZE; i++)
                if (CPU_ISSET(i, &set)) {
                        mask[i / 8] |= (uint8_t) (1u << (i % 8));
                        n = i / 8 + 1;
                }
        if ((r = sd_bus_message_open_container(m, 'r', "sv")) < 0 || (r = sd_bus_message_append(m, "s", prop)) < 0 ||
            (r = sd_bus_message_open_container(m, 'v', "ay")) < 0 ||
            (r = sd_bus_message_append_array(m, 'y', mask, n)) < 0 || (r = sd_bus_message_close_container(m)) < 0)
                return r;
        return sd_bus_message_close_container(m);
}

/* The limits systemd has unit properties for, so that systemd's view of the unit (and what it
 * writes back on a daemon-reload) agrees with what we write into the cgroup afterwards. */
static int append_resources(sd_bus_message *m, const struct oci_resources *res) {
        const struct oci_memory *mem = &res->memory;
        const struct oci_cpu *cpu = &res->cpu;
        int r = 0;
        if (res->has_memory && mem->has_limit && mem->limit != 0)
                r = sd_bus_message_append(m, "(sv)", "MemoryMax", "t", mem->limit < 0 ? UINT64_MAX : (uint64_t) mem->limit);
        if (r >= 0 && res->has_memory && mem->has_reservation && mem->reservation > 0)
                r = sd_bus_message_append(m, "(sv)", "MemoryLow", "t", (uint64_t) mem->reservation);
        if (r >= 0 && res->has_cpu && cpu->has_shares && cpu->shares)
                r = sd_bus_message_append(m, "(sv)", "CPUWeight", "t", oci_cpu_shares_to_weight(cpu->shares));
        if (r >= 0 && res->has_cpu && cpu->has_period && cpu->period)
                r = sd_bus_message_append(m, "(sv)", "CPUQuotaPeriodUSec", "t", cpu->period);
        if (r >= 0 && res->has_cpu && cpu->has_quota && cpu->quota != 0) {
                uint64_t period = cpu->has_period && cpu->period ? cpu->period : 100000, per_sec = UINT64_MAX;
                /* systemd keeps whole percents of a CPU: round up to 10 ms per second, as runc
                 * does, so that the cpu.max we write below stays within the unit's quota. */
                if (cpu->quota > 0)
                        per_sec = ((uint64_t) cpu->quota * USEC_PER_SEC / period + 9999) / 10000 * 10000;
                r = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t", per_sec);
        }
        if (r >= 0 && res->has_pids)
                r = sd_bus_message_append(m, "(sv)", "TasksMax", "t",
                                          res->pids_limit > 0 ? (uint64_t) res->pids_limit : UINT64_MAX);
        if (r >= 0 && res->has_cpu && cpu->cpus && *cpu->cpus)
                r = append_cpuset(m, "AllowedCPUs", cpu->cpus);
        if (r >= 0 && res->has_cpu && cpu->mems && *cpu->mems)
                r = append_cpuset(m, "AllowedMemoryNodes", cpu->mems);
        return r;
}

/* StartTransientUnit(s name, s mode, a(sv) properties, a(sa(sv)) aux). */
static int start_message(sd_bus *bus, const struct cgroup_scope *s, pid_t pid, sd_bus_message **ret) {
        _cleanup_message_ sd_bus_message *m = NULL;
        int r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
        if (r < 0 || (r = sd_bus_message_append(m, "ss", s->unit, "fail")) < 0 ||
            (r = sd_bus_message_open_container(m, 'a', "(sv)")) < 0)
                return r;
        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s", s->description, "Slice", "s",
                                  s->slice, "Delegate", "b", 1, "DefaultDependencies", "b", 0, "CollectMode", "s",
                                  "inactive-or-failed", "PIDs", "au", 1, (uint32_t) pid);
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "MemoryAccounting", "b", 1, "CPUAccounting", "b", 1,
                                          "TasksAccounting", "b", 1, "IOAccounting", "b", 1);
        if (r < 0 || (r = append_resources(m, &s->res)) < 0 || (r = sd_bus_message_close_container(m)) < 0 ||
            (r = sd_bus_message_append(m, "a(sa(sv))", 0)) < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

/* The unit's ControlGroup property ("" or absent when it has none); -ENOENT for no such unit. */
static int unit_cgroup(sd_bus *bus, const char *unit, char **ret, sd_bus_error *error) {
        _cleanup_free_ char *path = NULL;
        const char *iface = strstr(unit, ".slice") ? "org.freedesktop.systemd1.Slice" : "org.freedesktop.systemd1.Scope";
        int r = sd_bus_path_encode(SD_PATH "/unit", unit, &path);
        if (r < 0)
                return r;
        r = sd_bus_get_property_string(bus, SD_DEST, path, iface, "ControlGroup", error, ret);
        if (r < 0 && (sd_bus_error_has_name(error, "org.freedesktop.systemd1.NoSuchUnit") ||
                      sd_bus_error_has_name(error, "org.freedesktop.DBus.Error.UnknownObject") ||
                      sd_bus_error_has_name(error, "org.freedesktop.DBus.Error.UnknownInterface")))
                return -ENOENT;
        return r;
}

int cgroup_systemd_prepare(const char *cgroups_path, const char *id, const struct oci_resources *res,
                           struct cgroup **ret, char **ret_error) {
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        _cleanup_free_ char *slice = NULL, *unit = NULL, *path = NULL;
        int r = cgroup_systemd_path_parse(cgroups_path, id, &slice, &unit, &path, ret_error);
        if (r < 0)
                return r;
        if ((r = cg_handle_new(path, &cg)) < 0)
                return json_errorf(ret_error, "cgroups: /proc/self/mountinfo: %s", strerror(-r)), r;
        if (cg->layout.version == HUSK_CGROUP_NONE)
                return json_errorf(ret_error, "cgroups: no cgroup filesystem is mounted"), -ENOMEDIUM;
        if (res && (r = cg_check_served(&cg->layout, res, ret_error)) < 0)
                return r;
        struct cgroup_scope *s = cg->scope = calloc(1, sizeof *s);
        if (!s || asprintf(&s->description, "husk container %s", id) < 0)
                return -ENOMEM;
        s->unit = TAKE_PTR(unit);
        s->slice = TAKE_PTR(slice);
        s->pending = true;
        if (res) {
                s->res = *res;
                if (res->n_devices) {
                        if (!(s->rules = calloc(res->n_devices, sizeof *s->rules)))
                                return -ENOMEM;
                        memcpy(s->rules, res->devices, res->n_devices * sizeof *s->rules);
                }
                s->res.devices = s->rules;
        }
        *ret = TAKE_PTR(cg);
        return 0;
}

/* The scope is up with pid in it: take its cgroup as systemd reports it, make the directories
 * v1 hierarchies without a systemd controller lack (runc's "join"), and apply the limits. */
static int adopt_started(struct cgroup *cg, sd_bus *bus, pid_t pid, char **ret_error) {
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        int r = unit_cgroup(bus, cg->scope->unit, &path, &error);
        if (r < 0)
                return json_errorf(ret_error, "systemd: %s: ControlGroup: %s", cg->scope->unit,
                                   error.message ? error.message : strerror(-r)), r;
        if (*path && strcmp(path, cg->path) != 0) {
                free(cg->path);
                cg->path = TAKE_PTR(path);
        }
        for (size_t c = 0; c < _CG_MAX; c++)
                if (cg->layout.v1[c] && (r = cg_make_dirs(cg, cg->layout.v1[c], true, ret_error)) < 0)
                        return r;
        if (cg->layout.v1[CG_CPUSET] && (r = cg_v1_cpuset_init(cg, cg->layout.v1[CG_CPUSET], ret_error)) < 0)
                return r;
        if ((r = cgroup_enter(cg, pid, true, ret_error)) < 0)
                return r;
        if ((r = cg_open_unified(cg)) < 0)
                return json_errorf(ret_error, "systemd: %s: open its cgroup %s: %s", cg->scope->unit, cg->path,
                                   strerror(-r)), r;
        return cgroup_apply(cg, &cg->scope->res, ret_error);
}

int cgroup_systemd_start(struct cgroup *cg, pid_t pid, char **ret_error) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_message_ sd_bus_message *m = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *result = NULL;
        struct cgroup_scope *s = cg->scope;
        int r = bus_connect(&bus);
        if (r < 0)
                return json_errorf(ret_error, "--cgroup-manager systemd: no system bus and no %s: %s", SD_PRIVATE + 10,
                                   strerror(-r)), r;
        if ((r = start_message(bus, s, pid, &m)) < 0)
                return json_errorf(ret_error, "systemd: StartTransientUnit %s: %s", s->unit, strerror(-r)), r;
        r = call_and_wait(bus, m, &error, &result);
        if (r < 0)
                return json_errorf(ret_error, "systemd: start %s in %s: %s", s->unit, s->slice,
                                   result ? result : error.message ? error.message : strerror(-r)), r;
        s->pending = false;
        s->started_here = true;
        cg->owned = true;       /* from here on, cgroup_destroy() stops the unit */
        return adopt_started(cg, bus, pid, ret_error);
}

int cg_systemd_adopt(struct cgroup *cg) {
        const char *base = strrchr(cg->path, '/');
        size_t n = base ? strlen(++base) : 0;
        if (n <= 6 || strcmp(base + n - 6, ".scope") != 0)
                return 0;
        struct cgroup_scope *s = calloc(1, sizeof *s);
        if (!s || !(s->unit = strdup(base))) {
                cg_scope_free(s);
                return -ENOMEM;
        }
        cg_scope_free(cg->scope);
        cg->scope = s;
        return 0;
}

/* A bus to the manager and the unit's check: 0 (and no bus) when there is no manager, the
 * scope is still pending, or the unit's cgroup is not this one (a cgroupfs cgroup may be called
 * "x.scope" too). */
static int connect_owner(const struct cgroup *cg, sd_bus **ret) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        *ret = NULL;
        if (cg->scope->pending || bus_connect(&bus) < 0)
                return 0;
        if (unit_cgroup(bus, cg->scope->unit, &path, &error) < 0 || strcmp(path, cg->path) != 0)
                return 0;
        *ret = TAKE_PTR(bus);
        return 1;
}

int cg_systemd_set_properties(const struct cgroup *cg, const struct oci_resources *res, char **ret_error) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_message_ sd_bus_message *m = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        if (cg->scope->started_here || connect_owner(cg, &bus) <= 0)
                return 0;
        /* SetUnitProperties(s name, b runtime, a(sv) properties), as `systemctl set-property --runtime` */
        int r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
        if (r >= 0)
                r = sd_bus_message_append(m, "sb", cg->scope->unit, 1);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = append_resources(m, res);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_call(bus, m, 0, &error, NULL);
        if (r < 0)
                return json_errorf(ret_error, "systemd: SetUnitProperties %s: %s", cg->scope->unit,
                                   error.message ? error.message : strerror(-r)), r;
        return 0;
}

int cg_systemd_stop(const struct cgroup *cg, char **ret_error) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_message_ sd_bus_message *m = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *result = NULL;
        const char *unit = cg->scope->unit;
        if (connect_owner(cg, &bus) <= 0)
                return 0;
        int r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", unit, "replace");
        if (r >= 0)
                r = call_and_wait(bus, m, &error, &result);
        /* Emptied by our kill, the scope may have stopped and been collected already. */
        if (r < 0 && sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit"))
                return 0;
        if (r < 0)
                return json_errorf(ret_error, "systemd: stop %s: %s", unit,
                                   result ? result : error.message ? error.message : strerror(-r)), r;
        return 0;
}

#else /* !HAVE_LIBSYSTEMD */

int cgroup_systemd_prepare(const char *cgroups_path, const char *id, const struct oci_resources *res,
                           struct cgroup **ret, char **ret_error) {
        _cleanup_free_ char *slice = NULL, *unit = NULL, *path = NULL;
        int r = cgroup_systemd_path_parse(cgroups_path, id, &slice, &unit, &path, ret_error);
        (void) res;
        (void) ret;
        if (r < 0)
                return r;
        return json_errorf(ret_error, "--cgroup-manager systemd: this husk was built without libsystemd "
                           "(meson setup -Dsystemd=enabled); use cgroupfs (the default) or disabled"), -EOPNOTSUPP;
}

int cgroup_systemd_start(struct cgroup *cg, pid_t pid, char **ret_error) {
        (void) cg;
        (void) pid;
        return json_errorf(ret_error, "--cgroup-manager systemd: this husk was built without libsystemd"), -EOPNOTSUPP;
}

int cg_systemd_adopt(struct cgroup *cg) {
        (void) cg;
        return 0;
}

int cg_systemd_stop(const struct cgroup *cg, char **ret_error) {
        (void) cg;
        (void) ret_error;
        return 0;
}

int cg_systemd_set_properties(const struct cgroup *cg, const struct oci_resources *res, char **ret_error) {
        (void) cg;
        (void) res;
        (void) ret_error;
        return 0;
}

#endif
