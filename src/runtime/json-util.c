/* SPDX-License-Identifier: GPL-2.0-or-later
 * Typed access to jansson values with errors that name the JSON path (see json-util.h).
 * Every message has the form "<path>: <what is wrong>", so all config.json errors read alike. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json-util.h"
#include "parse.h"
#include "strv.h"

/* Integers above INT64_MAX do not fit jansson's json_int_t; json_load_text() rewrites them into
 * strings with this prefix, which only the uint64 getters accept. */
#define U64_MARK "\001u64:"

int json_errorf(char **err, const char *fmt, ...) {
        if (err && !*err) {
                va_list ap;
                va_start(ap, fmt);
                if (vasprintf(err, fmt, ap) < 0)
                        *err = NULL;
                va_end(ap);
        }
        return -EINVAL;
}

const char *json_path_key(char *buf, size_t n, const char *path, const char *key) {
        if (!path || !*path)
                snprintf(buf, n, "%s", key);
        else
                snprintf(buf, n, "%s.%s", path, key);
        return buf;
}

const char *json_path_index(char *buf, size_t n, const char *path, size_t i) {
        snprintf(buf, n, "%s[%zu]", path ? path : "", i);
        return buf;
}

static bool is_u64_mark(json_t *v) {
        return json_is_string(v) && startswith(json_string_value(v), U64_MARK);
}

/* Look up key in obj; JSON null counts as absent (as Go's encoding/json, which runc uses, treats
 * it). Returns 1 with *ret set when present, 0 when absent (-EINVAL if required). */
static int lookup(json_t *obj, const char *key, const char *path, bool required, json_t **ret,
                  char *keypath, size_t n, char **err) {
        json_path_key(keypath, n, path, key);
        if (!json_is_object(obj))
                return json_errorf(err, "%s: must be an object", path && *path ? path : "(root)");
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v)) {
                if (required)
                        return json_errorf(err, "%s: required", keypath);
                return 0;
        }
        *ret = v;
        return 1;
}

int json_get_string(json_t *obj, const char *key, const char *path, bool required, char **ret, char **err) {
        char p[512];
        json_t *v = NULL;
        int r = lookup(obj, key, path, required, &v, p, sizeof p, err);
        if (r <= 0)
                return r;
        if (!json_is_string(v) || is_u64_mark(v))
                return json_errorf(err, "%s: must be a string", p);
        char *s = strdup(json_string_value(v));
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 1;
}

int json_get_bool(json_t *obj, const char *key, const char *path, bool required, bool *ret, char **err) {
        char p[512];
        json_t *v = NULL;
        int r = lookup(obj, key, path, required, &v, p, sizeof p, err);
        if (r <= 0)
                return r;
        if (!json_is_boolean(v))
                return json_errorf(err, "%s: must be a boolean", p);
        *ret = json_is_true(v);
        return 1;
}

/* A JSON integer as int64; the marked big values are out of range here. */
static int value_int64(json_t *v, const char *path, int64_t *ret, char **err) {
        if (is_u64_mark(v))
                return json_errorf(err, "%s: %s is out of range", path, json_string_value(v) + strlen(U64_MARK));
        if (!json_is_integer(v))
                return json_errorf(err, "%s: must be an integer", path);
        *ret = (int64_t) json_integer_value(v);
        return 0;
}

int json_value_uint64(json_t *v, const char *path, uint64_t *ret, char **err) {
        if (is_u64_mark(v)) {
                uint64_t u;
                if (safe_atou64(json_string_value(v) + strlen(U64_MARK), &u) < 0)
                        return json_errorf(err, "%s: out of range", path);
                *ret = u;
                return 0;
        }
        if (!json_is_integer(v))
                return json_errorf(err, "%s: must be an integer", path);
        json_int_t i = json_integer_value(v);
        if (i < 0)
                return json_errorf(err, "%s: must not be negative, got %" JSON_INTEGER_FORMAT, path, i);
        *ret = (uint64_t) i;
        return 0;
}

