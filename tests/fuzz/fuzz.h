/* SPDX-License-Identifier: GPL-2.0-or-later
 * The libFuzzer entry point every tests/fuzz/fuzz-<name>.c defines. The same file links either
 * with libFuzzer (clang -fsanitize=fuzzer, -Dfuzzing=true) or with replay.c, a plain main() that
 * feeds it the committed corpus and regression inputs (suite unit, any compiler). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Run one input. Returns 0; a bug shows as a crash, a sanitizer report or a leak. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A copy of data with a NUL after it, for parsers that take C strings; NULL on ENOMEM. */
char *fuzz_strndup(const uint8_t *data, size_t size);
