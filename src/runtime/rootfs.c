/* SPDX-License-Identifier: GPL-2.0-or-later
 * The container's filesystem, before the pivot: propagation of "/", the rootfs bind, mounts[] in
 * order, /dev. Without a mount namespace of its own, only mounts[] and /dev, below the rootfs.
 * The pivot and what follows it are in rootfs-finalize.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cleanup.h"
#include "devices.h"
#include "mount-options.h"
#include "mount.h"
#include "mountinfo.h"
#include "paths.h"
#include "rootfs-internal.h"
#include "rootfs.h"
#include "spec.h"

int rootfs_propagation(const struct oci_spec *spec, unsigned long *ret, char **ret_error) {
        const char *p = spec->linux_.rootfs_propagation;

        *ret = 0;
        if (!p || !*p)
                return 0;
        if (mnt_propagation_from_string(p, ret) < 0)
                return mnt_errorf(ret_error, 0, "linux.rootfsPropagation: unknown value '%s'", p);
        return 0;
}

int rootfs_canonical(const char *rootfs_abs, char **ret, char **ret_error) {
        char *p = realpath(rootfs_abs, NULL);

        if (!p)
                return mnt_errorf(ret_error, -errno, "root.path (%s)", rootfs_abs);
        *ret = p;
        return 0;
}

struct parent_mount {
        const char *path;
        char *best;
        size_t best_len;
        bool needs_private;   /* shared or unbindable */
};

/* mountinfo callback: remember the deepest mount that contains p->path. */
static int find_parent(const struct mountinfo_entry *e, void *userdata) {
        struct parent_mount *p = userdata;
        size_t l = strlen(e->mountpoint);

        /* Later entries stack on earlier ones at the same place: >= keeps the topmost. */
        if (!path_is_below(p->path, e->mountpoint) || l < p->best_len)
                return 0;
        free(p->best);
        p->best = strdup(e->mountpoint);
        if (!p->best)
                return -ENOMEM;
        p->best_len = l;
        p->needs_private = strstr(e->optional, "shared:") != NULL || strstr(e->optional, "unbindable") != NULL;
        return 0;
}

/* pivot_root(2) refuses a shared parent of the new root, and our rootfs bind must not propagate
 * to the host: make the mount holding the rootfs private if it is shared (runc
 * rootfsParentMountPrivate). Also if it is unbindable (linux.rootfsPropagation "unbindable" made
 * "/" so): a bind from an unbindable mount fails with EINVAL (mount(2)), and the propagation
 * asked for is set again on the new "/" after the pivot. */
static int make_parent_private(const char *rootfs, char **ret_error) {
        struct parent_mount p = { .path = rootfs };
        int r = mountinfo_foreach(find_parent, &p);

        if (r >= 0 && p.best && p.needs_private && mount(NULL, p.best, NULL, MS_PRIVATE, NULL) < 0)
                r = -errno;
        if (r < 0)
                mnt_errorf(ret_error, r, "root.path (%s): make the parent mount %s private", rootfs,
                           p.best ? p.best : "?");
        free(p.best);
        return r;
}

bool rootfs_mount_is_dev_bind(const struct oci_mount *m) {
        struct mnt_options o;
        _cleanup_free_ char *d = NULL;
        bool bind;

        if (!m->destination || path_normalize(m->destination, &d) < 0 || strcmp(d, "/dev") != 0)
                return false;
        if (mnt_options_parse(m->options, &o, NULL) < 0)
                return false;
        bind = mnt_options_is_bind(&o, m->type);
        mnt_options_done(&o);
        return bind;
}

/* Our own mount namespace: nothing we mount may reach the host, so "/" is a recursive slave
 * unless the spec asks for another propagation (runc prepareRoot); the rootfs is bound onto
 * itself, for pivot_root(2). */
static int prepare_own_ns(const char *rootfs, unsigned long prop, char **ret_error) {
        int r;

        if (mount(NULL, "/", NULL, prop ? prop : MS_SLAVE | MS_REC, NULL) < 0)
                return mnt_errorf(ret_error, -errno, "linux.rootfsPropagation: set on /");
        r = make_parent_private(rootfs, ret_error);
        if (r < 0)
                return r;
        if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return mnt_errorf(ret_error, -errno, "root.path (%s): bind onto itself", rootfs);
        return 0;
}

/* No mount namespace in the spec: the container shares the runtime's (config-linux.md), and
 * mounts[] go there, below the rootfs (the caller records them, mount-record.h). The host's
 * mounts keep their propagation, and nothing is pivoted: the rootfs is bound onto itself only
 * for root.readonly, whose read-only mount must be ours, not the host's mount holding it. */
static int prepare_shared_ns(const struct oci_spec *spec, const char *rootfs, unsigned long prop,
                             char **ret_error) {
        if (prop)
                return mnt_errorf(ret_error, 0, "linux.rootfsPropagation: needs a mount namespace in "
                                  "linux.namespaces (it would change the host's /)");
        if (spec->root_readonly && mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return mnt_errorf(ret_error, -errno, "root.path (%s): bind onto itself", rootfs);
        return 0;
}

static const struct rootfs_options default_options = ROOTFS_OPTIONS_INIT;

int rootfs_mount_all(const struct oci_spec *spec, const char *rootfs_abs,
                     const struct rootfs_options *opts, char **ret_error) {
        _cleanup_free_ char *rootfs = NULL;
        _cleanup_close_ int root_fd = -EBADF;
        bool setup_dev = true;
        unsigned long prop;
        struct mnt_ctx c;
        int r;

        if (!opts)
                opts = &default_options;

        r = rootfs_canonical(rootfs_abs, &rootfs, ret_error);
        if (r < 0)
                return r;
        r = rootfs_propagation(spec, &prop, ret_error);
        if (r < 0)
                return r;
        r = oci_spec_namespace(spec, OCI_NS_MOUNT) ? prepare_own_ns(rootfs, prop, ret_error) :
                                                     prepare_shared_ns(spec, rootfs, prop, ret_error);
        if (r < 0)
                return r;
        root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return mnt_errorf(ret_error, -errno, "root.path (%s)", rootfs);

        c = (struct mnt_ctx) {
                .root_fd = root_fd,
                .rootfs = rootfs,
                .bundle = opts->bundle,
                .in_userns = opts->in_userns,
                .uid_mappings = spec->linux_.uid_mappings,
                .n_uid_mappings = spec->linux_.n_uid_mappings,
                .gid_mappings = spec->linux_.gid_mappings,
                .n_gid_mappings = spec->linux_.n_gid_mappings,
        };
        for (size_t i = 0; i < spec->n_mounts; i++) {
                r = mnt_apply(&c, &spec->mounts[i], i, ret_error);
                if (r < 0)
                        return r;
                if (rootfs_mount_is_dev_bind(&spec->mounts[i]))
                        setup_dev = false;
        }

        /* A /dev bound from elsewhere is taken as it is (runc needsSetupDev). */
        if (setup_dev) {
                r = devices_setup(root_fd, spec, opts->in_userns, ret_error);
                if (r < 0)
                        return r;
        }
        if (opts->console_fd >= 0)
                return devices_bind_console(root_fd, opts->console_fd, ret_error);
        return 0;
}

int rootfs_bind_console(int console_fd, char **ret_error) {
        _cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (root_fd < 0)
                return mnt_errorf(ret_error, -errno, "/");
        return devices_bind_console(root_fd, console_fd, ret_error);
}
