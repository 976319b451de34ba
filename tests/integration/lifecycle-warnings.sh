#!/bin/bash
# What create, run and exec have to say besides an error reaches the log once, at its level:
# config warnings (an unknown capability, ignored) at "warning", on stderr by default and as
# {"level":"warning"} with --log-format json; seccomp notes (an unknown syscall name skipped, the
# BPF program compiled or from the cache) at "debug", only with --debug. The container still runs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lc_setup

JQ='.process.capabilities.bounding += ["CAP_BOGUS"]
.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["nosuchcall", "getppid"], action: "SCMP_ACT_ERRNO"}]}' \
	lc_bundle warn /probe sleep 300

# Text on stderr, no debug lines without --debug.
h run -b "$T/warn" w1 </dev/null >/dev/null 2>"$T/w1.err" &
wait_until 30 lc_status_is w1 running || fail "w1 did not start: $(cat "$T/w1.err")"
grep -q 'warning.*unknown capability "CAP_BOGUS" ignored\|unknown capability "CAP_BOGUS" ignored' "$T/w1.err" ||
	fail "no capability warning on stderr: $(cat "$T/w1.err")"
grep -q 'nosuchcall' "$T/w1.err" && fail "a debug note without --debug: $(cat "$T/w1.err")"
h kill w1 KILL
wait || true

# JSON log with --debug: one warning, the seccomp notes at debug level.
h --debug --log "$T/c.json" --log-format json create -b "$T/warn" w2 </dev/null >/dev/null 2>&1 ||
	fail "create w2: $(cat "$T/c.json")"
assert_eq 1 "$(jq -s '[.[] | select(.level == "warning" and (.msg | test("CAP_BOGUS")))] | length' "$T/c.json")" \
	"capability warnings in the json log"
assert_eq 1 "$(jq -s '[.[] | select(.level == "debug" and (.msg | test("unknown syscall \"nosuchcall\" skipped")))] | length' "$T/c.json")" \
	"seccomp skipped-name notes in the json log"
jq -se '[.[] | select(.level == "debug" and (.msg | test("^seccomp: BPF program")))] | length == 1' "$T/c.json" >/dev/null ||
	fail "no BPF note in the json log: $(cat "$T/c.json")"

# exec notes the seccomp filter it installs too.
h start w2
h --debug --log "$T/e.json" --log-format json exec w2 /probe </dev/null >/dev/null 2>&1 ||
	fail "exec in w2: $(cat "$T/e.json")"
jq -se '[.[] | select(.level == "debug" and (.msg | test("nosuchcall")))] | length == 1' "$T/e.json" >/dev/null ||
	fail "no seccomp note from exec: $(cat "$T/e.json")"
h delete --force w2
echo "lifecycle-warnings: ok"
