#!/bin/bash
# husk-vm-timeout: 300
# --systemd-cgroup against a real systemd manager (no dbus-daemon: husk talks to
# /run/systemd/private). systemd runs as PID 1 of its own pid, mount and cgroup namespaces,
# on a cgroup we delegate to it ($P), with a fresh /run and a cgroup2 mount of its subtree, and
# boots a minimal target only, without generators (a dozen execs: seconds under TCG). In its namespaces, from a leaf cgroup of its tree (a process must
# sit below the namespace's root for systemd to move it), husk creates a container in the scope
# "husk-test-sd<pid>.scope" of system.slice: the unit is active with Delegate=yes and the limits
# systemd has properties for; the cgroup files carry every limit; start, state, pause, resume,
# update (files and unit properties) and kill --all work through the scope's cgroup; after
# delete the unit and its cgroup are gone. Prints the time systemd takes to come up.
. "$HUSK_SOURCE_DIR/tests/lib.sh"
. "$HUSK_SOURCE_DIR/tests/integration/cgroup-lib.sh"

require_cgroup2 cpu memory pids
require_cmd unshare nsenter systemctl
[[ -x /lib/systemd/systemd ]] || skip "no /lib/systemd/systemd"
cg_setup
HUSK=$HUSK_BUILD_DIR/src/cli/husk

P=/sys/fs/cgroup/husk-sd.$$
mkdir "$P" "$P/client"
defer "find '$P' -depth -type d -exec rmdir {} + 2>/dev/null || true"
sdpid=''
stop_systemd() {
	[[ -n $sdpid ]] || return 0
	kill -KILL "$sdpid" 2>/dev/null || true
	gone() { [[ ! -e /proc/$sdpid ]] || [[ $(awk '{print $3}' "/proc/$sdpid/stat" 2>/dev/null) == Z ]]; }
	wait_until 20 gone || echo "systemd ($sdpid) still there"
}
defer stop_systemd

# The launcher enters $P, unshares, forks systemd's PID 1 and exits: $P then holds systemd
# alone, so systemd may enable controllers in it (no process may sit in an inner cgroup that
# passes controllers down; only the real root is exempt).
boot=$(date +%s%N)
sh -c "echo \$\$ >'$P/cgroup.procs'
exec unshare --cgroup --mount --pid --propagation private sh -c '
	( umount -l /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup &&
	  mount -t proc proc /proc && mount -t tmpfs -o mode=0755 tmpfs /run &&
	  mkdir -p /run/systemd/system /run/husk-empty &&
	  mount --bind /run/husk-empty /usr/lib/systemd/system-generators &&
	  printf \"[Unit]\\nDescription=husk test\\n\" >/run/systemd/system/husk-test.target &&
	  exec env -i container=husk-test PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		/lib/systemd/systemd --unit=husk-test.target --log-level=notice --log-target=console
	) >\"$T/systemd.log\" 2>&1 </dev/null &'"
# systemd: the process of $P that is PID 1 of its own pid namespace
sd_pid() {
	local p
	for p in $(cat "$P/cgroup.procs" "$P/init.scope/cgroup.procs" 2>/dev/null); do
		[[ $(awk '$1 == "NSpid:" { print $NF }' "/proc/$p/status" 2>/dev/null) == 1 ]] && { sdpid=$p; return 0; }
	done
	return 1
}
wait_until 30 sd_pid || fail "systemd did not start: $(cat "$T/systemd.log")"
# Our commands run in systemd's namespaces, from the leaf $P/client.
in_sd() {
	sh -c "echo \$\$ >'$P/client/cgroup.procs' && exec nsenter -t $sdpid -m -p -C -- \"\$@\"" sh "$@"
}
diagnose() {
	echo "systemd $sdpid: $(tr '\0' ' ' <"/proc/$sdpid/cmdline" 2>&1); $(grep State "/proc/$sdpid/status" 2>&1)"
	echo "/run/systemd: $(ls "/proc/$sdpid/root/run/systemd" 2>&1 | tr '\n' ' ')"
	echo "$P: $(ls "$P" | tr '\n' ' '); procs $(cat "$P/cgroup.procs" | tr '\n' ' ')"
	cat "$T/systemd.log"
}
sock() { [[ -S /proc/$sdpid/root/run/systemd/private ]]; }
wait_until 150 sock || { diagnose; fail "systemd made no /run/systemd/private"; }
state=$(timeout 60 sh -c "echo \$\$ >'$P/client/cgroup.procs' && exec nsenter -t $sdpid -m -p -C -- systemctl is-system-running --wait" 2>&1) || true
[[ $state == running || $state == degraded ]] || { diagnose; fail "systemd is not up: $state"; }
echo "systemd up after $((($(date +%s%N) - boot) / 1000000)) ms"

