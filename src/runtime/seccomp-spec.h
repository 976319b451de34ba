/* SPDX-License-Identifier: GPL-2.0-or-later
 * linux.seccomp of the OCI runtime-spec as typed structs, and its parser.
 *
 * oci_seccomp_parse() checks everything that can be checked without compiling a filter: action,
 * operator, architecture and flag names, argument indexes, errnoRet only where it means something.
 * In config.json unknown fields are ignored (the spec says so); in profile files they are errors
 * (a misspelt "errnoRet" would silently turn a deny into EPERM). Syscall names are resolved later, by seccomp.c,
 * because whether an unknown name is an error is a runtime option. Errors name the JSON path:
 * `linux.seccomp.syscalls[3].args[0].op: unknown operator "SCMP_CMP_FOO"`. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An action as named in the spec. The numeric SCMP_ACT_* value is built by seccomp.c from this and
 * the errnoRet that goes with it. */
enum oci_seccomp_action {
        OCI_SECCOMP_ACT_KILL,           /* SCMP_ACT_KILL: kill the thread */
        OCI_SECCOMP_ACT_KILL_PROCESS,
        OCI_SECCOMP_ACT_KILL_THREAD,
        OCI_SECCOMP_ACT_TRAP,
        OCI_SECCOMP_ACT_ERRNO,
        OCI_SECCOMP_ACT_TRACE,
        OCI_SECCOMP_ACT_ALLOW,
        OCI_SECCOMP_ACT_LOG,
        OCI_SECCOMP_ACT_NOTIFY,
        _OCI_SECCOMP_ACT_MAX,
};

/* Argument comparison operators, in the order of libseccomp's enum scmp_compare minus one. */
enum oci_seccomp_op {
        OCI_SECCOMP_OP_NE,
        OCI_SECCOMP_OP_LT,
        OCI_SECCOMP_OP_LE,
        OCI_SECCOMP_OP_EQ,
        OCI_SECCOMP_OP_GE,
        OCI_SECCOMP_OP_GT,
        OCI_SECCOMP_OP_MASKED_EQ,
        _OCI_SECCOMP_OP_MAX,
};

/* linux.seccomp.flags: the bits passed to seccomp(SECCOMP_SET_MODE_FILTER). */
#define OCI_SECCOMP_FLAG_TSYNC              (1u << 0)   /* SECCOMP_FILTER_FLAG_TSYNC */
#define OCI_SECCOMP_FLAG_LOG                (1u << 1)   /* SECCOMP_FILTER_FLAG_LOG */
#define OCI_SECCOMP_FLAG_SPEC_ALLOW         (1u << 2)   /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */
#define OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV (1u << 5)   /* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV */

struct oci_seccomp_arg {
        unsigned index;                 /* 0..5 */
        uint64_t value;
        uint64_t value_two;             /* the datum for SCMP_CMP_MASKED_EQ (value is the mask) */
        enum oci_seccomp_op op;
};

/* One linux.seccomp.syscalls[] entry. */
struct oci_seccomp_syscall {
        char **names;                   /* strv, at least one */
        enum oci_seccomp_action action;
        bool has_errno_ret;
        uint32_t errno_ret;             /* only with ERRNO or TRACE */
        struct oci_seccomp_arg *args;
        size_t n_args;
};

struct oci_seccomp {
        enum oci_seccomp_action default_action;
        bool has_default_errno_ret;
        uint32_t default_errno_ret;
        uint32_t *architectures;        /* SCMP_ARCH_* tokens, in the order given */
        size_t n_architectures;
        unsigned flags;                 /* OCI_SECCOMP_FLAG_* */
        char *listener_path;            /* required when any action is SCMP_ACT_NOTIFY */
        char *listener_metadata;
        struct oci_seccomp_syscall *syscalls;
        size_t n_syscalls;
};

/* Parse a linux.seccomp object; path is its JSON path ("linux.seccomp") for messages. Returns 0,
 * or -EINVAL/-ENOMEM with *err set to "<path>...: <what is wrong>" (err may be NULL). */
int oci_seccomp_parse(json_t *j, const char *path, struct oci_seccomp **ret, char **err);
/* A profile (a bare linux.seccomp object, as policies/ holds) from text or a file. Read strictly:
 * unknown fields are errors. Messages start with name (or path), then the field:
 * "strict.json: linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"". */
int oci_seccomp_parse_profile(const char *text, size_t len, const char *name, struct oci_seccomp **ret,
                              char **err);
int oci_seccomp_load_file(const char *path, struct oci_seccomp **ret, char **err);
void oci_seccomp_free(struct oci_seccomp *s);
static inline void oci_seccomp_freep(struct oci_seccomp **s) {
        oci_seccomp_free(*s);
}

/* Name tables (for `husk features` and messages): "SCMP_ACT_ERRNO", "SCMP_CMP_EQ",
 * "SCMP_ARCH_X86_64", "SECCOMP_FILTER_FLAG_TSYNC". Each list is NULL-terminated. */
extern const char *const oci_seccomp_action_names[];     /* indexed by enum oci_seccomp_action */
extern const char *const oci_seccomp_op_names[];         /* indexed by enum oci_seccomp_op */
extern const char *const oci_seccomp_arch_names[];       /* those this libseccomp knows */
extern const char *const oci_seccomp_flag_names[];
const char *oci_seccomp_action_to_string(enum oci_seccomp_action a);
const char *oci_seccomp_op_to_string(enum oci_seccomp_op op);
/* SCMP_ARCH_* token -> "SCMP_ARCH_X86_64", or NULL. */
const char *oci_seccomp_arch_to_string(uint32_t arch);
