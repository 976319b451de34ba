/* SPDX-License-Identifier: LGPL-2.1-or-later
 * The content of cgroup limit files: "max", numbers, the v1 sentinels, cpu.max pairs, cpu
 * lists, keyed files. Strict: anything the kernel would not write is -EINVAL, never a guess. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "limits-internal.h"
#include "parse.h"

/* v1 memory "unlimited" is PAGE_COUNTER_MAX pages in bytes: LONG_MAX rounded down to the page
 * size (9223372036854771712 with 4 KiB pages; lower with 16/64 KiB pages). Anything from
 * 2^63 - 1 MiB up covers every page size up to 1 MiB (mm/page_counter.c, memcontrol-v1.c). */
#define CG_V1_UNLIMITED_FLOOR ((UINT64_C(1) << 63) - (UINT64_C(1) << 20))

bool cg_v1_is_unlimited(uint64_t v) {
        return v >= CG_V1_UNLIMITED_FLOOR;
}

static bool is_max(const char *s) {
        while (isspace((unsigned char) *s))
                s++;
        if (strncmp(s, "max", 3) != 0)
                return false;
        for (s += 3; *s; s++)
                if (!isspace((unsigned char) *s))
                        return false;
        return true;
}

int cg_parse_value(const char *s, enum cg_value_kind kind, uint64_t *ret) {
        uint64_t v;
        int64_t sv;
        int r;

        switch (kind) {
        case CG_VALUE_MAX_OR_U64:
                if (is_max(s)) {
                        *ret = HUSK_UNLIMITED;
                        return 0;
                }
                r = safe_atou64(s, &v);
                if (r < 0)
                        return -EINVAL;
                *ret = v;
                return 0;
        case CG_VALUE_V1_BYTES:
                r = safe_atoi64(s, &sv);
                if (r == -ERANGE && safe_atou64(s, &v) == 0) {
                        *ret = HUSK_UNLIMITED;
                        return 0;
                }
                if (r < 0 || sv < -1)
                        return -EINVAL;
                *ret = (sv == -1 || (uint64_t) sv >= CG_V1_UNLIMITED_FLOOR) ? HUSK_UNLIMITED : (uint64_t) sv;
                return 0;
        case CG_VALUE_V1_QUOTA:
                r = safe_atoi64(s, &sv);
                if (r < 0 || sv == 0 || sv < -1)
                        return -EINVAL;
                *ret = sv == -1 ? HUSK_UNLIMITED : (uint64_t) sv;
                return 0;
        case CG_VALUE_PERIOD:
                r = safe_atou64(s, &v);
                if (r < 0 || v == 0)
                        return -EINVAL;
                *ret = v;
                return 0;
        }
        return -EINVAL;
}

/* Copy the next whitespace-separated word of *s into buf (size n); advance *s past it.
 * Split by hand rather than with sscanf, which would pull scanf and float parsing into the
 * static husk-init. */
static int next_word(const char **s, char *buf, size_t n) {
        const char *p = *s;
        while (isspace((unsigned char) *p))
                p++;
        size_t len = 0;
        while (p[len] && !isspace((unsigned char) p[len]))
                len++;
        if (len == 0 || len >= n)
                return -EINVAL;
        memcpy(buf, p, len);
        buf[len] = '\0';
        *s = p + len;
        return 0;
}

int cg_parse_cpu_max(const char *s, uint64_t *ret_quota, uint64_t *ret_period) {
        char quota[32], period[32];
        if (next_word(&s, quota, sizeof quota) < 0 || next_word(&s, period, sizeof period) < 0)
                return -EINVAL;
        while (isspace((unsigned char) *s))
                s++;
        if (*s)
                return -EINVAL;         /* a third word */
        uint64_t q, p;
        if (cg_parse_value(quota, CG_VALUE_MAX_OR_U64, &q) < 0 ||
            cg_parse_value(period, CG_VALUE_PERIOD, &p) < 0 || q == 0)
                return -EINVAL;
        *ret_quota = q;
        *ret_period = p;
        return 0;
}

