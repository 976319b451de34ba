/* SPDX-License-Identifier: GPL-2.0-or-later
 * OCI mount options -> MS_* flags, propagation, mount_setattr(2) attributes and fs data.
 * The names and meanings are those of runc 1.1 (libcontainer/specconv) and crun 1.8 (linux.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cleanup.h"
#include "mount-options.h"

enum opt_kind {
        OPT_FLAG,           /* set MS_* */
        OPT_CLEAR,          /* clear MS_* */
        OPT_PROPAGATION,    /* MS_SHARED, MS_SLAVE, ... (with MS_REC for the r* forms) */
        OPT_ATTR_SET,       /* recursive: set MOUNT_ATTR_* */
        OPT_ATTR_CLR,       /* recursive: clear MOUNT_ATTR_* */
        OPT_ATTR_ATIME,     /* recursive: set the atime mode (a field, not a bit) */
        OPT_IDMAP,
        OPT_RIDMAP,
        OPT_TMPCOPYUP,
};

struct opt_def {
        const char *name;
        enum opt_kind kind;
        unsigned long value;
};

static const struct opt_def opt_table[] = {
        { "defaults",       OPT_FLAG,        0 },
        { "bind",           OPT_FLAG,        MS_BIND },
        { "rbind",          OPT_FLAG,        MS_BIND | MS_REC },
        { "ro",             OPT_FLAG,        MS_RDONLY },
        { "rw",             OPT_CLEAR,       MS_RDONLY },
        { "nosuid",         OPT_FLAG,        MS_NOSUID },
        { "suid",           OPT_CLEAR,       MS_NOSUID },
        { "nodev",          OPT_FLAG,        MS_NODEV },
        { "dev",            OPT_CLEAR,       MS_NODEV },
        { "noexec",         OPT_FLAG,        MS_NOEXEC },
        { "exec",           OPT_CLEAR,       MS_NOEXEC },
        { "sync",           OPT_FLAG,        MS_SYNCHRONOUS },
        { "async",          OPT_CLEAR,       MS_SYNCHRONOUS },
        { "dirsync",        OPT_FLAG,        MS_DIRSYNC },
        { "remount",        OPT_FLAG,        MS_REMOUNT },
        { "mand",           OPT_FLAG,        MS_MANDLOCK },
        { "nomand",         OPT_CLEAR,       MS_MANDLOCK },
        { "noatime",        OPT_FLAG,        MS_NOATIME },
        { "atime",          OPT_CLEAR,       MS_NOATIME },
        { "nodiratime",     OPT_FLAG,        MS_NODIRATIME },
        { "diratime",       OPT_CLEAR,       MS_NODIRATIME },
        { "relatime",       OPT_FLAG,        MS_RELATIME },
        { "norelatime",     OPT_CLEAR,       MS_RELATIME },
        { "strictatime",    OPT_FLAG,        MS_STRICTATIME },
        { "nostrictatime",  OPT_CLEAR,       MS_STRICTATIME },
        { "lazytime",       OPT_FLAG,        MS_LAZYTIME },
        { "nolazytime",     OPT_CLEAR,       MS_LAZYTIME },
        { "silent",         OPT_FLAG,        MS_SILENT },
        { "loud",           OPT_CLEAR,       MS_SILENT },
        { "iversion",       OPT_FLAG,        MS_I_VERSION },
        { "noiversion",     OPT_CLEAR,       MS_I_VERSION },
        { "nosymfollow",    OPT_FLAG,        MS_NOSYMFOLLOW },
        { "symfollow",      OPT_CLEAR,       MS_NOSYMFOLLOW },

        { "private",        OPT_PROPAGATION, MS_PRIVATE },
        { "rprivate",       OPT_PROPAGATION, MS_PRIVATE | MS_REC },
        { "shared",         OPT_PROPAGATION, MS_SHARED },
        { "rshared",        OPT_PROPAGATION, MS_SHARED | MS_REC },
        { "slave",          OPT_PROPAGATION, MS_SLAVE },
        { "rslave",         OPT_PROPAGATION, MS_SLAVE | MS_REC },
        { "unbindable",     OPT_PROPAGATION, MS_UNBINDABLE },
        { "runbindable",    OPT_PROPAGATION, MS_UNBINDABLE | MS_REC },

        { "rro",            OPT_ATTR_SET,    MOUNT_ATTR_RDONLY },
        { "rrw",            OPT_ATTR_CLR,    MOUNT_ATTR_RDONLY },
        { "rnosuid",        OPT_ATTR_SET,    MOUNT_ATTR_NOSUID },
        { "rsuid",          OPT_ATTR_CLR,    MOUNT_ATTR_NOSUID },
        { "rnodev",         OPT_ATTR_SET,    MOUNT_ATTR_NODEV },
        { "rdev",           OPT_ATTR_CLR,    MOUNT_ATTR_NODEV },
        { "rnoexec",        OPT_ATTR_SET,    MOUNT_ATTR_NOEXEC },
        { "rexec",          OPT_ATTR_CLR,    MOUNT_ATTR_NOEXEC },
        { "rnodiratime",    OPT_ATTR_SET,    MOUNT_ATTR_NODIRATIME },
        { "rdiratime",      OPT_ATTR_CLR,    MOUNT_ATTR_NODIRATIME },
        { "rnosymfollow",   OPT_ATTR_SET,    MOUNT_ATTR_NOSYMFOLLOW },
        { "rsymfollow",     OPT_ATTR_CLR,    MOUNT_ATTR_NOSYMFOLLOW },
        /* The atime mode is one field of mount_attr: clearing "noatime" or "strictatime" falls
         * back to the kernel default, relatime; "rnorelatime" means strict. */
        { "rnoatime",       OPT_ATTR_ATIME,  MOUNT_ATTR_NOATIME },
        { "ratime",         OPT_ATTR_ATIME,  MOUNT_ATTR_RELATIME },
        { "rstrictatime",   OPT_ATTR_ATIME,  MOUNT_ATTR_STRICTATIME },
        { "rnostrictatime", OPT_ATTR_ATIME,  MOUNT_ATTR_RELATIME },
        { "rrelatime",      OPT_ATTR_ATIME,  MOUNT_ATTR_RELATIME },
        { "rnorelatime",    OPT_ATTR_ATIME,  MOUNT_ATTR_STRICTATIME },

        { "idmap",          OPT_IDMAP,       0 },
        { "ridmap",         OPT_RIDMAP,      0 },
        { "tmpcopyup",      OPT_TMPCOPYUP,   0 },
};

