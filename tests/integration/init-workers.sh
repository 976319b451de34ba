#!/bin/bash
# husk-init's limits-aware environment and worker pool on this host, with the limits given
# through libhusk's overrides (HUSK_CPU_LIMIT, HUSK_MEMORY_LIMIT): --print-env says what each
# workload gets and why; user settings win; --workers auto|N sizes and indexes the workers;
# failed workers restart with backoff until the crash-loop limit; SIGTERM stops them all; the
# state is published as JSON. Live limit changes are covered by tests/vm/cases/init-limits.sh.
# Usage: init-workers.sh HUSK_INIT
. "$(dirname "$0")/../lib.sh"

init=${1:?usage: init-workers.sh HUSK_INIT}
require_cmd jq
new_tmpdir tmp
export HUSK_CPU_LIMIT=1.5 HUSK_MEMORY_LIMIT=256M
unset GOMAXPROCS GOMEMLIMIT NODE_OPTIONS JAVA_TOOL_OPTIONS OMP_NUM_THREADS HUSK_WORKER_INDEX

# env_of ARGS...: the NAME=value lines --print-env gives, values unquoted.
env_of() {
	"$init" --print-env "$@" | sed -n "s/^\([A-Za-z_]*\)='\(.*\)'\t.*/\1=\2/p"
}
has() { # has LINE TEXT: TEXT contains LINE as a whole line
	grep -qxF -- "$1" <<<"$2" || fail "expected '$1' in:"$'\n'"$2"
}

echo "# --print-env: sized from the limits, with reasons"
out=$(env_of)
has GOMAXPROCS=2 "$out"
has DOTNET_PROCESSOR_COUNT=2 "$out"
has OMP_NUM_THREADS=2 "$out"
has HUSK_CPU_LIMIT=1.50 "$out"
has HUSK_MEMORY_LIMIT=268435456 "$out"
has GOMEMLIMIT=$((268435456 * 9 / 10)) "$out"
has NODE_OPTIONS=--max-old-space-size=192 "$out"
grep -q "^JAVA_TOOL_OPTIONS" <<<"$out" && fail "JAVA_TOOL_OPTIONS set without --jvm"
has GOMAXPROCS=1 "$(env_of --cpu-rounding floor)"
printed=$("$init" --print-env)
grep -q "GOMAXPROCS='2'.*# 1.50 CPUs (bound by override), rounded up" <<<"$printed" ||
	fail "--print-env gives no reason for GOMAXPROCS: $printed"

echo "# what the user set wins; NODE_OPTIONS is appended to; each variable can be turned off"
out=$(GOMAXPROCS=7 NODE_OPTIONS=--no-warnings env_of --no-env OMP_NUM_THREADS --jvm)
grep -q "^GOMAXPROCS=" <<<"$out" && fail "GOMAXPROCS set by the user was overwritten"
printed=$(GOMAXPROCS=7 "$init" --print-env)
grep -q "# GOMAXPROCS not set: already set to '7'" <<<"$printed" ||
	fail "--print-env does not say GOMAXPROCS was left alone: $printed"
has "NODE_OPTIONS=--no-warnings --max-old-space-size=192" "$out"
grep -q "^OMP_NUM_THREADS=" <<<"$out" && fail "--no-env OMP_NUM_THREADS did not turn it off"
has "JAVA_TOOL_OPTIONS=-XX:ActiveProcessorCount=2 -XX:MaxRAM=268435456 -XX:MaxRAMPercentage=75.0" "$out"
[[ -z $(env_of --no-env all) ]] || fail "--no-env all still sets variables"

echo "# the workload sees the environment"
out=$("$init" -- sh -c 'echo "$GOMAXPROCS $GOMEMLIMIT ${HUSK_WORKER_INDEX-unset}"')
assert_eq "2 $((268435456 * 9 / 10)) unset" "$out" "environment of the command"

