/* SPDX-License-Identifier: GPL-2.0-or-later
 * probe: a static binary the integration tests put into container rootfs. It reports what the
 * process sees, so a test can compare it with the config.json it gave husk.
 *
 *   probe [--json]            every key below, as key=value lines (lists repeat the key) or one
 *                             JSON object (lists as arrays, every value a string)
 *   probe get KEY             the value(s) of one key, one per line (exit 1 if unknown)
 *   probe cat PATH            print a file
 *   probe write PATH TEXT     write TEXT to PATH; on failure print "write PATH: <strerror>", exit 1
 *   probe stat PATH           "type mode uid gid" (type: file dir link char block fifo sock)
 *   probe ls DIR              the names in DIR, sorted
 *   probe sleep SECONDS       sleep (for tests that kill, pause or exec into the container)
 *   probe exit CODE           exit with CODE
 *
 * Keys: pid ppid uid gid euid egid groups cap_inh cap_prm cap_eff cap_bnd cap_amb no_new_privs
 * seccomp seccomp_filters umask cwd hostname domainname oom_score_adj personality ioprio
 * sched_policy nice rlimit_<name> (soft:hard, "unlimited") tty ns_<type> cgroup lsm_label
 * sig_blocked sig_ignored cpus (allowed CPU list) env fd (N=target) mount (mountpoint fstype options).
 * libc only, no allocation failures handled beyond exiting: it is a test tool. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

struct entry {
        char *key;
        char *value;
        bool list;
};

static struct entry *entries;
static size_t n_entries;

static void *xrealloc(void *p, size_t n) {
        p = realloc(p, n);
        if (!p) {
                fputs("probe: out of memory\n", stderr);
                exit(2);
        }
        return p;
}

static char *xstrdup(const char *s) {
        return strcpy(xrealloc(NULL, strlen(s) + 1), s);
}

static void add(const char *key, bool list, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(const char *key, bool list, const char *fmt, ...) {
        va_list ap;
        char *v = NULL;
        va_start(ap, fmt);
        if (vasprintf(&v, fmt, ap) < 0)
                exit(2);
        va_end(ap);
        entries = xrealloc(entries, (n_entries + 1) * sizeof *entries);
        entries[n_entries++] = (struct entry) { xstrdup(key), v, list };
}

/* The first line of a file, without the newline; "" when unreadable. */
static const char *first_line(const char *path, char *buf, size_t n) {
        FILE *f = fopen(path, "re");
        buf[0] = '\0';
        if (f) {
                if (fgets(buf, (int) n, f))
                        buf[strcspn(buf, "\n")] = '\0';
                fclose(f);
        }
        return buf;
}

/* Fields of /proc/self/status, under our own key names. */
static void add_status(void) {
        static const struct { const char *field, *key; } map[] = {
                { "CapInh", "cap_inh" }, { "CapPrm", "cap_prm" }, { "CapEff", "cap_eff" },
                { "CapBnd", "cap_bnd" }, { "CapAmb", "cap_amb" }, { "NoNewPrivs", "no_new_privs" },
                { "Seccomp", "seccomp" }, { "Seccomp_filters", "seccomp_filters" }, { "Umask", "umask" },
                { "SigBlk", "sig_blocked" }, { "SigIgn", "sig_ignored" }, { "Cpus_allowed_list", "cpus" },
        };
        FILE *f = fopen("/proc/self/status", "re");
        char line[512];
        if (!f)
                return;
        while (fgets(line, sizeof line, f)) {
                char *colon = strchr(line, ':');
                if (!colon)
                        continue;
                *colon = '\0';
                char *v = colon + 1 + strspn(colon + 1, " \t");
                v[strcspn(v, "\n")] = '\0';
                for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
                        if (strcmp(line, map[i].field) == 0)
                                add(map[i].key, false, "%s", v);
        }
        fclose(f);
}

static void add_rlimits(void) {
        static const struct { const char *name; int res; } r[] = {
                { "as", RLIMIT_AS },         { "core", RLIMIT_CORE },         { "cpu", RLIMIT_CPU },
                { "data", RLIMIT_DATA },     { "fsize", RLIMIT_FSIZE },       { "locks", RLIMIT_LOCKS },
                { "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
                { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },       { "rss", RLIMIT_RSS },
                { "rtprio", RLIMIT_RTPRIO }, { "rttime", RLIMIT_RTTIME },     { "sigpending", RLIMIT_SIGPENDING },
                { "stack", RLIMIT_STACK },
        };
        for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
                struct rlimit l;
                char key[32], a[32], b[32];
                if (getrlimit(r[i].res, &l) < 0)
                        continue;
                snprintf(a, sizeof a, "%llu", (unsigned long long) l.rlim_cur);
                snprintf(b, sizeof b, "%llu", (unsigned long long) l.rlim_max);
                snprintf(key, sizeof key, "rlimit_%s", r[i].name);
                add(key, false, "%s:%s", l.rlim_cur == RLIM_INFINITY ? "unlimited" : a,
                    l.rlim_max == RLIM_INFINITY ? "unlimited" : b);
        }
}

