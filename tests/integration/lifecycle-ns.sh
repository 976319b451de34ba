#!/bin/bash
# Namespaces as the container sees them (through the probe): new pid/net/ipc/uts/mount/cgroup
# namespaces, pid 1, the hostname, lo up (brought up over netlink); a user namespace with
# linux.uidMappings/gidMappings (maps, ids, file ownership on the host); a time namespace with
# linux.timeOffsets; joining existing namespaces by path.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup
require_cmd unshare

host_ns() { readlink "/proc/self/ns/$1"; }
probe_get() { grep "^$1=" "$T/probe.out" | head -1 | cut -d= -f2-; }

# New namespaces: every one differs from ours, and the process is pid 1 named by the config.
JQ='.hostname = "ns-test"' lc_bundle plain /probe
h run -b "$T/plain" n1 </dev/null >"$T/probe.out" || fail "run n1"
assert_eq 1 "$(probe_get pid)" "pid inside a new pid namespace"
assert_eq ns-test "$(probe_get hostname)" "hostname"
for ns in pid:pid net:net ipc:ipc uts:uts mnt:mnt cgroup:cgroup; do
	inside=$(probe_get "ns_${ns%%:*}")
	[[ -n $inside ]] || fail "probe did not report ns_${ns%%:*}"
	[[ $inside != "$(host_ns "${ns##*:}")" ]] || fail "${ns##*:} namespace is the host's ($inside)"
done
assert_eq "$(host_ns user)" "$(probe_get ns_user)" "no user namespace unless asked"

# lo is up in the new network namespace (IFF_UP|IFF_LOOPBACK = 0x9).
lc_bundle lo /probe cat /sys/class/net/lo/flags
assert_eq 0x9 "$(h run -b "$T/lo" n2 </dev/null)" "lo flags"

# A user namespace: container root is host uid/gid 100000, files it makes are owned by that.
JQ='.linux.namespaces += [{"type": "user"}]
.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
.root.readonly = false' lc_bundle userns /probe
chown -R 100000:100000 "$T/userns/rootfs"
chmod 755 "$T" "$T/userns"   # container root (host uid 100000) must reach its rootfs
h run -b "$T/userns" u1 </dev/null >"$T/probe.out" || fail "run in a user namespace: $(cat "$T/probe.out")"
assert_eq 0 "$(probe_get uid)" "uid in the user namespace"
assert_eq 0 "$(probe_get gid)" "gid in the user namespace"
[[ $(probe_get ns_user) != "$(host_ns user)" ]] || fail "no new user namespace"
jq '.process.args = ["/probe", "cat", "/proc/self/uid_map"]' "$T/userns/config.json" >"$T/c" &&
	mv "$T/c" "$T/userns/config.json"
assert_eq "0 100000 65536" "$(h run -b "$T/userns" u2 </dev/null | xargs)" "uid_map"
jq '.process.args = ["/bin/touch", "/made-inside"]' "$T/userns/config.json" >"$T/c" &&
	mv "$T/c" "$T/userns/config.json"
h run -b "$T/userns" u3 </dev/null || fail "touch in the user namespace"
assert_eq 100000:100000 "$(stat -c %u:%g "$T/userns/rootfs/made-inside")" "owner of a file made inside"

# A time namespace: CLOCK_BOOTTIME (and so /proc/uptime) runs a day ahead.
JQ='.linux.namespaces += [{"type": "time"}]
.linux.timeOffsets = {"boottime": {"secs": 86400, "nanosecs": 0}}' lc_bundle timens /probe cat /proc/uptime
up=$(h run -b "$T/timens" t1 </dev/null | cut -d. -f1) || fail "run with a time namespace"
host_up=$(cut -d. -f1 /proc/uptime)
((up >= host_up + 86400 - 5)) || fail "uptime in the time namespace is $up, host $host_up"

# Joining by path: the network and uts namespaces of a process we start.
unshare --net --uts sleep 300 &
holder=$!
defer "kill $holder 2>/dev/null; wait $holder 2>/dev/null || true"
# Making a network namespace can take long on a loaded host (pernet setup under net_rwsem).
wait_until 60 in_other_ns "$holder" net ||
	fail "unshare --net did not start within 60 s"
JQ=".linux.namespaces |= map(select(.type != \"network\" and .type != \"uts\"))
.linux.namespaces += [{\"type\": \"network\", \"path\": \"/proc/$holder/ns/net\"}, {\"type\": \"uts\", \"path\": \"/proc/$holder/ns/uts\"}]
del(.hostname)" lc_bundle join /probe
h run -b "$T/join" j1 </dev/null >"$T/probe.out" || fail "run joining namespaces: $(cat "$T/probe.out")"
assert_eq "$(readlink /proc/$holder/ns/net)" "$(probe_get ns_net)" "joined network namespace"
assert_eq "$(readlink /proc/$holder/ns/uts)" "$(probe_get ns_uts)" "joined uts namespace"
assert_eq 1 "$(probe_get pid)" "pid 1 with joined namespaces (init forked after setns)"
JQ='.linux.namespaces |= map(if .type == "ipc" then .path = "/proc/self/ns/net" else . end)' lc_bundle badjoin /probe
expect_fail "not a ipc namespace" h run -b "$T/badjoin" j2
echo "lifecycle-ns: ok"
