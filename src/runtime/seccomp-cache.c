/* SPDX-License-Identifier: GPL-2.0-or-later
 * The compiled-BPF cache (see seccomp-cache.h for what is keyed and why it is safe).
 *
 * Entry file <dir>/<32 hex digits>.bpf:
 *   "HUSKBPF1" | u32 key length | key | u32 skipped length | skipped names, '\n'-separated |
 *   u32 instruction count | struct sock_filter[count]          (native byte order) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "seccomp-config.h"
#include LIBSECCOMP_H  /* libseccomp's <seccomp.h>, see seccomp.h */

#include "cleanup.h"
#include "config.h"
#include "fileio.h"
#include "seccomp-cache.h"
#include "seccomp.h"
#include "strv.h"

#define CACHE_MAGIC "HUSKBPF1"

static void key_action(FILE *f, const char *what, enum oci_seccomp_action a, bool has, uint32_t v) {
        fprintf(f, "%s %s %d %u\n", what, oci_seccomp_action_to_string(a), has, v);
}

int seccomp_cache_key(const struct oci_seccomp *s, bool fail_unknown, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        const struct scmp_version *v = seccomp_version();
        struct utsname u;

        if (uname(&u) < 0)
                return -errno;
        _cleanup_fclose_ FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "husk-seccomp-cache 1\nhusk %s\nlibseccomp %u.%u.%u\nkernel %s %s\nnative %u\n",
                HUSK_VERSION, v->major, v->minor, v->micro, u.release, u.machine, seccomp_arch_native());
        fprintf(f, "fail_unknown %d\n", fail_unknown);
        key_action(f, "default", s->default_action, s->has_default_errno_ret, s->default_errno_ret);
        for (size_t i = 0; i < s->n_architectures; i++)
                fprintf(f, "arch %u\n", s->architectures[i]);
        fprintf(f, "flags %u\n", s->flags);
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *c = &s->syscalls[i];
                key_action(f, "syscall", c->action, c->has_errno_ret, c->errno_ret);
                for (size_t k = 0; c->names[k]; k++)
                        fprintf(f, " name %s\n", c->names[k]);
                for (size_t k = 0; k < c->n_args; k++)
                        fprintf(f, " arg %u %s %llu %llu\n", c->args[k].index,
                                oci_seccomp_op_to_string(c->args[k].op),
                                (unsigned long long) c->args[k].value,
                                (unsigned long long) c->args[k].value_two);
        }
        if (fflush(f) != 0 || ferror(f))
                return -ENOMEM;
        fclose(TAKE_PTR(f));
        *ret = TAKE_PTR(buf);
        return 0;
}

int seccomp_cache_dir(const char *state_root, char **ret) {
        char *dir = NULL;

        if (state_root && asprintf(&dir, "%s/" SECCOMP_CACHE_DIR, state_root) < 0)
                return -ENOMEM;
        *ret = dir;
        return 0;
}

/* Two FNV-1a passes with different offset bases: a file name, not a security boundary (the stored
 * key is compared in full). */
static void key_file_name(const char *dir, const char *key, char *buf, size_t n) {
        uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;

        for (const unsigned char *p = (const unsigned char *) key; *p; p++) {
                a = (a ^ *p) * 0x100000001b3ULL;
                b = (b ^ *p) * 0x100000001b3ULL;
                b ^= b >> 29;
        }
        snprintf(buf, n, "%s/%016llx%016llx.bpf", dir, (unsigned long long) a, (unsigned long long) b);
}

/* Take a u32-length-prefixed field from the entry buffer. */
static bool take(const char **p, const char *end, size_t unit, const char **ret, uint32_t *ret_n) {
        uint32_t n;

        if ((size_t) (end - *p) < sizeof n)
                return false;
        memcpy(&n, *p, sizeof n);
        *p += sizeof n;
        if ((size_t) (end - *p) / unit < n)
                return false;
        *ret = *p;
        *ret_n = n;
        *p += (size_t) n * unit;
        return true;
}

