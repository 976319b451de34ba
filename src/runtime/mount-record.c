/* SPDX-License-Identifier: GPL-2.0-or-later
 * The mounts a container without a mount namespace of its own leaves in the runtime's: found by
 * comparing mountinfo before and after the container child ran, kept in <state>/mounts, and
 * detached after a no-symlink lookup checked their mount ID (see mount-record.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "mount-record.h"
#include "mountinfo.h"
#include "paths.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U                /* Linux 5.8 */
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000        /* Linux 5.8 */
#endif

struct mount_entry {
        unsigned id;
        char *path;
};

struct mount_list {
        struct mount_entry *v;
        size_t n;
};

struct mount_record {
        char *rootfs;
        struct mount_list before;       /* below the rootfs when create began */
};

static void list_done(struct mount_list *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i].path);
        free(l->v);
        *l = (struct mount_list) {};
}

static int list_add(struct mount_list *l, unsigned id, const char *path) {
        struct mount_entry *v = realloc(l->v, (l->n + 1) * sizeof(*v));
        char *p;

        if (!v)
                return -ENOMEM;
        l->v = v;
        p = strdup(path);
        if (!p)
                return -ENOMEM;
        l->v[l->n++] = (struct mount_entry) { .id = id, .path = p };
        return 0;
}

static bool list_has(const struct mount_list *l, unsigned id, const char *path) {
        for (size_t i = 0; i < l->n; i++)
                if (l->v[i].id == id && strcmp(l->v[i].path, path) == 0)
                        return true;
        return false;
}

struct collect {
        const char *rootfs;
        const struct mount_list *skip;  /* NULL: none */
        struct mount_list *out;
};

/* mountinfo callback: the mounts at or below the rootfs, minus those in skip. mountinfo lists a
 * namespace's mounts in the order they were attached, parents before their children. */
static int collect_one(const struct mountinfo_entry *e, void *userdata) {
        struct collect *c = userdata;

        if (!path_is_below(e->mountpoint, c->rootfs) || (c->skip && list_has(c->skip, e->id, e->mountpoint)))
                return 0;
        return list_add(c->out, e->id, e->mountpoint);
}

static int collect_new(const struct mount_record *m, struct mount_list *ret) {
        struct mount_list l = {};
        struct collect c = { .rootfs = m->rootfs, .skip = &m->before, .out = &l };
        int r = mountinfo_foreach(collect_one, &c);

        if (r < 0) {
                list_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

/* Write "rootfs ROOTFS\0", then "ID PATH\0" for each of l, to name in dir_fd, atomically (a
 * reader finds all of it or nothing). */
static int write_records(int dir_fd, const char *name, const char *rootfs, const struct mount_list *l) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        fprintf(f, "rootfs %s%c", rootfs, '\0');
        for (size_t i = 0; i < l->n; i++)
                fprintf(f, "%u %s%c", l->v[i].id, l->v[i].path, '\0');
        if (fclose(f) != 0)
                return -ENOMEM;
        return write_file_atomic_at(dir_fd, name, buf, size, 0600, false);
}

/* Parse "ID PATH\0" records from p to end into *l (appended). */
static int parse_records(const char *p, const char *end, struct mount_list *l) {
        int r = 0;

        while (r >= 0 && p < end) {
                const char *nul = memchr(p, '\0', (size_t) (end - p));
                char *sp = NULL;
                unsigned long id;

                errno = 0;
                id = nul ? strtoul(p, &sp, 10) : 0;
                if (!nul || errno != 0 || sp == p || *sp != ' ' || sp[1] != '/' || id > ~0U)
                        r = -EBADMSG;
                else
                        r = list_add(l, (unsigned) id, sp + 1);
                p = nul ? nul + 1 : end;
        }
        return r;
}

/* Read what write_records() wrote: the rootfs into m->rootfs, the mounts into m->before. */
static int read_records(int dir_fd, const char *name, struct mount_record *m) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        int r = read_full_file_at(dir_fd, name, &text, &size);

        if (r < 0)
                return r;
        if (size < 8 || strncmp(text, "rootfs /", 8) != 0 || !memchr(text, '\0', size))
                return -EBADMSG;
        m->rootfs = strdup(text + 7);
        if (!m->rootfs)
                return -ENOMEM;
        return parse_records(text + strlen(text) + 1, text + size, &m->before);
}

