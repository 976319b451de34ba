#!/bin/bash
# The rootfs in a new user namespace (rootfs_options.in_userns): mknod is refused there, so the
# devices are the host's nodes bound in; a bind of a mount whose nosuid/nodev/noexec are locked
# can still be made read-only (the locked flags are kept on the remount, not cleared: EPERM).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rootfs-common.sh"
rf_setup
unshare --user true 2>/dev/null || skip "user namespaces are not available"

mkdir -p "$T/locked"
mount -t tmpfs -o nosuid,nodev,noexec,size=1m tmpfs "$T/locked"
defer umount -l "$T/locked"
echo inside >"$T/locked/f"
RF_MOUNTS_BEFORE=$(rf_mounts)

script='
for d in null zero full random urandom tty; do stat -c "$d %F %t:%T" /dev/$d; done
echo "null=$(echo x >/dev/null && echo ok)"
echo "locked=$(awk "\$5 == \"/locked\" { print \$6 }" /proc/self/mountinfo)"
echo "f=$(cat /locked/f)"
touch /locked/x 2>/dev/null && echo lockedw=rw || echo lockedw=ro
echo "kcore=[$(head -c 16 /proc/kcore | wc -c)]"
echo "uidmap=$(cat /proc/self/uid_map | tr -s " ")"
'
JQ='.mounts += [{"destination":"/locked","type":"bind","source":"'"$T"'/locked","options":["bind","ro"]}]' \
	rf_bundle u1 sh /script
echo "$script" >"$T/u1/rootfs/script"
rf_run u1 --userns
rf_expect_ok u1
out=$(rf_out u1)
expect() { grep -qxF -- "$1" <<<"$out" || fail "expected line '$1' in: $out"; }
expect "null character special file 1:3"
expect "zero character special file 1:5"
expect "tty character special file 5:0"
expect "null=ok"
expect "locked=ro,nosuid,nodev,noexec,relatime"
expect "f=inside"
expect "lockedw=ro"
expect "kcore=[0]"
expect "uidmap= 0 0 4294967295"

rf_check_no_leak
echo ok