static int split_names(const char *s, size_t n, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        size_t i = 0;

        while (i < n) {
                size_t j = i;
                while (j < n && s[j] != '\n')
                        j++;
                _cleanup_free_ char *name = strndup(s + i, j - i);
                if (!name || strv_extend(&l, name) < 0)
                        return -ENOMEM;
                i = j + 1;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int seccomp_cache_load(const char *dir, const char *key, struct sock_filter **ret_bpf, size_t *ret_n,
                       char ***ret_skipped) {
        char path[PATH_MAX];
        _cleanup_free_ char *data = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *k, *sk, *bpf;
        uint32_t nk, nsk, nbpf;
        size_t size = 0;
        struct stat st;
        int r;

        key_file_name(dir, key, path, sizeof path);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return 0;
        /* Only our own, private entries: another user able to write here could inject a filter. */
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
                return 0;
        r = read_full_fd(fd, &data, &size);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || size < strlen(CACHE_MAGIC) || memcmp(data, CACHE_MAGIC, strlen(CACHE_MAGIC)) != 0)
                return 0;
        const char *p = data + strlen(CACHE_MAGIC), *end = data + size;
        if (!take(&p, end, 1, &k, &nk) || !take(&p, end, 1, &sk, &nsk) ||
            !take(&p, end, sizeof(struct sock_filter), &bpf, &nbpf) || p != end ||
            nk != strlen(key) || memcmp(k, key, nk) != 0 || nbpf == 0 || nbpf > BPF_MAXINSNS)
                return 0;

        _cleanup_free_ struct sock_filter *prog = malloc((size_t) nbpf * sizeof *prog);
        _cleanup_strv_free_ char **skipped = NULL;
        if (!prog || split_names(sk, nsk, &skipped) < 0)
                return -ENOMEM;
        memcpy(prog, bpf, (size_t) nbpf * sizeof *prog);
        /* A hit makes the entry the most recently used one for seccomp_cache_prune(). */
        (void) futimens(fd, NULL);
        *ret_bpf = TAKE_PTR(prog);
        *ret_n = nbpf;
        *ret_skipped = TAKE_PTR(skipped);
        return 1;
}

static int write_field(int fd, const void *p, uint32_t n, size_t unit) {
        int r = loop_write(fd, &n, sizeof n);
        return r < 0 ? r : loop_write(fd, p, (size_t) n * unit);
}

int seccomp_cache_store(const char *dir, const char *key, const struct sock_filter *bpf, size_t n,
                        char *const *skipped) {
        char path[PATH_MAX], tmp[PATH_MAX + 16];
        _cleanup_free_ char *names = NULL;
        size_t names_len = 0;
        _cleanup_close_ int fd = -EBADF;
        int r;

        /* The state root itself may not exist before the first container. */
        _cleanup_free_ char *parent = strdup(dir);
        char *slash = parent ? strrchr(parent, '/') : NULL;
        if (!parent)
                return -ENOMEM;
        if (slash && slash != parent) {
                *slash = '\0';
                if (mkdir(parent, 0700) < 0 && errno != EEXIST)
                        return -errno;
        }
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        for (size_t i = 0; skipped && skipped[i]; i++) {
                size_t l = strlen(skipped[i]);
                char *m = realloc(names, names_len + l + 2);
                if (!m)
                        return -ENOMEM;
                names = m;
                memcpy(names + names_len, skipped[i], l);
                names_len += l;
                names[names_len++] = '\n';
        }
        if (names_len > 0)
                names_len--;    /* no trailing separator */

        key_file_name(dir, key, path, sizeof path);
        snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, CACHE_MAGIC, strlen(CACHE_MAGIC));
        if (r >= 0)
                r = write_field(fd, key, (uint32_t) strlen(key), 1);
        if (r >= 0)
                r = write_field(fd, names ? names : "", (uint32_t) names_len, 1);
        if (r >= 0)
                r = write_field(fd, bpf, (uint32_t) n, sizeof *bpf);
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlink(tmp);
                return r;
        }
        (void) seccomp_cache_prune(dir, SECCOMP_CACHE_MAX_ENTRIES, SECCOMP_CACHE_MAX_BYTES);
        return 0;
}

struct cache_entry {
        char name[48];
        struct timespec mtime;
        uint64_t size;
};

/* Newest first; equal times by name, so that every pruner picks the same victims. */
static int newest_first(const void *a, const void *b) {
        const struct cache_entry *x = a, *y = b;
        if (x->mtime.tv_sec != y->mtime.tv_sec)
                return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
        if (x->mtime.tv_nsec != y->mtime.tv_nsec)
                return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
        return strcmp(x->name, y->name);
}

/* An entry's name: 32 hex digits and ".bpf"; a temp file adds ".XXXXXX" (mkostemp). */
static bool is_entry(const char *name, bool *ret_temp) {
        size_t n = strspn(name, "0123456789abcdef");
        if (n != 32 || strncmp(name + n, ".bpf", 4) != 0)
                return false;
        *ret_temp = name[n + 4] != '\0';
        return !*ret_temp || strlen(name + n + 4) == 7;
}

int seccomp_cache_prune(const char *dir, size_t max_entries, uint64_t max_bytes) {
        _cleanup_free_ struct cache_entry *e = NULL;
        size_t n = 0, cap = 0;
        int removed = 0;
        _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return errno == ENOENT ? 0 : -errno;
        int dfd2 = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
        DIR *d = dfd2 >= 0 ? fdopendir(dfd2) : NULL;
        if (!d) {
                safe_close(dfd2);
                return -errno;
        }
        time_t now = time(NULL);
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;
                bool temp;
                if (!is_entry(de->d_name, &temp) || fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                    !S_ISREG(st.st_mode))
                        continue;
                if (temp) {
                        if (st.st_mtime < now - 60 && unlinkat(dfd, de->d_name, 0) >= 0)
                                removed++;
                        continue;
                }
                if (n == cap) {
                        struct cache_entry *m = realloc(e, (cap = cap ? 2 * cap : 64) * sizeof *e);
                        if (!m) {
                                closedir(d);
                                return -ENOMEM;
                        }
                        e = m;
                }
                e[n] = (struct cache_entry) { .mtime = st.st_mtim, .size = (uint64_t) st.st_size };
                memcpy(e[n].name, de->d_name, strlen(de->d_name) + 1);      /* is_entry(): 36 bytes */
                n++;
        }
        closedir(d);
        if (n > 1)      /* qsort's base must not be NULL, even for no entries */
                qsort(e, n, sizeof *e, newest_first);
        uint64_t bytes = 0;
        for (size_t i = 0; i < n; i++) {
                bytes += e[i].size;
                if (i < max_entries && bytes <= max_bytes)
                        continue;
                /* ENOENT: another pruner was first. */
                if (unlinkat(dfd, e[i].name, 0) >= 0)
                        removed++;
        }
        return removed;
}
