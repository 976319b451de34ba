#!/bin/bash
# No fd of husk or of its caller reaches the container process unless passed on purpose
# (--preserve-fds N, socket activation with LISTEN_FDS); the process that execs the program runs
# a sealed husk-dmz, or with HUSK_SEAL=reexec the setup process runs a view of husk that cannot be
# written (CVE-2019-5736);
# --pidfd-socket hands out a pidfd of the init.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup

# The config's own LISTEN_FDS=9 must lose to the one husk computes (f6 below).
JQ='.process.env += ["LISTEN_FDS=9"]' lc_bundle fds /probe get fd
fds() { h "$@" 3<"$T/fds/config.json" 4</dev/null 5<"$HUSK" </dev/null | cut -d= -f1 | xargs; }

assert_eq "0 1 2" "$(fds run -b "$T/fds" f1)" "fds with nothing preserved"
assert_eq "0 1 2" "$(fds --log "$T/husk.log" run -b "$T/fds" f2)" "fds with --log"
assert_eq "0 1 2 3 4" "$(fds run --preserve-fds 2 -b "$T/fds" f3)" "fds with --preserve-fds 2"
h run --preserve-fds 1 -b "$T/fds" f4 3<"$T/fds/config.json" </dev/null >"$T/f4.out"
grep -q "^3=$T/fds/config.json\$" "$T/f4.out" || fail "preserved fd 3: $(cat "$T/f4.out")"
# --preserve-fds 3 with fd 4 closed: no fd of husk's may fill the gap.
assert_eq "0 1 2 3 5" "$(h run --preserve-fds 3 -b "$T/fds" f5 3</dev/null 5</dev/null 4<&- </dev/null |
	cut -d= -f1 | xargs)" "a gap in the preserved range"

# Socket activation: LISTEN_FDS fds come first, then --preserve-fds; the env says so.
jq '.process.args = ["/probe"]' "$T/fds/config.json" >"$T/c" && mv "$T/c" "$T/fds/config.json"
LISTEN_FDS=2 h run --preserve-fds 1 -b "$T/fds" f6 3</dev/null 4</dev/null 5</dev/null </dev/null >"$T/f6.out"
assert_eq "0 1 2 3 4 5" "$(grep '^fd=' "$T/f6.out" | cut -d= -f2 | xargs)" "fds with LISTEN_FDS=2"
grep -qx "env=LISTEN_FDS=2" "$T/f6.out" || fail "LISTEN_FDS in the container: $(grep env= "$T/f6.out")"
grep -qx "env=LISTEN_PID=1" "$T/f6.out" || fail "LISTEN_PID in the container: $(grep env= "$T/f6.out")"

# LISTEN_FDS meant for another process (LISTEN_PID is not husk's) is not passed on.
LISTEN_FDS=2 LISTEN_PID=1 h run -b "$T/fds" f7 3</dev/null 4</dev/null </dev/null >"$T/f7.out"
assert_eq "0 1 2" "$(grep '^fd=' "$T/f7.out" | cut -d= -f2 | xargs)" "fds with another process's LISTEN_FDS"

# CVE-2019-5736 (src/runtime/exe-seal.h). With husk-dmz (the default), the process that execs
# the user's program runs a sealed memfd of the dmz: "/proc/self/exe" as the program gets the dmz,
# which refuses to run without its arguments. With HUSK_SEAL=reexec, the process waiting for start
# runs husk from a view that cannot be written (the binary through a read-only overlayfs mounted
# nowhere, or a write-sealed memfd copy), not the file on disk.
lc_bundle selfexe /proc/self/exe --help
h run -b "$T/selfexe" x1 </dev/null >"$T/x1.out" 2>&1 && fail "/proc/self/exe ran as the program"
grep -q "husk-dmz: run by husk only" "$T/x1.out" || fail "/proc/self/exe of the program is not the dmz: $(cat "$T/x1.out")"
lc_bundle waiter /probe sleep 300
for mode in dmz reexec; do
	HUSK_SEAL=$mode h create -b "$T/waiter" s1 >/dev/null 2>&1 </dev/null || fail "create s1 ($mode)"
	pid=$(lc_field s1 pid)
	exe=$(readlink "/proc/$pid/exe")
	if [[ $mode == reexec ]]; then
		[[ $exe == "/${HUSK##*/}" || $exe == /memfd:husk* ]] || fail "the setup process runs $exe, not a sealed view of husk"
		cmp -s "$HUSK" "/proc/$pid/exe" || fail "the sealed view is not husk"
	fi
	if (echo overwrite >>"/proc/$pid/exe") 2>/dev/null; then
		fail "/proc/$pid/exe of the setup process is writable ($mode)"
	fi
	for fd in /proc/$pid/fd/*; do
		t=$(readlink "$fd")
		[[ $t != "$HUSK" ]] || fail "the setup process holds the husk binary open ($fd, $mode)"
	done
	h delete s1
done

# --pidfd-socket: the caller gets a pidfd of the init (the receiver prints the payload name).
"$HUSK_BUILD_DIR/tests/helpers/recvtty" "$T/pidfd.sock" >/dev/null 2>"$T/pidfd.err" &
recv=$!
defer "grep -qs recvtty /proc/$recv/cmdline && kill $recv || true"
wait_until 20 test -S "$T/pidfd.sock" || fail "recvtty did not listen"
h create -b "$T/waiter" --pidfd-socket "$T/pidfd.sock" s2 >/dev/null 2>&1 </dev/null || fail "create --pidfd-socket"
wait "$recv" || true
grep -q "recvtty: got pidfd" "$T/pidfd.err" || fail "no pidfd received: $(cat "$T/pidfd.err")"
h delete s2
echo "lifecycle-fds: ok"
