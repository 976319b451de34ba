/* SPDX-License-Identifier: GPL-2.0-or-later
 * husk: an OCI runtime (runc's command line), plus `husk limits`.
 * main() reads as the algorithm: parse global options, set up logging, dispatch the verb. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "exe-seal.h"

static const struct verb verbs[] = {
        { "create",   "create a container (its process waits for start)", verb_create, true },
        { "start",    "start a created container's process",              verb_start },
        { "run",      "create and start a container, wait for it",        verb_run, true },
        { "state",    "print a container's state as JSON",                verb_state },
        { "kill",     "send a signal to a container's init",              verb_kill },
        { "delete",   "delete a container",                               verb_delete },
        { "list",     "list containers",                                  verb_list },
        { "exec",     "run another process in a container",               verb_exec, true },
        { "ps",       "list a container's processes",                     verb_ps },
        { "pause",    "freeze a container's processes (cgroup freezer)",  verb_pause },
        { "resume",   "thaw a paused container",                          verb_resume },
        { "update",   "change a container's cgroup limits",               verb_update },
        { "events",   "print a container's statistics and OOM events",    verb_events },
        { "spec",     "write a config.json template",                     verb_spec },
        { "features", "print the features of this runtime as JSON",       verb_features },
        { "limits",   "show what the cgroups allow, and the plan (libhusk)", verb_limits },
        { "init",     "run as a container's PID 1 (husk-init)",            verb_init },
        { "policy",   "check and compile seccomp profiles",               verb_policy },
};

static void print_version(void) {
        printf("husk version %s\nspec: %s\n", HUSK_VERSION, HUSK_OCI_SPEC_VERSION);
}

static void print_help(void) {
        printf("Usage: husk [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]\n\n"
               "An OCI runtime, command-line compatible with runc.\n\n"
               "Global options:\n"
               "  --root DIR            state directory (default /run/husk)\n"
               "  --log FILE            write log messages to FILE (default stderr)\n"
               "  --log-format FORMAT   text or json\n"
               "  --debug               log debug messages\n"
               "  --systemd-cgroup      use the systemd cgroup driver\n"
               "  --cgroup-manager M    cgroupfs, systemd or disabled\n"
               "  -v, --version         print the version\n"
               "  -h, --help            show this help\n\n"
               "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %-10s %s\n", verbs[i].name, verbs[i].summary);
        printf("\nRun 'husk COMMAND --help' for a command's options. See husk(8).\n");
}

int verb_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                const char *usage, int (*handle)(int c, const char *arg, void *userdata),
                void *userdata, int *ret_exit) {
        static const struct option help_only[] = { { "help", no_argument, NULL, 'h' }, {} };
        char optstring[128];
        snprintf(optstring, sizeof optstring, "+:h%s", shortopts ? shortopts : "");
        optind = 0;
        for (;;) {
                int c = getopt_long(argc, argv, optstring, longopts ? longopts : help_only, NULL);
                if (c == -1)
                        break;
                if (c == 'h') {
                        fputs(usage, stdout);
                        *ret_exit = 0;
                        return -1;
                }
                if (c == '?' || c == ':') {
                        log_error("%s: %s option '%s'", argv[0],
                                  c == '?' ? "unknown" : "missing argument for", argv[optind - 1]);
                        fputs(usage, stderr);
                        *ret_exit = 1;
                        return -1;
                }
                int r = handle ? handle(c, optarg, userdata) : -EINVAL;
                if (r < 0) {
                        *ret_exit = 1;
                        return -1;
                }
        }
        return optind;
}

static const struct verb *find_verb(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (strcmp(verbs[i].name, name) == 0)
                        return &verbs[i];
        return NULL;
}

enum {
        ARG_ROOT = 0x100,
        ARG_LOG,
        ARG_LOG_FORMAT,
        ARG_DEBUG,
        ARG_SYSTEMD_CGROUP,
        ARG_CGROUP_MANAGER,
        ARG_ROOTLESS,
        ARG_CRIU,
};

static int parse_global(int argc, char **argv, struct global_args *g) {
        static const struct option options[] = {
                { "root",           required_argument, NULL, ARG_ROOT },
                { "log",            required_argument, NULL, ARG_LOG },
                { "log-format",     required_argument, NULL, ARG_LOG_FORMAT },
                { "debug",          no_argument,       NULL, ARG_DEBUG },
                { "systemd-cgroup", no_argument,       NULL, ARG_SYSTEMD_CGROUP },
                { "cgroup-manager", required_argument, NULL, ARG_CGROUP_MANAGER },
                { "rootless",       required_argument, NULL, ARG_ROOTLESS },
                { "criu",           required_argument, NULL, ARG_CRIU },
                { "version",        no_argument,       NULL, 'v' },
                { "help",           no_argument,       NULL, 'h' },
                {}
        };
        /* runc (urfave/cli) also accepts single-dash long options such as -root: so do we. */
        opterr = 0;
        for (;;) {
                int c = getopt_long_only(argc, argv, "+vh", options, NULL);
                if (c == -1)
                        return optind;
                switch (c) {
                case ARG_ROOT:           g->root = optarg; break;
                case ARG_LOG:            g->log_path = optarg; break;
                case ARG_DEBUG:          g->debug = true; break;
                case ARG_SYSTEMD_CGROUP: g->systemd_cgroup = true; break;
                case ARG_CGROUP_MANAGER: g->cgroup_manager = optarg; break;
                case ARG_ROOTLESS:       break; /* accepted for runc compatibility */
                case ARG_CRIU:           break;
                case ARG_LOG_FORMAT:
                        if (log_parse_format(optarg, &g->log_format) < 0) {
                                log_error("--log-format: must be 'text' or 'json', got '%s'", optarg);
                                return -1;
                        }
                        break;
                case 'v':
                        print_version();
                        exit(EXIT_SUCCESS);
                case 'h':
                        print_help();
                        exit(EXIT_SUCCESS);
                default:
                        log_error("unknown global option '%s' (see husk --help)", argv[optind - 1]);
                        return -1;
                }
        }
}

int main(int argc, char **argv) {
        struct global_args g = { .root = "/run/husk", .log_format = LOG_FORMAT_TEXT };

        log_set_prefix("husk");
        int first = parse_global(argc, argv, &g);
        if (first < 0)
                return EXIT_FAILURE;

        int r = log_open(g.log_path, g.log_format);
        if (r < 0) {
                log_error_errno(r, "--log: cannot open '%s': %m", g.log_path);
                return EXIT_FAILURE;
        }
        if (g.log_path)
                log_set_prefix(NULL);
        if (g.debug)
                log_set_max_level(LOG_LEVEL_DEBUG);
        if (g.systemd_cgroup && !g.cgroup_manager)
                g.cgroup_manager = "systemd";

        if (first >= argc) {
                print_help();
                return EXIT_FAILURE;
        }
        const struct verb *v = find_verb(argv[first]);
        if (!v) {
                log_error("unknown command '%s' (see husk --help)", argv[first]);
                return EXIT_FAILURE;
        }
        if (v->seal_exe && (r = exe_seal_prepare(argv)) < 0) {
                log_error_errno(r, "seal the husk binary against container processes (CVE-2019-5736): %m");
                return EXIT_FAILURE;
        }
        r = v->run(argc - first, argv + first, &g);
        log_close();
        return r;
}
