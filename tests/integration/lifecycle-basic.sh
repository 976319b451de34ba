#!/bin/bash
# The container lifecycle as containerd and podman drive it: create (pid file) / state / list /
# start / kill / delete with the status after each step; run with the exit status passed through
# (and 128+N for a signal), signals forwarded by a foreground run, --detach, --keep; delete refusing a running container unless
# --force; -b and --bundle=; signal names and numbers.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup

lc_bundle sleeper /probe sleep 300
cd "$T/sleeper"

# create: the process waits; state says created; the pid file holds the init's pid.
h create --pid-file "$T/pid" c1 >/dev/null 2>&1 </dev/null || fail "create c1: $(h create c1 2>&1)"
assert_eq created "$(lc_status c1)" "status after create"
pid=$(lc_field c1 pid)
assert_eq "$pid" "$(cat "$T/pid")" "pid file"
[[ -d /proc/$pid ]] || fail "init $pid is not alive after create"
assert_eq "$T/sleeper" "$(lc_field c1 bundle)" "bundle in state"
assert_eq 1.2.0 "$(lc_field c1 ociVersion)" "ociVersion in state"
assert_eq c1 "$(h list -q)" "list -q"
assert_eq created "$(h list --format json | jq -r '.[] | select(.id == "c1") | .status')" "list json"
h list | grep -Eq "^c1 +$pid +created +$T/sleeper" || fail "list table: $(h list)"
expect_fail "already exists" h create c1

# start: the probe runs (it is the same pid: exec, no fork), state says running.
h start c1 || fail "start c1"
assert_eq running "$(lc_status c1)" "status after start"
wait_until 20 grep -q probe "/proc/$pid/comm" || fail "init did not exec /probe"
expect_fail "already running" h start c1
expect_fail "not stopped" h delete c1
assert_eq running "$(lc_status c1)" "status after a refused delete"

# kill: names and numbers; the init of a pid namespace only dies of SIGKILL here.
expect_fail "unknown signal" h kill c1 NOSUCHSIG
h kill c1 SIGCONT || fail "kill c1 SIGCONT"
h kill c1 9 || fail "kill c1 9"
wait_until 20 lc_status_is c1 stopped || fail "status after kill: $(lc_status c1)"
expect_fail "not running" h kill c1 KILL
h delete c1 || fail "delete a stopped container"
expect_fail "does not exist" h state c1
assert_eq "" "$(h list -q)" "list after delete"
h delete --force c1 || fail "delete --force of a missing container must succeed (runc)"

# delete of a created container kills its waiting process; --force kills a running one.
h create --bundle="$T/sleeper" c2 >/dev/null 2>&1 </dev/null || fail "create --bundle=DIR"
pid=$(lc_field c2 pid)
h delete c2 || fail "delete a created container"
# gone_or_zombie PID: re-read on every try of wait_until
gone_or_zombie() { [[ ! -e /proc/$1/stat || "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" == Z ]]; }
wait_until 20 gone_or_zombie "$pid" ||
	fail "created init $pid survived delete"
cd /
h create -b "$T/sleeper" c3 >/dev/null 2>&1 </dev/null || fail "create -b DIR"
h start c3
pid=$(lc_field c3 pid)
h delete --force c3 || fail "delete --force"
[[ ! -d $ROOT/c3 ]] || fail "state dir left after delete --force"
[[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)" =~ ^(Z|gone)$ ]] ||
	fail "running init $pid survived delete --force"

# run: foreground, exit status passed through, container deleted afterwards.
lc_bundle exit3 /probe exit 3
rc=0; h run -b "$T/exit3" r1 </dev/null || rc=$?
assert_eq 3 "$rc" "run exit status"
assert_eq "" "$(h list -q)" "run deletes the container"
"$HUSK" --root "$ROOT" run -b "$T/sleeper" r2 </dev/null >/dev/null 2>"$T/r2.err" &
runpid=$!
wait_until 20 lc_status_is r2 running || fail "r2 did not start: $(cat "$T/r2.err")"
h kill r2 KILL
rc=0; wait "$runpid" || rc=$?
assert_eq 137 "$rc" "run of a process killed by SIGKILL"
# Signals to a foreground run reach the container's process.
lc_bundle trapper sh -c 'trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done'
"$HUSK" --root "$ROOT" run -b "$T/trapper" r6 </dev/null >"$T/r6.out" 2>&1 &
runpid=$!
wait_until 20 grep -q ready "$T/r6.out" || fail "r6 did not start: $(cat "$T/r6.out")"
kill -TERM "$runpid"
rc=0; wait "$runpid" || rc=$?
assert_eq 42 "$rc" "run forwards SIGTERM to the container"
lc_bundle hello echo hello from husk
assert_eq "hello from husk" "$(h run -b "$T/hello" r3 </dev/null)" "run output"

# run --keep leaves it stopped; run --detach leaves it running.
rc=0; h run --keep -b "$T/exit3" r4 </dev/null || rc=$?
assert_eq 3 "$rc" "run --keep exit status"
assert_eq stopped "$(lc_status r4)" "status after run --keep"
h delete r4
h run -d -b "$T/sleeper" r5 >/dev/null 2>&1 </dev/null || fail "run --detach"
assert_eq running "$(lc_status r5)" "status after run --detach"
h kill r5 KILL
wait_until 20 lc_status_is r5 stopped || fail "r5 did not stop"
h delete r5
echo "lifecycle-basic: ok"
