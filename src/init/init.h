/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk-init's entry point, shared by the husk-init binary and `husk init`. */
#pragma once

/* Run husk-init with argv (argv[0] is the program or verb name). Returns the exit status. */
int init_main(int argc, char **argv);