/* Parse "a" or "a-b" at *s; advance it. */
static int parse_cpu_range(const char **s, unsigned long *ret_a, unsigned long *ret_b, unsigned long max) {
        char *end;
        if (!isdigit((unsigned char) **s))
                return -EINVAL;
        errno = 0;
        unsigned long a = strtoul(*s, &end, 10), b = a;
        if (errno || a >= max)
                return -EINVAL;
        if (*end == '-') {
                if (!isdigit((unsigned char) end[1]))
                        return -EINVAL;
                b = strtoul(end + 1, &end, 10);
                if (errno || b >= max || b < a)
                        return -EINVAL;
        }
        *s = end;
        *ret_a = a;
        *ret_b = b;
        return 0;
}

/* The kernel prints bitmap_print_to_pagebuf() lists: sorted, "a-b" ranges, commas. Those are
 * counted range by range; overlapping or unsorted lists (not the kernel's, but not wrong)
 * fall back to a bitmap so each CPU counts once. CPU ids up to 65535. */
int cg_parse_cpu_list(const char *s, unsigned *ret) {
        enum { MAX_CPUS = 65536 };
        const char *start;
        unsigned long a, b, next = 0;
        unsigned count = 0;
        bool sorted = true;

        while (isspace((unsigned char) *s))
                s++;
        start = s;
        if (!*s)
                return -EINVAL;
        while (*s && !isspace((unsigned char) *s)) {
                if (parse_cpu_range(&s, &a, &b, MAX_CPUS) < 0)
                        return -EINVAL;
                if (a < next)
                        sorted = false;
                count += (unsigned) (b - a + 1);
                next = b + 1;
                if (*s == ',' && !isdigit((unsigned char) *++s))
                        return -EINVAL;
        }
        while (isspace((unsigned char) *s))
                s++;
        if (*s)
                return -EINVAL;
        if (!sorted) {
                uint64_t bits[MAX_CPUS / 64] = {};
                count = 0;
                for (s = start; *s && !isspace((unsigned char) *s); s += *s == ',') {
                        (void) parse_cpu_range(&s, &a, &b, MAX_CPUS);
                        for (unsigned long c = a; c <= b; c++)
                                if (!(bits[c / 64] & (UINT64_C(1) << (c % 64)))) {
                                        bits[c / 64] |= UINT64_C(1) << (c % 64);
                                        count++;
                                }
                }
        }
        *ret = count;
        return 0;
}

int cg_keyed_get(const char *text, const char *key, uint64_t *ret) {
        size_t n = strlen(key);
        for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
                if (strncmp(p, key, n) != 0 || (p[n] != ' ' && p[n] != '\t' && p[n] != ':'))
                        continue;
                p += n + 1;
                char buf[32];
                size_t k = strcspn(p, "\n");
                if (k >= sizeof buf)
                        return -EINVAL;
                memcpy(buf, p, k);
                buf[k] = '\0';
                /* meminfo: "MemTotal:       24683620 kB" */
                char *unit = strstr(buf, " kB");
                uint64_t v;
                if (unit)
                        *unit = '\0';
                if (safe_atou64(buf, &v) < 0)
                        return -EINVAL;
                if (unit) {
                        if (v > UINT64_MAX / 1024)
                                return -ERANGE;
                        v *= 1024;
                }
                *ret = v;
                return 0;
        }
        return -ENOENT;
}

int cg_parse_cpus(const char *s, double *ret) {
        const char *p = s;
        double v = 0;
        bool digits = false;
        for (; isdigit((unsigned char) *p); p++, digits = true) {
                v = v * 10 + (*p - '0');
                if (v > 1e6)
                        return -ERANGE;
        }
        if (*p == '.') {
                double scale = 0.1;
                for (p++; isdigit((unsigned char) *p); p++, digits = true, scale /= 10)
                        v += (*p - '0') * scale;
        }
        if (!digits || *p || v <= 0)
                return -EINVAL;
        *ret = v;
        return 0;
}
