#!/bin/bash
# husk's cgroups on this host, whatever its layout (v1/v2 hybrid here, pure v2 in CI): the
# container's cgroup is made in every hierarchy with the limits of linux.resources, the init is
# in it before it runs (its cgroup namespace is rooted there), state.json records the path,
# device rules deny, pause/resume freeze and thaw, an OOM kill is counted (cgroup_stats agrees
# with the kernel's files), delete removes every
# directory. --cgroup-manager disabled runs without cgroups; --systemd-cgroup makes a systemd
# scope when a manager runs here, else fails clearly. Bad input (resources the parser or
# the kernel refuses, an unresolvable cgroupsPath, an unknown manager, a taken cgroup) fails with
# the field named and leaves no cgroup behind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/cgroup-lib.sh"

cg_setup
[[ -e /sys/fs/cgroup/cgroup.controllers || -d /sys/fs/cgroup/memory ]] || skip "no cgroup hierarchy on /sys/fs/cgroup"
if [[ -d /sys/fs/cgroup/memory ]]; then mem=memory pids=pids frz=freezer; else mem="" pids="" frz=""; fi
v1=${mem:+1}

# Every directory of the container's cgroup: cgroup2 (if mounted) and each v1 hierarchy.
all_dirs() {
	local d
	for d in /sys/fs/cgroup /sys/fs/cgroup/*/; do
		d=${d%/}
		[[ -e $d/cgroup.procs && $d != */systemd ]] && echo "$d/husk/$1"
	done
}
assert_gone() {
	local d
	for d in $(all_dirs "$1"); do
		[[ ! -e $d ]] || fail "$2: cgroup $d left behind"
	done
}
expect_fail() {
	local text=$1
	shift
	if "$@" >"$T/err" 2>&1 </dev/null; then
		fail "succeeded, expected an error with '$text'"
	fi
	grep -qF -- "$text" "$T/err" || fail "expected '$text' in: $(cat "$T/err")"
}

# --- limits, placement, cgroup namespace, state.json, pause/resume, delete
JQ='.linux.resources.memory = {"limit": 33554432}
.linux.resources.pids = {"limit": 20}
.linux.resources.cpu = {"quota": 50000, "period": 100000, "shares": 512}' \
	cg_bundle lim sh -c 'cat /proc/self/cgroup; sleep 30'
h create -b "$T/lim" lim >"$T/lim.out" 2>&1 </dev/null
pid=$(h state lim | jq -r .pid)
assert_eq /husk/lim "$(jq -r '."husk.cgroupPath"' "$ROOT/lim/state.json")" "state.json husk.cgroupPath"
if [[ -n $v1 ]]; then
	assert_eq 33554432 "$(<"$(cg_dir memory lim)/memory.limit_in_bytes")" "memory.limit_in_bytes"
	assert_eq 20 "$(<"$(cg_dir pids lim)/pids.max")" "pids.max"
	assert_eq 50000 "$(<"$(cg_dir cpu lim)/cpu.cfs_quota_us")" "cpu.cfs_quota_us"
	assert_eq 512 "$(<"$(cg_dir cpu lim)/cpu.shares")" "cpu.shares"
	grep -q "memory:/husk/lim$" "/proc/$pid/cgroup" || fail "init not in memory:/husk/lim: $(cat "/proc/$pid/cgroup")"
	grep -q "^0::/husk/lim$" "/proc/$pid/cgroup" || fail "init not tracked in cgroup2 /husk/lim: $(cat "/proc/$pid/cgroup")"
else
	assert_eq 33554432 "$(<"$(cg_dir "" lim)/memory.max")" "memory.max"
	assert_eq 20 "$(<"$(cg_dir "" lim)/pids.max")" "pids.max"
	assert_eq "50000 100000" "$(<"$(cg_dir "" lim)/cpu.max")" "cpu.max"
	assert_eq 20 "$(<"$(cg_dir "" lim)/cpu.weight")" "cpu.weight"
	grep -q "^0::/husk/lim$" "/proc/$pid/cgroup" || fail "init not in /husk/lim: $(cat "/proc/$pid/cgroup")"
