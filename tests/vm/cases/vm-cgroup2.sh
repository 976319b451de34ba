#!/bin/bash
# VM self-test: the VM offers what tests/vm promises. /sys/fs/cgroup is pure cgroup v2 with
# cpu, memory, pids and io enabled in the root's subtree_control; a child cgroup can be
# created, limited (memory.max, pids.max, cpu.max) and joined, and enforces its pids limit;
# it can be removed again. Also checks the harness contract (environment, fresh cwd, a
# writable /). Builtins where possible: every exec is slow under TCG.
. "$HUSK_SOURCE_DIR/tests/lib.sh"
shopt -s nullglob dotglob

cgroup2=0 v1=''
while read -r _ mnt fstype _; do
	[[ $mnt == /sys/fs/cgroup && $fstype == cgroup2 ]] && cgroup2=1
	[[ $fstype == cgroup ]] && v1+=" $mnt"
done </proc/mounts
((cgroup2)) || fail "/sys/fs/cgroup is not a cgroup2 mount"
[[ -z $v1 ]] || fail "cgroup v1 hierarchies are mounted:$v1"

has() { [[ " $(<"$1") " == *" $2 "* ]]; }
for c in cpu memory pids io; do
	has /sys/fs/cgroup/cgroup.controllers "$c" || fail "controller $c missing from cgroup.controllers"
	has /sys/fs/cgroup/cgroup.subtree_control "$c" || fail "controller $c not in the root's subtree_control"
done

[[ -d $HUSK_BUILD_DIR && -d $HUSK_SOURCE_DIR/tests/vm && ${HUSK_VM:-} == 1 ]] ||
	fail "HUSK_BUILD_DIR, HUSK_SOURCE_DIR or HUSK_VM not as documented"
entries=(./*)
[[ $PWD == /tmp/* && ${#entries[@]} == 0 ]] || fail "cwd $PWD is not a fresh empty temp dir"
probe=/usr/husk-vm-overlay-probe.$$
: >"$probe" || fail "/ is not writable (overlay)"
defer rm -f "$probe"

cg=/sys/fs/cgroup/husk-vm-selftest.$$
mkdir "$cg"
defer rmdir "$cg"
for c in cpu memory pids io; do
	has "$cg/cgroup.controllers" "$c" || fail "child cgroup lacks controller $c"
done
echo 64M >"$cg/memory.max"
assert_eq 67108864 "$(<"$cg/memory.max")" "memory.max"
echo 3 >"$cg/pids.max"
assert_eq 3 "$(<"$cg/pids.max")" "pids.max"
echo "50000 100000" >"$cg/cpu.max"
assert_eq "50000 100000" "$(<"$cg/cpu.max")" "cpu.max"

# A shell in the child forks until the pids limit stops it: 3 tasks at most.
out=$(/bin/sh -c "echo \$\$ >'$cg/cgroup.procs' && for i in 1 2 3 4; do sleep 1 & done; wait" 2>&1 || true)
[[ $out == *"Resource temporarily unavailable"* || $out == *"fork"* ]] ||
	fail "pids.max=3 did not stop the 4th fork (output: '$out')"
events=$(<"$cg/pids.events")
[[ $events =~ max\ ([1-9][0-9]*) ]] || fail "pids.events shows no refused fork: $events"
empty() { [[ -z $(<"$cg/cgroup.procs") ]]; }
wait_until 10 empty || fail "processes still in $cg: $(<"$cg/cgroup.procs")"
echo "cgroup2 ok: $(</sys/fs/cgroup/cgroup.subtree_control)"
