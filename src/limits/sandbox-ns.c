/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Is the calling thread in a namespace other than the machine's initial one?
 *
 * The initial user, pid and cgroup namespaces have fixed nsfs inode numbers (Linux 3.8 and
 * 4.6, include/linux/proc_ns.h); by Linux 6.18 the initial net and mount namespaces do too
 * (include/uapi/linux/nsfs.h, enum init_ns_ino). Comparing /proc/self/ns/<type> with them is
 * exact. Where the number proves nothing (net and mount before 6.18) or /proc/self/ns cannot
 * be read, weaker evidence is used and, without any, the answer is "unknown":
 *   - comparing with /proc/1/ns/<type> is only meaningful in the initial pid namespace: in a
 *     container, pid 1 is the container's own init;
 *   - ioctl(NS_GET_PARENT) cannot tell either: it fails with EPERM for the initial namespace
 *     and for the caller's own parent alike (ioctl_ns(2));
 *   - NSpid: lists the pid in every namespace from /proc's down, so a container that mounts
 *     its own /proc shows one entry: more than one proves a nested pid namespace, one proves
 *     nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "parse.h"
#include "sandbox-ns.h"
#include "strv.h"

/* include/uapi/linux/nsfs.h; spelled out because musl builds have no kernel headers */
#define NS_GET_USERNS _IO(0xb7, 0x1)

#define USER_NS_INIT_INO 0xEFFFFFFDU
#define PID_NS_INIT_INO 0xEFFFFFFCU
#define CGROUP_NS_INIT_INO 0xEFFFFFFBU
#define NET_NS_INIT_INO 0xEFFFFFF9U /* Linux >= 6.18 */
#define MNT_NS_INIT_INO 0xEFFFFFF8U /* Linux >= 6.18 */

/* Parse an nsfs link target, "<type>:[<inode>]". */
static int parse_ns_link(const char *link, const char *type, uint64_t *ret) {
        size_t n = strlen(type), len = strlen(link);
        char digits[32];

        if (strncmp(link, type, n) != 0 || strncmp(link + n, ":[", 2) != 0 || len < n + 4 ||
            link[len - 1] != ']' || len - n - 3 >= sizeof digits)
                return -EINVAL;
        memcpy(digits, link + n + 2, len - n - 3);
        digits[len - n - 3] = '\0';
        return safe_atou64(digits, ret);
}

/* The nsfs inode of the calling thread's namespace of this type. */
static int ns_inode(int rootfd, const char *type, uint64_t *ret) {
        char name[32], link[64];
        int r;

        (void) snprintf(name, sizeof name, "ns/%s", type);
        r = sandbox_proc_readlink(rootfd, name, link, sizeof link);
        if (r < 0)
                return r;
        return parse_ns_link(link, type, ret);
}

/* The nsfs inode of pid 1's namespace (EACCES without ptrace read access to pid 1). */
static int pid1_ns_inode(int rootfd, const char *type, uint64_t *ret) {
        char path[64], link[64];
        ssize_t n;

        (void) snprintf(path, sizeof path, "proc/1/ns/%s", type);
        n = readlinkat(rootfd, path, link, sizeof link - 1);
        if (n < 0)
                return -errno;
        link[n] = '\0';
        return parse_ns_link(link, type, ret);
}

/* The link is missing although /proc/self/ns exists: the kernel lacks this namespace type
 * (CONFIG_USER_NS=n, Linux < 4.6 for cgroup), so the thread cannot be in one. */
static bool kernel_lacks_ns(int rootfd, int r) {
        return r == -ENOENT && faccessat(rootfd, "proc/self/ns", F_OK, 0) >= 0;
}

/* 1 if the namespace is owned by a user namespace other than the initial one (which proves
 * it is not the initial namespace of its type), 0 if owned by the initial one, -errno if the
 * kernel will not say (NS_GET_USERNS: Linux 4.9; EPERM when the owner is an ancestor of the
 * caller's user namespace). */
static int ns_owner_nested(int rootfd, const char *type) {
        char name[32];
        struct stat st;

        (void) snprintf(name, sizeof name, "ns/%s", type);
        _cleanup_close_ int fd = sandbox_proc_open(rootfd, name, O_RDONLY);
        if (fd < 0)
                return fd;
        _cleanup_close_ int owner = ioctl(fd, NS_GET_USERNS);
        if (owner < 0)
                return -errno;
        if (fstat(owner, &st) < 0)
                return -errno;
        return st.st_ino != USER_NS_INIT_INO;
}

/* The initial user namespace maps every id onto itself: exactly "0 0 4294967295". A
 * nested one maps less, or nothing at all before its creator writes the map. */
static int uid_map_nested(int rootfd) {
        _cleanup_close_ int fd = sandbox_proc_open(rootfd, "uid_map", O_RDONLY);
        _cleanup_free_ char *text = NULL;
        unsigned long inside, outside, count;
        int r, n = -1;

        if (fd < 0)
                return fd;
        r = read_full_fd(fd, &text, NULL);
        if (r < 0)
                return r;
        if (sscanf(text, " %lu %lu %lu %n", &inside, &outside, &count, &n) != 3 || n < 0)
                return 1; /* empty: nothing mapped yet */
        return !(inside == 0 && outside == 0 && count == 4294967295UL && text[n] == '\0');
}

static int detect_userns(int rootfd) {
        uint64_t ino;
        int r = ns_inode(rootfd, "user", &ino);

        if (r >= 0)
                return ino != USER_NS_INIT_INO;
        if (kernel_lacks_ns(rootfd, r))
                return 0;
        return uid_map_nested(rootfd);
}

