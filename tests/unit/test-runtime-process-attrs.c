/* SPDX-License-Identifier: GPL-2.0-or-later
 * The parts of process-attrs.c and sysctl.c that are pure computation: capability sets, umask,
 * sysctl key rules and paths. Applying them needs a container: tests/integration/process-attrs.sh. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>

#include "process-attrs.h"
#include "process-internal.h"
#include "spec.h"
#include "sysctl.h"

#define BIT(c) (UINT64_C(1) << (c))

Test(process_attrs, ambient_needs_permitted_and_inheritable) {
        struct oci_capabilities c = {
                .permitted = BIT(CAP_KILL) | BIT(CAP_CHOWN) | BIT(CAP_NET_RAW),
                .inheritable = BIT(CAP_KILL) | BIT(CAP_NET_RAW),
                .ambient = BIT(CAP_KILL) | BIT(CAP_CHOWN) | BIT(CAP_AUDIT_WRITE),
        };
        cr_expect_eq(process_caps_ambient(&c), BIT(CAP_KILL));
        /* runc spec's default: ambient without inheritable -> nothing can be raised. */
        struct oci_capabilities runc_default = { .permitted = BIT(CAP_KILL), .ambient = BIT(CAP_KILL) };
        cr_expect_eq(process_caps_ambient(&runc_default), 0);
}

Test(process_attrs, bounding_drop_is_the_complement_within_the_kernel) {
        struct oci_capabilities c = { .bounding = BIT(CAP_KILL) | BIT(CAP_CHOWN) };
        uint64_t drop = process_caps_bounding_drop(&c, 40);
        cr_expect_eq(drop & (BIT(CAP_KILL) | BIT(CAP_CHOWN)), 0);
        cr_expect(drop & BIT(CAP_SYS_ADMIN));
        cr_expect(drop & BIT(40));
        cr_expect_eq(drop & BIT(41), 0, "nothing above the kernel's last capability");
        struct oci_capabilities none = {};
        cr_expect_eq(process_caps_bounding_drop(&none, 63), UINT64_MAX);
}

Test(process_attrs, umask_default_0022) {
        struct oci_process p = {};
        cr_expect_eq(process_umask(&p), 0022);
        p.user.has_umask = true;
        p.user.umask = 0077;
        cr_expect_eq(process_umask(&p), 0077);
        p.user.umask = 0;
        cr_expect_eq(process_umask(&p), 0, "an explicit 0 is kept");
}

Test(sysctl, key_to_path) {
        static const struct { const char *key, *path; } cases[] = {
                { "net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward" },
                { "kernel.shm_rmid_forced", "/proc/sys/kernel/shm_rmid_forced" },
                /* slash form keeps dots that belong to a name (an interface eth0.100) */
                { "net/ipv4/conf/eth0.100/forwarding", "/proc/sys/net/ipv4/conf/eth0.100/forwarding" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char *p = NULL;
                cr_assert_eq(sysctl_key_to_path(cases[i].key, &p), 0);
                cr_expect_str_eq(p, cases[i].path);
                free(p);
        }
}

struct sysctl_case {
        const char *key;
        bool ipc, net, uts;
        const char *error;      /* NULL: allowed */
};

Test(sysctl, validate_table) {
        static const struct sysctl_case cases[] = {
                { "kernel.shmmax", true, false, false, NULL },
                { "kernel.shmmax", false, true, true, "not allowed in the host's ipc namespace" },
                { "kernel.msgmnb", true, false, false, NULL },
                { "kernel.sem", true, false, false, NULL },
                { "fs.mqueue.msg_max", true, false, false, NULL },
                { "fs.mqueue.msg_max", false, false, false, "ipc namespace" },
                { "net.ipv4.ip_forward", false, true, false, NULL },
                { "net/ipv4/ip_forward", false, true, false, NULL },
                { "net.core.somaxconn", true, false, true, "not allowed in the host's network namespace" },
                { "kernel.hostname", false, false, true, "use the \"hostname\" field" },
                { "kernel.domainname", false, false, true, "use the \"domainname\" field" },
                { "kernel.pid_max", true, true, true, "not in a namespace the container owns" },
                { "vm.overcommit_memory", true, true, true, "not in a namespace the container owns" },
                { "fs.file-max", true, true, true, "not in a namespace the container owns" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const struct sysctl_case *c = &cases[i];
                struct oci_namespace ns[3];
                size_t n = 0;
                if (c->ipc)
                        ns[n++] = (struct oci_namespace) { .type = OCI_NS_IPC };
                if (c->net)
                        ns[n++] = (struct oci_namespace) { .type = OCI_NS_NETWORK };
                if (c->uts)
                        ns[n++] = (struct oci_namespace) { .type = OCI_NS_UTS };
                struct oci_sysctl sc = { .key = (char *) c->key, .value = (char *) "1" };
                struct oci_spec s = { .has_linux = true };
                s.linux_.namespaces = ns;
                s.linux_.n_namespaces = n;
                s.linux_.sysctl = &sc;
                s.linux_.n_sysctl = 1;
                char *err = NULL;
                int r = sysctl_validate(&s, &err);
                if (!c->error) {
                        cr_expect_eq(r, 0, "%s: %s", c->key, err);
                } else {
                        cr_expect_eq(r, -EINVAL, "%s: accepted", c->key);
                        cr_expect(err && strstr(err, c->error), "%s: '%s' lacks '%s'", c->key, err, c->error);
                        cr_expect(err && strncmp(err, "linux.sysctl.", 13) == 0, "%s: path first: '%s'", c->key, err);
                }
                free(err);
        }
}

Test(sysctl, joined_host_netns_is_refused) {
        struct oci_namespace ns = { .type = OCI_NS_NETWORK, .path = (char *) "/proc/self/ns/net" };
        struct oci_sysctl sc = { .key = (char *) "net.ipv4.ip_forward", .value = (char *) "1" };
        struct oci_spec s = { .has_linux = true };
        s.linux_.namespaces = &ns;
        s.linux_.n_namespaces = 1;
        s.linux_.sysctl = &sc;
        s.linux_.n_sysctl = 1;
        char *err = NULL;
        cr_expect_eq(sysctl_validate(&s, &err), -EINVAL);
        cr_expect(err && strstr(err, "joins the host's network namespace"), "got '%s'", err);
        free(err);
}

Test(process_attrs, cpu_list_parse_table) {
        static const struct { const char *in; int ret; int count; int last; } cases[] = {
                { "0", 0, 1, 0 },
                { "0-3", 0, 4, 3 },
                { "0-1,7,9-10", 0, 5, 10 },
                { "", -EINVAL, 0, 0 },
                { "a", -EINVAL, 0, 0 },
                { "1-", -EINVAL, 0, 0 },
                { "3-1", -EINVAL, 0, 0 },
                { "1,,2", -EINVAL, 0, 0 },
                { "1 ", -EINVAL, 0, 0 },
                { "-1", -EINVAL, 0, 0 },
                { "99999", -ERANGE, 0, 0 },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                cpu_set_t set;
                int r = cpu_list_parse(cases[i].in, &set);
                cr_expect_eq(r, cases[i].ret, "'%s': got %d", cases[i].in, r);
                if (r == 0) {
                        cr_expect_eq(CPU_COUNT(&set), cases[i].count, "'%s': count", cases[i].in);
                        cr_expect(CPU_ISSET(cases[i].last, &set), "'%s': cpu %d", cases[i].in, cases[i].last);
                }
        }
}
