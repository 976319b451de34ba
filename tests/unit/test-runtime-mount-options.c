/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "mount-options.h"

struct opt_case {
        const char *opts[12];
        unsigned long flags, clear;
        unsigned long prop[3];
        unsigned n_prop;
        uint64_t attr_set, attr_clr;
        bool idmap, ridmap, copyup;
        const char *data;
};

Test(mount_options, table) {
        static const struct opt_case cases[] = {
                { { NULL }, 0, 0, { 0 }, 0, 0, 0, false, false, false, NULL },
                { { "defaults" }, 0, 0, { 0 }, 0, 0, 0, false, false, false, NULL },
                { { "bind", "ro" }, MS_BIND | MS_RDONLY, 0, { 0 }, 0, 0, 0, false, false, false, NULL },
                { { "rbind", "nosuid", "nodev", "noexec" }, MS_BIND | MS_REC | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  0, { 0 }, 0, 0, 0, false, false, false, NULL },
                /* the last of a pair wins; a cleared flag is remembered */
                { { "ro", "rw" }, 0, MS_RDONLY, { 0 }, 0, 0, 0, false, false, false, NULL },
                { { "rw", "ro" }, MS_RDONLY, 0, { 0 }, 0, 0, 0, false, false, false, NULL },
                { { "suid", "dev", "exec", "async", "atime", "diratime", "norelatime", "nostrictatime",
                    "nolazytime", "nomand" },
                  0, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_NOATIME | MS_NODIRATIME |
                             MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_MANDLOCK,
                  { 0 }, 0, 0, 0, false, false, false, NULL },
                { { "sync", "dirsync", "remount", "mand", "noatime", "nodiratime", "relatime" },
                  MS_SYNCHRONOUS | MS_DIRSYNC | MS_REMOUNT | MS_MANDLOCK | MS_NOATIME | MS_NODIRATIME |
                          MS_RELATIME,
                  0, { 0 }, 0, 0, 0, false, false, false, NULL },
                { { "strictatime", "lazytime" }, MS_STRICTATIME | MS_LAZYTIME, 0, { 0 }, 0, 0, 0, false,
                  false, false, NULL },
                /* propagation: kept in order, with MS_REC for the r* forms */
                { { "rbind", "rslave", "shared" }, MS_BIND | MS_REC, 0, { MS_SLAVE | MS_REC, MS_SHARED }, 2,
                  0, 0, false, false, false, NULL },
                { { "private", "rprivate", "runbindable" }, 0, 0,
                  { MS_PRIVATE, MS_PRIVATE | MS_REC, MS_UNBINDABLE | MS_REC }, 3, 0, 0, false, false, false,
                  NULL },
                /* recursive attributes for mount_setattr(2) */
                { { "rro", "rnosuid", "rnodev", "rnoexec" }, 0, 0, { 0 }, 0,
                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0, false,
                  false, false, NULL },
                { { "rro", "rrw", "rsuid", "rdev", "rexec" }, 0, 0, { 0 }, 0, 0,
                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false,
                  false, false, NULL },
                { { "rnoatime" }, 0, 0, { 0 }, 0, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, false, false,
                  false, NULL },
                { { "rnoatime", "rstrictatime" }, 0, 0, { 0 }, 0, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME,
                  false, false, false, NULL },
                { { "rrelatime", "rnodiratime" }, 0, 0, { 0 }, 0, MOUNT_ATTR_RELATIME | MOUNT_ATTR_NODIRATIME,
                  MOUNT_ATTR__ATIME, false, false, false, NULL },
                { { "rnosymfollow" }, 0, 0, { 0 }, 0, MOUNT_ATTR_NOSYMFOLLOW, 0, false, false, false, NULL },
                /* extensions */
                { { "bind", "idmap" }, MS_BIND, 0, { 0 }, 0, 0, 0, true, false, false, NULL },
                { { "rbind", "ridmap" }, MS_BIND | MS_REC, 0, { 0 }, 0, 0, 0, false, true, false, NULL },
                { { "tmpcopyup", "mode=755" }, 0, 0, { 0 }, 0, 0, 0, false, false, true, "mode=755" },
                /* everything else is filesystem data, in order */
                { { "nosuid", "size=65536k", "mode=1777", "", "newinstance" }, MS_NOSUID, 0, { 0 }, 0, 0, 0,
                  false, false, false, "size=65536k,mode=1777,newinstance" },
                { { "ptmxmode=0666", "gid=5" }, 0, 0, { 0 }, 0, 0, 0, false, false, false,
                  "ptmxmode=0666,gid=5" },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct opt_case *c = &cases[i];
                struct mnt_options o;
                int r = mnt_options_parse(c->opts[0] ? (char *const *) c->opts : NULL, &o, NULL);

                cr_assert_eq(r, 0, "case %zu: %d", i, r);
                cr_expect_eq(o.flags, c->flags, "case %zu: flags %#lx want %#lx", i, o.flags, c->flags);
                cr_expect_eq(o.clear_flags, c->clear, "case %zu: clear %#lx want %#lx", i, o.clear_flags, c->clear);
                cr_expect_eq(o.n_propagation, c->n_prop, "case %zu: n_propagation", i);
                for (unsigned k = 0; k < c->n_prop && k < o.n_propagation; k++)
                        cr_expect_eq(o.propagation[k], c->prop[k], "case %zu: propagation[%u]", i, k);
                cr_expect_eq(o.attr_set, c->attr_set, "case %zu: attr_set %#llx", i, (unsigned long long) o.attr_set);
                cr_expect_eq(o.attr_clr, c->attr_clr, "case %zu: attr_clr %#llx", i, (unsigned long long) o.attr_clr);
                cr_expect_eq(o.idmap, c->idmap, "case %zu: idmap", i);
                cr_expect_eq(o.ridmap, c->ridmap, "case %zu: ridmap", i);
                cr_expect_eq(o.tmpcopyup, c->copyup, "case %zu: tmpcopyup", i);
                if (c->data)
                        cr_expect(o.data && strcmp(o.data, c->data) == 0, "case %zu: data '%s' want '%s'", i,
                                  o.data ? o.data : "(null)", c->data);
                else
                        cr_expect_null(o.data, "case %zu: data '%s'", i, o.data);
                mnt_options_done(&o);
        }
}

