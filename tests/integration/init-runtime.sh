#!/bin/bash
# husk run/create --init, as docker --init and podman --init: husk-init is bind-mounted
# read-only at /run/husk-init and runs as PID 1 in front of process.args. It reaps the orphans
# the command leaves (a container without it keeps them as zombies), forwards SIGTERM (which a
# command as PID 1 would ignore), passes the exit code through; the annotation org.husk.init
# asks for the same; a missing or dynamically linked init is refused with nothing left behind.
# Usage: init-runtime.sh HUSK_INIT INIT_PROBE
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"

init=$(realpath "${1:?usage: init-runtime.sh HUSK_INIT INIT_PROBE}")
iprobe=$(realpath "${2:?usage: init-runtime.sh HUSK_INIT INIT_PROBE}")
lc_setup
id=init-rt-$$

# bundle NAME ARGS...: a busybox bundle with /init-probe.
bundle() {
	local name=$1
	shift
	lc_bundle "$name" "$@"
	cp "$iprobe" "$T/$name/rootfs/init-probe"
}

echo "# PID 1 is husk-init; the command and its exit code come through"
bundle fg sh -c 'tr "\0" " " </proc/1/cmdline; echo; cat /proc/1/comm; /init-probe orphans 20 100; sleep 1; /init-probe zombies; exit 7'
rc=0
out=$(cd "$T/fg" && h run --init --init-path "$init" "$id-fg" </dev/null 2>"$T/err") || rc=$?
assert_eq 7 "$rc" "exit status through husk-init (stderr: $(<"$T/err"))"
mapfile -t lines <<<"$out"
assert_eq '/run/husk-init -- sh -c tr "\0" " " </proc/1/cmdline; echo; cat /proc/1/comm; /init-probe orphans 20 100; sleep 1; /init-probe zombies; exit 7 ' \
	"${lines[0]}" "/proc/1/cmdline"
assert_eq husk-init "${lines[1]}" "/proc/1/comm"
assert_eq 0 "${lines[2]}" "zombies after 20 orphans"

# zombies ID: what /init-probe zombies prints inside container ID.
zombies() {
	h exec "$1" /init-probe zombies 2>/dev/null </dev/null
}
zombies_are() {
	[[ $(zombies "$1") == "$2" ]]
}
has_zombies() {
	(($(zombies "$1") > 0))
}
# settled ID: the command made its orphans (/dev/shm/forked) and every one has exited.
settled() {
	h exec "$1" test -e /dev/shm/forked </dev/null >/dev/null 2>&1 &&
		[[ -z $(h exec "$1" ps -o stat,comm </dev/null 2>/dev/null | awk '$2 == "init-probe" && $1 !~ /Z/') ]]
}

echo "# orphans of a command that never waits: zombies without --init, reaped with it (read-only root)"
orphans='/init-probe orphans 20 1500; touch /dev/shm/forked; exec sleep 300'
bundle orph sh -c "$orphans"
JQ='.root.readonly = true' bundle orph-ro sh -c "$orphans"
(cd "$T/orph" && h run -d "$id-plain" </dev/null >/dev/null 2>&1) || fail "run -d without --init"
(cd "$T/orph-ro" && h run -d --init --init-path "$init" "$id-init" </dev/null >/dev/null 2>"$T/err") ||
	fail "run -d --init: $(<"$T/err")"
wait_until 30 settled "$id-plain" || fail "control: the orphans did not exit"
has_zombies "$id-plain" || fail "control: no zombies without an init"
wait_until 30 settled "$id-init" || fail "the orphans did not exit under husk-init"
wait_until 10 zombies_are "$id-init" 0 || fail "zombies under husk-init: $(zombies "$id-init")"
h exec "$id-init" sh -c 'echo x > /run/husk-init' </dev/null >/dev/null 2>&1 && fail "/run/husk-init is writable"
h delete --force "$id-plain"
h delete --force "$id-init"

echo "# SIGTERM reaches the command (a PID 1 without a handler would ignore it): 128+15"
bundle term sleep 300
(cd "$T/term" && exec "$HUSK" --root "$ROOT" run --init --init-path "$init" "$id-term" </dev/null >/dev/null 2>&1) &
runner=$!
defer "kill -KILL $runner 2>/dev/null || true"
# has_child PID: PID has started a child (husk-init has spawned the command).
has_child() {
	[[ -n $(cat "/proc/$1/task/$1/children" 2>/dev/null) ]]
}
wait_until 30 lc_status_is "$id-term" running || fail "--init container did not start"
pid=$(lc_field "$id-term" pid)
wait_until 30 has_child "$pid" || fail "husk-init did not start the command"
h kill "$id-term" TERM
rc=0
wait "$runner" || rc=$?
assert_eq 143 "$rc" "exit status after SIGTERM"

echo "# the annotation org.husk.init: \"true\" does the same; \"false\" does not; anything else is refused"
JQ='.annotations["org.husk.init"] = "true"' lc_bundle ann sh -c 'cat /proc/1/comm; exit 3'
rc=0
out=$(cd "$T/ann" && h run --init-path "$init" "$id-ann" </dev/null 2>"$T/err") || rc=$?
assert_eq 3 "$rc" "exit status with the annotation (stderr: $(<"$T/err"))"
assert_eq husk-init "$out" "PID 1 with the annotation"
JQ='.annotations["org.husk.init"] = "false"' lc_bundle ann-off sh -c 'cat /proc/1/comm; true'
out=$(cd "$T/ann-off" && h run --init-path "$init" "$id-off" </dev/null 2>&1) || fail "run with org.husk.init=false: $out"
assert_eq sh "$out" "PID 1 with org.husk.init=false"
JQ='.annotations["org.husk.init"] = "yes"' lc_bundle ann-bad true
(cd "$T/ann-bad" && expect_fail 'annotations.org.husk.init: must be "true" or "false"' h run --init-path "$init" "$id-bad")

echo "# a missing or dynamically linked init: a clear error, nothing left behind"
(cd "$T/fg" && expect_fail "husk-init '$T/no-such-init': No such file or directory" h run --init --init-path "$T/no-such-init" "$id-missing")
(cd "$T/fg" && expect_fail "husk-init '$T/no-such-init': No such file or directory" h create --init --init-path "$T/no-such-init" "$id-missing")
dynamic=$(type -P true)
if readelf -l "$dynamic" | grep -q INTERP; then
	(cd "$T/fg" && expect_fail "dynamically linked" h run --init --init-path "$dynamic" "$id-dyn")
fi
assert_eq "" "$(h list -q)" "containers left"
[[ ! -e $ROOT/$id-missing && ! -e $ROOT/$id-dyn ]] || fail "a state directory was left behind: $(ls "$ROOT")"
echo "ok"
