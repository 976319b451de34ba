/* SPDX-License-Identifier: GPL-2.0-or-later
 * process.apparmorProfile and process.selinuxLabel: ask the LSM to switch labels at the next
 * execve, as runc does.
 *
 * AppArmor: when the host has it enabled, write "exec <profile>" to /proc/self/attr/apparmor/exec
 * (per-LSM interface, Linux >= 5.1) or /proc/self/attr/exec; when it is disabled, runc ignores the
 * profile (engines ask for "docker-default"/"containers-default-*" everywhere), and so do we.
 * SELinux: a label on a host without SELinux is an error (runc's validator refuses it too). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "exe-seal.h"
#include "fileio.h"
#include "json-util.h"
#include "process-internal.h"
#include "procfs.h"

/* Reading the AppArmor "current" attribute fails with EINVAL unless AppArmor is active. The
 * module parameter is the fallback for kernels before the per-LSM attr directory. */
bool lsm_apparmor_enabled(void) {
        _cleanup_free_ char *s = NULL;
        if (procfs_read_line("self/attr/apparmor/current", &s) >= 0)
                return true;
        if (read_one_line_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", &s) >= 0)
                return s[0] == 'Y';
        return false;
}

/* SELinux is active when the task's current context is an SELinux context ("user:role:type[:level]");
 * /proc/self/attr/current is owned by the first LSM that has one, so the format tells which. */
bool lsm_selinux_enabled(void) {
        _cleanup_free_ char *s = NULL;
        if (access("/sys/fs/selinux/enforce", F_OK) == 0)
                return true;
        if (procfs_read_line("self/attr/current", &s) < 0)
                return false;
        char *a = strchr(s, ':'), *b = a ? strchr(a + 1, ':') : NULL;
        return b && !strchr(s, ' ');
}

/* Through a verified procfs: a container that covered /proc must not get the label written
 * elsewhere (CVE-2025-52881). When husk-dmz is to exec the process (exe-seal.h), it writes the
 * label itself, through the directory opened here: /proc/<pid>/attr files take writes only from
 * the mm that opened them, which the dmz's exec replaces. */
static int write_attr(const char *path, const char *value) {
        _cleanup_close_ int dfd = -EBADF;
        const char *name = NULL;
        int r = procfs_open_parent(path, &dfd, &name);
        if (r < 0)
                return r;
        r = exe_seal_defer_label(dfd, name, value);
        if (r >= 0) {
                TAKE_FD(dfd);
                return 0;
        }
        return r == -EOPNOTSUPP ? write_string_file_at(dfd, name, value) : r;
}

int process_apply_lsm_labels(const struct oci_process *p, char **err) {
        int r;
        if (p->apparmor_profile && *p->apparmor_profile && lsm_apparmor_enabled()) {
                _cleanup_free_ char *cmd = NULL;
                if (asprintf(&cmd, "exec %s", p->apparmor_profile) < 0)
                        return -ENOMEM;
                r = write_attr("self/attr/apparmor/exec", cmd);
                if (r == -ENOENT)
                        r = write_attr("self/attr/exec", cmd);
                if (r < 0) {
                        json_errorf(err, "process.apparmorProfile: cannot switch to profile \"%s\" on exec: %s%s",
                                    p->apparmor_profile, strerror(-r), r == -ENOENT ? " (is the profile loaded?)" : "");
                        return r;
                }
        }
        if (p->selinux_label && *p->selinux_label) {
                if (!lsm_selinux_enabled())
                        return json_errorf(err, "process.selinuxLabel: \"%s\" is set, but SELinux is not enabled on this host",
                                           p->selinux_label);
                r = write_attr("self/attr/exec", p->selinux_label);
                if (r < 0) {
                        json_errorf(err, "process.selinuxLabel: cannot set \"%s\" for exec: %s", p->selinux_label, strerror(-r));
                        return r;
                }
        }
        return 0;
}
