#!/bin/bash
# selftest.sh: host-side test of the VM harness (tests/vm/run.sh) itself, in meson's suite
# 'vm' as 'vm-harness'. It writes deliberately passing, failing, skipping, hanging, leaking
# and VM-stalling cases into a temp dir, runs the harness on them, and checks the TAP it
# prints and its exit status: failures and timeouts are reported as failures with their
# output, a hang loses no other case's result, a stalled VM is killed, and nothing is left
# running or on disk afterwards. Two VM boots; about a minute on an idle 2-core machine.
. "$(dirname "$0")/../lib.sh"

run=$(realpath "$(dirname "$0")/run.sh")
why=$("$run" --check) || skip "$why"
new_tmpdir tmp
mkdir "$tmp/runs"

# write_case NAME BODY: an executable case script in $tmp.
write_case() {
	printf '#!/bin/bash\n%s\n' "$2" >"$tmp/$1.sh"
	chmod +x "$tmp/$1.sh"
}

write_case pass 'echo "pass: out"; echo "pass: err" >&2; [[ -n $HUSK_BUILD_DIR && $HUSK_VM == 1 ]]'
write_case fail 'echo "fail: about to fail"; exit 3'
write_case skip '. "$HUSK_SOURCE_DIR/tests/lib.sh"; skip "nothing to see here"'
write_case hang '# husk-vm-timeout: 10
echo "hang: sleeping"; sleep 1000'
write_case leak 'sleep 1000 & echo "leak: left $!"'
write_case after 'echo "after: still running"'
# Stop our `timeout` so the guest's own per-case timeout cannot fire: only the host's
# deadline (timeout + HUSK_VM_GRACE) can end this one.
write_case stall '# husk-vm-timeout: 15
kill -STOP $PPID; sleep 1000'
write_case never 'echo never'
write_case skip77 'echo "raw skip"; exit 77'
write_case crash 'echo c >/proc/sysrq-trigger; sleep 100'

# harness OUT CASE...: run the harness on cases, TAP to OUT, return its exit status.
harness() {
	local out=$1
	shift
	HUSK_VM_TMPDIR=$tmp/runs HUSK_VM_GRACE=10 "$run" "${@/#/$tmp/}" >"$out" 2>"$out.err"
}

# expect OUT REGEX...: every REGEX matches a line of OUT, in that order.
expect() {
	local out=$1 re line=0 n
	shift
	for re in "$@"; do
		n=$(tail -n +$((line + 1)) "$out" | grep -n -m1 -E -- "$re" | cut -d: -f1) ||
			fail "expected a line matching '$re' after line $line of the TAP:$(printf '\n%s' "$(cat "$out")")"
		[[ -n $n ]] || fail "expected '$re' after line $line of the TAP:$(printf '\n%s' "$(cat "$out")")"
		line=$((line + n))
	done
}

# No qemu of ours may survive the harness, and its run dirs must be gone.
expect_clean() {
	local left
	left=$(pgrep -f -- "$tmp/runs" || true)
	[[ -z $left ]] || fail "processes left behind: $(ps -o pid,args -p "$left" | tail -n +2)"
	[[ -z $(ls -A "$tmp/runs") ]] || fail "run dirs left behind: $(ls -A "$tmp/runs")"
}

# Missing qemu: skip, or fail under HUSK_TESTS_MUST_RUN=1; no VM either way.
rc=0
HUSK_VM_QEMU=/nonexistent/qemu HUSK_TESTS_MUST_RUN=0 "$run" "$tmp/pass.sh" >"$tmp/noqemu" || rc=$?
assert_eq 0 "$rc" "exit status without qemu"
expect "$tmp/noqemu" '^1\.\.0 # SKIP .*qemu'
rc=0
HUSK_VM_QEMU=/nonexistent/qemu HUSK_TESTS_MUST_RUN=1 "$run" "$tmp/pass.sh" >"$tmp/noqemu" || rc=$?
assert_eq 1 "$rc" "exit status without qemu, HUSK_TESTS_MUST_RUN=1"
expect "$tmp/noqemu" '^1\.\.1$' '^not ok 1 - pass$'

# One boot: results in order, a hang killed by the guest's timeout, a leak reported and
# cleaned, the run goes on; then a stall only the host can end.
rc=0
HUSK_TESTS_MUST_RUN=0 harness "$tmp/a" pass.sh fail.sh skip.sh hang.sh leak.sh after.sh stall.sh never.sh || rc=$?
assert_eq 1 "$rc" "harness exit status with failing cases"
expect "$tmp/a" '^1\.\.8$' '^# vm: booted in' \
	'^# pass: out$' '^ok 1 - pass$' \
	'^# fail: about to fail$' '^# fail: exit status 3 ' '^not ok 2 - fail$' \
	'^ok 3 - skip # SKIP nothing to see here$' \
	'^# hang: sleeping$' '^# vm: timed out after 10s' '^not ok 4 - hang$' \
	'^# vm: left behind process [0-9]+ sleep' '^not ok 5 - leak$' \
	'^# after: still running$' '^ok 6 - after$' \
	'^# vm: no result within .* \(VM killed\)' '^# stall: the VM stopped during this case$' \
	'^not ok 7 - stall$' '^# never: not run$' '^not ok 8 - never$'
expect_clean

# Second boot: a skip is a failure under HUSK_TESTS_MUST_RUN=1 (lib.sh's skip, and exit 77
# in the harness); a guest kernel crash ends the VM at once (panic=-1, -no-reboot) and
# fails the case and those after it.
rc=0
HUSK_TESTS_MUST_RUN=1 harness "$tmp/b" skip.sh skip77.sh crash.sh never.sh || rc=$?
assert_eq 1 "$rc" "harness exit status with a crashing VM"
expect "$tmp/b" '^1\.\.4$' '^not ok 1 - skip$' \
	'^# skip77: skipped, but HUSK_TESTS_MUST_RUN=1$' '^not ok 2 - skip77$' \
	'^# vm: the VM stopped early' '^# crash: the VM stopped during this case$' '^not ok 3 - crash$' \
	'^not ok 4 - never$'
expect_clean
echo "vm harness self-test passed"
