/* SPDX-License-Identifier: GPL-2.0-or-later
 * Internal split of the config.json parser (spec.c): the process and linux sections live in
 * their own files. Same conventions as json-util.h: -EINVAL with *err "<path>: ...". */
#pragma once

#include <jansson.h>

#include "spec.h"

/* Parse one array of objects: calls parse(element, "<path>[i]", slot i) for each element. The
 * array (zeroed, elem_size each) is stored in *ret and its length in *ret_n before parsing, so the
 * caller's free function also releases a partly parsed array. */
int spec_parse_object_array(json_t *obj, const char *key, const char *path, size_t elem_size,
                            int (*parse)(json_t *e, const char *path, void *slot, char **err),
                            void **ret, size_t *ret_n, char **err);
/* An array of {containerID, hostID, size} objects. */
int spec_parse_id_mappings(json_t *obj, const char *key, const char *path,
                           struct oci_id_mapping **ret, size_t *ret_n, char **err);
bool spec_path_is_absolute(const char *p);

int spec_parse_process(json_t *j, const char *path, struct oci_process **ret, char **err);
void spec_process_free(struct oci_process *p);

int spec_parse_linux(json_t *j, const char *path, struct oci_linux *l, char **err);
void spec_linux_done(struct oci_linux *l);
