/* SPDX-License-Identifier: GPL-2.0-or-later
 * Mounts husk makes in a mount namespace it shares with the host.
 *
 * A config without a mount namespace inherits the runtime's (config-linux.md), so config.mounts,
 * /dev, maskedPaths, readonlyPaths and a read-only root's bind are made there, below the rootfs,
 * and outlive the container's processes. create takes a snapshot of the mounts below the rootfs
 * before the container child starts (mount_record_begin, kept in <state>/mounts.base) and, once
 * the child is ready, writes every mount below the rootfs that is new since then to
 * <state>/mounts (mount_record_save). Both files hold "rootfs PATH\0", then "ID PATH\0" records
 * in creation order, ID being the mount ID of mountinfo and statx(2) STATX_MNT_ID. A create that
 * fails detaches them at once (mount_record_undo); delete detaches the saved ones, or, after a
 * create killed before it saved them, those new since mounts.base (mount_record_detach_saved).
 *
 * Each is detached last first, and only if its path still resolves without following any
 * symlink to the root of a mount with the recorded ID: the container shares the namespace and
 * can swap a path for a symlink to a host directory, which delete must not unmount. The unmount
 * goes through the verified fd (umount2 of /proc/self/fd/N, MNT_DETACH), so nothing swapped in
 * after the check is hit either. A mount the check rejects at its recorded path is looked up by
 * its ID in mountinfo: still below the rootfs (the container renamed a directory above it), it
 * is checked and detached there. Otherwise it is left alone (it was replaced, or already went
 * with a parent detached before it). */
#pragma once

#define MOUNT_RECORD_FILE "mounts"
#define MOUNT_RECORD_BASE_FILE "mounts.base"

struct mount_record;

/* Remember the mounts below rootfs (absolute, canonical) as they are now, also in
 * MOUNT_RECORD_BASE_FILE in dir_fd (for a delete after a create that was killed). */
int mount_record_begin(const char *rootfs, int dir_fd, struct mount_record **ret);
/* Write the mounts below the rootfs made since mount_record_begin() to MOUNT_RECORD_FILE in
 * dir_fd (atomically: a temporary file renamed). */
int mount_record_save(const struct mount_record *m, int dir_fd);
/* Detach the mounts below the rootfs made since mount_record_begin(): the failure path of create,
 * once the container child is gone. */
int mount_record_undo(const struct mount_record *m);
/* Detach the mounts MOUNT_RECORD_FILE in dir_fd lists; without it, those below the rootfs that
 * are new since MOUNT_RECORD_BASE_FILE; without either, 0. On a failed unmount the others are
 * still tried; *ret_failed (may be NULL) gets the first path that failed. */
int mount_record_detach_saved(int dir_fd, char **ret_failed);
void mount_record_free(struct mount_record *m);
static inline void mount_record_freep(struct mount_record **m) {
        mount_record_free(*m);
}
