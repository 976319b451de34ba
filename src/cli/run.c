/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk run [OPTIONS] ID: create + start; in the foreground, forward signals, wait for the
 * container's process and exit with its status (128+N if killed by signal N), then delete it.
 * With process.terminal and no --console-socket, husk keeps the pty master and relays it to its
 * own stdin/stdout, as runc does. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "fileio.h"

static volatile pid_t forward_pid;

static void forward_signal(int sig) {
        if (forward_pid > 0)
                (void) kill(forward_pid, sig);
}

void cli_forward_signals(pid_t pid) {
        static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };
        struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
        forward_pid = pid;
        for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
                (void) sigaction(sigs[i], &sa, NULL);
}

/* Receive the pty master the container child sent over our socketpair. */
static int recv_master(int sock) {
        char name[64];
        struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = control.buf, .msg_controllen = sizeof control.buf };
        if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT) < 0)
                return -errno;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        if (!c || c->cmsg_type != SCM_RIGHTS)
                return -EBADMSG;
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
        return fd;
}

void cli_relay_pty(int master) {
        struct termios saved;
        bool raw = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
        if (raw) {
                struct termios t = saved;
                cfmakeraw(&t);
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &t);
        }
        struct pollfd p[2] = { { .fd = master, .events = POLLIN }, { .fd = STDIN_FILENO, .events = POLLIN } };
        char buf[4096];
        for (;;) {
                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (p[0].revents & POLLIN) {
                        ssize_t n = read(master, buf, sizeof buf);
                        if (n <= 0)
                                break;
                        (void) loop_write(STDOUT_FILENO, buf, (size_t) n);
                } else if (p[0].revents & (POLLHUP | POLLERR))
                        break;
                if (p[1].revents & POLLIN) {
                        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
                        if (n <= 0)
                                p[1].fd = -1;
                        else
                                (void) loop_write(master, buf, (size_t) n);
                } else if (p[1].revents & (POLLHUP | POLLERR))
                        p[1].fd = -1;
        }
        if (raw)
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}

int cli_wait_exit_status(pid_t pid) {
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "wait for container process %d: %m", (int) pid), 255;
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return WEXITSTATUS(status);
}

int verb_run(int argc, char **argv, const struct global_args *g) {
        struct create_args a;
        int ret;
        if (create_parse_args(argc, argv, g, true, &a, &ret) < 0)
                return ret;
        (void) signal(SIGCHLD, SIG_DFL);        /* we wait for the container and hooks */
        if (!a.detach && !a.no_subreaper)
                (void) prctl(PR_SET_CHILD_SUBREAPER, 1);

        /* Without --console-socket, a pty master (if process.terminal) comes back to us. */
        _cleanup_close_ int pty_sock = -EBADF, pty_peer = -EBADF;
        if (!a.opts.console_socket && !a.detach) {
                int pair[2];
                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
                        return log_error_errno(errno, "socketpair: %m"), EXIT_FAILURE;
                pty_sock = pair[0];
                pty_peer = pair[1];
                a.opts.console_master_fd = pty_peer;
        }

        _cleanup_free_ char *err = NULL, *warning = NULL;
        _cleanup_(container_notes_done) struct container_notes notes = {};
        pid_t pid;
        int r = container_create(&a.opts, &pid, &notes, &err);
        cli_log_notes(&notes);
        if (r < 0) {
                log_error_errno(r, "run container '%s': %s", a.opts.id, err ? err : strerror(-r));
                return EXIT_FAILURE;
        }
        pty_peer = safe_close(pty_peer);
        _cleanup_close_ int master = pty_sock >= 0 ? recv_master(pty_sock) : -EBADF;

        cli_forward_signals(pid);
        r = container_start(g->root, a.opts.id, &warning, &err);
        if (warning)
                log_warning("%s", warning);
        if (r < 0) {
                log_error_errno(r, "run container '%s': %s", a.opts.id, err ? err : strerror(-r));
                free(err);
                err = NULL;
                (void) container_delete(g->root, a.opts.id, true, NULL, &err);
                return EXIT_FAILURE;
        }
        if (a.detach)
                return EXIT_SUCCESS;

        if (master >= 0)
                cli_relay_pty(master);
        int status = cli_wait_exit_status(pid);
        if (!a.keep) {
                free(warning);
                warning = NULL;
                r = container_delete(g->root, a.opts.id, true, &warning, &err);
                if (warning)
                        log_warning("%s", warning);
                if (r < 0)
                        log_error_errno(r, "delete container '%s': %s", a.opts.id, err ? err : strerror(-r));
        }
        return status;
}
