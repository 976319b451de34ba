/* SPDX-License-Identifier: GPL-2.0-or-later
 * config.json "process": args, env, cwd, user, capabilities, rlimits, and the scheduling knobs.
 * Each check follows a MUST of runtime-spec config.md (POSIX process) or what runc refuses. */
#include <errno.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "cleanup.h"
#include "json-util.h"
#include "process-internal.h"
#include "spec-internal.h"
#include "strv.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#ifndef SCHED_ISO
#define SCHED_ISO 4
#endif

struct name_value {
        const char *name;
        int value;
};

static const struct name_value rlimit_names[] = {
        { "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
        { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
        { "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
        { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
        { "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
        { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
        { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
        { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static const struct name_value ioprio_classes[] = {
        { "IOPRIO_CLASS_RT", IOPRIO_CLASS_RT },
        { "IOPRIO_CLASS_BE", IOPRIO_CLASS_BE },
        { "IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE },
};

static const struct name_value sched_policies[] = {
        { "SCHED_OTHER", SCHED_OTHER }, { "SCHED_FIFO", SCHED_FIFO },   { "SCHED_RR", SCHED_RR },
        { "SCHED_BATCH", SCHED_BATCH }, { "SCHED_ISO", SCHED_ISO },     { "SCHED_IDLE", SCHED_IDLE },
        { "SCHED_DEADLINE", SCHED_DEADLINE },
};

/* linux/sched.h SCHED_FLAG_* values (not all exported by glibc). */
static const struct name_value sched_flags[] = {
        { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
        { "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
        { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
        { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static int lookup_name(const struct name_value *t, size_t n, const char *name, int *ret) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(t[i].name, name) == 0) {
                        *ret = t[i].value;
                        return 0;
                }
        return -ENOENT;
}

/* Capability names map to bits when both libcap and the running kernel know them; other names are
 * collected in caps->unknown, so the CLI can warn and go on, as runc does. */
static int parse_cap_set(json_t *obj, const char *key, const char *path, uint64_t *mask,
                         char ***unknown, char **err) {
        _cleanup_strv_free_ char **names = NULL;
        int r = json_get_strv(obj, key, path, false, &names, err);
        if (r <= 0)
                return r;
        cap_value_t max = cap_max_bits();
        for (char **n = names; *n; n++) {
                cap_value_t v;
                if (strncmp(*n, "CAP_", 4) == 0 && cap_from_name(*n, &v) == 0 && v >= 0 && v < max && v < 64) {
                        *mask |= UINT64_C(1) << v;
                        continue;
                }
                bool seen = false;
                for (char **u = *unknown; u && *u && !seen; u++)
                        seen = strcmp(*u, *n) == 0;
                if (!seen && strv_extend(unknown, *n) < 0)
                        return -ENOMEM;
        }
        return 1;
}

static int parse_capabilities(json_t *obj, const char *path, struct oci_process *p, char **err) {
        json_t *c = NULL;
        char cp[256];
        int r = json_get_object(obj, "capabilities", path, false, &c, err);
        if (r <= 0)
                return r;
        json_path_key(cp, sizeof cp, path, "capabilities");
        struct oci_capabilities *caps = &p->capabilities;
        if ((r = parse_cap_set(c, "bounding", cp, &caps->bounding, &caps->unknown, err)) < 0 ||
            (r = parse_cap_set(c, "effective", cp, &caps->effective, &caps->unknown, err)) < 0 ||
            (r = parse_cap_set(c, "inheritable", cp, &caps->inheritable, &caps->unknown, err)) < 0 ||
            (r = parse_cap_set(c, "permitted", cp, &caps->permitted, &caps->unknown, err)) < 0 ||
            (r = parse_cap_set(c, "ambient", cp, &caps->ambient, &caps->unknown, err)) < 0)
                return r;
        p->has_capabilities = true;
        return 1;
}

static int parse_rlimit(json_t *e, const char *path, void *slot, char **err) {
        struct oci_rlimit *rl = slot;
        char tp[256];
        int r;
        if ((r = json_get_string(e, "type", path, true, &rl->type, err)) < 0 ||
            (r = json_get_uint64(e, "soft", path, true, &rl->soft, err)) < 0 ||
            (r = json_get_uint64(e, "hard", path, true, &rl->hard, err)) < 0)
                return r;
        if (lookup_name(rlimit_names, ELEMENTSOF(rlimit_names), rl->type, &rl->resource) < 0)
                return json_errorf(err, "%s: unknown rlimit type \"%s\"",
                                   json_path_key(tp, sizeof tp, path, "type"), rl->type);
        if (rl->soft > rl->hard)
                return json_errorf(err, "%s: soft limit %ju is above the hard limit %ju",
                                   path, (uintmax_t) rl->soft, (uintmax_t) rl->hard);
        return 0;
}

static int parse_rlimits(json_t *obj, const char *path, struct oci_process *p, char **err) {
        char rp[256], ip[300];
        json_path_key(rp, sizeof rp, path, "rlimits");
        int r = spec_parse_object_array(obj, "rlimits", path, sizeof(struct oci_rlimit), parse_rlimit,
                                        (void **) &p->rlimits, &p->n_rlimits, err);
        if (r <= 0)
                return r;
        /* config.md: "If rlimits contains duplicated entries with same type, the runtime MUST
         * generate an error." */
        for (size_t i = 0; i < p->n_rlimits; i++)
                for (size_t j = 0; j < i; j++)
                        if (p->rlimits[i].resource == p->rlimits[j].resource)
                                return json_errorf(err, "%s.type: duplicate rlimit type \"%s\"",
                                                   json_path_index(ip, sizeof ip, rp, i), p->rlimits[i].type);
        return 1;
}

static int parse_user(json_t *obj, const char *path, struct oci_user *u, char **err) {
        json_t *j = NULL, *gids = NULL;
        char up[256], gp[300], ip[320];
        uint32_t umask = 0;
        int r = json_get_object(obj, "user", path, false, &j, err);
        if (r <= 0)
                return r;
        json_path_key(up, sizeof up, path, "user");
        if ((r = json_get_uint32(j, "uid", up, true, &u->uid, err)) < 0 ||
            (r = json_get_uint32(j, "gid", up, true, &u->gid, err)) < 0 ||
            (r = json_get_string(j, "username", up, false, &u->username, err)) < 0)
                return r;
        r = json_get_uint32(j, "umask", up, false, &umask, err);
        if (r < 0)
                return r;
        if (r > 0) {
                if (umask > 0777)
                        return json_errorf(err, "%s.umask: %#o is not a file mode mask (0 to 0777)", up, umask);
                u->has_umask = true;
                u->umask = (mode_t) umask;
        }
        r = json_get_array(j, "additionalGids", up, false, &gids, err);
        if (r <= 0)
                return r;
        json_path_key(gp, sizeof gp, up, "additionalGids");
        size_t n = json_array_size(gids);
        u->additional_gids = calloc(n ? n : 1, sizeof(uint32_t));
        if (!u->additional_gids)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_t *g = json_array_get(gids, i);
                json_path_index(ip, sizeof ip, gp, i);
                if (!json_is_integer(g) || json_integer_value(g) < 0 || json_integer_value(g) > UINT32_MAX)
                        return json_errorf(err, "%s: must be an integer from 0 to 4294967295", ip);
                u->additional_gids[i] = (uint32_t) json_integer_value(g);
        }
        u->n_additional_gids = n;
        return 1;
}

static int parse_io_priority(json_t *obj, const char *path, struct oci_process *p, char **err) {
        json_t *j = NULL;
        char ip[256], cp[300];
        _cleanup_free_ char *class = NULL;
        int r = json_get_object(obj, "ioPriority", path, false, &j, err);
        if (r <= 0)
                return r;
        json_path_key(ip, sizeof ip, path, "ioPriority");
        if ((r = json_get_string(j, "class", ip, true, &class, err)) < 0 ||
            (r = json_get_int(j, "priority", ip, false, &p->io_priority.priority, err)) < 0)
                return r;
        if (lookup_name(ioprio_classes, ELEMENTSOF(ioprio_classes), class, &p->io_priority.class) < 0)
                return json_errorf(err, "%s: unknown class \"%s\" (IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)",
                                   json_path_key(cp, sizeof cp, ip, "class"), class);
        if (p->io_priority.priority < 0 || p->io_priority.priority >= IOPRIO_NR_LEVELS)
                return json_errorf(err, "%s.priority: %d is out of range [0, 7]", ip, p->io_priority.priority);
        p->has_io_priority = true;
        return 1;
}

static int parse_scheduler(json_t *obj, const char *path, struct oci_process *p, char **err) {
        json_t *j = NULL;
        char sp[256], fp[300], fip[320];
        _cleanup_free_ char *policy = NULL;
        _cleanup_strv_free_ char **flags = NULL;
        struct oci_scheduler *s = &p->scheduler;
        int r = json_get_object(obj, "scheduler", path, false, &j, err);
        if (r <= 0)
                return r;
        json_path_key(sp, sizeof sp, path, "scheduler");
        if ((r = json_get_string(j, "policy", sp, true, &policy, err)) < 0 ||
            (r = json_get_int(j, "nice", sp, false, &s->nice, err)) < 0 ||
            (r = json_get_int(j, "priority", sp, false, &s->priority, err)) < 0 ||
            (r = json_get_strv(j, "flags", sp, false, &flags, err)) < 0 ||
            (r = json_get_uint64(j, "runtime", sp, false, &s->runtime, err)) < 0 ||
            (r = json_get_uint64(j, "deadline", sp, false, &s->deadline, err)) < 0 ||
            (r = json_get_uint64(j, "period", sp, false, &s->period, err)) < 0)
                return r;
        if (lookup_name(sched_policies, ELEMENTSOF(sched_policies), policy, &s->policy) < 0)
                return json_errorf(err, "%s.policy: unknown policy \"%s\"", sp, policy);
        if (s->nice < -20 || s->nice > 19)
                return json_errorf(err, "%s.nice: %d is out of range [-20, 19]", sp, s->nice);
        /* sched(7): only the real-time policies take a static priority (1..99); the others need 0. */
        if ((s->policy == SCHED_FIFO || s->policy == SCHED_RR) && (s->priority < 1 || s->priority > 99))
                return json_errorf(err, "%s.priority: %s needs a priority from 1 to 99, got %d", sp, policy, s->priority);
        if (s->policy != SCHED_FIFO && s->policy != SCHED_RR && s->priority != 0)
                return json_errorf(err, "%s.priority: must be 0 with %s, got %d", sp, policy, s->priority);
        if (s->policy == SCHED_DEADLINE && (s->runtime == 0 || s->runtime > s->deadline ||
                                           (s->period && s->deadline > s->period)))
                return json_errorf(err, "%s: SCHED_DEADLINE needs 0 < runtime <= deadline <= period", sp);
        for (size_t i = 0; flags && flags[i]; i++) {
                int f;
                if (lookup_name(sched_flags, ELEMENTSOF(sched_flags), flags[i], &f) < 0)
                        return json_errorf(err, "%s: unknown flag \"%s\"",
                                           json_path_index(fip, sizeof fip, json_path_key(fp, sizeof fp, sp, "flags"), i),
                                           flags[i]);
                s->flags |= (uint64_t) f;
        }
        p->has_scheduler = true;
        return 1;
}

/* environ(7) entries: "NAME=value" with a non-empty NAME. */
static int check_env(char **env, const char *path, char **err) {
        char ep[256];
        for (size_t i = 0; env && env[i]; i++) {
                const char *eq = strchr(env[i], '=');
                if (!eq || eq == env[i])
                        return json_errorf(err, "%s: \"%s\" is not of the form NAME=value",
                                           json_path_index(ep, sizeof ep, path, i), env[i]);
        }
        return 0;
}

/* execCPUAffinity: {"initial": "0-3", "final": "7"}, CPU lists as in cpuset(7). */
static int parse_cpu_affinity(json_t *obj, const char *path, struct oci_process *p, char **err) {
        json_t *j = NULL;
        char ap[256];
        cpu_set_t set;
        int r = json_get_object(obj, "execCPUAffinity", path, false, &j, err);
        if (r <= 0)
                return r;
        json_path_key(ap, sizeof ap, path, "execCPUAffinity");
        if ((r = json_get_string(j, "initial", ap, false, &p->exec_cpu_affinity_initial, err)) < 0 ||
            (r = json_get_string(j, "final", ap, false, &p->exec_cpu_affinity_final, err)) < 0)
                return r;
        if (p->exec_cpu_affinity_initial && cpu_list_parse(p->exec_cpu_affinity_initial, &set) < 0)
                return json_errorf(err, "%s.initial: \"%s\" is not a CPU list (like \"0-3,7\")", ap,
                                   p->exec_cpu_affinity_initial);
        if (p->exec_cpu_affinity_final && cpu_list_parse(p->exec_cpu_affinity_final, &set) < 0)
                return json_errorf(err, "%s.final: \"%s\" is not a CPU list (like \"0-3,7\")", ap,
                                   p->exec_cpu_affinity_final);
        return 1;
}

static int parse_console_size(json_t *obj, const char *path, struct oci_process *p, char **err) {
        json_t *j = NULL;
        char cp[256];
        uint32_t h = 0, w = 0;
        int r = json_get_object(obj, "consoleSize", path, false, &j, err);
        if (r <= 0)
                return r;
        json_path_key(cp, sizeof cp, path, "consoleSize");
        if ((r = json_get_uint32(j, "height", cp, true, &h, err)) < 0 ||
            (r = json_get_uint32(j, "width", cp, true, &w, err)) < 0)
                return r;
        p->has_console_size = true;
        p->console_height = h;
        p->console_width = w;
        return 1;
}

int spec_parse_process(json_t *j, const char *path, struct oci_process **ret, char **err) {
        struct oci_process *p = calloc(1, sizeof *p);
        char ap[256], ep[256];
        int r;
        if (!p)
                return -ENOMEM;
        if ((r = json_get_bool(j, "terminal", path, false, &p->terminal, err)) < 0 ||
            (r = parse_console_size(j, path, p, err)) < 0 ||
            (r = json_get_string(j, "cwd", path, true, &p->cwd, err)) < 0 ||
            (r = json_get_strv(j, "env", path, false, &p->env, err)) < 0 ||
            (r = check_env(p->env, json_path_key(ep, sizeof ep, path, "env"), err)) < 0 ||
            (r = json_get_strv(j, "args", path, false, &p->args, err)) < 0 ||
            (r = json_get_string(j, "commandLine", path, false, &p->command_line, err)) < 0 ||
            (r = parse_user(j, path, &p->user, err)) < 0 ||
            (r = parse_capabilities(j, path, p, err)) < 0 ||
            (r = parse_rlimits(j, path, p, err)) < 0 ||
            (r = json_get_bool(j, "noNewPrivileges", path, false, &p->no_new_privileges, err)) < 0 ||
            (r = json_get_string(j, "apparmorProfile", path, false, &p->apparmor_profile, err)) < 0 ||
            (r = json_get_string(j, "selinuxLabel", path, false, &p->selinux_label, err)) < 0 ||
            (r = parse_io_priority(j, path, p, err)) < 0 ||
            (r = parse_scheduler(j, path, p, err)) < 0 ||
            (r = parse_cpu_affinity(j, path, p, err)) < 0)
                goto fail;
        /* config.md: cwd "MUST be an absolute path"; args: at least one entry is REQUIRED (POSIX). */
        if (!spec_path_is_absolute(p->cwd)) {
                r = json_errorf(err, "%s.cwd: must be an absolute path, got \"%s\"", path, p->cwd);
                goto fail;
        }
        if (strv_length(p->args) == 0) {
                r = json_errorf(err, "%s: must be a non-empty array", json_path_key(ap, sizeof ap, path, "args"));
                goto fail;
        }
        r = json_get_int(j, "oomScoreAdj", path, false, &p->oom_score_adj, err);
        if (r < 0)
                goto fail;
        if (r > 0) {
                if (p->oom_score_adj < -1000 || p->oom_score_adj > 1000) {
                        r = json_errorf(err, "%s.oomScoreAdj: %d is out of range [-1000, 1000]", path, p->oom_score_adj);
                        goto fail;
                }
                p->has_oom_score_adj = true;
        }
        *ret = p;
        return 0;
fail:
        spec_process_free(p);
        return r;
}

void spec_process_free(struct oci_process *p) {
        if (!p)
                return;
        free(p->cwd);
        strv_free(p->env);
        strv_free(p->args);
        free(p->command_line);
        free(p->user.additional_gids);
        free(p->user.username);
        strv_free(p->capabilities.unknown);
        for (size_t i = 0; i < p->n_rlimits; i++)
                free(p->rlimits[i].type);
        free(p->rlimits);
        free(p->apparmor_profile);
        free(p->selinux_label);
        free(p->exec_cpu_affinity_initial);
        free(p->exec_cpu_affinity_final);
        free(p);
}
