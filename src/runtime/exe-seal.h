/* SPDX-License-Identifier: GPL-2.0-or-later
 * CVE-2019-5736 protection: a container process must never reach a writable handle on the husk
 * binary. Its only route is /proc/<pid>/exe of a husk process inside the container (our setup
 * child before it execs, or a "#!/proc/self/exe" program the container makes us run).
 *
 * Two ways, chosen once per command by exe_seal_prepare():
 *  - husk-dmz (src/dmz): the setup child execs the user's program through a sealed memfd copy
 *    of a tiny static program embedded in husk, which execs the program. The process that runs
 *    the user's program (and whatever "#!/proc/self/exe" resolves to) is that memfd, never the
 *    husk binary. Until then the child is non-dumpable where processes of the container could
 *    see it (exec's intermediate; create's child in a joined pid namespace), so they cannot
 *    open its exe either. Cost: one static exec of a few kilobytes.
 *  - the fallback (HUSK_SEAL=reexec, no memfd exec: vm.memfd_noexec=2, or an architecture
 *    husk-dmz is not built for): the command re-executes all of husk from a view of the binary
 *    that cannot be written: the file through a read-only overlayfs mounted nowhere (runc 1.2's
 *    method), else a write-sealed memfd copy (runc's cloned_binary). Cost: a dynamic exec. */
#pragma once

#include <stdbool.h>

/* For commands that start container processes, before anything else: load husk-dmz into a
 * sealed memfd (kept open, close-on-exec, for the children), or re-execute from a sealed view
 * of the binary with argv and the current environment (returns only on failure, -errno). 0 when
 * ready. HUSK_SEAL=reexec in the environment forces the re-exec. */
int exe_seal_prepare(char **argv);
/* In the container process: have husk-dmz write value to name below the directory dirfd (an
 * exec label in a verified procfs's /proc/<pid>/attr; the fd is handed over and closed by the
 * dmz) just before it execs. -EOPNOTSUPP when there is no dmz: the caller writes it itself. */
int exe_seal_defer_label(int dirfd, const char *name, const char *value);
/* The last step of a container process: execve(exe, argv, envp) through husk-dmz when prepared
 * (by execve of /proc/self/fd/N when a seccomp filter is in force, since the filter must allow
 * execve anyway, else by execveat), or directly when husk itself runs sealed. -errno on failure. */
int exe_seal_execve(const char *exe, char **argv, char **envp, bool filtered);
