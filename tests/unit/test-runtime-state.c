/* SPDX-License-Identifier: GPL-2.0-or-later
 * state: container ids, the state directory (atomic create, lock, remove), state.json round trip,
 * the status computed from the pid's start time and the fifo, /proc/<pid>/stat parsing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state.h"
#include "strv.h"

Test(state, ids) {
        static const struct { const char *id; int ret; } cases[] = {
                { "abc", 0 }, { "a-b_c.d+e", 0 }, { "A9", 0 }, { "..x", 0 }, { "x..", 0 },
                { "", -EINVAL }, { ".", -EINVAL }, { "..", -EINVAL }, { "a/b", -EINVAL },
                { "../x", -EINVAL }, { "a b", -EINVAL }, { "a\nb", -EINVAL }, { "$(id)", -EINVAL },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
                cr_expect_eq(state_validate_id(cases[i].id), cases[i].ret, "id '%s'", cases[i].id);
        char long_id[1026];
        memset(long_id, 'a', sizeof long_id - 1);
        long_id[1025] = '\0';
        cr_expect_eq(state_validate_id(long_id), -EINVAL);
        long_id[1024] = '\0';
        cr_expect_eq(state_validate_id(long_id), 0);
}

static char *make_root(void) {
        char *root = strdup("/tmp/husk-unit-state.XXXXXX");
        cr_assert(mkdtemp(root));
        return root;
}

static void remove_root(char *root) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
        cr_expect_eq(system(cmd), 0);
        free(root);
}

Test(state, create_open_remove) {
        char *root = make_root();
        char sub[300];
        snprintf(sub, sizeof sub, "%s/nested/root", root);   /* parents are made */
        struct state_dir *d = NULL;
        cr_assert_eq(state_dir_create(sub, "c1", &d), 0);
        struct state_dir *again = NULL;
        cr_expect_eq(state_dir_create(sub, "c1", &again), -EEXIST);
        cr_expect_null(again);

        /* The exclusive lock is held: a non-blocking shared lock from another open fails. */
        char path[400];
        snprintf(path, sizeof path, "%s/c1", sub);
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cr_assert_geq(fd, 0);
        cr_expect_eq(flock(fd, LOCK_SH | LOCK_NB), -1);
        cr_expect_eq(errno, EWOULDBLOCK);
        struct stat st;
        cr_assert_eq(stat(path, &st), 0);
        cr_expect_eq(st.st_mode & 07777, 0711);

        cr_expect_eq(state_dir_remove(d), 0);
        state_dir_free(d);
        cr_expect_eq(flock(fd, LOCK_SH | LOCK_NB), 0);   /* released with the last fd */
        close(fd);
        cr_expect_eq(state_dir_open(sub, "c1", false, &d), -ENOENT);
        cr_expect_eq(access(path, F_OK), -1);
        /* No temporary directories are left either. */
        char cmd[400];
        snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", sub);
        cr_expect_eq(system(cmd), 0);
        remove_root(root);
}

/* What a create killed between mkdtemp and the rename leaves: removed only for the id asked,
 * only in mkdtemp's form, only when nobody holds its lock. */
Test(state, remove_unborn) {
        char *root = make_root();
        static const struct { const char *name; bool locked; bool gone; } cases[] = {
                { ".c1.AbC123", false, true },
                { ".c1.XyZ789", true, false },          /* a create still working on it */
                { ".c10.AbC123", false, false },        /* another id */
                { ".c1.toolong1", false, false },
                { "c1", false, false },                 /* the container itself */
        };
        int fds[ELEMENTSOF(cases)];
        char path[400];
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                snprintf(path, sizeof path, "%s/%s", root, cases[i].name);
                cr_assert_eq(mkdir(path, 0700), 0);
                fds[i] = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                cr_assert_geq(fds[i], 0);
                if (cases[i].locked)
                        cr_assert_eq(flock(fds[i], LOCK_EX), 0);
        }
        state_dir_remove_unborn(root, "c1");
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                snprintf(path, sizeof path, "%s/%s", root, cases[i].name);
                cr_expect_eq(access(path, F_OK) < 0, cases[i].gone, "%s", cases[i].name);
                close(fds[i]);
        }
        remove_root(root);
}

