#!/bin/bash
# husk-vm-timeout: 600
# The smallest memory.max a busybox container (`true`) runs under, husk beside crun, on pure
# cgroup v2. A VM case (run it with tests/vm/run.sh, as the `vm-memory-smallest` benchmark
# does), never part of the test suite: it prints the figures and fails only if husk runs under
# no limit at all up to 8 MiB. The limit is bisected over KiB steps between 128 KiB and 8 MiB.
. "$HUSK_SOURCE_DIR/tests/lib.sh"
. "$HUSK_SOURCE_DIR/tests/integration/cgroup-lib.sh"

require_cgroup2 memory
cg_setup

steps=(128 192 256 384 512 768 1024 1536 2048 3072 4096 6144 8192)

# Does `true` run under memory.max KIB with runtime $1?
runs_under() {
	local runtime=$1 kib=$2 id=small-$1-$2-$$
	# crun 1.8 knows runtime-spec versions up to 1.1: the same config for both
	JQ=".linux.resources.memory = {\"limit\": $((kib * 1024))}
.ociVersion = \"1.0.2\"" cg_bundle "$id" true
	if [[ $runtime == husk ]]; then
		h run -b "$T/$id" "$id" >/dev/null 2>"$T/$runtime.err" && return 0
		h delete --force "$id" >/dev/null 2>&1 || true
	else
		crun --root "$T/crun" run -b "$T/$id" "$id" >/dev/null 2>"$T/$runtime.err" && return 0
		crun --root "$T/crun" delete --force "$id" >/dev/null 2>&1 || true
	fi
	return 1
}

# The smallest step runtime $1 runs under (runs are monotonic in the limit), or "none".
smallest() {
	local lo=0 hi=$((${#steps[@]} - 1)) mid
	runs_under "$1" "${steps[hi]}" || { echo none; return; }
	while ((lo < hi)); do
		mid=$(((lo + hi) / 2))
		if runs_under "$1" "${steps[mid]}"; then hi=$mid; else lo=$((mid + 1)); fi
	done
	echo "${steps[lo]}"
}

husk_kib=$(smallest husk)
crun_kib=n/a
command -v crun >/dev/null && crun_kib=$(smallest crun)
printf '%-8s %s\n' runtime "smallest memory.max for 'true' (KiB)" husk "$husk_kib" crun "$crun_kib"
[[ $crun_kib != none ]] || echo "crun's last error: $(cat "$T/crun.err")"
[[ $husk_kib != none ]] || fail "husk ran under no limit up to 8 MiB: $(cat "$T/husk.err")"
