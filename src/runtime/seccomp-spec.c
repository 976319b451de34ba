/* SPDX-License-Identifier: GPL-2.0-or-later
 * linux.seccomp JSON -> struct oci_seccomp (see seccomp-spec.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp-config.h"
#include LIBSECCOMP_H  /* libseccomp's <seccomp.h>, see seccomp.h */

#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "seccomp-spec.h"
#include "seccomp.h"
#include "strv.h"

/* The spec's names are libseccomp's macro names: one token each, spelt once. */
#define ACTION_NAME(a) [OCI_SECCOMP_ACT_##a] = "SCMP_ACT_" #a
const char *const oci_seccomp_action_names[] = {
        ACTION_NAME(KILL), ACTION_NAME(KILL_PROCESS), ACTION_NAME(KILL_THREAD), ACTION_NAME(TRAP),
        ACTION_NAME(ERRNO), ACTION_NAME(TRACE), ACTION_NAME(ALLOW), ACTION_NAME(LOG), ACTION_NAME(NOTIFY),
        [_OCI_SECCOMP_ACT_MAX] = NULL,
};
#undef ACTION_NAME

#define OP_NAME(o) [OCI_SECCOMP_OP_##o] = "SCMP_CMP_" #o
const char *const oci_seccomp_op_names[] = {
        OP_NAME(NE), OP_NAME(LT), OP_NAME(LE), OP_NAME(EQ), OP_NAME(GE), OP_NAME(GT), OP_NAME(MASKED_EQ),
        [_OCI_SECCOMP_OP_MAX] = NULL,
};
#undef OP_NAME

#define FLAG_NAME(f) "SECCOMP_FILTER_FLAG_" #f
const char *const oci_seccomp_flag_names[] = {
        FLAG_NAME(TSYNC), FLAG_NAME(LOG), FLAG_NAME(SPEC_ALLOW), FLAG_NAME(WAIT_KILLABLE_RECV), NULL,
};
#undef FLAG_NAME

static const unsigned flag_bits[] = {   /* parallel to oci_seccomp_flag_names */
        OCI_SECCOMP_FLAG_TSYNC,
        OCI_SECCOMP_FLAG_LOG,
        OCI_SECCOMP_FLAG_SPEC_ALLOW,
        OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV,
};
_Static_assert(ELEMENTSOF(flag_bits) + 1 == ELEMENTSOF(oci_seccomp_flag_names), "flag tables differ");

/* The architectures this libseccomp build knows (newer ones only when its header defines them);
 * the token of "SCMP_ARCH_X86_64" is what seccomp_arch_resolve_name("x86_64") says. */
#define ARCH_NAME(a) "SCMP_ARCH_" #a
const char *const oci_seccomp_arch_names[] = {
        ARCH_NAME(X86), ARCH_NAME(X86_64), ARCH_NAME(X32), ARCH_NAME(ARM), ARCH_NAME(AARCH64),
        ARCH_NAME(MIPS), ARCH_NAME(MIPS64), ARCH_NAME(MIPS64N32), ARCH_NAME(MIPSEL),
        ARCH_NAME(MIPSEL64), ARCH_NAME(MIPSEL64N32), ARCH_NAME(PPC), ARCH_NAME(PPC64),
        ARCH_NAME(PPC64LE), ARCH_NAME(S390), ARCH_NAME(S390X), ARCH_NAME(PARISC),
        ARCH_NAME(PARISC64), ARCH_NAME(RISCV64),
#ifdef SCMP_ARCH_LOONGARCH64
        ARCH_NAME(LOONGARCH64),
#endif
#ifdef SCMP_ARCH_M68K
        ARCH_NAME(M68K),
#endif
#ifdef SCMP_ARCH_SHEB
        ARCH_NAME(SHEB), ARCH_NAME(SH),
#endif
        NULL,
};
#undef ARCH_NAME

/* "SCMP_ARCH_X86_64" -> libseccomp's token, 0 when unknown. */
static uint32_t arch_token(const char *name) {
        char lower[32];
        size_t n = strlen("SCMP_ARCH_"), i = 0;

        if (strncmp(name, "SCMP_ARCH_", n) != 0 || strlen(name + n) >= sizeof lower)
                return 0;
        for (const char *p = name + n; *p; p++)
                lower[i++] = (char) tolower((unsigned char) *p);
        lower[i] = '\0';
        for (size_t k = 0; oci_seccomp_arch_names[k]; k++)
                if (strcmp(oci_seccomp_arch_names[k], name) == 0)
                        return seccomp_arch_resolve_name(lower);
        return 0;
}

