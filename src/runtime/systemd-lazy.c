/* SPDX-License-Identifier: GPL-2.0-or-later
 * libsystemd, loaded on first use. Only the systemd cgroup driver (cgroup-systemd.c) talks to
 * systemd, but linking libsystemd made every husk process load it and the libraries it pulls in
 * (libgcrypt, liblzma, libzstd, liblz4, libgpg-error): about 6 ms of CPU per exec on a small
 * VM, twice per `husk run` (the sealed re-exec of exe-seal.h), for nothing with the cgroupfs
 * driver. So husk is not linked with libsystemd: these definitions of the sd-bus functions the
 * driver calls dlopen(3) it on the first call and forward to it. Calling a function that is
 * not defined here fails the link: add it below (variadic ones through their va_list twin). */
#include "config.h"

#if HAVE_LIBSYSTEMD

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <systemd/sd-bus.h>

/* name from libsystemd.so.0, or NULL when the library (or the symbol) is not there. */
static void *lib_sym(const char *name) {
        static void *lib = NULL;
        if (!lib)
                lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        return lib ? dlsym(lib, name) : NULL;
}

/* Define name(params) to call libsystemd's name(args); fail when libsystemd is missing. */
#define FORWARD(ret, fail, name, params, args)                                  \
        ret name params {                                                       \
                static __typeof__(name) *fn = NULL;                             \
                if (!fn && !(fn = (__typeof__(name) *) lib_sym(#name)))         \
                        return fail;                                            \
                return fn args;                                                 \
        }

FORWARD(int, -EOPNOTSUPP, sd_bus_new, (sd_bus **ret), (ret))
FORWARD(int, -EOPNOTSUPP, sd_bus_open_system, (sd_bus **ret), (ret))
FORWARD(int, -EOPNOTSUPP, sd_bus_set_address, (sd_bus *bus, const char *address), (bus, address))
FORWARD(int, -EOPNOTSUPP, sd_bus_start, (sd_bus *bus), (bus))
FORWARD(int, -EOPNOTSUPP, sd_bus_wait, (sd_bus *bus, uint64_t timeout_usec), (bus, timeout_usec))
FORWARD(int, -EOPNOTSUPP, sd_bus_process, (sd_bus *bus, sd_bus_message **r), (bus, r))
FORWARD(sd_bus *, NULL, sd_bus_flush_close_unref, (sd_bus *bus), (bus))
FORWARD(sd_bus_slot *, NULL, sd_bus_slot_unref, (sd_bus_slot *slot), (slot))
FORWARD(int, -EOPNOTSUPP, sd_bus_path_encode, (const char *prefix, const char *external_id, char **ret_path),
        (prefix, external_id, ret_path))
FORWARD(int, -EOPNOTSUPP, sd_bus_match_signal,
        (sd_bus *bus, sd_bus_slot **ret, const char *sender, const char *path, const char *interface,
         const char *member, sd_bus_message_handler_t callback, void *userdata),
        (bus, ret, sender, path, interface, member, callback, userdata))
FORWARD(int, -EOPNOTSUPP, sd_bus_get_property_string,
        (sd_bus *bus, const char *destination, const char *path, const char *interface, const char *member,
         sd_bus_error *ret_error, char **ret),
        (bus, destination, path, interface, member, ret_error, ret))
FORWARD(int, -EOPNOTSUPP, sd_bus_call,
        (sd_bus *bus, sd_bus_message *m, uint64_t usec, sd_bus_error *ret_error, sd_bus_message **reply),
        (bus, m, usec, ret_error, reply))
FORWARD(int, -EOPNOTSUPP, sd_bus_call_methodv,
        (sd_bus *bus, const char *destination, const char *path, const char *interface, const char *member,
         sd_bus_error *ret_error, sd_bus_message **reply, const char *types, va_list ap),
        (bus, destination, path, interface, member, ret_error, reply, types, ap))
FORWARD(int, -EOPNOTSUPP, sd_bus_message_new_method_call,
        (sd_bus *bus, sd_bus_message **m, const char *destination, const char *path, const char *interface,
         const char *member),
        (bus, m, destination, path, interface, member))
FORWARD(sd_bus_message *, NULL, sd_bus_message_unref, (sd_bus_message *m), (m))
FORWARD(int, -EOPNOTSUPP, sd_bus_message_appendv, (sd_bus_message *m, const char *types, va_list ap),
        (m, types, ap))
FORWARD(int, -EOPNOTSUPP, sd_bus_message_readv, (sd_bus_message *m, const char *types, va_list ap), (m, types, ap))
FORWARD(int, -EOPNOTSUPP, sd_bus_message_append_array, (sd_bus_message *m, char type, const void *ptr, size_t size),
        (m, type, ptr, size))
FORWARD(int, -EOPNOTSUPP, sd_bus_message_open_container, (sd_bus_message *m, char type, const char *contents),
        (m, type, contents))
FORWARD(int, -EOPNOTSUPP, sd_bus_message_close_container, (sd_bus_message *m), (m))
FORWARD(int, 0, sd_bus_error_has_name, (const sd_bus_error *e, const char *name), (e, name))

void sd_bus_error_free(sd_bus_error *e) {
        static __typeof__(sd_bus_error_free) *fn = NULL;
        if (!e || !e->name)
                return;         /* nothing was set: nothing to free (and no need to load) */
        if (fn || (fn = (__typeof__(sd_bus_error_free) *) lib_sym("sd_bus_error_free")))
                fn(e);
}

int sd_bus_message_append(sd_bus_message *m, const char *types, ...) {
        va_list ap;
        va_start(ap, types);
        int r = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
        return r;
}

int sd_bus_message_read(sd_bus_message *m, const char *types, ...) {
        va_list ap;
        va_start(ap, types);
        int r = sd_bus_message_readv(m, types, ap);
        va_end(ap);
        return r;
}

int sd_bus_call_method(sd_bus *bus, const char *destination, const char *path, const char *interface,
                       const char *member, sd_bus_error *ret_error, sd_bus_message **reply, const char *types,
                       ...) {
        va_list ap;
        va_start(ap, types);
        int r = sd_bus_call_methodv(bus, destination, path, interface, member, ret_error, reply, types, ap);
        va_end(ap);
        return r;
}

#endif /* HAVE_LIBSYSTEMD */
