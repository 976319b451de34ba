#!/bin/bash
# /dev: the default devices with their numbers and modes, linux.devices (char, block, fifo, in a
# subdirectory, with fileMode/uid/gid), /dev/ptmx -> pts/ptmx on a new devpts, the /dev/fd and
# stdio symlinks, /dev/console bound to the terminal, and a /dev that is not a tmpfs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rootfs-common.sh"
rf_setup

script='
for d in null zero full random urandom tty fuse net/tun loop9 myfifo; do
	stat -c "$d %F %t:%T %a %u:%g" /dev/$d
done
for l in ptmx fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done
echo "pts=$(stat -f -c %T /dev/pts)"
[ -c /dev/pts/ptmx ] && echo ptmx=ok
echo "console=$(stat -c "%F %t" /dev/console 2>/dev/null)"
echo hello >/dev/null && echo null=writable
echo "zero=$(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")"
'
JQ='.linux.devices = [{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":384,"uid":1,"gid":2}, {"path":"/dev/net/tun","type":"c","major":10,"minor":200}, {"path":"/dev/loop9","type":"b","major":7,"minor":9,"fileMode":432}, {"path":"/dev/myfifo","type":"p","fileMode":420}]' rf_bundle d1 sh /script
echo "$script" >"$T/d1/rootfs/script"
rf_run d1 --console
rf_expect_ok d1
out=$(rf_out d1)
expect() { grep -qxF -- "$1" <<<"$out" || fail "expected line '$1' in: $out"; }
expect "null character special file 1:3 666 0:0"
expect "zero character special file 1:5 666 0:0"
expect "full character special file 1:7 666 0:0"
expect "random character special file 1:8 666 0:0"
expect "urandom character special file 1:9 666 0:0"
expect "tty character special file 5:0 666 0:0"
expect "fuse character special file a:e5 600 1:2"
expect "net/tun character special file a:c8 666 0:0"
expect "loop9 block special file 7:9 660 0:0"
expect "myfifo fifo 0:0 644 0:0"
expect "ptmx -> pts/ptmx"
expect "fd -> /proc/self/fd"
expect "stdin -> /proc/self/fd/0"
expect "stdout -> /proc/self/fd/1"
expect "stderr -> /proc/self/fd/2"
expect "pts=devpts"
expect "ptmx=ok"
expect "console=character special file 88"
expect "null=writable"
expect "zero=00000000"

# No /dev tmpfs and no /dev/pts mount in the spec: the nodes go into the rootfs's /dev, and a
# devpts instance of our own backs /dev/ptmx.
JQ='.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts" and .destination != "/dev/shm" and .destination != "/dev/mqueue"))
.root.readonly = false' rf_bundle d2 sh /script
echo "$script" >"$T/d2/rootfs/script"
rf_run d2
rf_expect_ok d2
out=$(rf_out d2)
expect "null character special file 1:3 666 0:0"
expect "pts=devpts"
expect "ptmx=ok"
expect "console="
[[ -c $T/d2/rootfs/dev/null ]] || fail "/dev/null not made in the rootfs directory"

# A bad device type is reported with its index.
JQ='.linux.devices = [{"path":"/dev/ok","type":"c","major":1,"minor":3},{"path":"/dev/bad","type":"c","major":1,"minor":3}]
.linux.devices[1].type = "x"' rf_bundle d3 true
rf_run d3
((RC != 0)) || fail "a device of type x was accepted"
grep -q 'devices\[1\]' "$T/d3.err" || fail "the error does not name linux.devices[1]: $(cat "$T/d3.err")"

# A read-only /dev tmpfs is made read-only only after the devices are in it (runc).
JQ='.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)' rf_bundle d4 sh /script4
cat >"$T/d4/rootfs/script4" <<'EOS'
[ -c /dev/null ] && echo null=ok
touch /dev/x 2>/dev/null && echo dev=rw || echo dev=ro
EOS
rf_run d4
rf_expect_ok d4
out=$(rf_out d4)
expect "null=ok"
expect "dev=ro"

rf_check_no_leak
echo ok