id=sd$$
unit=husk-test-$id.scope
JQ=".linux.cgroupsPath = \"system.slice:husk-test:$id\"
.linux.resources.memory = {\"limit\": 67108864}
.linux.resources.pids = {\"limit\": 50}
.linux.resources.cpu = {\"quota\": 20000, \"period\": 100000, \"shares\": 512}" \
	cg_bundle "$id" sh -c 'sleep 61 & while :; do sleep 1; done'
hs() { in_sd "$HUSK" --root "$ROOT" --systemd-cgroup "$@"; }
hs create -b "$T/$id" "$id" </dev/null >"$T/create.out" 2>&1 || fail "create: $(cat "$T/create.out")"
# in its namespaces (state.json's pid is one of systemd's pid namespace), before systemd goes
defer "in_sd '$HUSK' --root '$ROOT' delete --force '$id' >/dev/null 2>&1 || true"
show=$(in_sd systemctl show -p ActiveState -p Delegate -p Slice -p ControlGroup -p MemoryMax -p TasksMax \
	-p CPUQuotaPerSecUSec -p CPUWeight "$unit")
echo "$show"
for want in ActiveState=active Delegate=yes Slice=system.slice "ControlGroup=/system.slice/$unit" \
	MemoryMax=67108864 TasksMax=50 CPUQuotaPerSecUSec=200ms CPUWeight=20; do
	grep -qx "$want" <<<"$show" || fail "systemctl show $unit: no $want"
done
cg=$P/system.slice/$unit
assert_eq /system.slice/$unit "$(jq -r '."husk.cgroupPath"' "$ROOT/$id/state.json")" "state.json husk.cgroupPath"
assert_eq 67108864 "$(<"$cg/memory.max")" "memory.max"
assert_eq 50 "$(<"$cg/pids.max")" "pids.max"
assert_eq "20000 100000" "$(<"$cg/cpu.max")" "cpu.max"
pid=$(hs state "$id" | jq -r .pid)
procs=$(in_sd cat "/sys/fs/cgroup/system.slice/$unit/cgroup.procs")
grep -qx "$pid" <<<"$procs" || fail "init $pid not in $unit: $procs"

hs start "$id"
assert_eq running "$(hs state "$id" | jq -r .status)" "status after start"
hs pause "$id"
assert_eq 1 "$(cg_key "$cg/cgroup.events" frozen)" "frozen after pause"
assert_eq paused "$(hs state "$id" | jq -r .status)" "status after pause"
hs resume "$id"
assert_eq 0 "$(cg_key "$cg/cgroup.events" frozen)" "frozen after resume"
hs update --memory 100663296 --pids-limit 40 "$id"
assert_eq 100663296 "$(<"$cg/memory.max")" "memory.max after update"
assert_eq 40 "$(<"$cg/pids.max")" "pids.max after update"
# ... and systemd's view of the unit follows (SetUnitProperties)
show=$(in_sd systemctl show -p MemoryMax -p TasksMax "$unit")
grep -qx MemoryMax=100663296 <<<"$show" && grep -qx TasksMax=40 <<<"$show" || fail "$unit after update: $show"
# kill --all TERM: the sleeps go, the init (sh, PID 1 of the container: TERM has no handler)
# stays, and so does the scope
long=''
for p in $(<"$cg/cgroup.procs"); do     # a `sleep 1` may be gone by the time we look
	[[ $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" || true) == "sleep 61 " ]] && long=$p || true
done
[[ -n $long ]] || fail "no 'sleep 61' in $cg: $(cat "$cg/cgroup.procs")"
hs kill --all "$id" TERM
long_gone() { [[ ! -e /proc/$long ]] || [[ $(awk '{print $3}' "/proc/$long/stat") == Z ]]; }
wait_until 10 long_gone || fail "kill --all TERM: 'sleep 61' ($long) still there"
assert_eq running "$(hs state "$id" | jq -r .status)" "status after kill --all TERM"
# delete of a running container: husk kills it and stops the unit (StopUnit)
hs delete --force "$id"
state=$(in_sd systemctl show -p LoadState -p ActiveState "$unit")
grep -qx "ActiveState=inactive" <<<"$state" || fail "$unit after delete: $state"
[[ ! -e $cg ]] || fail "cgroup $cg still there after delete"
echo ok
