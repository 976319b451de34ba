/* SPDX-License-Identifier: GPL-2.0-or-later
 * linux.seccomp -> BPF with libseccomp, and installation with seccomp(2) (see seccomp.h). */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp-config.h"
#include LIBSECCOMP_H  /* libseccomp's <seccomp.h>, see seccomp.h */

#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "seccomp-cache.h"
#include "seccomp.h"
#include "spec.h"
#include "strv.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static void ctx_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}

void husk_seccomp_free(struct husk_seccomp *f) {
        if (!f)
                return;
        free(f->bpf);
        strv_free(f->skipped);
        free(f->listener_path);
        free(f->listener_metadata);
        free(f);
}

/* The SCMP_ACT_* value of an action. ERRNO and TRACE without errnoRet return EPERM, as runc does. */
static uint32_t action_value(enum oci_seccomp_action a, bool has_ret, uint32_t ret) {
        uint32_t data = has_ret ? ret : EPERM;

        switch (a) {
        case OCI_SECCOMP_ACT_KILL:
        case OCI_SECCOMP_ACT_KILL_THREAD:  return SCMP_ACT_KILL_THREAD;
        case OCI_SECCOMP_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
        case OCI_SECCOMP_ACT_TRAP:         return SCMP_ACT_TRAP;
        case OCI_SECCOMP_ACT_ERRNO:        return SCMP_ACT_ERRNO(data);
        case OCI_SECCOMP_ACT_TRACE:        return SCMP_ACT_TRACE(data);
        case OCI_SECCOMP_ACT_LOG:          return SCMP_ACT_LOG;
        case OCI_SECCOMP_ACT_NOTIFY:       return SCMP_ACT_NOTIFY;
        case OCI_SECCOMP_ACT_ALLOW:
        default:                           return SCMP_ACT_ALLOW;
        }
}

static int errorf_errno(char **err, int r, const char *fmt, ...) _printf_(3, 4);
static int errorf_errno(char **err, int r, const char *fmt, ...) {
        if (err && !*err) {
                _cleanup_free_ char *m = NULL;
                va_list ap;
                va_start(ap, fmt);
                if (vasprintf(&m, fmt, ap) < 0)
                        m = NULL;
                va_end(ap);
                if (m && asprintf(err, "%s: %s", m, strerror(-r)) < 0)
                        *err = NULL;
        }
        return r;
}

static bool name_listed(char *const *l, const char *s) {
        for (; l && *l; l++)
                if (strcmp(*l, s) == 0)
                        return true;
        return false;
}

/* Add one syscalls[] entry for one syscall number. The arguments are AND-ed in one rule, unless an
 * argument index repeats: libseccomp refuses two comparisons of one argument in a rule, and runc
 * then adds one rule per comparison (OR); we do the same so profiles behave alike. */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct oci_seccomp_syscall *c) {
        struct scmp_arg_cmp cmp[6];
        unsigned seen = 0;
        bool repeat = false;

        if (c->n_args == 0)
                return seccomp_rule_add(ctx, act, nr, 0);
        for (size_t i = 0; i < c->n_args; i++) {
                repeat = repeat || (seen & (1u << c->args[i].index));
                seen |= 1u << c->args[i].index;
        }
        if (!repeat) {
                for (size_t i = 0; i < c->n_args; i++)
                        cmp[i] = (struct scmp_arg_cmp) { c->args[i].index, c->args[i].op + 1,
                                                         c->args[i].value, c->args[i].value_two };
                return seccomp_rule_add_array(ctx, act, nr, c->n_args, cmp);
        }
        for (size_t i = 0; i < c->n_args; i++) {
                cmp[0] = (struct scmp_arg_cmp) { c->args[i].index, c->args[i].op + 1, c->args[i].value,
                                                 c->args[i].value_two };
                int r = seccomp_rule_add_array(ctx, act, nr, 1, cmp);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Add every syscalls[] entry. A name libseccomp does not know on any architecture is skipped and
 * recorded (runc logs it at debug level), or is an error when fail_unknown. Names that exist only
 * on other architectures resolve to libseccomp pseudo numbers and are silently left out of the
 * architectures that lack them. Entries whose action equals the default are redundant: skipped
 * (libseccomp would refuse them). */
static int add_syscalls(scmp_filter_ctx ctx, const struct oci_seccomp *s, uint32_t def, bool fail_unknown,
                        char ***skipped, char **err) {
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *c = &s->syscalls[i];
                uint32_t act = action_value(c->action, c->has_errno_ret, c->errno_ret);

                if (act == def)
                        continue;
                for (size_t k = 0; c->names[k]; k++) {
                        int nr = seccomp_syscall_resolve_name(c->names[k]);
                        if (nr == __NR_SCMP_ERROR) {
                                if (fail_unknown)
                                        return json_errorf(err, "linux.seccomp.syscalls[%zu].names[%zu]: "
                                                           "unknown syscall \"%s\"", i, k, c->names[k]);
                                if (!name_listed(*skipped, c->names[k]) && strv_extend(skipped, c->names[k]) < 0)
                                        return -ENOMEM;
                                continue;
                        }
                        int r = add_rule(ctx, act, nr, c);
                        if (r < 0)
                                return errorf_errno(err, r, "linux.seccomp.syscalls[%zu].names[%zu]: "
                                                    "cannot add rule for \"%s\"", i, k, c->names[k]);
                }
        }
        return 0;
}

/* Read the BPF libseccomp generates (seccomp_export_bpf writes to an fd; 2.5 has no memory API). */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **ret, size_t *ret_n) {
        _cleanup_close_ int fd = memfd_create("husk-seccomp-bpf", MFD_CLOEXEC);
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        int r;

        if (fd < 0)
                return -errno;
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return r;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return -errno;
        r = read_full_fd(fd, &buf, &size);
        if (r < 0)
                return r;
        if (size == 0 || size % sizeof(struct sock_filter) != 0 || size / sizeof(struct sock_filter) > BPF_MAXINSNS)
                return -E2BIG;
        *ret = (struct sock_filter *) TAKE_PTR(buf);
        *ret_n = size / sizeof(struct sock_filter);
        return 0;
}

