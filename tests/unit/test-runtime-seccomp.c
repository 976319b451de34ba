/* SPDX-License-Identifier: GPL-2.0-or-later
 * The seccomp engine without a container: parse linux.seccomp, compile, and install the filter in a
 * forked child (with no_new_privs, so no privilege is needed), then look at what the child saw:
 * errno values, the signal that killed it, the notify agent's answer, the cache. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "json-util.h"
#include "seccomp.h"
#include "spec.h"
#include "strv.h"

static struct oci_seccomp *parse_ok(const char *text, bool strict) {
        struct oci_seccomp *s = NULL;
        char *err = NULL;
        int r;

        if (strict)
                r = oci_seccomp_parse_profile(text, strlen(text), "t.json", &s, &err);
        else {
                json_t *j = NULL;
                cr_assert_eq(json_load_text(text, strlen(text), "t", &j, &err), 0);
                r = oci_seccomp_parse(j, "linux.seccomp", &s, &err);
                json_decref(j);
        }
        cr_assert_eq(r, 0, "parse failed: %s", err ? err : "?");
        return s;
}

/* Bad input: each case names the field. */
struct bad_case {
        const char *json;
        const char *message;
};

static const struct bad_case bad_cases[] = {
        { "{\"defaultAction\":\"SCMP_ACT_FOO\"}",
          "t.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"" },
        { "{}", "t.json: linux.seccomp.defaultAction: required" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\"},"
          "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\"},{\"names\":[\"b\"],\"action\":\"SCMP_ACT_ERRNO\"},"
          "{\"names\":[\"dup\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_FOO\"}]}]}",
          "t.json: linux.seccomp.syscalls[3].args[0].op: unknown operator \"SCMP_CMP_FOO\"" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_Z80\"]}",
          "t.json: linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_BOGUS\"]}",
          "t.json: linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}",
          "t.json: linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"dup\"],\"action\":\"SCMP_ACT_ERRNO\","
          "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
          "t.json: linux.seccomp.syscalls[0].args[0].index: 6 is out of range (syscalls have arguments 0..5)" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"dup\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoret\":1}]}",
          "t.json: linux.seccomp.syscalls[0]: unknown field \"errnoret\"" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}]}",
          "t.json: linux.seccomp.syscalls[0].names: must be a non-empty array" },
        { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
          "t.json: linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY" },
        { "{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/x\"}",
          "t.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action" },
        { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":70000}",
          "t.json: linux.seccomp.defaultErrnoRet: 70000 is out of range (0..65535)" },
};

Test(seccomp_spec, bad_input_names_the_field) {
        for (size_t i = 0; i < ELEMENTSOF(bad_cases); i++) {
                const struct bad_case *c = &bad_cases[i];
                struct oci_seccomp *s = NULL;
                char *err = NULL;

                cr_assert_eq(oci_seccomp_parse_profile(c->json, strlen(c->json), "t.json", &s, &err), -EINVAL,
                             "case %zu", i);
                cr_assert_null(s);
                cr_assert_str_eq(err, c->message, "case %zu", i);
                free(err);
        }
}

Test(seccomp_spec, config_ignores_unknown_fields_and_reads_everything) {
        struct oci_seccomp *s = parse_ok(
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"future\":1,"
                "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_AARCH64\"],"
                "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
                "\"listenerPath\":\"/run/agent.sock\",\"listenerMetadata\":\"m\","
                "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\",\"x\":2},"
                "{\"names\":[\"fchmod\"],\"action\":\"SCMP_ACT_NOTIFY\",\"args\":[{\"index\":1,"
                "\"value\":18446744073709551615,\"valueTwo\":2048,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}", false);
        cr_assert_eq(s->default_action, OCI_SECCOMP_ACT_ERRNO);
        cr_assert(s->has_default_errno_ret);
        cr_assert_eq(s->default_errno_ret, 38);
        cr_assert_eq(s->n_architectures, 2);
        cr_assert_str_eq(oci_seccomp_arch_to_string(s->architectures[1]), "SCMP_ARCH_AARCH64");
        cr_assert_eq(s->flags, OCI_SECCOMP_FLAG_LOG | OCI_SECCOMP_FLAG_SPEC_ALLOW);
        cr_assert_str_eq(s->listener_path, "/run/agent.sock");
        cr_assert_eq(s->n_syscalls, 2);
        cr_assert_str_eq(s->syscalls[0].names[1], "write");
        cr_assert_eq(s->syscalls[1].args[0].value, UINT64_MAX);
        cr_assert_eq(s->syscalls[1].args[0].value_two, 2048);
        cr_assert_eq(s->syscalls[1].args[0].op, OCI_SECCOMP_OP_MASKED_EQ);
        oci_seccomp_free(s);
}

