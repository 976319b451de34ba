/* SPDX-License-Identifier: GPL-2.0-or-later
 * config.json "linux": namespaces, id mappings, time offsets, devices, sysctl, paths, personality.
 * linux.resources and linux.seccomp are kept as raw JSON here; their own modules type them.
 * Checks follow the MUSTs of runtime-spec config-linux.md. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <time.h>

#include "cgroup-resources.h"
#include "cleanup.h"
#include "json-util.h"
#include "seccomp-spec.h"
#include "spec-internal.h"
#include "strv.h"

static const char *const ns_names[_OCI_NS_TYPE_MAX] = {
        [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "network", [OCI_NS_MOUNT] = "mount",
        [OCI_NS_IPC] = "ipc",       [OCI_NS_UTS] = "uts",         [OCI_NS_USER] = "user",
        [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

const char *oci_ns_type_to_string(enum oci_ns_type t) {
        return t >= 0 && t < _OCI_NS_TYPE_MAX ? ns_names[t] : NULL;
}

static int parse_namespace(json_t *e, const char *path, void *slot, char **err) {
        struct oci_namespace *ns = slot;
        _cleanup_free_ char *type = NULL;
        int r;
        if ((r = json_get_string(e, "type", path, true, &type, err)) < 0 ||
            (r = json_get_string(e, "path", path, false, &ns->path, err)) < 0)
                return r;
        int t;
        for (t = 0; t < _OCI_NS_TYPE_MAX; t++)
                if (strcmp(ns_names[t], type) == 0)
                        break;
        if (t == _OCI_NS_TYPE_MAX)
                return json_errorf(err, "%s.type: unknown namespace type \"%s\"", path, type);
        ns->type = (enum oci_ns_type) t;
        /* config-linux.md: path "MUST be an absolute path in the runtime mount namespace". */
        if (ns->path && !spec_path_is_absolute(ns->path))
                return json_errorf(err, "%s.path: must be an absolute path, got \"%s\"", path, ns->path);
        return 0;
}

static int parse_namespaces(json_t *obj, const char *path, struct oci_linux *l, char **err) {
        char np[256], ip[300];
        int r = spec_parse_object_array(obj, "namespaces", path, sizeof(struct oci_namespace), parse_namespace,
                                        (void **) &l->namespaces, &l->n_namespaces, err);
        if (r <= 0)
                return r;
        json_path_key(np, sizeof np, path, "namespaces");
        /* "If a namespace type is specified more than once, the runtime MUST generate an error." */
        for (size_t i = 0; i < l->n_namespaces; i++)
                for (size_t j = 0; j < i; j++)
                        if (l->namespaces[i].type == l->namespaces[j].type)
                                return json_errorf(err, "%s.type: duplicate namespace type \"%s\" (also in %s[%zu])",
                                                   json_path_index(ip, sizeof ip, np, i),
                                                   ns_names[l->namespaces[i].type], np, j);
        return 1;
}

static int parse_time_offsets(json_t *obj, const char *path, struct oci_linux *l, char **err) {
        json_t *j = NULL, *v;
        const char *key;
        char tp[256], kp[300];
        int r = json_get_object(obj, "timeOffsets", path, false, &j, err);
        if (r <= 0)
                return r;
        json_path_key(tp, sizeof tp, path, "timeOffsets");
        l->time_offsets = calloc(json_object_size(j) + 1, sizeof(struct oci_time_offset));
        if (!l->time_offsets)
                return -ENOMEM;
        json_object_foreach(j, key, v) {
                struct oci_time_offset *o = &l->time_offsets[l->n_time_offsets];
                json_path_key(kp, sizeof kp, tp, key);
                if (strcmp(key, "monotonic") == 0)
                        o->clock = CLOCK_MONOTONIC;
                else if (strcmp(key, "boottime") == 0)
                        o->clock = CLOCK_BOOTTIME;
                else
                        return json_errorf(err, "%s: unknown clock (monotonic or boottime)", kp);
                if (!json_is_object(v))
                        return json_errorf(err, "%s: must be an object", kp);
                if ((r = json_get_int64(v, "secs", kp, false, &o->secs, err)) < 0 ||
                    (r = json_get_uint32(v, "nanosecs", kp, false, &o->nanosecs, err)) < 0)
                        return r;
                if (o->nanosecs >= 1000000000u)
                        return json_errorf(err, "%s.nanosecs: must be below 1000000000", kp);
                l->n_time_offsets++;
        }
        return 1;
}

