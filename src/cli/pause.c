/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk pause ID: freeze the container's cgroup (cgroup.freeze, v1 freezer.state). */
#include <stdlib.h>
#include <string.h>

#include "cgroup-container.h"
#include "cli.h"

static const char usage[] =
        "Usage: husk pause ID\n\n"
        "Freeze every process of a running container (its cgroup's freezer); 'husk resume ID'\n"
        "thaws them.\n";

int verb_pause(int argc, char **argv, const struct global_args *g) {
        int ret;
        int first = verb_getopt(argc, argv, NULL, NULL, usage, NULL, NULL, &ret);
        if (first < 0)
                return ret;
        if (argc - first != 1) {
                log_error("pause: expects exactly one container id");
                return EXIT_FAILURE;
        }
        _cleanup_free_ char *err = NULL;
        int r = container_pause(g->root, argv[first], true, &err);
        if (r < 0) {
                log_error_errno(r, "pause container '%s': %s", argv[first], err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
