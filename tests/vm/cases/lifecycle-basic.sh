#!/bin/bash
# The container lifecycle under pure cgroup v2 (a fresh kernel, no hybrid): a busybox bundle
# goes through create / state / start / kill / delete, and `run` passes the exit status through;
# the container sees its own pid namespace and the cgroup2 filesystem.
# husk-vm-timeout: 180
. "$HUSK_SOURCE_DIR/tests/lib.sh"

require_cgroup2
require_cmd jq
husk=$HUSK_BUILD_DIR/src/cli/husk
probe=$HUSK_BUILD_DIR/tests/helpers/probe
[[ -x $husk && -x $probe ]] || fail "build husk and tests/helpers/probe first"
[[ -f /bin/busybox ]] || skip "needs busybox-static"
new_tmpdir T
root=$T/state
h() { "$husk" --root "$root" "$@"; }
defer "'$husk' --root '$root' delete --force c1 2>/dev/null; '$husk' --root '$root' delete --force r1 2>/dev/null; true"

# Without linux.resources: the cgroup limits have their own VM cases; this one is the lifecycle.
PROBE=$probe HUSK=$husk JQ='del(.linux.resources)' \
	bash "$HUSK_SOURCE_DIR/oci/busybox-bundle.sh" "$T/b" /probe sleep 300 >/dev/null
h create -b "$T/b" c1 >/dev/null 2>"$T/c1.err" </dev/null || fail "create: $(cat "$T/c1.err")"
assert_eq created "$(h state c1 | jq -r .status)" "status after create"
h start c1
assert_eq running "$(h state c1 | jq -r .status)" "status after start"
h kill c1 KILL
stopped() { [[ "$(h state c1 | jq -r .status)" == stopped ]]; }
wait_until 30 stopped || fail "c1 did not stop"
h delete c1
assert_eq "" "$(h list -q)" "list after delete"

jq '.process.args = ["/probe"]' "$T/b/config.json" >"$T/c" && mv "$T/c" "$T/b/config.json"
h run -b "$T/b" r1 </dev/null >"$T/probe.out" 2>"$T/r1.err" || fail "run: $(cat "$T/r1.err")"
grep -qx "pid=1" "$T/probe.out" || fail "pid inside: $(grep ^pid= "$T/probe.out")"
grep -q "^mount=/sys/fs/cgroup cgroup2 " "$T/probe.out" ||
	fail "no cgroup2 on /sys/fs/cgroup inside: $(grep ^mount= "$T/probe.out")"
jq '.process.args = ["/probe", "exit", "7"]' "$T/b/config.json" >"$T/c" && mv "$T/c" "$T/b/config.json"
rc=0
h run -b "$T/b" r1 </dev/null || rc=$?
assert_eq 7 "$rc" "run exit status"
echo "lifecycle-basic (vm): ok"
