/* SPDX-License-Identifier: GPL-2.0-or-later
 * CVE-2019-5736 protection: a container process must never reach a writable handle on the husk
 * binary. Its only route is /proc/<pid>/exe of a husk process inside the container (our setup
 * child before it execs, or a "#!/proc/self/exe" script the container makes us run). So the
 * commands that start container processes first re-execute themselves from a view of the binary
 * that cannot be written: the file through a read-only overlayfs mounted nowhere (runc 1.2's
 * method: no copy, shared page cache), else a write-sealed memfd copy (runc's cloned_binary,
 * for kernels or users that cannot make that overlay). /proc/self/exe then names a file no one
 * can open for writing, and the binary on disk is never the executable of any such process. */
#pragma once

#include <stdbool.h>

/* Is the running executable a write-sealed memfd or on a read-only overlayfs? */
bool exe_is_sealed(void);
/* If not sealed yet, execveat(2) the binary from a detached read-only overlayfs, or failing
 * that from a sealed (F_SEAL_SEAL|SHRINK|GROW|WRITE) memfd copy, with argv and the current
 * environment. Returns only on failure (-errno), or 0 when already sealed. */
int exe_seal_reexec(char **argv);
