/* SPDX-License-Identifier: GPL-2.0-or-later
 * Container state on disk: one directory per container under --root.
 *
 *   <root>/<id>/            created atomically (mkdtemp + flock + renameat2 NOREPLACE), mode 0711
 *   <root>/<id>/state.json  what `husk state` reports, written atomically (tmp + rename)
 *   <root>/<id>/config.json a copy of the bundle's config (poststop hooks run from it on delete)
 *   <root>/<id>/exec.fifo   exists from create until start: the container init blocks on it
 *
 * Every command opens the directory and takes a flock on it (shared to read, exclusive to change),
 * so concurrent commands on one id serialize; a command that finds state.json gone after taking
 * the lock reports that the container does not exist. The status is computed at read time from
 * the init pid, its start time (guards against pid reuse) and the fifo. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define STATE_FILE "state.json"
#define STATE_CONFIG_FILE "config.json"
#define STATE_FIFO "exec.fifo"

enum container_status {
        CONTAINER_CREATING,
        CONTAINER_CREATED,
        CONTAINER_RUNNING,
        CONTAINER_STOPPED,
        CONTAINER_PAUSED,       /* running, with its cgroup frozen (husk pause) */
};

struct container_state {
        char *id;
        pid_t pid;
        uint64_t start_time;    /* /proc/<pid>/stat field 22, to detect pid reuse */
        char *bundle;           /* absolute */
        char *rootfs;           /* absolute */
        char *created;          /* RFC 3339, UTC */
        char *owner;            /* user name of the creator ("" if unknown) */
        char **annotations;     /* key, value, key, value, ... NULL */
        char *cgroup_path;      /* the container's cgroup ("/husk/<id>"), NULL without one */
};

/* A locked state directory. */
struct state_dir {
        int dir_fd;             /* O_DIRECTORY, holds the flock */
        char *path;             /* <root>/<id> */
};

/* runc's rule: non-empty, [A-Za-z0-9_+.-] only, not "." or "..", at most 1024 bytes. -EINVAL. */
int state_validate_id(const char *id);

/* Make <root> (mode 0700, parents too) and <root>/<id> atomically, locked exclusively.
 * -EEXIST when the id is taken. */
int state_dir_create(const char *root, const char *id, struct state_dir **ret);
/* A create killed inside state_dir_create() leaves its temporary "<root>/.<id>.XXXXXX": remove
 * those nobody holds the lock of (for delete --force when <root>/<id> does not exist). A create
 * of the same id at that very moment, between mkdtemp and flock, then fails. */
void state_dir_remove_unborn(const char *root, const char *id);
/* Open and lock <root>/<id>; -ENOENT if there is no such container (or it was just deleted). */
int state_dir_open(const char *root, const char *id, bool exclusive, struct state_dir **ret);
/* Remove the directory's contents and the directory (keeps it locked until freed). */
int state_dir_remove(struct state_dir *d);
void state_dir_free(struct state_dir *d);
static inline void state_dir_freep(struct state_dir **d) {
        state_dir_free(*d);
}
#define _cleanup_state_dir_ __attribute__((cleanup(state_dir_freep)))

int state_write(const struct state_dir *d, const struct container_state *s);
int state_read(const struct state_dir *d, struct container_state **ret);
void container_state_free(struct container_state *s);
static inline void container_state_freep(struct container_state **s) {
        container_state_free(*s);
}
#define _cleanup_container_state_ __attribute__((cleanup(container_state_freep)))

/* created, running or stopped, as of now. */
enum container_status state_status(const struct state_dir *d, const struct container_state *s);
const char *container_status_to_string(enum container_status st);

/* The runtime-spec state JSON (ociVersion, id, status, pid, bundle, annotations); with full, also
 * runc's extra fields (rootfs, created, owner). Allocated string, one line. */
int state_to_json(const struct container_state *s, enum container_status st, bool full, char **ret);

/* Field 22 (starttime) of /proc/<pid>/stat; -ESRCH if the process is gone or a zombie. */
int proc_start_time(pid_t pid, uint64_t *ret);
/* Is pid still the process that had start_time? */
bool state_pid_alive(pid_t pid, uint64_t start_time);
