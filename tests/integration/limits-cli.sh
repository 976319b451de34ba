#!/bin/bash
# `husk limits` as a user sees it, over the fixture trees (--sysroot) and on this host:
# stable JSON keys, the human report, errors for bad options and bad input, --watch printing
# a line when a parent's limit file is written and when the process moves, and --pid of a
# process in another mount namespace.
. "$(dirname "$0")/../lib.sh"

require_cmd jq
husk=${HUSK_BUILD_DIR:?}/src/cli/husk
fix=${HUSK_SOURCE_DIR:?}/tests/fixtures/limits
[[ -x $husk ]] || fail "no husk binary at $husk"

# JSON over a fixture: the documented keys, the values and where they come from
json=$("$husk" limits --json --sysroot "$fix/v2-nested-parent")
keys=$(jq -c '[paths(type != "object" and type != "array") | map(tostring) | join(".")] | map(select(startswith("memory.max")))' <<<"$json")
assert_eq '["memory.max.state","memory.max.value","memory.max.source","memory.max.clamped","memory.max.hidden_ancestors","memory.max.override","memory.max.unsupported","memory.max.hierarchical","memory.max.error"]' \
	"$keys" "keys of a limit"
assert_eq 'cgroup_version,disabled,partial,cgroup_dirs,host,cpu,memory,pids,plan,sandbox' "$(jq -r 'keys_unsorted | join(",")' <<<"$json")" "top-level keys"
# a fixture has no syscalls to try: the sandbox section comes from its proc/self only
assert_eq 'null' "$(jq -c '.sandbox.syscalls' <<<"$json")" "no syscall probes under --sysroot"
assert_eq 'workers,rounding,min_workers,heap_goal,heap_ratio,heap_reserve' "$(jq -r '.plan | keys_unsorted | join(",")' <<<"$json")" "plan keys"
assert_eq "limited 536870912 /sys/fs/cgroup/kubepods/pod1" "$(jq -r '.memory.max | "\(.state) \(.value) \(.source)"' <<<"$json")" "memory.max"
assert_eq '{"cpu":"/sys/fs/cgroup/kubepods/pod1/ctr","memory":"/sys/fs/cgroup/kubepods/pod1/ctr","pids":"/sys/fs/cgroup/kubepods/pod1/ctr"}' \
	"$(jq -c .cgroup_dirs <<<"$json")" "cgroup_dirs"
assert_eq "2 quota 200000 100000" "$(jq -r '.cpu | "\(.effective) \(.bound_by) \(.quota.value) \(.quota.period)"' <<<"$json")" "cpu"
assert_eq "2 483183820" "$(jq -r '.plan | "\(.workers) \(.heap_goal)"' <<<"$json")" "plan"

# options reach the plan
json=$("$husk" limits --json --sysroot "$fix/v2-nested-parent" --round floor --min-workers 3 --ratio 0.5 --reserve 16M)
assert_eq "3 floor 251658240" "$(jq -r '.plan | "\(.workers) \(.rounding) \(.heap_goal)"' <<<"$json")" "plan options"

# unknown, not unlimited, under a cgroup namespace; flagged partial results
json=$("$husk" limits --json --sysroot "$fix/v2-private-ns")
assert_eq "unknown true" "$(jq -r '.memory.high | "\(.state) \(.hidden_ancestors)"' <<<"$json")" "hidden memory.high"
json=$("$husk" limits --json --sysroot "$fix/value-torture")
assert_eq "true /sys/fs/cgroup/g/p/leaf/memory.max 22" \
	"$(jq -r '"\(.partial) \(.memory.max.error.path) \(.memory.max.error.errno)"' <<<"$json")" "partial result"

# the sandbox section: namespaces and syscall verdicts of husk itself
json=$("$husk" limits --json)
assert_eq 'false allowed' "$(jq -r '"\(.sandbox.namespaces.user) \(.sandbox.syscalls.clone3.verdict)"' <<<"$json")" "host sandbox"
if unshare -U true 2>/dev/null; then
	json=$(unshare -U "$husk" limits --json)
	assert_eq 'true' "$(jq -r '.sandbox.namespaces.user' <<<"$json")" "user namespace seen"
