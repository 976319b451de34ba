/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk delete [--force] ID: remove a stopped (or created) container; --force kills a running
 * one first. Runs poststop hooks. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container.h"

static const char usage[] =
        "Usage: husk delete [OPTIONS] ID\n\n"
        "Delete a stopped or created container (poststop hooks run).\n\n"
        "Options:\n"
        "  -f, --force  kill a running container with SIGKILL first, and remove what is left of a\n"
        "               container whose creation was interrupted\n"
        "  -h, --help   show this help\n";

static int handle(int c, const char *arg, void *userdata) {
        if (c != 'f')
                return -EINVAL;
        *(bool *) userdata = true;
        return 0;
}

int verb_delete(int argc, char **argv, const struct global_args *g) {
        static const struct option options[] = {
                { "force", no_argument, NULL, 'f' },
                { "help",  no_argument, NULL, 'h' },
                {}
        };
        bool force = false;
        int ret;
        int first = verb_getopt(argc, argv, "f", options, usage, handle, &force, &ret);
        if (first < 0)
                return ret;
        if (argc - first != 1) {
                log_error("delete: expects exactly one container id");
                return EXIT_FAILURE;
        }
        _cleanup_free_ char *err = NULL, *warning = NULL;
        int r = container_delete(g->root, argv[first], force, &warning, &err);
        if (r == -ENOENT && force)
                return EXIT_SUCCESS;    /* runc: --force on a missing container is not an error */
        if (warning)
                log_warning("%s", warning);
        if (r < 0) {
                log_error_errno(r, "delete: %s", err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