static int parse_device(json_t *e, const char *path, void *slot, char **err) {
        struct oci_device *d = slot;
        _cleanup_free_ char *type = NULL;
        uint32_t mode = 0;
        int r;
        if ((r = json_get_string(e, "type", path, true, &type, err)) < 0 ||
            (r = json_get_string(e, "path", path, true, &d->path, err)) < 0)
                return r;
        if (strlen(type) != 1 || !strchr("cbup", type[0]))
                return json_errorf(err, "%s.type: must be \"c\", \"b\", \"u\" or \"p\", got \"%s\"", path, type);
        d->type = type[0];
        if (!spec_path_is_absolute(d->path))
                return json_errorf(err, "%s.path: must be an absolute path, got \"%s\"", path, d->path);
        /* major/minor: "MUST NOT" for fifos, required for the others (config-linux.md devices). */
        bool need = d->type != 'p';
        if ((r = json_get_int64(e, "major", path, need, &d->major, err)) < 0 ||
            (r = json_get_int64(e, "minor", path, need, &d->minor, err)) < 0)
                return r;
        if (d->major < 0 || d->minor < 0)
                return json_errorf(err, "%s: major and minor must not be negative", path);
        if ((r = json_get_uint32(e, "fileMode", path, false, &mode, err)) < 0)
                return r;
        d->has_file_mode = r > 0;
        d->file_mode = (mode_t) mode;
        if ((r = json_get_uint32(e, "uid", path, false, &d->uid, err)) < 0)
                return r;
        d->has_uid = r > 0;
        if ((r = json_get_uint32(e, "gid", path, false, &d->gid, err)) < 0)
                return r;
        d->has_gid = r > 0;
        return 0;
}

static int parse_sysctl(json_t *obj, const char *path, struct oci_linux *l, char **err) {
        json_t *j = NULL, *v;
        const char *key;
        char sp[256], kp[512];
        int r = json_get_object(obj, "sysctl", path, false, &j, err);
        if (r <= 0)
                return r;
        json_path_key(sp, sizeof sp, path, "sysctl");
        l->sysctl = calloc(json_object_size(j) + 1, sizeof(struct oci_sysctl));
        if (!l->sysctl)
                return -ENOMEM;
        json_object_foreach(j, key, v) {
                struct oci_sysctl *s = &l->sysctl[l->n_sysctl];
                json_path_key(kp, sizeof kp, sp, key);
                if (!*key || key[0] == '.' || key[0] == '/' || strstr(key, "..") || strstr(key, "//"))
                        return json_errorf(err, "%s: not a valid sysctl name", kp);
                if (!json_is_string(v))
                        return json_errorf(err, "%s: must be a string", kp);
                s->key = strdup(key);
                s->value = strdup(json_string_value(v));
                l->n_sysctl++;
                if (!s->key || !s->value)
                        return -ENOMEM;
        }
        return 1;
}

