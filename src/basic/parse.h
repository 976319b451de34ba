/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Strict number parsing: the whole string must be a number (surrounding whitespace and a
 * trailing newline, as the kernel writes them, are allowed). -EINVAL on junk, -ERANGE on overflow. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

int safe_atou64(const char *s, uint64_t *ret);
int safe_atoi64(const char *s, int64_t *ret);
int safe_atou(const char *s, unsigned *ret);
int safe_atoi(const char *s, int *ret);

/* Sizes with an optional binary suffix: "512", "64K", "256M", "1G", "2T" (also "KiB", "MB"...,
 * all powers of 1024, as docker/podman/runc read them). */
int parse_size(const char *s, uint64_t *ret);

/* "true"/"yes"/"1"/"on" and the opposites. */
int parse_boolean(const char *s, bool *ret);
