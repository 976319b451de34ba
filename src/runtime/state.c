/* SPDX-License-Identifier: GPL-2.0-or-later
 * Container state directories under --root (see state.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "fault.h"
#include "fileio.h"
#include "parse.h"
#include "state.h"
#include "strv.h"

int state_validate_id(const char *id) {
        size_t n = id ? strlen(id) : 0;
        if (n == 0 || n > 1024)
                return -EINVAL;
        if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return -EINVAL;
        for (const char *p = id; *p; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+.-", *p))
                        return -EINVAL;
        return 0;
}

/* mkdir -p with mode for the last component; existing directories are fine. */
static int mkdir_parents(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static int state_dir_new(int fd, const char *root, const char *id, struct state_dir **ret) {
        struct state_dir *d = calloc(1, sizeof *d);
        if (!d || asprintf(&d->path, "%s/%s", root, id) < 0) {
                free(d);
                return -ENOMEM;
        }
        d->dir_fd = fd;
        *ret = d;
        return 0;
}

int state_dir_create(const char *root, const char *id, struct state_dir **ret) {
        int r = mkdir_parents(root, 0700);
        if (r < 0)
                return r;
        _cleanup_free_ char *tmp = NULL;
        if (asprintf(&tmp, "%s/.%s.XXXXXX", root, id) < 0)
                return -ENOMEM;
        if (!mkdtemp(tmp))
                return -errno;
        /* The container user (maybe unprivileged, maybe in a user namespace) opens exec.fifo
         * through this directory. */
        _cleanup_close_ int fd = -EBADF;
        if (chmod(tmp, 0711) < 0 ||
            (fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
            flock(fd, LOCK_EX) < 0) {
                r = -errno;
                (void) rmdir(tmp);
                return r;
        }
        _cleanup_free_ char *final = NULL;
        if (asprintf(&final, "%s/%s", root, id) < 0) {
                (void) rmdir(tmp);
                return -ENOMEM;
        }
        fault_point("create.state-dir-temp");
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) < 0) {
                r = -errno;
                (void) rmdir(tmp);
                return r;
        }
        r = state_dir_new(fd, root, id, ret);
        if (r < 0)
                return r;
        TAKE_FD(fd);
        return 0;
}

void state_dir_remove_unborn(const char *root, const char *id) {
        _cleanup_closedir_ DIR *d = opendir(root);
        size_t n = strlen(id);
        struct dirent *de;
        while (d && (de = readdir(d))) {
                const char *s = de->d_name;
                if (s[0] != '.' || strncmp(s + 1, id, n) != 0 || s[n + 1] != '.' || strlen(s + n + 2) != 6)
                        continue;
                _cleanup_close_ int fd = openat(dirfd(d), s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
                        (void) unlinkat(dirfd(d), s, AT_REMOVEDIR);
        }
}

int state_dir_open(const char *root, const char *id, bool exclusive, struct state_dir **ret) {
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", root, id) < 0)
                return -ENOMEM;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
                return -errno;
        /* Deleted while we waited for the lock? */
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_nlink == 0)
                return -ENOENT;
        int r = state_dir_new(fd, root, id, ret);
        if (r < 0)
                return r;
        TAKE_FD(fd);
        return 0;
}

