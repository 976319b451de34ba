/* SPDX-License-Identifier: GPL-2.0-or-later
 * What the operator sees: a status line on stderr per change of the worker count, and the
 * whole state as one JSON object (a line on --status-fd, the content of --status-file), so
 * "why are N workers running" has an answer. */
#pragma once

#include <stddef.h>

#include "pool.h"

/* The state as a JSON object (no newline) in buf; phase is "running", "stopping", "draining". */
int status_format_json(const struct pool *s, const char *phase, char *buf, size_t n);

/* Write the state where --status-fd/--status-file ask. Returns 0 or -errno (logged). */
int status_publish(const struct pool *s, const char *phase);

/* The line for a reached change, e.g. "workers 2 -> 4 in 12 ms (memory.max changed): ...". */
void status_log_change(const struct pool *s);
