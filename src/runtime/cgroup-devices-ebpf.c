/* SPDX-License-Identifier: GPL-2.0-or-later
 * Device rules on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program (cgroup-v2.rst, "Device
 * controller"), and the same rules as devices.deny/devices.allow lines on v1.
 *
 * Semantics (both versions): rules apply in order and the last one that matches decides, as in
 * the v1 controller; a request nothing matches is allowed. An allow rule matches when it covers
 * every access asked for (open rw needs "rw"); a deny rule matches when it covers any of them.
 * The program tests the rules last to first and returns at the first match. */
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "json-util.h"

#define R0 0
#define R1 1
#define R2 2
#define R3 3
#define R4 4
#define R5 5

struct prog {
        struct bpf_insn *insns;
        size_t n, cap;
};

static int emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
        if (p->n == p->cap) {
                size_t cap = p->cap ? p->cap * 2 : 64;
                struct bpf_insn *n = realloc(p->insns, cap * sizeof *n);
                if (!n)
                        return -ENOMEM;
                p->insns = n;
                p->cap = cap;
        }
        p->insns[p->n++] = (struct bpf_insn) { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
        return 0;
}

static unsigned bpf_access(unsigned oci) {
        return (oci & OCI_DEVICE_ACCESS_READ ? BPF_DEVCG_ACC_READ : 0) |
               (oci & OCI_DEVICE_ACCESS_WRITE ? BPF_DEVCG_ACC_WRITE : 0) |
               (oci & OCI_DEVICE_ACCESS_MKNOD ? BPF_DEVCG_ACC_MKNOD : 0);
}

/* Instructions of one rule's block, so its jumps can target the next block. */
static size_t block_len(const struct oci_device_rule *d) {
        size_t n = 2;                                   /* r0 = verdict; exit */
        n += d->type != 'a';
        n += d->access != OCI_DEVICE_ACCESS_ALL ? 3 : 0;
        n += d->major >= 0;
        n += d->minor >= 0;
        return n;
}

static int emit_rule(struct prog *p, const struct oci_device_rule *d) {
        size_t end = p->n + block_len(d);
        int r = 0;
#define SKIP() ((int16_t) (end - (p->n + 1)))
        if (d->type != 'a')
                r = emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R2, 0, SKIP(),
                         d->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
        if (r >= 0 && d->access != OCI_DEVICE_ACCESS_ALL) {
                unsigned a = bpf_access(d->access);
                if ((r = emit(p, BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0)) >= 0 &&
                    (r = emit(p, BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t) (d->allow ? (~a & 7u) : a))) >= 0)
                        /* allow: nothing outside the rule asked for; deny: something inside it */
                        r = emit(p, BPF_JMP32 | (d->allow ? BPF_JNE : BPF_JEQ) | BPF_K, R1, 0, SKIP(), 0);
        }
        if (r >= 0 && d->major >= 0)
                r = emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R4, 0, SKIP(), (int32_t) (uint32_t) d->major);
        if (r >= 0 && d->minor >= 0)
                r = emit(p, BPF_JMP32 | BPF_JNE | BPF_K, R5, 0, SKIP(), (int32_t) (uint32_t) d->minor);
#undef SKIP
        if (r >= 0)
                r = emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, d->allow ? 1 : 0);
        if (r >= 0)
                r = emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        return r;
}

/* r2 = device type, r3 = access, r4 = major, r5 = minor (struct bpf_cgroup_dev_ctx). */
static int build(struct prog *p, const struct oci_device_rule *rules, size_t n) {
        int r;
        if ((r = emit(p, BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0)) < 0 ||
            (r = emit(p, BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xffff)) < 0 ||
            (r = emit(p, BPF_LDX | BPF_MEM | BPF_W, R3, R1, 0, 0)) < 0 ||
            (r = emit(p, BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16)) < 0 ||
            (r = emit(p, BPF_LDX | BPF_MEM | BPF_W, R4, R1, 4, 0)) < 0 ||
            (r = emit(p, BPF_LDX | BPF_MEM | BPF_W, R5, R1, 8, 0)) < 0)
                return r;
        for (size_t i = n; i-- > 0;) {
                if ((r = emit_rule(p, &rules[i])) < 0)
                        return r;
                /* a rule matching everything ends the program: the verifier rejects dead code */
                if (block_len(&rules[i]) == 2)
                        return 0;
        }
        if ((r = emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 1)) < 0)
                return r;
        return emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

