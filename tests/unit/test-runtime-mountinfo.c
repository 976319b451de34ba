/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "mountinfo.h"

struct seen {
        char mp[8][128];
        char opt[8][64];
        char fstype[8][32];
        char root[8][64];
        unsigned id[8];
        int n;
};

static int collect(const struct mountinfo_entry *e, void *userdata) {
        struct seen *s = userdata;

        snprintf(s->mp[s->n], sizeof(s->mp[0]), "%s", e->mountpoint);
        snprintf(s->opt[s->n], sizeof(s->opt[0]), "%s", e->optional);
        snprintf(s->fstype[s->n], sizeof(s->fstype[0]), "%s", e->fstype);
        snprintf(s->root[s->n], sizeof(s->root[0]), "%s", e->root);
        s->id[s->n] = e->id;
        s->n++;
        return 0;
}

Test(mountinfo, parse_fields) {
        char text[] =
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                "35 22 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid master:12 shared:7 - cgroup cgroup rw,cpu,cpuacct\n"
                "40 22 0:5 /data /mnt/with\\040space rw - tmpfs tmpfs rw\n"
                "41 22 0:6 / /odd rw - tmpfs - rw\n";
        struct seen s = {};

        cr_assert_eq(mountinfo_parse(text, collect, &s), 0);
        cr_assert_eq(s.n, 4);
        cr_expect_str_eq(s.mp[0], "/");
        cr_expect_eq(s.id[0], 22);
        cr_expect_eq(s.id[1], 35);
        cr_expect_str_eq(s.opt[0], "shared:1");
        cr_expect_str_eq(s.fstype[0], "ext4");
        cr_expect_str_eq(s.mp[1], "/sys/fs/cgroup/cpu,cpuacct");
        cr_expect_str_eq(s.opt[1], "master:12 shared:7");
        cr_expect_str_eq(s.fstype[1], "cgroup");
        cr_expect_str_eq(s.mp[2], "/mnt/with space");
        cr_expect_str_eq(s.root[2], "/data");
        cr_expect_str_eq(s.opt[2], "");
        cr_expect_str_eq(s.mp[3], "/odd");
        cr_expect_str_eq(s.fstype[3], "tmpfs");
}

Test(mountinfo, malformed) {
        char text[] = "22 1 8:1 / / rw no-separator ext4\n";
        struct seen s = {};

        cr_expect_eq(mountinfo_parse(text, collect, &s), -EINVAL);
}

static int stop_at_root(const struct mountinfo_entry *e, void *userdata) {
        return strcmp(e->mountpoint, "/") == 0 ? 1 : 0;
}

Test(mountinfo, live_has_root) {
        cr_expect_eq(mountinfo_foreach(stop_at_root, NULL), 1, "no / in /proc/self/mountinfo");
}
