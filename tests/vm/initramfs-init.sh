#!/bin/sh
# /init of the test VM's initramfs (busybox sh, PID 1). Loads the 9p and overlay modules,
# mounts the host's / (9p tag "host", read-only) under a tmpfs overlay so the VM may write
# anywhere and the host sees none of it, mounts the harness's control share (9p tag "ctl",
# writable) on /run/husk-vm, and hands over to /run/husk-vm/guest.sh (tests/vm/guest.sh)
# as the new PID 1. Any failure powers the VM off at once; the host reports the missing
# boot marker together with this console output.
export PATH=/bin

die() {
	echo "husk-vm-init: $*" >/dev/console
	poweroff -f
	sleep 60
}

mount -t proc proc /proc || die "mount /proc"
mount -t sysfs sysfs /sys || die "mount /sys"
mount -t devtmpfs devtmpfs /dev || die "mount /dev"

# modules.list: one module path per line, dependencies first (written by mkinitramfs.sh).
while read -r m; do
	insmod "/modules/$m" || die "insmod $m"
done </modules.list

# msize: 9p's default (8 KiB on 6.1) makes every read a round trip through the TCG guest.
# cache=loose on the read-only lower layer: nothing on the host is expected to change under
# a running test, and loose caching makes exec and repeated reads far cheaper.
p9='trans=virtio,version=9p2000.L,msize=262144'
mkdir -p /lower /upper /newroot
mount -t 9p -o "$p9,ro,cache=loose" host /lower || die "mount 9p share 'host'"
mount -t tmpfs -o mode=0755 tmpfs /upper || die "mount tmpfs /upper"
mkdir /upper/data /upper/work
mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work overlay /newroot ||
	die "mount overlay on /newroot"

# A fresh /run: the host's runtime state (runc/crun state dirs, sockets, pid files) must
# not leak into the VM. /tmp stays the host's (under the overlay) so that cases and case
# lists in temp dirs are visible.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run || die "mount /run"
mkdir /newroot/run/husk-vm
mount -t 9p -o "$p9" ctl /newroot/run/husk-vm || die "mount 9p share 'ctl'"

for d in proc sys dev; do
	mount --move "/$d" "/newroot/$d" || die "move /$d"
done
exec switch_root /newroot /bin/bash /run/husk-vm/guest.sh
die "switch_root failed"
