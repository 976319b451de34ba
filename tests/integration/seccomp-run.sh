#!/bin/bash
# linux.seccomp end to end through `husk run`: a denied syscall returns the configured errno, a
# KILL action kills the process (exit 128+SIGSYS), bad input is refused naming the field and leaves
# nothing behind, and the built-in default profile is applied only when the annotation asks for it
# and never over the engine's profile.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
. "$(dirname "$0")/seccomp-lib.sh"
sc_setup

# mkbundle takes one jq filter a line: JSON written over several lines here is compacted first.
compact() {
	jq -c . <<<"$1"
}

# run ID SECCOMP_JSON ARGS...: a bundle with that linux.seccomp ("null": none),
# run it, print its output; the exit status is the container's.
run() {
	local id=$1 seccomp
	seccomp=$(compact "$2")
	shift 2
	JQ=".linux.seccomp = $seccomp" sc_bundle "$id" "$@"
	sc_run "$id"
}

# ERRNO with errnoRet: mkdir fails with EACCES (13) instead of succeeding.
out=$(run errno '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],
	"action":"SCMP_ACT_ERRNO","errnoRet":13}]}' sh -c 'mkdir /dev/x; echo "rc=$?"') ||
	fail "run errno: $out"
[[ $out == *"Permission denied"* && $out == *"rc=1"* ]] || fail "mkdir was not denied with EACCES: $out"

# defaultErrnoRet: what the profile does not list fails with it. policies/default.json without
# mkdir and with defaultErrnoRet ENXIO (6): mkdir gets ENXIO, the rest of the profile still works.
profile=$(jq -c '.syscalls[0].names -= ["mkdir", "mkdirat"] | .defaultErrnoRet = 6 | del(.comment)' \
	"$HUSK_SOURCE_DIR/policies/default.json")
out=$(run defaulterrno "$profile" sh -c 'mkdir /dev/y; echo "rc=$?"') || fail "run defaulterrno: $out"
[[ $out == *"No such device or address"* && $out == *"rc=1"* ]] || fail "mkdir did not get defaultErrnoRet: $out"

# A profile that predates close_range(2) (Docker's, runtime-tools'): husk marks the fds
# close-on-exec before the filter goes in, so neither run nor exec needs it allowed.
profile=$(jq -c '.syscalls[0].names -= ["close_range"] | del(.comment)' "$HUSK_SOURCE_DIR/policies/default.json")
out=$(run noclose "$profile" echo started) || fail "run without close_range in the profile: $out"
assert_eq started "$out" "run under a profile without close_range"
JQ=".linux.seccomp = $profile" sc_bundle noclose-exec sleep 30
(cd "$T/noclose-exec" && h create noclose-exec) </dev/null >/dev/null 2>&1 || fail "create noclose-exec"
h start noclose-exec
out=$(h exec noclose-exec echo execed </dev/null 2>&1) || fail "exec without close_range in the profile: $out"
assert_eq execed "$out" "exec under a profile without close_range"
h delete --force noclose-exec
# Nor the new mount API or openat2 that the procfs writes use: process.oomScoreAdj is written
# before such a filter goes in (noNewPrivileges false installs it before the capabilities go).
old=$(jq -c '.syscalls[0].names -= ["close_range", "openat2", "fsopen", "fsconfig", "fsmount", "open_tree"]
	| del(.comment)' "$HUSK_SOURCE_DIR/policies/default.json")
JQ=".linux.seccomp = $old
.process.oomScoreAdj = 100
.process.noNewPrivileges = false" sc_bundle oldprofile cat /proc/self/oom_score_adj
out=$(sc_run oldprofile) || fail "run with oomScoreAdj under a profile without openat2/fsopen: $out"
assert_eq 100 "$out" "oom_score_adj under a profile without openat2/fsopen"

# KILL_PROCESS: the container's process dies of SIGSYS; run passes 128+31 through.
rc=0
out=$(run kill '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],
	"action":"SCMP_ACT_KILL_PROCESS"}]}' mkdir /dev/z) || rc=$?
assert_eq 159 "$rc" "exit status of a process killed by seccomp ($out)"

# TRACE without a tracer: the syscall fails with ENOSYS (seccomp(2)); LOG lets it run.
out=$(run trace '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],
	"action":"SCMP_ACT_TRACE","errnoRet":5}]}' sh -c 'mkdir /dev/x; echo "rc=$?"') || fail "run trace: $out"
[[ $out == *"Function not implemented"* ]] || fail "TRACE without a tracer did not give ENOSYS: $out"
out=$(run log '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG"],"syscalls":[{"names":
	["mkdir","mkdirat"],"action":"SCMP_ACT_LOG"}]}' sh -c 'mkdir /dev/x && echo made') || fail "run log: $out"
