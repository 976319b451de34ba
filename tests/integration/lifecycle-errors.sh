#!/bin/bash
# Failures reach the user in one line (and as one JSON line with --log-format json), with exit
# status 1 and nothing left behind: missing or non-executable process.args[0] (found through
# the container's PATH), bad bundle, bad config, bad mount, bad ids, terminal without a socket;
# an exec failure after start gives 127. Concurrent commands on one id are serialized.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup

check_nothing_left() {
	assert_eq "" "$(h list -q 2>/dev/null)" "containers left after '$1'"
	[[ -z $(ls -A "$ROOT" 2>/dev/null) ]] || fail "state left after '$1': $(ls -A "$ROOT")"
}

# process.args[0]: looked up in the container's PATH, checked before create returns.
lc_bundle nosuch nosuchcmd
expect_fail 'exec: "nosuchcmd": executable file not found in $PATH' h create -b "$T/nosuch" e1
check_nothing_left "missing executable"
lc_bundle nosuchabs /no/such/file
expect_fail 'exec: "/no/such/file": stat /no/such/file: No such file or directory' h run -b "$T/nosuchabs" e2
lc_bundle notexec /etc/passwd
expect_fail 'exec: "/etc/passwd": Permission denied' h run -b "$T/notexec" e3
lc_bundle isdir /bin
expect_fail 'exec: "/bin": is a directory' h run -b "$T/isdir" e4
JQ='.process.env = ["PATH=/nowhere"]' lc_bundle badpath sh -c true
expect_fail 'exec: "sh": executable file not found in $PATH' h run -b "$T/badpath" e5
JQ='.process.env = ["PATH=/nowhere:/bin"]' lc_bundle goodpath sh -c true
h run -b "$T/goodpath" e6 </dev/null || fail "PATH lookup through the container's PATH"
check_nothing_left "exec errors"

# The JSON log: one line per failure, with level, msg and time.
rc=0
h --log "$T/log.json" --log-format json create -b "$T/nosuch" e7 </dev/null >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "exit status of a failed create"
assert_eq 1 "$(wc -l <"$T/log.json")" "lines in the JSON log"
assert_eq error "$(jq -r .level "$T/log.json")" "log level"
jq -r .msg "$T/log.json" | grep -qF 'exec: "nosuchcmd": executable file not found in $PATH' ||
	fail "log msg: $(cat "$T/log.json")"
[[ $(jq -r .time "$T/log.json") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]] || fail "log time: $(cat "$T/log.json")"

# Bundle and config errors name the file or field.
expect_fail "bundle '$T/nothere': No such file or directory" h create -b "$T/nothere" b1
lc_bundle badjson true
echo '{"ociVersion": ' >"$T/badjson/config.json"
expect_fail "config.json" h create -b "$T/badjson" b2
JQ='.root.path = "nonexistent"' lc_bundle noroot true
expect_fail "root.path" h create -b "$T/noroot" b3
JQ='.mounts += [{"destination": "/x", "source": "/no/such/dir", "type": "bind", "options": ["bind"]}]' \
	lc_bundle badmount true
expect_fail "/no/such/dir: No such file or directory" h create -b "$T/badmount" b4
JQ='.process.terminal = true' lc_bundle tty true
expect_fail "process.terminal is true: --console-socket is required" h create -b "$T/tty" b5
expect_fail "--console-socket '$T/no.sock': No such file or directory" \
	h create -b "$T/tty" --console-socket "$T/no.sock" b6
check_nothing_left "bundle errors"

# Container ids.
for id in a/b .. . "x y" '$(id)' ../escape; do
	expect_fail "invalid container id" h create -b "$T/goodpath" "$id"
	expect_fail "invalid container id" h state "$id"
done
expect_fail "does not exist" h state nope
expect_fail "does not exist" h start nope
expect_fail "does not exist" h kill nope
expect_fail "does not exist" h delete nope
check_nothing_left "bad ids"

# Unknown options fail; runc's options that engines pass are accepted.
expect_fail "unknown option" h create --no-such-option x
lc_bundle ok true
h run --no-subreaper --no-new-keyring --no-pivot -b "$T/ok" o1 </dev/null || fail "runc's run options"

# An exec failure after start (the file went away): status 127 and a message on stderr.
JQ='.root.readonly = false
.hooks.startContainer = [{"path": "/bin/rm", "args": ["rm", "/probe2"]}]' lc_bundle vanish /probe2
cp "$PROBE" "$T/vanish/rootfs/probe2"
rc=0
h run -b "$T/vanish" x1 </dev/null 2>"$T/x1.err" || rc=$?
assert_eq 127 "$rc" "exit status when execve fails after start"
grep -q "exec /probe2: No such file or directory" "$T/x1.err" || fail "exec error: $(cat "$T/x1.err")"

# Concurrency: one of several creates of one id wins; state during delete is never torn.
lc_bundle sleeper /probe sleep 300
for i in 1 2 3 4 5 6; do
	(h create -b "$T/sleeper" same >/dev/null 2>"$T/same.$i" </dev/null && echo ok >"$T/same.$i.ok") &
done
wait
assert_eq 1 "$(ls "$T"/same.*.ok 2>/dev/null | wc -l)" "creates of one id that succeeded"
assert_eq 5 "$(grep -l "already exists" "$T"/same.? | wc -l)" "creates told the id exists"
h start same
for i in 1 2 3 4; do
	(for _ in $(seq 20); do
		if s=$(h state same 2>"$T/st.$i.err"); then
			echo "$s" | jq -e '.status == "running" or .status == "stopped"' >/dev/null ||
				echo "torn state: $s" >>"$T/torn"
		else
			grep -q "does not exist" "$T/st.$i.err" || cat "$T/st.$i.err" >>"$T/torn"
		fi
	done) &
done
h delete --force same
wait
[[ ! -s $T/torn ]] || fail "concurrent state during delete: $(cat "$T/torn")"
check_nothing_left "concurrency"
echo "lifecycle-errors: ok"
