/* SPDX-License-Identifier: GPL-2.0-or-later
 * process_attrs_apply(): the container process's identity and privileges, in the order described
 * in process-attrs.h. Capabilities go through libcap (capset of three sets at once), the bounding
 * and ambient sets through prctl(2). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "paths.h"
#include "process-attrs.h"
#include "process-internal.h"

uint64_t process_caps_ambient(const struct oci_capabilities *c) {
        return c->ambient & c->permitted & c->inheritable;
}

uint64_t process_caps_bounding_drop(const struct oci_capabilities *c, unsigned last_cap) {
        uint64_t known = last_cap >= 63 ? UINT64_MAX : (UINT64_C(1) << (last_cap + 1)) - 1;
        return known & ~c->bounding;
}

mode_t process_umask(const struct oci_process *p) {
        return p->user.has_umask ? p->user.umask : 0022;
}

static void cap_freep(cap_t *c) {
        if (*c)
                cap_free(*c);
}

/* A capability's name for messages ("cap_sys_admin" from libcap, upper-cased). */
static void cap_name(cap_value_t v, char *buf, size_t n) {
        char *s = cap_to_name(v);
        snprintf(buf, n, "%s", s ? s : "?");
        cap_free(s);
        for (char *p = buf; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                        *p = (char) (*p - 'a' + 'A');
}

static int drop_bounding(const struct oci_capabilities *c, char **err) {
        cap_value_t max = cap_max_bits();
        uint64_t drop = process_caps_bounding_drop(c, max > 0 ? (unsigned) max - 1 : 0);
        for (cap_value_t v = 0; v < max && v < 64; v++) {
                if (!(drop & (UINT64_C(1) << v)) || prctl(PR_CAPBSET_READ, v, 0, 0, 0) != 1)
                        continue;
                if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0) {
                        int e = errno;
                        char n[64];
                        cap_name(v, n, sizeof n);
                        json_errorf(err, "process.capabilities.bounding: cannot drop %s: %s", n, strerror(e));
                        return -e;
                }
        }
        return 0;
}

static int add_set(cap_t caps, cap_flag_t flag, uint64_t mask) {
        for (cap_value_t v = 0; v < 64; v++)
                if (mask & (UINT64_C(1) << v))
                        if (cap_set_flag(caps, flag, 1, &v, CAP_SET) < 0)
                                return -errno;
        return 0;
}

/* Effective, permitted and inheritable in one capset; then the ambient set (which the kernel
 * clears whenever permitted or inheritable lose a capability, so it comes last). */
static int set_capabilities(const struct oci_capabilities *c, char **err) {
        _cleanup_(cap_freep) cap_t caps = cap_init();
        int r;
        if (!caps)
                return -ENOMEM;
        uint64_t stray = c->effective & ~c->permitted;
        if (stray) {
                char n[64];
                cap_name(__builtin_ctzll(stray), n, sizeof n);
                return json_errorf(err, "process.capabilities.effective: %s is not in the permitted set", n);
        }
        if ((r = add_set(caps, CAP_EFFECTIVE, c->effective)) < 0 ||
            (r = add_set(caps, CAP_PERMITTED, c->permitted)) < 0 ||
            (r = add_set(caps, CAP_INHERITABLE, c->inheritable)) < 0)
                return r;
        if (cap_set_proc(caps) < 0) {
                int e = errno;
                json_errorf(err, "process.capabilities: capset: %s", strerror(e));
                return -e;
        }
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
                int e = errno;
                json_errorf(err, "process.capabilities.ambient: clear: %s", strerror(e));
                return -e;
        }
        uint64_t ambient = process_caps_ambient(c);
        for (cap_value_t v = 0; v < 64; v++)
                if ((ambient & (UINT64_C(1) << v)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0) {
                        int e = errno;
                        char n[64];
                        cap_name(v, n, sizeof n);
                        json_errorf(err, "process.capabilities.ambient: cannot raise %s: %s", n, strerror(e));
                        return -e;
                }
        return 0;
}

/* In a user namespace whose /proc/self/setgroups says "deny" (rootless), setgroups(2) fails; it
 * is fine to skip it then unless additional groups were asked for. */
