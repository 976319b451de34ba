/* SPDX-License-Identifier: GPL-2.0-or-later
 * config.json (runtime-spec 1.2, Linux) into struct oci_spec: the top level, root, mounts, hooks,
 * annotations and the checks that span sections (user namespace vs. id mappings, hostname vs. uts
 * namespace, sysctl namespacing). process and linux are parsed in spec-process.c and spec-linux.c.
 * Every error starts with the JSON path of the field (json-util.h); unknown fields are ignored. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "spec-internal.h"
#include "strv.h"
#include "sysctl.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *const hook_names[_OCI_HOOK_KIND_MAX] = {
        [OCI_HOOK_PRESTART] = "prestart",
        [OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
        [OCI_HOOK_CREATE_CONTAINER] = "createContainer",
        [OCI_HOOK_START_CONTAINER] = "startContainer",
        [OCI_HOOK_POSTSTART] = "poststart",
        [OCI_HOOK_POSTSTOP] = "poststop",
};

bool spec_path_is_absolute(const char *p) {
        return p && p[0] == '/';
}

int spec_parse_object_array(json_t *obj, const char *key, const char *path, size_t elem_size,
                            int (*parse)(json_t *e, const char *path, void *slot, char **err),
                            void **ret, size_t *ret_n, char **err) {
        json_t *a = NULL;
        char kp[256], ip[300];
        int r = json_get_array(obj, key, path, false, &a, err);
        if (r <= 0)
                return r;
        json_path_key(kp, sizeof kp, path, key);
        size_t n = json_array_size(a);
        char *items = calloc(n ? n : 1, elem_size);
        if (!items)
                return -ENOMEM;
        *ret = items;
        *ret_n = n;
        for (size_t i = 0; i < n; i++) {
                json_t *e = json_array_get(a, i);
                json_path_index(ip, sizeof ip, kp, i);
                if (!json_is_object(e))
                        return json_errorf(err, "%s: must be an object", ip);
                r = parse(e, ip, items + i * elem_size, err);
                if (r < 0)
                        return r;
        }
        return 1;
}

static int parse_id_mapping(json_t *e, const char *path, void *slot, char **err) {
        struct oci_id_mapping *m = slot;
        int r;
        if ((r = json_get_uint32(e, "containerID", path, true, &m->container_id, err)) < 0 ||
            (r = json_get_uint32(e, "hostID", path, true, &m->host_id, err)) < 0 ||
            (r = json_get_uint32(e, "size", path, true, &m->size, err)) < 0)
                return r;
        if (m->size == 0)
                return json_errorf(err, "%s.size: must be greater than 0", path);
        if ((uint64_t) m->container_id + m->size > UINT32_MAX + UINT64_C(1) ||
            (uint64_t) m->host_id + m->size > UINT32_MAX + UINT64_C(1))
                return json_errorf(err, "%s: the range overflows 32-bit ids", path);
        return 0;
}

int spec_parse_id_mappings(json_t *obj, const char *key, const char *path,
                           struct oci_id_mapping **ret, size_t *ret_n, char **err) {
        return spec_parse_object_array(obj, key, path, sizeof(struct oci_id_mapping), parse_id_mapping,
                                       (void **) ret, ret_n, err);
}

static int parse_mount(json_t *e, const char *path, void *slot, char **err) {
        struct oci_mount *m = slot;
        int r;
        if ((r = json_get_string(e, "destination", path, true, &m->destination, err)) < 0 ||
            (r = json_get_string(e, "source", path, false, &m->source, err)) < 0 ||
            (r = json_get_string(e, "type", path, false, &m->type, err)) < 0 ||
            (r = json_get_strv(e, "options", path, false, &m->options, err)) < 0 ||
            (r = spec_parse_id_mappings(e, "uidMappings", path, &m->uid_mappings, &m->n_uid_mappings, err)) < 0 ||
            (r = spec_parse_id_mappings(e, "gidMappings", path, &m->gid_mappings, &m->n_gid_mappings, err)) < 0)
                return r;
        if (!*m->destination)
                return json_errorf(err, "%s.destination: must not be empty", path);
        /* config.md: destination SHOULD be absolute; a relative one (deprecated) "MUST be
         * interpreted as relative to /", so make it absolute here, once, for every consumer. */
        if (!spec_path_is_absolute(m->destination)) {
                char *abs = NULL;
                if (asprintf(&abs, "/%s", m->destination) < 0)
                        return -ENOMEM;
                free(m->destination);
                m->destination = abs;
                m->destination_was_relative = true;
        }
        if ((m->n_uid_mappings > 0) != (m->n_gid_mappings > 0))
                return json_errorf(err, "%s: an idmapped mount needs both uidMappings and gidMappings", path);
        return 0;
}