assert_eq made "$out" "mkdir under SCMP_ACT_LOG"

# Arguments: kill(pid, 0) is denied for pid 1 only; openat is denied when its flags have O_CREAT
# (MASKED_EQ on argument 2: mask 0100, value 0100), so reading works and creating fails.
out=$(run args '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_ERRNO",
	"errnoRet":13,"args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":0,"op":"SCMP_CMP_EQ"}]},
	{"names":["openat"],"action":"SCMP_ACT_ERRNO","errnoRet":30,"args":[{"index":2,"value":64,"valueTwo":64,
	"op":"SCMP_CMP_MASKED_EQ"}]}]}' sh -c \
	'kill -0 1; kill -0 4321; cat /dev/null && echo read=ok; echo x > /dev/f; echo "create=$?"') ||
	fail "run args: $out"
[[ $out == *"kill pid 1: Permission denied"* && $out == *"kill pid 4321: No such process"* ]] ||
	fail "kill(1, 0) should be denied, kill(4321, 0) reach the kernel: $out"
[[ $out == *"read=ok"* && $out == *"Read-only file system"* && $out == *"create=1"* ]] ||
	fail "openat with O_CREAT should fail with EROFS, without it work: $out"

# Bad input: a clear error naming the field; no state is left behind.
JQ=".linux.seccomp = $(compact '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["dup"],
	"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_FOO"}]}]}')" sc_bundle badop true
cd "$T/badop"
expect_fail 'linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_FOO"' h run badop
[[ ! -e $ROOT/badop ]] || fail "a refused create left $ROOT/badop"
JQ='.linux.seccomp = {"defaultAction":"SCMP_ACT_KILL_ME"}' sc_bundle badact true
cd "$T/badact"
expect_fail 'linux.seccomp.defaultAction: unknown action "SCMP_ACT_KILL_ME"' h run badact
JQ='.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_PDP11"]}' sc_bundle badarch true
cd "$T/badarch"
expect_fail 'linux.seccomp.architectures[0]: unknown architecture "SCMP_ARCH_PDP11"' h run badarch
JQ='.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_NOPE"]}' sc_bundle badflag true
cd "$T/badflag"
expect_fail 'linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_NOPE"' h run badflag
cd /

# Unknown syscall names are skipped (as runc does), unless the annotation makes them fatal.
out=$(run unknown '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["no_such_call","mkdir",
	"mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}' sh -c 'mkdir /dev/x; echo "rc=$?"') ||
	fail "an unknown syscall name must be skipped: $out"
[[ $out == *"Permission denied"* ]] || fail "the known names of the rule were not applied: $out"
JQ='.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["no_such_call"],"action":"SCMP_ACT_ERRNO"}]}
.annotations["run.oci.husk.seccomp_fail_unknown_syscall"] = "true"' sc_bundle failunknown true
cd "$T/failunknown"
expect_fail 'linux.seccomp.syscalls[0].names[0]: unknown syscall "no_such_call"' h run failunknown
cd /

# No linux.seccomp: no filter (as runc) ...
out=$(run none null grep Seccomp: /proc/self/status) || fail "run none: $out"
[[ $out =~ Seccomp:[[:space:]]+0 ]] || fail "a filter was applied although the engine gave none: $out"
# ... unless the annotation asks for a built-in profile: default denies unshare with EPERM.
JQ='del(.linux.seccomp)
.annotations["run.oci.husk.seccomp_profile"] = "default"' sc_bundle deflt sh -c \
	'grep Seccomp: /proc/self/status; unshare -n true; echo "rc=$?"'
out=$(sc_run deflt) || fail "run with the default profile: $out"
[[ $out =~ Seccomp:[[:space:]]+2 ]] || fail "the default profile was not applied: $out"
[[ $out == *"Operation not permitted"* && $out == *"rc=1"* ]] || fail "default.json did not deny unshare: $out"
# The engine's profile is never overridden by the annotation.
JQ=".linux.seccomp = $(compact '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir",
	"mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}')
.annotations[\"run.oci.husk.seccomp_profile\"] = \"strict\"" sc_bundle engine sh -c 'mkdir /dev/x; echo "rc=$?"'
out=$(sc_run engine) || fail "run engine: $out"
[[ $out == *"Permission denied"* ]] || fail "the engine's profile was not the one applied: $out"
JQ='del(.linux.seccomp)
.annotations["run.oci.husk.seccomp_profile"] = "nope"' sc_bundle noprofile true
cd "$T/noprofile"
expect_fail 'annotations.run.oci.husk.seccomp_profile: unknown profile "nope"' h run noprofile
cd /
echo "seccomp-run: ok"