static int detect_pidns(int rootfd, unsigned nspid_entries) {
        uint64_t ino;
        int r = ns_inode(rootfd, "pid", &ino);

        if (r >= 0)
                return ino != PID_NS_INIT_INO;
        if (kernel_lacks_ns(rootfd, r))
                return 0;
        return nspid_entries > 1 ? 1 : -ENODATA;
}

/* A cgroup mount whose root lies above the thread's cgroup namespace shows as "/.." in
 * mountinfo (the path is relative to the namespace root): proof of a cgroup namespace. */
static int mountinfo_cgroup_outside(int rootfd) {
        _cleanup_close_ int fd = sandbox_proc_open(rootfd, "mountinfo", O_RDONLY);
        _cleanup_free_ char *text = NULL;
        char *line, *save = NULL;
        int r;

        if (fd < 0)
                return fd;
        r = read_full_fd(fd, &text, NULL);
        if (r < 0)
                return r;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char root[16] = "", *sep = strstr(line, " - ");

                if (!sep || sscanf(line, "%*s %*s %*s %15s", root) != 1)
                        continue;
                if ((startswith(sep + 3, "cgroup ") || startswith(sep + 3, "cgroup2 ")) &&
                    (strcmp(root, "/..") == 0 || startswith(root, "/../")))
                        return 1;
        }
        return -ENODATA;
}

static int detect_cgroupns(int rootfd) {
        uint64_t ino;
        int r = ns_inode(rootfd, "cgroup", &ino);

        if (r >= 0)
                return ino != CGROUP_NS_INIT_INO;
        if (kernel_lacks_ns(rootfd, r))
                return 0;
        return mountinfo_cgroup_outside(rootfd);
}

/* Evidence shared by the net and mount namespaces, after the type-specific checks: a
 * nested owner proves nesting; in the initial pid namespace pid 1 is the machine's init,
 * whose namespaces are the initial ones. */
static int detect_by_owner_or_pid1(int rootfd, bool live, const char *type, int ino_r,
                                   uint64_t ino, int in_pidns) {
        uint64_t init_ino;

        if (live && ns_owner_nested(rootfd, type) == 1)
                return 1;
        if (ino_r >= 0 && in_pidns == 0 && pid1_ns_inode(rootfd, type, &init_ino) >= 0)
                return ino != init_ino;
        return -ENODATA;
}

/* Does this kernel give the initial net and mount namespaces fixed inodes? Yes if either
 * of them has its fixed number, or (live only) if the release is 6.18 or later. Then a
 * different number proves a nested namespace. */
static bool fixed_net_mnt_inodes(int rootfd, bool live) {
        uint64_t ino;
        struct utsname u;
        unsigned major, minor;

        if (ns_inode(rootfd, "net", &ino) >= 0 && ino == NET_NS_INIT_INO)
                return true;
        if (ns_inode(rootfd, "mnt", &ino) >= 0 && ino == MNT_NS_INIT_INO)
                return true;
        if (!live || uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
                return false;
        return major > 6 || (major == 6 && minor >= 18);
}

/* net.core.netdev_max_backlog (like most of net_core_table) is registered for the initial
 * network namespace only (net/core/sysctl_net_core.c: net_core_table vs netns_core_table;
 * rmem_max and wmem_max moved to the per-namespace table in 6.x), and /proc/sys/net shows
 * the caller's namespace whichever /proc it is read through. */
static int detect_netns(int rootfd, bool live, bool fixed, int in_pidns) {
        uint64_t ino = 0;
        int r = ns_inode(rootfd, "net", &ino);

        if (r >= 0 && (fixed || ino == NET_NS_INIT_INO))
                return ino != NET_NS_INIT_INO;
        if (faccessat(rootfd, "proc/sys/net/core", F_OK, 0) >= 0)
                return faccessat(rootfd, "proc/sys/net/core/netdev_max_backlog", F_OK, 0) < 0;
        return detect_by_owner_or_pid1(rootfd, live, "net", r, ino, in_pidns);
}

static int detect_mntns(int rootfd, bool live, bool fixed, int in_pidns) {
        uint64_t ino = 0;
        int r = ns_inode(rootfd, "mnt", &ino);

        if (r >= 0 && (fixed || ino == MNT_NS_INIT_INO))
                return ino != MNT_NS_INIT_INO;
        return detect_by_owner_or_pid1(rootfd, live, "mnt", r, ino, in_pidns);
}

/* Store a detect_*() answer: 0/1, or a negative "unknown". */
static void store(struct husk_sandbox *sb, unsigned bit, bool *field, int r) {
        if (r < 0) {
                *field = false;
                sb->unknown |= bit;
        } else {
                *field = r > 0;
                sb->unknown &= ~bit;
        }
}

void sandbox_ns_probe(int rootfd, bool live, unsigned nspid_entries, struct husk_sandbox *sb) {
        int pidns = detect_pidns(rootfd, nspid_entries);
        bool fixed = fixed_net_mnt_inodes(rootfd, live);

        store(sb, HUSK_SANDBOX_USERNS, &sb->in_userns, detect_userns(rootfd));
        store(sb, HUSK_SANDBOX_PIDNS, &sb->in_pidns, pidns);
        store(sb, HUSK_SANDBOX_CGROUPNS, &sb->in_cgroupns, detect_cgroupns(rootfd));
        store(sb, HUSK_SANDBOX_NETNS, &sb->in_netns, detect_netns(rootfd, live, fixed, pidns));
        store(sb, HUSK_SANDBOX_MNTNS, &sb->in_mntns, detect_mntns(rootfd, live, fixed, pidns));
}