static int parse_hook(json_t *e, const char *path, void *slot, char **err) {
        struct oci_hook *h = slot;
        int r;
        if ((r = json_get_string(e, "path", path, true, &h->path, err)) < 0 ||
            (r = json_get_strv(e, "args", path, false, &h->args, err)) < 0 ||
            (r = json_get_strv(e, "env", path, false, &h->env, err)) < 0)
                return r;
        /* config.md hooks: path "MUST be absolute"; timeout "MUST be greater than zero". */
        if (!spec_path_is_absolute(h->path))
                return json_errorf(err, "%s.path: must be an absolute path, got \"%s\"", path, h->path);
        r = json_get_int(e, "timeout", path, false, &h->timeout, err);
        if (r < 0)
                return r;
        if (r > 0 && h->timeout <= 0)
                return json_errorf(err, "%s.timeout: must be greater than zero, got %d", path, h->timeout);
        h->has_timeout = r > 0;
        return 0;
}

static int parse_hooks(json_t *obj, struct oci_hooks *hooks, char **err) {
        json_t *j = NULL;
        int r = json_get_object(obj, "hooks", "", false, &j, err);
        if (r <= 0)
                return r;
        for (int k = 0; k < _OCI_HOOK_KIND_MAX; k++) {
                r = spec_parse_object_array(j, hook_names[k], "hooks", sizeof(struct oci_hook), parse_hook,
                                            (void **) &hooks->hooks[k], &hooks->n_hooks[k], err);
                if (r < 0)
                        return r;
        }
        return 1;
}

static int parse_annotations(json_t *obj, struct oci_spec *s, char **err) {
        json_t *j = NULL, *v;
        const char *key;
        int r = json_get_object(obj, "annotations", "", false, &j, err);
        if (r <= 0)
                return r;
        s->annotations = calloc(json_object_size(j) + 1, sizeof(struct oci_annotation));
        if (!s->annotations)
                return -ENOMEM;
        json_object_foreach(j, key, v) {
                struct oci_annotation *a = &s->annotations[s->n_annotations];
                if (!*key)
                        return json_errorf(err, "annotations: keys must not be empty");
                if (!json_is_string(v))
                        return json_errorf(err, "annotations.%s: must be a string", key);
                a->key = strdup(key);
                a->value = strdup(json_string_value(v));
                s->n_annotations++;
                if (!a->key || !a->value)
                        return -ENOMEM;
        }
        return 1;
}

/* ociVersion "MUST be in SemVer v2.0.0 format"; only major version 1 is compatible with us. */
static int check_oci_version(const char *v, char **err) {
        unsigned major, minor, patch;
        int n = 0;
        if (sscanf(v, "%u.%u.%u%n", &major, &minor, &patch, &n) != 3 || (v[n] && v[n] != '-' && v[n] != '+') ||
            !strchr("0123456789", v[0]))
                return json_errorf(err, "ociVersion: \"%s\" is not a SemVer 2.0.0 version", v);
        if (major != 1)
                return json_errorf(err, "ociVersion: version %s is not supported (husk implements 1.x up to %s)",
                                   v, "1.2.0");
        return 0;
}

static int parse_root(json_t *obj, struct oci_spec *s, char **err) {
        json_t *j = NULL;
        int r;
        /* config.md: root is REQUIRED on every platform but Windows Hyper-V. */
        if ((r = json_get_object(obj, "root", "", true, &j, err)) < 0 ||
            (r = json_get_string(j, "path", "root", true, &s->root_path, err)) < 0 ||
            (r = json_get_bool(j, "readonly", "root", false, &s->root_readonly, err)) < 0)
                return r;
        if (!*s->root_path)
                return json_errorf(err, "root.path: must not be empty");
        return 0;
}

static int ns_index(const struct oci_spec *s, enum oci_ns_type t) {
        for (size_t i = 0; i < s->linux_.n_namespaces; i++)
                if (s->linux_.namespaces[i].type == t)
                        return (int) i;
        return -1;
}