/* Fork; the child sets no_new_privs, installs the profile and runs fn; returns the wait status. */
static int run_filtered(const char *profile, int (*fn)(void)) {
        struct oci_seccomp *s = parse_ok(profile, true);
        struct husk_seccomp *f = NULL;
        char *err = NULL;

        cr_assert_eq(seccomp_prepare(s, NULL, &f, &err), 0, "%s", err ? err : "");
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                int fd = -1;
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_install(f, &fd, NULL) < 0)
                        _exit(100);
                _exit(fn());
        }
        int status = 0;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        husk_seccomp_free(f);
        oci_seccomp_free(s);
        return status;
}

static int child_errno_of_getppid(void) {
        return syscall(SYS_getppid) == -1 ? errno : 0;
}

Test(seccomp_filter, errno_action_returns_configured_errno) {
        int st = run_filtered("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
                              "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}", child_errno_of_getppid);
        cr_assert(WIFEXITED(st));
        cr_assert_eq(WEXITSTATUS(st), 42);
}

Test(seccomp_filter, errno_without_errnoret_is_eperm) {
        int st = run_filtered("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
                              "\"action\":\"SCMP_ACT_ERRNO\"}]}", child_errno_of_getppid);
        cr_assert_eq(WEXITSTATUS(st), EPERM);
}

/* The built-in default profile (ENOSYS for what it does not list) without getppid in its
 * allow-list: getppid() fails with ENOSYS, and everything else the child (and a sanitizer
 * runtime) does keeps working. */
Test(seccomp_filter, default_errno_applies_to_unlisted) {
        const char *text = seccomp_builtin_profile("default");
        json_t *j = json_loads(text, 0, NULL), *names = NULL;
        cr_assert_not_null(j);
        names = json_object_get(json_array_get(json_object_get(j, "syscalls"), 0), "names");
        for (size_t i = json_array_size(names); i-- > 0;)
                if (strcmp(json_string_value(json_array_get(names, i)), "getppid") == 0)
                        json_array_remove(names, i);
        _cleanup_free_ char *profile = json_dumps(j, 0);
        json_decref(j);

        int st = run_filtered(profile, child_errno_of_getppid);
        cr_assert_eq(WEXITSTATUS(st), ENOSYS);
}

Test(seccomp_filter, kill_process_kills_with_sigsys) {
        int st = run_filtered("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
                              "\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}", child_errno_of_getppid);
        cr_assert(WIFSIGNALED(st));
        cr_assert_eq(WTERMSIG(st), SIGSYS);
}

Test(seccomp_filter, trap_raises_sigsys) {
        int st = run_filtered("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
                              "\"action\":\"SCMP_ACT_TRAP\"}]}", child_errno_of_getppid);
        cr_assert(WIFSIGNALED(st));
        cr_assert_eq(WTERMSIG(st), SIGSYS);
}

Test(seccomp_filter, log_allows) {
        int st = run_filtered("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
                              "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_LOG\"}]}",
                              child_errno_of_getppid);
        cr_assert_eq(WEXITSTATUS(st), 0);
}

