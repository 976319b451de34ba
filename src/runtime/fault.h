/* SPDX-License-Identifier: GPL-2.0-or-later
 * Fault injection for the reliability tests: with HUSK_FAULT=<stage> in its environment, husk
 * dies with SIGKILL when it reaches that stage, as a crash or an OOM kill would end it (no
 * cleanup handler, no message). tests/integration/fault-injection.sh names every stage and checks
 * that `husk delete --force` leaves nothing behind after each.
 *
 * Stages are "<verb>.<point>", e.g. "create.after-cgroup"; "create.child-*" are points in the
 * container child. Without HUSK_FAULT a point costs one comparison. */
#pragma once

/* Die here if HUSK_FAULT names this stage. The environment is read once per process (a child
 * inherits what its parent read). */
void fault_point(const char *stage);