static int compile(const struct oci_seccomp *s, bool fail_unknown, struct husk_seccomp *f, char **err) {
        uint32_t def = action_value(s->default_action, s->has_default_errno_ret, s->default_errno_ret);
        _cleanup_(ctx_releasep) scmp_filter_ctx ctx = seccomp_init(def);
        int r;

        if (!ctx)
                return json_errorf(err, "linux.seccomp.defaultAction: libseccomp refused %s",
                                   oci_seccomp_action_to_string(s->default_action));
        /* We load the exported program ourselves, so libseccomp's own NNP handling is moot; keep the
         * generated code independent of it. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r < 0)
                return errorf_errno(err, r, "linux.seccomp: libseccomp attribute");
        for (size_t i = 0; i < s->n_architectures; i++) {
                r = seccomp_arch_add(ctx, s->architectures[i]);
                /* A filter serves one byte order (libseccomp: EDOM). */
                if (r == -EDOM)
                        return json_errorf(err, "linux.seccomp.architectures[%zu]: %s has a different byte order "
                                           "from this machine and cannot share its filter", i,
                                           oci_seccomp_arch_to_string(s->architectures[i]));
                if (r < 0 && r != -EEXIST)
                        return errorf_errno(err, r, "linux.seccomp.architectures[%zu]: cannot add %s", i,
                                            oci_seccomp_arch_to_string(s->architectures[i]));
        }
        r = add_syscalls(ctx, s, def, fail_unknown, &f->skipped, err);
        if (r < 0)
                return r;
        r = export_bpf(ctx, &f->bpf, &f->n_bpf);
        if (r < 0)
                return errorf_errno(err, r, "linux.seccomp: exporting the BPF program");
        return 0;
}

static unsigned long install_flags(const struct oci_seccomp *s, bool notify) {
        unsigned long fl = 0;

        if (s->flags & OCI_SECCOMP_FLAG_TSYNC)
                fl |= SECCOMP_FILTER_FLAG_TSYNC;
        if (s->flags & OCI_SECCOMP_FLAG_LOG)
                fl |= SECCOMP_FILTER_FLAG_LOG;
        if (s->flags & OCI_SECCOMP_FLAG_SPEC_ALLOW)
                fl |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        /* It only changes how notifications wait, and the kernel refuses it without a listener
         * (kernel/seccomp.c: seccomp_set_mode_filter): meaningless, so dropped, without NOTIFY. */
        if ((s->flags & OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV) && notify)
                fl |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
        if (notify)
                fl |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        /* TSYNC reports a failing thread's id as the return value, which collides with the listener
         * fd; TSYNC_ESRCH (Linux 5.7) makes it an error instead (seccomp(2)). */
        if ((fl & SECCOMP_FILTER_FLAG_TSYNC) && notify)
                fl |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
        return fl;
}

int seccomp_prepare_opts(const struct oci_seccomp *s, const struct seccomp_options *o,
                         struct husk_seccomp **ret, char **ret_error) {
        _cleanup_(husk_seccomp_freep) struct husk_seccomp *f = NULL;
        _cleanup_free_ char *key = NULL;
        int r;

        f = calloc(1, sizeof *f);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_syscalls; i++)
                f->has_notify = f->has_notify || s->syscalls[i].action == OCI_SECCOMP_ACT_NOTIFY;
        f->install_flags = install_flags(s, f->has_notify);
        if ((s->listener_path && !(f->listener_path = strdup(s->listener_path))) ||
            (s->listener_metadata && !(f->listener_metadata = strdup(s->listener_metadata))))
                return -ENOMEM;

        if (o->cache_dir) {
                r = seccomp_cache_key(s, o->fail_unknown_syscall, &key);
                if (r < 0)
                        return r;
                r = seccomp_cache_load(o->cache_dir, key, &f->bpf, &f->n_bpf, &f->skipped);
                if (r < 0)
                        return r;
                f->from_cache = r > 0;
        }
        if (!f->from_cache) {
                r = compile(s, o->fail_unknown_syscall, f, ret_error);
                if (r < 0)
                        return r;
                if (key)
                        (void) seccomp_cache_store(o->cache_dir, key, f->bpf, f->n_bpf, f->skipped);
        }
        *ret = TAKE_PTR(f);
        return 0;
}

