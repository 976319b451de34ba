/* SPDX-License-Identifier: GPL-2.0-or-later
 * Helpers shared by the fuzz targets. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* The input as a C string. Embedded NULs stay: the parser sees the text up to the first one, as it
 * would when reading such a file. */
char *fuzz_strndup(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);
        if (!s)
                return NULL;
        if (size)
                memcpy(s, data, size);
        s[size] = 0;
        return s;
}
