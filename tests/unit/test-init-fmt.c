/* SPDX-License-Identifier: GPL-2.0-or-later
 * fmt_vsnprintf (the musl husk-init's printf) writes what glibc's snprintf writes, for every
 * conversion the tree uses, and truncates as snprintf does. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "init/fmt.h"

/* Both printfs over the same arguments, into buffers of size n; same return, same bytes. */
#define SAME(n, ...) do {                                                               \
                char want[256], got[256];                                               \
                memset(want, 'x', sizeof want);                                         \
                memset(got, 'x', sizeof got);                                           \
                volatile size_t sz = (n); /* not a constant: no -Wformat-truncation */ \
                int rw = snprintf(want, sz, __VA_ARGS__);                               \
                int rg = fmt_snprintf(got, sz, __VA_ARGS__);                            \
                cr_expect_eq(rg, rw, "%s: returned %d, snprintf %d", #__VA_ARGS__, rg, rw); \
                cr_expect(memcmp(got, want, sizeof got) == 0, "%s: '%.*s' != '%.*s'",     \
                          #__VA_ARGS__, (int) (n), got, (int) (n), want);                  \
        } while (0)

Test(init_fmt, integers) {
        SAME(256, "%d %i %u", 0, -42, 42u);
        SAME(256, "%d %d", INT_MIN, INT_MAX);
        SAME(256, "%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
        SAME(256, "%zu %zd %jd %ju %td", (size_t) 7, (ssize_t) -7, INTMAX_MIN, UINTMAX_MAX, (ptrdiff_t) -3);
        SAME(256, "%hd %hu %hhd %hhu", (short) -1234, (unsigned short) 65000, (signed char) -100, (unsigned char) 200);
        SAME(256, "%x %X %llx %#x %#X %#x %o %#o %#o", 0xbeefu, 0xbeefu, 0x1234567890abcdefULL, 255u, 255u, 0u, 8u, 8u, 0u);
        SAME(256, "[%5d] [%-5d] [%05d] [%+d] [% d] [%+05d] [%-+5d]", 42, 42, -42, 42, 42, 42, 42);
        SAME(256, "[%.3d] [%8.3d] [%-8.3d] [%.0d] [%.0u] [%#.0o]", 7, -7, 7, 0, 0u, 0u);
        SAME(256, "[%04x] [%09ld] [%0*llu] [%*d] [%-*d]", 0x1fu, 123456789L, 3, 5ULL, -6, 1, 4, 2);
        SAME(256, "[%#010x] [%#-10x]", 0xabu, 0xabu);
}

Test(init_fmt, strings_and_chars) {
        SAME(256, "%s|%10s|%-10s|%.2s|%.*s|%*s", "abc", "abc", "abc", "abc", 1, "abc", 5, "ab");
        SAME(256, "%c%c[%3c][%-3c]", 'a', 'b', 'c', 'd');
        SAME(256, "100%% %s", "done");
        SAME(256, "%s", "");
        SAME(256, "no conversions at all");
}

Test(init_fmt, errno_message) {
        errno = ENOENT;
        SAME(256, "open: %m (%d)", 3);
        cr_expect_eq(errno, ENOENT, "errno kept");
        errno = EACCES;
        SAME(256, "[%-30m]");
}

Test(init_fmt, truncation) {
        SAME(1, "%s", "abcdef");
        SAME(4, "%s-%d", "abcdef", 12345);
        SAME(6, "%05d|", 42);
        SAME(3, "%c%c%c%c", 'a', 'b', 'c', 'd');
        cr_expect_eq(fmt_snprintf(NULL, 0, "%s=%u", "workers", 12u), 10);
}
