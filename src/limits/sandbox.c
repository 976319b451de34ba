/* SPDX-License-Identifier: LGPL-2.1-or-later
 * husk_sandbox_probe(): seccomp mode and filter count, no_new_privs and capability sets from
 * /proc/thread-self/status, the namespaces (sandbox-ns.c) and a read-only root. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "cleanup.h"
#include "fileio.h"
#include "husk/sandbox.h"
#include "parse.h"
#include "sandbox-ns.h"

int sandbox_proc_open(int rootfd, const char *name, int flags) {
        char path[256];

        (void) snprintf(path, sizeof path, "proc/thread-self/%s", name);
        int fd = openat(rootfd, path, flags | O_CLOEXEC | O_NOCTTY);
        if (fd >= 0 || errno != ENOENT)
                return fd >= 0 ? fd : -errno;
        (void) snprintf(path, sizeof path, "proc/self/%s", name);
        fd = openat(rootfd, path, flags | O_CLOEXEC | O_NOCTTY);
        return fd >= 0 ? fd : -errno;
}

int sandbox_proc_readlink(int rootfd, const char *name, char *ret, size_t size) {
        char path[256];
        ssize_t n;

        (void) snprintf(path, sizeof path, "proc/thread-self/%s", name);
        n = readlinkat(rootfd, path, ret, size - 1);
        if (n < 0 && errno == ENOENT) {
                (void) snprintf(path, sizeof path, "proc/self/%s", name);
                n = readlinkat(rootfd, path, ret, size - 1);
        }
        if (n < 0)
                return -errno;
        if ((size_t) n >= size - 1)
                return -ENAMETOOLONG;
        ret[n] = '\0';
        return 0;
}

/* Capability sets are printed as 16 hex digits ("CapEff:\t000001ffffffffff"). */
static int parse_cap_mask(const char *s, uint64_t *ret) {
        size_t n = strspn(s, "0123456789abcdefABCDEF");

        if (n == 0 || n > 16 || s[n] != '\0')
                return -EINVAL;
        *ret = strtoull(s, NULL, 16);
        return 0;
}

/* Count the tab-separated pids of "NSpid:" (one per pid namespace from /proc's down). */
static unsigned count_words(const char *s) {
        unsigned n = 0;

        for (;;) {
                s += strspn(s, " \t");
                if (*s == '\0')
                        return n;
                n++;
                s += strcspn(s, " \t");
        }
}

/* Parse the fields of a status file that describe the sandbox; each field that is present
 * and well-formed clears its bit in sb->unknown. Unknown keys and malformed values are
 * skipped: a newer or older kernel must not make the whole probe fail. */
static void parse_status(char *text, struct husk_sandbox *sb, unsigned *ret_nspid) {
        unsigned caps = 0, nspid = 0;
        char *line, *save = NULL;

        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *v = strchr(line, ':');
                unsigned u;

                if (!v)
                        continue;
                *v++ = '\0';
                v += strspn(v, " \t");

                if (strcmp(line, "Seccomp") == 0) {
                        if (safe_atou(v, &u) >= 0 && u <= HUSK_SECCOMP_FILTER) {
                                sb->seccomp_mode = (enum husk_seccomp_mode) u;
                                sb->unknown &= ~HUSK_SANDBOX_SECCOMP;
                        }
                } else if (strcmp(line, "Seccomp_filters") == 0) {
                        if (safe_atou(v, &u) >= 0) {
                                sb->seccomp_filters = u;
                                sb->unknown &= ~HUSK_SANDBOX_SECCOMP_FILTERS;
                        }
                } else if (strcmp(line, "NoNewPrivs") == 0) {
                        if (safe_atou(v, &u) >= 0 && u <= 1) {
                                sb->no_new_privs = u == 1;
                                sb->unknown &= ~HUSK_SANDBOX_NO_NEW_PRIVS;
                        }
                } else if (strcmp(line, "CapInh") == 0) {
                        caps |= parse_cap_mask(v, &sb->cap_inh) >= 0 ? 1u : 0;
                } else if (strcmp(line, "CapPrm") == 0) {
                        caps |= parse_cap_mask(v, &sb->cap_prm) >= 0 ? 2u : 0;
                } else if (strcmp(line, "CapEff") == 0) {
                        caps |= parse_cap_mask(v, &sb->cap_eff) >= 0 ? 4u : 0;
                } else if (strcmp(line, "CapBnd") == 0) {
                        caps |= parse_cap_mask(v, &sb->cap_bnd) >= 0 ? 8u : 0;
                } else if (strcmp(line, "CapAmb") == 0) {
                        if (parse_cap_mask(v, &sb->cap_amb) >= 0)
                                sb->unknown &= ~HUSK_SANDBOX_CAP_AMB;
                } else if (strcmp(line, "NSpid") == 0)
                        nspid = count_words(v);
        }

        if (caps == 0xf)
                sb->unknown &= ~HUSK_SANDBOX_CAPS;
        else
                sb->cap_inh = sb->cap_prm = sb->cap_eff = sb->cap_bnd = 0;
        *ret_nspid = nspid;
}

