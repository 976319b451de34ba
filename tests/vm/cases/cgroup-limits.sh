#!/bin/bash
# husk-vm-timeout: 300
# linux.resources enforced by husk on pure cgroup v2: a container allocating past memory.limit
# is OOM-killed and memory.events shows it; cpu.quota throttles (cpu.stat nr_throttled grows);
# pids.limit stops a fork bomb; device rules (eBPF) deny a node that is not allowed and allow
# /dev/null; io throttles and weights land in io.max/io.weight; pause/resume freeze and thaw;
# kill --all; the cgroup namespace is rooted at the container's cgroup; husk's cgroup_stats
# agrees with the kernel's files; the cgroup is gone after delete; a container runs under
# memory.limit 1 MiB.
. "$HUSK_SOURCE_DIR/tests/lib.sh"
. "$HUSK_SOURCE_DIR/tests/integration/cgroup-lib.sh"

require_cgroup2 cpu memory pids io
cg_setup

# --- memory: OOM kill, visible in memory.events
JQ='.linux.resources.memory = {"limit": 16777216}' cg_bundle oom dd if=/dev/zero of=/dev/null bs=64M count=1
rc=0
h run --keep -b "$T/oom" oom >"$T/oom.out" 2>&1 || rc=$?
cg=$(cg_dir "" oom)
[[ -d $cg ]] || fail "no cgroup $cg for container oom (exit $rc): $(cat "$T/oom.out")"
assert_eq 16777216 "$(<"$cg/memory.max")" "memory.max"
kills=$(cg_key "$cg/memory.events" oom_kill)
echo "oom: exit $rc, memory.events oom_kill $kills"
((rc == 137)) || fail "dd past memory.limit: exit $rc, expected 137 (SIGKILL by the OOM killer); $(cat "$T/oom.out")"
((kills >= 1)) || fail "memory.events shows no oom_kill: $(cat "$cg/memory.events")"
# husk's own reading (cgroup_stats) agrees with the kernel's files
stats=$("$HUSK_BUILD_DIR/tests/helpers/cgroup-stats" /husk/oom)
grep -qx "memory_oom_kill=$kills" <<<"$stats" || fail "cgroup_stats: $stats (memory.events oom_kill $kills)"
grep -qx "memory_max=16777216" <<<"$stats" || fail "cgroup_stats memory_max: $stats"
h delete oom
[[ ! -e $cg ]] || fail "cgroup $cg still there after delete"

# --- cpu: 10% of one CPU, a busy loop gets throttled
JQ='.linux.resources.cpu = {"quota": 10000, "period": 100000, "shares": 512}' \
	cg_bundle cpu sh -c 'timeout 1 sh -c "while :; do :; done"; true'
h run --keep -b "$T/cpu" cpu >/dev/null 2>&1 || true
cg=$(cg_dir "" cpu)
assert_eq "10000 100000" "$(<"$cg/cpu.max")" "cpu.max"
assert_eq 20 "$(<"$cg/cpu.weight")" "cpu.weight (shares 512, runc's conversion)"
thr=$(cg_key "$cg/cpu.stat" nr_throttled)
echo "cpu: nr_throttled $thr"
((thr > 0)) || fail "cpu.stat shows no throttling: $(cat "$cg/cpu.stat")"
grep -qx "cpu_nr_throttled=$thr" <<<"$("$HUSK_BUILD_DIR/tests/helpers/cgroup-stats" /husk/cpu)" ||
	fail "cgroup_stats cpu_nr_throttled differs from cpu.stat $thr"
h delete cpu

# --- pids: a fork bomb hits pids.max
JQ='.linux.resources.pids = {"limit": 6}' \
	cg_bundle pids sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 2 & done; wait'
h run --keep -b "$T/pids" pids >"$T/pids.out" 2>&1 || true
cg=$(cg_dir "" pids)
assert_eq 6 "$(<"$cg/pids.max")" "pids.max"
refused=$(cg_key "$cg/pids.events" max)
echo "pids: pids.events max $refused"
((refused > 0)) || fail "pids.max did not stop the fork bomb: $(cat "$cg/pids.events"); $(cat "$T/pids.out")"
h delete pids

# --- devices: deny everything but the defaults; a kmsg node is refused, /dev/null is fine
JQ='.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])' \
	cg_bundle dev sh -c 'cat /proc/self/cgroup; mknod /dev/kmsg2 c 1 11 && echo mknod=ok; head -c1 /dev/kmsg2; echo kmsg=$?; echo x >/dev/null; echo null=$?'
out=$(h run -b "$T/dev" dev 2>&1) || fail "devices container failed: $out"
echo "devices: $out"
[[ $out == *"mknod=ok"* ]] || fail "mknod (allowed by the default rules) failed: $out"
[[ $out == *"Operation not permitted"* && $out == *"kmsg=1"* ]] || fail "c 1:11 was not denied: $out"
[[ $out == *"null=0"* ]] || fail "/dev/null was denied: $out"
# born in its cgroup (CLONE_INTO_CGROUP) with the cgroup namespace rooted there
grep -qx "0::/" <<<"$out" || fail "the container's cgroup namespace is not rooted at its cgroup: $out"

# --- io, pause/resume, kill --all: one long-running container on a loop device's numbers
truncate -s 4M "$T/disk.img"
modprobe loop 2>/dev/null || true
loop=$(losetup -f --show "$T/disk.img") || fail "no loop device for the io limits"
defer losetup -d "$loop"
read -r maj min < <(stat -Lc '%t %T' "$loop" | while read -r a b; do echo $((16#$a)) $((16#$b)); done)
JQ=".linux.resources.blockIO = {\"weight\": 500, \"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}], \"throttleWriteIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 100}]}" \
	cg_bundle long sh -c 'sleep 60 & sleep 60'
h run -d -b "$T/long" long >/dev/null 2>&1 </dev/null
cg=$(cg_dir "" long)
grep -q "^$maj:$min rbps=1048576 wbps=max riops=max wiops=100" "$cg/io.max" || fail "io.max: $(cat "$cg/io.max")"
if [[ -e $cg/io.bfq.weight ]]; then w=$(<"$cg/io.bfq.weight"); else w=$(<"$cg/io.weight"); fi
[[ $w == *"default 500"* || $w == *"default 4950"* ]] || fail "io weight (blkio 500): '$w'"
h pause long
assert_eq 1 "$(cg_key "$cg/cgroup.events" frozen)" "frozen after pause"
h resume long
assert_eq 0 "$(cg_key "$cg/cgroup.events" frozen)" "frozen after resume"
assert_eq 2 "$(wc -l <"$cg/cgroup.procs")" "processes in the container (init and a background sleep)"
h kill --all long KILL
empty() { [[ -z $(<"$cg/cgroup.procs") ]]; }
wait_until 10 empty || fail "kill --all left: $(cat "$cg/cgroup.procs")"
h delete long
[[ ! -e $cg ]] || fail "cgroup $cg still there after delete"

# --- a small limit is enough for a small container (the smallest, husk beside crun, is the
# vm-memory-smallest benchmark: tests/bench/vm-memory-smallest.sh)
JQ='.linux.resources.memory = {"limit": 1048576}' cg_bundle small true
h run -b "$T/small" small >"$T/small.out" 2>&1 || fail "'true' under memory.max 1 MiB: $(cat "$T/small.out")"
echo ok