static int set_groups(const struct oci_user *u, char **err) {
        _cleanup_free_ char *policy = NULL;
        bool denied = read_one_line_at(AT_FDCWD, "/proc/self/setgroups", &policy) >= 0 && strcmp(policy, "deny") == 0;
        if (denied) {
                if (u->n_additional_gids > 0)
                        return json_errorf(err, "process.user.additionalGids: setgroups is denied in this user namespace");
                return 0;
        }
        gid_t *gids = (gid_t *) u->additional_gids;
        if (setgroups(u->n_additional_gids, gids) < 0) {
                int e = errno;
                json_errorf(err, "process.user.additionalGids: setgroups: %s%s", strerror(e),
                            e == EINVAL ? " (is every group mapped in linux.gidMappings?)" : "");
                return -e;
        }
        return 0;
}

static int set_ids(const struct oci_user *u, char **err) {
        if (setresgid(u->gid, u->gid, u->gid) < 0) {
                int e = errno;
                json_errorf(err, "process.user.gid: setresgid(%u): %s%s", u->gid, strerror(e),
                            e == EINVAL ? " (the gid is not mapped in this user namespace)" : "");
                return -e;
        }
        if (setresuid(u->uid, u->uid, u->uid) < 0) {
                int e = errno;
                json_errorf(err, "process.user.uid: setresuid(%u): %s%s", u->uid, strerror(e),
                            e == EINVAL ? " (the uid is not mapped in this user namespace)" : "");
                return -e;
        }
        return 0;
}

/* chdir to process.cwd, resolved inside the container's "/" without following magic links: a
 * cwd of /proc/self/fd/N must not land in a directory a runtime fd left open, outside the
 * container (CVE-2024-21626). getcwd(3) then fails with ENOENT if the cwd is still not reachable
 * from "/" (runc's check after its fix). Returns 1 when root was refused (EACCES/EPERM: NFS,
 * idmapped mounts) so the caller retries with the user's ids. */
static int change_dir(const char *cwd, bool as_user, char **err) {
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -EBADF;
        char buf[PATH_MAX];
        int r = root < 0 ? -errno : path_open_in_root(root, cwd, 0, &fd);

        if (r >= 0 && fchdir(fd) < 0)
                r = -errno;
        if (r >= 0 && !getcwd(buf, sizeof buf) && errno == ENOENT)
                return json_errorf(err, "process.cwd: \"%s\" is outside the container", cwd), -EXDEV;
        if (r >= 0)
                return 0;
        if (!as_user && (r == -EACCES || r == -EPERM))
                return 1;
        json_errorf(err, "process.cwd: chdir to \"%s\": %s%s", cwd, strerror(-r),
                    r == -ELOOP ? " (symlinks loop, or a magic link such as /proc/self/fd/N)" : "");
        return r;
}

/* Become the configured user with the configured capabilities. PR_SET_KEEPCAPS keeps permitted
 * across setresuid away from uid 0; capset then sets the exact sets. */
static int apply_identity(const struct oci_process *p, char **err) {
        int r = drop_bounding(&p->capabilities, err);
        if (r < 0)
                return r;
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
                r = -errno;
                json_errorf(err, "process.user: PR_SET_KEEPCAPS: %s", strerror(-r));
                return r;
        }
        if ((r = set_groups(&p->user, err)) < 0 || (r = set_ids(&p->user, err)) < 0)
                return r;
        (void) prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
        return set_capabilities(&p->capabilities, err);
}

int process_attrs_apply_setup(const struct oci_spec *spec, char **ret_error) {
        const struct oci_process *p = spec->process;
        int r;
        if (!p)
                return 0;
        if ((r = process_apply_rlimits(p, ret_error)) < 0 ||
            (r = process_apply_oom_score_adj(p, ret_error)) < 0 ||
            (r = process_apply_personality(&spec->linux_, ret_error)) < 0 ||
            (r = process_apply_io_priority(p, ret_error)) < 0 ||
            (r = process_apply_scheduler(p, ret_error)) < 0 ||
            (r = process_apply_cpu_affinity(p, ret_error)) < 0 ||
            (r = process_apply_lsm_labels(p, ret_error)) < 0)
                return r;
        return 0;
}

int process_attrs_apply(const struct oci_spec *spec, char **ret_error) {
        const struct oci_process *p = spec->process;
        int r;
        if (!p)
                return 0;
        int retry_cwd = change_dir(p->cwd, false, ret_error);
        if (retry_cwd < 0)
                return retry_cwd;
        if ((r = apply_identity(p, ret_error)) < 0)
                return r;
        if (retry_cwd > 0 && (r = change_dir(p->cwd, true, ret_error)) < 0)
                return r;
        umask(process_umask(p));
        if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                int e = errno;
                json_errorf(ret_error, "process.noNewPrivileges: PR_SET_NO_NEW_PRIVS: %s", strerror(e));
                return -e;
        }
        return 0;
}