/* Shared body of the signed getters: read an int64 and check it against [min, max]. */
static int get_ranged(json_t *obj, const char *key, const char *path, bool required,
                      int64_t min, int64_t max, int64_t *ret, char **err) {
        char p[512];
        json_t *v = NULL;
        int64_t i = 0;
        int r = lookup(obj, key, path, required, &v, p, sizeof p, err);
        if (r <= 0)
                return r;
        r = value_int64(v, p, &i, err);
        if (r < 0)
                return r;
        if (i < min || i > max)
                return json_errorf(err, "%s: %" PRIi64 " is out of range [%" PRIi64 ", %" PRIi64 "]",
                                   p, i, min, max);
        *ret = i;
        return 1;
}

int json_get_int64(json_t *obj, const char *key, const char *path, bool required, int64_t *ret, char **err) {
        return get_ranged(obj, key, path, required, INT64_MIN, INT64_MAX, ret, err);
}

int json_get_int(json_t *obj, const char *key, const char *path, bool required, int *ret, char **err) {
        int64_t i = 0;
        int r = get_ranged(obj, key, path, required, INT_MIN, INT_MAX, &i, err);
        if (r > 0)
                *ret = (int) i;
        return r;
}

int json_get_uint32(json_t *obj, const char *key, const char *path, bool required, uint32_t *ret, char **err) {
        int64_t i = 0;
        int r = get_ranged(obj, key, path, required, 0, UINT32_MAX, &i, err);
        if (r > 0)
                *ret = (uint32_t) i;
        return r;
}

int json_get_uint64(json_t *obj, const char *key, const char *path, bool required, uint64_t *ret, char **err) {
        char p[512];
        json_t *v = NULL;
        uint64_t u = 0;
        int r = lookup(obj, key, path, required, &v, p, sizeof p, err);
        if (r <= 0)
                return r;
        r = json_value_uint64(v, p, &u, err);
        if (r < 0)
                return r;
        *ret = u;
        return 1;
}

int json_get_strv(json_t *obj, const char *key, const char *path, bool required, char ***ret, char **err) {
        char p[512], ip[560];
        json_t *v = NULL;
        int r = lookup(obj, key, path, required, &v, p, sizeof p, err);
        if (r <= 0)
                return r;
        if (!json_is_array(v))
                return json_errorf(err, "%s: must be an array of strings", p);
        size_t n = json_array_size(v);
        _cleanup_strv_free_ char **l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_t *e = json_array_get(v, i);
                if (!json_is_string(e) || is_u64_mark(e))
                        return json_errorf(err, "%s: must be a string", json_path_index(ip, sizeof ip, p, i));
                l[i] = strdup(json_string_value(e));
                if (!l[i])
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 1;
}

int json_get_object(json_t *obj, const char *key, const char *path, bool required, json_t **ret, char **err) {
        char p[512];
        json_t *v = NULL;
        int r = lookup(obj, key, path, required, &v, p, sizeof p, err);
        if (r <= 0)
                return r;
        if (!json_is_object(v))
                return json_errorf(err, "%s: must be an object", p);
        *ret = v;
        return 1;
}

int json_get_array(json_t *obj, const char *key, const char *path, bool required, json_t **ret, char **err) {
        char p[512];
        json_t *v = NULL;
        int r = lookup(obj, key, path, required, &v, p, sizeof p, err);
        if (r <= 0)
                return r;
        if (!json_is_array(v))
                return json_errorf(err, "%s: must be an array", p);
        *ret = v;
        return 1;
}

/* Copy text, turning every non-negative integer literal outside strings that exceeds INT64_MAX
 * into the string U64_MARK "<digits>". Numbers above UINT64_MAX are left for jansson to reject.
 * Line numbers are kept, so later syntax errors still point at the right line. */