/* dup(fd): arg 0 == 999 -> EACCES by the filter; other fds reach the kernel (EBADF). */
static int child_dup_args(void) {
        bool filtered = syscall(SYS_dup, 999) == -1 && errno == EACCES;
        bool passed = syscall(SYS_dup, 998) == -1 && errno == EBADF;
        return filtered && passed ? 0 : 1;
}

Test(seccomp_filter, argument_comparison) {
        int st = run_filtered("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"dup\"],"
                              "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,"
                              "\"args\":[{\"index\":0,\"value\":999,\"op\":\"SCMP_CMP_EQ\"}]}]}", child_dup_args);
        cr_assert_eq(WEXITSTATUS(st), 0);
}

/* Two comparisons of one argument: any may match (runc's rule), here 0x1000 or 0x2000 set. */
static int child_masked_or(void) {
        bool a = syscall(SYS_dup3, 1000, 1001, 0x1000) == -1 && errno == EXDEV;
        bool b = syscall(SYS_dup3, 1000, 1001, 0x2000) == -1 && errno == EXDEV;
        bool c = syscall(SYS_dup3, 1000, 1001, 0) == -1 && errno == EBADF;
        return a && b && c ? 0 : 1;
}

Test(seccomp_filter, masked_eq_repeated_index_is_or) {
        int st = run_filtered("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"dup3\"],"
                              "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,\"args\":["
                              "{\"index\":2,\"value\":4096,\"valueTwo\":4096,\"op\":\"SCMP_CMP_MASKED_EQ\"},"
                              "{\"index\":2,\"value\":8192,\"valueTwo\":8192,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
                              child_masked_or);
        cr_assert_eq(WEXITSTATUS(st), 0);
}

Test(seccomp_filter, unknown_syscall_skipped_or_fatal) {
        const char *p = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\","
                        "\"no_such_syscall\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
        struct oci_seccomp *s = parse_ok(p, true);
        struct husk_seccomp *f = NULL;
        char *err = NULL;

        cr_assert_eq(seccomp_prepare(s, NULL, &f, &err), 0);
        cr_assert_str_eq(f->skipped[0], "no_such_syscall");
        cr_assert_null(f->skipped[1]);
        _cleanup_strv_free_ char **notes = NULL;
        cr_assert_eq(seccomp_debug_notes(f, &notes), 0);
        cr_assert_str_eq(notes[0], "seccomp: unknown syscall \"no_such_syscall\" skipped");
        cr_assert(strstr(notes[1], "compiled"), "%s", notes[1]);
        husk_seccomp_free(f);
        f = NULL;

        cr_assert_eq(seccomp_prepare_opts(s, &(struct seccomp_options) { .fail_unknown_syscall = true },
                                          &f, &err), -EINVAL);
        cr_assert_str_eq(err, "linux.seccomp.syscalls[0].names[1]: unknown syscall \"no_such_syscall\"");
        free(err);
        oci_seccomp_free(s);
}

