/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk features: the runtime-spec features.json (features.md, runtime-spec 1.2) describing what
 * this husk implements, for engines that adapt their configs (containerd, podman). Every list
 * comes from the code that implements it: hook kinds from spec.c, mount options from
 * mount-options.c, capabilities from libcap, seccomp names from seccomp-spec.c and the flags the
 * running kernel accepts. Cgroups: the cgroupfs driver on v1, v2 and hybrid hosts, with rdma limits
 * (src/runtime/cgroup*.c), and the systemd driver when built with libsystemd. What husk does not
 * implement (Intel RDT, systemd user instances) is false. */
#include <errno.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "mount-options.h"
#include "seccomp-config.h"
#include "seccomp-spec.h"
#include "spec.h"
#include LIBSECCOMP_H  /* libseccomp's <seccomp.h> (src/runtime/seccomp.h shadows the name) */

static const char usage[] =
        "Usage: husk features\n\n"
        "Print the features this runtime implements as runtime-spec features.json: supported\n"
        "ociVersion range, hooks, mount options, namespaces, capabilities, cgroup drivers,\n"
        "seccomp actions/operators/architectures/flags, AppArmor, SELinux, Intel RDT.\n";

static json_t *strings(const char *const *names) {
        json_t *a = json_array();
        for (size_t i = 0; a && names && names[i]; i++)
                json_array_append_new(a, json_string(names[i]));
        return a;
}

/* Every capability libcap can name ("CAP_CHOWN" ...); libcap prints unknown numbers as digits. */
static json_t *capabilities(void) {
        json_t *a = json_array();
        for (cap_value_t v = 0; a && v < 64; v++) {
                char *n = cap_to_name(v);
                if (n && strncmp(n, "cap_", 4) == 0) {
                        for (char *p = n; *p; p++)
                                if (*p >= 'a' && *p <= 'z')
                                        *p = (char) (*p - 'a' + 'A');
                        json_array_append_new(a, json_string(n));
                }
                cap_free(n);
        }
        return a;
}

/* The kernel validates the flags before it reads the filter: with a NULL filter a known flag
 * gives EFAULT, an unknown one EINVAL (the probe runc uses, libcontainer/seccomp/patchbpf). */
static json_t *supported_seccomp_flags(void) {
        static const struct { const char *name; unsigned long flag; } flags[] = {
                { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
                { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
                { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
                /* only valid together with NEW_LISTENER (kernel/seccomp.c) */
                { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", (1UL << 5) | SECCOMP_FILTER_FLAG_NEW_LISTENER },
        };
        json_t *a = json_array();
        for (size_t i = 0; a && oci_seccomp_flag_names[i]; i++)
                for (size_t k = 0; k < ELEMENTSOF(flags); k++)
                        if (strcmp(flags[k].name, oci_seccomp_flag_names[i]) == 0 &&
                            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags[k].flag, NULL) < 0 && errno == EFAULT)
                                json_array_append_new(a, json_string(flags[k].name));
        return a;
}

static json_t *namespaces(void) {
        json_t *a = json_array();
        for (int t = 0; a && t < _OCI_NS_TYPE_MAX; t++)
                json_array_append_new(a, json_string(oci_ns_type_to_string((enum oci_ns_type) t)));
        return a;
}

static json_t *hooks(void) {
        json_t *a = json_array();
        for (int k = 0; a && k < _OCI_HOOK_KIND_MAX; k++)
                json_array_append_new(a, json_string(oci_hook_kind_to_string((enum oci_hook_kind) k)));
        return a;
}

static json_t *features(void) {
        const struct scmp_version *v = seccomp_version();
        char libseccomp[32];
        snprintf(libseccomp, sizeof libseccomp, "%u.%u.%u", v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
        return json_pack(
                "{s:s, s:s, s:o, s:o,"
                " s:{s:o, s:o, s:{s:b, s:b, s:b, s:b, s:b},"
                "    s:{s:b, s:o, s:o, s:o, s:o, s:o},"
                "    s:{s:b}, s:{s:b}, s:{s:b}, s:{s:{s:b}}},"
                " s:{s:s, s:s}}",
                "ociVersionMin", "1.0.0",
                "ociVersionMax", HUSK_OCI_SPEC_VERSION,
                "hooks", hooks(),
                "mountOptions", strings(mount_option_names()),
                "linux",
                "namespaces", namespaces(),
                "capabilities", capabilities(),
                "cgroup", "v1", true, "v2", true, "systemd", (int) HAVE_LIBSYSTEMD, "systemdUser", false, "rdma", true,
                "seccomp", "enabled", true,
                "actions", strings(oci_seccomp_action_names),
                "operators", strings(oci_seccomp_op_names),
                "archs", strings(oci_seccomp_arch_names),
                "knownFlags", strings(oci_seccomp_flag_names),
                "supportedFlags", supported_seccomp_flags(),
                "apparmor", "enabled", true,
                "selinux", "enabled", true,
                "intelRdt", "enabled", false,
                "mountExtensions", "idmap", "enabled", true,
                "annotations",
                "io.github.husk.version", HUSK_VERSION,
                "io.github.husk.libseccomp.version", libseccomp);
}

int verb_features(int argc, char **argv, const struct global_args *g) {
        int ret;
        int first = verb_getopt(argc, argv, NULL, NULL, usage, NULL, NULL, &ret);
        if (first < 0)
                return ret;
        if (first != argc) {
                log_error("features: takes no arguments");
                return EXIT_FAILURE;
        }
        json_t *f = features();
        char *text = f ? json_dumps(f, JSON_INDENT(4)) : NULL;
        json_decref(f);
        if (!text) {
                log_error("features: out of memory");
                return EXIT_FAILURE;
        }
        puts(text);
        free(text);
        return EXIT_SUCCESS;
}
