#!/bin/bash
# Churn: 200 create/start/delete cycles of `true`, then 50 containers at once (create all, start
# all, delete all). Before and after, nothing may have grown: the fds of this shell, the
# container cgroups in every hierarchy (v1 controllers and cgroup2), the mount table, the state
# directories under --root, the processes (children of this shell, processes in the containers'
# cgroups or with our --root on their command line). The host-wide count of open files
# (/proc/sys/fs/file-nr) is printed, not compared: other users of the host change it.
#
# It runs in a private mount namespace of its own, so that the mount table it compares is not
# changed by other users of the host. CHURN_CYCLES and CHURN_PARALLEL override 200 and 50.
. "$(dirname "$0")/leak-lib.sh"
leak_setup
CYCLES=${CHURN_CYCLES:-200}
PARALLEL=${CHURN_PARALLEL:-50}
PREFIX=churn-$$

lc_bundle t true
lc_bundle s sleep 300

count_fds() { find "/proc/$$/fd" -mindepth 1 -maxdepth 1 | wc -l; }
count_cgroups() { leak_cgroups "$PREFIX-" | wc -l; }
count_mounts() { wc -l </proc/self/mountinfo; }
count_states() { find "$ROOT" -mindepth 1 -maxdepth 1 | wc -l; }
count_procs() { { pgrep -P $$ || true; leak_procs "/$PREFIX-" | cut -d' ' -f1; } | sort -u | wc -l; }
KINDS="fds cgroups mounts states procs"
declare -A before

snapshot() { # NAME: print the counts, keep them in before[] the first time
	local k v line=""
	for k in $KINDS; do
		v=$("count_$k")
		line+=" $k=$v"
		[[ -n ${before[$k]:-} ]] || before[$k]=$v
	done
	printf 'churn: %-26s%s file-nr=%s\n' "$1" "$line" "$(cut -f1 /proc/sys/fs/file-nr)"
}

check() { # WHAT: every count as before
	local k v
	for k in $KINDS; do
		v=$("count_$k")
		assert_eq "${before[$k]}" "$v" "$1: $k"
	done
}

mkdir -p "$ROOT"
snapshot before
start=$SECONDS
for ((i = 0; i < CYCLES; i++)); do
	id=$PREFIX-$i
	h create -b "$T/t" "$id" >/dev/null 2>"$T/err" </dev/null || fail "cycle $i: create: $(cat "$T/err")"
	h start "$id" 2>"$T/err" || fail "cycle $i: start: $(cat "$T/err")"
	h delete --force "$id" 2>"$T/err" || fail "cycle $i: delete: $(cat "$T/err")"
done
echo "churn: $CYCLES create/start/delete cycles in $((SECONDS - start)) s"
# A deleted container's last processes may still be on their way out.
wait_until 10 eval '(($(count_procs) == before[procs]))' || true
snapshot "after $CYCLES cycles"
check "after $CYCLES cycles"

# all ACTION ARGS...: run `husk ACTION ARGS... ID` for every parallel id at once; all must succeed.
all() {
	local pids=() i rc=0
	for ((i = 0; i < PARALLEL; i++)); do
		h "$@" "$PREFIX-p$i" >/dev/null 2>"$T/p$i.err" </dev/null &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || { rc=1; echo "$* $PREFIX-p$i: $(cat "$T/p$i.err")" >&2; }
	done
	((rc == 0)) || fail "husk $1 in parallel failed"
}
start=$SECONDS
all create -b "$T/s"
assert_eq "$PARALLEL" "$(h list -q | wc -l)" "containers created in parallel"
all start
assert_eq "$PARALLEL" "$(h list --format json | jq '[.[] | select(.status == "running")] | length')" \
	"containers running"
all delete --force
echo "churn: $PARALLEL containers created, started and deleted in parallel in $((SECONDS - start)) s"
assert_eq "" "$(h list -q)" "list after the parallel deletes"
wait_until 10 eval '(($(count_procs) == before[procs]))' || true
snapshot "after $PARALLEL in parallel"
check "after $PARALLEL in parallel"
