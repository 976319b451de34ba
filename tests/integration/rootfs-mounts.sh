#!/bin/bash
# mounts[] in order, with their options: bind/rbind, ro vs rro (recursive, mount_setattr),
# tmpfs size/mode, noexec, tmpcopyup, root.readonly, errors that name the mount, no host leak.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rootfs-common.sh"
rf_setup

# Host side: a file to bind, a directory with a submount (to tell ro from rro).
echo from-host >"$T/hostfile"
mkdir -p "$T/tree/sub"
echo keep >"$T/tree/top"
mount -t tmpfs -o size=1m tmpfs "$T/tree/sub"
defer umount -l "$T/tree/sub"
RF_MOUNTS_BEFORE=$(rf_mounts)

script='
set +e
w() { if touch "$1" 2>/dev/null; then echo "$1=rw"; else echo "$1=ro"; fi; }
echo "file=$(cat /data/file)"
echo "under=$(ls /data | tr "\n" " ")"
w /ro/x; w /ro/sub/x; w /rro/x; w /rro/sub/x; w /newfile; w /t/x
echo "tmode=$(stat -c %a /t)"
dd if=/dev/zero of=/t/big bs=1k count=4096 2>/dev/null && echo big=fits || echo big=enospc
rm -f /t/big; cp /bin/busybox /t/bb && { /t/bb true 2>/dev/null && echo exec=yes || echo exec=no; }
echo "passwd=$(cat /etc/passwd)"
echo extra >>/etc/passwd && echo etc=rw
'
JQ='.mounts += [{"destination":"/data","type":"tmpfs","source":"tmpfs","options":["size=1m"]}]
.mounts += [{"destination":"/data/file","type":"bind","source":"'"$T"'/hostfile","options":["bind"]}]
.mounts += [{"destination":"/ro","type":"bind","source":"'"$T"'/tree","options":["rbind","ro"]}]
.mounts += [{"destination":"/rro","type":"bind","source":"'"$T"'/tree","options":["rbind","rro"]}]
.mounts += [{"destination":"/t","type":"tmpfs","source":"tmpfs","options":["nosuid","noexec","size=3m","mode=1777"]}]
.mounts += [{"destination":"/etc","type":"tmpfs","source":"tmpfs","options":["tmpcopyup","mode=755"]}]' \
	rf_bundle b1 sh /script
echo "$script" >"$T/b1/rootfs/script"
echo under-the-tmpfs >"$T/b1/rootfs/under"
mkdir -p "$T/b1/rootfs/data" && mv "$T/b1/rootfs/under" "$T/b1/rootfs/data/"
rf_run b1
rf_expect_ok b1
out=$(rf_out b1)
grep -qx 'file=from-host' <<<"$out" || fail "bind into an earlier tmpfs: $out"
grep -qx 'under=file ' <<<"$out" || fail "the tmpfs on /data should hide what is under it: $out"
grep -qx '/ro/x=ro' <<<"$out" || fail "ro bind is writable"
grep -qx '/ro/sub/x=rw' <<<"$out" || fail "ro (not recursive) should leave the submount writable"
grep -qx '/rro/x=ro' <<<"$out" || fail "rro bind is writable"
grep -qx '/rro/sub/x=ro' <<<"$out" || fail "rro did not reach the submount"
grep -qx '/newfile=ro' <<<"$out" || fail "root.readonly: / is writable"
grep -qx '/t/x=rw' <<<"$out" || fail "tmpfs not writable"
grep -qx 'tmode=1777' <<<"$out" || fail "tmpfs mode=1777 not applied"
grep -qx 'big=enospc' <<<"$out" || fail "tmpfs size=3m not applied"
grep -qx 'exec=no' <<<"$out" || fail "noexec not applied"
grep -qx 'passwd=root:x:0:0:root:/root:/bin/sh' <<<"$out" || fail "tmpcopyup did not copy /etc"
grep -qx 'etc=rw' <<<"$out" || fail "tmpcopyup tmpfs not writable"
assert_eq 'root:x:0:0:root:/root:/bin/sh' "$(cat "$T/b1/rootfs/etc/passwd")" "host copy of /etc/passwd"
[[ ! -e $T/tree/x ]] || fail "a write through the ro bind reached the host tree"

# An error names the mount, its destination and the cause.
JQ='.mounts += [{"destination":"/data","type":"bind","source":"/nonexistent-husk","options":["rbind"]}]' \
	rf_bundle b2 true
rf_run b2
n=$(jq '.mounts | length - 1' "$T/b2/config.json")
rf_expect_err b2 "mounts[$n] (/data): mount bind /nonexistent-husk: No such file or directory"

# A relative bind source is taken from the bundle.
mkdir -p "$T/b3/rel"
echo in-bundle >"$T/b3/rel/f"
JQ='.mounts += [{"destination":"/rel","type":"none","source":"rel","options":["bind","ro"]}]' \
	rf_bundle b3 cat /rel/f
rf_run b3
rf_expect_ok b3
assert_eq in-bundle "$(rf_out b3)" "relative bind source"

rf_check_no_leak
echo "ok"
