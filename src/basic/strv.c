/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

void strv_free(char **l) {
        if (!l)
                return;
        for (char **p = l; *p; p++)
                free(*p);
        free(l);
}

size_t strv_length(char *const *l) {
        size_t n = 0;
        while (l && l[n])
                n++;
        return n;
}

static int strv_push(char ***l, char *s) {
        size_t n = strv_length(*l);
        char **nl = realloc(*l, (n + 2) * sizeof(char *));
        if (!nl)
                return -ENOMEM;
        nl[n] = s;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

int strv_extend(char ***l, const char *s) {
        char *c = strdup(s);
        if (!c)
                return -ENOMEM;
        int r = strv_push(l, c);
        if (r < 0)
                free(c);
        return r;
}

bool startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static char **strv_env_find(char *const *env, const char *name) {
        size_t n = strlen(name);
        for (char *const *p = env; p && *p; p++)
                if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
                        return (char **) p;
        return NULL;
}

const char *strv_env_get(char *const *env, const char *name) {
        char **p = strv_env_find(env, name);
        return p ? *p + strlen(name) + 1 : NULL;
}

int strv_env_set(char ***env, const char *name, const char *value) {
        char *s;
        if (asprintf(&s, "%s=%s", name, value) < 0)
                return -ENOMEM;
        char **p = strv_env_find(*env, name);
        if (p) {
                free(*p);
                *p = s;
                return 0;
        }
        int r = strv_push(env, s);
        if (r < 0)
                free(s);
        return r;
}
