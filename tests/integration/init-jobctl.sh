#!/bin/bash
# Terminal job control through husk-init (not PID 1), in an interactive bash on a pty: the
# command stops itself with SIGTSTP (as Ctrl-Z would), so husk-init stops too and the shell
# reports the job stopped; `fg` continues husk-init, which continues the command and gives it
# the terminal back, so it can read from it.
# Usage: init-jobctl.sh HUSK_INIT
. "$(dirname "$0")/../lib.sh"

init=${1:?usage: init-jobctl.sh HUSK_INIT}
require_cmd python3 bash
new_tmpdir tmp

rc=0
python3 - "$init" >"$tmp/out" <<'PY' || rc=$?
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])

def read_until(text, timeout=10.0):
    out, end = "", time.time() + timeout
    while time.time() < end and text not in out:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                out += os.read(fd, 4096).decode(errors="replace")
            except OSError:
                break
    return out

def step(send, expect):
    os.write(fd, send.encode())
    out = read_until(expect)
    print("## sent %r, got: %r" % (send, out[-300:]))
    if expect not in out:
        print("FAIL: expected %r" % expect)
        sys.exit(1)

read_until("#", 3)
step(sys.argv[1] + " -- sh -c 'kill -TSTP $$; echo continued; read x; echo got $x'\n", "Stopped")
step("fg\n", "continued")
step("hello\n", "got hello")
os.write(fd, b"exit\n")
PY
cat "$tmp/out"
assert_eq 0 "$rc" "job control session"
echo "ok"
