#!/bin/bash
# husk-init as PID 1 of a new pid namespace (unshare -fp --mount-proc): every zombie is
# reaped (a process that leaves 100 orphans), signals reach the child (and its process group
# with -g), exit codes are the child's or 128+signal, 127/126 for a command that cannot be
# found/executed, the grace period ends in SIGKILL, inherited fds are closed unless passed.
# Usage: init-pid1.sh HUSK_INIT INIT_PROBE
. "$(dirname "$0")/../lib.sh"

init=${1:?usage: init-pid1.sh HUSK_INIT INIT_PROBE}
probe=${2:?usage: init-pid1.sh HUSK_INIT INIT_PROBE}
require_root
require_cmd unshare
unshare -fp --mount-proc true 2>/dev/null || skip "cannot create a pid namespace here"
new_tmpdir tmp

# pid1 ARGS...: run husk-init ARGS as PID 1 of a new pid namespace, wait, print its status.
pid1() {
	local rc=0
	timeout 30 unshare -fp --mount-proc "$init" "$@" || rc=$?
	echo "$rc"
}

# start_pid1 OUT ARGS...: the same in the background; sets INIT_PID (husk-init, host pid).
start_pid1() {
	local out=$1
	shift
	unshare -fp --mount-proc "$init" "$@" >"$out" 2>&1 &
	UNSHARE_PID=$!
	INIT_PID=
	wait_until 30 find_init || fail "husk-init did not start in the pid namespace"
	defer "kill -KILL $INIT_PID 2>/dev/null || true"
}
# find_init: INIT_PID found, or the namespace already ended (a short run on a loaded machine can
# be over before the first look; finish_pid1 then gives its status).
find_init() {
	INIT_PID=$(awk '{ print $1 }' "/proc/$UNSHARE_PID/task/$UNSHARE_PID/children" 2>/dev/null)
	[[ -n $INIT_PID || ! -e /proc/$UNSHARE_PID || $(awk '{ print $3 }' "/proc/$UNSHARE_PID/stat" 2>/dev/null) == Z ]]
}
# finish_pid1: wait for the namespace to end; husk-init's exit status goes to RC.
finish_pid1() {
	RC=0
	wait "$UNSHARE_PID" || RC=$?
}

echo "# zombies: 100 orphans, all reaped"
out=$(timeout 30 unshare -fp --mount-proc "$init" -- sh -c \
	"'$probe' orphans 100 100; sleep 0.5; '$probe' zombies")
assert_eq 0 "$out" "zombies left in the namespace"

echo "# exit codes"
assert_eq 3 "$(pid1 -- sh -c 'exit 3')" "exit 3"
assert_eq 0 "$(pid1 -- true)" "exit 0"
assert_eq $((128 + 9)) "$(pid1 -- sh -c 'kill -KILL $$')" "killed by SIGKILL"
assert_eq $((128 + 15)) "$(pid1 -- sh -c 'kill -TERM $$')" "killed by SIGTERM"
assert_eq 127 "$(pid1 -- /nonexistent/program 2>"$tmp/err")" "command not found"
grep -q "cannot execute '/nonexistent/program': No such file or directory" "$tmp/err" ||
	fail "no message for a missing command: $(<"$tmp/err")"
printf 'not a program\n' >"$tmp/noexec"
chmod 644 "$tmp/noexec"
assert_eq 126 "$(pid1 -- "$tmp/noexec" 2>"$tmp/err")" "not executable"
grep -q "Permission denied" "$tmp/err" || fail "no message for a non-executable file: $(<"$tmp/err")"
assert_eq 1 "$(pid1 --bogus-option -- true 2>/dev/null)" "unknown option"

echo "# signals are forwarded to the child"
start_pid1 "$tmp/sig" -- "$probe" signals
wait_until 30 grep -q ready "$tmp/sig" || fail "probe not ready: $(<"$tmp/sig")"
for s in USR1 HUP WINCH USR2 INT; do
	kill -"$s" "$INIT_PID"
	wait_until 30 grep -qx "$s" "$tmp/sig" || fail "SIG$s not forwarded: $(<"$tmp/sig")"
done
kill -TERM "$INIT_PID"
finish_pid1
assert_eq 0 "$RC" "exit status after a forwarded SIGTERM the child handles"
grep -qx TERM "$tmp/sig" || fail "SIGTERM not forwarded: $(<"$tmp/sig")"

echo "# -g: signals go to the child's process group"
start_pid1 "$tmp/grp" -g -- sh -c "trap '' USR1; '$probe' signals & wait"
wait_until 30 grep -q ready "$tmp/grp" || fail "probe not ready: $(<"$tmp/grp")"
kill -USR1 "$INIT_PID"
wait_until 30 grep -qx USR1 "$tmp/grp" || fail "SIGUSR1 did not reach the process group: $(<"$tmp/grp")"
kill -TERM "$INIT_PID"
finish_pid1

echo "# grace period: a child that ignores SIGTERM gets SIGKILL"
start_pid1 "$tmp/grace" -t 300ms -- "$probe" ignore-term
wait_until 30 grep -q ready "$tmp/grace" || fail "probe not ready: $(<"$tmp/grace")"
kill -TERM "$INIT_PID"
finish_pid1
assert_eq 137 "$RC" "exit status after the grace period"
grep -q "grace period over" "$tmp/grace" || fail "no message about the grace period: $(<"$tmp/grace")"

echo "# orphans that ignore SIGTERM are killed before the init exits"
start_pid1 "$tmp/orph" -t 300ms -- "$probe" daemon "$tmp/daemon.pid"
finish_pid1
assert_eq 0 "$RC" "exit status with an orphan left behind"

echo "# inherited fds are closed unless passed on"
assert_eq "0 1 2" "$(exec 5</dev/null 7>/dev/null; timeout 30 unshare -fp --mount-proc "$init" -- "$probe" fds)" "fds without --pass-fds"
assert_eq "0 1 2 3" "$(exec 3</dev/null 5</dev/null; timeout 30 unshare -fp --mount-proc "$init" --pass-fds 1 -- "$probe" fds)" "fds with --pass-fds 1"

echo "# the child keeps the signal dispositions the init inherited"
ign=$(trap '' USR2; timeout 30 unshare -fp --mount-proc "$init" -- awk '/^SigIgn/ { print $2 }' /proc/self/status)
(( (16#$ign >> 11) & 1 )) || fail "SIGUSR2 ignored by the init's parent is not ignored in the child (SigIgn $ign)"
blk=$(timeout 30 unshare -fp --mount-proc "$init" -- awk '/^SigBlk/ { print $2 }' /proc/self/status)
assert_eq 0000000000000000 "$blk" "signals blocked in the child"
echo "ok"
