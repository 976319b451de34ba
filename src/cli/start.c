/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk start ID: let a created container exec its process. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container.h"

static const char usage[] =
        "Usage: husk start ID\n\n"
        "Start the process of a created container (runs startContainer and poststart hooks).\n";

int verb_start(int argc, char **argv, const struct global_args *g) {
        int ret;
        int first = verb_getopt(argc, argv, NULL, NULL, usage, NULL, NULL, &ret);
        if (first < 0)
                return ret;
        if (argc - first != 1) {
                log_error("start: expects exactly one container id");
                return EXIT_FAILURE;
        }
        _cleanup_free_ char *err = NULL, *warning = NULL;
        int r = container_start(g->root, argv[first], &warning, &err);
        if (warning)
                log_warning("%s", warning);
        if (r < 0) {
                log_error_errno(r, "start container '%s': %s", argv[first], err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