int cg_devices_ebpf_attach(int dir_fd, const struct oci_device_rule *rules, size_t n_rules, char **ret_error) {
        struct prog p = {};
        int r = build(&p, rules, n_rules);
        if (r < 0) {
                free(p.insns);
                return r;
        }
        char log[4096] = "";
        union bpf_attr load = {
                .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
                .insns = (uint64_t) (uintptr_t) p.insns,
                .insn_cnt = (uint32_t) p.n,
                .license = (uint64_t) (uintptr_t) "GPL",
        };
        /* bpf(2) makes program fds close-on-exec. Load without a verifier log first: with one,
         * a log that outgrows its buffer fails the load with ENOSPC even when the program
         * verifies (kernel/bpf/verifier.c, bpf_check(); a long linux.resources.devices list
         * does that). Only a refused program is loaded again, for the log's first line. */
        _cleanup_close_ int prog = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
        int e = errno;
        if (prog < 0) {
                load.log_buf = (uint64_t) (uintptr_t) log;
                load.log_size = sizeof log;
                load.log_level = 1;
                _cleanup_close_ int again = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
                if (again >= 0)
                        log[0] = '\0';    /* it passed this time: no reason to show */
        }
        free(p.insns);
        if (prog < 0) {
                log[strcspn(log, "\n")] = '\0';
                return json_errorf(ret_error, "linux.resources.devices: load the eBPF device program: %s%s%s",
                                   strerror(e), *log ? ": " : "", log), -e;
        }
        union bpf_attr attach = {
                .target_fd = (uint32_t) dir_fd,
                .attach_bpf_fd = (uint32_t) prog,
                .attach_type = BPF_CGROUP_DEVICE,
                .attach_flags = BPF_F_ALLOW_MULTI,
        };
        if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach) < 0)
                return json_errorf(ret_error, "linux.resources.devices: attach the eBPF device program: %s",
                                   strerror(errno)), -errno;
        return 0;
}

/* "c 1:3 rwm", with * for a wildcard. */
static void rule_line(const struct oci_device_rule *d, char *buf, size_t n) {
        char ma[24] = "*", mi[24] = "*", acc[4];
        size_t k = 0;
        if (d->major >= 0)
                snprintf(ma, sizeof ma, "%" PRIi64, d->major);
        if (d->minor >= 0)
                snprintf(mi, sizeof mi, "%" PRIi64, d->minor);
        if (d->access & OCI_DEVICE_ACCESS_READ)
                acc[k++] = 'r';
        if (d->access & OCI_DEVICE_ACCESS_WRITE)
                acc[k++] = 'w';
        if (d->access & OCI_DEVICE_ACCESS_MKNOD)
                acc[k++] = 'm';
        acc[k] = '\0';
        if (d->type == 'a')
                snprintf(buf, n, "a");  /* the kernel takes "a" alone for everything */
        else
                snprintf(buf, n, "%c %s:%s %s", d->type, ma, mi, acc);
}

int cg_devices_v1_apply(const char *dir, const struct oci_device_rule *rules, size_t n_rules, char **ret_error) {
        char line[96], field[64];
        for (size_t i = 0; i < n_rules; i++) {
                const struct oci_device_rule *d = &rules[i];
                /* "a" with partial access or numbers is not expressible in v1: spell it per type */
                bool split = d->type == 'a' && (d->access != OCI_DEVICE_ACCESS_ALL || d->major >= 0 || d->minor >= 0);
                snprintf(field, sizeof field, "linux.resources.devices[%zu]", i);
                for (int t = 0; t < (split ? 2 : 1); t++) {
                        struct oci_device_rule x = *d;
                        if (split)
                                x.type = t == 0 ? 'c' : 'b';
                        rule_line(&x, line, sizeof line);
                        int r = cg_write(dir, d->allow ? "devices.allow" : "devices.deny", line, field, ret_error);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}
