#!/bin/bash
# husk under containerd 1.6 and its runc shim v2 (`ctr run --runc-binary husk`): a busybox image
# built here with umoci and imported with `ctr image import`; run in the foreground (output,
# exit status, cgroupsPath) and detached (exec, exec -t, ps, pause/resume, kill, delete), a terminal (-t),
# and a missing executable whose error husk writes to the shim's JSON log and ctr shows.
# containerd runs with its own root, state and socket under $T, stopped at exit.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/engine-lib.sh"
eng_setup containerd ctr umoci script

eng_image "$T/busybox.tar"
eng_containerd
IMG=localhost/husk-busybox:latest
c image import --snapshotter native --base-name localhost/husk-busybox "$T/busybox.tar" >/dev/null ||
	fail "ctr image import"
RROOT=$T/husk-root   # the shim runs husk --root $RROOT/$NS
mkdir -p "$T/fifo"
run=("${CTR[@]}" run --snapshotter native --runc-binary "$HUSK" --runc-root "$RROOT" --fifo-dir "$T/fifo")
h() {
	"$HUSK" --root "$RROOT/$NS" "$@"
}

# Foreground: output reaches ctr, the exit status comes back, the process sits in the cgroup
# containerd asked for (cgroupsPath /$NS/fg).
rc=0
out=$("${run[@]}" --rm "$IMG" fg sh -c 'echo hello from husk; cat /proc/self/cgroup; exit 7' </dev/null) || rc=$?
assert_eq 7 "$rc" "exit status of a foreground ctr run"
grep -qx 'hello from husk' <<<"$out" || fail "foreground output: $out"
grep -q ":/$NS/fg\$" <<<"$out" || fail "not in the cgroup /$NS/fg: $out"
[[ -z $(h list -q) ]] || fail "ctr run --rm left state in husk's root: $(h list -q)"
eng_cgroups_gone "/$NS/fg"

# Detached: a shell that ends with status 3 on SIGTERM.
"${run[@]}" -d "$IMG" bg sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done' </dev/null ||
	fail "ctr run -d"
wait_until 20 sh -c "${CTR[*]@Q} task ls | grep -q '^bg .*RUNNING'" ||
	fail "task bg is not running: $(c task ls)"
assert_eq running "$(h state bg | jq -r .status)" "husk state of bg"
pid=$(h state bg | jq -r .pid)

out=$(c task exec --exec-id e1 --fifo-dir "$T/fifo" bg sh -c 'echo exec says hi; exit 5' </dev/null) && rc=0 || rc=$?
assert_eq 5 "$rc" "exit status of ctr task exec"
assert_eq 'exec says hi' "$out" "ctr task exec output"
# exec with a terminal (the shim hands husk exec a --console-socket).
script -qec "${CTR[*]@Q} task exec -t --exec-id e2 --fifo-dir ${T@Q}/fifo bg sh -c 'test -t 0 && test -t 1 && echo exec-tty'" \
	/dev/null </dev/null | tr -d '\r' >"$T/exec-tty.out" || fail "ctr task exec -t: $(cat "$T/exec-tty.out")"
grep -q exec-tty "$T/exec-tty.out" || fail "ctr task exec -t: stdio is not a terminal: $(cat "$T/exec-tty.out")"
c task ps bg | awk 'NR > 1 { print $1 }' | grep -qx "$pid" || fail "ctr task ps: $(c task ps bg)"

c task pause bg
c task ls | grep -q '^bg .*PAUSED' || fail "after pause: $(c task ls)"
assert_eq paused "$(h state bg | jq -r .status)" "husk state after ctr task pause"
c task resume bg
c task ls | grep -q '^bg .*RUNNING' || fail "after resume: $(c task ls)"

c task kill bg
wait_until 20 sh -c "${CTR[*]@Q} task ls | grep -q '^bg .*STOPPED'" ||
	fail "SIGTERM did not stop bg: $(c task ls)"
c task delete bg >"$T/delete.out" 2>&1 || fail "ctr task delete: $(cat "$T/delete.out")"
grep -q "exit code 3" "$T/delete.out" || fail "exit status after kill: $(cat "$T/delete.out")"
c container delete bg
[[ -z $(h list -q) ]] || fail "task delete left state in husk's root: $(h list -q)"
eng_cgroups_gone "/$NS/bg"

# A terminal: ctr -t gives the shim a --console-socket; the process has a tty on its stdio
# sized like ctr's own terminal (script(1) makes one for it). ctr resizes the pty once the
# task started: the container waits for the size.
sizeloop='for i in $(seq 50); do s=$(stty size 2>/dev/null); case "$s" in [1-9]*) break;; esac; sleep 0.1; done; echo "$s"'
script -qec "stty rows 21 cols 77; ${run[*]@Q} --rm -t $IMG tty1 sh -c 'test -t 0 && test -t 1 && echo is-a-tty; $sizeloop'" \
	/dev/null </dev/null | tr -d '\r' >"$T/tty.out" || fail "ctr run -t: $(cat "$T/tty.out")"
grep -q 'is-a-tty' "$T/tty.out" || fail "ctr run -t: stdio is not a terminal: $(cat "$T/tty.out")"
grep -q '21 77' "$T/tty.out" || fail "ctr run -t: terminal size: $(cat "$T/tty.out")"

# A missing executable: husk create fails, its JSON log line reaches ctr's message.
rc=0
"${run[@]}" --rm "$IMG" bad /nonexistent </dev/null >/dev/null 2>"$T/bad.err" || rc=$?
((rc != 0)) || fail "ctr run of a missing executable succeeded"
grep -q 'OCI runtime create failed.*/nonexistent.*No such file or directory' "$T/bad.err" ||
	fail "ctr does not show husk's error: $(cat "$T/bad.err")"
c container delete bad 2>/dev/null || true
[[ -z $(h list -q) ]] || fail "failed create left state in husk's root: $(h list -q)"
eng_cgroups_gone "/$NS/bad"
echo "engine-containerd: ok"
