/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_fd = STDERR_FILENO;
static bool log_fd_owned;
static enum log_format log_fmt = LOG_FORMAT_TEXT;
static enum log_level log_max = LOG_LEVEL_INFO;
static const char *log_prefix;

static const char *const level_names[] = {
        [LOG_LEVEL_ERROR] = "error",
        [LOG_LEVEL_WARNING] = "warning",
        [LOG_LEVEL_INFO] = "info",
        [LOG_LEVEL_DEBUG] = "debug",
};

int log_open(const char *path, enum log_format format) {
        log_fmt = format;
        if (!path)
                return 0;
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        log_close();
        log_fd = fd;
        log_fd_owned = true;
        return 0;
}

void log_close(void) {
        if (log_fd_owned)
                safe_close(log_fd);
        log_fd = STDERR_FILENO;
        log_fd_owned = false;
}

void log_set_max_level(enum log_level level) {
        log_max = level;
}

enum log_level log_get_max_level(void) {
        return log_max;
}

void log_set_prefix(const char *prefix) {
        log_prefix = prefix;
}

int log_parse_format(const char *s, enum log_format *ret) {
        if (strcmp(s, "text") == 0)
                *ret = LOG_FORMAT_TEXT;
        else if (strcmp(s, "json") == 0)
                *ret = LOG_FORMAT_JSON;
        else
                return -EINVAL;
        return 0;
}

void json_escape_append(char *buf, size_t n, size_t *pos, const char *s) {
        for (; *s && *pos + 7 < n; s++) {
                unsigned char c = (unsigned char) *s;
                switch (c) {
                case '"':  buf[(*pos)++] = '\\'; buf[(*pos)++] = '"'; break;
                case '\\': buf[(*pos)++] = '\\'; buf[(*pos)++] = '\\'; break;
                case '\n': buf[(*pos)++] = '\\'; buf[(*pos)++] = 'n'; break;
                case '\r': buf[(*pos)++] = '\\'; buf[(*pos)++] = 'r'; break;
                case '\t': buf[(*pos)++] = '\\'; buf[(*pos)++] = 't'; break;
                default:
                        if (c < 0x20)
                                *pos += (size_t) snprintf(buf + *pos, n - *pos, "\\u%04x", c);
                        else
                                buf[(*pos)++] = (char) c;
                }
        }
        if (n > 0)
                buf[*pos < n ? *pos : n - 1] = '\0';
}

int log_internalv(enum log_level level, int error, const char *fmt, va_list ap) {
        PROTECT_ERRNO;
        if (error < 0)
                error = -error;
        if (level > log_max)
                return -error;

        /* "%m" means strerror(error), not strerror(errno): set errno so vsnprintf expands it. */
        char msg[4096];
        errno = error;
        vsnprintf(msg, sizeof msg, fmt, ap);

        char line[8192];
        size_t pos = 0;
        if (log_fmt == LOG_FORMAT_JSON) {
                struct timespec ts;
                struct tm tm;
                char tbuf[64];
                clock_gettime(CLOCK_REALTIME, &ts);
                gmtime_r(&ts.tv_sec, &tm);
                size_t tl = strftime(tbuf, sizeof tbuf, "%Y-%m-%dT%H:%M:%S", &tm);
                snprintf(tbuf + tl, sizeof tbuf - tl, ".%09ldZ", ts.tv_nsec);
                pos = (size_t) snprintf(line, sizeof line, "{\"level\":\"%s\",\"msg\":\"", level_names[level]);
                json_escape_append(line, sizeof line - 32 - strlen(tbuf), &pos, msg);
                pos += (size_t) snprintf(line + pos, sizeof line - pos, "\",\"time\":\"%s\"}\n", tbuf);
        } else {
                pos = (size_t) snprintf(line, sizeof line, "%s%s%s\n",
                                        log_prefix ? log_prefix : "", log_prefix ? ": " : "", msg);
        }
        if (pos >= sizeof line)
                pos = sizeof line - 1;
        (void) !write(log_fd, line, pos);
        return -error;
}

int log_internal(enum log_level level, int error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = log_internalv(level, error, fmt, ap);
        va_end(ap);
        return r;
}
