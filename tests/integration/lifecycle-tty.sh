#!/bin/bash
# process.terminal: with --console-socket the pty master reaches the socket (SCM_RIGHTS) and the
# process has the slave (pts 0 of the container's own devpts, as runc) as its controlling terminal
# and stdio, sized by process.consoleSize, also as /dev/console; `run` without --console-socket relays the terminal itself.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup
RECVTTY=$HUSK_BUILD_DIR/tests/helpers/recvtty
[[ -x $RECVTTY ]] || fail "$RECVTTY is missing"

JQ='.process.terminal = true
.process.consoleSize = {"height": 33, "width": 111}' lc_bundle tty sh -c \
	'test -t 0 && test -t 1 && test -t 2 && echo stdio-is-a-tty; tty; stty size; ls -l /dev/console; echo done'

"$RECVTTY" "$T/tty.sock" >"$T/tty.out" 2>"$T/recvtty.err" &
recv=$!
defer "grep -qs recvtty /proc/$recv/cmdline && kill $recv || true"
defer "kill $recv 2>/dev/null; wait $recv 2>/dev/null || true"
wait_until 20 test -S "$T/tty.sock" || fail "recvtty did not listen"
h create -b "$T/tty" --console-socket "$T/tty.sock" c1 >/dev/null 2>"$T/c1.err" </dev/null ||
	fail "create with --console-socket: $(cat "$T/c1.err")"
h start c1
wait "$recv" || fail "recvtty: $(cat "$T/recvtty.err")"
grep -q "recvtty: got /dev/pts/" "$T/recvtty.err" || fail "recvtty: $(cat "$T/recvtty.err")"
tr -d '\r' <"$T/tty.out" >"$T/tty.txt"
grep -qx stdio-is-a-tty "$T/tty.txt" || fail "stdio is not the terminal: $(cat "$T/tty.txt")"
grep -qx "33 111" "$T/tty.txt" || fail "consoleSize: $(cat "$T/tty.txt")"
grep -qx "/dev/pts/0" "$T/tty.txt" || fail "the pty is not from the container's devpts: $(cat "$T/tty.txt")"
grep -q "^c.* /dev/console\$" "$T/tty.txt" || fail "/dev/console is not the pty: $(cat "$T/tty.txt")"
grep -qx done "$T/tty.txt" || fail "output: $(cat "$T/tty.txt")"
wait_until 20 lc_status_is c1 stopped || fail "c1 did not stop"
h delete c1

# run without --console-socket: husk keeps the master and copies it to its stdout.
h run -b "$T/tty" r1 </dev/null | tr -d '\r' >"$T/run.txt" || fail "run with a terminal"
grep -qx stdio-is-a-tty "$T/run.txt" || fail "run relay: $(cat "$T/run.txt")"
grep -qx done "$T/run.txt" || fail "run relay: $(cat "$T/run.txt")"
# run --detach cannot keep a terminal without a socket.
expect_fail "--console-socket is required" h run -d -b "$T/tty" r2
echo "lifecycle-tty: ok"
