/* SPDX-License-Identifier: GPL-2.0-or-later
 * The container state JSON: what state_read() takes from <root>/<id>/state.json (a file any later
 * husk command trusts), what state_to_json() then hands to hooks on stdin and to `husk state`, and
 * seccomp_process_state_build(), which parses a state JSON again for the seccomp listener. The
 * input is written to state.json in a private temporary directory, removed at exit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "fuzz.h"
#include "seccomp.h"
#include "state.h"

static char state_tmp[] = "/tmp/husk-fuzz-state.XXXXXX";
static struct state_dir state_d = { .dir_fd = -EBADF, .path = state_tmp };

static void state_tmp_remove(void) {
        if (state_d.dir_fd >= 0)
                (void) unlinkat(state_d.dir_fd, STATE_FILE, 0);
        (void) rmdir(state_tmp);
}

/* The directory, made on first use. */
static int state_dir_get(void) {
        if (state_d.dir_fd >= 0)
                return 0;
        if (!mkdtemp(state_tmp))
                return -errno;
        state_d.dir_fd = open(state_tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (state_d.dir_fd < 0) {
                (void) rmdir(state_tmp);
                return -errno;
        }
        atexit(state_tmp_remove);
        return 0;
}

static void write_state_file(const uint8_t *data, size_t size) {
        _cleanup_close_ int fd = openat(state_d.dir_fd, STATE_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || loop_write(fd, data, size) < 0)
                abort();        /* the harness itself failed: no point going on */
}

/* What a command does with a state it read: the JSON for hooks and `husk state`, and the
 * seccomp listener's process state built from it. */
static void use_state(const struct container_state *s) {
        (void) state_validate_id(s->id);
        for (enum container_status st = CONTAINER_CREATING; st <= CONTAINER_STOPPED; st++) {
                _cleanup_free_ char *json = NULL;
                if (state_to_json(s, st, st == CONTAINER_RUNNING, &json) < 0)
                        continue;
                _cleanup_free_ char *proc = NULL, *err = NULL;
                (void) seccomp_process_state_build(json, "meta", &proc, &err);
        }
        (void) container_status_to_string(CONTAINER_RUNNING);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (state_dir_get() < 0)
                abort();
        write_state_file(data, size);

        _cleanup_container_state_ struct container_state *s = NULL;
        if (state_read(&state_d, &s) >= 0)
                use_state(s);

        _cleanup_free_ char *text = fuzz_strndup(data, size);
        _cleanup_free_ char *proc = NULL, *err = NULL;
        if (text)
                (void) seccomp_process_state_build(text, NULL, &proc, &err);
        return 0;
}
