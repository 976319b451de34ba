/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>

#include "parse.h"

struct u64_case {
        const char *in;
        int ret;
        uint64_t val;
};

Test(parse, safe_atou64_table) {
        static const struct u64_case cases[] = {
                { "0", 0, 0 },
                { "42\n", 0, 42 },
                { " 7 ", 0, 7 },
                { "18446744073709551615", 0, UINT64_MAX },
                { "18446744073709551616", -ERANGE, 0 },
                { "", -EINVAL, 0 },
                { "max", -EINVAL, 0 },
                { "123max", -EINVAL, 0 },
                { "-1", -EINVAL, 0 },
                { "1 2", -EINVAL, 0 },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                uint64_t v = 0xdead;
                int r = safe_atou64(cases[i].in, &v);
                cr_expect_eq(r, cases[i].ret, "'%s': got %d want %d", cases[i].in, r, cases[i].ret);
                if (r == 0)
                        cr_expect_eq(v, cases[i].val, "'%s': value", cases[i].in);
                else
                        cr_expect_eq(v, 0xdead, "'%s': ret_ written on failure", cases[i].in);
        }
}

Test(parse, safe_atoi_range) {
        int v;
        cr_expect_eq(safe_atoi("-5", &v), 0);
        cr_expect_eq(v, -5);
        cr_expect_eq(safe_atoi("2147483648", &v), -ERANGE);
        cr_expect_eq(safe_atoi("+", &v), -EINVAL);
}

Test(parse, sizes) {
        static const struct u64_case cases[] = {
                { "512", 0, 512 },
                { "64k", 0, 64ull << 10 },
                { "256M", 0, 256ull << 20 },
                { "1GiB", 0, 1ull << 30 },
                { "2 T", -EINVAL, 0 },
                { "2T", 0, 2ull << 40 },
                { "1x", -EINVAL, 0 },
                { "M", -EINVAL, 0 },
                { "99999999999999T", -ERANGE, 0 },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                uint64_t v = 0;
                int r = parse_size(cases[i].in, &v);
                cr_expect_eq(r, cases[i].ret, "'%s': got %d want %d", cases[i].in, r, cases[i].ret);
                if (r == 0)
                        cr_expect_eq(v, cases[i].val, "'%s'", cases[i].in);
        }
}

Test(parse, boolean) {
        bool b;
        cr_expect_eq(parse_boolean("Yes", &b), 0);
        cr_expect(b);
        cr_expect_eq(parse_boolean("off", &b), 0);
        cr_expect_not(b);
        cr_expect_eq(parse_boolean("maybe", &b), -EINVAL);
}