const char *oci_seccomp_action_to_string(enum oci_seccomp_action a) {
        return a >= 0 && a < _OCI_SECCOMP_ACT_MAX ? oci_seccomp_action_names[a] : NULL;
}

const char *oci_seccomp_op_to_string(enum oci_seccomp_op op) {
        return op >= 0 && op < _OCI_SECCOMP_OP_MAX ? oci_seccomp_op_names[op] : NULL;
}

const char *oci_seccomp_arch_to_string(uint32_t arch) {
        for (size_t i = 0; arch != 0 && oci_seccomp_arch_names[i]; i++)
                if (arch_token(oci_seccomp_arch_names[i]) == arch)
                        return oci_seccomp_arch_names[i];
        return NULL;
}

static void syscall_done(struct oci_seccomp_syscall *c) {
        strv_free(c->names);
        free(c->args);
}

void oci_seccomp_free(struct oci_seccomp *s) {
        if (!s)
                return;
        for (size_t i = 0; i < s->n_syscalls; i++)
                syscall_done(&s->syscalls[i]);
        free(s->syscalls);
        free(s->architectures);
        free(s->listener_path);
        free(s->listener_metadata);
        free(s);
}

/* In a profile file every key must be one we know: a typo must not weaken a policy silently.
 * config.json follows the spec's rule instead (unknown properties are ignored). "comment" is
 * accepted everywhere for documentation. */
static int check_keys(json_t *obj, const char *path, const char *const *known, bool strict, char **err) {
        const char *key;
        json_t *v;

        if (!strict)
                return 0;
        json_object_foreach(obj, key, v) {
                bool ok = strcmp(key, "comment") == 0;
                for (size_t i = 0; !ok && known[i]; i++)
                        ok = strcmp(key, known[i]) == 0;
                if (!ok)
                        return json_errorf(err, "%s: unknown field \"%s\"", path, key);
        }
        return 0;
}

static int parse_action(json_t *obj, const char *key, const char *path, enum oci_seccomp_action *ret,
                        char **err) {
        _cleanup_free_ char *s = NULL;
        int r = json_get_string(obj, key, path, true, &s, err);
        if (r < 0)
                return r;
        for (int a = 0; a < _OCI_SECCOMP_ACT_MAX; a++)
                if (strcmp(s, oci_seccomp_action_names[a]) == 0) {
                        *ret = a;
                        return 0;
                }
        return json_errorf(err, "%s.%s: unknown action \"%s\"", path, key, s);
}

/* errnoRet / defaultErrnoRet: the 16-bit data of SCMP_ACT_ERRNO (the errno) or SCMP_ACT_TRACE (the
 * message for the tracer); meaningless, hence an error, with any other action. */
static int parse_errno_ret(json_t *obj, const char *key, const char *path, enum oci_seccomp_action a,
                           bool *ret_has, uint32_t *ret, char **err) {
        uint32_t v = 0;
        int r = json_get_uint32(obj, key, path, false, &v, err);
        if (r <= 0)
                return r;
        if (a != OCI_SECCOMP_ACT_ERRNO && a != OCI_SECCOMP_ACT_TRACE)
                return json_errorf(err, "%s.%s: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
                                   path, key, oci_seccomp_action_names[a]);
        if (v > 0xffff)
                return json_errorf(err, "%s.%s: %u is out of range (0..65535)", path, key, v);
        *ret_has = true;
        *ret = v;
        return 0;
}

