/* SPDX-License-Identifier: GPL-2.0-or-later
 * The OCI runtime-spec 1.2 config.json as typed structs (Linux only).
 *
 * oci_spec_parse() turns the JSON into these structs and reports the first bad or missing field by
 * its JSON path ("process.args: must be a non-empty array"). Unknown fields are ignored as the spec
 * says. Optional scalars come with a has_ flag. Arrays are (pointer, count) pairs; string arrays
 * (args, env, options, ...) are NULL-terminated strv.
 *
 * linux.resources and linux.seccomp are parsed by their own modules (cgroup-resources.c,
 * seccomp-spec.c) into the structs declared in their headers; oci_spec_parse() calls those parsers,
 * and the spec holds the results. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct oci_resources;  /* cgroup-resources.h */
struct oci_seccomp;    /* seccomp-spec.h */
struct json_t;         /* jansson */

struct oci_id_mapping {
        uint32_t container_id;
        uint32_t host_id;
        uint32_t size;
};

struct oci_user {
        uint32_t uid;
        uint32_t gid;
        bool has_umask;
        mode_t umask;
        uint32_t *additional_gids;
        size_t n_additional_gids;
        char *username;
};

struct oci_rlimit {
        int resource;       /* RLIMIT_*, from "RLIMIT_NOFILE" */
        char *type;         /* the name as given */
        uint64_t soft;
        uint64_t hard;
};

/* Capability sets as bit masks over CAP_* numbers. Names the running kernel/libcap does not know
 * are kept in unknown (strv) so the caller can warn, as runc does. */
struct oci_capabilities {
        uint64_t bounding;
        uint64_t effective;
        uint64_t inheritable;
        uint64_t permitted;
        uint64_t ambient;
        char **unknown;
};

struct oci_io_priority {
        int class;          /* IOPRIO_CLASS_RT/BE/IDLE */
        int priority;
};

struct oci_scheduler {
        int policy;         /* SCHED_* */
        int nice;
        int priority;
        uint64_t flags;     /* SCHED_FLAG_* */
        uint64_t runtime, deadline, period;
};

struct oci_process {
        bool terminal;
        bool has_console_size;
        unsigned console_height, console_width;
        char *cwd;
        char **env;
        char **args;
        char *command_line;
        struct oci_user user;
        bool has_capabilities;
        struct oci_capabilities capabilities;
        struct oci_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        bool has_oom_score_adj;
        int oom_score_adj;
        char *apparmor_profile;
        char *selinux_label;
        bool has_io_priority;
        struct oci_io_priority io_priority;
        bool has_scheduler;
        struct oci_scheduler scheduler;
        /* execCPUAffinity (1.2): CPU lists ("0-3,7") as given, validated; NULL when absent. */
        char *exec_cpu_affinity_initial;
        char *exec_cpu_affinity_final;
};

struct oci_mount {
        char *destination;  /* always absolute: a relative one (deprecated) gets a leading "/" */
        bool destination_was_relative;
        char *source;
        char *type;
        char **options;     /* raw strings; mount-options.c turns them into flags */
        struct oci_id_mapping *uid_mappings;   /* idmapped mounts */
        size_t n_uid_mappings;
        struct oci_id_mapping *gid_mappings;
        size_t n_gid_mappings;
};

enum oci_hook_kind {
        OCI_HOOK_PRESTART,
        OCI_HOOK_CREATE_RUNTIME,
        OCI_HOOK_CREATE_CONTAINER,
        OCI_HOOK_START_CONTAINER,
        OCI_HOOK_POSTSTART,
        OCI_HOOK_POSTSTOP,
        _OCI_HOOK_KIND_MAX,
};

struct oci_hook {
        char *path;
        char **args;
        char **env;
        bool has_timeout;
        int timeout;        /* seconds, > 0 */
};

struct oci_hooks {
        struct oci_hook *hooks[_OCI_HOOK_KIND_MAX];
        size_t n_hooks[_OCI_HOOK_KIND_MAX];
};

