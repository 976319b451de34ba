/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk-init as the container's PID 1 (spec-init.h): one more mount and two more arguments,
 * decided before anything of the container exists, so a bad init path leaves nothing behind. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "json-util.h"
#include "spec-init.h"
#include "strv.h"

int spec_init_wanted(const struct oci_spec *s, bool requested, bool *ret, char **ret_error) {
        const char *v = oci_spec_annotation(s, SPEC_INIT_ANNOTATION);
        if (v && strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
                return json_errorf(ret_error, "annotations.%s: must be \"true\" or \"false\", got \"%s\"",
                                   SPEC_INIT_ANNOTATION, v);
        *ret = requested || (v && strcmp(v, "true") == 0);
        return 0;
}

/* -errno and a message naming path, for the checks below. */
static int init_error(char **ret_error, int r, const char *path, const char *what) {
        json_errorf(ret_error, "--init: husk-init '%s': %s%s", path, what ? what : strerror(-r),
                    what ? "" : " (install it there, or name another with --init-path)");
        return r;
}

/* A static executable of this machine's ELF class: no PT_INTERP, as in a scratch image there is
 * no dynamic loader nor libc to load (a sanitizer build of husk-init is dynamic). */
static int check_static_elf(const char *path, char **ret_error) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        ElfW(Ehdr) eh;

        if (fd < 0 || fstat(fd, &st) < 0)
                return init_error(ret_error, -errno, path, NULL);
        if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
                return init_error(ret_error, -EACCES, path, "not an executable file");
        if (pread(fd, &eh, sizeof eh, 0) != (ssize_t) sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
            eh.e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
            eh.e_phentsize != sizeof(ElfW(Phdr)))
                return init_error(ret_error, -ENOEXEC, path, "not an ELF executable for this machine");
        for (unsigned i = 0; i < eh.e_phnum; i++) {
                ElfW(Phdr) ph;
                if (pread(fd, &ph, sizeof ph, (off_t) (eh.e_phoff + (ElfW(Off)) i * sizeof ph)) != (ssize_t) sizeof ph)
                        return init_error(ret_error, -ENOEXEC, path, "truncated ELF program headers");
                if (ph.p_type == PT_INTERP)
                        return init_error(ret_error, -ENOEXEC, path,
                                          "dynamically linked, it cannot run in a container without the host's "
                                          "libraries: use the static build (husk-init.musl, or a build without "
                                          "sanitizers) with --init-path");
        }
        return 0;
}

/* The read-only bind mount of the init; *ret is filled only on success. */
static int init_mount(const char *init_path, struct oci_mount *ret) {
        static const char *const options[] = { "bind", "ro", "nosuid", "nodev" };
        _cleanup_(strv_freep) char **opts = NULL;
        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                if (strv_extend(&opts, options[i]) < 0)
                        return -ENOMEM;
        _cleanup_free_ char *dst = strdup(SPEC_INIT_DESTINATION), *src = strdup(init_path), *type = strdup("bind");
        if (!dst || !src || !type)
                return -ENOMEM;
        *ret = (struct oci_mount) { .destination = TAKE_PTR(dst), .source = TAKE_PTR(src),
                                    .type = TAKE_PTR(type), .options = TAKE_PTR(opts) };
        return 0;
}

int spec_init_apply(struct oci_spec *s, const char *init_path, char **ret_error) {
        if (!s->process || !s->process->args || !s->process->args[0])
                return json_errorf(ret_error, "process.args: must be a non-empty array (--init runs it under husk-init)");
        if (!init_path || !*init_path)
                return json_errorf(ret_error, "--init: no husk-init path (--init-path)");
        /* Relative to where husk runs (a relative mount source would be taken from the bundle). */
        _cleanup_free_ char *path = realpath(init_path, NULL);
        if (!path)
                return init_error(ret_error, -errno, init_path, NULL);
        int r = check_static_elf(path, ret_error);
        if (r < 0)
                return r;

        /* The new argv: [init, "--", args...]; the old strings move over. */
        size_t n = strv_length(s->process->args);
        _cleanup_free_ char **args = calloc(n + 3, sizeof *args);
        _cleanup_free_ char *init = strdup(SPEC_INIT_DESTINATION), *dashes = strdup("--");
        if (!args || !init || !dashes)
                return -ENOMEM;
        struct oci_mount *mounts = realloc(s->mounts, (s->n_mounts + 1) * sizeof *mounts);
        if (!mounts)
                return -ENOMEM;
        s->mounts = mounts;     /* a spare slot is harmless if what follows fails */
        r = init_mount(path, &s->mounts[s->n_mounts]);
        if (r < 0)
                return r;
        s->n_mounts++;

        args[0] = TAKE_PTR(init);
        args[1] = TAKE_PTR(dashes);
        memcpy(args + 2, s->process->args, (n + 1) * sizeof *args);
        free(s->process->args);
        s->process->args = TAKE_PTR(args);
        return 0;
}