static void add_ids(void) {
        gid_t groups[NGROUPS_MAX];
        int n = getgroups(NGROUPS_MAX, groups);
        char buf[4096] = "";
        size_t o = 0;
        add("pid", false, "%d", (int) getpid());
        add("ppid", false, "%d", (int) getppid());
        add("uid", false, "%u", getuid());
        add("gid", false, "%u", getgid());
        add("euid", false, "%u", geteuid());
        add("egid", false, "%u", getegid());
        for (int i = 0; i < n && o < sizeof buf - 16; i++)
                o += (size_t) snprintf(buf + o, sizeof buf - o, "%s%u", i ? "," : "", groups[i]);
        add("groups", false, "%s", buf);
}

static void add_sched(void) {
        static const char *const pol[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
                                           "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE" };
        int p = sched_getscheduler(0);
        add("sched_policy", false, "%s", p >= 0 && p < 7 ? pol[p] : "?");
        errno = 0;
        int nice = getpriority(PRIO_PROCESS, 0);
        add("nice", false, "%d", errno ? 0 : nice);
        long io = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
        add("ioprio", false, "%ld/%ld", io < 0 ? -1 : io >> 13, io < 0 ? -1 : io & 0x1fff);
        add("personality", false, "%#x", (unsigned) personality(0xffffffff));
}

static void add_misc(void) {
        char buf[PATH_MAX];
        struct utsname u;
        add("cwd", false, "%s", getcwd(buf, sizeof buf) ? buf : "");
        if (uname(&u) == 0) {
                add("hostname", false, "%s", u.nodename);
                add("domainname", false, "%s", u.domainname);
        }
        add("oom_score_adj", false, "%s", first_line("/proc/self/oom_score_adj", buf, sizeof buf));
        add("lsm_label", false, "%s", first_line("/proc/self/attr/current", buf, sizeof buf));
        add("tty", false, "%s", isatty(0) ? (ttyname(0) ? ttyname(0) : "yes") : "");
        static const char *const ns[] = { "cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts" };
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
                char path[64], key[32], target[128];
                snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i]);
                snprintf(key, sizeof key, "ns_%s", ns[i]);
                ssize_t k = readlink(path, target, sizeof target - 1);
                target[k < 0 ? 0 : k] = '\0';
                add(key, false, "%s", target);
        }
        FILE *f = fopen("/proc/self/cgroup", "re");
        while (f && fgets(buf, sizeof buf, f)) {
                buf[strcspn(buf, "\n")] = '\0';
                add("cgroup", true, "%s", buf);
        }
        if (f)
                fclose(f);
}

static void add_env_fds_mounts(void) {
        for (char **e = environ; e && *e; e++)
                add("env", true, "%s", *e);
        DIR *d = opendir("/proc/self/fd");
        int self = d ? dirfd(d) : -1;
        struct dirent *de;
        while (d && (de = readdir(d))) {
                char path[300], target[PATH_MAX];
                if (de->d_name[0] == '.' || atoi(de->d_name) == self)
                        continue;
                snprintf(path, sizeof path, "/proc/self/fd/%s", de->d_name);
                ssize_t k = readlink(path, target, sizeof target - 1);
                target[k < 0 ? 0 : k] = '\0';
                add("fd", true, "%s=%s", de->d_name, target);
        }
        if (d)
                closedir(d);
        /* mountinfo: field 5 is the mount point, after " - " come fstype, source, super options. */
        FILE *f = fopen("/proc/self/mountinfo", "re");
        char line[4096];
        while (f && fgets(line, sizeof line, f)) {
                char mp[1024], opts[1024], fstype[128];
                const char *sep = strstr(line, " - ");
                if (!sep || sscanf(line, "%*s %*s %*s %*s %1023s %1023s", mp, opts) != 2 ||
                    sscanf(sep + 3, "%127s", fstype) != 1)
                        continue;
                add("mount", true, "%s %s %s", mp, fstype, opts);
        }
        if (f)
                fclose(f);
}

