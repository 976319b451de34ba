#!/bin/bash
# husk events (runc's verb) on this host's cgroups (v1 controllers on the hybrid hosts we develop
# on, cgroup2 elsewhere): --stats prints one stats event whose memory and pids agree with the
# cgroup's files and the container's limits; --interval prints stats events until the container
# is killed, then ends with status 0; an OOM kill in the container is an "oom" event; an unknown
# or stopped container, a bad --interval and a missing id fail with a message.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/cgroup-lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"     # expect_fail
. "$(dirname "$0")/events-lib.sh"

cg_setup
id=ev$$
if [[ -d /sys/fs/cgroup/memory ]]; then
	v1=1
else
	[[ -e /sys/fs/cgroup/cgroup.controllers ]] || skip "no cgroup hierarchy on /sys/fs/cgroup"
	v1=""
fi

# --- --stats of a running container
JQ='.linux.resources.memory = {"limit": 67108864}
.linux.resources.pids = {"limit": 30}' cg_bundle s sleep 300
h run -d -b "$T/s" "$id" </dev/null >/dev/null 2>&1 || fail "run -d $id"
h events --stats "$id" >"$T/stats.json" || fail "events --stats: $(cat "$T/stats.json")"
assert_eq 1 "$(wc -l <"$T/stats.json")" "events --stats prints one line"
stat() {
	jq -r "$1" "$T/stats.json"
}
assert_eq stats "$(stat .type)" "type"
assert_eq "$id" "$(stat .id)" "id"
assert_eq 67108864 "$(stat .data.memory.usage.limit)" "data.memory.usage.limit"
usage=$(stat .data.memory.usage.usage)
((usage > 0)) || fail "data.memory.usage.usage is $usage: $(cat "$T/stats.json")"
if [[ -n $v1 ]]; then
	assert_eq 67108864 "$(stat .data.memory.raw.hierarchical_memory_limit)" "data.memory.raw (memory.stat)"
	[[ $(stat .data.cpu.usage.percpu) != null ]] || fail "no data.cpu.usage.percpu (cpuacct): $(cat "$T/stats.json")"
else
	[[ $(stat .data.memory.raw.anon) =~ ^[0-9]+$ ]] || fail "no data.memory.raw.anon (memory.stat): $(cat "$T/stats.json")"
fi
assert_eq 1 "$(stat .data.pids.current)" "data.pids.current (sleep alone)"
assert_eq 30 "$(stat .data.pids.limit)" "data.pids.limit"
[[ $(stat '.data.cpu.usage.total') =~ ^[0-9]+$ ]] || fail "no data.cpu.usage.total: $(cat "$T/stats.json")"
echo "stats: memory.usage $usage, cpu.usage.total $(stat .data.cpu.usage.total) ns, keys $(stat '.data | keys | join(",")')"

# --- --interval: stats events until the container's init is killed, then status 0
ev_start iv --interval 200ms "$id"
wait_until 20 ev_has iv stats 2 || fail "fewer than 2 stats events in 20 s: $(cat "$T/iv.out" "$T/iv.err")"
h kill "$id" KILL
wait_until 10 ev_ended iv || fail "events still running 10 s after the container was killed"
ev_wait iv
assert_eq 0 "$ev_rc" "exit status of events after the container stopped ($(cat "$T/iv.err"))"
assert_eq 0 "$(jq -c 'select(.type != "stats" or .id != "'"$id"'")' "$T/iv.out" | wc -l)" \
	"events other than stats of $id"
echo "interval: $(ev_count iv stats) stats events"

# --- a stopped container, an unknown one, bad options
expect_fail "is not running" h events --stats "$id"
expect_fail "is not running" h events "$id"
h delete "$id"
expect_fail "container 'nope$$' does not exist" h events --stats "nope$$"
expect_fail "--interval: must be greater than 0" h events --interval 0s "nope$$"
expect_fail "--interval: expected a duration" h events --interval soon "nope$$"
expect_fail "--interval: expected a duration" h events --interval 1m30 "nope$$"
expect_fail "container 'nope$$' does not exist" h events --interval 1m30s "nope$$"
expect_fail "expects exactly one container id" h events
h events --help | grep -q -- "--interval DURATION" || fail "events --help does not show --interval"

# --- an OOM kill is an "oom" event, printed before events ends with the container
ev_oom_bundle o
h run -d -b "$T/o" "$id-oom" </dev/null >/dev/null 2>&1 || fail "run -d $id-oom"
ev_start oom --interval 10s "$id-oom"
# the container allocates once events watches (it opens the init's pidfd last)
wait_until 10 ev_armed oom || fail "events did not start watching: $(cat "$T/oom.err")"
touch "$T/rootfs/tmp/go"
wait_until 20 ev_ended oom || fail "events did not end with the container: $(cat "$T/oom.out" "$T/oom.err")"
ev_wait oom
assert_eq 0 "$ev_rc" "exit status of events after the OOM container ended ($(cat "$T/oom.err"))"
assert_eq 1 "$(ev_count oom oom)" "oom events"
assert_eq "{\"type\":\"oom\",\"id\":\"$id-oom\"}" "$(head -n1 "$T/oom.out")" "the oom event line"
h delete "$id-oom"
