#!/bin/bash
# husk-vm-timeout: 240
# libhusk's cost on a real kernel (the VM, under TCG: expect ~20x a native machine): open and
# re-read in microseconds for a process two levels down with limits on both (as in a
# container), and the latency from a write of a parent's memory.max to the watch fd firing.
# Prints the numbers; fails only if a benchmark cannot run or the watch never fires.
. "$HUSK_SOURCE_DIR/tests/lib.sh"

require_root
require_cgroup2 cpu memory pids
bench=$HUSK_BUILD_DIR/tests/bench
[[ -x $bench/limits-bench && -x $bench/limits-watch-latency ]] || fail "benchmarks not built in $bench"

parent=/sys/fs/cgroup/husk-limits-bench.$$
mkdir "$parent"
defer "rmdir '$parent'"
echo "+cpu +cpuset +memory +pids" >"$parent/cgroup.subtree_control"
mkdir "$parent/app"
defer "rmdir '$parent/app'"
echo "100000 100000" >"$parent/cpu.max"
echo 512M >"$parent/memory.max"
echo 256M >"$parent/app/memory.high"

echo "# in $parent/app:"
sh -c "echo \$\$ >'$parent/app/cgroup.procs' && exec '$bench/limits-bench' 2000"
"$bench/limits-watch-latency" 50