Test(seccomp_cache, second_prepare_loads_the_cached_bpf) {
        char root[] = "/tmp/husk-seccomp-cache-XXXXXX";
        struct oci_seccomp *s = parse_ok("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                                         "[\"getppid\",\"nope_nope\"],\"action\":\"SCMP_ACT_ERRNO\"}]}", true);
        struct husk_seccomp *a = NULL, *b = NULL, *c = NULL;
        char path[256], cmd[300];

        cr_assert_not_null(mkdtemp(root));
        cr_assert_eq(seccomp_prepare(s, root, &a, NULL), 0);
        cr_assert_not(a->from_cache);
        cr_assert_eq(seccomp_prepare(s, root, &b, NULL), 0);
        cr_assert(b->from_cache);
        cr_assert_eq(a->n_bpf, b->n_bpf);
        cr_assert_eq(memcmp(a->bpf, b->bpf, a->n_bpf * sizeof *a->bpf), 0);
        cr_assert_str_eq(b->skipped[0], "nope_nope");

        /* An entry others could have written is never trusted. */
        snprintf(cmd, sizeof cmd, "chmod 0666 %s/@seccomp-cache/*.bpf", root);
        cr_assert_eq(system(cmd), 0);
        cr_assert_eq(seccomp_prepare(s, root, &c, NULL), 0);
        cr_assert_not(c->from_cache);

        snprintf(path, sizeof path, "rm -rf %s", root);
        cr_assert_eq(system(path), 0);
        husk_seccomp_free(a);
        husk_seccomp_free(b);
        husk_seccomp_free(c);
        oci_seccomp_free(s);
}

Test(seccomp_profiles, builtin_profiles_compile) {
        for (size_t i = 0; seccomp_builtin_profile_names[i]; i++) {
                const char *name = seccomp_builtin_profile_names[i];
                const char *text = seccomp_builtin_profile(name);
                struct oci_seccomp *s = NULL;
                struct husk_seccomp *f = NULL;
                char *err = NULL;

                cr_assert_eq(oci_seccomp_parse_profile(text, strlen(text), name, &s, &err), 0, "%s", err);
                cr_assert_eq(seccomp_prepare_opts(s, &(struct seccomp_options) { .fail_unknown_syscall = true },
                                                  &f, &err), 0, "%s: %s", name, err);
                cr_assert_gt(f->n_bpf, 1);
                husk_seccomp_free(f);
                oci_seccomp_free(s);
        }
        cr_assert_not_null(seccomp_builtin_profile("default"));
        cr_assert_null(seccomp_builtin_profile("nonexistent"));
}

/* SCMP_ACT_NOTIFY end to end: the child installs the filter and passes the listener fd to the
 * parent (as the container's init does over the sync socket); the parent hands it to the agent at
 * listenerPath with the process state; the agent answers getppid() with 4242. */
static void send_fd(int sock, int fd) {
        union {
                struct cmsghdr h;
                char b[CMSG_SPACE(sizeof(int))];
        } control = {};
        char byte = 'f';
        struct iovec iov = { &byte, 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
                             .msg_controllen = sizeof control };
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
        if (sendmsg(sock, &mh, 0) != 1)
                _exit(101);
}

static int recv_fd(int sock) {
        union {
                struct cmsghdr h;
                char b[CMSG_SPACE(sizeof(int))];
        } control = {};
        char byte;
        struct iovec iov = { &byte, 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
                             .msg_controllen = sizeof control };
        int fd = -1;
        cr_assert_eq(recvmsg(sock, &mh, MSG_CMSG_CLOEXEC), 1);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        cr_assert_not_null(c);
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
        return fd;
}

static pid_t start_agent(const char *sock, const char *out) {
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                execl(SECCOMP_AGENT, SECCOMP_AGENT, sock, out, "4242", (char *) NULL);
                _exit(127);
        }
        for (int i = 0; i < 500 && access(sock, F_OK) < 0; i++)
                usleep(10000);
        cr_assert_eq(access(sock, F_OK), 0, "the agent did not create %s", sock);
        return pid;
}

/* The notify test's temp dir, removed by its .fini also when an assertion fails. */
static char notify_dir[] = "/tmp/husk-seccomp-notify-XXXXXX";
static bool notify_dir_made;

static void notify_dir_remove(void) {
        char cmd[160];
        if (!notify_dir_made)
                return;
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", notify_dir);
        (void) !system(cmd);
}