Test(state, write_read_round_trip) {
        char *root = make_root();
        struct state_dir *d = NULL;
        cr_assert_eq(state_dir_create(root, "rt", &d), 0);
        struct container_state s = {
                .id = "rt", .pid = getpid(), .bundle = "/b", .rootfs = "/b/rootfs",
                .created = "2026-01-01T00:00:00.000000000Z", .owner = "root",
        };
        cr_assert_eq(proc_start_time(getpid(), &s.start_time), 0);
        cr_assert_eq(strv_extend(&s.annotations, "k\"ey"), 0);
        cr_assert_eq(strv_extend(&s.annotations, "v\nal"), 0);
        cr_assert_eq(state_write(d, &s), 0);
        strv_free(s.annotations);

        struct container_state *r = NULL;
        cr_assert_eq(state_read(d, &r), 0);
        cr_expect_str_eq(r->id, "rt");
        cr_expect_eq(r->pid, getpid());
        cr_expect_eq(r->start_time, s.start_time);
        cr_expect_str_eq(r->bundle, "/b");
        cr_expect_str_eq(r->rootfs, "/b/rootfs");
        cr_expect_str_eq(r->owner, "root");
        cr_assert_not_null(r->annotations);
        cr_expect_str_eq(r->annotations[0], "k\"ey");
        cr_expect_str_eq(r->annotations[1], "v\nal");

        /* We are alive and there is no fifo: running. With the fifo: created. */
        cr_expect_eq(state_status(d, r), CONTAINER_RUNNING);
        cr_assert_eq(mkfifoat(d->dir_fd, STATE_FIFO, 0600), 0);
        cr_expect_eq(state_status(d, r), CONTAINER_CREATED);
        /* Another start time for the same pid: the pid was reused, the container stopped. */
        r->start_time++;
        cr_expect_eq(state_status(d, r), CONTAINER_STOPPED);

        char *json = NULL;
        cr_assert_eq(state_to_json(r, CONTAINER_STOPPED, true, &json), 0);
        json_t *o = json_loads(json, 0, NULL);
        cr_assert_not_null(o, "%s", json);
        cr_expect_str_eq(json_string_value(json_object_get(o, "status")), "stopped");
        cr_expect_str_eq(json_string_value(json_object_get(o, "ociVersion")), "1.2.0");
        cr_expect_str_eq(json_string_value(json_object_get(json_object_get(o, "annotations"), "k\"ey")), "v\nal");
        cr_expect_null(json_object_get(o, "husk.startTime"), "private fields stay private");
        json_decref(o);
        free(json);

        cr_expect_eq(state_dir_remove(d), 0);
        state_dir_free(d);
        container_state_free(r);
        remove_root(root);
}

Test(state, bad_state_json) {
        char *root = make_root();
        struct state_dir *d = NULL;
        cr_assert_eq(state_dir_create(root, "bad", &d), 0);
        struct container_state *r = NULL;
        cr_expect_eq(state_read(d, &r), -ENOENT);
        int fd = openat(d->dir_fd, STATE_FILE, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, "{\"id\": 3}", 9), 9);
        close(fd);
        cr_expect_eq(state_read(d, &r), -EBADMSG);
        cr_expect_null(r);
        state_dir_remove(d);
        state_dir_free(d);
        remove_root(root);
}

Test(state, proc_start_time) {
        uint64_t a, b;
        cr_assert_eq(proc_start_time(getpid(), &a), 0);
        cr_assert_eq(proc_start_time(getpid(), &b), 0);
        cr_expect_eq(a, b);
        cr_expect(state_pid_alive(getpid(), a));
        cr_expect_not(state_pid_alive(0, a));

        /* A zombie counts as gone; a reaped child as well. */
        pid_t child = fork();
        cr_assert_geq(child, 0);
        if (child == 0)
                _exit(0);
        uint64_t t;
        for (int i = 0; i < 1000 && proc_start_time(child, &t) == 0; i++)
                usleep(1000);
        cr_expect_eq(proc_start_time(child, &t), -ESRCH, "zombie");
        cr_assert_eq(waitpid(child, NULL, 0), child);
        cr_expect_eq(proc_start_time(child, &t), -ESRCH, "reaped");
}