static void json_string(const char *s) {
        putchar('"');
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c == '"' || c == '\\')
                        printf("\\%c", c);
                else if (c < 0x20)
                        printf("\\u%04x", c);
                else
                        putchar(c);
        }
        putchar('"');
}

/* One JSON object; a list key becomes an array of all its values, in order. */
static void print_json(void) {
        bool first = true;
        putchar('{');
        for (size_t i = 0; i < n_entries; i++) {
                bool seen = false;
                for (size_t j = 0; j < i && !seen; j++)
                        seen = strcmp(entries[j].key, entries[i].key) == 0;
                if (seen)
                        continue;
                printf("%s", first ? "" : ",");
                first = false;
                json_string(entries[i].key);
                putchar(':');
                if (!entries[i].list) {
                        json_string(entries[i].value);
                        continue;
                }
                putchar('[');
                for (size_t j = i, k = 0; j < n_entries; j++)
                        if (strcmp(entries[j].key, entries[i].key) == 0) {
                                printf("%s", k++ ? "," : "");
                                json_string(entries[j].value);
                        }
                putchar(']');
        }
        puts("}");
}

static void collect(void) {
        add_ids();
        add_status();
        add_rlimits();
        add_sched();
        add_misc();
        add_env_fds_mounts();
}

static int cmd_stat(const char *path) {
        struct stat st;
        if (lstat(path, &st) < 0) {
                printf("stat %s: %s\n", path, strerror(errno));
                return 1;
        }
        const char *t = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link" :
                        S_ISCHR(st.st_mode) ? "char" : S_ISBLK(st.st_mode) ? "block" : S_ISFIFO(st.st_mode) ? "fifo" : "sock";
        printf("%s %04o %u %u\n", t, (unsigned) (st.st_mode & 07777), st.st_uid, st.st_gid);
        return 0;
}

static int cmd_ls(const char *dir) {
        struct dirent **names;
        int n = scandir(dir, &names, NULL, alphasort);
        if (n < 0) {
                printf("ls %s: %s\n", dir, strerror(errno));
                return 1;
        }
        for (int i = 0; i < n; i++) {
                if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
                        puts(names[i]->d_name);
                free(names[i]);
        }
        free(names);
        return 0;
}

static int cmd_cat(const char *path) {
        FILE *f = fopen(path, "re");
        char buf[4096];
        size_t k;
        if (!f) {
                printf("cat %s: %s\n", path, strerror(errno));
                return 1;
        }
        while ((k = fread(buf, 1, sizeof buf, f)) > 0)
                fwrite(buf, 1, k, stdout);
        fclose(f);
        return 0;
}

static int cmd_write(const char *path, const char *text) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, text, strlen(text)) < 0) {
                printf("write %s: %s\n", path, strerror(errno));
                return 1;
        }
        close(fd);
        return 0;
}

static int cmd_get(const char *key) {
        int found = 0;
        collect();
        for (size_t i = 0; i < n_entries; i++)
                if (strcmp(entries[i].key, key) == 0) {
                        puts(entries[i].value);
                        found = 1;
                }
        if (!found)
                fprintf(stderr, "probe: unknown key '%s'\n", key);
        return found ? 0 : 1;
}

int main(int argc, char **argv) {
        const char *cmd = argc > 1 ? argv[1] : "";
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (strcmp(cmd, "get") == 0 && argc == 3)
                return cmd_get(argv[2]);
        if (strcmp(cmd, "cat") == 0 && argc == 3)
                return cmd_cat(argv[2]);
        if (strcmp(cmd, "write") == 0 && argc == 4)
                return cmd_write(argv[2], argv[3]);
        if (strcmp(cmd, "stat") == 0 && argc == 3)
                return cmd_stat(argv[2]);
        if (strcmp(cmd, "ls") == 0 && argc == 3)
                return cmd_ls(argv[2]);
        if (strcmp(cmd, "sleep") == 0 && argc == 3) {
                sleep((unsigned) atoi(argv[2]));
                return 0;
        }
        if (strcmp(cmd, "exit") == 0 && argc == 3)
                return atoi(argv[2]);
        if (argc > 2 || (argc == 2 && strcmp(cmd, "--json") != 0)) {
                fputs("usage: probe [--json] | get KEY | cat PATH | write PATH TEXT | stat PATH | ls DIR |"
                      " sleep SECONDS | exit CODE\n", stderr);
                return 2;
        }
        collect();
        if (argc == 2)
                print_json();
        else
                for (size_t i = 0; i < n_entries; i++)
                        printf("%s=%s\n", entries[i].key, entries[i].value);
        return 0;
}
