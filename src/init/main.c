/* SPDX-License-Identifier: GPL-2.0-or-later
 * The husk-init binary: see init.c. */
#include "init.h"

int main(int argc, char **argv) {
        return init_main(argc, argv);
}
