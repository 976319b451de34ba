/* SPDX-License-Identifier: GPL-2.0-or-later
 * A plain main() for the fuzz targets: feed every file named on the command line, and every regular
 * file in every directory named there, to LLVMFuzzerTestOneInput once, in name order. Built with
 * the project's compiler, so the committed corpus and the regression inputs replay in the normal
 * unit suite (and under ASan/UBSan/LSan in build-asan) without clang's libFuzzer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "fuzz.h"

/* Run one file; dirfd/name as for openat(). */
static int replay_file(int dirfd, const char *name, const char *shown) {
        _cleanup_free_ char *data = NULL;
        size_t size = 0;
        int r = read_full_file_at(dirfd, name, &data, &size);
        if (r < 0) {
                fprintf(stderr, "replay: read '%s': %s\n", shown, strerror(-r));
                return r;
        }
        /* Hand over an exact-size copy so ASan sees a read past the input's end. */
        _cleanup_free_ uint8_t *copy = malloc(size ? size : 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, data, size);
        (void) LLVMFuzzerTestOneInput(copy, size);
        return 0;
}

static void free_namelist(struct dirent **l, int n) {
        for (int i = 0; i < n; i++)
                free(l[i]);
        free(l);
}

static int is_input(const struct dirent *de) {
        return de->d_name[0] != '.' && strcmp(de->d_name, "README.md") != 0;
}

/* Every input of a directory, sorted by name; returns how many ran, or -errno. */
static int replay_dir(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "replay: open '%s': %m\n", path);
                return -errno;
        }
        struct dirent **l = NULL;
        int n = scandir(path, &l, is_input, alphasort), count = 0;
        if (n < 0) {
                fprintf(stderr, "replay: scan '%s': %m\n", path);
                return -errno;
        }
        for (int i = 0; i < n; i++) {
                struct stat st;
                if (fstatat(fd, l[i]->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
                        continue;
                char shown[4096];
                snprintf(shown, sizeof shown, "%s/%s", path, l[i]->d_name);
                int r = replay_file(fd, l[i]->d_name, shown);
                if (r < 0) {
                        free_namelist(l, n);
                        return r;
                }
                count++;
        }
        free_namelist(l, n);
        return count;
}

int main(int argc, char *argv[]) {
        int total = 0;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
                return EXIT_FAILURE;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "replay: '%s': %m\n", argv[i]);
                        return EXIT_FAILURE;
                }
                int r = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(AT_FDCWD, argv[i], argv[i]);
                if (r < 0)
                        return EXIT_FAILURE;
                total += S_ISDIR(st.st_mode) ? r : 1;
        }
        /* An empty corpus would make this test pass without testing anything. */
        if (total == 0) {
                fprintf(stderr, "replay: no inputs in %s ...\n", argv[1]);
                return EXIT_FAILURE;
        }
        printf("replayed %d inputs\n", total);
        return EXIT_SUCCESS;
}