Test(seccomp_notify, listener_reaches_agent_which_answers, .timeout = 120, .fini = notify_dir_remove) {
        char *dir = notify_dir, sock[128], out[128], profile[512], state[256];
        _cleanup_free_ char *msg = NULL, *got = NULL;
        struct oci_seccomp *s = NULL;
        struct husk_seccomp *f = NULL;
        char *err = NULL;
        int sv[2], st = 0;

        cr_assert_not_null(mkdtemp(dir));
        notify_dir_made = true;
        snprintf(sock, sizeof sock, "%s/agent.sock", dir);
        snprintf(out, sizeof out, "%s/state.json", dir);
        snprintf(profile, sizeof profile, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
                 "\"listenerMetadata\":\"meta-1\",\"syscalls\":[{\"names\":[\"getppid\"],"
                 "\"action\":\"SCMP_ACT_NOTIFY\"}]}", sock);
        s = parse_ok(profile, true);
        cr_assert_eq(seccomp_prepare(s, NULL, &f, &err), 0, "%s", err ? err : "");
        cr_assert(f->has_notify);
        pid_t agent = start_agent(sock, out);

        cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        pid_t child = fork();
        cr_assert_geq(child, 0);
        if (child == 0) {
                int fd = -1;
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_install(f, &fd, NULL) < 0 || fd < 0)
                        _exit(100);
                send_fd(sv[1], fd);
                close(fd);
                _exit(syscall(SYS_getppid) == 4242 ? 0 : 1);
        }
        int listener = recv_fd(sv[0]);
        snprintf(state, sizeof state, "{\"ociVersion\":\"1.2.0\",\"id\":\"t1\",\"status\":\"creating\","
                 "\"pid\":%d,\"bundle\":\"/b\"}", (int) child);
        cr_assert_eq(seccomp_process_state_build(state, f->listener_metadata, &msg, &err), 0);
        cr_assert_eq(seccomp_send_listener(f->listener_path, listener, msg, &err), 0, "%s", err ? err : "");
        close(listener);

        cr_assert_eq(waitpid(child, &st, 0), child);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child did not get the agent's answer");
        cr_assert_eq(waitpid(agent, &st, 0), agent);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the agent failed");

        cr_assert_eq(read_full_file_at(AT_FDCWD, out, &got, NULL), 0);
        json_t *j = json_loads(got, 0, NULL);
        cr_assert_not_null(j, "agent got: %s", got);
        cr_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "fds"), 0)), "seccompFd");
        cr_assert_str_eq(json_string_value(json_object_get(j, "metadata")), "meta-1");
        cr_assert_eq(json_integer_value(json_object_get(j, "pid")), child);
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "state"), "id")), "t1");
        json_decref(j);

        husk_seccomp_free(f);
        oci_seccomp_free(s);
}

/* Every linux.seccomp flag reaches seccomp(2) and is accepted by this kernel (WAIT_KILLABLE_RECV
 * only matters, and is only passed, with a listener). */
Test(seccomp_filter, all_flags_install) {
        int st = run_filtered("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\","
                              "\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
                              "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],\"syscalls\":[{\"names\":[\"getppid\"],"
                              "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7}]}", child_errno_of_getppid);
        cr_assert(WIFEXITED(st));
        cr_assert_eq(WEXITSTATUS(st), 7, "status %d (100: install failed)", WEXITSTATUS(st));
}

Test(seccomp_check, names_missing_on_a_declared_arch) {
        struct oci_seccomp *s = parse_ok("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":"
                                         "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":"
                                         "[\"read\",\"newfstatat\",\"socket\"],\"action\":\"SCMP_ACT_ERRNO\"}]}", true);
        _cleanup_strv_free_ char **problems = NULL;

        cr_assert_eq(seccomp_check_names(s, &problems), 0);
        cr_assert_not_null(problems);
        cr_assert_str_eq(problems[0], "linux.seccomp.syscalls[0].names[1]: \"newfstatat\" is not a syscall "
                         "on SCMP_ARCH_X86");
        cr_assert_null(problems[1], "socket is reached through socketcall on x86: %s", problems[1]);
        oci_seccomp_free(s);
}

/* seccomp_prepare_spec: the engine's profile wins; the annotation only fills in for a missing one. */
static struct oci_spec *spec_with(const char *seccomp_json, const char *profile, const char *fail_unknown) {
        struct oci_spec *spec = calloc(1, sizeof *spec);
        cr_assert_not_null(spec);
        spec->annotations = calloc(2, sizeof *spec->annotations);
        if (profile)
                spec->annotations[spec->n_annotations++] =
                        (struct oci_annotation) { (char *) SECCOMP_ANNOTATION_PROFILE, (char *) profile };
        if (fail_unknown)
                spec->annotations[spec->n_annotations++] =
                        (struct oci_annotation) { (char *) SECCOMP_ANNOTATION_FAIL_UNKNOWN, (char *) fail_unknown };
        if (seccomp_json)
                cr_assert_eq(json_load_text(seccomp_json, strlen(seccomp_json), "t",
                                            (json_t **) &spec->linux_.seccomp_json, NULL), 0);
        return spec;
}

