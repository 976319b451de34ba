#!/bin/bash
# Mount destinations are resolved inside the rootfs: symlinks that point out of it (absolute, or
# with enough ".."), dangling ones, and chains all land inside; nothing appears on the host. proc
# and sysfs are never mounted on a symlink (CVE-2019-16884), and nothing but procfs goes on /proc
# or (except lxcfs-style files) below it, even through a symlink.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rootfs-common.sh"
rf_setup

H=/tmp/husk-rootfs-escape-$$
[[ ! -e $H && ! -e $H-rel && ! -e $H-dangling ]] || fail "$H exists already"
defer rm -rf "$H" "$H-rel" "$H-dangling"
echo host-file >"$T/hostfile"

JQ='.root.readonly = false
.mounts += [{"destination":"/escape'"$H"'","type":"tmpfs","source":"tmpfs","options":["size=1m"]}]
.mounts += [{"destination":"/up'"$H"'-rel","type":"tmpfs","source":"tmpfs","options":["size=1m"]}]
.mounts += [{"destination":"/dangling/file","type":"bind","source":"'"$T"'/hostfile","options":["bind"]}]
.mounts += [{"destination":"/chain/x","type":"tmpfs","source":"tmpfs","options":["size=1m"]}]' \
	rf_bundle e1 sh /script
cat >"$T/e1/rootfs/script" <<EOS
stat -f -c "$H %T" $H
stat -f -c "$H-rel %T" $H-rel
echo "dangling=\$(cat $H-dangling/file)"
stat -f -c "chain %T" /etc/x
EOS
ln -s / "$T/e1/rootfs/escape"
ln -s ../../../../../../../../.. "$T/e1/rootfs/up"
ln -s "$H-dangling" "$T/e1/rootfs/dangling"
ln -s /escape/up/etc "$T/e1/rootfs/chain"
rf_run e1
rf_expect_ok e1
out=$(rf_out e1)
grep -qx "$H tmpfs" <<<"$out" || fail "absolute symlink escape: $out"
grep -qx "$H-rel tmpfs" <<<"$out" || fail "relative symlink escape: $out"
grep -qx "dangling=host-file" <<<"$out" || fail "dangling symlink: $out"
grep -qx "chain tmpfs" <<<"$out" || fail "symlink chain: $out"
[[ ! -e $H && ! -e $H-rel && ! -e $H-dangling ]] || fail "a destination was created on the host"
[[ -d $T/e1/rootfs$H && -d $T/e1/rootfs$H-rel && -f $T/e1/rootfs$H-dangling/file ]] ||
	fail "the destinations were not created inside the rootfs"

# proc on a symlink is refused (the symlink points at a directory that exists).
JQ='.root.readonly = false' rf_bundle e2 true
rmdir "$T/e2/rootfs/proc" && ln -s /tmp "$T/e2/rootfs/proc"
rf_run e2
rf_expect_err e2 "mounts[0] (/proc): proc must be mounted on an ordinary directory"

# sysfs likewise.
JQ='.root.readonly = false' rf_bundle e3 true
n=$(jq '[.mounts[].type] | index("sysfs")' "$T/e3/config.json")
rmdir "$T/e3/rootfs/sys" && ln -s /tmp "$T/e3/rootfs/sys"
rf_run e3
rf_expect_err e3 "mounts[$n] (/sys): sysfs must be mounted on an ordinary directory"

# Nothing but procfs on /proc, nothing below /proc but the lxcfs-style files, also when the
# destination only gets there through a symlink.
JQ='.root.readonly = false
.mounts += [{"destination":"/proc/meminfo","type":"bind","source":"'"$T"'/hostfile","options":["bind"]}]' \
	rf_bundle e4 cat /proc/meminfo
rf_run e4
rf_expect_ok e4
assert_eq host-file "$(rf_out e4)" "bind over /proc/meminfo (allowed)"

JQ='.root.readonly = false
.mounts += [{"destination":"/sneaky/kernel/core_pattern","type":"bind","source":"'"$T"'/hostfile","options":["bind"]}]' \
	rf_bundle e5 true
ln -s /proc/sys "$T/e5/rootfs/sneaky"
rf_run e5
n=$(jq '.mounts | length - 1' "$T/e5/config.json")
rf_expect_err e5 "mounts[$n] (/sneaky/kernel/core_pattern): /proc/sys/kernel/core_pattern cannot be mounted inside /proc"

JQ='.root.readonly = false
.mounts += [{"destination":"/proc","type":"tmpfs","source":"tmpfs","options":["size=1m"]}]' rf_bundle e6 true
rf_run e6
n=$(jq '.mounts | length - 1' "$T/e6/config.json")
rf_expect_err e6 "mounts[$n] (/proc): only a procfs may be mounted on /proc"

rf_check_no_leak
echo ok
