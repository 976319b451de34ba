#!/bin/bash
# The musl husk-init in a scratch root (only /husk-init and a static busybox: no libc, no
# /proc) as PID 1 of a new pid namespace: it runs the command, sizes it for the host (no
# limits to read without /proc), passes its exit code, and stops two workers on SIGTERM.
# Usage: init-scratch.sh HUSK_INIT_MUSL
. "$(dirname "$0")/../lib.sh"

init=${1:?usage: init-scratch.sh HUSK_INIT_MUSL}
require_root
require_cmd unshare chroot readelf
busybox=$(type -P busybox || true)
[[ -n $busybox ]] && ! readelf -l "$busybox" | grep -q INTERP || skip "needs a static busybox (busybox-static)"
new_tmpdir root
cp "$init" "$root/husk-init"
cp "$busybox" "$root/busybox"

echo "# exit code and environment"
rc=0
out=$(timeout 30 unshare -fp chroot "$root" /husk-init -- /busybox sh -c 'echo "GOMAXPROCS=$GOMAXPROCS"; exit 9') || rc=$?
assert_eq 9 "$rc" "exit status"
assert_eq "GOMAXPROCS=$(nproc)" "$out" "GOMAXPROCS without /proc (the host's CPUs)"

echo "# two workers, stopped by SIGTERM"
unshare -fp chroot "$root" /husk-init -w 2 -t 2s -- /busybox sh -c 'echo up $HUSK_WORKER_INDEX; exec /busybox sleep 60' >"$root/out" 2>&1 &
up=$!
defer "kill -KILL \$(cat /proc/$up/task/$up/children 2>/dev/null) 2>/dev/null || true"
started() { [[ $(grep -c '^up ' "$root/out") == 2 ]]; }
wait_until 30 started || fail "workers did not start: $(<"$root/out")"
kill -TERM "$(awk '{ print $1 }' "/proc/$up/task/$up/children")"
rc=0
wait "$up" || rc=$?
assert_eq 0 "$rc" "exit status after SIGTERM"
echo "ok"
