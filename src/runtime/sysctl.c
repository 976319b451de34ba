/* SPDX-License-Identifier: GPL-2.0-or-later
 * linux.sysctl validation and application (see sysctl.h for the rule). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "procfs.h"
#include "strv.h"
#include "sysctl.h"

/* IPC sysctls namespaced by CLONE_NEWIPC (ipc/ipc_sysctl.c, ipc/mq_sysctl.c). */
static const char *const ipc_sysctls[] = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* The dotted form of a key, for matching: "net/ipv4/ip_forward" -> "net.ipv4.ip_forward". */
static char *dotted(const char *key) {
        char *d = strdup(key);
        if (!d)
                return NULL;
        if (strchr(d, '/'))
                for (char *p = d; *p; p++)
                        if (*p == '/')
                                *p = '.';
        return d;
}

static bool same_file(const char *a, const char *b) {
        struct stat sa, sb;
        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int check_one(const struct oci_spec *s, const char *key, char **err) {
        _cleanup_free_ char *d = dotted(key);
        if (!d)
                return -ENOMEM;
        bool ipc = startswith(d, "fs.mqueue.");
        for (size_t i = 0; i < ELEMENTSOF(ipc_sysctls) && !ipc; i++)
                ipc = strcmp(d, ipc_sysctls[i]) == 0;
        if (ipc) {
                if (!oci_spec_namespace(s, OCI_NS_IPC))
                        return json_errorf(err, "linux.sysctl.%s: not allowed in the host's ipc namespace "
                                           "(linux.namespaces has no ipc namespace)", key);
                return 0;
        }
        if (startswith(d, "net.")) {
                const struct oci_namespace *ns = oci_spec_namespace(s, OCI_NS_NETWORK);
                if (!ns)
                        return json_errorf(err, "linux.sysctl.%s: not allowed in the host's network namespace "
                                           "(linux.namespaces has no network namespace)", key);
                if (ns->path && same_file(ns->path, "/proc/self/ns/net"))
                        return json_errorf(err, "linux.sysctl.%s: not allowed: linux.namespaces joins the host's "
                                           "network namespace (%s)", key, ns->path);
                return 0;
        }
        if (strcmp(d, "kernel.hostname") == 0)
                return json_errorf(err, "linux.sysctl.%s: not allowed, use the \"hostname\" field", key);
        if (strcmp(d, "kernel.domainname") == 0)
                return json_errorf(err, "linux.sysctl.%s: not allowed, use the \"domainname\" field", key);
        return json_errorf(err, "linux.sysctl.%s: not in a namespace the container owns, so it would change "
                           "the host", key);
}

int sysctl_validate(const struct oci_spec *s, char **err) {
        for (size_t i = 0; i < s->linux_.n_sysctl; i++) {
                int r = check_one(s, s->linux_.sysctl[i].key, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int sysctl_key_to_path(const char *key, char **ret) {
        char *p = NULL;
        if (asprintf(&p, "/proc/sys/%s", key) < 0)
                return -ENOMEM;
        if (!strchr(key, '/'))
                for (char *c = p + strlen("/proc/sys/"); *c; c++)
                        if (*c == '.')
                                *c = '/';
        *ret = p;
        return 0;
}

int sysctl_apply(const struct oci_spec *s, char **err) {
        for (size_t i = 0; i < s->linux_.n_sysctl; i++) {
                const struct oci_sysctl *c = &s->linux_.sysctl[i];
                _cleanup_free_ char *path = NULL;
                int r = sysctl_key_to_path(c->key, &path);
                if (r < 0)
                        return r;
                r = procfs_write(path + strlen("/proc/"), c->value);
                if (r < 0) {
                        json_errorf(err, "linux.sysctl.%s: %s: %s", c->key, path, strerror(-r));
                        return r;
                }
        }
        return 0;
}
