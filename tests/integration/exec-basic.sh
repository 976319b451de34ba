#!/bin/bash
# husk exec: the process sees the container's namespaces, hostname, mounts, capabilities and
# seccomp filter (in a user namespace too); -e/--cwd/-u/--cap/--no-new-privs work; the exit status
# passes through; a missing executable exits 255 with runc's message in the --log JSON; a stopped
# container is refused; no fd of husk reaches the process; husk ps lists init and exec'd process.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup
chmod 755 "$T"

JQ='.annotations["run.oci.husk.seccomp_profile"] = "default"' lc_bundle b1 /probe sleep 300
h run -d -b "$T/b1" exec-c1 </dev/null >/dev/null 2>"$T/exec-c1.err" || fail "run exec-c1: $(cat "$T/exec-c1.err")"
pid=$(lc_field exec-c1 pid)

# Same namespaces, hostname, mounts, caps, seccomp mode as the container's init.
h exec exec-c1 /probe >"$T/p1" </dev/null || fail "exec /probe: status $?"
for ns in cgroup ipc mnt net pid uts; do
	assert_eq "$(readlink "/proc/$pid/ns/$ns")" "$(sed -n "s/^ns_$ns=//p" "$T/p1")" "$ns namespace"
done
assert_eq "$(h exec exec-c1 /bin/hostname </dev/null)" "husk" "hostname"
assert_eq "$(awk '{print $2, $3}' "/proc/$pid/mounts")" "$(sed -n 's/^mount=//p' "$T/p1" | awk '{print $1, $2}')" "mounts"
eff=$(awk '/^CapEff/ {print $2}' "/proc/$pid/status")
assert_eq "$eff" "$(sed -n 's/^cap_eff=//p' "$T/p1")" "effective capabilities"
assert_eq "2" "$(sed -n 's/^seccomp=//p' "$T/p1")" "seccomp mode of the exec'd process"
assert_eq "/" "$(sed -n 's/^cwd=//p' "$T/p1")" "cwd (the container's root)"
grep -q "^pid=1\$" "$T/p1" && fail "the exec'd process is pid 1"

# Options.
out=$(h exec -e FOO=bar -e PATH=/bin --cwd /tmp -u 1000:1001 exec-c1 /probe </dev/null)
grep -qx "env=FOO=bar" <<<"$out" || fail "-e FOO=bar: $out"
grep -qx "env=PATH=/bin" <<<"$out" || fail "-e PATH=/bin replaces PATH: $out"
grep -qx "cwd=/tmp" <<<"$out" || fail "--cwd: $out"
grep -qx "uid=1000" <<<"$out" || fail "-u 1000:1001 uid: $out"
grep -qx "gid=1001" <<<"$out" || fail "-u 1000:1001 gid: $out"
# --cap: effective, never inheritable, so not ambient either without inheritable in the spec
# (runc >= 1.1.2, CVE-2022-29162; tests/integration/cve-2022-29162.sh).
assert_eq 4096 "$(($(h exec --cap CAP_NET_ADMIN exec-c1 /probe get cap_eff </dev/null | sed 's/^/0x/') & 0x1000))" "--cap CAP_NET_ADMIN (effective)"
assert_eq "1" "$(h exec --no-new-privs exec-c1 /probe get no_new_privs </dev/null)" "--no-new-privs"

# Exit status; a missing executable is 255 with runc's message, also in the JSON log.
rc=0
h exec exec-c1 /probe exit 42 </dev/null || rc=$?
assert_eq 42 "$rc" "exit status passes through"
rc=$( (trap '' CHLD; h exec exec-c1 /probe exit 43 </dev/null) && echo 0 || echo $?)
assert_eq 43 "$rc" "exit status with SIGCHLD ignored by the caller"
rc=0
h --log "$T/log.json" --log-format json exec exec-c1 nosuch </dev/null 2>/dev/null || rc=$?
assert_eq 255 "$rc" "a missing executable"
jq -e 'select(.level == "error") | .msg | contains("exec failed: unable to start container process: exec: \"nosuch\": executable file not found in $PATH")' \
	"$T/log.json" >/dev/null || fail "--log JSON: $(cat "$T/log.json")"
expect_fail "invalid container id" h exec ../x /probe
expect_fail "container 'nope' does not exist" h exec nope /probe
expect_fail "--env 'X': must be KEY=VALUE" h exec -e X exec-c1 /probe

# No fd of husk or of its caller, except what --preserve-fds passes.
assert_eq "0 1 2" "$(h exec exec-c1 /probe get fd 3<"$T/b1/config.json" </dev/null | cut -d= -f1 | xargs)" "fds"
assert_eq "0 1 2 3" "$(h exec --preserve-fds 1 exec-c1 /probe get fd 3<"$T/b1/config.json" </dev/null |
	cut -d= -f1 | xargs)" "fds with --preserve-fds 1"