echo "# --workers auto --worker-memory: 4 CPUs, but 256M fits 2 workers of 100M"
export HUSK_CPU_LIMIT=4
"$init" --workers auto --worker-memory 100M --status-file "$tmp/state.json" -t 2s -- \
	sh -c 'echo "$GOMAXPROCS $GOMEMLIMIT $HUSK_MEMORY_LIMIT" >"'"$tmp"'/w$HUSK_WORKER_INDEX"; exec sleep 60' \
	2>"$tmp/err" &
init_pid=$!
defer "kill -KILL \$(cat /proc/$init_pid/task/$init_pid/children 2>/dev/null) $init_pid 2>/dev/null || true"
running() { [[ -e $tmp/w0 && -e $tmp/w1 && $(jq -r .running "$tmp/state.json" 2>/dev/null) == 2 ]]; }
wait_until 30 running || fail "2 workers did not start: $(ls "$tmp"), $(cat "$tmp/err")"
share=$((256 * 1024 * 1024 / 2))
assert_eq "2 $((share * 9 / 10)) $share" "$(<"$tmp/w0")" "worker 0's environment"
assert_eq "$(<"$tmp/w0")" "$(<"$tmp/w1")" "worker 1's environment"
[[ ! -e $tmp/w2 ]] || fail "a third worker started"
assert_eq 2 "$(jq -r .target "$tmp/state.json")" "target in the status file"
[[ $(jq -r .plan.why "$tmp/state.json") == *"heap goal 230.4M / 100M -> 2"* ]] ||
	fail "status file does not say why: $(jq -r .plan.why "$tmp/state.json")"
grep -q "workers 0 -> 2 in [0-9]* ms (start)" "$tmp/err" || fail "no status line: $(<"$tmp/err")"

echo "# a dead worker is restarted"
w0=$(jq -r '.workers[0].pid' "$tmp/state.json")
kill -KILL "$w0"
restarted() { [[ $(jq -r '.workers[0].restarts' "$tmp/state.json") == 1 && $(jq -r .running "$tmp/state.json") == 2 ]]; }
wait_until 30 restarted || fail "worker 0 was not restarted: $(cat "$tmp/state.json")"

echo "# SIGTERM stops every worker; the init exits 0"
kill -TERM "$init_pid"
rc=0
wait "$init_pid" || rc=$?
assert_eq 0 "$rc" "exit status after SIGTERM"
assert_eq exited "$(jq -r .phase "$tmp/state.json")" "phase in the status file"

echo "# --workers N with --status-fd: a JSON line per change"
"$init" --workers 3 --restart never --status-fd 3 -- sh -c 'exit $HUSK_WORKER_INDEX' 3>"$tmp/status.log" ||
	true
tail -n 1 "$tmp/status.log" | jq -e '.phase == "exited" and (.workers | length) == 3' >/dev/null ||
	fail "last status line: $(tail -n 1 "$tmp/status.log")"

echo "# a crash loop ends the init with status 1"
rc=0
"$init" --workers 1 --restart-delay 10ms --crash-limit 3 -- sh -c 'echo x >>"'"$tmp"'/crashes"; exit 2' \
	2>"$tmp/err" || rc=$?
assert_eq 1 "$rc" "exit status after a crash loop"
assert_eq 3 "$(wc -l <"$tmp/crashes")" "starts before the crash-loop limit"
grep -q "crash loop: 3 worker failures" "$tmp/err" || fail "no crash-loop message: $(<"$tmp/err")"

echo "# bad options are named"
for bad in "--workers 0" "--workers many" "--worker-memory lots" "--cpu-rounding up" "--restart sometimes" \
	"--grace-period soon" "--no-env A=B"; do
	rc=0
	# shellcheck disable=SC2086
	"$init" $bad -- true 2>"$tmp/err" || rc=$?
	assert_eq 1 "$rc" "exit status for '$bad'"
	grep -q -- "${bad%% *}" "$tmp/err" || fail "'$bad': message does not name the option: $(<"$tmp/err")"
done
echo "ok"
