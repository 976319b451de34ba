/* SPDX-License-Identifier: GPL-2.0-or-later
 * OCI mount option strings ("ro", "rbind", "rnosuid", "size=64m", ...) -> what mount(2) and
 * mount_setattr(2) need.
 *
 * The table follows runc/crun: classic per-mount flags (MS_*) set or cleared, propagation
 * changes applied after the mount in the order given, recursive attributes ("rro", "rnosuid", ...)
 * applied with mount_setattr(2) AT_RECURSIVE, the husk/runc extensions "idmap", "ridmap" and
 * "tmpcopyup", and everything else passed to the filesystem as data, comma-joined. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MNT_OPTS_MAX_PROPAGATION 8

struct mnt_options {
        unsigned long flags;         /* MS_* to set (MS_BIND, MS_REC, MS_RDONLY, ...) */
        unsigned long clear_flags;   /* MS_* cleared by an explicit option ("rw", "suid", ...) */
        unsigned long propagation[MNT_OPTS_MAX_PROPAGATION]; /* MS_SHARED|MS_REC, ... in order */
        unsigned n_propagation;
        uint64_t attr_set;           /* MOUNT_ATTR_* for mount_setattr(2), AT_RECURSIVE */
        uint64_t attr_clr;
        bool idmap;                  /* "idmap": idmapped bind of the top mount */
        bool ridmap;                 /* "ridmap": idmapped, recursively */
        bool tmpcopyup;              /* copy the directory underneath into the new tmpfs */
        char *data;                  /* filesystem options, comma-joined, or NULL */
};

/* Parse a NULL-terminated option list (NULL is an empty list). On success *ret is filled (free
 * its data with mnt_options_done()). Fails with -E2BIG for more than MNT_OPTS_MAX_PROPAGATION
 * propagation options, -ENOMEM; on failure *ret_bad (if not NULL) is the offending string. */
int mnt_options_parse(char *const *options, struct mnt_options *ret, const char **ret_bad);
void mnt_options_done(struct mnt_options *o);

/* Is this a bind mount: type "bind" or a "bind"/"rbind" option. */
bool mnt_options_is_bind(const struct mnt_options *o, const char *type);

/* "private", "rslave", ... -> MS_* propagation flags (for linux.rootfsPropagation). -EINVAL if
 * the name is not a propagation option. */
int mnt_propagation_from_string(const char *s, unsigned long *ret);

/* All option names husk understands, NULL-terminated, static (for `husk features`). */
const char *const *mount_option_names(void);
