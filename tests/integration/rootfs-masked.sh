#!/bin/bash
# linux.maskedPaths (files read as empty, directories as an empty read-only tmpfs, missing paths
# ignored) and linux.readonlyPaths (recursive read-only, missing ignored), after every mount and
# after linux.sysctl was written into what becomes a read-only /proc/sys.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rootfs-common.sh"
rf_setup

script='
echo "secret=[$(cat /etc/secret)]"
echo "secretdir=[$(ls -A /secretdir)]"
touch /secretdir/x 2>/dev/null && echo secretdir=rw || echo secretdir=ro
touch /etc/x 2>/dev/null && echo etc=rw || echo etc=ro
touch /etc/sub/x 2>/dev/null && echo etcsub=rw || echo etcsub=ro
touch /x 2>/dev/null && echo root=rw || echo root=ro
echo "kcore=[$(head -c 16 /proc/kcore | wc -c)]"
echo "acpi=[$(ls -A /proc/acpi 2>/dev/null)]"
echo 1 2>/dev/null >/proc/sys/vm/drop_caches && echo procsys=rw || echo procsys=ro
echo "keys=[$(cat /proc/keys)]"
echo "msgmax=$(cat /proc/sys/kernel/msgmax)"
'
JQ='.root.readonly = false
.linux.sysctl = {"kernel.msgmax": "12345"}
.linux.maskedPaths += ["/etc/secret", "/secretdir", "/does/not/exist"]
.linux.readonlyPaths += ["/etc", "/missing/too"]
.mounts += [{"destination":"/etc/sub","type":"tmpfs","source":"tmpfs","options":["size=1m"]}]' \
	rf_bundle m1 sh /script
echo "$script" >"$T/m1/rootfs/script"
echo top-secret >"$T/m1/rootfs/etc/secret"
mkdir -p "$T/m1/rootfs/secretdir" && echo hidden >"$T/m1/rootfs/secretdir/file"
rf_run m1
rf_expect_ok m1
out=$(rf_out m1)
expect() { grep -qxF -- "$1" <<<"$out" || fail "expected line '$1' in: $out"; }
expect "secret=[]"
expect "secretdir=[]"
expect "secretdir=ro"
expect "etc=ro"
expect "etcsub=ro"
expect "root=rw"
expect "kcore=[0]"
expect "acpi=[]"
expect "procsys=ro"
expect "keys=[]"
expect "msgmax=12345"
assert_eq top-secret "$(cat "$T/m1/rootfs/etc/secret")" "the masked file on the host"

# /dev/null in the container that is not the null device cannot be used to mask.
JQ='.mounts |= map(select(.destination != "/dev"))
.root.readonly = false
.linux.maskedPaths = ["/etc/passwd"]
.mounts += [{"destination":"/dev","type":"bind","source":"'"$T"'/fakedev","options":["rbind"]}]' \
	rf_bundle m2 true
mkdir -p "$T/fakedev/pts" && echo not-null >"$T/fakedev/null"
rf_run m2
rf_expect_err m2 "linux.maskedPaths[0] (/etc/passwd): /dev/null in the container is not the null device"

rf_check_no_leak
echo ok
