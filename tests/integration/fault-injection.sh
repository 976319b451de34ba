#!/bin/bash
# husk killed with SIGKILL at each stage of create/start/delete/exec (HUSK_FAULT=<stage>, see
# src/runtime/fault.h), then `husk delete --force` and a fresh `husk list` must leave nothing:
# no cgroup in any hierarchy (v1 controllers and cgroup2), no mount, no state directory, no
# process. A create killed after it cloned the container child also must not leave that child
# waiting for a `start` that can never come: it leaves by itself.
#
# The test runs in a private mount namespace of its own so that the mount table it compares is
# not changed by other users of the host.
. "$(dirname "$0")/leak-lib.sh"
leak_setup
unset HUSK_FAULT

# stage                       verb    how the command ends (parent: killed, 137; child: the
#                                     create fails; late: the create succeeds, the init dies)
STAGES="
create.state-dir-temp         create  parent
create.after-state-dir        create  parent
create.after-cgroup           create  parent
create.after-clone            create  parent
create.before-hooks           create  parent
create.after-hooks            create  parent
create.after-ready            create  parent
create.after-state            create  parent
create.child-start            create  child
create.child-before-hooks     create  child
create.child-before-ready     create  child
create.child-before-fifo      create  late
start.before-fifo             start   parent
start.after-fifo              start   parent
start.before-poststart        start   parent
delete.after-cgroup           delete  parent
delete.after-kill             delete  parent
delete.before-state-remove    delete  parent
exec.after-clone              exec    parent
exec.after-ready              exec    parent
"

# Every hook kind, so that the stages around them are reached.
JQ=".hooks.prestart = [{\"path\": \"/bin/true\"}]
.hooks.createRuntime = [{\"path\": \"/bin/true\"}]
.hooks.createContainer = [{\"path\": \"/bin/true\"}]
.hooks.startContainer = [{\"path\": \"/bin/true\"}]
.hooks.poststart = [{\"path\": \"/bin/true\"}]
.hooks.poststop = [{\"path\": \"/bin/true\"}]" lc_bundle b /probe sleep 300

no_procs() { [[ -z "$(leak_procs "/$1\$")" ]]; }

run_fault() { # STAGE VERB ID: the command that meets the fault, with HUSK_FAULT set for it only
	local stage=$1 verb=$2 id=$3
	case $verb in
	create) HUSK_FAULT=$stage h create -b "$T/b" --pid-file "$T/$id.pid" "$id" ;;
	start) HUSK_FAULT=$stage h start "$id" ;;
	delete) HUSK_FAULT=$stage h delete --force "$id" ;;
	exec) HUSK_FAULT=$stage h exec "$id" /probe sleep 300 ;;
	esac
}

mounts_before=$(leak_mounts)
n=0
while read -r stage verb kind; do
	[[ -n $stage ]] || continue
	id=$(printf "fault-%d-%02d" $$ "$n")
	n=$((n + 1))
	if [[ $verb != create ]]; then
		h create -b "$T/b" "$id" >/dev/null 2>"$T/err" </dev/null || fail "$stage: create: $(cat "$T/err")"
		[[ $verb == start ]] || h start "$id" 2>"$T/err" || fail "$stage: start: $(cat "$T/err")"
	fi
	rc=0
	run_fault "$stage" "$verb" "$id" >/dev/null 2>"$T/err" </dev/null || rc=$?
	case $kind in
	parent) assert_eq 137 "$rc" "$stage: husk $verb must die of SIGKILL ($(cat "$T/err"))" ;;
	child)
		((rc == 1)) && grep -Eq "killed by signal 9|exited with status 137" "$T/err" ||
			fail "$stage: create should fail as its child died: status $rc, $(cat "$T/err")"
		;;
	late)
		assert_eq 0 "$rc" "$stage: create ($(cat "$T/err"))"
		wait_until 20 lc_status_is "$id" stopped || fail "$stage: status $(lc_status "$id"), not stopped"
		;;
	esac
	# A create killed once the child exists: the child goes by itself (it must not wait for
	# a start that cannot come), before any delete.
	if [[ $verb == create && $kind == parent ]] && ! wait_until 20 no_procs "$id"; then
		fail "$stage: processes left by the killed create: $(leak_procs "/$id\$")"
	fi
	h delete --force "$id" 2>"$T/err" || fail "$stage: delete --force: status $?: $(cat "$T/err")"
	assert_eq "" "$(h list -q 2>&1)" "$stage: husk list after delete --force"
	assert_eq "" "$(ls -A "$ROOT")" "$stage: state directories left in --root"
	assert_eq "" "$(leak_cgroups "$id")" "$stage: cgroups left"
	wait_until 10 no_procs "$id" || fail "$stage: processes left: $(leak_procs "/$id\$")"
	assert_eq "$mounts_before" "$(leak_mounts)" "$stage: mount table"
	printf 'ok %-28s %-6s %s\n' "$stage" "$verb" "$kind"
done <<<"$STAGES"
echo "fault-injection: $n stages, nothing left behind"
