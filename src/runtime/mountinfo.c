/* SPDX-License-Identifier: GPL-2.0-or-later
 * /proc/self/mountinfo parser. Fields: id parent major:minor root mountpoint options
 * [optional...] - fstype source superoptions; paths escape ' ', '\t', '\n', '\\' as \ooo. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "mountinfo.h"

/* Undo the kernel's octal escapes in place. */
static void unescape(char *s) {
        char *o = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        *o++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
                        s += 3;
                } else
                        *o++ = *s;
        }
        *o = '\0';
}

/* Next space-separated field of *p (NUL-terminated in place), or NULL. */
static char *next_field(char **p) {
        char *s = *p, *e;

        while (*s == ' ')
                s++;
        if (!*s)
                return NULL;
        e = strchrnul(s, ' ');
        *p = *e ? e + 1 : e;
        *e = '\0';
        return s;
}

/* Split one line into e (pointers into line). */
static int parse_line(char *line, struct mountinfo_entry *e) {
        char *p = line, *f[6], *opt_start, *opt_end, *dash;

        for (int i = 0; i < 6; i++)
                if (!(f[i] = next_field(&p)))
                        return -EINVAL;
        if (strncmp(p, "- ", 2) == 0) {
                opt_start = opt_end = p;
                p += 2;
        } else if ((dash = strstr(p, " - "))) {
                opt_start = p;
                opt_end = dash;
                p = dash + 3;
        } else
                return -EINVAL;
        *opt_end = '\0';
        e->id = (unsigned) strtoul(f[0], NULL, 10);
        e->root = f[3];
        e->mountpoint = f[4];
        e->optional = opt_start;
        if (!(e->fstype = next_field(&p)) || !(e->source = next_field(&p)) ||
            !(e->superopts = next_field(&p)))
                return -EINVAL;
        unescape(f[3]);
        unescape(f[4]);
        return 0;
}

int mountinfo_parse(char *text, int (*cb)(const struct mountinfo_entry *e, void *userdata),
                    void *userdata) {
        char *line = text;

        while (line && *line) {
                char *nl = strchr(line, '\n');
                struct mountinfo_entry e;
                int r;

                if (nl)
                        *nl = '\0';
                r = parse_line(line, &e);
                if (r < 0)
                        return r;
                r = cb(&e, userdata);
                if (r != 0)
                        return r;
                line = nl ? nl + 1 : NULL;
        }
        return 0;
}

int mountinfo_foreach(int (*cb)(const struct mountinfo_entry *e, void *userdata), void *userdata) {
        _cleanup_free_ char *text = NULL;
        int r = read_full_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL);

        if (r < 0)
                return r;
        return mountinfo_parse(text, cb, userdata);
}