/* Clear the fields whose bit is still in unknown, so they read 0/false as documented. */
static void zero_unknown(struct husk_sandbox *sb) {
        if (sb->unknown & HUSK_SANDBOX_SECCOMP)
                sb->seccomp_mode = HUSK_SECCOMP_DISABLED;
        if (sb->unknown & HUSK_SANDBOX_SECCOMP_FILTERS)
                sb->seccomp_filters = 0;
        if (sb->unknown & HUSK_SANDBOX_CAP_AMB)
                sb->cap_amb = 0;
}

int husk_sandbox_probe_at(const char *root, struct husk_sandbox *ret) {
        struct husk_sandbox sb = { .unknown = HUSK_SANDBOX_ALL };
        bool live = !root || strcmp(root, "/") == 0;
        _cleanup_close_ int rootfd = -EBADF;
        _cleanup_free_ char *status = NULL;
        unsigned nspid = 0;
        struct statvfs sv;
        int r;

        rootfd = open(live ? "/" : root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return -errno;

        _cleanup_close_ int fd = sandbox_proc_open(rootfd, "status", O_RDONLY);
        if (fd >= 0) {
                r = read_full_fd(fd, &status, NULL);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0)
                        parse_status(status, &sb, &nspid);
        }
        zero_unknown(&sb);

        sandbox_ns_probe(rootfd, live, nspid, &sb);

        if (fstatvfs(rootfd, &sv) >= 0) {
                sb.readonly_root = (sv.f_flag & ST_RDONLY) != 0;
                sb.unknown &= ~HUSK_SANDBOX_READONLY_ROOT;
        }

        *ret = sb;
        return 0;
}

int husk_sandbox_probe(struct husk_sandbox *ret) {
        return husk_sandbox_probe_at(NULL, ret);
}

static const char *const field_names[] = {
        "seccomp", "seccomp-filters", "no-new-privs", "caps", "cap-amb", "userns",
        "pidns", "cgroupns", "netns", "mntns", "readonly-root",
};
_Static_assert(HUSK_SANDBOX_ALL == (1u << ELEMENTSOF(field_names)) - 1, "a name per field bit");

const char *husk_sandbox_field_to_string(unsigned bit) {
        if (bit == 0 || (bit & (bit - 1)) != 0 || (bit & ~HUSK_SANDBOX_ALL) != 0)
                return NULL;
        return field_names[__builtin_ctz(bit)];
}

const char *husk_seccomp_mode_to_string(enum husk_seccomp_mode m) {
        static const char *const names[] = { "disabled", "strict", "filter" };

        if ((unsigned) m >= ELEMENTSOF(names))
                return NULL;
        return names[m];
}