/* The table entry for an option name, NULL for filesystem data. */
static const struct opt_def *opt_lookup(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(opt_table); i++)
                if (strcmp(opt_table[i].name, name) == 0)
                        return &opt_table[i];
        return NULL;
}

/* Append s to the comma-joined data string. */
static int data_append(char **data, const char *s) {
        size_t old = *data ? strlen(*data) : 0, add = strlen(s);
        char *n = realloc(*data, old + add + 2);

        if (!n)
                return -ENOMEM;
        if (old > 0)
                n[old++] = ',';
        memcpy(n + old, s, add + 1);
        *data = n;
        return 0;
}

/* Apply one known option to o. */
static int opt_apply(const struct opt_def *d, struct mnt_options *o) {
        switch (d->kind) {
        case OPT_FLAG:
                o->flags |= d->value;
                o->clear_flags &= ~d->value;
                break;
        case OPT_CLEAR:
                o->flags &= ~d->value;
                o->clear_flags |= d->value;
                break;
        case OPT_PROPAGATION:
                if (o->n_propagation >= MNT_OPTS_MAX_PROPAGATION)
                        return -E2BIG;
                o->propagation[o->n_propagation++] = d->value;
                break;
        case OPT_ATTR_SET:
                o->attr_set |= d->value;
                o->attr_clr &= ~(uint64_t) d->value;
                break;
        case OPT_ATTR_CLR:
                o->attr_clr |= d->value;
                o->attr_set &= ~(uint64_t) d->value;
                break;
        case OPT_ATTR_ATIME:
                /* mount_setattr(2): an atime mode needs the whole field in attr_clr. */
                o->attr_clr |= MOUNT_ATTR__ATIME;
                o->attr_set = (o->attr_set & ~(uint64_t) MOUNT_ATTR__ATIME) | d->value;
                break;
        case OPT_IDMAP:
                o->idmap = true;
                break;
        case OPT_RIDMAP:
                o->ridmap = true;
                break;
        case OPT_TMPCOPYUP:
                o->tmpcopyup = true;
                break;
        }
        return 0;
}

int mnt_options_parse(char *const *options, struct mnt_options *ret, const char **ret_bad) {
        struct mnt_options o = {};
        int r;

        for (char *const *p = options; p && *p; p++) {
                const struct opt_def *d = opt_lookup(*p);

                if (d)
                        r = opt_apply(d, &o);
                else if (**p == '\0')
                        r = 0;
                else
                        r = data_append(&o.data, *p);
                if (r < 0) {
                        free(o.data);
                        if (ret_bad)
                                *ret_bad = *p;
                        return r;
                }
        }
        *ret = o;
        return 0;
}

void mnt_options_done(struct mnt_options *o) {
        if (!o)
                return;
        free(o->data);
        o->data = NULL;
}

bool mnt_options_is_bind(const struct mnt_options *o, const char *type) {
        return (o->flags & MS_BIND) || (type && strcmp(type, "bind") == 0);
}

int mnt_propagation_from_string(const char *s, unsigned long *ret) {
        const struct opt_def *d = s ? opt_lookup(s) : NULL;

        if (!d || d->kind != OPT_PROPAGATION)
                return -EINVAL;
        *ret = d->value;
        return 0;
}

const char *const *mount_option_names(void) {
        static const char *names[ELEMENTSOF(opt_table) + 1];

        if (!names[0])
                for (size_t i = 0; i < ELEMENTSOF(opt_table); i++)
                        names[i] = opt_table[i].name;
        return names;
}
