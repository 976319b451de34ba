/* SPDX-License-Identifier: GPL-2.0-or-later
 * spawn-time: the benchmarks' stopwatch (tests/bench). Runs one command with stdin, stdout and
 * stderr on /dev/null and prints "WALL_US CPU_US STATUS": the wall time from just before
 * posix_spawn(3) to its wait4(2), the user + system CPU time of the command and of the children it
 * waited for (wait4's rusage), and its exit status (128 + signal when killed). posix_spawn forks
 * with CLONE_VM|CLONE_VFORK, so the numbers hold the command's own cost, not the copy of a shell's
 * address space that `$cmd` in bash makes before it execs (several ms on a paravirtualised VM). */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long us(const struct timeval *tv) {
        return (long long) tv->tv_sec * 1000000 + tv->tv_usec;
}

int main(int argc, char **argv) {
        if (argc < 2) {
                fputs("usage: spawn-time COMMAND [ARG]...\n", stderr);
                return 2;
        }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        for (int fd = 0; fd <= 2; fd++)
                posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
        struct timespec t0, t1;
        struct rusage ru;
        pid_t pid;
        int status;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int r = posix_spawnp(&pid, argv[1], &fa, NULL, argv + 1, environ);
        if (r != 0) {
                fprintf(stderr, "spawn-time: %s: cannot run it (error %d)\n", argv[1], r);
                return 2;
        }
        if (wait4(pid, &status, 0, &ru) != pid) {
                perror("spawn-time: wait4");
                return 2;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long long wall = (long long) (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
        printf("%lld %lld %d\n", wall, us(&ru.ru_utime) + us(&ru.ru_stime),
               WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return 0;
}
