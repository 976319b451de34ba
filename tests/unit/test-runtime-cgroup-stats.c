/* SPDX-License-Identifier: GPL-2.0-or-later
 * cgroup-stats.c: runc's stats "data" from fixture cgroup trees (tests/fixtures/cgroup/stats-v1,
 * a v1 mount per controller; stats-v1-cfq, blkio of the CFQ scheduler; stats-v2, one cgroup2
 * mount), held against the expected JSON next to them; and json_dump_line() writing an unlimited value as runc does. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-events.h"
#include "fileio.h"
#include "json-util.h"

static json_t *expected(const char *name) {
        char path[512], *text = NULL, *err = NULL;
        json_t *j = NULL;
        snprintf(path, sizeof path, "%s/cgroup/%s", FIXTURES_DIR, name);
        cr_assert_geq(read_full_file_at(AT_FDCWD, path, &text, NULL), 0, "read %s", path);
        cr_assert_eq(json_load_text(text, strlen(text), path, &j, &err), 0, "%s", err);
        free(text);
        return j;
}

/* The stats of cgroup "/c" on layout l against the expected file; on a mismatch both are shown. */
static void check(struct cgroup_layout l, const char *expected_file) {
        struct cgroup cg = { .layout = l, .path = (char *) "/c", .unified_fd = -1 };
        json_t *data = NULL, *want = expected(expected_file);
        char *got_text = NULL, *want_text = NULL;
        cr_assert_eq(cgroup_stats_json(&cg, &data), 0);
        cr_assert_eq(json_dump_line(data, &got_text), 0);
        cr_assert_eq(json_dump_line(want, &want_text), 0);
        cr_expect(json_equal(data, want), "got\n%s\nwant\n%s", got_text, want_text);
        free(got_text);
        free(want_text);
        json_decref(data);
        json_decref(want);
}

Test(cgroup_stats, v2) {
        char root[512];
        snprintf(root, sizeof root, "%s/cgroup/stats-v2", FIXTURES_DIR);
        check((struct cgroup_layout) { .version = HUSK_CGROUP_V2, .unified = root,
                                       .v2_controllers = (char *) "cpu io memory hugetlb pids" },
              "stats-v2.json");
}

Test(cgroup_stats, v1) {
        static const struct { enum cgroup_ctrl c; const char *dir; } mounts[] = {
                { CG_CPU, "cpu" }, { CG_CPUACCT, "cpuacct" }, { CG_MEMORY, "memory" },
                { CG_PIDS, "pids" }, { CG_BLKIO, "blkio" }, { CG_HUGETLB, "hugetlb" },
        };
        char dirs[6][512];
        struct cgroup_layout l = { .version = HUSK_CGROUP_V1 };
        for (size_t i = 0; i < 6; i++) {
                snprintf(dirs[i], sizeof dirs[i], "%s/cgroup/stats-v1/%s", FIXTURES_DIR, mounts[i].dir);
                l.v1[mounts[i].c] = dirs[i];
        }
        check(l, "stats-v1.json");
}

/* CFQ's blkio files win over the throttle policy's; time and sectors lines have no op. */
Test(cgroup_stats, v1_cfq) {
        char dir[512];
        struct cgroup_layout l = { .version = HUSK_CGROUP_V1 };
        snprintf(dir, sizeof dir, "%s/cgroup/stats-v1-cfq/blkio", FIXTURES_DIR);
        l.v1[CG_BLKIO] = dir;
        check(l, "stats-v1-cfq.json");
}

/* No hierarchy serves anything: an empty object, nothing made up. */
Test(cgroup_stats, nothing) {
        struct cgroup cg = { .path = (char *) "/c", .unified_fd = -1 };
        json_t *data = NULL;
        cr_assert_eq(cgroup_stats_json(&cg, &data), 0);
        cr_expect_eq(json_object_size(data), 0);
        json_decref(data);
}

Test(cgroup_stats, dump_line_big_integers) {
        json_t *j = json_pack("{s:o, s:o, s:o}", "max", json_uint64(UINT64_MAX), "v1", json_uint64(9223372036854771712ULL),
                              "small", json_uint64(5));
        char *text = NULL;
        cr_assert_eq(json_dump_line(j, &text), 0);
        cr_expect_str_eq(text, "{\"max\":18446744073709551615,\"v1\":9223372036854771712,\"small\":5}");
        uint64_t v = 0;
        cr_expect_eq(json_get_uint64(j, "max", "", true, &v, NULL), 1);
        cr_expect_eq(v, UINT64_MAX);
        free(text);
        json_decref(j);
}
