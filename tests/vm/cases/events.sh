#!/bin/bash
# husk events on pure cgroup v2: a container allocating past memory.max gets an "oom" event from
# `husk events` (memory.events' oom_kill, watched with inotify), printed before events ends with
# the container; `events --stats` reports cpu (usage and throttling), memory (from memory.current,
# memory.max and memory.stat), pids and io, agreeing with the container's limits and cpu.stat.
# husk-vm-timeout: 180
. "$HUSK_SOURCE_DIR/tests/lib.sh"
. "$HUSK_SOURCE_DIR/tests/integration/cgroup-lib.sh"
. "$HUSK_SOURCE_DIR/tests/integration/events-lib.sh"

require_cgroup2 cpu memory pids io
cg_setup

# --- OOM: the event comes while the container runs on, and events ends with it
echo "setup: ${SECONDS}s"
ev_oom_bundle o
h run -d -b "$T/o" o </dev/null >/dev/null 2>&1 || fail "run -d o"
ev_start oom --interval 30s o
wait_until 30 ev_armed oom || fail "events did not start watching: $(cat "$T/oom.err")"
echo "events watching: ${SECONDS}s"
touch "$T/rootfs/tmp/go"
wait_until 60 ev_has oom oom 1 || fail "no oom event: $(cat "$T/oom.out" "$T/oom.err"); $(cat /sys/fs/cgroup/husk/o/memory.events)"
echo "oom event: ${SECONDS}s"
wait_until 60 ev_ended oom || fail "events did not end with the container"
ev_wait oom
assert_eq 0 "$ev_rc" "exit status of events ($(cat "$T/oom.err"))"
assert_eq '{"type":"oom","id":"o"}' "$(head -n1 "$T/oom.out")" "the oom event line"
assert_eq 1 "$(cg_key /sys/fs/cgroup/husk/o/memory.events oom_kill)" "memory.events oom_kill"
h delete o
echo "oom case done: ${SECONDS}s"

# --- stats of a running container, against its cgroup files
JQ='.linux.resources.memory = {"limit": 33554432}
.linux.resources.pids = {"limit": 20}
.linux.resources.cpu = {"quota": 50000, "period": 100000}' cg_bundle s sleep 300
h run -d -b "$T/s" s </dev/null >/dev/null 2>&1 || fail "run -d s"
h events --stats s >"$T/stats.json" || fail "events --stats: $(cat "$T/stats.json")"
cg=/sys/fs/cgroup/husk/s
# one jq for all the fields (each exec costs under TCG)
read -r typ limit usage cache file pcur plim total user kernel periods blkio < <(jq -r '[.type] + (.data |
	[.memory.usage.limit, .memory.usage.usage, .memory.cache, .memory.raw.file, .pids.current, .pids.limit,
	 .cpu.usage.total, .cpu.usage.user, .cpu.usage.kernel, .cpu.throttling.periods, (.blkio | type)]) | @tsv' "$T/stats.json")
echo "stats: $(jq -c .data.cpu "$T/stats.json")"
assert_eq stats "$typ" "type"
assert_eq 33554432 "$limit" "memory.usage.limit (memory.max)"
((usage > 0)) || fail "memory.usage.usage is $usage"
[[ $cache =~ ^[0-9]+$ ]] || fail "no memory.cache"
assert_eq "$file" "$cache" "memory.cache (memory.stat's file, in memory.raw)"
assert_eq 1 "$pcur" "pids.current"
assert_eq 20 "$plim" "pids.limit"
((total > 0)) || fail "cpu.usage.total is $total"
[[ $user =~ ^[0-9]+$ && $kernel =~ ^[0-9]+$ ]] || fail "no cpu.usage.user/kernel: $user $kernel"
# the container's first moments may still add a period after the reading
((periods > 0 && periods <= $(cg_key "$cg/cpu.stat" nr_periods))) ||
	fail "cpu.throttling.periods $periods, cpu.stat nr_periods $(cg_key "$cg/cpu.stat" nr_periods)"
assert_eq object "$blkio" "blkio (io.stat; no block device in the VM, so no entries)"
h kill s KILL
h delete --force s