fi
"$husk" limits --pid $$ --json | jq -e 'has("sandbox") | not' >/dev/null || fail "--pid must not describe husk's own sandbox"
grep -q '^  clone3 ' <<<"$("$husk" limits)" || fail "human report lists syscall verdicts"

# the human report
out=$("$husk" limits --sysroot "$fix/v1-docker-no-ns")
grep -qE '^  memory.max +1.0 GiB +from /sys/fs/cgroup/memory \(memory.stat hierarchical limit\)$' <<<"$out" ||
	fail "human memory.max line: $out"
grep -qE '^  pids.max +unknown +\(ancestors not visible: may be lower\)$' <<<"$out" || fail "human pids line: $out"
out=$("$husk" limits --sysroot "$fix/value-torture")
grep -qF '[error: /sys/fs/cgroup/g/p/cpu.max: Invalid argument]' <<<"$out" || fail "human error: $out"
out=$(HUSK_LIMITS_DISABLE=1 HUSK_MEMORY_LIMIT=1G "$husk" limits --sysroot /nonexistent)
grep -q 'disabled by HUSK_LIMITS_DISABLE' <<<"$out" || fail "opt-out: $out"
grep -qE '^  memory.max +1.0 GiB +override HUSK_MEMORY_LIMIT$' <<<"$out" || fail "override: $out"

# bad input: a clear message, exit 1
expect_error() { # MESSAGE ARGS...
	local msg=$1 out
	shift
	if out=$("$husk" limits "$@" 2>&1); then fail "husk limits $* succeeded"; fi
	[[ $out == *"$msg"* ]] || fail "husk limits $*: expected '$msg' in: $out"
}
expect_error "mountinfo and cgroup: Invalid argument" --sysroot "$fix/bad-mountinfo"
expect_error "--round: must be 'ceil' or 'floor', got 'up'" --round up
expect_error "--ratio: must be a number in (0, 1], got '1.5'" --ratio 1.5
expect_error "--pid: not a process id: '0'" --pid 0
expect_error "--reserve: not a size: 'lots'" --reserve lots
expect_error "unexpected argument 'extra'" extra

# --watch over a writable copy: a write to a parent's file, then a move
new_tmpdir tmp
cp -a "$fix/v2-nested-parent/." "$tmp/"
"$husk" limits --watch --sysroot "$tmp" >"$tmp/watch.out" 2>&1 &
watcher=$!
defer "kill $watcher 2>/dev/null; wait $watcher 2>/dev/null || true"
wait_until 30 grep -q '^plan' "$tmp/watch.out" || fail "no initial report: $(cat "$tmp/watch.out")"
# cgroupfs replaces a value in one write; on a regular file, `>` would truncate first and
# let the watcher read an empty file. Same length, in place, one write:
printf '268435456\n' | dd of="$tmp/sys/fs/cgroup/kubepods/pod1/memory.max" conv=notrunc status=none
wait_until 30 grep -qxF "memory.max: 512.0 MiB -> 256.0 MiB from /sys/fs/cgroup/kubepods/pod1" "$tmp/watch.out" ||
	fail "no line for the parent's write: $(cat "$tmp/watch.out")"
echo "0::/kubepods" >"$tmp/cgroup.new" && mv "$tmp/cgroup.new" "$tmp/proc/self/cgroup"
wait_until 30 grep -qxF "memory.max: 256.0 MiB -> unlimited" "$tmp/watch.out" &&
	grep -qxF "cgroup: moved to /sys/fs/cgroup/kubepods" "$tmp/watch.out" ||
	fail "no line after the move: $(cat "$tmp/watch.out")"

# --pid of a process in another mount namespace (read through /proc/PID/root)
if ((EUID == 0)) && command -v unshare >/dev/null; then
	unshare --mount --propagation private sleep 300 &
	other=$!
	defer "kill $other 2>/dev/null; wait $other 2>/dev/null || true"
	wait_until 30 in_other_ns "$other" mnt ||
		fail "unshare did not give $other a mount namespace"
	a=$("$husk" limits --json --pid "$other" | jq -c '[.cgroup_version, .memory.max.state, .memory.max.source, .cpu.quota.state]')
	b=$("$husk" limits --json --pid $$ | jq -c '[.cgroup_version, .memory.max.state, .memory.max.source, .cpu.quota.state]')
	assert_eq "$b" "$a" "--pid across mount namespaces"
fi
echo ok
