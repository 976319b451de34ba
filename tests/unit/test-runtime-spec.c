/* SPDX-License-Identifier: GPL-2.0-or-later
 * oci_spec_parse over the fixture corpus: every tests/fixtures/bad-configs/NAME.json must fail with
 * an error containing NAME.expect; every tests/fixtures/good-configs/ config must parse. Plus field
 * values of the config with every field set. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <time.h>

#include "fileio.h"
#include "spec.h"
#include "strv.h"

static struct oci_spec *load_fixture(const char *dir, const char *name, char **ret_error) {
        char path[512];
        char *text = NULL;
        size_t len = 0;
        struct oci_spec *s = NULL;
        snprintf(path, sizeof path, "%s/%s/%s", FIXTURES_DIR, dir, name);
        cr_assert_eq(read_full_file_at(AT_FDCWD, path, &text, &len), 0, "read %s", path);
        int r = oci_spec_parse(text, len, &s, ret_error);
        free(text);
        return r < 0 ? NULL : s;
}

static size_t for_each_fixture(const char *dir, void (*fn)(const char *name)) {
        char path[512];
        struct dirent **ents = NULL;
        snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, dir);
        int n = scandir(path, &ents, NULL, alphasort);
        cr_assert_geq(n, 0, "scandir %s", path);
        size_t count = 0;
        for (int i = 0; i < n; i++) {
                size_t l = strlen(ents[i]->d_name);
                if (l > 5 && strcmp(ents[i]->d_name + l - 5, ".json") == 0) {
                        fn(ents[i]->d_name);
                        count++;
                }
                free(ents[i]);
        }
        free(ents);
        return count;
}

static void check_bad(const char *name) {
        char path[512], *expect = NULL, *err = NULL;
        snprintf(path, sizeof path, "%s/bad-configs/%.*s.expect", FIXTURES_DIR, (int) (strlen(name) - 5), name);
        cr_assert_eq(read_one_line_at(AT_FDCWD, path, &expect), 0, "%s: missing %s", name, path);
        struct oci_spec *s = load_fixture("bad-configs", name, &err);
        cr_expect_null(s, "%s: parsed, but should fail with '%s'", name, expect);
        oci_spec_free(s);
        cr_expect(err && strstr(err, expect), "%s: error '%s' does not contain '%s'", name, err ? err : "(none)", expect);
        free(expect);
        free(err);
}

Test(spec, bad_configs_fail_naming_the_field) {
        cr_expect_geq(for_each_fixture("bad-configs", check_bad), 30);
}

static void check_good(const char *name) {
        char *err = NULL;
        struct oci_spec *s = load_fixture("good-configs", name, &err);
        cr_expect_not_null(s, "%s: %s", name, err ? err : "(no message)");
        oci_spec_free(s);
        free(err);
}

Test(spec, good_configs_parse) {
        cr_expect_geq(for_each_fixture("good-configs", check_good), 2);
}

Test(spec, full_config_values) {
        char *err = NULL;
        struct oci_spec *s = load_fixture("good-configs", "full.json", &err);
        cr_assert_not_null(s, "%s", err);

        cr_expect_str_eq(s->oci_version, "1.2.0");
        cr_expect(s->root_readonly);
        cr_expect_str_eq(s->domainname, "example.org");
        struct oci_process *p = s->process;
        cr_assert_not_null(p);
        cr_expect_eq(p->console_width, 80);
        cr_expect_eq(p->user.uid, 1000);
        cr_expect(p->user.has_umask);
        cr_expect_eq(p->user.umask, 022);
        cr_expect_eq(p->user.n_additional_gids, 3);
        cr_expect_eq(p->user.additional_gids[2], 4294967294u);
        cr_expect_eq(strv_length(p->args), 2);
        cr_expect_str_eq(strv_env_get(p->env, "A"), "b=c");
        cr_expect_eq(p->capabilities.bounding, (1ull << CAP_CHOWN) | (1ull << CAP_KILL) |
                                               (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_SYS_ADMIN));
        cr_expect_eq(p->capabilities.ambient, 1ull << CAP_KILL);
        cr_expect_eq(strv_length(p->capabilities.unknown), 1, "unknown names are listed once");
        cr_expect_str_eq(p->capabilities.unknown[0], "CAP_NOT_A_REAL_ONE");
        cr_expect_eq(p->n_rlimits, 3);
        cr_expect_eq(p->rlimits[1].resource, RLIMIT_CORE);
        cr_expect_eq(p->rlimits[1].hard, UINT64_MAX, "18446744073709551615 reads as RLIM_INFINITY");
        cr_expect(p->no_new_privileges);
        cr_expect(p->has_oom_score_adj);
        cr_expect_eq(p->oom_score_adj, 500);
        cr_expect_eq(p->io_priority.class, IOPRIO_CLASS_BE);
        cr_expect_eq(p->scheduler.policy, SCHED_BATCH);
        cr_expect_eq(p->scheduler.nice, 5);
        cr_expect_eq(p->scheduler.flags, 0x01u);
        cr_expect_str_eq(p->exec_cpu_affinity_initial, "0");
        cr_expect_str_eq(p->exec_cpu_affinity_final, "0-1");

        cr_expect_eq(s->n_mounts, 4);
        cr_expect_str_eq(s->mounts[2].destination, "/data", "a relative destination is taken from /");
        cr_expect_eq(s->mounts[3].n_uid_mappings, 1);
        cr_expect_eq(s->mounts[3].uid_mappings[0].host_id, 100000);

        cr_expect_eq(s->hooks.n_hooks[OCI_HOOK_POSTSTART], 2);
        cr_expect(s->hooks.hooks[OCI_HOOK_CREATE_RUNTIME][0].has_timeout);
        cr_expect_eq(s->hooks.hooks[OCI_HOOK_CREATE_RUNTIME][0].timeout, 5);
        cr_expect_str_eq(oci_spec_annotation(s, "com.example.empty"), "");
        cr_expect_null(oci_spec_annotation(s, "missing"));

        struct oci_linux *l = &s->linux_;
        cr_expect_eq(l->n_namespaces, 8);
        cr_expect_not_null(oci_spec_namespace(s, OCI_NS_TIME));
        cr_expect_eq(oci_ns_type_to_clone_flag(OCI_NS_USER), CLONE_NEWUSER);
        cr_expect_str_eq(oci_ns_type_to_string(OCI_NS_NETWORK), "network");
        cr_expect_str_eq(oci_hook_kind_to_string(OCI_HOOK_CREATE_CONTAINER), "createContainer");
        cr_expect_eq(l->n_time_offsets, 2);
        cr_expect_eq(l->n_devices, 3);
        cr_expect_eq(l->devices[2].type, 'p');
        cr_expect_eq(l->devices[0].file_mode, 0666);
        cr_expect_not_null(l->resources_json);
        cr_expect_not_null(l->seccomp_json);
        cr_expect_str_eq(l->rootfs_propagation, "rslave");
        cr_expect_eq(l->n_sysctl, 4);
        cr_expect(l->has_personality);
        cr_expect_eq(l->personality, PER_LINUX | ADDR_NO_RANDOMIZE);
        oci_spec_free(s);
}

Test(spec, process_is_optional) {
        static const char cfg[] = "{\"ociVersion\":\"1.0.2-dev\",\"root\":{\"path\":\"rootfs\"}}";
        struct oci_spec *s = NULL;
        cr_assert_eq(oci_spec_parse(cfg, strlen(cfg), &s, NULL), 0);
        cr_expect_null(s->process);
        cr_expect_not(s->has_linux);
        oci_spec_free(s);
}

Test(spec, load_names_the_file) {
        char dir[] = "/tmp/husk-test-spec-XXXXXX", path[64], *err = NULL;
        struct oci_spec *s = NULL;
        cr_assert_not_null(mkdtemp(dir));
        cr_expect_eq(oci_spec_load(dir, &s, &err), -ENOENT);
        snprintf(path, sizeof path, "%s/config.json: No such file", dir);
        cr_expect(err && strstr(err, path), "got '%s'", err);
        free(err);
        err = NULL;

        snprintf(path, sizeof path, "%s/config.json", dir);
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        cr_assert_geq(fd, 0);
        dprintf(fd, "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"process\":{\"cwd\":\"/\",\"args\":[]}}");
        close(fd);
        cr_expect_eq(oci_spec_load(dir, &s, &err), -EINVAL);
        char want[128];
        snprintf(want, sizeof want, "%s: process.args: must be a non-empty array", path);
        cr_expect(err && strcmp(err, want) == 0, "got '%s' want '%s'", err, want);
        free(err);
        unlink(path);
        rmdir(dir);
}

/* The templates of the reference runtimes, where installed (runc and crun on the dev machine;
 * a CI without them checks the committed husk templates only). crun's rootless template has a
 * user namespace without mappings (crun invents them); husk, like runc, refuses that. */
