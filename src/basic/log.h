/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Logging for the binaries (husk, husk-init). Library code never logs: it returns -errno
 * and the caller logs once, with the path or id it knows.
 *
 * Targets: stderr (default), or a file given by --log, in "text" or "json" format. The json
 * format writes one object per line, {"level":"error","msg":"...","time":"..."}, which is what
 * containerd's shim and podman's conmon read back to show the user why a command failed. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>

#include "cleanup.h"

enum log_level {
        LOG_LEVEL_ERROR,
        LOG_LEVEL_WARNING,
        LOG_LEVEL_INFO,
        LOG_LEVEL_DEBUG,
};

enum log_format {
        LOG_FORMAT_TEXT,
        LOG_FORMAT_JSON,
};

/* Where to log; path NULL means stderr. Returns 0 or -errno (the file could not be opened). */
int log_open(const char *path, enum log_format format);
void log_close(void);
void log_set_max_level(enum log_level level);
enum log_level log_get_max_level(void);
void log_set_prefix(const char *prefix);
int log_parse_format(const char *s, enum log_format *ret);

/* Log a message; "%m" expands to strerror(error). Returns -abs(error), so callers can
 * `return log_error_errno(r, "open '%s': %m", p);`. error may be 0. */
int log_internal(enum log_level level, int error, const char *fmt, ...) _printf_(3, 4);
int log_internalv(enum log_level level, int error, const char *fmt, va_list ap) _printf_(3, 0);

#define log_error_errno(e, ...) log_internal(LOG_LEVEL_ERROR, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_internal(LOG_LEVEL_WARNING, (e), __VA_ARGS__)
#define log_debug_errno(e, ...) log_internal(LOG_LEVEL_DEBUG, (e), __VA_ARGS__)
#define log_error(...) (void) log_internal(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warning(...) (void) log_internal(LOG_LEVEL_WARNING, 0, __VA_ARGS__)
#define log_info(...) (void) log_internal(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...) (void) log_internal(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)

/* Append s to buf (size n, at offset *pos) as JSON string contents (no quotes), escaping
 * what RFC 8259 requires. Truncates safely; buf stays NUL-terminated. */
void json_escape_append(char *buf, size_t n, size_t *pos, const char *s);
