/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"

static char *log_to_temp(enum log_format fmt, char *path) {
        int fd = mkstemp(path);
        cr_assert_geq(fd, 0);
        close(fd);
        cr_assert_eq(log_open(path, fmt), 0);
        return path;
}

Test(log, json_line_has_level_msg_time) {
        char path[] = "/tmp/husk-test-log-XXXXXX";
        log_to_temp(LOG_FORMAT_JSON, path);
        int r = log_error_errno(-ENOENT, "open '%s': %m", "/x\"y");
        log_close();
        cr_expect_eq(r, -ENOENT);

        char *s;
        cr_assert_eq(read_full_file_at(AT_FDCWD, path, &s, NULL), 0);
        unlink(path);
        static const char want[] =
                "{\"level\":\"error\",\"msg\":\"open '/x\\\"y': No such file or directory\",\"time\":\"";
        cr_expect(strncmp(s, want, strlen(want)) == 0, "got %s", s);
        cr_expect(strstr(s, "Z\"}\n") != NULL, "got %s", s);
        free(s);
}

Test(log, debug_filtered_by_level) {
        char path[] = "/tmp/husk-test-log-XXXXXX";
        log_to_temp(LOG_FORMAT_TEXT, path);
        log_set_max_level(LOG_LEVEL_INFO);
        log_debug("hidden");
        log_info("shown %d", 1);
        log_close();
        char *s;
        cr_assert_eq(read_full_file_at(AT_FDCWD, path, &s, NULL), 0);
        unlink(path);
        cr_expect_str_eq(s, "shown 1\n");
        free(s);
}

Test(log, json_escape_controls) {
        char buf[64];
        size_t pos = 0;
        json_escape_append(buf, sizeof buf, &pos, "a\tb\x01\n");
        cr_expect_str_eq(buf, "a\\tb\\u0001\\n");
}
