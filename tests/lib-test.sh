#!/bin/bash
# lib-test.sh: tests of tests/lib.sh (meson suite 'unit', unprivileged): skip and fail exit
# codes, HUSK_TESTS_MUST_RUN, the order and exit status of deferred cleanups on every exit
# path, and that new_tmpdir's cleanup unmounts before it deletes, never crossing into a
# filesystem mounted below it. Each check runs a small script in a child bash.
. "$(dirname "$0")/lib.sh"

lib=$(realpath "$(dirname "$0")/lib.sh")
new_tmpdir tmp

# run_script BODY [ENV...]: run BODY after sourcing lib.sh in a child bash; sets $rc, $out
# (stdout) and $err (stderr).
run_script() {
	local body=$1
	shift
	printf '. %q\n%s\n' "$lib" "$body" >"$tmp/script.sh"
	rc=0
	env "$@" bash "$tmp/script.sh" >"$tmp/out" 2>"$tmp/err" || rc=$?
	out=$(<"$tmp/out")
	err=$(<"$tmp/err")
}

# skip: 77 with the reason on stdout; a failure with the reason under HUSK_TESTS_MUST_RUN=1.
run_script 'skip "no frobnicator"; echo unreachable' HUSK_TESTS_MUST_RUN=0
assert_eq 77 "$rc" "skip: exit status"
assert_eq "SKIP: no frobnicator" "$out" "skip: stdout"
run_script 'skip "no frobnicator"' HUSK_TESTS_MUST_RUN=1
assert_eq 1 "$rc" "skip under HUSK_TESTS_MUST_RUN=1: exit status"
[[ $err == *"no frobnicator"*"HUSK_TESTS_MUST_RUN=1"* ]] || fail "skip under HUSK_TESTS_MUST_RUN=1: stderr '$err'"
run_script 'require_cmd sh husk-no-such-command-xyz' HUSK_TESTS_MUST_RUN=0
assert_eq 77 "$rc" "require_cmd with a missing command"
[[ $out == *husk-no-such-command-xyz* ]] || fail "require_cmd: reason does not name the command: '$out'"
run_script 'require_cmd sh bash; echo ran'
assert_eq "0 ran" "$rc $out" "require_cmd with present commands"

# require_cgroup2 agrees with the filesystem type of /sys/fs/cgroup.
run_script 'require_cgroup2; echo ran' HUSK_TESTS_MUST_RUN=0
if [[ $(stat -fc %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then
	assert_eq "0 ran" "$rc $out" "require_cgroup2 on cgroup2"
else
	assert_eq 77 "$rc" "require_cgroup2 without pure cgroup2"
fi

# fail: status 1, message on stderr; assert_eq names what differed.
run_script 'fail "it broke"'
assert_eq "1 FAIL: it broke" "$rc $err" "fail"
run_script 'assert_eq 1 2 "the answer"'
assert_eq "1 FAIL: the answer: expected '1', got '2'" "$rc $err" "assert_eq"

# defer: last registered runs first; one argument is a snippet, several are quoted words;
# the exit status survives, a failing cleanup is reported and the others still run.
run_script 'defer "echo one"; defer printf "%s|" "two words" "\$HOME"; defer "false"; echo main; exit 3'
assert_eq 3 "$rc" "defer: exit status kept"
assert_eq $'main\ntwo words|$HOME|one' "$out" "defer: order and quoting"
[[ $err == *"cleanup failed"*false* ]] || fail "defer: failing cleanup not reported: '$err'"
run_script 'defer "echo cleaned"; false; echo unreachable'
assert_eq "1 cleaned" "$rc $out" "defer after a set -e failure"
run_script 'defer "echo cleaned"; kill -TERM $$; sleep 5'
assert_eq "143 cleaned" "$rc $out" "defer after SIGTERM"

# Sourcing lib.sh again keeps the cleanups registered so far.
run_script "defer 'echo first'; . '$lib'; defer 'echo second'"
assert_eq $'0 second\nfirst' "$rc $out" "defer across a second source of lib.sh"

# wait_until: true once the condition holds; false after the time is up.
run_script 'wait_until 1 false && echo yes || echo no'
assert_eq "0 no" "$rc $out" "wait_until on a condition that never holds"
run_script "(sleep 0.3; touch '$tmp/flag') & wait_until 10 test -e '$tmp/flag' && echo yes"
assert_eq "0 yes" "$rc $out" "wait_until on a condition that comes true"

# new_tmpdir: under /tmp, removed at exit; what is mounted below it is unmounted first, so
# the files of a bind-mounted directory survive. Mounting needs a mount namespace: in a
# user namespace when unprivileged.
mkdir "$tmp/precious"
echo keep >"$tmp/precious/file"
unshare=(unshare -m)
((EUID == 0)) || unshare=(unshare -rm)
"${unshare[@]}" true 2>/dev/null || skip "cannot create a mount namespace (${unshare[*]})"
printf '. %q\n%s\n' "$lib" "new_tmpdir d; echo \"\$d\"
mount --make-rprivate /
mkdir \"\$d/bind\" \"\$d/tmpfs\"
mount --bind '$tmp/precious' \"\$d/bind\"
mount -t tmpfs tmpfs \"\$d/tmpfs\"
touch \"\$d/tmpfs/x\" \"\$d/own\"" >"$tmp/mounts.sh"
d=$("${unshare[@]}" bash "$tmp/mounts.sh") || fail "new_tmpdir with mounts below it: exit status $?"
[[ $d == /tmp/husk-test.* ]] || fail "new_tmpdir: '$d' is not under /tmp/husk-test.*"
[[ ! -e $d ]] || fail "new_tmpdir: $d not removed"
assert_eq keep "$(cat "$tmp/precious/file" 2>/dev/null)" "file of a bind mount below a new_tmpdir"
echo "lib.sh ok"