Test(mount_options, too_many_propagation_options) {
        const char *opts[] = { "shared", "slave", "private", "shared", "slave", "private", "shared",
                               "slave", "unbindable", NULL };
        const char *bad = NULL;
        struct mnt_options o = { .flags = 0xdead };

        cr_expect_eq(mnt_options_parse((char *const *) opts, &o, &bad), -E2BIG);
        cr_expect_str_eq(bad, "unbindable");
        cr_expect_eq(o.flags, 0xdead, "ret_ written on failure");
}

Test(mount_options, is_bind) {
        const char *bind[] = { "rbind", NULL };
        struct mnt_options o;

        cr_assert_eq(mnt_options_parse(NULL, &o, NULL), 0);
        cr_expect(mnt_options_is_bind(&o, "bind"));
        cr_expect_not(mnt_options_is_bind(&o, "tmpfs"));
        cr_expect_not(mnt_options_is_bind(&o, NULL));
        cr_assert_eq(mnt_options_parse((char *const *) bind, &o, NULL), 0);
        cr_expect(mnt_options_is_bind(&o, "none"));
        cr_expect(mnt_options_is_bind(&o, NULL));
}

Test(mount_options, propagation_from_string) {
        static const struct {
                const char *s;
                int r;
                unsigned long v;
        } cases[] = {
                { "private", 0, MS_PRIVATE }, { "rprivate", 0, MS_PRIVATE | MS_REC },
                { "slave", 0, MS_SLAVE }, { "rslave", 0, MS_SLAVE | MS_REC },
                { "shared", 0, MS_SHARED }, { "rshared", 0, MS_SHARED | MS_REC },
                { "unbindable", 0, MS_UNBINDABLE }, { "runbindable", 0, MS_UNBINDABLE | MS_REC },
                { "ro", -EINVAL, 0 }, { "", -EINVAL, 0 }, { "Shared", -EINVAL, 0 }, { NULL, -EINVAL, 0 },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                unsigned long v = 0xdead;
                int r = mnt_propagation_from_string(cases[i].s, &v);

                cr_expect_eq(r, cases[i].r, "'%s'", cases[i].s);
                cr_expect_eq(v, r == 0 ? cases[i].v : 0xdead, "'%s' value", cases[i].s);
        }
}

Test(mount_options, names_cover_the_table) {
        const char *const *names = mount_option_names();
        static const char *const must[] = { "ro", "rw", "bind", "rbind", "rro", "rrw", "rnosuid",
                                            "rslave", "runbindable", "idmap", "ridmap", "tmpcopyup",
                                            "nosymfollow", "rnoatime", "strictatime", "lazytime" };
        size_t n = 0;

        for (; names[n]; n++) {
                struct mnt_options o;
                const char *one[] = { names[n], NULL };

                /* every advertised name is understood: none falls through to fs data */
                cr_assert_eq(mnt_options_parse((char *const *) one, &o, NULL), 0);
                cr_expect_null(o.data, "'%s' is advertised but parsed as data", names[n]);
                mnt_options_done(&o);
                for (size_t k = 0; k < n; k++)
                        cr_expect(strcmp(names[k], names[n]) != 0, "'%s' listed twice", names[n]);
        }
        cr_expect_gt(n, 60);
        for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
                bool found = false;

                for (size_t k = 0; names[k]; k++)
                        found = found || strcmp(names[k], must[i]) == 0;
                cr_expect(found, "'%s' missing", must[i]);
        }
}