static int parse_arg(json_t *j, const char *path, bool strict, struct oci_seccomp_arg *ret, char **err) {
        static const char *const keys[] = { "index", "value", "valueTwo", "op", NULL };
        _cleanup_free_ char *op = NULL;
        struct oci_seccomp_arg a = {};
        uint32_t index = 0;
        int r;

        if (!json_is_object(j))
                return json_errorf(err, "%s: must be an object", path);
        r = check_keys(j, path, keys, strict, err);
        if (r < 0)
                return r;
        r = json_get_uint32(j, "index", path, true, &index, err);
        if (r < 0)
                return r;
        if (index > 5)
                return json_errorf(err, "%s.index: %u is out of range (syscalls have arguments 0..5)",
                                   path, index);
        a.index = index;
        r = json_get_uint64(j, "value", path, true, &a.value, err);
        if (r < 0)
                return r;
        r = json_get_uint64(j, "valueTwo", path, false, &a.value_two, err);
        if (r < 0)
                return r;
        r = json_get_string(j, "op", path, true, &op, err);
        if (r < 0)
                return r;
        for (a.op = 0; a.op < _OCI_SECCOMP_OP_MAX; a.op++)
                if (strcmp(op, oci_seccomp_op_names[a.op]) == 0)
                        break;
        if (a.op == _OCI_SECCOMP_OP_MAX)
                return json_errorf(err, "%s.op: unknown operator \"%s\"", path, op);
        *ret = a;
        return 0;
}

