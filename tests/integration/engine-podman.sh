#!/bin/bash
# husk under podman (4.3, conmon) set up by contrib/podman/containers.conf: containers from a
# rootfs directory (--rootfs), podman's own --root/--runroot/--tmpdir under $T, the cgroupfs
# manager under a cgroup parent of this test, file events, no network. run (output, exit
# status), run -d, exec, pause/unpause, stop (SIGTERM reaches the process), rm, and a missing
# executable whose error podman shows.
# This host lacks CAP_SYS_RESOURCE: podman would raise RLIMIT_NOFILE/NPROC to its defaults, so
# the runs pass explicit --ulimit values.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/engine-lib.sh"
eng_setup podman conmon

eng_rootfs "$T/rootfs"
# contrib/podman/containers.conf (husk the default runtime, cgroupfs) with the built husk.
sed "s|\"/usr/local/sbin/husk\"|\"$HUSK\"|" "$HUSK_SOURCE_DIR/contrib/podman/containers.conf" >"$T/containers.conf"
export CONTAINERS_CONF=$T/containers.conf
P=(podman --root "$T/pm/root" --runroot "$T/pm/runroot" --tmpdir "$T/pm/tmp" --storage-driver vfs
	--events-backend file)
opts=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network none --cgroup-parent "/$NS"
	--rootfs "$T/rootfs")
pm() {
	timeout 120 "${P[@]}" "$@"
}
# podman calls the runtime without --root (and its conmon cleanup could not be told one), so
# husk keeps this test's state in its default /run/husk: remove that if the test made it.
[[ -e /run/husk ]] || defer 'rm -rf --one-file-system /run/husk'
defer 'pm rm --all --force --time 0 >/dev/null 2>&1 || true'
assert_eq "$HUSK" "$(pm info --format '{{.Host.OCIRuntime.Path}}')" "podman's OCI runtime"

# Foreground: output and exit status, in a cgroup below the parent we gave.
rc=0
out=$(pm run --rm "${opts[@]}" sh -c 'echo hello from husk; cat /proc/self/cgroup; exit 7' </dev/null) || rc=$?
assert_eq 7 "$rc" "exit status of podman run"
grep -qx 'hello from husk' <<<"$out" || fail "podman run output: $out"
grep -q ":/$NS/libpod-[0-9a-f]*\$" <<<"$out" || fail "not in a cgroup below /$NS: $out"

# Detached: exec, then stop sends SIGTERM (the shell ends with status 3), rm.
pm run -d --name p1 "${opts[@]}" sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done' </dev/null >/dev/null ||
	fail "podman run -d"
assert_eq running "$(pm inspect p1 --format '{{.State.Status}}')" "state of p1 after run -d"
rc=0
out=$(pm exec p1 sh -c 'echo exec says hi; exit 5' </dev/null) || rc=$?
assert_eq 5 "$rc" "exit status of podman exec"
assert_eq 'exec says hi' "$out" "podman exec output"
pm pause p1 >/dev/null
assert_eq paused "$(pm inspect p1 --format '{{.State.Status}}')" "state of p1 after podman pause"
pm unpause p1 >/dev/null
assert_eq running "$(pm inspect p1 --format '{{.State.Status}}')" "state of p1 after podman unpause"
pm stop --time 20 p1 >/dev/null
assert_eq "3 exited" "$(pm inspect p1 --format '{{.State.ExitCode}} {{.State.Status}}')" "p1 after podman stop"
pm rm p1 >/dev/null
[[ -z $(pm ps -aq) ]] || fail "podman rm left containers: $(pm ps -a)"

# A missing executable: husk's error reaches podman's message (podman exits 127).
rc=0
pm run --rm "${opts[@]}" /nonexistent </dev/null >/dev/null 2>"$T/bad.err" || rc=$?
assert_eq 127 "$rc" "exit status of podman run /nonexistent"
grep -q 'exec: "/nonexistent".*No such file or directory' "$T/bad.err" ||
	fail "podman does not show husk's error: $(cat "$T/bad.err")"
[[ -z $(pm ps -aq) ]] || fail "a failed start left containers: $(pm ps -a)"
left=$(compgen -G "/sys/fs/cgroup/*/$NS/libpod-*" || true)
[[ -z $left ]] || fail "cgroups left behind: $left"
echo "engine-podman: ok"