int seccomp_prepare(const struct oci_seccomp *s, const char *state_root, struct husk_seccomp **ret,
                    char **ret_error) {
        _cleanup_free_ char *dir = NULL;

        if (seccomp_cache_dir(state_root, &dir) < 0)
                return -ENOMEM;
        return seccomp_prepare_opts(s, &(struct seccomp_options) { .cache_dir = dir }, ret, ret_error);
}

/* Without no_new_privs the kernel allows installing a filter only with CAP_SYS_ADMIN in the user
 * namespace (seccomp(2), EACCES), so the filter goes in before capabilities are dropped. */
bool seccomp_install_early(const struct oci_spec *spec) {
        return !(spec->process && spec->process->no_new_privileges);
}

int seccomp_install(const struct husk_seccomp *f, int *ret_listener_fd, char **ret_error) {
        struct sock_fprog prog = { .len = (unsigned short) f->n_bpf, .filter = f->bpf };
        long r;

        r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->install_flags, &prog);
        if (r < 0) {
                int e = -errno;
                if (e == -EACCES)
                        return errorf_errno(ret_error, e, "seccomp: installing the filter without "
                                            "process.noNewPrivileges needs CAP_SYS_ADMIN");
                if (e == -EINVAL)
                        return errorf_errno(ret_error, e, "seccomp: installing the filter (flags 0x%lx: "
                                            "does this kernel support linux.seccomp.flags?)",
                                            f->install_flags);
                return errorf_errno(ret_error, e, "seccomp: installing the filter");
        }
        if (r > 0 && !f->has_notify)
                return errorf_errno(ret_error, -ESRCH, "seccomp: thread %ld could not be synchronized", r);
        *ret_listener_fd = f->has_notify ? (int) r : -EBADF;
        return 0;
}

int seccomp_debug_notes(const struct husk_seccomp *f, char ***ret_lines) {
        _cleanup_strv_free_ char **lines = NULL;

        for (size_t i = 0; f->skipped && f->skipped[i]; i++) {
                _cleanup_free_ char *m = NULL;
                if (asprintf(&m, "seccomp: unknown syscall \"%s\" skipped", f->skipped[i]) < 0 ||
                    strv_extend(&lines, m) < 0)
                        return -ENOMEM;
        }
        _cleanup_free_ char *m = NULL;
        if (asprintf(&m, "seccomp: BPF program (%zu instructions) %s", f->n_bpf,
                     f->from_cache ? "loaded from the cache" : "compiled") < 0 || strv_extend(&lines, m) < 0)
                return -ENOMEM;
        *ret_lines = TAKE_PTR(lines);
        return 0;
}

/* libseccomp's pseudo syscall numbers: -101.. for socketcall and -201.. for ipc multiplexed calls
 * (real on arches such as x86, reached through the multiplexer), -10000 and below for syscalls
 * that the arch lacks (libseccomp src/syscalls.h). */
static bool resolves_on(uint32_t arch, const char *name) {
        int nr = seccomp_syscall_resolve_name_arch(arch, name);
        return nr >= 0 || (nr != __NR_SCMP_ERROR && nr > -10000);
}

int seccomp_check_names(const struct oci_seccomp *s, char ***ret_problems) {
        _cleanup_strv_free_ char **problems = NULL;
        uint32_t native = seccomp_arch_native();
        const uint32_t *archs = s->n_architectures > 0 ? s->architectures : &native;
        size_t n_archs = s->n_architectures > 0 ? s->n_architectures : 1;

        for (size_t i = 0; i < s->n_syscalls; i++)
                for (size_t k = 0; s->syscalls[i].names[k]; k++)
                        for (size_t a = 0; a < n_archs; a++) {
                                const char *name = s->syscalls[i].names[k];
                                _cleanup_free_ char *m = NULL;
                                if (resolves_on(archs[a], name))
                                        continue;
                                if (asprintf(&m, "linux.seccomp.syscalls[%zu].names[%zu]: \"%s\" is not a "
                                             "syscall on %s", i, k, name,
                                             oci_seccomp_arch_to_string(archs[a]) ?: "the native arch") < 0 ||
                                    strv_extend(&problems, m) < 0)
                                        return -ENOMEM;
                        }
        *ret_problems = TAKE_PTR(problems);
        return 0;
}

int seccomp_write_bpf(const struct husk_seccomp *f, int fd) {
        return loop_write(fd, f->bpf, f->n_bpf * sizeof(struct sock_filter));
}