fi
h start lim
seen() { grep -q "0::/" "$T/lim.out"; }
wait_until 10 seen || fail "no output from the container: $(cat "$T/lim.out")"
if grep -v ':/$' "$T/lim.out" | grep -q ':/'; then
	fail "cgroup namespace not rooted at the container's cgroup: $(cat "$T/lim.out")"
fi
h pause lim
if [[ -n $frz ]]; then
	assert_eq FROZEN "$(<"$(cg_dir freezer lim)/freezer.state")" "freezer.state after pause"
else
	assert_eq 1 "$(cg_key "$(cg_dir "" lim)/cgroup.events" frozen)" "frozen after pause"
fi
[[ $(awk '{print $3}' "/proc/$pid/stat") != R ]] || fail "init still running while paused"
assert_eq paused "$(h state lim | jq -r .status)" "status after pause"
h resume lim
if [[ -n $frz ]]; then
	assert_eq THAWED "$(<"$(cg_dir freezer lim)/freezer.state")" "freezer.state after resume"
fi
assert_eq running "$(h state lim | jq -r .status)" "status after resume"
# a paused container can be force-deleted (frozen v1 tasks must be thawed to die)
h pause lim
h delete --force lim
assert_gone lim "delete of a paused container"

# --- devices: default deny, /dev/null allowed
JQ='.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])' \
	cg_bundle dev sh -c 'mknod /dev/kmsg2 c 1 11 && echo mknod=ok; head -c1 /dev/kmsg2; echo kmsg=$?; echo x >/dev/null; echo null=$?'
out=$(h run -b "$T/dev" dev 2>&1) || fail "devices container failed: $out"
[[ $out == *"mknod=ok"* ]] || fail "mknod (allowed by the default rules) failed: $out"
[[ $out == *"Operation not permitted"* && $out == *"kmsg=1"* ]] || fail "c 1:11 was not denied: $out"
[[ $out == *"null=0"* ]] || fail "/dev/null was denied: $out"
assert_gone dev "run"

# --- OOM: dd past the limit is killed, and the kill is counted
JQ='.linux.resources.memory = {"limit": 16777216, "swap": 16777216}' cg_bundle oom dd if=/dev/zero of=/dev/null bs=64M count=1
rc=0
h run --keep -b "$T/oom" oom >"$T/oom.out" 2>&1 || rc=$?
((rc == 137)) || fail "dd past memory.limit: exit $rc, expected 137; $(cat "$T/oom.out")"
if [[ -n $v1 ]]; then
	kills=$(cg_key "$(cg_dir memory oom)/memory.oom_control" oom_kill)
else
	kills=$(cg_key "$(cg_dir "" oom)/memory.events" oom_kill)
fi
((kills >= 1)) || fail "no oom_kill counted"
stats=$("$HUSK_BUILD_DIR/tests/helpers/cgroup-stats" /husk/oom)
grep -qx "memory_oom_kill=$kills" <<<"$stats" || fail "cgroup_stats: $stats (kernel: oom_kill $kills)"
grep -qx "memory_max=16777216" <<<"$stats" || fail "cgroup_stats memory_max: $stats"
h delete oom
assert_gone oom "delete after OOM"

# --- --cgroup-manager disabled: no cgroup at all
cg_bundle off cat /proc/self/cgroup
out=$(h --cgroup-manager disabled run -b "$T/off" off 2>&1) || fail "disabled manager: $out"
assert_gone off "--cgroup-manager disabled"

