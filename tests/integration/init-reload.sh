#!/bin/bash
# SIGHUP makes husk-init read its limits again where its watch cannot see a change: the init is
# moved to another cgroup (the kernel notifies no move). With --workers 2 under a 256M memory
# limit each worker has a 128M share; moved under 512M and sent SIGHUP, the init rolls both
# workers: new processes, HUSK_WORKER_INDEX 0 and 1 again, HUSK_MEMORY_LIMIT and GOMEMLIMIT from
# the 256M share. Runs on cgroup v2, or on the v1 memory controller of a hybrid host.
# Usage: init-reload.sh HUSK_INIT
. "$(dirname "$0")/../lib.sh"

init=${1:?usage: init-reload.sh HUSK_INIT}
require_root
require_cmd jq
unset HUSK_CPU_LIMIT HUSK_MEMORY_LIMIT GOMAXPROCS GOMEMLIMIT HUSK_WORKER_INDEX
if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
		skip "cgroup v2 without memory in the root's cgroup.subtree_control"
	base=/sys/fs/cgroup limit=memory.max
elif [[ -d /sys/fs/cgroup/memory ]]; then
	base=/sys/fs/cgroup/memory limit=memory.limit_in_bytes
else
	skip "no memory cgroup controller mounted"
fi
new_tmpdir tmp
a=$base/husk-init-reload-a.$$
b=$base/husk-init-reload-b.$$
mkdir "$a"
defer "wait_until 10 rmdir '$a' || echo 'cannot remove $a' >&2"
mkdir "$b"
defer "wait_until 10 rmdir '$b' || echo 'cannot remove $b' >&2"
echo $((256 << 20)) >"$a/$limit"
echo $((512 << 20)) >"$b/$limit"

state=$tmp/state.json
# Each worker writes its environment to env.<index>.<pid>.
sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$a" "$init" --workers 2 --status-file "$state" -t 2s -- \
	sh -c 'env | grep -E "^(HUSK_WORKER_INDEX|HUSK_MEMORY_LIMIT|GOMEMLIMIT)=" | sort >"$0/env.$HUSK_WORKER_INDEX.$$"; exec sleep 300' \
	"$tmp" 2>"$tmp/err" &
init_pid=$!
defer "kill -KILL \$(cat /proc/$init_pid/task/$init_pid/children 2>/dev/null) $init_pid 2>/dev/null || true"

# running_pids: the pids of the running workers, sorted, by index order.
running_pids() {
	jq -r '[.workers[] | select(.state == "running")] | sort_by(.index) | map(.pid) | join(" ")' "$state" 2>/dev/null
}
# settled SHARE: two workers run, none is stale, and each wrote an environment for SHARE bytes.
settled() {
	[[ $(jq -r '"\(.running) \(.target) \(.change.pending)"' "$state" 2>/dev/null) == "2 2 false" ]] || return 1
	[[ $(jq -r '[.workers[] | select(.stale_env)] | length' "$state") == 0 ]] || return 1
	local i=0 pid
	for pid in $(running_pids); do
		grep -qx "HUSK_MEMORY_LIMIT=$1" "$tmp/env.$i.$pid" 2>/dev/null || return 1
		i=$((i + 1))
	done
	((i == 2))
}

wait_until 30 settled $((128 << 20)) || fail "2 workers with a 128M share did not start: $(cat "$state" "$tmp/err" 2>&1)"
old_pids=$(running_pids)
read -r old0 _ <<<"$old_pids"
old_gomem=$(sed -n 's/^GOMEMLIMIT=//p' "$tmp/env.0.$old0")
echo "# under 256M: workers $old_pids, GOMEMLIMIT=$old_gomem each"

echo "# moved under 512M, then SIGHUP"
echo "$init_pid" >"$b/cgroup.procs"
kill -HUP "$init_pid"
wait_until 30 settled $((256 << 20)) || fail "workers were not rolled to a 256M share: $(cat "$state" "$tmp/err" 2>&1)"
new_pids=$(running_pids)
echo "# workers $old_pids -> $new_pids"
for p in $old_pids; do
	[[ " $new_pids " != *" $p "* ]] || fail "worker $p was not rolled"
	[[ ! -d /proc/$p ]] || [[ $(awk '{ print $3 }' "/proc/$p/stat") == Z ]] || fail "old worker $p still runs"
done
i=0
for p in $new_pids; do
	echo "## worker $i (pid $p) sees: $(tr '\n' ' ' <"$tmp/env.$i.$p")"
	grep -qx "HUSK_WORKER_INDEX=$i" "$tmp/env.$i.$p" || fail "worker $p: HUSK_WORKER_INDEX"
	new_gomem=$(sed -n 's/^GOMEMLIMIT=//p' "$tmp/env.$i.$p")
	((new_gomem > old_gomem)) || fail "worker $p: GOMEMLIMIT $new_gomem, was $old_gomem"
	i=$((i + 1))
done
grep -q "rolling 2 workers, their environment changed (SIGHUP: memory 256M -> 512M)" "$tmp/err" ||
	fail "no status line for the roll: $(<"$tmp/err")"

kill -TERM "$init_pid"
rc=0
wait "$init_pid" || rc=$?
assert_eq 0 "$rc" "exit status after SIGTERM"
echo "ok"
