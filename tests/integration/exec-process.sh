#!/bin/bash
# husk exec as containerd's shim calls it (--process FILE --detach --pid-file F --console-socket S),
# -t relayed by husk itself, --process errors, exec into a created container, and the exec
# command running from a sealed view of husk (CVE-2019-5736).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup
RECVTTY=$HUSK_BUILD_DIR/tests/helpers/recvtty
[[ -x $RECVTTY ]] || fail "$RECVTTY is missing"

lc_bundle b1 /probe sleep 300
h run -d -b "$T/b1" exec-p1 </dev/null >/dev/null 2>"$T/p1.err" || fail "run exec-p1: $(cat "$T/p1.err")"
pid=$(lc_field exec-p1 pid)

# --process FILE: a runtime-spec process object; its args, env, cwd, user apply.
jq '.process | .args = ["/probe"] | .env += ["FROM_FILE=1"] | .cwd = "/etc" | .user.uid = 7' \
	"$T/b1/config.json" >"$T/proc.json"
h exec --process "$T/proc.json" exec-p1 </dev/null >"$T/pf.out" 2>"$T/pf.err" || fail "exec --process: $(cat "$T/pf.err")"
grep -qx "env=FROM_FILE=1" "$T/pf.out" || fail "--process env: $(cat "$T/pf.out")"
grep -qx "cwd=/etc" "$T/pf.out" || fail "--process cwd: $(cat "$T/pf.out")"
grep -qx "uid=7" "$T/pf.out" || fail "--process user: $(cat "$T/pf.out")"
echo '{"cwd": "/", "args": []}' >"$T/bad.json"
expect_fail "--process '$T/bad.json': process.args: must be a non-empty array" h exec --process "$T/bad.json" exec-p1
expect_fail "--process '$T/none.json': No such file or directory" h exec --process "$T/none.json" exec-p1
expect_fail "needs --console-socket" h exec -d -t exec-p1 /probe

# The shim's call: a terminal through --console-socket, detached, with a pid file.
jq '.terminal = true | .consoleSize = {"height": 21, "width": 77} | .args = ["sh", "-c", "test -t 0 && echo tty-ok; stty size; /probe get ns_pid"]' \
	"$T/proc.json" >"$T/tty.json"
"$RECVTTY" "$T/tty.sock" >"$T/tty.out" 2>"$T/recvtty.err" &
recv=$!
defer "grep -qs recvtty /proc/$recv/cmdline && kill $recv || true"
defer "kill $recv 2>/dev/null; wait $recv 2>/dev/null || true"
wait_until 20 test -S "$T/tty.sock" || fail "recvtty did not listen"
h exec --process "$T/tty.json" --detach --pid-file "$T/tty.pid" --console-socket "$T/tty.sock" exec-p1 \
	</dev/null >/dev/null 2>"$T/tty.err" || fail "exec with --console-socket: $(cat "$T/tty.err")"
[[ -s $T/tty.pid ]] || fail "no --pid-file"
wait "$recv" || fail "recvtty: $(cat "$T/recvtty.err")"
tr -d '\r' <"$T/tty.out" >"$T/tty.txt"
grep -qx tty-ok "$T/tty.txt" || fail "stdin is not the terminal: $(cat "$T/tty.txt")"
grep -qx "21 77" "$T/tty.txt" || fail "consoleSize: $(cat "$T/tty.txt")"
grep -qxF "$(readlink "/proc/$pid/ns/pid")" "$T/tty.txt" || fail "pid namespace: $(cat "$T/tty.txt")"

# -t without --console-socket: husk relays the terminal to its stdout.
h exec -t exec-p1 sh -c 'test -t 1 && echo relayed' </dev/null | tr -d '\r' >"$T/relay.txt" ||
	fail "exec -t: status $?"
grep -qx relayed "$T/relay.txt" || fail "exec -t relay: $(cat "$T/relay.txt")"

# CVE-2019-5736 (src/runtime/exe-seal.h): the exec'd process is exec'd by a sealed husk-dmz, so
# "/proc/self/exe" as the program is the dmz, which refuses to run without its arguments.
h exec exec-p1 /proc/self/exe --help </dev/null >"$T/selfexe.out" 2>&1 && fail "/proc/self/exe ran as the program"
grep -q "husk-dmz: run by husk only" "$T/selfexe.out" || fail "exec: /proc/self/exe is not the dmz: $(cat "$T/selfexe.out")"
# With HUSK_SEAL=reexec, the exec command itself runs from a sealed view of husk (a read-only
# overlayfs mounted nowhere, or a sealed memfd), never the husk file on disk.
HUSK_SEAL=reexec "$HUSK" --root "$ROOT" exec exec-p1 /probe sleep 30 </dev/null >/dev/null 2>&1 &
epid=$!
sealed_exe() { local e; e=$(readlink "/proc/$epid/exe"); [[ $e == "/${HUSK##*/}" || $e == /memfd:husk* ]]; }
wait_until 20 sealed_exe || true
exe=$(readlink "/proc/$epid/exe")
[[ $exe == "/${HUSK##*/}" || $exe == /memfd:husk* ]] || fail "husk exec runs $exe, not a sealed view of husk"
(echo overwrite >>"/proc/$epid/exe") 2>/dev/null && fail "/proc/$epid/exe of husk exec is writable"
kill "$epid"
wait "$epid" 2>/dev/null || true

# SCMP_ACT_NOTIFY: the exec'd process's listener reaches linux.seccomp.listenerPath too (one
# agent for the init, killed once it has its fd, a second one for the exec'd process).
AGENT=$HUSK_BUILD_DIR/tests/helpers/seccomp-agent
[[ -x $AGENT ]] || fail "$AGENT is missing"
seccomp=$(jq -cn --arg sock "$T/agent.sock" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $sock,
	syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}')
JQ=".linux.seccomp = $seccomp" lc_bundle notify /probe sleep 300
start_agent() {
	rm -f "$T/agent.sock"
	"$AGENT" "$T/agent.sock" "$T/$1.json" "$2" &
	agent=$!
	defer "kill $agent 2>/dev/null; wait $agent 2>/dev/null || true"
	wait_until 10 test -S "$T/agent.sock" || fail "the agent did not listen"
}
start_agent agent1 4242
h run -d -b "$T/notify" exec-n1 </dev/null >/dev/null 2>"$T/n1.err" || fail "run exec-n1: $(cat "$T/n1.err")"
kill "$agent"
start_agent agent2 4343
# shellcheck disable=SC2016 # $PPID is the container shell's
assert_eq "ppid=4343" "$(h exec exec-n1 sh -c 'echo ppid=$PPID' </dev/null)" "getppid() of the exec'd process answered by the agent"
assert_eq running "$(jq -r .state.status "$T/agent2.json")" "state.status sent with the exec'd process's listener"
h delete --force exec-n1

# A created container (init waiting for start) can be exec'd into too, as runc allows.
h create -b "$T/b1" exec-p2 >/dev/null 2>&1 </dev/null || fail "create exec-p2"
assert_eq "$(readlink "/proc/$(lc_field exec-p2 pid)/ns/pid")" "$(h exec exec-p2 /probe get ns_pid </dev/null)" \
	"exec into a created container"
h delete --force exec-p2
h delete --force exec-p1
echo "exec-process: ok"
