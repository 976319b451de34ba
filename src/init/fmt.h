/* SPDX-License-Identifier: GPL-2.0-or-later
 * A small printf for the static musl husk-init (see fmt.c): the conversions src/init, src/basic
 * and src/limits use, without floating point. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* vsnprintf(3) for flags "-0+ #", a width and a precision (digits or '*'), the lengths hh h l
 * ll z j t, and the conversions d i u o x X c s p m %. Returns the length the whole output
 * needs, as vsnprintf does; buf is always terminated when n > 0. */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
