/* SPDX-License-Identifier: GPL-2.0-or-later
 * A workload for husk-init's tests: each mode does one thing a PID 1 must cope with and
 * prints what a test checks. Usage: init-probe MODE [ARGS...]
 *   orphans N MS       fork N children that exit after MS ms, and exit at once (N orphans)
 *   zombies            print how many processes of /proc are zombies
 *   signals            print each signal received, one per line; exit 0 on SIGTERM
 *   ignore-term        ignore SIGTERM, print "ready", sleep forever
 *   fds                print our open fds, space-separated (from /proc/self/fd, or by fcntl
 *                      over 0..1023 without /proc)
 *   no-close-range PROG ARGS...
 *                      exec PROG under a seccomp filter that fails close_range(2) with ENOSYS,
 *                      as a kernel before 5.9 does (husk-init's fallback)
 *   orphan-ppid        fork; the child prints its parent after ours exited
 *   daemon FILE        leave a SIGTERM-ignoring orphan (pid written to FILE), exit 0
 *   pgrp               print "pid pgid"
 *   reap-bench N       (as a child of PID 1) make N orphans exit at once and print how long
 *                      PID 1 took until none was left (ms), from /proc/1/task/1/children */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms) {
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static int mode_orphans(int n, long ms) {
        for (int i = 0; i < n; i++) {
                pid_t pid = fork();
                if (pid < 0) {
                        perror("fork");
                        return 1;
                }
                if (pid == 0) {
                        sleep_ms(ms);
                        _exit(0);
                }
        }
        return 0;
}

static int mode_zombies(void) {
        DIR *d = opendir("/proc");
        if (!d) {
                perror("/proc");
                return 1;
        }
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                char path[300], buf[512];
                if (de->d_name[0] < '0' || de->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
                FILE *f = fopen(path, "re");
                if (!f)
                        continue;
                if (fgets(buf, sizeof buf, f)) {
                        char *p = strrchr(buf, ')');
                        if (p && p[1] == ' ' && p[2] == 'Z')
                                n++;
                }
                fclose(f);
        }
        closedir(d);
        printf("%d\n", n);
        return 0;
}

static volatile sig_atomic_t got_term;

static void on_signal(int sig) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%s\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
        (void) !write(STDOUT_FILENO, buf, (size_t) n);
        if (sig == SIGTERM)
                got_term = 1;
}

static int mode_signals(void) {
        struct sigaction sa = { .sa_handler = on_signal };
        for (int sig = 1; sig < 32; sig++)
                if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
                        (void) sigaction(sig, &sa, NULL);
        printf("ready\n");
        fflush(stdout);
        while (!got_term)
                pause();
        return 0;
}

static int mode_ignore_term(void) {
        signal(SIGTERM, SIG_IGN);
        printf("ready\n");
        fflush(stdout);
        for (;;)
                pause();
        return 0;
}

static int mode_fds(void) {
        const char *sep = "";
        DIR *d = opendir("/proc/self/fd");
        if (!d) {
                for (int fd = 0; fd < 1024; fd++)
                        if (fcntl(fd, F_GETFD) >= 0) {
                                printf("%s%d", sep, fd);
                                sep = " ";
                        }
                printf("\n");
                return 0;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
                        continue;
                printf("%s%s", sep, de->d_name);
                sep = " ";
        }
        printf("\n");
        closedir(d);
        return 0;
}

#ifndef SYS_close_range
#define SYS_close_range 436 /* the same number on every architecture */
#endif

static int mode_no_close_range(char **argv) {
        struct sock_filter filter[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close_range, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = { .len = sizeof filter / sizeof filter[0], .filter = filter };
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
                perror("seccomp");
                return 1;
        }
        if (syscall(SYS_close_range, 1000, 1000, 0) == 0 || errno != ENOSYS) {
                fprintf(stderr, "close_range(2) still works under the filter\n");
                return 1;
        }
        execvp(argv[0], argv);
        perror(argv[0]);
        return 127;
}