Test(spec, runc_and_crun_templates_parse) {
        static const struct { const char *cmd, *error; } cases[] = {
                { "runc spec", NULL },
                { "runc spec --rootless", NULL },
                { "crun spec", NULL },
                { "crun spec --rootless", "linux.uidMappings: required with a new user namespace" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char dir[] = "/tmp/husk-test-spec-XXXXXX", cmd[256], path[64];
                cr_assert_not_null(mkdtemp(dir));
                snprintf(cmd, sizeof cmd, "cd %s && %s >/dev/null 2>&1", dir, cases[i].cmd);
                if (system(cmd) == 0) {
                        struct oci_spec *s = NULL;
                        char *err = NULL;
                        int r = oci_spec_load(dir, &s, &err);
                        if (cases[i].error) {
                                cr_expect_eq(r, -EINVAL, "%s: accepted", cases[i].cmd);
                                cr_expect(err && strstr(err, cases[i].error), "%s: got '%s'", cases[i].cmd, err);
                        } else {
                                cr_expect_eq(r, 0, "%s: %s", cases[i].cmd, err);
                                cr_expect(s && s->process && s->process->n_rlimits == 1, "%s: rlimits", cases[i].cmd);
                        }
                        oci_spec_free(s);
                        free(err);
                } else {
                        cr_log_info("%s: not available, not checked", cases[i].cmd);
                }
                snprintf(path, sizeof path, "%s/config.json", dir);
                unlink(path);
                rmdir(dir);
        }
}

Test(spec, warnings_for_unknown_capabilities_and_newer_versions) {
        static const char cfg[] =
                "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],"
                "\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_FUTURE\"],\"ambient\":[\"CAP_FUTURE\"]}},"
                "\"mounts\":[{\"destination\":\"/ok\"},{\"destination\":\"data\",\"type\":\"tmpfs\"}]}";
        struct oci_spec *s = NULL;
        char **w = NULL;
        cr_assert_eq(oci_spec_parse(cfg, strlen(cfg), &s, NULL), 0);
        cr_assert_eq(oci_spec_warnings(s, &w), 0);
        cr_assert_eq(strv_length(w), 3);
        cr_expect_str_eq(w[0], "process.capabilities: unknown capability \"CAP_FUTURE\" ignored");
        cr_expect_str_eq(w[1], "mounts[1].destination: \"data\" is relative, taken as \"/data\" (deprecated)");
        cr_expect(strncmp(w[2], "ociVersion: 1.3.0 is newer", 26) == 0, "got '%s'", w[2]);
        strv_free(w);
        oci_spec_free(s);

        char *err = NULL;
        s = load_fixture("good-configs", "husk-spec.json", &err);
        cr_assert_not_null(s, "%s", err);
        w = (char **) 1;
        cr_expect_eq(oci_spec_warnings(s, &w), 0);
        cr_expect_null(w, "no warnings for our own template");
        oci_spec_free(s);
}