enum oci_ns_type {
        OCI_NS_PID,
        OCI_NS_NETWORK,
        OCI_NS_MOUNT,
        OCI_NS_IPC,
        OCI_NS_UTS,
        OCI_NS_USER,
        OCI_NS_CGROUP,
        OCI_NS_TIME,
        _OCI_NS_TYPE_MAX,
};

struct oci_namespace {
        enum oci_ns_type type;
        char *path;         /* join this namespace instead of creating one; NULL = new */
};

struct oci_time_offset {
        int clock;          /* CLOCK_MONOTONIC or CLOCK_BOOTTIME */
        int64_t secs;
        uint32_t nanosecs;
};

struct oci_device {
        char type;          /* 'c', 'b', 'u', 'p' */
        char *path;
        int64_t major, minor;
        bool has_file_mode;
        mode_t file_mode;
        bool has_uid;
        uint32_t uid;
        bool has_gid;
        uint32_t gid;
};

struct oci_sysctl {
        char *key;
        char *value;
};

struct oci_linux {
        struct oci_namespace *namespaces;
        size_t n_namespaces;
        struct oci_id_mapping *uid_mappings;
        size_t n_uid_mappings;
        struct oci_id_mapping *gid_mappings;
        size_t n_gid_mappings;
        struct oci_time_offset *time_offsets;
        size_t n_time_offsets;
        struct oci_device *devices;
        size_t n_devices;
        char *cgroups_path;
        /* linux.resources and linux.seccomp: the raw JSON (a reference the spec owns, NULL when
         * absent) and the typed form their modules parse it into (NULL until they do). */
        struct json_t *resources_json;
        struct oci_resources *resources;
        struct json_t *seccomp_json;
        struct oci_seccomp *seccomp;
        char *rootfs_propagation;          /* "private", "rslave", ... or NULL */
        char **masked_paths;
        char **readonly_paths;
        char *mount_label;
        struct oci_sysctl *sysctl;
        size_t n_sysctl;
        bool has_personality;
        unsigned long personality;         /* PER_LINUX / PER_LINUX32 */
};

struct oci_annotation {
        char *key;
        char *value;
};

struct oci_spec {
        char *oci_version;
        char *root_path;      /* root.path as given (relative to the bundle or absolute) */
        bool root_readonly;
        char *hostname;
        char *domainname;
        struct oci_process *process;   /* NULL when absent (allowed for create, not for start) */
        struct oci_mount *mounts;
        size_t n_mounts;
        struct oci_hooks hooks;
        struct oci_annotation *annotations;
        size_t n_annotations;
        bool has_linux;
        struct oci_linux linux_;
};

/* Parse config.json text. On failure returns -EINVAL (or -ENOMEM) and, when ret_error is not NULL,
 * an allocated message that starts with the JSON path of the offending field. */
int oci_spec_parse(const char *json, size_t len, struct oci_spec **ret, char **ret_error);
/* Read and parse <bundle>/config.json; errors name the file. */
int oci_spec_load(const char *bundle, struct oci_spec **ret, char **ret_error);
void oci_spec_free(struct oci_spec *s);

/* What the CLI should warn about before it goes on (runc warns likewise): capability names
 * this kernel/libcap does not know (ignored), relative mount destinations (deprecated, taken from
 * "/"), an ociVersion newer than husk implements (fields
 * husk does not know are ignored). *ret is a NULL-terminated list of messages that start with the
 * JSON path, NULL when there is nothing to say. Returns 0 or -ENOMEM. */
int oci_spec_warnings(const struct oci_spec *s, char ***ret);

/* Lookups used across the runtime. */
const struct oci_namespace *oci_spec_namespace(const struct oci_spec *s, enum oci_ns_type type);
const char *oci_spec_annotation(const struct oci_spec *s, const char *key);
const char *oci_ns_type_to_string(enum oci_ns_type t);      /* "pid", "network", ... */
int oci_ns_type_to_clone_flag(enum oci_ns_type t);          /* CLONE_NEWPID, ... */
const char *oci_hook_kind_to_string(enum oci_hook_kind k);  /* "prestart", "createRuntime", ... */
