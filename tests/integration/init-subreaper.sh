#!/bin/bash
# husk-init when it is not PID 1: it becomes a child subreaper, so orphans come to it, and it
# exits only when every process it adopted is gone (an orphan that ignores SIGTERM gets
# SIGKILL after the grace period, where dumb-init would leave it running: their #80, #212).
# Usage: init-subreaper.sh HUSK_INIT INIT_PROBE
. "$(dirname "$0")/../lib.sh"

init=${1:?usage: init-subreaper.sh HUSK_INIT INIT_PROBE}
probe=${2:?usage: init-subreaper.sh HUSK_INIT INIT_PROBE}
new_tmpdir tmp

echo "# an orphan is reparented to husk-init"
"$init" -- "$probe" orphan-ppid >"$tmp/ppid" &
init_pid=$!
rc=0
wait "$init_pid" || rc=$?
assert_eq 0 "$rc" "exit status"
assert_eq "$init_pid" "$(<"$tmp/ppid")" "the orphan's parent"

echo "# the init waits for the orphans it adopted, and kills them after the grace period"
rc=0
"$init" -t 300ms -- "$probe" daemon "$tmp/daemon.pid" 2>"$tmp/err" || rc=$?
assert_eq 0 "$rc" "exit status (the command's)"
daemon=$(<"$tmp/daemon.pid")
defer "kill -KILL $daemon 2>/dev/null || true"
if kill -0 "$daemon" 2>/dev/null; then
	fail "orphan $daemon still runs after husk-init exited"
fi
grep -q "grace period over" "$tmp/err" || fail "no message about the grace period: $(<"$tmp/err")"

echo "# 100 orphans: reaped, so the init's only child left is the command"
out=$("$init" -- sh -c "'$probe' orphans 100 50; sleep 0.5; echo \$\$; cat /proc/\$PPID/task/\$PPID/children")
read -r -d '' self children <<<"$out" || true
assert_eq "$self" "$(echo $children)" "children of husk-init after the orphans exited"
echo "# -p TERM: the parent's death is a SIGTERM for the init, forwarded to the command"
bash -c '"$1" -p TERM -- "$2" signals >"$3" 2>&1 & echo $! >"$4"; sleep 0.5' _ "$init" "$probe" "$tmp/pdeath" "$tmp/pdeath.pid"
pd=$(<"$tmp/pdeath.pid")
defer "kill -KILL \$(cat /proc/$pd/task/$pd/children 2>/dev/null) $pd 2>/dev/null || true"
gone() { ! kill -0 "$pd" 2>/dev/null; }
wait_until 30 gone || fail "husk-init still runs after its parent died: $(<"$tmp/pdeath")"
grep -qx TERM "$tmp/pdeath" || fail "the command did not get SIGTERM: $(<"$tmp/pdeath")"
echo "ok"
