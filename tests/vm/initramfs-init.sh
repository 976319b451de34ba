#!/bin/sh
# /init of the test VM's initramfs (busybox sh, PID 1). Loads the 9p and overlay modules,
# mounts the host's / (9p tag "host", read-only) under a tmpfs overlay so the VM may write
# anywhere and the host sees none of it, mounts the harness's control share (9p tag "ctl",
# writable) on /run/husk-vm, sets up pure cgroup v2 and the rest of the system, and hands
# over to /run/husk-vm/guest.sh (tests/vm/guest.sh) as the new PID 1. Any failure powers
# the VM off at once; the host reports it with this console output.
export PATH=/bin

die() {
	echo "husk-vm-init: $*" >/dev/console
	poweroff -f
	sleep 60
}

mount -t proc proc /proc || die "mount /proc"
mount -t sysfs sysfs /sys || die "mount /sys"
mount -t devtmpfs devtmpfs /dev || die "mount /dev"

# modules.list: one module file per line, dependencies first (written by mkinitramfs.sh).
while read -r m; do
	insmod "/modules/$m" || die "insmod $m"
done </modules.list

# msize: larger 9p messages, fewer round trips through the slow TCG guest on big reads.
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

# From here on, failures also reach the host as ctl/boot-failed (see guest.sh).
fail() {
	echo "$*" >/newroot/run/husk-vm/boot-failed
	die "$*"
}
for d in proc sys dev; do
	mount --move "/$d" "/newroot/$d" || fail "move /$d"
done

# The system the cases see, set up here because static busybox execs cost far less under
# TCG than the host's dynamically linked tools read over 9p.
# cgroup2 as systemd mounts it on a unified host, every controller the kernel offers (at
# least cpu, memory, pids and io) enabled in the root's subtree_control.
cg=/newroot/sys/fs/cgroup
mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 "$cg" || fail "mount cgroup2 on /sys/fs/cgroup"
read -r controllers <"$cg/cgroup.controllers"
for c in $controllers; do
	echo "+$c" >"$cg/cgroup.subtree_control" || echo "husk-vm-init: cannot enable controller $c"
done
read -r enabled <"$cg/cgroup.subtree_control"
for c in cpu memory pids io; do
	case " $enabled " in
	*" $c "*) ;;
	*) fail "controller $c not enabled in /sys/fs/cgroup/cgroup.subtree_control ($enabled)" ;;
	esac
done
# What a Debian host has beyond proc, sys and dev: devpts, shm, mqueue, /dev/fd, lo up.
mkdir -p /newroot/dev/pts /newroot/dev/shm /newroot/dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /newroot/dev/pts || fail "mount /dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev shm /newroot/dev/shm || fail "mount /dev/shm"
mount -t mqueue mqueue /newroot/dev/mqueue || fail "mount /dev/mqueue"
ln -sfn /proc/self/fd /newroot/dev/fd
ln -sfn /proc/self/fd/0 /newroot/dev/stdin
ln -sfn /proc/self/fd/1 /newroot/dev/stdout
ln -sfn /proc/self/fd/2 /newroot/dev/stderr
echo husk-vm >/newroot/proc/sys/kernel/hostname
ip link set lo up || fail "ip link set lo up"

exec switch_root /newroot /bin/bash /run/husk-vm/guest.sh
fail "switch_root to /bin/bash /run/husk-vm/guest.sh failed"
