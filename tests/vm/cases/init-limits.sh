#!/bin/bash
# husk-init under real cgroup v2 limits: cpu.max 150000 100000 gives 2 workers with
# --cpu-rounding ceil and 1 with floor; memory.max 256M with --worker-memory 100M runs 2
# workers, and writing 512M to memory.max grows them to 4 while they run (the time from the
# write to the 4th worker is printed, and the init's own measurement from its status file);
# back to 256M retires 2; 300M keeps 2 but rolls both (their share changed). Prints the
# environment each worker sees.
# husk-vm-timeout: 240
. "$HUSK_SOURCE_DIR/tests/lib.sh"

require_cgroup2 cpu memory
require_cmd jq
init=$HUSK_BUILD_DIR/src/init/husk-init
[[ -x $init ]] || fail "no $init (build first)"

cg=/sys/fs/cgroup/husk-init-vm.$$
mkdir "$cg"
defer "rmdir '$cg'"
# in_cg CMD...: run CMD as a member of $cg.
in_cg() {
	exec sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" "$@"
}

echo "# cpu.max 150000 100000: 1.5 CPUs"
echo "150000 100000" >"$cg/cpu.max"
ceil=$(in_cg "$init" --print-env --workers auto | sed -n 's/^# workers: .*=> \([0-9]*\) .*/\1/p')
floor=$(in_cg "$init" --print-env --workers auto --cpu-rounding floor | sed -n 's/^# workers: .*=> \([0-9]*\) .*/\1/p')
echo "ceil -> $ceil workers, floor -> $floor"
assert_eq 2 "$ceil" "workers for 1.5 CPUs, rounded up"
assert_eq 1 "$floor" "workers for 1.5 CPUs, rounded down"
echo max >"$cg/cpu.max"

echo "# memory.max 256M, --worker-memory 100M"
echo 256M >"$cg/memory.max"
state=$PWD/state.json
in_cg "$init" --workers 8 --worker-memory 100M --status-file "$state" -t 5s -- \
	sh -c 'env | grep -E "^(HUSK_|GOMAXPROCS|GOMEMLIMIT|DOTNET_|NODE_OPTIONS|OMP_|MALLOC_)" | sort >"env.$HUSK_WORKER_INDEX"; exec sleep 600' \
	2>"$PWD/init.err" &
init_pid=$!
defer "kill -KILL $init_pid 2>/dev/null; sleep 0.5"
count_is() { # count_is N: the status file says N running, N wanted, no change pending
	[[ $(jq -r '"\(.running) \(.target) \(.change.pending)"' "$state" 2>/dev/null) == "$1 $1 false" ]]
}
wait_until 60 count_is 2 || fail "2 workers did not start: $(cat "$state" "$PWD/init.err" 2>&1)"
assert_eq "$(jq -r .plan.why "$state")" "--workers 8; memory: heap goal 230.4M / 100M -> 2 => 2" "why"

echo "# write 512M to memory.max"
t0=$(date +%s%3N)
echo 512M >"$cg/memory.max"
wait_until 30 count_is 4 || fail "did not grow to 4 workers: $(cat "$state" "$PWD/init.err" 2>&1)"
echo "4 workers $(($(jq -r .change.reached_unix_ms "$state") - t0)) ms after the write to memory.max" \
	"($(jq -r .change.latency_ms "$state") ms after the init's notification)"
wait_until 10 test -s env.3 || fail "worker 3 did not write its environment"
for i in 0 1 2 3; do
	echo "## worker $i sees:"
	sed 's/^/   /' "env.$i"
done
grep -qx "HUSK_WORKER_INDEX=3" env.3 || fail "worker 3's HUSK_WORKER_INDEX"
grep -qx "HUSK_MEMORY_LIMIT=$((512 * 1024 * 1024 / 4))" env.3 || fail "worker 3's memory share: $(cat env.3)"

echo "# back to 256M: 2 workers retire"
echo 256M >"$cg/memory.max"
wait_until 30 count_is 2 || fail "did not shrink to 2 workers: $(cat "$state" "$PWD/init.err" 2>&1)"
echo "# 300M: still 2 workers, but each one's share grows: both are rolled, one at a time"
old_pids=$(jq -r '[.workers[] | select(.state == "running") | .pid] | sort | join(" ")' "$state")
echo 300M >"$cg/memory.max"
rolled() {
	grep -qx "HUSK_MEMORY_LIMIT=$((300 * 1024 * 1024 / 2))" env.0 2>/dev/null &&
		grep -qx "HUSK_MEMORY_LIMIT=$((300 * 1024 * 1024 / 2))" env.1 2>/dev/null &&
		[[ $(jq -r '[.workers[] | select(.stale_env)] | length' "$state") == 0 ]] && count_is 2
}
wait_until 60 rolled || fail "workers were not rolled: $(cat "$state" env.0 env.1 2>&1)"
new_pids=$(jq -r '[.workers[] | select(.state == "running") | .pid] | sort | join(" ")' "$state")
echo "worker pids $old_pids -> $new_pids"
[[ $old_pids != "$new_pids" ]] || fail "the same processes still run"
for p in $old_pids; do
	[[ " $new_pids " != *" $p "* ]] || fail "worker $p was not rolled"
done

echo "status lines:"
sed 's/^/   /' "$PWD/init.err"
grep -q "workers 2 -> 4 in [0-9]* ms (limits changed: memory 256M -> 512M)" "$PWD/init.err" ||
	fail "no status line for the change"

kill -TERM "$init_pid"
rc=0
wait "$init_pid" || rc=$?
assert_eq 0 "$rc" "exit status after SIGTERM"
[[ -z $(<"$cg/cgroup.procs") ]] || fail "processes left in $cg: $(<"$cg/cgroup.procs")"
echo "ok"