# --- bad input, and nothing left behind
JQ='.linux.resources.memory = {"limit": "lots"}' cg_bundle bad1 true
expect_fail "linux.resources.memory.limit: must be an integer" h run -b "$T/bad1" bad1
assert_gone bad1 "bad resources"
JQ='.linux.resources.unified = {"memory.no_such_file": "1"}' cg_bundle bad2 true
expect_fail "linux.resources.unified.memory.no_such_file:" h run -b "$T/bad2" bad2
assert_gone bad2 "a unified key the kernel lacks"
JQ='.linux.cgroupsPath = "/husk/../escape"' cg_bundle bad3 true
expect_fail "linux.cgroupsPath: '/husk/../escape': empty, '.' or '..' component" h run -b "$T/bad3" bad3
JQ='.linux.cgroupsPath = "system.slice:husk:x"' cg_bundle bad4 true
expect_fail "needs --cgroup-manager systemd" h run -b "$T/bad4" bad4
expect_fail "--cgroup-manager: 'bogus': must be cgroupfs, systemd or disabled" h --cgroup-manager bogus run -b "$T/bad4" bad4
# --systemd-cgroup: with a systemd manager here, a scope with Delegate=yes that delete stops
# (tests/vm/cases/cgroup-systemd.sh does it all on a manager of its own); without one, a clear
# error and nothing created
if [[ $(systemctl is-system-running 2>/dev/null) =~ ^(running|degraded|starting)$ ]]; then
	JQ=".linux.cgroupsPath = \"system.slice:husk-test:sd$$\"" cg_bundle sd cat /proc/self/cgroup
	h --systemd-cgroup create -b "$T/sd" sd </dev/null >"$T/sd.out" 2>&1 || fail "--systemd-cgroup create: $(cat "$T/sd.out")"
	assert_eq /system.slice/husk-test-sd$$.scope "$(jq -r '."husk.cgroupPath"' "$ROOT/sd/state.json")" \
		"state.json husk.cgroupPath under --systemd-cgroup"
	assert_eq yes "$(systemctl show -P Delegate husk-test-sd$$.scope)" "Delegate of husk-test-sd$$.scope"
	h --systemd-cgroup delete --force sd
	assert_eq inactive "$(systemctl show -P ActiveState husk-test-sd$$.scope)" "husk-test-sd$$.scope after delete"
else
	expect_fail "--cgroup-manager systemd: no system bus and no /run/systemd/private" \
		h --systemd-cgroup run -b "$T/bad4" bad4
fi
expect_fail "linux.cgroupsPath: '/husk/../escape' is not systemd's \"slice:prefix:name\" form" \
	h --cgroup-manager systemd run -b "$T/bad3" bad3
assert_gone bad4 "--systemd-cgroup"
if [[ -n $v1 ]]; then
	JQ='.linux.resources.memory = {"limit": 16777216, "swap": 8388608}' cg_bundle bad5 true
	expect_fail "linux.resources.memory.swap: 8388608 is below memory.limit 16777216" h run -b "$T/bad5" bad5
else
	JQ='.linux.resources.memory = {"disableOOMKiller": true}' cg_bundle bad5 true
	expect_fail "linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer" h run -b "$T/bad5" bad5
fi
assert_gone bad5 "a limit this host cannot enforce"
# no RDMA device here: refused (controller missing, or the kernel rejects the device), never ignored
JQ='.linux.resources.rdma = {"mlx5_husk": {"hcaHandles": 1}}' cg_bundle bad6 true
expect_fail "linux.resources.rdma" h run -b "$T/bad6" bad6
assert_gone bad6 "an rdma limit without the device"
# a create that fails after its cgroup was made (no such executable) removes the cgroup
JQ='.linux.resources.pids = {"limit": 10}' cg_bundle bad7 /no/such/program
expect_fail 'exec: "/no/such/program"' h create -b "$T/bad7" bad7
assert_gone bad7 "a create that failed in the container's setup"
# two containers, one cgroupsPath: the second is refused and the first keeps its cgroup
JQ='.linux.cgroupsPath = "/husk/shared"' cg_bundle one sleep 30
h create -b "$T/one" one </dev/null >/dev/null 2>&1
expect_fail "linux.cgroupsPath: cgroup /husk/shared exists already" h create -b "$T/one" two
for d in $(all_dirs shared); do
	[[ -d $d ]] || fail "the first container's cgroup $d was removed by the failed create"
done
h delete --force one
assert_gone shared "delete"
echo ok
