/* SPDX-License-Identifier: GPL-2.0-or-later
 * A small printf for the static musl husk-init. musl's vfprintf carries its floating-point
 * conversion (fmt_fp), wide characters and positional arguments: 12 KB of a binary that must
 * stay under 80 KB and prints no float (envsize.h: format_fixed). fmt_vsnprintf() does what
 * src/init, src/basic and src/limits ask of printf; a conversion it does not know is copied as
 * it stands. With HUSK_OWN_PRINTF (the musl build only, src/init/meson.build) this file also
 * defines snprintf, vsnprintf, asprintf, vasprintf, dprintf and vdprintf over it, and the static
 * link takes those rather than libc's. The glibc build and the unit test use libc's printf and
 * compare the two (tests/unit/test-init-fmt.c). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fileio.h"
#include "fmt.h"

struct out {
        char *buf;
        size_t n;
        size_t len;             /* what the whole output needs, past n too */
};

struct spec {
        bool left, zero, plus, space, alt;
        int width;
        int precision;          /* -1: none */
};

static void out_char(struct out *o, char c) {
        if (o->len + 1 < o->n)
                o->buf[o->len] = c;
        o->len++;
}

static void out_mem(struct out *o, const char *s, size_t len) {
        for (size_t i = 0; i < len; i++)
                out_char(o, s[i]);
}

static void out_pad(struct out *o, char c, size_t count) {
        while (count-- > 0)
                out_char(o, c);
}

/* prefix (sign, "0x") and body, padded to the width: spaces before, zeros between, or spaces
 * after with '-'. */
static void out_field(struct out *o, const struct spec *s, const char *prefix, const char *body, size_t len) {
        size_t plen = strlen(prefix);
        size_t pad = s->width > 0 && (size_t) s->width > plen + len ? (size_t) s->width - plen - len : 0;
        if (!s->left && !s->zero)
                out_pad(o, ' ', pad);
        out_mem(o, prefix, plen);
        if (!s->left && s->zero)
                out_pad(o, '0', pad);
        out_mem(o, body, len);
        if (s->left)
                out_pad(o, ' ', pad);
}

/* An integer in base 8, 10 or 16, at least precision digits. */
static void out_integer(struct out *o, struct spec *s, uintmax_t v, bool negative, unsigned base, bool upper) {
        const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        char num[80];
        size_t i = sizeof num;
        uintmax_t x = v;
        while (x > 0) {
                num[--i] = digits[x % base];
                x /= base;
        }
        if (s->precision >= 0) {
                s->zero = false;
                while (sizeof num - i < (size_t) s->precision && i > 0)
                        num[--i] = '0';
        } else if (i == sizeof num)
                num[--i] = '0';
        const char *prefix = negative ? "-" : s->plus ? "+" : s->space ? " " : "";
        if (s->alt && base == 16 && v != 0)
                prefix = upper ? "0X" : "0x";
        else if (s->alt && base == 8 && (i == sizeof num || num[i] != '0'))
                num[--i] = '0';
        out_field(o, s, prefix, num + i, sizeof num - i);
}

/* Reads "-0+ #", width, precision at *p; returns the length modifier ('H' hh, 'h', 'l',
 * 'L' ll, 'z', 'j', 't', or 0) and leaves *p on the conversion character. */
static char parse_spec(const char **p, struct spec *s, va_list *ap) {
        const char *f = *p;
        *s = (struct spec) { .precision = -1 };
        for (;; f++) {
                if (*f == '-')
                        s->left = true;
                else if (*f == '0')
                        s->zero = true;
                else if (*f == '+')
                        s->plus = true;
                else if (*f == ' ')
                        s->space = true;
                else if (*f == '#')
                        s->alt = true;
                else
                        break;
        }
        if (*f == '*') {
                s->width = va_arg(*ap, int);
                if (s->width < 0) {
                        s->left = true;
                        s->width = s->width == INT_MIN ? INT_MAX : -s->width;
                }
                f++;
        } else
                for (; *f >= '0' && *f <= '9'; f++)
                        s->width = s->width < INT_MAX / 10 ? s->width * 10 + (*f - '0') : INT_MAX;
        if (*f == '.') {
                f++;
                s->precision = 0;
                if (*f == '*') {
                        s->precision = va_arg(*ap, int);
                        if (s->precision < 0)
                                s->precision = -1;
                        f++;
                } else
                        for (; *f >= '0' && *f <= '9'; f++)
                                s->precision = s->precision < INT_MAX / 10 ? s->precision * 10 + (*f - '0') : INT_MAX;
        }
        if (s->left)
                s->zero = false;
        char len = 0;
        if (*f == 'h' || *f == 'l' || *f == 'z' || *f == 'j' || *f == 't') {
                len = *f++;
                if ((len == 'h' || len == 'l') && *f == len) {
                        len = len == 'h' ? 'H' : 'L';
                        f++;
                }
        }
        *p = f;
        return len;
}

