#!/bin/bash
# husk-vm-timeout: 300
# libhusk live on pure cgroup v2: a parent and a child cgroup, cpu.max and memory.max written
# on each, a process moved into the child. `husk limits` must report the tighter (parent's)
# values with the parent as their source, the child's own memory.high, then with --watch a
# line when the parent's memory.max is rewritten (the child's file does not change), and
# another after the process is moved to a sibling cgroup (re-resolve).
. "$HUSK_SOURCE_DIR/tests/lib.sh"

require_root
require_cgroup2 cpu memory pids
require_cmd jq
husk=$HUSK_BUILD_DIR/src/cli/husk
[[ -x $husk ]] || fail "no husk at $husk"

parent=/sys/fs/cgroup/husk-limits.$$
child=$parent/child
sibling=$parent/sibling
mkdir "$parent"
defer "rmdir '$parent'"
echo "+cpu +memory +pids" >"$parent/cgroup.subtree_control"
mkdir "$child" "$sibling"
defer "rmdir '$child' '$sibling'"

echo "50000 100000" >"$parent/cpu.max"
echo 256M >"$parent/memory.max"
echo "200000 100000" >"$child/cpu.max"
echo 512M >"$child/memory.max"
echo 128M >"$child/memory.high"
echo 100 >"$child/pids.max"
echo 64M >"$sibling/memory.max"

# husk itself, moved into the child before it starts
json=$(sh -c "echo \$\$ >'$child/cgroup.procs' && exec '$husk' limits --json")
q() { jq -r "$1" <<<"$json"; }
assert_eq v2 "$(q .cgroup_version)" "cgroup_version"
assert_eq "$child" "$(q .cgroup_dirs.memory)" "cgroup_dirs.memory"
assert_eq $((256 << 20)) "$(q .memory.max.value)" "memory.max value"
assert_eq "$parent" "$(q .memory.max.source)" "memory.max source (the parent binds)"
assert_eq false "$(q .memory.max.hidden_ancestors)" "memory.max hidden_ancestors"
assert_eq $((128 << 20)) "$(q .memory.high.value)" "memory.high value"
assert_eq "$child" "$(q .memory.high.source)" "memory.high source"
assert_eq 50000 "$(q .cpu.quota.value)" "cpu.max quota"
assert_eq 100000 "$(q .cpu.quota.period)" "cpu.max period"
assert_eq "$parent" "$(q .cpu.quota.source)" "cpu.max source"
assert_eq 0.5 "$(q .cpu.effective)" "effective CPUs"
assert_eq quota "$(q .cpu.bound_by)" "bound_by"
assert_eq 100 "$(q .pids.max.value)" "pids.max"
assert_eq 1 "$(q .plan.workers)" "workers"
assert_eq $(((128 << 20) * 9 / 10)) "$(q .plan.heap_goal)" "heap goal: 0.9 x min(max, high)"

# another process, described from outside with --pid
sh -c "echo \$\$ >'$child/cgroup.procs' && exec sleep 600" &
victim=$!
defer "kill $victim 2>/dev/null; wait $victim 2>/dev/null || true"
wait_until 60 grep -qx "$victim" "$child/cgroup.procs" || fail "the sleeper did not enter $child"
json=$("$husk" limits --json --pid "$victim")
assert_eq "$parent" "$(q .memory.max.source)" "--pid: memory.max source"

# --watch: a write to the parent wakes it; a move is re-resolved
"$husk" limits --watch --pid "$victim" >watch.out 2>watch.err &
watcher=$!
defer "kill $watcher 2>/dev/null; wait $watcher 2>/dev/null || true"
wait_until 60 grep -q '^plan' watch.out || fail "no initial output from --watch: $(cat watch.out watch.err)"
echo 200M >"$parent/memory.max"
wait_until 60 grep -qF "memory.max: 256.0 MiB -> 200.0 MiB from $parent" watch.out ||
	fail "--watch printed no line for the parent's write: $(cat watch.out watch.err)"
echo "$victim" >"$sibling/cgroup.procs"
wait_until 60 grep -qF "memory.max: 200.0 MiB -> 64.0 MiB from $sibling" watch.out ||
	fail "--watch did not follow the move to $sibling: $(cat watch.out watch.err)"
grep -qxF "cgroup: moved to $sibling" watch.out || fail "no 'moved' line: $(cat watch.out)"
wait_until 60 grep -qF "memory.high: 128.0 MiB -> unlimited" watch.out || fail "memory.high after the move: $(cat watch.out)"
# and the new chain is watched
echo 32M >"$sibling/memory.max"
wait_until 60 grep -qF "memory.max: 64.0 MiB -> 32.0 MiB from $sibling" watch.out ||
	fail "--watch does not watch the new cgroup: $(cat watch.out watch.err)"
cat watch.out
echo ok
