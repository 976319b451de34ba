/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk list [--format table|json] [-q]: the containers under --root. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "state.h"
#include "strv.h"

static const char usage[] =
        "Usage: husk list [OPTIONS]\n\n"
        "List the containers under --root.\n\n"
        "Options:\n"
        "  -f, --format F  table (default) or json\n"
        "  -q, --quiet     print only the ids\n"
        "  -h, --help      show this help\n";

struct list_args {
        bool json;
        bool quiet;
};

static int handle(int c, const char *arg, void *userdata) {
        struct list_args *a = userdata;
        switch (c) {
        case 'q':
                a->quiet = true;
                return 0;
        case 'f':
                if (strcmp(arg, "json") == 0)
                        a->json = true;
                else if (strcmp(arg, "table") == 0)
                        a->json = false;
                else {
                        log_error("list: --format must be 'table' or 'json', got '%s'", arg);
                        return -EINVAL;
                }
                return 0;
        default:
                return -EINVAL;
        }
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Container ids under root, sorted; entries being created (".id.XXXXXX") are skipped. */
static int list_ids(const char *root, char ***ret, size_t *ret_n) {
        _cleanup_closedir_ DIR *d = opendir(root);
        if (!d) {
                *ret = NULL;
                *ret_n = 0;
                return errno == ENOENT ? 0 : -errno;
        }
        char **ids = NULL;
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || state_validate_id(de->d_name) < 0 ||
                    (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
                        continue;
                char **nids = realloc(ids, (n + 2) * sizeof(char *));
                if (!nids || !(nids[n] = strdup(de->d_name))) {
                        ids = nids ? nids : ids;
                        if (ids)
                                ids[n] = NULL;
                        strv_free(ids);
                        return -ENOMEM;
                }
                ids = nids;
                ids[++n] = NULL;
        }
        if (n)
                qsort(ids, n, sizeof(char *), cmp_str);
        *ret = ids;
        *ret_n = n;
        return 0;
}

int verb_list(int argc, char **argv, const struct global_args *g) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                { "quiet",  no_argument,       NULL, 'q' },
                { "help",   no_argument,       NULL, 'h' },
                {}
        };
        struct list_args a = {};
        int ret;
        int first = verb_getopt(argc, argv, "f:q", options, usage, handle, &a, &ret);
        if (first < 0)
                return ret;
        if (first != argc) {
                log_error("list: takes no arguments");
                return EXIT_FAILURE;
        }
        _cleanup_strv_free_ char **ids = NULL;
        size_t n;
        int r = list_ids(g->root, &ids, &n);
        if (r < 0)
                return log_error_errno(r, "list: %s: %m", g->root), EXIT_FAILURE;

        if (!a.quiet && !a.json)
                printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        if (a.json)
                fputs("[", stdout);
        bool any = false;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *json = NULL, *err = NULL;
                /* Gone since we read the directory, or half created: not listed. */
                if (container_state_json(g->root, ids[i], &json, &err) < 0)
                        continue;
                if (a.quiet) {
                        puts(ids[i]);
                } else if (a.json) {
                        printf("%s%s", any ? "," : "", json);
                } else {
                        json_t *o = json_loads(json, 0, NULL);
                        printf("%-12s %-8lld %-10s %-40s %-30s %s\n", ids[i],
                               (long long) json_integer_value(json_object_get(o, "pid")),
                               json_string_value(json_object_get(o, "status")),
                               json_string_value(json_object_get(o, "bundle")),
                               json_string_value(json_object_get(o, "created")),
                               json_string_value(json_object_get(o, "owner")));
                        json_decref(o);
                }
                any = true;
        }
        if (a.json)
                puts("]");
        return EXIT_SUCCESS;
}