# ps: the init and an exec'd process (pids as the host sees them); a signal's status is 128+N.
h exec --pid-file "$T/x.pid" exec-c1 /probe sleep 300 </dev/null >/dev/null 2>&1 &
epid=$!
wait_until 20 test -s "$T/x.pid" || fail "exec --pid-file: no pid file"
xpid=$(cat "$T/x.pid")
[[ $(readlink "/proc/$xpid/ns/pid") == "$(readlink "/proc/$pid/ns/pid")" ]] || fail "pid $xpid is not in the container"
assert_eq "$(printf '%s\n' "$pid" "$xpid" | sort -n | xargs | tr ' ' ,)" \
	"$(h ps --format json exec-c1 | jq -r 'join(",")')" "ps --format json"
h ps exec-c1 >"$T/ps.txt" || fail "ps"
head -1 "$T/ps.txt" | grep -qw PID || fail "ps table header: $(cat "$T/ps.txt")"
assert_eq 3 "$(wc -l <"$T/ps.txt")" "ps table rows: $(cat "$T/ps.txt")"
grep -q "probe sleep" "$T/ps.txt" || fail "ps table: $(cat "$T/ps.txt")"
# Without ps(1) on the host: PID and command line from /proc.
PATH=/nonexistent "$HUSK" --root "$ROOT" ps exec-c1 >"$T/ps-plain.txt" || fail "ps without ps(1)"
assert_eq "PID CMD" "$(head -1 "$T/ps-plain.txt" | xargs)" "plain ps header"
assert_eq "$xpid /probe sleep 300" "$(grep -w "^$xpid" "$T/ps-plain.txt" | xargs)" "plain ps row"
kill "$xpid"
rc=0
wait "$epid" || rc=$?
assert_eq 143 "$rc" "exec'd process killed by SIGTERM"

# --detach returns at once; the process runs on.
h exec -d --pid-file "$T/d.pid" exec-c1 /probe sleep 2 </dev/null >/dev/null 2>&1 || fail "exec -d"
dpid=$(cat "$T/d.pid")
[[ $(readlink "/proc/$dpid/ns/pid") == "$(readlink "/proc/$pid/ns/pid")" ]] || fail "exec -d: pid $dpid is not in the container"

# A user namespace: the exec'd process is in it too.
if unshare --user true 2>/dev/null; then
	cp -a "$T/b1" "$T/exec-u1"
	jq '.linux.namespaces += [{"type": "user"}]
	    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
	    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
		"$T/b1/config.json" >"$T/exec-u1/config.json"
	chown -R 100000:100000 "$T/exec-u1/rootfs"
	h run -d -b "$T/exec-u1" exec-u1 </dev/null >/dev/null 2>"$T/exec-u1.err" || fail "run exec-u1: $(cat "$T/exec-u1.err")"
	upid=$(lc_field exec-u1 pid)
	assert_eq "$(readlink "/proc/$upid/ns/user")" "$(h exec exec-u1 /probe get ns_user </dev/null)" "user namespace"
	assert_eq "0" "$(h exec exec-u1 /probe get uid </dev/null)" "uid in the user namespace"
	assert_eq "1000" "$(h exec -u 1000 exec-u1 /probe get uid </dev/null)" "-u 1000 in the user namespace"
	h delete --force exec-u1
fi

# A paused container is refused (its setup would stay frozen), and works again once resumed.
h pause exec-c1 || fail "pause exec-c1"
expect_fail "cannot exec in a paused container 'exec-c1'" timeout 20 "$HUSK" --root "$ROOT" exec exec-c1 /probe
expect_fail "resume it first" timeout 20 "$HUSK" --root "$ROOT" exec --ignore-paused exec-c1 /probe
h resume exec-c1 || fail "resume exec-c1"
assert_eq 0 "$(h exec exec-c1 /probe get uid </dev/null)" "exec after resume"

# A stopped container is refused.
h kill exec-c1 KILL
stopped() { [[ $(lc_status exec-c1) == stopped ]]; }
wait_until 60 stopped || fail "exec-c1 did not stop"
rc=0
h exec exec-c1 /probe >/dev/null 2>"$T/stopped.err" </dev/null || rc=$?
assert_eq 255 "$rc" "exec into a stopped container"
grep -q "cannot exec in a stopped container 'exec-c1'" "$T/stopped.err" || fail "stopped: $(cat "$T/stopped.err")"
expect_fail "container 'exec-c1' is not running" h ps exec-c1
h delete --force exec-c1
echo "exec-basic: ok"