static intmax_t arg_signed(char len, va_list *ap) {
        switch (len) {
        case 'H': return (signed char) va_arg(*ap, int);
        case 'h': return (short) va_arg(*ap, int);
        case 'l': return va_arg(*ap, long);
        case 'L': return va_arg(*ap, long long);
        case 'z': return va_arg(*ap, ssize_t);
        case 'j': return va_arg(*ap, intmax_t);
        case 't': return va_arg(*ap, ptrdiff_t);
        default:  return va_arg(*ap, int);
        }
}

static uintmax_t arg_unsigned(char len, va_list *ap) {
        switch (len) {
        case 'H': return (unsigned char) va_arg(*ap, unsigned);
        case 'h': return (unsigned short) va_arg(*ap, unsigned);
        case 'l': return va_arg(*ap, unsigned long);
        case 'L': return va_arg(*ap, unsigned long long);
        case 'z': return va_arg(*ap, size_t);
        case 'j': return va_arg(*ap, uintmax_t);
        case 't': return (uintmax_t) va_arg(*ap, ptrdiff_t);
        default:  return va_arg(*ap, unsigned);
        }
}

static void out_string(struct out *o, struct spec *s, const char *str) {
        if (!str)
                str = "(null)";
        size_t len = s->precision >= 0 ? strnlen(str, (size_t) s->precision) : strlen(str);
        s->zero = false;
        out_field(o, s, "", str, len);
}

/* One conversion at *p (just past the '%'); *p moves past it. */
static void convert(struct out *o, const char **p, va_list *ap, int saved_errno) {
        const char *start = *p - 1;
        struct spec s;
        char len = parse_spec(p, &s, ap);
        char c = **p;
        switch (c) {
        case 'd':
        case 'i': {
                intmax_t v = arg_signed(len, ap);
                out_integer(o, &s, v < 0 ? -(uintmax_t) v : (uintmax_t) v, v < 0, 10, false);
                break;
        }
        case 'u': out_integer(o, &s, arg_unsigned(len, ap), false, 10, false); break;
        case 'o': out_integer(o, &s, arg_unsigned(len, ap), false, 8, false); break;
        case 'x': out_integer(o, &s, arg_unsigned(len, ap), false, 16, false); break;
        case 'X': out_integer(o, &s, arg_unsigned(len, ap), false, 16, true); break;
        case 'p':
                s.alt = true;
                out_integer(o, &s, (uintptr_t) va_arg(*ap, void *), false, 16, false);
                break;
        case 'c': {
                char ch = (char) va_arg(*ap, int);
                s.zero = false;
                out_field(o, &s, "", &ch, 1);
                break;
        }
        case 's': out_string(o, &s, va_arg(*ap, const char *)); break;
        case 'm': out_string(o, &s, strerror(saved_errno)); break;
        case '%': out_char(o, '%'); break;
        default:
                /* Unknown (or the end of the string): copy it as written. */
                out_mem(o, start, (size_t) (*p - start) + (c ? 1 : 0));
                if (!c)
                        return;
        }
        (*p)++;
}

int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) {
        int saved_errno = errno;
        struct out o = { .buf = buf, .n = n };
        va_list aq;
        va_copy(aq, ap);
        for (const char *p = fmt; *p;) {
                if (*p != '%') {
                        out_char(&o, *p++);
                        continue;
                }
                p++;
                convert(&o, &p, &aq, saved_errno);
        }
        va_end(aq);
        if (n > 0)
                buf[o.len < n ? o.len : n - 1] = '\0';
        errno = saved_errno;
        return o.len > INT_MAX ? INT_MAX : (int) o.len;
}

int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = fmt_vsnprintf(buf, n, fmt, ap);
        va_end(ap);
        return r;
}

#ifdef HUSK_OWN_PRINTF
int vsnprintf(char *restrict buf, size_t n, const char *restrict fmt, va_list ap) {
        return fmt_vsnprintf(buf, n, fmt, ap);
}

int snprintf(char *restrict buf, size_t n, const char *restrict fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = fmt_vsnprintf(buf, n, fmt, ap);
        va_end(ap);
        return r;
}

int vasprintf(char **ret, const char *fmt, va_list ap) {
        va_list aq;
        va_copy(aq, ap);
        int len = fmt_vsnprintf(NULL, 0, fmt, aq);
        va_end(aq);
        char *s = malloc((size_t) len + 1);
        if (!s)
                return -1;
        fmt_vsnprintf(s, (size_t) len + 1, fmt, ap);
        *ret = s;
        return len;
}

int asprintf(char **ret, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(ret, fmt, ap);
        va_end(ap);
        return r;
}

int vdprintf(int fd, const char *restrict fmt, va_list ap) {
        char small[512];
        va_list aq;
        va_copy(aq, ap);
        int len = fmt_vsnprintf(small, sizeof small, fmt, aq);
        va_end(aq);
        char *s = small;
        if ((size_t) len >= sizeof small) {
                s = malloc((size_t) len + 1);
                if (!s)
                        return -1;
                fmt_vsnprintf(s, (size_t) len + 1, fmt, ap);
        }
        int r = loop_write(fd, s, (size_t) len);
        if (s != small)
                free(s);
        if (r < 0) {
                errno = -r;
                return -1;
        }
        return len;
}

int dprintf(int fd, const char *restrict fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = vdprintf(fd, fmt, ap);
        va_end(ap);
        return r;
}
#endif
