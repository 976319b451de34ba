#!/bin/bash
# husk events on pure cgroup v2: a container allocating past memory.max gets an "oom" event from
# `husk events` (memory.events' oom_kill, watched with inotify), printed before events ends with
# the container; `events --stats` reports cpu (usage and throttling), memory (from memory.current,
# memory.max and memory.stat), pids and io, each agreeing with the cgroup's files.
# husk-vm-timeout: 180
. "$HUSK_SOURCE_DIR/tests/lib.sh"
. "$HUSK_SOURCE_DIR/tests/integration/cgroup-lib.sh"
. "$HUSK_SOURCE_DIR/tests/integration/events-lib.sh"

require_cgroup2 cpu memory pids io
cg_setup

# --- OOM: the event comes while the container runs on, and events ends with it
ev_oom_bundle o
h run -d -b "$T/o" o </dev/null >/dev/null 2>&1 || fail "run -d o"
ev_start oom --interval 30s o
wait_until 30 ev_armed oom || fail "events did not start watching: $(cat "$T/oom.err")"
touch "$T/rootfs/tmp/go"
wait_until 60 ev_has oom oom 1 || fail "no oom event: $(cat "$T/oom.out" "$T/oom.err"); $(cat /sys/fs/cgroup/husk/o/memory.events)"
wait_until 60 ev_ended oom || fail "events did not end with the container"
ev_wait oom
assert_eq 0 "$ev_rc" "exit status of events ($(cat "$T/oom.err"))"
assert_eq '{"type":"oom","id":"o"}' "$(head -n1 "$T/oom.out")" "the oom event line"
assert_eq 1 "$(cg_key /sys/fs/cgroup/husk/o/memory.events oom_kill)" "memory.events oom_kill"
h delete o

# --- stats of a running container, against its cgroup files
JQ='.linux.resources.memory = {"limit": 33554432}
.linux.resources.pids = {"limit": 20}
.linux.resources.cpu = {"quota": 50000, "period": 100000}' cg_bundle s sleep 300
h run -d -b "$T/s" s </dev/null >/dev/null 2>&1 || fail "run -d s"
h events --stats s >"$T/stats.json" || fail "events --stats: $(cat "$T/stats.json")"
cg=/sys/fs/cgroup/husk/s
stat() {
	jq -r "$1" "$T/stats.json"
}
echo "stats: $(stat '.data | keys | join(",")'); cpu $(jq -c .data.cpu "$T/stats.json")"
assert_eq 33554432 "$(stat .data.memory.usage.limit)" "memory.usage.limit (memory.max)"
usage=$(stat .data.memory.usage.usage)
((usage > 0)) || fail "memory.usage.usage is $usage"
assert_eq "$(cg_key "$cg/memory.stat" file)" "$(stat .data.memory.cache)" "memory.cache (memory.stat file)"
[[ $(stat .data.memory.raw.anon) =~ ^[0-9]+$ ]] || fail "no memory.raw.anon"
assert_eq 1 "$(stat .data.pids.current)" "pids.current"
assert_eq 20 "$(stat .data.pids.limit)" "pids.limit"
total=$(stat .data.cpu.usage.total)
((total > 0)) || fail "cpu.usage.total is $total"
[[ $(stat .data.cpu.usage.user) =~ ^[0-9]+$ && $(stat .data.cpu.usage.kernel) =~ ^[0-9]+$ ]] ||
	fail "no cpu.usage.user/kernel"
assert_eq "$(cg_key "$cg/cpu.stat" nr_periods)" "$(stat .data.cpu.throttling.periods)" "cpu.throttling.periods"
assert_eq object "$(stat '.data.blkio | type')" "blkio (io.stat; no block device in the VM, so no entries)"
h kill s KILL
h delete --force s
