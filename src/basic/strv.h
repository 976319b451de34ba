/* SPDX-License-Identifier: LGPL-2.1-or-later
 * NULL-terminated string arrays (argv, envp). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"

size_t strv_length(char *const *l);
/* Append a copy of s; -ENOMEM on failure (the array is unchanged). */
int strv_extend(char ***l, const char *s);
/* Find "NAME=" in an environment array; returns the value or NULL. */
const char *strv_env_get(char *const *env, const char *name);
/* Set NAME=value, replacing an existing entry. */
int strv_env_set(char ***env, const char *name, const char *value);
bool startswith(const char *s, const char *prefix);