/* Fork a child that outlives us and ignores SIGTERM (the init sends it once we are gone).
 * Returns 0 in the child, which closes *ret_ready once it is set up; in the parent, waits for
 * that (EOF on the pipe) and returns 1, or -1 on error. */
static int fork_orphan(int *ret_ready) {
        int p[2];
        char c;
        if (pipe(p) < 0)
                return -1;
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid > 0) {
                close(p[1]);
                return read(p[0], &c, 1) == 0 ? 1 : -1;
        }
        signal(SIGTERM, SIG_IGN);
        close(p[0]);
        *ret_ready = p[1];
        return 0;
}

static int mode_orphan_ppid(void) {
        int ready;
        int r = fork_orphan(&ready);
        if (r != 0)
                return r > 0 ? 0 : 1;
        close(ready);
        pid_t parent = getppid();
        for (int i = 0; i < 500 && getppid() == parent; i++)
                sleep_ms(10);
        printf("%d\n", (int) getppid());
        return 0;
}

static int mode_daemon(const char *file) {
        int ready;
        int r = fork_orphan(&ready);
        if (r != 0)
                return r > 0 ? 0 : 1;
        FILE *f = fopen(file, "we");
        if (!f)
                _exit(1);
        fprintf(f, "%d\n", (int) getpid());
        fclose(f);
        close(ready);
        for (;;)
                pause();
        return 0;
}

static long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Entries in PID 1's children list (zombies included). */
static int count_children_of_pid1(void) {
        static char buf[1 << 20];
        FILE *f = fopen("/proc/1/task/1/children", "re");
        if (!f)
                return -1;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        int count = 0;
        for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n"))
                count++;
        return count;
}

static int mode_reap_bench(int n) {
        int ready[2];
        if (pipe(ready) < 0)
                return 1;
        pid_t maker = fork();
        if (maker < 0)
                return 1;
        if (maker == 0) {
                /* N children block on a pipe only we can write; when we exit, they all see
                 * EOF at once and become orphans, then zombies, of PID 1. */
                int hold[2];
                if (pipe(hold) < 0)
                        _exit(1);
                for (int i = 0; i < n; i++) {
                        pid_t c = fork();
                        if (c < 0)
                                _exit(1);
                        if (c == 0) {
                                char ch;
                                close(hold[1]);
                                (void) !read(hold[0], &ch, 1);
                                _exit(0);
                        }
                }
                _exit(0);
        }
        int status;
        if (waitpid(maker, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return 1;
        long t0 = now_ms();
        int left;
        while ((left = count_children_of_pid1()) > 1)
                sleep_ms(1);
        if (left < 0)
                return 1;
        printf("%ld\n", now_ms() - t0);
        return 0;
}

int main(int argc, char **argv) {
        const char *mode = argc > 1 ? argv[1] : "";
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (strcmp(mode, "orphans") == 0 && argc == 4)
                return mode_orphans(atoi(argv[2]), atol(argv[3]));
        if (strcmp(mode, "zombies") == 0)
                return mode_zombies();
        if (strcmp(mode, "signals") == 0)
                return mode_signals();
        if (strcmp(mode, "ignore-term") == 0)
                return mode_ignore_term();
        if (strcmp(mode, "fds") == 0)
                return mode_fds();
        if (strcmp(mode, "no-close-range") == 0 && argc > 2)
                return mode_no_close_range(argv + 2);
        if (strcmp(mode, "orphan-ppid") == 0)
                return mode_orphan_ppid();
        if (strcmp(mode, "daemon") == 0 && argc == 3)
                return mode_daemon(argv[2]);
        if (strcmp(mode, "reap-bench") == 0 && argc == 3)
                return mode_reap_bench(atoi(argv[2]));
        if (strcmp(mode, "pgrp") == 0) {
                printf("%d %d\n", (int) getpid(), (int) getpgrp());
                return 0;
        }
        fprintf(stderr, "usage: init-probe orphans N MS|zombies|signals|ignore-term|fds|no-close-range PROG ARGS...|"
                "orphan-ppid|daemon FILE|pgrp|reap-bench N\n");
        return 2;
}