int state_dir_remove(struct state_dir *d) {
        _cleanup_close_ int fd = openat(d->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        DIR *dir = fdopendir(fd);
        if (!dir)
                return -errno;
        TAKE_FD(fd);
        _cleanup_closedir_ DIR *dp = dir;
        struct dirent *de;
        while ((de = readdir(dp)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
                    unlinkat(d->dir_fd, de->d_name, 0) < 0 && errno != ENOENT)
                        return -errno;
        if (rmdir(d->path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

void state_dir_free(struct state_dir *d) {
        if (!d)
                return;
        safe_close(d->dir_fd);
        free(d->path);
        free(d);
}

void container_state_free(struct container_state *s) {
        if (!s)
                return;
        free(s->id);
        free(s->bundle);
        free(s->rootfs);
        free(s->created);
        free(s->owner);
        strv_free(s->annotations);
        free(s->cgroup_path);
        free(s);
}

/* Build the JSON object; full adds the fields only husk/runc keep (pid start time is private). */
static json_t *state_json_object(const struct container_state *s, const char *status, bool full,
                                 bool private_fields) {
        json_t *o = json_object(), *ann = json_object();
        if (!o || !ann) {
                json_decref(o);
                json_decref(ann);
                return NULL;
        }
        json_object_set_new(o, "ociVersion", json_string(HUSK_OCI_SPEC_VERSION));
        json_object_set_new(o, "id", json_string(s->id));
        if (status)
                json_object_set_new(o, "status", json_string(status));
        json_object_set_new(o, "pid", json_integer(s->pid));
        json_object_set_new(o, "bundle", json_string(s->bundle));
        if (full || private_fields) {
                json_object_set_new(o, "rootfs", json_string(s->rootfs));
                json_object_set_new(o, "created", json_string(s->created));
                json_object_set_new(o, "owner", json_string(s->owner ? s->owner : ""));
        }
        if (private_fields)
                json_object_set_new(o, "husk.startTime", json_integer((json_int_t) s->start_time));
        if (private_fields && s->cgroup_path)
                json_object_set_new(o, "husk.cgroupPath", json_string(s->cgroup_path));
        for (char **a = s->annotations; a && a[0] && a[1]; a += 2)
                json_object_set_new(ann, a[0], json_string(a[1]));
        if (json_object_size(ann) > 0 || private_fields)
                json_object_set_new(o, "annotations", ann);
        else
                json_decref(ann);
        return o;
}

int state_to_json(const struct container_state *s, enum container_status st, bool full, char **ret) {
        json_t *o = state_json_object(s, container_status_to_string(st), full, false);
        if (!o)
                return -ENOMEM;
        char *text = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!text)
                return -ENOMEM;
        *ret = text;
        return 0;
}

int state_write(const struct state_dir *d, const struct container_state *s) {
        json_t *o = state_json_object(s, NULL, true, true);
        if (!o)
                return -ENOMEM;
        _cleanup_free_ char *text = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!text)
                return -ENOMEM;
        return write_file_atomic_at(d->dir_fd, STATE_FILE, text, strlen(text), 0644, false);
}

static int json_dup_string(json_t *o, const char *key, char **ret) {
        const char *v = json_string_value(json_object_get(o, key));
        if (!v)
                return -EBADMSG;
        *ret = strdup(v);
        return *ret ? 0 : -ENOMEM;
}

int state_read(const struct state_dir *d, struct container_state **ret) {
        _cleanup_free_ char *text = NULL;
        int r = read_full_file_at(d->dir_fd, STATE_FILE, &text, NULL);
        if (r < 0)
                return r;
        json_t *o = json_loads(text, 0, NULL);
        if (!json_is_object(o)) {
                json_decref(o);
                return -EBADMSG;
        }
        _cleanup_container_state_ struct container_state *s = calloc(1, sizeof *s);
        if (!s) {
                json_decref(o);
                return -ENOMEM;
        }
        json_t *pid = json_object_get(o, "pid"), *st = json_object_get(o, "husk.startTime");
        s->pid = (pid_t) json_integer_value(pid);
        s->start_time = (uint64_t) json_integer_value(st);
        if (!json_is_integer(pid) || !json_is_integer(st))
                r = -EBADMSG;
        if (r >= 0)
                r = json_dup_string(o, "id", &s->id);
        if (r >= 0)
                r = json_dup_string(o, "bundle", &s->bundle);
        if (r >= 0)
                r = json_dup_string(o, "rootfs", &s->rootfs);
        if (r >= 0)
                r = json_dup_string(o, "created", &s->created);
        if (r >= 0)
                r = json_dup_string(o, "owner", &s->owner);
        if (r >= 0 && json_is_string(json_object_get(o, "husk.cgroupPath")))
                r = json_dup_string(o, "husk.cgroupPath", &s->cgroup_path);
        const char *key;
        json_t *v;
        json_object_foreach(json_object_get(o, "annotations"), key, v) {
                if (r >= 0 && json_is_string(v))
                        r = strv_extend(&s->annotations, key);
                if (r >= 0 && json_is_string(v))
                        r = strv_extend(&s->annotations, json_string_value(v));
        }
        json_decref(o);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

int proc_start_time(pid_t pid, uint64_t *ret) {
        char path[64];
        _cleanup_free_ char *stat = NULL;
        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        int r = read_full_file_at(AT_FDCWD, path, &stat, NULL);
        if (r == -ENOENT)
                return -ESRCH;
        if (r < 0)
                return r;
        /* comm may contain spaces and parentheses: fields start after the last ')'. Then
         * field 3 is the state, field 22 the start time (proc(5)). */
        char *p = strrchr(stat, ')');
        if (!p || p[1] != ' ')
                return -EBADMSG;
        p += 2;
        if (*p == 'Z' || *p == 'X')
                return -ESRCH;
        for (int field = 3; field < 22; field++) {
                p = strchr(p, ' ');
                if (!p)
                        return -EBADMSG;
                p++;
        }
        p[strcspn(p, " ")] = '\0';
        return safe_atou64(p, ret);
}

bool state_pid_alive(pid_t pid, uint64_t start_time) {
        uint64_t t;
        return pid > 0 && proc_start_time(pid, &t) >= 0 && t == start_time;
}

enum container_status state_status(const struct state_dir *d, const struct container_state *s) {
        if (!state_pid_alive(s->pid, s->start_time))
                return CONTAINER_STOPPED;
        if (faccessat(d->dir_fd, STATE_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return CONTAINER_CREATED;
        return CONTAINER_RUNNING;
}

const char *container_status_to_string(enum container_status st) {
        static const char *const names[] = {
                [CONTAINER_CREATING] = "creating",
                [CONTAINER_CREATED] = "created",
                [CONTAINER_RUNNING] = "running",
                [CONTAINER_STOPPED] = "stopped",
                [CONTAINER_PAUSED] = "paused",
        };
        return names[st];
}