static void spec_done(struct oci_spec *spec) {
        json_decref((json_t *) spec->linux_.seccomp_json);
        free(spec->annotations);
        free(spec);
}

Test(seccomp_profile, annotation_fills_in_only_for_a_missing_profile) {
        const char *engine = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"no_such\"],"
                             "\"action\":\"SCMP_ACT_ERRNO\"}]}";
        struct husk_seccomp *f = NULL;
        char *err = NULL;

        struct oci_spec *none = spec_with(NULL, NULL, NULL);
        cr_assert_eq(seccomp_prepare_spec(none, NULL, &f, &err), 0);
        cr_assert_null(f, "no linux.seccomp and no annotation: no filter");
        spec_done(none);

        struct oci_spec *deflt = spec_with(NULL, "default", NULL);
        cr_assert_eq(seccomp_prepare_spec(deflt, NULL, &f, &err), 0, "%s", err);
        cr_assert_not_null(f);
        cr_assert_gt(f->n_bpf, 100, "the default profile is large, got %zu", f->n_bpf);
        husk_seccomp_free(f);
        spec_done(deflt);

        struct oci_spec *both = spec_with(engine, "default", NULL);
        cr_assert_eq(seccomp_prepare_spec(both, NULL, &f, &err), 0);
        cr_assert_str_eq(f->skipped[0], "no_such", "the engine's profile must be the one compiled");
        husk_seccomp_free(f);
        spec_done(both);

        struct oci_spec *strict = spec_with(engine, NULL, "true");
        cr_assert_eq(seccomp_prepare_spec(strict, NULL, &f, &err), -EINVAL);
        cr_assert_str_eq(err, "linux.seccomp.syscalls[0].names[0]: unknown syscall \"no_such\"");
        free(err);
        err = NULL;
        spec_done(strict);

        struct oci_spec *bad = spec_with(engine, NULL, "maybe");
        cr_assert_eq(seccomp_prepare_spec(bad, NULL, &f, &err), -EINVAL);
        cr_assert_str_eq(err, "annotations.run.oci.husk.seccomp_fail_unknown_syscall: must be a boolean, "
                         "got \"maybe\"");
        free(err);
        err = NULL;
        spec_done(bad);

        struct oci_spec *unknown = spec_with(NULL, "nope", NULL);
        cr_assert_eq(seccomp_prepare_spec(unknown, NULL, &f, &err), -EINVAL);
        cr_assert(strstr(err, "unknown profile \"nope\""), "%s", err);
        free(err);
        spec_done(unknown);
}

/* Every profile in policies/ is listed in src/runtime/meson.build (seccomp_policies), hence built
 * in and run through `husk policy check` by the policy-check test. */
Test(seccomp_profiles, every_policy_file_is_built_in) {
        _cleanup_closedir_ DIR *d = opendir(FIXTURES_DIR "/../../policies");
        struct dirent *de;
        size_t n = 0;

        cr_assert_not_null(d);
        while ((de = readdir(d))) {
                size_t l = strlen(de->d_name);
                if (l <= 5 || strcmp(de->d_name + l - 5, ".json") != 0)
                        continue;
                char name[256];
                snprintf(name, sizeof name, "%.*s", (int) (l - 5), de->d_name);
                cr_assert_not_null(seccomp_builtin_profile(name),
                                   "policies/%s is missing from seccomp_policies in src/runtime/meson.build",
                                   de->d_name);
                n++;
        }
        cr_assert_eq(n, strv_length((char **) seccomp_builtin_profile_names));
}
