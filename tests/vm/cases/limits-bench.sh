#!/bin/bash
# libhusk's cost on a real kernel (the VM, under TCG: expect ~20x a native machine): open and
# re-read in microseconds, and the latency from a write of a parent's memory.max to the watch
# fd firing. Prints the numbers; fails only if a benchmark cannot run or the watch never fires.
. "$HUSK_SOURCE_DIR/tests/lib.sh"

require_root
require_cgroup2 memory
bench=$HUSK_BUILD_DIR/tests/bench
[[ -x $bench/limits-bench && -x $bench/limits-watch-latency ]] || fail "benchmarks not built in $bench"
"$bench/limits-bench" 2000
"$bench/limits-watch-latency" 50
