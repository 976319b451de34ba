/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk update (see container-update.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-container.h"
#include "cleanup.h"
#include "container-internal.h"
#include "container-update.h"
#include "fileio.h"
#include "json-util.h"
#include "state.h"

static void oci_resources_freep(struct oci_resources **r) {
        oci_resources_free(*r);
}

/* The config create saved in the state directory (the bundle's for containers made before
 * create saved one); *ret_name says which file, for messages. */
static int load_config(const struct state_dir *d, const struct container_state *s, json_t **ret, char **ret_name,
                       char **ret_error) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        size_t size = 0;
        bool saved = faccessat(d->dir_fd, STATE_CONFIG_FILE, F_OK, 0) == 0;
        if (asprintf(&path, "%s/%s", saved ? d->path : s->bundle, STATE_CONFIG_FILE) < 0)
                return -ENOMEM;
        int r = read_full_file_at(AT_FDCWD, path, &text, &size);
        if (r < 0)
                return json_errorf(ret_error, "%s: %s", path, strerror(-r)), r;
        r = json_load_text(text, size, path, ret, ret_error);
        if (r < 0)
                return r;
        *ret_name = TAKE_PTR(path);
        return 0;
}

/* config.linux.resources, made (empty) where missing; borrowed. */
static int config_resources(json_t *config, const char *name, json_t **ret, char **ret_error) {
        const char *keys[] = { "linux", "resources" };
        json_t *o = config;
        for (size_t i = 0; i < 2; i++) {
                json_t *next = json_object_get(o, keys[i]);
                if (!next) {
                        next = json_object();
                        if (!next || json_object_set_new(o, keys[i], next) < 0)
                                return -ENOMEM;
                }
                if (!json_is_object(next))
                        return json_errorf(ret_error, "%s: %s%s: must be an object", name, i ? "linux." : "",
                                           keys[i]);
                o = next;
        }
        *ret = o;
        return 0;
}

/* Replace the saved config atomically (a temporary file renamed over it). */
static int save_config(const struct state_dir *d, json_t *config) {
        _cleanup_free_ char *text = NULL;
        int r = json_dump_text(config, &text);
        if (r < 0)
                return r;
        return write_file_atomic_at(d->dir_fd, STATE_CONFIG_FILE, text, strlen(text), 0600, true);
}

int container_update(const char *root, const char *id, json_t *resources, char **ret_error) {
        _cleanup_state_dir_ struct state_dir *d = NULL;
        _cleanup_container_state_ struct container_state *s = NULL;
        _cleanup_cgroup_ struct cgroup *cg = NULL;
        _cleanup_(json_decrefp) json_t *config = NULL, *update = NULL;
        _cleanup_(oci_resources_freep) struct oci_resources *res = NULL;
        _cleanup_free_ char *name = NULL;
        json_t *current = NULL;
        if (!json_is_object(resources))
                return json_errorf(ret_error, "linux.resources: must be an object");
        /* The request alone first, so its errors name its own fields. */
        int r = oci_resources_parse(resources, "linux.resources", &res, ret_error);
        if (r < 0)
                return r;
        oci_resources_free(TAKE_PTR(res));
        r = open_container(root, id, true, &d, &s, ret_error);
        if (r < 0)
                return r;
        if (state_status(d, s) == CONTAINER_STOPPED)
                return json_errorf(ret_error, "cannot update container '%s': it has stopped", id);
        r = container_cgroup_open(id, s->cgroup_path, &cg, ret_error);
        if (r < 0)
                return r;
        if ((r = load_config(d, s, &config, &name, ret_error)) < 0 ||
            (r = config_resources(config, name, &current, ret_error)) < 0)
                return r;
        /* Devices stay as create set them: the rules there include husk's defaults and
         * linux.devices, which a resources object alone does not carry. */
        update = json_deep_copy(resources);
        if (!update)
                return -ENOMEM;
        (void) json_object_del(update, "devices");
        if (json_object_update_recursive(current, update) < 0)
                return -ENOMEM;
        r = oci_resources_parse(current, "linux.resources", &res, ret_error);
        if (r < 0)
                return r;
        res->n_devices = 0;
        r = cgroup_apply(cg, res, ret_error);
        if (r < 0)
                return r;
        r = save_config(d, config);
        if (r < 0)
                return json_errorf(ret_error, "%s/%s: %s", d->path, STATE_CONFIG_FILE, strerror(-r)), r;
        return 0;
}