static char *rewrite_big_integers(const char *text, size_t len) {
        size_t cap = len * 2 + 16, o = 0;
        char *out = malloc(cap);
        if (!out)
                return NULL;
        bool in_string = false;
        for (size_t i = 0; i < len;) {
                char c = text[i];
                if (in_string) {
                        out[o++] = c;
                        if (c == '\\' && i + 1 < len)
                                out[o++] = text[++i];
                        else if (c == '"')
                                in_string = false;
                        i++;
                        continue;
                }
                if (c == '"') {
                        in_string = true;
                        out[o++] = text[i++];
                        continue;
                }
                if (!(c == '-' || (c >= '0' && c <= '9'))) {
                        out[o++] = text[i++];
                        continue;
                }
                size_t start = i;
                while (i < len && strchr("-+.eE0123456789", text[i]))
                        i++;
                size_t tlen = i - start;
                char tok[32];
                uint64_t u;
                bool big = false;
                if (tlen < sizeof tok && text[start] != '-') {
                        memcpy(tok, text + start, tlen);
                        tok[tlen] = '\0';
                        big = tok[strspn(tok, "0123456789")] == '\0' && safe_atou64(tok, &u) == 0 &&
                              u > (uint64_t) INT64_MAX;
                }
                if (o + tlen + 16 > cap) {
                        cap = (o + tlen + 16) * 2;
                        char *n = realloc(out, cap);
                        if (!n) {
                                free(out);
                                return NULL;
                        }
                        out = n;
                }
                if (big) {
                        o += (size_t) sprintf(out + o, "\"\\u0001u64:%s\"", tok);
                } else {
                        memcpy(out + o, text + start, tlen);
                        o += tlen;
                }
        }
        out[o] = '\0';
        return out;
}

int json_load_text(const char *text, size_t len, const char *name, json_t **ret, char **err) {
        json_error_t e;
        json_t *j = json_loadb(text, len, 0, &e);
        if (!j && json_error_code(&e) == json_error_numeric_overflow) {
                _cleanup_free_ char *t = rewrite_big_integers(text, len);
                if (!t)
                        return -ENOMEM;
                j = json_loadb(t, strlen(t), 0, &e);
        }
        if (!j)
                return json_errorf(err, "%s:%d:%d: %s", name, e.line, e.column, e.text);
        if (!json_is_object(j)) {
                json_decref(j);
                return json_errorf(err, "%s: must contain a JSON object", name);
        }
        *ret = j;
        return 0;
}

/* json_dumps() with flags, then json_load_text()'s big-integer rewrite undone. */
static int dump_plain_u64(json_t *j, size_t flags, char **ret) {
        static const char mark[] = "\"\\u0001u64:";     /* how json_dumps writes U64_MARK */
        _cleanup_free_ char *text = json_dumps(j, flags | JSON_PRESERVE_ORDER);
        if (!text)
                return -ENOMEM;
        /* Undo json_load_text()'s rewrite: "\u0001u64:<digits>" back to the bare number. */
        char *o = text;
        for (const char *i = text; *i;) {
                size_t k = strlen(mark);
                if (strncmp(i, mark, k) == 0 && strspn(i + k, "0123456789") > 0 &&
                    i[k + strspn(i + k, "0123456789")] == '"') {
                        size_t d = strspn(i + k, "0123456789");
                        memmove(o, i + k, d);
                        o += d;
                        i += k + d + 1;
                } else
                        *o++ = *i++;
        }
        *o = '\0';
        *ret = TAKE_PTR(text);
        return 0;
}

int json_dump_text(json_t *j, char **ret) {
        return dump_plain_u64(j, JSON_INDENT(2), ret);
}

int json_dump_line(json_t *j, char **ret) {
        return dump_plain_u64(j, JSON_COMPACT, ret);
}

json_t *json_uint64(uint64_t v) {
        if (v <= INT64_MAX)
                return json_integer((json_int_t) v);
        return json_sprintf(U64_MARK "%" PRIu64, v);
}
