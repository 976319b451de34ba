/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk-dmz: the last step of a container process, from a sealed memfd (see exe-seal.h).
 *
 *   husk-dmz [-l DIRFD NAME VALUE]... -- EXE ARG0 ARG...
 *
 * writes each VALUE to the file NAME below the directory fd DIRFD and closes DIRFD (the
 * AppArmor/SELinux exec label: /proc/<pid>/attr/ takes writes only from the mm that opened the
 * file, so it must be opened after this exec), then execve(EXE, ARG0 ARG..., environ).
 *
 * husk's setup child execs this instead of the user's program so that the process that execs the
 * user's program runs a sealed copy of this file, never the husk binary: a "#!/proc/self/exe"
 * program then gets husk-dmz, and a container process can only ever reach this memfd through
 * /proc/<pid>/exe. It replaces re-executing all of husk from a sealed view of it, which costs a
 * dynamic exec (about 2 ms of CPU); this one is a static exec of a few kilobytes.
 *
 * Freestanding (no libc): the only system calls are openat, write, close, execve and exit_group,
 * so the seccomp filter already in force needs nothing beyond what the exec of any program needs.
 * Errors go to stderr as husk's child reports them ("husk: exec ARG0: MESSAGE"), with exit status
 * 127 when EXE is missing and 126 otherwise. */
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/fcntl.h>

#define DMZ_EXIT_CANNOT_EXEC 126
#define DMZ_EXIT_NOT_FOUND 127

long dmz_main(long *sp);

#if defined(__x86_64__)
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "        xor %rbp, %rbp\n"
        "        mov %rsp, %rdi\n"
        "        and $-16, %rsp\n"
        "        call dmz_main\n"
        "        hlt\n");

static long sys(long n, long a, long b, long c, long d) {
        register long r10 __asm__("r10") = d;
        long ret;
        __asm__ volatile("syscall"
                         : "=a"(ret)
                         : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
                         : "rcx", "r11", "memory");
        return ret;
}
#elif defined(__aarch64__)
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "        mov x29, #0\n"
        "        mov x30, #0\n"
        "        mov x0, sp\n"
        "        and x1, x0, #-16\n"
        "        mov sp, x1\n"
        "        bl dmz_main\n"
        "        brk #0\n");

static long sys(long n, long a, long b, long c, long d) {
        register long x8 __asm__("x8") = n;
        register long x0 __asm__("x0") = a;
        register long x1 __asm__("x1") = b;
        register long x2 __asm__("x2") = c;
        register long x3 __asm__("x3") = d;
        __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
        return x0;
}
#else
#error "husk-dmz supports x86_64 and aarch64; meson builds it only there"
#endif

static unsigned long str_len(const char *s) {
        unsigned long n = 0;
        while (s[n])
                n++;
        return n;
}

static int str_eq(const char *a, const char *b) {
        while (*a && *a == *b)
                a++, b++;
        return *a == *b;
}

__attribute__((noreturn)) static void die(long status) {
        for (;;)
                sys(__NR_exit_group, status, 0, 0, 0);
}

/* The message for the errors execve(2), openat(2) and write(2) give; the number otherwise. */
static const char *error_text(long err, char *buf) {
        static const struct { long err; const char *text; } texts[] = {
                { ENOENT, "No such file or directory" }, { EACCES, "Permission denied" },
                { ENOEXEC, "Exec format error" },        { EPERM, "Operation not permitted" },
                { E2BIG, "Argument list too long" },     { ENOMEM, "Cannot allocate memory" },
                { ETXTBSY, "Text file busy" },           { ELOOP, "Too many levels of symbolic links" },
                { ENOTDIR, "Not a directory" },          { EISDIR, "Is a directory" },
                { ENAMETOOLONG, "File name too long" },  { EINVAL, "Invalid argument" },
                { EIO, "Input/output error" },           { EBADF, "Bad file descriptor" },
        };
        for (unsigned i = 0; i < sizeof texts / sizeof texts[0]; i++)
                if (texts[i].err == err)
                        return texts[i].text;
        char *p = buf + 23;
        *p = '\0';
        do
                *--p = (char) ('0' + err % 10);
        while ((err /= 10) > 0 && p > buf + 6);
        for (int k = 5; k >= 0; k--)
                *--p = "errno "[k];
        return p;
}

/* "husk: WHAT: WHY" on stderr, then exit. */
__attribute__((noreturn)) static void fail(const char *what, const char *arg, long err, long status) {
        char num[24];
        const char *parts[] = { "husk: ", what, arg, ": ", error_text(err, num), "\n" };
        for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++)
                (void) sys(__NR_write, 2, (long) parts[i], (long) str_len(parts[i]), 0);
        die(status);
}

/* The compiler may emit calls to these for struct and array copies, even freestanding. */
void *memcpy(void *dst, const void *src, unsigned long n);
void *memset(void *dst, int c, unsigned long n);
void *memcpy(void *dst, const void *src, unsigned long n) {
        char *d = dst;
        const char *s = src;
        while (n--)
                *d++ = *s++;
        return dst;
}
void *memset(void *dst, int c, unsigned long n) {
        char *d = dst;
        while (n--)
                *d++ = (char) c;
        return dst;
}

/* A small non-negative decimal, or -1. */
static long parse_fd(const char *s) {
        long v = 0;
        if (!*s)
                return -1;
        for (; *s; s++) {
                if (*s < '0' || *s > '9' || v > 1000000)
                        return -1;
                v = v * 10 + (*s - '0');
        }
        return v;
}

/* Write value to name below dirfd, then close dirfd: the exec label of one LSM. */
static void write_label(const char *dirfd_s, const char *name, const char *value) {
        long dirfd = parse_fd(dirfd_s);
        if (dirfd < 0)
                fail("husk-dmz: bad label fd ", dirfd_s, EINVAL, DMZ_EXIT_CANNOT_EXEC);
        long fd = sys(__NR_openat, dirfd, (long) name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
        if (fd < 0)
                fail("set the exec label: open ", name, -fd, DMZ_EXIT_CANNOT_EXEC);
        long n = str_len(value);
        long w = sys(__NR_write, fd, (long) value, n, 0);
        if (w != n)
                fail("set the exec label: write ", name, w < 0 ? -w : EIO, DMZ_EXIT_CANNOT_EXEC);
        if (sys(__NR_close, fd, 0, 0, 0) < 0 || sys(__NR_close, dirfd, 0, 0, 0) < 0)
                fail("set the exec label: close ", name, EIO, DMZ_EXIT_CANNOT_EXEC);
}

long dmz_main(long *sp) {
        long argc = sp[0];
        char **argv = (char **) (sp + 1), **envp = argv + argc + 1;
        long i = 1;

        while (i + 3 < argc && str_eq(argv[i], "-l")) {
                write_label(argv[i + 1], argv[i + 2], argv[i + 3]);
                i += 4;
        }
        if (i + 2 >= argc || !str_eq(argv[i], "--"))
                fail("husk-dmz", ": run by husk only, as: husk-dmz [-l DIRFD NAME VALUE]... -- EXE ARG0 ARG...", EINVAL,
                     DMZ_EXIT_CANNOT_EXEC);
        long err = -sys(__NR_execve, (long) argv[i + 1], (long) (argv + i + 2), (long) envp, 0);
        fail("exec ", argv[i + 2], err, err == ENOENT ? DMZ_EXIT_NOT_FOUND : DMZ_EXIT_CANNOT_EXEC);
}
