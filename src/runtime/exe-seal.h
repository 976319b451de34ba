/* SPDX-License-Identifier: GPL-2.0-or-later
 * CVE-2019-5736 protection: a container process must never reach a writable handle on the husk
 * binary. Its only route is /proc/<pid>/exe of a husk process inside the container (our setup
 * child before it execs, or a "#!/proc/self/exe" script the container makes us run). So the
 * commands that start container processes first re-execute themselves from a sealed memfd copy
 * of the binary (as runc's cloned_binary and crun do): /proc/self/exe then names an anonymous,
 * write-sealed file, and the binary on disk is never the executable of any such process. */
#pragma once

#include <stdbool.h>

/* Is the running executable a write-sealed memfd? */
bool exe_is_sealed(void);
/* If not sealed yet, copy /proc/self/exe into a memfd, seal it (F_SEAL_SEAL|SHRINK|GROW|WRITE)
 * and execveat(2) it with argv and the current environment. Returns only on failure (-errno),
 * or 0 when already sealed. */
int exe_seal_reexec(char **argv);
