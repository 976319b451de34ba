/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk resume ID: thaw the container's cgroup. */
#include <stdlib.h>
#include <string.h>

#include "cgroup-container.h"
#include "cli.h"

static const char usage[] =
        "Usage: husk resume ID\n\n"
        "Thaw the processes of a container frozen by 'husk pause ID'.\n";

int verb_resume(int argc, char **argv, const struct global_args *g) {
        int ret;
        int first = verb_getopt(argc, argv, NULL, NULL, usage, NULL, NULL, &ret);
        if (first < 0)
                return ret;
        if (argc - first != 1) {
                log_error("resume: expects exactly one container id");
                return EXIT_FAILURE;
        }
        _cleanup_free_ char *err = NULL;
        int r = container_pause(g->root, argv[first], false, &err);
        if (r < 0) {
                log_error_errno(r, "resume container '%s': %s", argv[first], err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
