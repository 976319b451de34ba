/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk init [OPTIONS] [--] COMMAND [ARGS...]: the same PID 1 as the husk-init binary (see
 * husk-init(8)), for images that carry husk rather than husk-init. Options and exit status
 * are husk-init's; the global --debug makes it verbose as -v does. */
#include "cli.h"
#include "init/init.h"

int verb_init(int argc, char **argv, const struct global_args *g) {
        return init_main(argc, argv);
}
