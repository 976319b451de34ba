#!/bin/bash
# VM self-test: the VM offers what tests/vm promises. /sys/fs/cgroup is pure cgroup v2 with
# cpu, memory, pids and io enabled in the root's subtree_control; a child cgroup can be
# created, limited (memory.max, pids.max) and joined, and enforces its pids limit; it can
# be removed again. Also checks the harness contract (environment, fresh cwd).
. "$HUSK_SOURCE_DIR/tests/lib.sh"

[[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] || fail "/sys/fs/cgroup is not cgroup2"
v1=$(awk '$3 == "cgroup" { print $2 }' /proc/mounts)
[[ -z $v1 ]] || fail "cgroup v1 hierarchies are mounted: $v1"
for c in cpu memory pids io; do
	grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || fail "controller $c missing from cgroup.controllers"
	grep -qw "$c" /sys/fs/cgroup/cgroup.subtree_control || fail "controller $c not in the root's subtree_control"
done

[[ -d $HUSK_BUILD_DIR && -d $HUSK_SOURCE_DIR/tests/vm ]] || fail "HUSK_BUILD_DIR/HUSK_SOURCE_DIR not usable"
[[ $PWD == /tmp/* && -z $(ls -A .) ]] || fail "cwd $PWD is not a fresh temp dir"
touch /usr/husk-vm-overlay-probe || fail "/ is not writable (overlay)"
rm /usr/husk-vm-overlay-probe

cg=/sys/fs/cgroup/husk-vm-selftest.$$
mkdir "$cg"
defer "rmdir '$cg'"
for c in cpu memory pids io; do
	grep -qw "$c" "$cg/cgroup.controllers" || fail "child cgroup lacks controller $c"
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
echo "cgroup2 ok: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
