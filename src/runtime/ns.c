/* SPDX-License-Identifier: GPL-2.0-or-later
 * Namespace creation, joining and id mapping (see ns.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "ns.h"
#include "procfs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(0xb7, 0x3)
#endif

unsigned long ns_new_flags(const struct oci_spec *spec) {
        unsigned long flags = 0;
        for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
                if (!spec->linux_.namespaces[i].path)
                        flags |= (unsigned long) oci_ns_type_to_clone_flag(spec->linux_.namespaces[i].type);
        return flags;
}

bool ns_single_clone(const struct oci_spec *spec) {
        for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
                if (spec->linux_.namespaces[i].path)
                        return false;
        return !(ns_new_flags(spec) & CLONE_NEWTIME);
}

void ns_close_fds(int fds[_OCI_NS_TYPE_MAX]) {
        for (int t = 0; t < _OCI_NS_TYPE_MAX; t++)
                fds[t] = safe_close(fds[t]);
}

int ns_open_paths(const struct oci_spec *spec, int fds[_OCI_NS_TYPE_MAX], char **ret_error) {
        for (int t = 0; t < _OCI_NS_TYPE_MAX; t++)
                fds[t] = -EBADF;
        for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
                const struct oci_namespace *ns = &spec->linux_.namespaces[i];
                if (!ns->path)
                        continue;
                int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        int r = -errno;
                        ns_close_fds(fds);
                        return json_errorf(ret_error, "linux.namespaces[%zu].path: open '%s': %s",
                                           i, ns->path, strerror(-r)), r;
                }
                fds[ns->type] = safe_close(fds[ns->type]);
                fds[ns->type] = fd;
                int kind = ioctl(fd, NS_GET_NSTYPE);
                if (kind >= 0 && kind != oci_ns_type_to_clone_flag(ns->type)) {
                        ns_close_fds(fds);
                        return json_errorf(ret_error, "linux.namespaces[%zu].path: '%s' is not a %s namespace",
                                           i, ns->path, oci_ns_type_to_string(ns->type));
                }
        }
        return 0;
}

int ns_join(int fds[_OCI_NS_TYPE_MAX], char **ret_error) {
        /* user first: once in it we hold the capabilities over namespaces it owns. mount last:
         * it changes what paths mean (we hold fds already, but keep the usual order). */
        static const enum oci_ns_type order[] = {
                OCI_NS_USER, OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS,
                OCI_NS_CGROUP, OCI_NS_TIME, OCI_NS_MOUNT,
        };
        int r = 0;
        for (size_t i = 0; i < ELEMENTSOF(order); i++) {
                enum oci_ns_type t = order[i];
                if (fds[t] < 0)
                        continue;
                if (setns(fds[t], oci_ns_type_to_clone_flag(t)) < 0) {
                        r = -errno;
                        json_errorf(ret_error, "linux.namespaces: join %s namespace: %s",
                                    oci_ns_type_to_string(t), strerror(errno));
                        break;
                }
        }
        ns_close_fds(fds);
        return r;
}

static int format_map(const struct oci_id_mapping *m, size_t n, uint32_t self_id, char **ret) {
        size_t cap = 32 + n * 36, pos = 0;
        char *buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        buf[0] = '\0';
        if (n == 0)
                pos = (size_t) snprintf(buf, cap, "0 %u 1\n", self_id);
        for (size_t i = 0; i < n; i++)
                pos += (size_t) snprintf(buf + pos, cap - pos, "%u %u %u\n",
                                         m[i].container_id, m[i].host_id, m[i].size);
        *ret = buf;
        return 0;
}

static bool have_cap_setgid(void) {
        cap_t caps = cap_get_proc();
        cap_flag_value_t v = CAP_CLEAR;
        if (caps) {
                (void) cap_get_flag(caps, CAP_SETGID, CAP_EFFECTIVE, &v);
                cap_free(caps);
        }
        return v == CAP_SET;
}

int ns_write_id_maps(pid_t pid, const struct oci_spec *spec, char **ret_error) {
        const struct oci_linux *l = &spec->linux_;
        char path[64];
        int r;
        _cleanup_close_ int dfd = -EBADF;

        snprintf(path, sizeof path, "/proc/%d", (int) pid);
        dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                r = -errno;
                return json_errorf(ret_error, "user namespace: open %s: %s", path, strerror(-r)), r;
        }
        if (!have_cap_setgid()) {
                r = write_string_file_at(dfd, "setgroups", "deny");
                if (r < 0 && r != -ENOENT)
                        return json_errorf(ret_error, "user namespace: write %s/setgroups: %s",
                                           path, strerror(-r)), r;
        }
        _cleanup_free_ char *uids = NULL, *gids = NULL;
        if (format_map(l->uid_mappings, l->n_uid_mappings, geteuid(), &uids) < 0 ||
            format_map(l->gid_mappings, l->n_gid_mappings, getegid(), &gids) < 0)
                return -ENOMEM;
        r = write_string_file_at(dfd, "uid_map", uids);
        if (r < 0)
                return json_errorf(ret_error, "linux.uidMappings: write %s/uid_map: %s", path, strerror(-r)), r;
        r = write_string_file_at(dfd, "gid_map", gids);
        if (r < 0)
                return json_errorf(ret_error, "linux.gidMappings: write %s/gid_map: %s", path, strerror(-r)), r;
        return 0;
}

int ns_write_time_offsets(const struct oci_spec *spec, char **ret_error) {
        const struct oci_linux *l = &spec->linux_;
        if (l->n_time_offsets == 0)
                return 0;
        char buf[256];
        size_t pos = 0;
        for (size_t i = 0; i < l->n_time_offsets && pos < sizeof buf; i++)
                pos += (size_t) snprintf(buf + pos, sizeof buf - pos, "%s %lld %u\n",
                                         l->time_offsets[i].clock == CLOCK_BOOTTIME ? "boottime" : "monotonic",
                                         (long long) l->time_offsets[i].secs, l->time_offsets[i].nanosecs);
        /* All lines in one write(2): a bad line fails the whole write with EINVAL. */
        /* Through a verified procfs: the /proc of a mount namespace we joined is not ours to trust. */
        int r = procfs_write("self/timens_offsets", buf);
        if (r < 0)
                return json_errorf(ret_error, "linux.timeOffsets: write /proc/self/timens_offsets: %s",
                                   strerror(-r)), r;
        return 0;
}