/* Checks across sections: what each namespace makes possible or requires. */
static int check_cross(const struct oci_spec *s, char **err) {
        const struct oci_linux *l = &s->linux_;
        int user = ns_index(s, OCI_NS_USER);
        if (user >= 0 && !l->namespaces[user].path) {
                if (l->n_uid_mappings == 0)
                        return json_errorf(err, "linux.uidMappings: required with a new user namespace (linux.namespaces[%d])", user);
                if (l->n_gid_mappings == 0)
                        return json_errorf(err, "linux.gidMappings: required with a new user namespace (linux.namespaces[%d])", user);
        }
        if (user < 0 && (l->n_uid_mappings > 0 || l->n_gid_mappings > 0))
                return json_errorf(err, "%s: set, but linux.namespaces has no user namespace",
                                   l->n_uid_mappings > 0 ? "linux.uidMappings" : "linux.gidMappings");
        int time_ns = ns_index(s, OCI_NS_TIME);
        if (l->n_time_offsets > 0 && (time_ns < 0 || l->namespaces[time_ns].path))
                return json_errorf(err, "linux.timeOffsets: needs a new time namespace in linux.namespaces");
        /* Without a mount namespace the container shares the runtime's, whose "/" is the host's:
         * not for the container to change. (maskedPaths and readonlyPaths are fine there: they
         * go on the container's own paths, and delete removes them with its other mounts.) */
        if (l->rootfs_propagation && *l->rootfs_propagation && ns_index(s, OCI_NS_MOUNT) < 0)
                return json_errorf(err, "linux.rootfsPropagation: needs a mount namespace in linux.namespaces");
        if (s->hostname && *s->hostname && ns_index(s, OCI_NS_UTS) < 0)
                return json_errorf(err, "hostname: cannot be set without a uts namespace in linux.namespaces");
        if (s->domainname && *s->domainname && ns_index(s, OCI_NS_UTS) < 0)
                return json_errorf(err, "domainname: cannot be set without a uts namespace in linux.namespaces");
        return sysctl_validate(s, err);
}

static int spec_from_json(json_t *root, struct oci_spec **ret, char **err) {
        struct oci_spec *s = calloc(1, sizeof *s);
        json_t *proc = NULL, *lin = NULL;
        int r;
        if (!s)
                return -ENOMEM;
        if ((r = json_get_string(root, "ociVersion", "", true, &s->oci_version, err)) < 0 ||
            (r = check_oci_version(s->oci_version, err)) < 0 ||
            (r = parse_root(root, s, err)) < 0 ||
            (r = json_get_string(root, "hostname", "", false, &s->hostname, err)) < 0 ||
            (r = json_get_string(root, "domainname", "", false, &s->domainname, err)) < 0 ||
            (r = spec_parse_object_array(root, "mounts", "", sizeof(struct oci_mount), parse_mount,
                                         (void **) &s->mounts, &s->n_mounts, err)) < 0 ||
            (r = parse_hooks(root, &s->hooks, err)) < 0 ||
            (r = parse_annotations(root, s, err)) < 0 ||
            (r = json_get_object(root, "process", "", false, &proc, err)) < 0 ||
            (proc && (r = spec_parse_process(proc, "process", &s->process, err)) < 0) ||
            (r = json_get_object(root, "linux", "", false, &lin, err)) < 0 ||
            (lin && (r = spec_parse_linux(lin, "linux", &s->linux_, err)) < 0) ||
            (r = check_cross(s, err)) < 0)
                goto fail;
        s->has_linux = lin != NULL;
        *ret = s;
        return 0;
fail:
        oci_spec_free(s);
        return r;
}

int oci_spec_parse(const char *json, size_t len, struct oci_spec **ret, char **ret_error) {
        json_t *root = NULL;
        int r = json_load_text(json, len, "config.json", &root, ret_error);
        if (r < 0)
                return r;
        r = spec_from_json(root, ret, ret_error);
        json_decref(root);
        return r;
}

