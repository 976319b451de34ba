/* SPDX-License-Identifier: GPL-2.0-or-later
 * The compiled-BPF cache of seccomp.c (internal to the seccomp module).
 *
 * An entry is the BPF program seccomp_export_bpf() produced for a profile, plus the syscall names
 * that were skipped. Its key is a canonical text of everything the BPF depends on: the profile,
 * husk's version, libseccomp's version and the kernel (release and machine), since each can change
 * the program (new syscall numbers, different code generation). The file name is a hash of the key;
 * the key itself is stored in the entry and compared byte for byte on load, so a hash collision can
 * never load a wrong filter. Entries are written atomically (temp file + rename) with mode 0600 and
 * are only read when owned by us and not writable by others. */
#pragma once

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp-spec.h"

/* The cache lives in this directory of the state root. The '@' keeps it out of the container
 * namespace: no container id can contain it, so `husk list` and `husk delete` never see it. */
#define SECCOMP_CACHE_DIR "@seccomp-cache"

/* <state_root>/@seccomp-cache into *ret (NULL when state_root is NULL). */
int seccomp_cache_dir(const char *state_root, char **ret);

/* The canonical key for s compiled with fail_unknown. */
int seccomp_cache_key(const struct oci_seccomp *s, bool fail_unknown, char **ret);
/* Look the key up in dir. Returns 1 with the program and skipped names on a hit, 0 on a miss (or an
 * unusable entry), -errno on allocation failure. */
int seccomp_cache_load(const char *dir, const char *key, struct sock_filter **ret_bpf, size_t *ret_n,
                       char ***ret_skipped);
/* Store an entry; creates dir and its parent (0700) when missing, then prunes the cache to the
 * default bounds. Best effort: the caller may ignore errors. */
int seccomp_cache_store(const char *dir, const char *key, const struct sock_filter *bpf, size_t n,
                        char *const *skipped);

/* The cache's bounds: entries beyond either are pruned, least recently used first. A profile's
 * BPF is a few KiB (default.json: ~3 KiB), so the bytes bound is the one a flood of distinct
 * profiles meets only if they are large. */
#define SECCOMP_CACHE_MAX_ENTRIES 64
#define SECCOMP_CACHE_MAX_BYTES (4u << 20)

/* Remove entries until at most max_entries of at most max_bytes together remain, oldest mtime
 * first (a hit sets an entry's mtime, so this is least recently used), and leftover temp files
 * of stores that died (older than a minute). Safe beside other husk processes: a reader keeps
 * its open entry, a file another pruner removed first is skipped, a store that loses its fresh
 * entry only compiles again. Returns the number of entries removed. */
int seccomp_cache_prune(const char *dir, size_t max_entries, uint64_t max_bytes);
