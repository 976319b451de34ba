/* SPDX-License-Identifier: GPL-2.0-or-later
 * json-util: typed getters, their "<path>: <problem>" messages, and integers above INT64_MAX. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "json-util.h"
#include "strv.h"

static json_t *load(const char *text) {
        json_t *j = NULL;
        char *err = NULL;
        cr_assert_eq(json_load_text(text, strlen(text), "t.json", &j, &err), 0, "%s", err);
        return j;
}

struct getter_case {
        const char *json;       /* the object holding "k" */
        bool required;
        int ret;
        const char *error;      /* expected message, or NULL */
};

Test(json_util, uint32_table) {
        static const struct getter_case cases[] = {
                { "{\"k\": 7}", true, 1, NULL },
                { "{}", false, 0, NULL },
                { "{\"k\": null}", false, 0, NULL },
                { "{}", true, -EINVAL, "a.b.k: required" },
                { "{\"k\": null}", true, -EINVAL, "a.b.k: required" },
                { "{\"k\": \"7\"}", true, -EINVAL, "a.b.k: must be an integer" },
                { "{\"k\": 7.5}", true, -EINVAL, "a.b.k: must be an integer" },
                { "{\"k\": -1}", true, -EINVAL, "a.b.k: -1 is out of range [0, 4294967295]" },
                { "{\"k\": 4294967296}", true, -EINVAL, "a.b.k: 4294967296 is out of range [0, 4294967295]" },
                { "{\"k\": 18446744073709551615}", true, -EINVAL, "a.b.k: 18446744073709551615 is out of range" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                json_t *j = load(cases[i].json);
                uint32_t v = 42;
                char *err = NULL;
                int r = json_get_uint32(j, "k", "a.b", cases[i].required, &v, &err);
                cr_expect_eq(r, cases[i].ret, "%s: got %d", cases[i].json, r);
                if (cases[i].error)
                        cr_expect(err && strcmp(err, cases[i].error) == 0, "%s: got '%s'", cases[i].json, err);
                else
                        cr_expect_null(err, "%s: unexpected '%s'", cases[i].json, err);
                if (r <= 0)
                        cr_expect_eq(v, 42, "%s: ret_ written on failure or absence", cases[i].json);
                free(err);
                json_decref(j);
        }
}

Test(json_util, uint64_reads_values_above_int64) {
        json_t *j = load("{\"max\": 18446744073709551615, \"big\": 9223372036854775808, \"s\": \"18446744073709551615\","
                         " \"a\": [18446744073709551615]}");
        uint64_t v = 0;
        int64_t i = 0;
        char *err = NULL;
        cr_expect_eq(json_get_uint64(j, "max", "", true, &v, NULL), 1);
        cr_expect_eq(v, UINT64_MAX);
        cr_expect_eq(json_get_uint64(j, "big", "", true, &v, NULL), 1);
        cr_expect_eq(v, UINT64_C(9223372036854775808));
        cr_expect_eq(json_value_uint64(json_array_get(json_object_get(j, "a"), 0), "a[0]", &v, NULL), 0);
        cr_expect_eq(v, UINT64_MAX);
        cr_expect_eq(json_get_int64(j, "max", "", true, &i, &err), -EINVAL);
        cr_expect_str_eq(err, "max: 18446744073709551615 is out of range");
        free(err);
        err = NULL;
        /* a real string is not a number, and a rewritten number is not a string */
        cr_expect_eq(json_get_uint64(j, "s", "", true, &v, &err), -EINVAL);
        cr_expect_str_eq(err, "s: must be an integer");
        free(err);
        err = NULL;
        char *s = NULL;
        cr_expect_eq(json_get_string(j, "max", "", true, &s, &err), -EINVAL);
        cr_expect_str_eq(err, "max: must be a string");
        free(err);
        json_decref(j);
}

Test(json_util, big_integers_inside_strings_are_left_alone) {
        json_t *j = load("{\"s\": \"x 18446744073709551615 \\\" 18446744073709551615\", \"n\": 18446744073709551615}");
        cr_expect_str_eq(json_string_value(json_object_get(j, "s")),
                         "x 18446744073709551615 \" 18446744073709551615");
        json_decref(j);
}

Test(json_util, syntax_errors_name_line_and_column) {
        json_t *j = NULL;
        char *err = NULL;
        static const char text[] = "{\n  \"a\": 1,\n  \"b\": [1, 2,]\n}";
        cr_expect_eq(json_load_text(text, strlen(text), "x/config.json", &j, &err), -EINVAL);
        cr_expect(err && strncmp(err, "x/config.json:3:", 16) == 0, "got '%s'", err);
        free(err);
        err = NULL;
        cr_expect_eq(json_load_text("[1]", 3, "c.json", &j, &err), -EINVAL);
        cr_expect_str_eq(err, "c.json: must contain a JSON object");
        free(err);
        err = NULL;
        cr_expect_eq(json_load_text("{\"n\": 18446744073709551616}", 27, "c.json", &j, &err), -EINVAL);
        cr_expect(err && strstr(err, "too big integer"), "got '%s'", err);
        free(err);
}

Test(json_util, strv_and_types) {
        json_t *j = load("{\"l\": [\"a\", \"b\"], \"bad\": [\"a\", 2], \"o\": {}, \"b\": true, \"i\": -3}");
        char **l = NULL, *err = NULL;
        cr_expect_eq(json_get_strv(j, "l", "p", true, &l, NULL), 1);
        cr_expect_eq(strv_length(l), 2);
        strv_free(l);
        l = NULL;
        cr_expect_eq(json_get_strv(j, "bad", "p", true, &l, &err), -EINVAL);
        cr_expect_str_eq(err, "p.bad[1]: must be a string");
        cr_expect_null(l);
        free(err);
        err = NULL;
        cr_expect_eq(json_get_strv(j, "o", "p", true, &l, &err), -EINVAL);
        cr_expect_str_eq(err, "p.o: must be an array of strings");
        free(err);
        err = NULL;
        json_t *o = NULL;
        cr_expect_eq(json_get_array(j, "o", "p", true, &o, &err), -EINVAL);
        cr_expect_str_eq(err, "p.o: must be an array");
        free(err);
        err = NULL;
        bool b = false;
        cr_expect_eq(json_get_bool(j, "b", "p", true, &b, NULL), 1);
        cr_expect(b);
        cr_expect_eq(json_get_bool(j, "i", "p", true, &b, &err), -EINVAL);
        cr_expect_str_eq(err, "p.i: must be a boolean");
        free(err);
        err = NULL;
        int i = 0;
        cr_expect_eq(json_get_int(j, "i", "p", true, &i, NULL), 1);
        cr_expect_eq(i, -3);
        /* the first error wins */
        err = NULL;
        json_errorf(&err, "first");
        json_errorf(&err, "second");
        cr_expect_str_eq(err, "first");
        free(err);
        json_decref(j);
}

Test(json_util, paths) {
        char buf[64];
        cr_expect_str_eq(json_path_key(buf, sizeof buf, "", "ociVersion"), "ociVersion");
        cr_expect_str_eq(json_path_key(buf, sizeof buf, NULL, "root"), "root");
        cr_expect_str_eq(json_path_key(buf, sizeof buf, "linux", "namespaces"), "linux.namespaces");
        cr_expect_str_eq(json_path_index(buf, sizeof buf, "mounts", 2), "mounts[2]");
}

Test(json_util, dump_text_writes_big_integers_back) {
        const char *text = "{\"max\": 18446744073709551615, \"s\": \"\\u0001u64:\", \"n\": -1, \"o\": {\"k\": 7}}";
        json_t *j = load(text), *again = NULL;
        char *out = NULL, *err = NULL;
        cr_assert_eq(json_dump_text(j, &out), 0);
        cr_expect(strstr(out, "\"max\": 18446744073709551615"), "got '%s'", out);
        cr_expect(strstr(out, "\"s\": \"\\u0001u64:\""), "a mark without digits stays a string: '%s'", out);
        cr_assert_eq(json_load_text(out, strlen(out), "out.json", &again, &err), 0, "%s", err);
        uint64_t v = 0;
        cr_expect_eq(json_get_uint64(again, "max", "", true, &v, NULL), 1);
        cr_expect_eq(v, UINT64_MAX);
        cr_expect(json_equal(j, again), "the round trip changes nothing");
        free(out);
        json_decref(again);
        json_decref(j);
}
