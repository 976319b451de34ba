/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk spec [--bundle DIR] [--rootless]: write a starting config.json, as `runc spec` does.
 * The template is oci/config.json, compiled in (embed-text.py); --rootless adapts it the way
 * runc does for an unprivileged user: a user namespace mapping the caller's uid/gid to root, no
 * network namespace, no cgroup device rules, /sys bind-mounted (sysfs needs a netns the user
 * owns), and no gid= option for devpts (gid 5 is not mapped). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "oci-config-template.h"

static const char usage[] =
        "Usage: husk spec [--bundle DIR] [--rootless]\n\n"
        "Write a config.json template for a busybox-style rootfs in ./rootfs: runs \"sh\" on a\n"
        "terminal, with pid, network, ipc, uts, mount and cgroup namespaces, runc's default\n"
        "capabilities and RLIMIT_NOFILE 1024. An existing config.json is never overwritten.\n\n"
        "Options:\n"
        "  -b, --bundle DIR   write DIR/config.json (default: the current directory)\n"
        "      --rootless     for an unprivileged user: a user namespace mapping your uid/gid to\n"
        "                     root, no network namespace, /sys bind-mounted\n";

struct spec_args {
        const char *bundle;
        bool rootless;
};

enum { ARG_ROOTLESS = 0x100 };

static int handle(int c, const char *arg, void *userdata) {
        struct spec_args *a = userdata;
        switch (c) {
        case 'b':
                a->bundle = arg;
                return 0;
        case ARG_ROOTLESS:
                a->rootless = true;
                return 0;
        default:
                return -EINVAL;
        }
}

static json_t *id_mapping(unsigned host_id) {
        return json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t) host_id, "size", 1);
}

/* Remove the string option equal to name (or starting with it when it ends in '='). */
static void remove_option(json_t *options, const char *name) {
        size_t n = strlen(name);
        for (size_t i = json_array_size(options); i-- > 0;) {
                const char *o = json_string_value(json_array_get(options, i));
                if (o && (name[n - 1] == '=' ? strncmp(o, name, n) == 0 : strcmp(o, name) == 0))
                        json_array_remove(options, i);
        }
}

/* What runc's `spec --rootless` changes (libcontainer/specconv ToRootless). */
static int make_rootless(json_t *spec) {
        json_t *linux_ = json_object_get(spec, "linux"), *mounts = json_object_get(spec, "mounts"), *m;
        json_t *nss = json_object_get(linux_, "namespaces");
        size_t i;
        if (!json_is_object(linux_) || !json_is_array(nss) || !json_is_array(mounts))
                return -EINVAL;
        json_object_del(linux_, "resources");
        for (i = json_array_size(nss); i-- > 0;)
                if (strcmp(json_string_value(json_object_get(json_array_get(nss, i), "type")), "network") == 0)
                        json_array_remove(nss, i);
        if (json_array_append_new(nss, json_pack("{s:s}", "type", "user")) < 0 ||
            json_object_set_new(linux_, "uidMappings", id_mapping(getuid())) < 0 ||
            json_object_set_new(linux_, "gidMappings", id_mapping(getgid())) < 0)
                return -ENOMEM;
        json_array_foreach(mounts, i, m) {
                const char *type = json_string_value(json_object_get(m, "type"));
                if (type && strcmp(type, "devpts") == 0)
                        remove_option(json_object_get(m, "options"), "gid=");
                if (type && strcmp(type, "sysfs") == 0) {
                        json_t *opts = json_pack("[s,s,s,s,s]", "rbind", "nosuid", "noexec", "nodev", "ro");
                        if (!opts || json_object_set_new(m, "type", json_string("none")) < 0 ||
                            json_object_set_new(m, "source", json_string("/sys")) < 0 ||
                            json_object_set_new(m, "options", opts) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

/* Create path exclusively and write text; nothing is left behind on failure. */
static int write_new_file(const char *path, const char *text) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
                return -errno;
        int r = loop_write(fd, text, strlen(text));
        if (r < 0) {
                (void) unlink(path);
                return r;
        }
        return 0;
}

int verb_spec(int argc, char **argv, const struct global_args *g) {
        static const struct option options[] = {
                { "bundle",   required_argument, NULL, 'b' },
                { "rootless", no_argument,       NULL, ARG_ROOTLESS },
                { "help",     no_argument,       NULL, 'h' },
                {}
        };
        struct spec_args a = { .bundle = "." };
        int ret;
        int first = verb_getopt(argc, argv, "b:", options, usage, handle, &a, &ret);
        if (first < 0)
                return ret;
        if (first != argc) {
                log_error("spec: unexpected argument '%s' (see husk spec --help)", argv[first]);
                return EXIT_FAILURE;
        }

        json_error_t e;
        json_t *spec = json_loads(oci_config_template, 0, &e);
        if (!spec) {
                log_error("spec: built-in template: %d:%d: %s", e.line, e.column, e.text);
                return EXIT_FAILURE;
        }
        int r = a.rootless ? make_rootless(spec) : 0;
        _cleanup_free_ char *text = r >= 0 ? json_dumps(spec, JSON_INDENT(4)) : NULL;
        json_decref(spec);
        if (r < 0 || !text) {
                log_error_errno(r < 0 ? r : -ENOMEM, "spec: build the configuration: %m");
                return EXIT_FAILURE;
        }
        _cleanup_free_ char *path = NULL, *full = NULL;
        if (asprintf(&path, "%s/config.json", a.bundle) < 0 || asprintf(&full, "%s\n", text) < 0) {
                log_error("spec: out of memory");
                return EXIT_FAILURE;
        }
        r = write_new_file(path, full);
        if (r == -EEXIST) {
                log_error("spec: %s already exists: remove it first (husk spec never overwrites it)", path);
                return EXIT_FAILURE;
        }
        if (r < 0) {
                log_error_errno(r, "spec: write '%s': %m", path);
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