int oci_spec_load(const char *bundle, struct oci_spec **ret, char **ret_error) {
        _cleanup_free_ char *path = NULL, *text = NULL, *msg = NULL;
        size_t len = 0;
        json_t *root = NULL;
        if (asprintf(&path, "%s/config.json", bundle) < 0)
                return -ENOMEM;
        int r = read_full_file_at(AT_FDCWD, path, &text, &len);
        if (r < 0) {
                if (ret_error && !*ret_error && asprintf(ret_error, "%s: %s", path, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        r = json_load_text(text, len, path, &root, ret_error);
        if (r < 0)
                return r;
        r = spec_from_json(root, ret, &msg);
        json_decref(root);
        if (r < 0 && msg)
                json_errorf(ret_error, "%s: %s", path, msg);
        return r;
}

static void hook_array_free(struct oci_hook *h, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(h[i].path);
                strv_free(h[i].args);
                strv_free(h[i].env);
        }
        free(h);
}

void oci_spec_free(struct oci_spec *s) {
        if (!s)
                return;
        free(s->oci_version);
        free(s->root_path);
        free(s->hostname);
        free(s->domainname);
        spec_process_free(s->process);
        for (size_t i = 0; i < s->n_mounts; i++) {
                struct oci_mount *m = &s->mounts[i];
                free(m->destination);
                free(m->source);
                free(m->type);
                strv_free(m->options);
                free(m->uid_mappings);
                free(m->gid_mappings);
        }
        free(s->mounts);
        for (int k = 0; k < _OCI_HOOK_KIND_MAX; k++)
                hook_array_free(s->hooks.hooks[k], s->hooks.n_hooks[k]);
        for (size_t i = 0; i < s->n_annotations; i++) {
                free(s->annotations[i].key);
                free(s->annotations[i].value);
        }
        free(s->annotations);
        spec_linux_done(&s->linux_);
        free(s);
}

int oci_spec_warnings(const struct oci_spec *s, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        char *m = NULL;
        unsigned major = 0, minor = 0;
        if (s->process)
                for (char **u = s->process->capabilities.unknown; u && *u; u++) {
                        if (asprintf(&m, "process.capabilities: unknown capability \"%s\" ignored", *u) < 0)
                                return -ENOMEM;
                        int r = strv_extend(&l, m);
                        free(m);
                        if (r < 0)
                                return r;
                }
        for (size_t i = 0; i < s->n_mounts; i++) {
                if (!s->mounts[i].destination_was_relative)
                        continue;
                if (asprintf(&m, "mounts[%zu].destination: \"%s\" is relative, taken as \"%s\" (deprecated)", i,
                             s->mounts[i].destination + 1, s->mounts[i].destination) < 0)
                        return -ENOMEM;
                int r = strv_extend(&l, m);
                free(m);
                if (r < 0)
                        return r;
        }
        if (sscanf(s->oci_version, "%u.%u", &major, &minor) == 2 && major == 1 && minor > 2) {
                if (asprintf(&m, "ociVersion: %s is newer than husk implements (1.2.0): fields it does not know "
                             "are ignored", s->oci_version) < 0)
                        return -ENOMEM;
                int r = strv_extend(&l, m);
                free(m);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

const struct oci_namespace *oci_spec_namespace(const struct oci_spec *s, enum oci_ns_type type) {
        int i = ns_index(s, type);
        return i < 0 ? NULL : &s->linux_.namespaces[i];
}

const char *oci_spec_annotation(const struct oci_spec *s, const char *key) {
        for (size_t i = 0; i < s->n_annotations; i++)
                if (strcmp(s->annotations[i].key, key) == 0)
                        return s->annotations[i].value;
        return NULL;
}

int oci_ns_type_to_clone_flag(enum oci_ns_type t) {
        static const int flags[_OCI_NS_TYPE_MAX] = {
                [OCI_NS_PID] = CLONE_NEWPID,   [OCI_NS_NETWORK] = CLONE_NEWNET, [OCI_NS_MOUNT] = CLONE_NEWNS,
                [OCI_NS_IPC] = CLONE_NEWIPC,   [OCI_NS_UTS] = CLONE_NEWUTS,     [OCI_NS_USER] = CLONE_NEWUSER,
                [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
        };
        return t >= 0 && t < _OCI_NS_TYPE_MAX ? flags[t] : 0;
}

const char *oci_hook_kind_to_string(enum oci_hook_kind k) {
        return k >= 0 && k < _OCI_HOOK_KIND_MAX ? hook_names[k] : NULL;
}