static int parse_personality(json_t *obj, const char *path, struct oci_linux *l, char **err) {
        static const struct { const char *name; unsigned long flag; } flags[] = {
                { "ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE },   { "ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT },
                { "ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT },     { "ADDR_LIMIT_3GB", ADDR_LIMIT_3GB },
                { "FDPIC_FUNCPTRS", FDPIC_FUNCPTRS },         { "MMAP_PAGE_ZERO", MMAP_PAGE_ZERO },
                { "READ_IMPLIES_EXEC", READ_IMPLIES_EXEC },   { "SHORT_INODE", SHORT_INODE },
                { "STICKY_TIMEOUTS", STICKY_TIMEOUTS },       { "UNAME26", UNAME26 },
                { "WHOLE_SECONDS", WHOLE_SECONDS },
        };
        json_t *j = NULL;
        char pp[256], fp[300], ip[320];
        _cleanup_free_ char *domain = NULL;
        _cleanup_strv_free_ char **names = NULL;
        int r = json_get_object(obj, "personality", path, false, &j, err);
        if (r <= 0)
                return r;
        json_path_key(pp, sizeof pp, path, "personality");
        if ((r = json_get_string(j, "domain", pp, true, &domain, err)) < 0 ||
            (r = json_get_strv(j, "flags", pp, false, &names, err)) < 0)
                return r;
        if (strcmp(domain, "LINUX") == 0)
                l->personality = PER_LINUX;
        else if (strcmp(domain, "LINUX32") == 0)
                l->personality = PER_LINUX32;
        else
                return json_errorf(err, "%s.domain: must be \"LINUX\" or \"LINUX32\", got \"%s\"", pp, domain);
        json_path_key(fp, sizeof fp, pp, "flags");
        for (size_t i = 0; names && names[i]; i++) {
                size_t k;
                for (k = 0; k < ELEMENTSOF(flags); k++)
                        if (strcmp(flags[k].name, names[i]) == 0)
                                break;
                if (k == ELEMENTSOF(flags))
                        return json_errorf(err, "%s: unknown personality flag \"%s\"",
                                           json_path_index(ip, sizeof ip, fp, i), names[i]);
                l->personality |= flags[k].flag;
        }
        l->has_personality = true;
        return 1;
}

/* maskedPaths / readonlyPaths: "The values MUST be absolute paths in the container namespace." */
static int parse_abs_paths(json_t *obj, const char *key, const char *path, char ***ret, char **err) {
        char kp[256], ip[300];
        int r = json_get_strv(obj, key, path, false, ret, err);
        if (r <= 0)
                return r;
        json_path_key(kp, sizeof kp, path, key);
        for (size_t i = 0; (*ret)[i]; i++)
                if (!spec_path_is_absolute((*ret)[i]))
                        return json_errorf(err, "%s: must be an absolute path, got \"%s\"",
                                           json_path_index(ip, sizeof ip, kp, i), (*ret)[i]);
        return 1;
}

static int parse_propagation(json_t *obj, const char *path, struct oci_linux *l, char **err) {
        static const char *const ok[] = { "shared", "slave", "private", "unbindable",
                                           "rshared", "rslave", "rprivate", "runbindable" };
        int r = json_get_string(obj, "rootfsPropagation", path, false, &l->rootfs_propagation, err);
        if (r <= 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(ok); i++)
                if (strcmp(ok[i], l->rootfs_propagation) == 0)
                        return 1;
        return json_errorf(err, "%s.rootfsPropagation: must be shared, slave, private or unbindable, got \"%s\"",
                           path, l->rootfs_propagation);
}

/* Keep an object member as a raw JSON reference for the module that types it later. */
static int keep_raw(json_t *obj, const char *key, const char *path, json_t **ret, char **err) {
        json_t *j = NULL;
        int r = json_get_object(obj, key, path, false, &j, err);
        if (r > 0)
                *ret = json_incref(j);
        return r;
}

int spec_parse_linux(json_t *j, const char *path, struct oci_linux *l, char **err) {
        json_t *unsupported = NULL;
        int r;
        if ((r = parse_namespaces(j, path, l, err)) < 0 ||
            (r = spec_parse_id_mappings(j, "uidMappings", path, &l->uid_mappings, &l->n_uid_mappings, err)) < 0 ||
            (r = spec_parse_id_mappings(j, "gidMappings", path, &l->gid_mappings, &l->n_gid_mappings, err)) < 0 ||
            (r = parse_time_offsets(j, path, l, err)) < 0 ||
            (r = spec_parse_object_array(j, "devices", path, sizeof(struct oci_device), parse_device,
                                         (void **) &l->devices, &l->n_devices, err)) < 0 ||
            (r = json_get_string(j, "cgroupsPath", path, false, &l->cgroups_path, err)) < 0 ||
            (r = keep_raw(j, "resources", path, &l->resources_json, err)) < 0 ||
            (l->resources_json && (r = oci_resources_parse(l->resources_json, "linux.resources", &l->resources, err)) < 0) ||
            (r = keep_raw(j, "seccomp", path, &l->seccomp_json, err)) < 0 ||
            (l->seccomp_json && (r = oci_seccomp_parse(l->seccomp_json, "linux.seccomp", &l->seccomp, err)) < 0) ||
            (r = parse_propagation(j, path, l, err)) < 0 ||
            (r = parse_abs_paths(j, "maskedPaths", path, &l->masked_paths, err)) < 0 ||
            (r = parse_abs_paths(j, "readonlyPaths", path, &l->readonly_paths, err)) < 0 ||
            (r = json_get_string(j, "mountLabel", path, false, &l->mount_label, err)) < 0 ||
            (r = parse_sysctl(j, path, l, err)) < 0 ||
            (r = parse_personality(j, path, l, err)) < 0)
                return r;
        /* Intel RDT needs resctrl support husk does not have; `husk features` says so too. A
         * container that asks for it must not silently run without it. */
        r = json_get_object(j, "intelRdt", path, false, &unsupported, err);
        if (r < 0)
                return r;
        if (r > 0)
                return json_errorf(err, "%s.intelRdt: not supported by husk", path);
        return 0;
}

void spec_linux_done(struct oci_linux *l) {
        for (size_t i = 0; i < l->n_namespaces; i++)
                free(l->namespaces[i].path);
        free(l->namespaces);
        free(l->uid_mappings);
        free(l->gid_mappings);
        free(l->time_offsets);
        for (size_t i = 0; i < l->n_devices; i++)
                free(l->devices[i].path);
        free(l->devices);
        free(l->cgroups_path);
        json_decref(l->resources_json);
        oci_resources_free(l->resources);
        json_decref(l->seccomp_json);
        oci_seccomp_free(l->seccomp);
        free(l->rootfs_propagation);
        strv_free(l->masked_paths);
        strv_free(l->readonly_paths);
        free(l->mount_label);
        for (size_t i = 0; i < l->n_sysctl; i++) {
                free(l->sysctl[i].key);
                free(l->sysctl[i].value);
        }
        free(l->sysctl);
}
