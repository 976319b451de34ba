/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk ps [--format table|json] ID [PS_ARGS...]: the container's processes. json prints a JSON
 * array of pids (as runc); table runs the host's ps(1) with PS_ARGS (default -ef) and keeps its
 * header and the lines of the container's pids (as runc), or prints PID and command line from
 * /proc when there is no ps. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cleanup.h"
#include "container-exec.h"
#include "fileio.h"
#include "parse.h"

extern char **environ;

static const char ps_usage[] =
        "Usage: husk ps [OPTIONS] ID [PS_ARGS...]\n\n"
        "List the processes of a container.\n\n"
        "Options:\n"
        "  -f, --format FORMAT   table (default: the host's ps PS_ARGS, default -ef, filtered to the\n"
        "                        container's pids) or json (an array of pids)\n"
        "  -h, --help            show this help\n";

static int handle(int c, const char *arg, void *userdata) {
        const char **format = userdata;
        if (c != 'f')
                return -EINVAL;
        if (strcmp(arg, "table") != 0 && strcmp(arg, "json") != 0) {
                log_error("--format: must be 'table' or 'json', got '%s'", arg);
                return -EINVAL;
        }
        *format = arg;
        return 0;
}

static bool has_pid(const pid_t *pids, size_t n, pid_t pid) {
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

static void print_json(const pid_t *pids, size_t n) {
        fputc('[', stdout);
        for (size_t i = 0; i < n; i++)
                printf("%s%d", i ? "," : "", (int) pids[i]);
        fputs("]\n", stdout);
}

/* Without ps(1): PID and the command line from /proc. */
static void print_plain(const pid_t *pids, size_t n) {
        printf("%-8s %s\n", "PID", "CMD");
        for (size_t i = 0; i < n; i++) {
                char path[64];
                _cleanup_free_ char *cmd = NULL;
                size_t len = 0;
                snprintf(path, sizeof path, "/proc/%d/cmdline", (int) pids[i]);
                if (read_full_file_at(AT_FDCWD, path, &cmd, &len) < 0)
                        continue;       /* gone meanwhile */
                for (size_t k = 0; k + 1 < len; k++)
                        if (cmd[k] == '\0')
                                cmd[k] = ' ';
                printf("%-8d %s\n", (int) pids[i], len ? cmd : "");
        }
}

/* Run ps with args and read all it prints. -ENOENT when there is no ps. */
static int run_ps(char **args, char **ret) {
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
        pid_t pid;
        int r = posix_spawnp(&pid, "ps", &fa, NULL, args, environ);
        posix_spawn_file_actions_destroy(&fa);
        safe_close(pipefd[1]);
        _cleanup_close_ int out = pipefd[0];
        if (r != 0)
                return -r;
        r = read_full_fd(out, ret, NULL);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (r >= 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
                r = -EIO;
        return r;
}

/* The header line, then each line whose PID column holds one of pids. */
static int print_table(char **ps_args, const pid_t *pids, size_t n) {
        _cleanup_free_ char *out = NULL;
        int r = run_ps(ps_args, &out);
        if (r == -ENOENT) {
                print_plain(pids, n);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "ps %s: %s", ps_args[1] ? ps_args[1] : "",
                                       r == -EIO ? "failed" : strerror(-r));
        char *save = NULL;
        char *header = strtok_r(out, "\n", &save);
        if (!header)
                return log_error_errno(-EBADMSG, "ps: printed nothing");
        _cleanup_free_ char *copy = strdup(header);
        if (!copy)
                return -ENOMEM;
        int column = -1, i = 0;
        char *fsave = NULL;
        for (char *f = strtok_r(copy, " \t", &fsave); f; f = strtok_r(NULL, " \t", &fsave), i++)
                if (strcmp(f, "PID") == 0)
                        column = i;
        if (column < 0)
                return log_error_errno(-EBADMSG, "ps: no PID column in its header: %s", header);
        puts(header);
        for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                _cleanup_free_ char *l = strdup(line);
                if (!l)
                        return -ENOMEM;
                char *lsave = NULL, *f = strtok_r(l, " \t", &lsave);
                for (i = 0; f && i < column; i++)
                        f = strtok_r(NULL, " \t", &lsave);
                unsigned pid;
                if (f && safe_atou(f, &pid) >= 0 && has_pid(pids, n, (pid_t) pid))
                        puts(line);
        }
        return 0;
}

int verb_ps(int argc, char **argv, const struct global_args *g) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                { "help",   no_argument,       NULL, 'h' },
                {}
        };
        const char *format = "table";
        int ret;
        int first = verb_getopt(argc, argv, "f:", options, ps_usage, handle, &format, &ret);
        if (first < 0)
                return ret;
        if (argc - first < 1) {
                log_error("ps: expects a container id");
                fputs(ps_usage, stderr);
                return EXIT_FAILURE;
        }
        const char *id = argv[first];
        bool json = strcmp(format, "json") == 0;
        if (json && argc - first > 1) {
                log_error("ps: PS_ARGS cannot be used with --format json");
                return EXIT_FAILURE;
        }
        _cleanup_free_ char *err = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = container_pids(g->root, id, &pids, &n, &err);
        if (r < 0) {
                log_error_errno(r, "ps: %s", err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        if (json) {
                print_json(pids, n);
                return EXIT_SUCCESS;
        }
        /* ps gets argv[first] replaced: "ps" then PS_ARGS, or "-ef". */
        char *def[] = { (char *) "ps", (char *) "-ef", NULL };
        char **args = def;
        if (argc - first > 1) {
                args = argv + first;
                args[0] = (char *) "ps";
        }
        fflush(stdout);
        return print_table(args, pids, n) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
