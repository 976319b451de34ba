/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Parsing /proc/<pid>/mountinfo (which cgroup filesystems are mounted where, showing which
 * subtree) and /proc/<pid>/cgroup (which cgroup the process is in, per hierarchy).
 * Format: Documentation/filesystems/proc.rst, "3.5 /proc/<pid>/mountinfo"; man 7 cgroups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "limits-internal.h"
#include "parse.h"
#include "strv.h"

/* show_mountinfo() escapes space, tab, newline and backslash as \ooo (fs/proc_namespace.c,
 * mangle()). Anything else after a backslash is left alone. */
void cg_unescape(char *s) {
        char *w = s;
        for (const char *r = s; *r;) {
                if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
                    r[3] >= '0' && r[3] <= '7') {
                        *w++ = (char) (((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
                        r += 4;
                } else
                        *w++ = *r++;
        }
        *w = '\0';
}

bool cg_list_has(const char *opts, const char *word) {
        size_t n = strlen(word);
        for (const char *p = opts; p && *p;) {
                size_t k = strcspn(p, ",");
                if (k == n && strncmp(p, word, n) == 0)
                        return true;
                p += k;
                if (*p == ',')
                        p++;
        }
        return false;
}

bool cg_list_has_word(const char *text, const char *word) {
        size_t n = strlen(word);
        for (const char *p = text; p && *p;) {
                p += strspn(p, " \t\n");
                size_t k = strcspn(p, " \t\n");
                if (k == n && strncmp(p, word, n) == 0)
                        return true;
                p += k;
        }
        return false;
}

bool cg_path_has_prefix(const char *path, const char *prefix) {
        size_t n = strlen(prefix);
        while (n > 0 && prefix[n - 1] == '/')
                n--;
        if (n == 0)
                return path[0] == '/';
        return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

void cg_mount_table_done(struct cg_mount_table *t) {
        for (size_t i = 0; i < t->n; i++) {
                free(t->mounts[i].root);
                free(t->mounts[i].mount_point);
                free(t->mounts[i].fstype);
                free(t->mounts[i].super_options);
        }
        free(t->mounts);
        *t = (struct cg_mount_table) {};
}

/* Split s at single spaces into at most max fields (in place). Returns the count. */
static size_t split_fields(char *s, char **fields, size_t max) {
        size_t n = 0;
        while (*s && n < max) {
                while (*s == ' ')
                        s++;
                if (!*s)
                        break;
                fields[n++] = s;
                s += strcspn(s, " ");
                if (*s)
                        *s++ = '\0';
        }
        return n;
}

/* One line: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue".
 * Any number of optional fields precede the "-" separator. Returns 1 for a cgroup mount
 * (filled in), 0 for another filesystem, -EINVAL for a malformed line. */
static int parse_line(char *line, struct cg_mount *ret) {
        char *f[64];
        size_t n = split_fields(line, f, ELEMENTSOF(f));
        size_t sep = 6;
        while (sep < n && strcmp(f[sep], "-") != 0)
                sep++;
        if (n < 6 || sep + 4 > n)   /* "-", fstype, source and super options */
                return -EINVAL;
        unsigned mj, mn;
        char *colon = strchr(f[2], ':');
        if (!colon)
                return -EINVAL;
        *colon = '\0';
        if (safe_atou(f[2], &mj) < 0 || safe_atou(colon + 1, &mn) < 0)
                return -EINVAL;
        const char *fstype = f[sep + 1];
        if (strcmp(fstype, "cgroup") != 0 && strcmp(fstype, "cgroup2") != 0)
                return 0;
        cg_unescape(f[3]);
        cg_unescape(f[4]);
        if (f[3][0] != '/' || f[4][0] != '/')
                return -EINVAL;
        struct cg_mount m = {
                .major = mj,
                .minor = mn,
                .root = strdup(f[3]),
                .mount_point = strdup(f[4]),
                .fstype = strdup(fstype),
                .super_options = strdup(f[sep + 3]),
                .read_only = cg_list_has(f[5], "ro"),
        };
        if (!m.root || !m.mount_point || !m.fstype || !m.super_options) {
                struct cg_mount_table t = { .mounts = &m, .n = 1 };
                cg_mount_table_done(&t);
                return -ENOMEM;
        }
        *ret = m;
        return 1;
}

/* Call fn on each non-empty line of text (a copy, so fn may cut its line up); stops at the first
 * negative return and passes it on. */
static int for_each_line(const char *text, int (*fn)(char *line, void *userdata), void *userdata) {
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        for (char *line = copy, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                int r = *line ? fn(line, userdata) : 0;
                if (r < 0)
                        return r;
        }
        return 0;
}

/* One mountinfo line into the table (lines that are no cgroup mount are skipped). */
static int add_mount(char *line, void *userdata) {
        struct cg_mount_table *t = userdata;
        struct cg_mount m;
        int r = parse_line(line, &m);
        if (r <= 0)
                return r;
        struct cg_mount *nm = realloc(t->mounts, (t->n + 1) * sizeof *nm);
        if (!nm) {
                struct cg_mount_table one = { .mounts = &m, .n = 1 };
                cg_mount_table_done(&one);
                return -ENOMEM;
        }
        t->mounts = nm;
        t->mounts[t->n++] = m;
        return 0;
}

int cg_mount_table_parse(const char *text, struct cg_mount_table *ret) {
        struct cg_mount_table t = {};
        int r = for_each_line(text, add_mount, &t);
        if (r < 0) {
                cg_mount_table_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}

void cg_membership_done(struct cg_membership *m) {
        free(m->v2_path);
        strv_free(m->v1_lines);
        *m = (struct cg_membership) {};
}

/* One line "hierarchy-ID:controller-list:cgroup-path" (man 7 cgroups). The path may itself hold
 * colons, so only the first two split. v2 is "0::/path"; a v1 hierarchy with only a name
 * (name=systemd) has no controller we read but is kept. */
static int add_membership(char *line, void *userdata) {
        struct cg_membership *m = userdata;
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        unsigned id;
        int r;
        if (!c2 || c2[1] != '/')
                return -EINVAL;
        *c1 = *c2 = '\0';
        if (safe_atou(line, &id) < 0)
                return -EINVAL;
        if (id == 0 && c1[1] == '\0') {
                free(m->v2_path);
                m->v2_path = strdup(c2 + 1);
                return m->v2_path ? 0 : -ENOMEM;
        }
        if ((r = strv_extend(&m->v1_lines, c1 + 1)) < 0)
                return r;
        return strv_extend(&m->v1_lines, c2 + 1);
}

int cg_membership_parse(const char *text, struct cg_membership *ret) {
        struct cg_membership m = {};
        int r = for_each_line(text, add_membership, &m);
        if (r < 0) {
                cg_membership_done(&m);
                return r;
        }
        *ret = m;
        return 0;
}

const char *cg_membership_v1_path(const struct cg_membership *m, const char *controller) {
        for (char **p = m->v1_lines; p && p[0] && p[1]; p += 2)
                if (cg_list_has(p[0], controller))
                        return p[1];
        return NULL;
}
