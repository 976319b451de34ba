/* SPDX-License-Identifier: GPL-2.0-or-later
 * Bring up "lo" in the current network namespace (a new netns has it down), over rtnetlink. */
#pragma once

/* RTM_NEWLINK for ifindex 1 with IFF_UP, through libmnl, waiting for the kernel's ack. */
int net_loopback_up(void);
