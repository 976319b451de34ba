/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk state ID: print the container's runtime-spec state JSON (as runc does, plus rootfs,
 * created and owner). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container.h"

static const char usage[] =
        "Usage: husk state ID\n\n"
        "Print the state of a container as JSON: ociVersion, id, status (created, running,\n"
        "stopped), pid, bundle, rootfs, created, owner, annotations.\n";

int verb_state(int argc, char **argv, const struct global_args *g) {
        int ret;
        int first = verb_getopt(argc, argv, NULL, NULL, usage, NULL, NULL, &ret);
        if (first < 0)
                return ret;
        if (argc - first != 1) {
                log_error("state: expects exactly one container id");
                return EXIT_FAILURE;
        }
        _cleanup_free_ char *err = NULL, *json = NULL;
        int r = container_state_json(g->root, argv[first], &json, &err);
        if (r < 0) {
                log_error_errno(r, "state: %s", err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        /* Indented, as runc prints it (the object itself is what engines parse). */
        json_t *o = json_loads(json, 0, NULL);
        _cleanup_free_ char *pretty = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        puts(pretty ? pretty : json);
        return EXIT_SUCCESS;
}
