/* SPDX-License-Identifier: GPL-2.0-or-later
 * Typed access to jansson values that report errors by JSON path.
 *
 * Every getter takes the parent object, the key, and the path of the parent ("linux.resources"),
 * and on a type mismatch or bad value fails with -EINVAL and sets *err to an allocated message
 * "<path>.<key>: <what is wrong>" (first error wins; err may be NULL). An absent optional key
 * leaves *ret untouched and returns 0; a required one fails with "...: required". Returns 1 when
 * the key was present and read. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Set *err to a formatted message (if err and *err is still NULL); returns -EINVAL. */
int json_errorf(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Build a child path: "<path>.<key>" or "<path>[<i>]" into buf; returns buf. */
const char *json_path_key(char *buf, size_t n, const char *path, const char *key);
const char *json_path_index(char *buf, size_t n, const char *path, size_t i);

int json_get_string(json_t *obj, const char *key, const char *path, bool required, char **ret, char **err);
int json_get_bool(json_t *obj, const char *key, const char *path, bool required, bool *ret, char **err);
int json_get_int64(json_t *obj, const char *key, const char *path, bool required, int64_t *ret, char **err);
int json_get_uint64(json_t *obj, const char *key, const char *path, bool required, uint64_t *ret, char **err);
int json_get_uint32(json_t *obj, const char *key, const char *path, bool required, uint32_t *ret, char **err);
int json_get_int(json_t *obj, const char *key, const char *path, bool required, int *ret, char **err);
/* An array of strings into a NULL-terminated strv. */
int json_get_strv(json_t *obj, const char *key, const char *path, bool required, char ***ret, char **err);
/* An object or array member with a type check; *ret borrows the reference. */
int json_get_object(json_t *obj, const char *key, const char *path, bool required, json_t **ret, char **err);
int json_get_array(json_t *obj, const char *key, const char *path, bool required, json_t **ret, char **err);

/* Parse JSON text (a config.json, a seccomp profile) into *ret. A syntax error fails with -EINVAL
 * and "<name>:<line>:<column>: <what jansson says>". Integers above INT64_MAX (runtime-spec uses
 * 18446744073709551615 for "unlimited" in rlimits and resources) are kept so that json_get_uint64
 * reads them; every other getter rejects them as out of range. */
int json_load_text(const char *text, size_t len, const char *name, json_t **ret, char **err);
/* The inverse of json_load_text(): j as indented JSON text (keys in order), with the integers
 * above INT64_MAX that json_load_text() kept written back as plain numbers. */
int json_dump_text(json_t *j, char **ret);
/* The same on one line, without spaces (as Go's json.Encoder writes, runc's events). */
int json_dump_line(json_t *j, char **ret);
/* v as a JSON number; one above INT64_MAX in json_load_text()'s form, so that json_get_uint64()
 * reads it and json_dump_text()/json_dump_line() write it as a plain number (NULL: no memory). */
json_t *json_uint64(uint64_t v);
/* Read a uint64 from a JSON value directly (array members); path names the value itself. */
int json_value_uint64(json_t *v, const char *path, uint64_t *ret, char **err);
