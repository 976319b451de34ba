/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk policy check|compile|list|show: work with seccomp profiles (the linux.seccomp object of
 * config.json, alone in a file, as policies/ holds them; format in husk-policy(5)).
 *
 * check is strict where the runtime is lenient: unknown fields, and syscall names missing on a
 * declared architecture, are errors here (the runtime ignores the first, as the spec says, and
 * skips the second, as runc does), so a profile that passes means what it says everywhere. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "seccomp.h"
#include "strv.h"

static const char usage[] =
        "Usage: husk policy check FILE...\n"
        "       husk policy compile [-o OUT] FILE\n"
        "       husk policy list\n"
        "       husk policy show NAME\n\n"
        "Check and compile seccomp profiles (the linux.seccomp object of config.json; see\n"
        "husk-policy(5)).\n\n"
        "  check     parse strictly (unknown fields, actions, operators, architectures and flags\n"
        "            are errors), resolve every syscall name on every declared architecture, and\n"
        "            compile; prints one line per file\n"
        "  compile   write the BPF program (struct sock_filter[]) to OUT, or to standard output\n"
        "            when it is not a terminal, and report its size\n"
        "  list      the profiles built into husk (run.oci.husk.seccomp_profile=NAME)\n"
        "  show      print a built-in profile\n\n"
        "Options:\n"
        "  -o, --output OUT   compile: write the BPF program to OUT\n"
        "  -h, --help         show this help\n";

static int handle(int c, const char *arg, void *userdata) {
        const char **out = userdata;
        if (c != 'o')
                return -EINVAL;
        *out = arg;
        return 0;
}

static size_t count_names(const struct oci_seccomp *s) {
        size_t n = 0;
        for (size_t i = 0; i < s->n_syscalls; i++)
                n += strv_length(s->syscalls[i].names);
        return n;
}

/* Load, check names, compile (unknown names fatal): 0 when the profile is good. */
static int check_one(const char *path) {
        _cleanup_free_ char *err = NULL;
        _cleanup_strv_free_ char **problems = NULL;
        _cleanup_(oci_seccomp_freep) struct oci_seccomp *s = NULL;
        _cleanup_(husk_seccomp_freep) struct husk_seccomp *f = NULL;
        int r;

        r = oci_seccomp_load_file(path, &s, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err ?: strerror(-r));
        r = seccomp_check_names(s, &problems);
        if (r < 0)
                return log_error_errno(r, "%s: %m", path);
        for (size_t i = 0; problems && problems[i]; i++)
                log_error("%s: %s", path, problems[i]);
        if (problems)
                return -EINVAL;
        r = seccomp_prepare_opts(s, &(struct seccomp_options) { .fail_unknown_syscall = true }, &f, &err);
        if (r < 0)
                return log_error_errno(r, "%s: %s", path, err ?: strerror(-r));
        printf("%s: ok (%zu rules, %zu syscall names, %zu architectures, %zu BPF instructions)\n", path,
               s->n_syscalls, count_names(s), s->n_architectures ?: 1, f->n_bpf);
        return 0;
}

static int verb_check(char **files) {
        int ret = EXIT_SUCCESS;
        if (!files[0]) {
                log_error("policy check: expects FILE...");
                return EXIT_FAILURE;
        }
        for (size_t i = 0; files[i]; i++)
                if (check_one(files[i]) < 0)
                        ret = EXIT_FAILURE;
        return ret;
}

static int verb_compile(char **files, const char *output) {
        _cleanup_free_ char *err = NULL;
        _cleanup_close_ int fd = -EBADF;
        _cleanup_(oci_seccomp_freep) struct oci_seccomp *s = NULL;
        _cleanup_(husk_seccomp_freep) struct husk_seccomp *f = NULL;
        int r;

        if (!files[0] || files[1]) {
                log_error("policy compile: expects one FILE");
                return EXIT_FAILURE;
        }
        if (!output && isatty(STDOUT_FILENO)) {
                log_error("policy compile: standard output is a terminal; use -o OUT");
                return EXIT_FAILURE;
        }
        r = oci_seccomp_load_file(files[0], &s, &err);
        if (r < 0) {
                log_error("%s", err ?: strerror(-r));
                return EXIT_FAILURE;
        }
        r = seccomp_prepare_opts(s, &(struct seccomp_options) {}, &f, &err);
        if (r < 0) {
                log_error("%s: %s", files[0], err ?: strerror(-r));
                return EXIT_FAILURE;
        }
        for (size_t i = 0; f->skipped && f->skipped[i]; i++)
                log_warning("%s: unknown syscall \"%s\" skipped", files[0], f->skipped[i]);
        fd = output ? open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : dup(STDOUT_FILENO);
        if (fd < 0) {
                log_error_errno(errno, "%s: %m", output ?: "standard output");
                return EXIT_FAILURE;
        }
        r = seccomp_write_bpf(f, fd);
        if (r < 0) {
                log_error_errno(r, "%s: %m", output ?: "standard output");
                return EXIT_FAILURE;
        }
        /* The size goes where the program does not. */
        fprintf(output ? stdout : stderr, "%s: %zu BPF instructions, %zu bytes\n", files[0], f->n_bpf,
                f->n_bpf * sizeof(struct sock_filter));
        return EXIT_SUCCESS;
}

static int verb_show(char **names) {
        const char *text;
        if (!names[0] || names[1]) {
                log_error("policy show: expects one NAME (see husk policy list)");
                return EXIT_FAILURE;
        }
        text = seccomp_builtin_profile(names[0]);
        if (!text) {
                log_error("policy show: no built-in profile \"%s\" (see husk policy list)", names[0]);
                return EXIT_FAILURE;
        }
        fputs(text, stdout);
        return EXIT_SUCCESS;
}

int verb_policy(int argc, char **argv, const struct global_args *g) {
        static const struct option options[] = {
                { "output", required_argument, NULL, 'o' },
                { "help",   no_argument,       NULL, 'h' },
                {}
        };
        const char *output = NULL;
        int ret;
        int first = verb_getopt(argc, argv, "o:", options, usage, handle, &output, &ret);
        if (first < 0)
                return ret;
        if (first >= argc) {
                log_error("policy: expects a command: check, compile, list or show");
                fputs(usage, stderr);
                return EXIT_FAILURE;
        }
        char **sub = argv + first, **rest = sub + 1;
        const char *cmd = sub[0];
        /* Options may also follow the command ("husk policy compile -o x.bpf f.json"). */
        if (strcmp(cmd, "compile") == 0) {
                int k = verb_getopt(argc - first, sub, "o:", options, usage, handle, &output, &ret);
                if (k < 0)
                        return ret;
                rest = sub + k;
        }
        if (strcmp(cmd, "check") == 0)
                return verb_check(rest);
        if (strcmp(cmd, "compile") == 0)
                return verb_compile(rest, output);
        if (strcmp(cmd, "list") == 0) {
                for (size_t i = 0; seccomp_builtin_profile_names[i]; i++)
                        printf("%s\n", seccomp_builtin_profile_names[i]);
                return EXIT_SUCCESS;
        }
        if (strcmp(cmd, "show") == 0)
                return verb_show(rest);
        log_error("policy: unknown command '%s' (check, compile, list or show)", cmd);
        return EXIT_FAILURE;
}