static int parse_syscall(json_t *j, const char *path, bool strict, struct oci_seccomp_syscall *c,
                         char **err) {
        static const char *const keys[] = { "names", "action", "errnoRet", "args", NULL };
        char p[256], q[256];
        json_t *args = NULL;
        int r;

        if (!json_is_object(j))
                return json_errorf(err, "%s: must be an object", path);
        r = check_keys(j, path, keys, strict, err);
        if (r < 0)
                return r;
        r = json_get_strv(j, "names", path, true, &c->names, err);
        if (r < 0)
                return r;
        if (strv_length(c->names) == 0)
                return json_errorf(err, "%s.names: must be a non-empty array", path);
        for (size_t i = 0; c->names[i]; i++)
                if (c->names[i][0] == '\0')
                        return json_errorf(err, "%s.names[%zu]: must not be empty", path, i);
        r = parse_action(j, "action", path, &c->action, err);
        if (r < 0)
                return r;
        r = parse_errno_ret(j, "errnoRet", path, c->action, &c->has_errno_ret, &c->errno_ret, err);
        if (r < 0)
                return r;
        r = json_get_array(j, "args", path, false, &args, err);
        if (r <= 0)
                return r;
        c->n_args = json_array_size(args);
        c->args = calloc(c->n_args ?: 1, sizeof *c->args);
        if (!c->args)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_args; i++) {
                json_path_index(p, sizeof p, json_path_key(q, sizeof q, path, "args"), i);
                r = parse_arg(json_array_get(args, i), p, strict, &c->args[i], err);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The string array j.key, each name mapped by lookup (0: unknown, an error naming the entry as
 * an unknown what) and handed to add. */
static int parse_names(json_t *j, const char *key, const char *path, const char *what, uint32_t (*lookup)(const char *),
                       int (*add)(struct oci_seccomp *, uint32_t), struct oci_seccomp *s, char **err) {
        _cleanup_strv_free_ char **names = NULL;
        int r = json_get_strv(j, key, path, false, &names, err);
        if (r <= 0)
                return r;
        for (size_t i = 0; names[i]; i++) {
                uint32_t v = lookup(names[i]);
                if (v == 0)
                        return json_errorf(err, "%s.%s[%zu]: unknown %s \"%s\"", path, key, i, what, names[i]);
                if ((r = add(s, v)) < 0)
                        return r;
        }
        return 0;
}

static int add_architecture(struct oci_seccomp *s, uint32_t token) {
        uint32_t *a = realloc(s->architectures, (s->n_architectures + 1) * sizeof *a);
        if (!a)
                return -ENOMEM;
        s->architectures = a;
        s->architectures[s->n_architectures++] = token;
        return 0;
}

/* "SECCOMP_FILTER_FLAG_LOG" -> OCI_SECCOMP_FLAG_LOG, 0 when unknown. */
static uint32_t flag_bit(const char *name) {
        for (size_t k = 0; k < ELEMENTSOF(flag_bits); k++)
                if (strcmp(name, oci_seccomp_flag_names[k]) == 0)
                        return flag_bits[k];
        return 0;
}

static int add_flag(struct oci_seccomp *s, uint32_t bit) {
        s->flags |= bit;
        return 0;
}

/* Rules the spec leaves to the runtime. NOTIFY as the default action would make the runtime's own
 * syscalls between install and execve wait for an agent that has not got the fd yet (runc rejects
 * it too); a notifying profile needs somewhere to send the fd. */
static int check_notify(const struct oci_seccomp *s, const char *path, char **err) {
        bool notify = false;

        if (s->default_action == OCI_SECCOMP_ACT_NOTIFY)
                return json_errorf(err, "%s.defaultAction: SCMP_ACT_NOTIFY cannot be the default action",
                                   path);
        for (size_t i = 0; i < s->n_syscalls; i++)
                notify = notify || s->syscalls[i].action == OCI_SECCOMP_ACT_NOTIFY;
        if (notify && !s->listener_path)
                return json_errorf(err, "%s.listenerPath: required when an action is SCMP_ACT_NOTIFY", path);
        if (s->listener_path && s->listener_path[0] != '/')
                return json_errorf(err, "%s.listenerPath: must be an absolute path, got \"%s\"", path,
                                   s->listener_path);
        return 0;
}

static int parse(json_t *j, const char *path, bool strict, struct oci_seccomp **ret, char **err) {
        static const char *const keys[] = { "defaultAction", "defaultErrnoRet", "architectures", "flags",
                                            "listenerPath", "listenerMetadata", "syscalls", NULL };
        _cleanup_(oci_seccomp_freep) struct oci_seccomp *s = NULL;
        json_t *calls = NULL;
        char p[256], q[256];
        int r;

        if (!json_is_object(j))
                return json_errorf(err, "%s: must be an object", path);
        r = check_keys(j, path, keys, strict, err);
        if (r < 0)
                return r;
        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        r = parse_action(j, "defaultAction", path, &s->default_action, err);
        if (r < 0)
                return r;
        r = parse_errno_ret(j, "defaultErrnoRet", path, s->default_action, &s->has_default_errno_ret,
                            &s->default_errno_ret, err);
        if (r < 0)
                return r;
        r = parse_names(j, "architectures", path, "architecture", arch_token, add_architecture, s, err);
        if (r < 0)
                return r;
        r = parse_names(j, "flags", path, "flag", flag_bit, add_flag, s, err);
        if (r < 0)
                return r;
        r = json_get_string(j, "listenerPath", path, false, &s->listener_path, err);
        if (r < 0)
                return r;
        r = json_get_string(j, "listenerMetadata", path, false, &s->listener_metadata, err);
        if (r < 0)
                return r;
        r = json_get_array(j, "syscalls", path, false, &calls, err);
        if (r < 0)
                return r;
        if (calls) {
                s->syscalls = calloc(json_array_size(calls) ?: 1, sizeof *s->syscalls);
                if (!s->syscalls)
                        return -ENOMEM;
                for (size_t i = 0; i < json_array_size(calls); i++) {
                        json_path_index(p, sizeof p, json_path_key(q, sizeof q, path, "syscalls"), i);
                        s->n_syscalls++;
                        r = parse_syscall(json_array_get(calls, i), p, strict, &s->syscalls[i], err);
                        if (r < 0)
                                return r;
                }
        }
        r = check_notify(s, path, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

int oci_seccomp_parse(json_t *j, const char *path, struct oci_seccomp **ret, char **err) {
        return parse(j, path, false, ret, err);
}

/* A profile holds the linux.seccomp object alone; it is read strictly (unknown fields are errors)
 * and messages name the profile and the field as config.json would. */
int oci_seccomp_parse_profile(const char *text, size_t len, const char *name, struct oci_seccomp **ret,
                              char **err) {
        _cleanup_free_ char *e = NULL;
        json_t *j = NULL;
        int r;

        r = json_load_text(text, len, name, &j, err);
        if (r < 0)
                return r;
        r = parse(j, "linux.seccomp", true, ret, &e);
        json_decref(j);
        if (r < 0 && e)
                (void) json_errorf(err, "%s: %s", name, e);
        return r;
}

int oci_seccomp_load_file(const char *path, struct oci_seccomp **ret, char **err) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r;

        r = read_full_file_at(AT_FDCWD, path, &text, &len);
        if (r < 0) {
                (void) json_errorf(err, "%s: %s", path, strerror(-r));
                return r;
        }
        return oci_seccomp_parse_profile(text, len, path, ret, err);
}
