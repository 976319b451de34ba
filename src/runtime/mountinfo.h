/* SPDX-License-Identifier: GPL-2.0-or-later
 * /proc/self/mountinfo, one entry at a time (proc(5)). */
#pragma once

struct mountinfo_entry {
        unsigned id;              /* field 1: the mount ID (statx(2) STATX_MNT_ID) */
        const char *root;         /* field 4: the mount's root inside its filesystem */
        const char *mountpoint;   /* field 5, unescaped */
        const char *optional;     /* "shared:1 master:2" or "" */
        const char *fstype;
        const char *source;
        const char *superopts;
};

/* Call cb for every entry of /proc/self/mountinfo (text is the file's content, modified in place
 * by the parser). cb returns 0 to go on, > 0 to stop (returned), < 0 to fail (returned). */
int mountinfo_parse(char *text, int (*cb)(const struct mountinfo_entry *e, void *userdata),
                    void *userdata);
/* Read /proc/self/mountinfo and parse it. */
int mountinfo_foreach(int (*cb)(const struct mountinfo_entry *e, void *userdata), void *userdata);