int mount_record_begin(const char *rootfs, int dir_fd, struct mount_record **ret) {
        struct mount_record *m = calloc(1, sizeof(*m));
        struct collect c;
        int r;

        if (!m)
                return -ENOMEM;
        m->rootfs = strdup(rootfs);
        if (!m->rootfs) {
                free(m);
                return -ENOMEM;
        }
        c = (struct collect) { .rootfs = m->rootfs, .out = &m->before };
        r = mountinfo_foreach(collect_one, &c);
        if (r >= 0)
                r = write_records(dir_fd, MOUNT_RECORD_BASE_FILE, m->rootfs, &m->before);
        if (r < 0) {
                mount_record_free(m);
                return r;
        }
        *ret = m;
        return 0;
}

void mount_record_free(struct mount_record *m) {
        if (!m)
                return;
        list_done(&m->before);
        free(m->rootfs);
        free(m);
}

/* Open an absolute path O_PATH without following a symlink anywhere in it. */
static int open_no_symlinks(const char *path, int *ret_fd) {
        _cleanup_close_ int root = -EBADF;

        if (path[0] != '/')
                return -EINVAL;
        root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        return path_open_in_root(root, path, PATH_NO_SYMLINKS, ret_fd);
}

/* Detach mount id if path leads, through no symlink, to the root of a mount with that ID.
 * 0: detached, 1: left alone (not that mount), < 0: umount2 failed. */
static int detach_verified(unsigned id, const char *path) {
        _cleanup_close_ int fd = -EBADF;
        struct statx sx = {};
        char p[32];

        if (open_no_symlinks(path, &fd) < 0)
                return 1;
        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0 ||
            !(sx.stx_mask & STATX_MNT_ID) || sx.stx_mnt_id != id)
                return 1;
        /* A directory inside the mount has its ID too: only its root is the mount itself. */
        if ((sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && !(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
                return 1;
        if (umount2(path_procfd(p, sizeof(p), fd), MNT_DETACH) < 0)
                return -errno;
        return 0;
}

struct find_id {
        unsigned id;
        char *mountpoint;
};

static int find_id_one(const struct mountinfo_entry *e, void *userdata) {
        struct find_id *f = userdata;

        if (e->id != f->id)
                return 0;
        f->mountpoint = strdup(e->mountpoint);
        return f->mountpoint ? 1 : -ENOMEM;
}

/* The recorded mount, at its path; or, if the container moved it (renamed a directory above it,
 * say) and it still is below the rootfs, where it is now. Same return values. */
static int detach_one(const struct mount_entry *e, const char *rootfs) {
        struct find_id f = { .id = e->id };
        int r = detach_verified(e->id, e->path);

        if (r != 1 || !rootfs)
                return r;
        if (mountinfo_foreach(find_id_one, &f) <= 0)
                return 1;
        r = path_is_below(f.mountpoint, rootfs) && strcmp(f.mountpoint, e->path) != 0 ?
                detach_verified(e->id, f.mountpoint) : 1;
        free(f.mountpoint);
        return r;
}

/* Last made first: a mount stacked on another, or made below it, goes before it. */
static int detach_all(const struct mount_list *l, const char *rootfs, char **ret_failed) {
        int ret = 0;

        for (size_t i = l->n; i > 0; i--) {
                int r = detach_one(&l->v[i - 1], rootfs);

                if (r < 0 && ret == 0) {
                        ret = r;
                        if (ret_failed)
                                *ret_failed = strdup(l->v[i - 1].path);
                }
        }
        return ret;
}

int mount_record_undo(const struct mount_record *m) {
        struct mount_list l = {};
        int r = collect_new(m, &l);

        if (r >= 0)
                r = detach_all(&l, m->rootfs, NULL);
        list_done(&l);
        return r;
}

int mount_record_save(const struct mount_record *m, int dir_fd) {
        struct mount_list l = {};
        int r = collect_new(m, &l);

        if (r >= 0)
                r = write_records(dir_fd, MOUNT_RECORD_FILE, m->rootfs, &l);
        list_done(&l);
        return r;
}

int mount_record_detach_saved(int dir_fd, char **ret_failed) {
        struct mount_record saved = {}, base = {};
        struct mount_list l = {};
        int r = read_records(dir_fd, MOUNT_RECORD_FILE, &saved);

        if (r >= 0)
                r = detach_all(&saved.before, saved.rootfs, ret_failed);
        else if (r == -ENOENT) {
                /* create was killed before it saved them: what is new since it began. */
                r = read_records(dir_fd, MOUNT_RECORD_BASE_FILE, &base);
                if (r >= 0)
                        r = collect_new(&base, &l);
                if (r >= 0)
                        r = detach_all(&l, base.rootfs, ret_failed);
                else if (r == -ENOENT)
                        r = 0;
        }
        list_done(&l);
        list_done(&saved.before);
        list_done(&base.before);
        free(saved.rootfs);
        free(base.rootfs);
        return r;
}
